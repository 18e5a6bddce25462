"""Edits to one annotator's annotation, each its own small transaction.

An edit touches one span row, so it costs the same on a document with ten spans as on one
with ten thousand. The annotation is created on first open, seeded from the model's spans.
"""
from __future__ import annotations

from peewee import DoesNotExist

from annotate.spans import Span
from store.models import STATUSES, Annotation, Document, Span as SpanRow, database, utc_now
from store.queries import insert_spans, spans_for
from store.records import AnnotationRecord


class EditError(Exception):
    """The store does not hold what the edit expects (changed elsewhere meanwhile)."""


def open_annotation(document_id: int, annotator: str) -> AnnotationRecord:
    """The annotator's annotation of the document, created from the predictions if new."""
    with database.atomic():
        document = Document.get_by_id(document_id)
        predictions = spans_for(document_id)
        annotation, created = Annotation.get_or_create(document=document_id,
                                                       annotator=annotator)
        if created:
            insert_spans([(annotation.id, span) for span in predictions])
    return AnnotationRecord(
        document_id=document_id, text=document.text, annotator=annotator,
        status=annotation.status, spans=tuple(spans_for(document_id, annotator)),
        predictions=tuple(predictions),
    )


def _annotation_id(document_id: int, annotator: str) -> int:
    try:
        return Annotation.get((Annotation.document == document_id)
                              & (Annotation.annotator == annotator)).id
    except DoesNotExist:
        raise EditError(f"{annotator} has no annotation of document {document_id}") from None


def _touch(annotation_id: int) -> None:
    Annotation.update(updated=utc_now()).where(Annotation.id == annotation_id).execute()


def _row_of(annotation_id: int, span: Span):
    return SpanRow.select(SpanRow.id).where(
        (SpanRow.annotation == annotation_id) & (SpanRow.start == span.start)
        & (SpanRow.end == span.end) & (SpanRow.label == span.label)).limit(1)


def add_span(document_id: int, annotator: str, span: Span) -> None:
    with database.atomic():
        annotation_id = _annotation_id(document_id, annotator)
        insert_spans([(annotation_id, span)])
        _touch(annotation_id)


def remove_span(document_id: int, annotator: str, span: Span) -> None:
    with database.atomic():
        annotation_id = _annotation_id(document_id, annotator)
        if not SpanRow.delete().where(SpanRow.id.in_(_row_of(annotation_id, span))).execute():
            raise EditError(f"{span.label} {span.start}-{span.end} is not stored")
        _touch(annotation_id)


def replace_span(document_id: int, annotator: str, old: Span, new: Span) -> None:
    """A relabel or a resize: one row changes."""
    with database.atomic():
        annotation_id = _annotation_id(document_id, annotator)
        changed = SpanRow.update(start=new.start, end=new.end, label=new.label,
                                 source=new.source, value=new.value).where(
            SpanRow.id.in_(_row_of(annotation_id, old))).execute()
        if not changed:
            raise EditError(f"{old.label} {old.start}-{old.end} is not stored")
        _touch(annotation_id)


def set_status(document_id: int, annotator: str, status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    with database.atomic():
        annotation_id = _annotation_id(document_id, annotator)
        Annotation.update(status=status, updated=utc_now()).where(
            Annotation.id == annotation_id).execute()
