"""Each annotation's span count (`annotation.span_count`), kept by the store in the
transaction of every span written, so that the document list can sort by it through an
index (store/listing.py).

Kept explicitly, not by a trigger per span: such triggers made imports a third slower on
SQLite and twice as slow on PostgreSQL. Every span inserted goes through
`store.rows.insert_spans`, which adds one UPDATE per annotation of its batch
(`adjust_sql`, `added`); every deletion of spans says how many it removed (`removed`), or
sets the count to 0 where it removes them all. A cascade (a deleted annotation or
document) takes the count with the row.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from peewee import Database, PostgresqlDatabase

from store.models import Annotation, database

# The person's own work by count (with and without a status), and the model's.
INDEXES = [
    "CREATE INDEX IF NOT EXISTS annotation_by_person_spans ON annotation "
    "(annotator, kind, span_count, document_id) WHERE annotator IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS annotation_by_person_status_spans ON annotation "
    "(annotator, kind, status, span_count, document_id) WHERE annotator IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS annotation_predictions_by_spans ON annotation "
    "(span_count, document_id) WHERE annotator IS NULL",
]

# One statement for SQLite (3.33 or later) and PostgreSQL: the spans counted once, by
# annotation, instead of a count per annotation.
BACKFILL = ("UPDATE annotation SET span_count = c.n FROM (SELECT annotation_id, count(*) AS n "
            "FROM span GROUP BY annotation_id) AS c WHERE c.annotation_id = annotation.id")


def install(db: Database) -> None:
    """The column's indexes (run by the schema step and on a new store)."""
    for statement in INDEXES:
        db.execute_sql(statement)
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("ANALYZE annotation")  # the planner sees the new indexes' worth


def backfill(db: Database) -> None:
    """Counts every annotation's spans (the schema step that adds the column)."""
    db.execute_sql(BACKFILL)


def adjust_sql() -> str:
    """An executemany statement taking (spans added, annotation id)."""
    param = database.obj.param
    return f"UPDATE annotation SET span_count = span_count + {param} WHERE id = {param}"


def added(annotation_ids: Iterable[int]) -> list[tuple[int, int]]:
    """(spans added, annotation id) for `adjust_sql`, one per annotation of a batch."""
    return [(n, ann_id) for ann_id, n in Counter(annotation_ids).items()]


def removed(annotation_id: int, spans: int = 1) -> None:
    """The annotation lost this many spans."""
    if spans:
        Annotation.update(span_count=Annotation.span_count - spans).where(
            Annotation.id == annotation_id).execute()
