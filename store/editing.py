"""Edits to one annotation, each its own small transaction.

An edit touches one span row, so it costs the same on a document with ten spans as on one
with ten thousand. Edits name their annotation with an AnnotationKey: a person's own work, a
reviewer's correction of it, or the adjudicated version.
"""
from __future__ import annotations

from functools import wraps
from typing import Sequence

from peewee import JOIN, DatabaseError, fn

from annotate.adjudication import compare
from annotate.spans import Span
from annotate.versions import ADJUDICATED, OWN, REVIEWED
from store import reviews
from store.models import (
    Annotation, Dataset, Document, database, utc_now, Settled as SettledRow, Span as SpanRow,
)
from store.queries import insert_spans, spans_for, spans_of_annotations
from store.records import AnnotationKey, AnnotationRecord, DocumentRow, check_status


class EditError(Exception):
    """The edit was not stored: the store does not hold what it expects (changed elsewhere
    meanwhile), or the database refused the write (locked by another program, disk full)."""


def _stored(edit):
    """Turns a database failure into an EditError, which the window knows how to report."""
    @wraps(edit)
    def storing(*args, **kwargs):
        try:
            return edit(*args, **kwargs)
        except DatabaseError as error:
            raise EditError(f"the database refused the change ({error})") from error
    return storing


def open_annotation(key: AnnotationKey) -> AnnotationRecord:
    """The annotation the key names, as it stands.

    A person's own annotation is created on first open, seeded from the model's spans; but
    not before the document is pre-annotated, or it would start without them for good (the
    first edit creates it, as the annotator saw it). A reviewed version is created by the
    first correction, from the original; until then the original is shown. The adjudicated
    version is created on first open, holding the spans everyone agrees on.
    """
    with database.atomic():
        document = Document.get_by_id(key.document_id)
        predictions = spans_for(key.document_id)
        found = _find(key)
        if found is None and key.kind == OWN and has_predictions(key.document_id):
            found = _create(key)
        elif found is None and key.kind == ADJUDICATED:
            found = _create(key)
        shown = found or (_find(AnnotationKey(key.document_id, key.annotator))
                          if key.kind == REVIEWED else None)
        everyone = (sorted({s for spans in people_annotations(key.document_id).values()
                            for s in spans}) if key.kind == ADJUDICATED else predictions)
    return AnnotationRecord(
        key=key, text=document.text, status=shown.status if shown else "pending",
        spans=tuple(spans_of_annotations([shown.id]).get(shown.id, ())) if shown else (),
        predictions=tuple(predictions), reference=tuple(everyone),
    )


def people_annotations(document_id: int) -> dict[str, tuple[Span, ...]]:
    """Each person's accepted annotation of the document, in its reviewed version where
    there is one: what adjudication settles and what a reviewer compares with."""
    rows = list(Annotation.select(Annotation.id, Annotation.annotator, Annotation.kind)
                .where((Annotation.document == document_id) & Annotation.annotator.is_null(False)
                       & (Annotation.kind << (OWN, REVIEWED))
                       & (Annotation.status == "accepted"))
                .order_by(Annotation.kind).tuples())  # "annotation" before "reviewed"
    spans = spans_of_annotations([ann_id for ann_id, _, _ in rows])
    return {annotator: tuple(spans.get(ann_id, ())) for ann_id, annotator, _ in rows}


def has_predictions(document_id: int) -> bool:
    """Whether pre-annotation has run on the document (its spans may still be none)."""
    return Annotation.select().where((Annotation.document == document_id)
                                     & Annotation.annotator.is_null()).exists()


def _find(key: AnnotationKey) -> Annotation | None:
    where = (Annotation.document == key.document_id) & (Annotation.kind == key.kind)
    if key.kind != ADJUDICATED:  # one adjudicated version per document, whoever made it
        where &= Annotation.annotator == key.annotator
    return Annotation.get_or_none(where)


def _create(key: AnnotationKey) -> Annotation:
    """A new annotation, seeded as the key's kind says."""
    if key.kind == REVIEWED:
        original = _find(AnnotationKey(key.document_id, key.annotator))
        if original is None:
            raise EditError(f"{key.annotator} has no annotation of this document to review")
        created = Annotation.create(document=key.document_id, annotator=key.annotator,
                                    kind=REVIEWED, based_on=original.id, status=original.status)
        seed = spans_of_annotations([original.id]).get(original.id, [])
    elif key.kind == ADJUDICATED:
        created = Annotation.create(document=key.document_id, annotator=key.annotator,
                                    kind=ADJUDICATED)
        seed = compare(people_annotations(key.document_id)).agreed
    else:
        created = Annotation.create(document=key.document_id, annotator=key.annotator)
        seed = spans_for(key.document_id)
    insert_spans([(created.id, span) for span in seed])
    return created


def _annotation_id(key: AnnotationKey) -> int:
    """The key's annotation, created on a first edit (empty for an unseeded document: the
    annotator saw no spans)."""
    found = _find(key)
    if found is not None:
        return found.id
    if key.kind == OWN:
        return Annotation.create(document=key.document_id, annotator=key.annotator).id
    return _create(key).id


def _touch(annotation_id: int) -> None:
    Annotation.update(updated=utc_now()).where(Annotation.id == annotation_id).execute()


def _row_of(annotation_id: int, span: Span):
    return SpanRow.select(SpanRow.id).where(
        (SpanRow.annotation == annotation_id) & (SpanRow.start == span.start)
        & (SpanRow.end == span.end) & (SpanRow.label == span.label)).limit(1)


def _remove(annotation_id: int, span: Span) -> None:
    if not SpanRow.delete().where(SpanRow.id.in_(_row_of(annotation_id, span))).execute():
        raise EditError(f"{span.label} {span.start}-{span.end} is not stored")


@_stored
def add_span(key: AnnotationKey, span: Span) -> None:
    with database.atomic():
        annotation_id = _annotation_id(key)
        insert_spans([(annotation_id, span)])
        _touch(annotation_id)


@_stored
def remove_span(key: AnnotationKey, span: Span) -> None:
    with database.atomic():
        annotation_id = _annotation_id(key)
        _remove(annotation_id, span)
        _touch(annotation_id)


@_stored
def replace_span(key: AnnotationKey, old: Span, new: Span) -> None:
    """A relabel or a resize: one row changes."""
    with database.atomic():
        annotation_id = _annotation_id(key)
        changed = SpanRow.update(start=new.start, end=new.end, label=new.label,
                                 source=new.source, value=new.value).where(
            SpanRow.id.in_(_row_of(annotation_id, old))).execute()
        if not changed:
            raise EditError(f"{old.label} {old.start}-{old.end} is not stored")
        _touch(annotation_id)


@_stored
def set_status(key: AnnotationKey, status: str) -> None:
    check_status(status)
    with database.atomic():
        annotation_id = _annotation_id(key)
        Annotation.update(status=status, updated=utc_now()).where(
            Annotation.id == annotation_id).execute()


@_stored
def settle(key: AnnotationKey, region: tuple[int, int], spans: Sequence[Span]) -> None:
    """Settles the adjudicated version's conflict over `region` with these spans."""
    with database.atomic():
        annotation_id = _annotation_id(key)
        SettledRow.create(annotation=annotation_id, start=region[0], end=region[1])
        insert_spans([(annotation_id, span) for span in spans])
        _touch(annotation_id)


@_stored
def unsettle(key: AnnotationKey, region: tuple[int, int], spans: Sequence[Span]) -> None:
    """Undoes `settle`: the region is in conflict again and its chosen spans are gone."""
    with database.atomic():
        annotation_id = _annotation_id(key)
        for span in spans:
            _remove(annotation_id, span)
        SettledRow.delete().where((SettledRow.annotation == annotation_id)
                                  & (SettledRow.start == region[0])
                                  & (SettledRow.end == region[1])).execute()
        _touch(annotation_id)


store_verdict = _stored(reviews.set_verdict)  # a reviewer's verdict, refused as edits are


def settled_regions(document_id: int) -> set[tuple[int, int]]:
    """The conflicts of the document's adjudicated version that are settled."""
    return set(SettledRow.select(SettledRow.start, SettledRow.end).join(Annotation)
               .where((Annotation.document == document_id)
                      & (Annotation.kind == ADJUDICATED)).tuples())


SORT_KEYS = ("id", "status", "title", "spans")


def document_rows(
    dataset_id: int, annotator: str, after_id: int = 0, limit: int = 200,
    status: str | None = None, containing: str | None = None,
    sort: str = "id", descending: bool = False, offset: int = 0,
) -> list[DocumentRow]:
    """A page of the document list: the annotator's status and span count (the model's count
    where they have not opened it yet), filtered by status and by text.

    In id order, pages follow `after_id` (cheap at any depth); sorted by status, title or
    span count, they follow `offset`.
    """
    mine, model = Annotation.alias(), Annotation.alias()
    current_status = fn.COALESCE(mine.status, "pending")
    span_count = (SpanRow.select(fn.COUNT(SpanRow.id))
                  .where(SpanRow.annotation == fn.COALESCE(mine.id, model.id)))
    query = (Document
             .select(Document.id, fn.SUBSTR(Document.text, 1, 200), current_status, span_count)
             .join(mine, JOIN.LEFT_OUTER, on=((mine.document == Document.id)
                                              & (mine.annotator == annotator)
                                              & (mine.kind == OWN)))
             .switch(Document)
             .join(model, JOIN.LEFT_OUTER, on=((model.document == Document.id)
                                               & model.annotator.is_null()))
             .where(Document.dataset == dataset_id)
             .limit(limit))
    if sort == "id":
        query = query.where(Document.id < after_id if descending and after_id
                            else Document.id > (0 if descending else after_id))
        query = query.order_by(Document.id.desc() if descending else Document.id)
    else:
        key = {"status": current_status, "title": Document.text,
               "spans": fn.COALESCE(span_count, 0)}[sort]  # an expression: it can .desc()
        query = query.order_by(key.desc() if descending else key.asc(), Document.id)
        query = query.offset(offset)
    if status:
        query = query.where(current_status == status)
    if containing:
        query = query.where(Document.text.contains(containing))
    return [DocumentRow(doc_id, _title(start), row_status, count)
            for doc_id, start, row_status, count in query.tuples()]


def document_row(document_id: int, annotator: str) -> DocumentRow:
    dataset_id = Document.get_by_id(document_id).dataset_id
    [row] = document_rows(dataset_id, annotator, after_id=document_id - 1, limit=1)
    return row


def next_document(dataset_id: int, annotator: str, after_id: int = 0) -> int | None:
    """The next document the annotator should see, after `after_id` and then from the top:
    one of theirs still pending, or one that fewer people than the dataset asks for have
    annotated (skipping does not count as having seen it)."""
    wanted = Dataset.get_by_id(dataset_id).annotators_per_document
    mine = Annotation.alias()
    others = (Annotation.select(fn.COUNT(Annotation.id))
              .where((Annotation.document == Document.id) & (Annotation.kind == OWN)
                     & Annotation.annotator.is_null(False) & (Annotation.annotator != annotator)
                     & (Annotation.status != "skipped")))
    query = (Document.select(Document.id)
             .join(mine, JOIN.LEFT_OUTER, on=((mine.document == Document.id)
                                              & (mine.annotator == annotator)
                                              & (mine.kind == OWN)))
             .where((Document.dataset == dataset_id)
                    & ((mine.status == "pending") | (mine.id.is_null() & (others < wanted))))
             .order_by(Document.id).limit(1))
    found = query.where(Document.id > after_id).scalar()
    return found if found is not None else query.where(Document.id <= after_id).scalar()


def annotator_progress(dataset_id: int, annotator: str) -> tuple[int, int]:
    """(documents the annotator has finished, documents in the dataset)."""
    total = Document.select().where(Document.dataset == dataset_id).count()
    done = (Annotation.select().join(Document)
            .where((Document.dataset == dataset_id) & (Annotation.annotator == annotator)
                   & (Annotation.kind == OWN) & (Annotation.status != "pending")).count())
    return done, total


def _title(start: str) -> str:
    first_line = next((line for line in start.splitlines() if line.strip()), "")
    return first_line.strip()[:120]
