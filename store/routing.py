"""Which documents an annotator sees: the document list's pages (store/listing.py), the
next document to annotate, and progress. Taking the next document is atomic, so people
asking at once never get one beyond the dataset's annotators per document."""
from __future__ import annotations

from peewee import JOIN, PostgresqlDatabase, fn

from annotate.versions import OWN
from store import counters
from store.editing import create_annotation, stored
from store.listing import SORT_KEYS, document_row, document_rows  # noqa: F401 (their home before)
from store.models import Annotation, Dataset, Document, database
from store.records import AnnotationKey

ROUTING_LOCK = 0x6753  # PostgreSQL advisory lock class for taking documents ("gS")


def _needing(dataset_id: int, annotator: str):
    """Documents the annotator should see: one of theirs still pending, or one that fewer
    people than the dataset asks for have annotated (skipping does not count as seeing)."""
    wanted = Dataset.get_by_id(dataset_id).annotators_per_document
    mine = Annotation.alias()
    others = (Annotation.select(fn.COUNT(Annotation.id))
              .where((Annotation.document == Document.id) & (Annotation.kind == OWN)
                     & Annotation.annotator.is_null(False) & (Annotation.annotator != annotator)
                     & (Annotation.status != "skipped")))
    return (Document.select(Document.id, mine.id)
            .join(mine, JOIN.LEFT_OUTER, on=((mine.document == Document.id)
                                             & (mine.annotator == annotator)
                                             & (mine.kind == OWN)))
            .where((Document.dataset == dataset_id)
                   & ((mine.status == "pending") | (mine.id.is_null() & (others < wanted))))
            .order_by(Document.id))


def next_document(dataset_id: int, annotator: str, after_id: int = 0) -> int | None:
    """The next document the annotator should see, after `after_id` and then from the top
    (see `_needing`). Only looks: `take_next_document` is what routes work."""
    query = _needing(dataset_id, annotator).limit(1)
    found = query.where(Document.id > after_id).scalar()
    return found if found is not None else query.where(Document.id <= after_id).scalar()


@stored
def take_next_document(dataset_id: int, annotator: str, after_id: int = 0) -> int | None:
    """Like `next_document`, but takes the document: the annotator's annotation of it is
    created in the same transaction, and people taking documents of one dataset take turns.
    SQLite's transactions hold the write lock from their start; on PostgreSQL a transaction
    lock on the dataset does the same. (FOR UPDATE SKIP LOCKED would pass over the last
    document still needing people while someone else takes it, and answer "none left".)"""
    with database.atomic():
        if isinstance(database.obj, PostgresqlDatabase):
            database.execute_sql("SELECT pg_advisory_xact_lock(%s, %s)",
                                 (ROUTING_LOCK, dataset_id))
        query = _needing(dataset_id, annotator).limit(1)
        found = (query.where(Document.id > after_id).tuples().first()
                 or query.where(Document.id <= after_id).tuples().first())
        if found is None:
            return None
        document_id, mine = found
        if mine is None:  # not their own pending work: take it
            create_annotation(AnnotationKey(document_id, annotator))
        return document_id


def annotator_progress(dataset_id: int, annotator: str) -> tuple[int, int]:
    """(documents the annotator has finished, documents in the dataset), from the counters
    the database keeps (store/counters.py): two lookups at any size."""
    return counters.progress(dataset_id, annotator)
