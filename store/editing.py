"""Edits to one annotator's annotation, each its own small transaction.

An edit touches one span row, so it costs the same on a document with ten spans as on one
with ten thousand. The annotation is created on first open, seeded from the model's spans.
"""
from __future__ import annotations

from functools import wraps

from peewee import JOIN, DatabaseError, fn

from annotate.spans import Span
from store.models import Annotation, Document, Span as SpanRow, database, utc_now
from store.queries import insert_spans, spans_for
from store.records import AnnotationRecord, DocumentRow, check_status


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


def open_annotation(document_id: int, annotator: str) -> AnnotationRecord:
    """The annotator's annotation of the document, created from the predictions if new.

    A document not pre-annotated yet gets no annotation here: created now, it would start
    without the model's spans for good. The first edit creates it, as the annotator saw it.
    """
    with database.atomic():
        document = Document.get_by_id(document_id)
        predictions = spans_for(document_id)
        mine = Annotation.get_or_none((Annotation.document == document_id)
                                      & (Annotation.annotator == annotator))
        if mine is None and has_predictions(document_id):
            mine = Annotation.create(document=document_id, annotator=annotator)
            insert_spans([(mine.id, span) for span in predictions])
    return AnnotationRecord(
        document_id=document_id, text=document.text, annotator=annotator,
        status=mine.status if mine else "pending",
        spans=tuple(spans_for(document_id, annotator)) if mine else (),
        predictions=tuple(predictions),
    )


def has_predictions(document_id: int) -> bool:
    """Whether pre-annotation has run on the document (its spans may still be none)."""
    return Annotation.select().where((Annotation.document == document_id)
                                     & Annotation.annotator.is_null()).exists()


def _annotation_id(document_id: int, annotator: str) -> int:
    """The annotator's annotation, made empty on a first edit of an unseeded document."""
    return Annotation.get_or_create(document=document_id, annotator=annotator)[0].id


def _touch(annotation_id: int) -> None:
    Annotation.update(updated=utc_now()).where(Annotation.id == annotation_id).execute()


def _row_of(annotation_id: int, span: Span):
    return SpanRow.select(SpanRow.id).where(
        (SpanRow.annotation == annotation_id) & (SpanRow.start == span.start)
        & (SpanRow.end == span.end) & (SpanRow.label == span.label)).limit(1)


@_stored
def add_span(document_id: int, annotator: str, span: Span) -> None:
    with database.atomic():
        annotation_id = _annotation_id(document_id, annotator)
        insert_spans([(annotation_id, span)])
        _touch(annotation_id)


@_stored
def remove_span(document_id: int, annotator: str, span: Span) -> None:
    with database.atomic():
        annotation_id = _annotation_id(document_id, annotator)
        if not SpanRow.delete().where(SpanRow.id.in_(_row_of(annotation_id, span))).execute():
            raise EditError(f"{span.label} {span.start}-{span.end} is not stored")
        _touch(annotation_id)


@_stored
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


@_stored
def set_status(document_id: int, annotator: str, status: str) -> None:
    check_status(status)
    with database.atomic():
        annotation_id = _annotation_id(document_id, annotator)
        Annotation.update(status=status, updated=utc_now()).where(
            Annotation.id == annotation_id).execute()


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
                                              & (mine.annotator == annotator)))
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


def annotator_progress(dataset_id: int, annotator: str) -> tuple[int, int]:
    """(documents the annotator has finished, documents in the dataset)."""
    total = Document.select().where(Document.dataset == dataset_id).count()
    done = (Annotation.select().join(Document)
            .where((Document.dataset == dataset_id) & (Annotation.annotator == annotator)
                   & (Annotation.status != "pending")).count())
    return done, total


def _title(start: str) -> str:
    first_line = next((line for line in start.splitlines() if line.strip()), "")
    return first_line.strip()[:120]
