"""Edits to one annotation, each its own small transaction in which the store checks every
rule, whoever the caller: the window, the command line, an importer or another process.

Each annotation carries a revision. A write names the revision it was based on; it moves the
revision on with `UPDATE ... WHERE revision = ?` and is refused with a ConflictError when no
row matched, so two windows can never overwrite each other unseen (on PostgreSQL the update
also waits for a concurrent writer's row lock, then finds the revision moved). The rules (no
duplicates, no overlaps in an entity dataset, spans inside the text, statuses) are checked
after that update, so no concurrent write can slip between the check and the change.

An edit touches one span row, so it costs the same on a document with ten spans as on one
with ten thousand.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import wraps
from typing import Sequence

from peewee import IntegrityError, PeeweeException

from annotate.adjudication import compare
from annotate.spans import Mode, OverlapError, Span, SpanError
from annotate.versions import ADJUDICATED, OWN, REVIEWED
from store import reviews, span_counts
from store.db import read_only
from store.models import (
    Annotation, Dataset, Document, database, utc_now, Settled as SettledRow, Span as SpanRow,
)
from store.queries import spans_for, spans_of_annotations
from store.rows import insert_spans
from store.rules import text_length
from store.records import AnnotationKey, AnnotationRecord, check_status, rejected_spans
from store.tokens import stored_tokens


class EditError(Exception):
    """The edit was not stored: it broke a rule, the annotation moved, or the database
    refused the write (locked by another program, disk full, connection lost)."""


class ConflictError(EditError):
    """The annotation moved since the caller read it; nothing was stored. Reload it."""

    def __init__(self, key: AnnotationKey, expected: int, found: int | None):
        self.key, self.expected, self.found = key, expected, found
        super().__init__(f"it was changed elsewhere meanwhile (revision {found}; this change "
                         f"was based on revision {expected})")


def database_fault(error: Exception) -> Exception:
    """The error that explains a failed write. When SQLite aborted the transaction itself
    (a full disk), the rollback that follows fails with "no transaction is active" and
    would hide the cause."""
    while "no transaction is active" in str(error) and isinstance(error.__context__, Exception):
        error = error.__context__
    return error


def stored(action):
    """Turns any database failure into an EditError, which the window and CLI report."""
    @wraps(action)
    def storing(*args, **kwargs):
        try:
            return action(*args, **kwargs)
        except PeeweeException as error:
            raise EditError(f"the database refused the change ({database_fault(error)})") \
                from error
    return storing


@stored
def open_annotation(key: AnnotationKey) -> AnnotationRecord:
    """The annotation the key names, as it stands, with its revision.

    A person's own annotation is created on first open, seeded from the model's spans; but
    not before the document is pre-annotated, or it would start without them for good (the
    first edit creates it, as the annotator saw it). A reviewed version is created by the
    first correction, from the original; until then the original is shown. The adjudicated
    version is created on first open, holding the spans everyone agrees on.

    Only a first open writes: reading needs no write lock, so another program holding one
    does not stop an annotator from reading. A read-only store shows what a first open
    would have created, without creating it.
    """
    found = _find(key)
    creates = found is None and (key.kind == ADJUDICATED or (
        key.kind == OWN and has_predictions(key.document_id)))
    if creates and not read_only():
        with database.atomic():
            found = create_annotation(key)
    document = Document.get_by_id(key.document_id)
    predictions = spans_for(key.document_id)
    shown = found or (_find(AnnotationKey(key.document_id, key.annotator))
                      if key.kind == REVIEWED else None)
    everyone = (sorted({s for spans in people_annotations(key.document_id).values()
                        for s in spans}) if key.kind == ADJUDICATED else predictions)
    if shown:
        spans = tuple(spans_of_annotations([shown.id]).get(shown.id, ()))
    elif creates:  # read-only: the seed it would start from
        spans = (compare(people_annotations(key.document_id)).agreed
                 if key.kind == ADJUDICATED else tuple(predictions))
    else:
        spans = ()
    return AnnotationRecord(
        key=key, text=document.text, status=shown.status if shown else "pending",
        spans=spans, predictions=tuple(predictions), reference=tuple(everyone),
        revision=found.revision if found else 0,
        rejected=rejected_spans(shown.rejected, shown.partial) if shown else None,
        tokens=stored_tokens(document.tokens, document.tokenizer),
    )


@stored
def current_revision(key: AnnotationKey) -> int:
    """The revision of the key's annotation (0 before it exists): a cheap look for changes
    made elsewhere."""
    found = _find(key)
    return found.revision if found else 0


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


def _named_by(key: AnnotationKey):
    """The condition that finds the key's annotation."""
    where = (Annotation.document == key.document_id) & (Annotation.kind == key.kind)
    if key.kind != ADJUDICATED:  # one adjudicated version per document, whoever made it
        where &= Annotation.annotator == key.annotator
    return where


def _find(key: AnnotationKey) -> Annotation | None:
    return Annotation.get_or_none(_named_by(key))


def create_annotation(key: AnnotationKey, seeded: bool = True) -> Annotation:
    """A new annotation, seeded as the key's kind says; or the one another session created
    a moment earlier (the unique index decides, inside a savepoint)."""
    fields = {"document": key.document_id, "annotator": key.annotator, "kind": key.kind}
    if key.kind == REVIEWED:
        original = _find(AnnotationKey(key.document_id, key.annotator))
        if original is None:
            raise EditError(f"{key.annotator} has no annotation of this document to review")
        fields.update(based_on=original.id, status=original.status, partial=original.partial,
                      rejected=original.rejected)  # a correction of partial work stays partial
    try:
        with database.atomic():
            created = Annotation.create(**fields)
    except IntegrityError:
        found = _find(key)
        if found is None:
            raise
        return found
    if key.kind == REVIEWED:
        seed = spans_of_annotations([original.id]).get(original.id, [])
    elif key.kind == ADJUDICATED:
        seed = compare(people_annotations(key.document_id)).agreed
    else:
        seed = spans_for(key.document_id) if seeded else []
    insert_spans([(created.id, span) for span in seed])
    return created


@dataclass(frozen=True)
class _Writing:
    """An annotation taken for one write: its revision already moved on."""

    id: int
    revision: int  # the new one
    mode: Mode
    text_length: int


def _take(key: AnnotationKey, revision: int) -> _Writing:
    """The key's annotation if it is still at `revision`, with its revision moved on; a
    ConflictError if it moved. Revision 0 means the caller saw no annotation yet: the first
    edit creates it (empty, as the annotator saw it, for a person's own work). Two
    statements when the annotation exists: what an edit needs to know, then the move."""
    found = _writable(key)
    if found is None:
        if revision:
            raise ConflictError(key, revision, None)
        create_annotation(key, seeded=False)
        found = _writable(key)
    annotation_id, mode, length = found
    moved = (Annotation.update(revision=Annotation.revision + 1, updated=utc_now())
             .where((Annotation.id == annotation_id) & (Annotation.revision == revision))
             .execute())
    if not moved:
        raise ConflictError(key, revision, current_revision(key))
    if key.kind == ADJUDICATED:
        Annotation.update(basis=adjudication_basis(key.document_id)).where(
            Annotation.id == annotation_id).execute()
    return _Writing(annotation_id, revision + 1, Mode(mode), length)


def _writable(key: AnnotationKey) -> tuple | None:
    """(annotation id, the dataset's mode, the text's length) in one query."""
    return (Annotation.select(Annotation.id, Dataset.mode, text_length())
            .join(Document).join(Dataset).where(_named_by(key)).tuples().first())


def adjudication_basis(document_id: int) -> str:
    """The people's accepted work an adjudicated version was made from, as
    {annotation id: revision}: if any of it changes afterwards, the version is stale."""
    rows = (Annotation.select(Annotation.id, Annotation.revision)
            .where((Annotation.document == document_id) & Annotation.annotator.is_null(False)
                   & (Annotation.kind << (OWN, REVIEWED)) & (Annotation.status == "accepted"))
            .tuples())
    return json.dumps({str(ann_id): revision for ann_id, revision in sorted(rows)})


def _row_id(annotation_id: int, span: Span) -> int:
    found = SpanRow.select(SpanRow.id).where(
        (SpanRow.annotation == annotation_id) & (SpanRow.start == span.start)
        & (SpanRow.end == span.end) & (SpanRow.label == span.label)).limit(1).scalar()
    if found is None:
        raise EditError(f"{span.label} {span.start}-{span.end} is not stored")
    return found


def _check_fits(target: _Writing, span: Span, replacing: int | None = None) -> None:
    """The rules a span must keep in its annotation, in one query; `replacing`: a row it
    takes the place of. In an entity dataset stored spans never overlap, so sorted by start
    their ends are sorted too: the one span that could clash, or be the same, is the last to
    start before this one ends. In a spans dataset only the same span could be refused."""
    if not 0 <= span.start < span.end <= target.text_length:
        raise SpanError(f"{span.label} {span.start}-{span.end} is not a stretch of the text, "
                        f"which has {target.text_length} characters")
    others = SpanRow.annotation == target.id
    if replacing is not None:
        others &= SpanRow.id != replacing
    query = SpanRow.select(SpanRow.start, SpanRow.end, SpanRow.label)
    if target.mode is Mode.ENTITIES:
        query = query.where(others & (SpanRow.start < span.end)).order_by(
            SpanRow.start.desc(), SpanRow.end.desc())
    else:
        query = query.where(others & (SpanRow.start == span.start) & (SpanRow.end == span.end)
                            & (SpanRow.label == span.label))
    found = query.limit(1).tuples().first()
    if found is None or found[1] <= span.start:
        return
    if Span(*found) == span:
        raise SpanError(f"{span.label} {span.start}-{span.end} is already there")
    raise OverlapError(span, [Span(*found)])


@stored
def add_span(key: AnnotationKey, span: Span, revision: int) -> int:
    """Adds the span; returns the annotation's new revision."""
    with database.atomic():
        target = _take(key, revision)
        _check_fits(target, span)
        insert_spans([(target.id, span)])
    return target.revision


@stored
def remove_span(key: AnnotationKey, span: Span, revision: int) -> int:
    with database.atomic():
        target = _take(key, revision)
        SpanRow.delete().where(SpanRow.id == _row_id(target.id, span)).execute()
        span_counts.removed(target.id)
    return target.revision


@stored
def replace_span(key: AnnotationKey, old: Span, new: Span, revision: int) -> int:
    """A relabel or a resize: one row changes."""
    with database.atomic():
        target = _take(key, revision)
        row = _row_id(target.id, old)
        _check_fits(target, new, replacing=row)
        SpanRow.update(start=new.start, end=new.end, label=new.label, source=new.source,
                       value=new.value).where(SpanRow.id == row).execute()
    return target.revision


@stored
def set_status(key: AnnotationKey, status: str, revision: int) -> int:
    """Accepts, rejects, skips or reopens; an adjudicated version is accepted only once
    every conflict is settled."""
    check_status(status)
    with database.atomic():
        target = _take(key, revision)
        if key.kind == ADJUDICATED and status == "accepted":
            unsettled = open_conflicts(key.document_id)
            if unsettled:
                raise EditError(f"{unsettled} conflicts are not settled yet")
        Annotation.update(status=status).where(Annotation.id == target.id).execute()
    return target.revision


def open_conflicts(document_id: int) -> int:
    """How many conflicts between people's work the adjudicated version has not settled."""
    regions = {(c.start, c.end) for c in compare(people_annotations(document_id)).conflicts}
    return len(regions - settled_regions(document_id))


@stored
def settle(key: AnnotationKey, region: tuple[int, int], spans: Sequence[Span],
           revision: int) -> int:
    """Settles the adjudicated version's conflict over `region` with these spans."""
    with database.atomic():
        target = _take(key, revision)
        try:
            with database.atomic():
                SettledRow.create(annotation=target.id, start=region[0], end=region[1])
        except IntegrityError:
            raise SpanError(f"the conflict at {region[0]}-{region[1]} is settled already")
        for span in spans:
            _check_fits(target, span)
            insert_spans([(target.id, span)])
    return target.revision


@stored
def unsettle(key: AnnotationKey, region: tuple[int, int], spans: Sequence[Span],
             revision: int) -> int:
    """Undoes `settle`: the region is in conflict again and its chosen spans are gone."""
    with database.atomic():
        target = _take(key, revision)
        for span in spans:
            SpanRow.delete().where(SpanRow.id == _row_id(target.id, span)).execute()
        span_counts.removed(target.id, len(spans))
        SettledRow.delete().where((SettledRow.annotation == target.id)
                                  & (SettledRow.start == region[0])
                                  & (SettledRow.end == region[1])).execute()
    return target.revision


@stored
def store_verdict(review_id: int, verdict: reviews.Verdict, revision: int) -> int:
    """A reviewer's verdict, refused as edits are; returns the review's new revision."""
    try:
        return reviews.set_verdict(review_id, verdict, revision)
    except reviews.VerdictMoved as moved:
        raise EditError(str(moved)) from None


def settled_regions(document_id: int) -> set[tuple[int, int]]:
    """The conflicts of the document's adjudicated version that are settled."""
    return set(SettledRow.select(SettledRow.start, SettledRow.end).join(Annotation)
               .where((Annotation.document == document_id)
                      & (Annotation.kind == ADJUDICATED)).tuples())
