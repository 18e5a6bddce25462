"""The document an annotator has open: its spans in memory, every change stored at once.

Views never change spans themselves: they ask for an edit (through an undo command) and
redraw when `changed` fires. Edits name their document, so an undo after moving on to the
next document still reaches the right one.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from PySide6.QtCore import QObject, Signal

from annotate import spans as span_ops
from annotate.adjudication import Comparison, compare
from annotate.numbers import NUMERIC_LABELS, parse_value
from annotate.spans import Mode, Span, Tokens, overlaps
from annotate.tokenizer import tokens_of
from annotate.versions import ADJUDICATED, OWN
from store import editing
from store.editing import ConflictError, EditError
from store.records import AnnotationKey, DatasetRecord
from store.reviews import Verdict


def region_span(region: tuple[int, int]) -> Span:
    """A stretch of text as a span, for redraw hints."""
    return Span(region[0], region[1], "")


def describe_changes(text: str, before: list[Span], after: list[Span]) -> str:
    """What another window changed, in the annotator's words: "removed GPE 'Homs'",
    "relabelled 'Varro' PERSON -> GPE", "resized ORG 'Red Cross' -> 'The Red Cross'"."""
    removed = sorted(set(before) - set(after))
    added = sorted(set(after) - set(before))
    words = []
    for old in list(removed):
        new = next((s for s in added if (s.start, s.end) == (old.start, old.end)), None) or \
            next((s for s in added if s.label == old.label and overlaps(s, old)), None)
        if new is None:
            continue
        removed.remove(old)
        added.remove(new)
        words.append(f"relabelled {old.text(text)!r} {old.label} -> {new.label}"
                     if new.label != old.label else
                     f"resized {old.label} {old.text(text)!r} -> {new.text(text)!r}")
    words += [f"removed {s.label} {s.text(text)!r}" for s in removed]
    words += [f"added {s.label} {s.text(text)!r}" for s in added]
    shown = ", ".join(words[:4]) + (f" and {len(words) - 4} more" if len(words) > 4 else "")
    return shown or "its status changed"


class AnnotationSession(QObject):
    changed = Signal()  # spans, selection, status or document: views redraw from this alone
    problem = Signal(str)  # an edit the store refused, in words for the annotator
    unreadable = Signal(str)  # a document the store could not give (locked, disconnected)
    # An undo changed an annotation the window has moved away from (a status undone after
    # accept-and-next): the window shows it again, so the annotator sees what came back.
    reveal = Signal(object)  # AnnotationKey
    # With `changed`, the character ranges whose spans or selection the change touched, so
    # that a view of a long article redraws those alone; None: anything may have changed.
    touched: list[tuple[int, int]] | None = None
    # The document the change was stored for: an undo may reach one no longer open.
    stored_document: int | None = None

    def __init__(self, dataset: DatasetRecord, annotator: str):
        super().__init__()
        self.dataset = dataset
        self.annotator = annotator  # who is at the keyboard: the source of spans they draw
        self.key: AnnotationKey | None = None  # the annotation open, which edits go to
        self.document_id: int | None = None
        self.text = ""
        self.status = "pending"
        self.spans: list[Span] = []
        self.predictions: tuple[Span, ...] = ()
        self.reference: tuple[Span, ...] = ()  # what "compare" shows the spans against
        # With the adjudicated version open: what people agree on and where they do not,
        # and which of those conflicts are settled.
        self.comparison: Comparison | None = None
        self.settled: set[tuple[int, int]] = set()
        self.selected: Span | None = None
        self.tokens = Tokens([])
        # Partial work (Prodigy's binary answers): the suggestions rejected; None: complete.
        self.rejected: tuple[Span, ...] | None = None
        # The revision each annotation this session wrote or opened is at: the next write
        # names it, so a change made elsewhere meanwhile is refused, never overwritten.
        self.revisions: dict[AnnotationKey, int] = {}
        # How often each annotation was reloaded after such a change: an undo made before
        # a reload is refused, since what it would undo is no longer what it saw.
        self.reloads: dict[AnnotationKey, int] = {}
        self.review_revisions: dict[int, int] = {}

    # Reading

    def open(self, document_id: int, annotator: str | None = None, kind: str = OWN) -> bool:
        """Opens the annotator's own work on the document, or another annotation: a
        reviewed version of someone's work (annotator: theirs), the adjudicated version.
        If the store cannot be read (locked, connection lost), says why and stays on the
        document that was open; False then."""
        key = AnnotationKey(document_id, annotator or self.annotator, kind)
        try:
            record = editing.open_annotation(key)
        except EditError as error:
            self.unreadable.emit(f"Document {document_id} could not be opened: {error}")
            return False
        self.revisions[key] = record.revision
        self.key, self.document_id = key, document_id
        self.text, self.status = record.text, record.status
        self.spans, self.predictions = list(record.spans), record.predictions
        self.reference, self.rejected = record.reference, record.rejected
        self.comparison, self.settled = None, set()
        if kind == ADJUDICATED:
            self.comparison = compare(editing.people_annotations(document_id))
            self.settled = editing.settled_regions(document_id)
        # Stored at import; tokenized here only for documents stored before tokens were.
        self.tokens = record.tokens if record.tokens is not None else tokens_of(record.text)
        self.selected = None
        self.stored_document = None
        self._emit(None)
        return True

    def span_at(self, offset: int) -> Span | None:
        """The innermost span covering the character at offset."""
        covering = [s for s in self.spans if s.start <= offset < s.end]
        return min(covering, key=lambda s: s.end - s.start, default=None)

    def select(self, span: Span | None) -> None:
        touched = [s for s in (self.selected, span) if s is not None]
        self.selected = span
        self.stored_document = None
        self._emit(touched)

    def new_span(self, start: int, end: int, label: str) -> Span:
        """A span as an annotator draws it, with its value read where it is a number."""
        value = parse_value(self.text[start:end]) if label in NUMERIC_LABELS else None
        return Span(start, end, label, self.annotator, value)

    def check_add(self, span: Span) -> None:
        """Raises SpanError (an OverlapError in entity mode) if the span cannot be added."""
        span_ops.add(self.spans, span, self.dataset.mode)

    def check_replace(self, old: Span, new: Span) -> None:
        span_ops.replace_span(self.spans, old, new, self.dataset.mode)

    # Writing: each stores first, then changes memory, then tells the views

    def add(self, key: AnnotationKey, span: Span) -> None:
        self._write(key, lambda revision: editing.add_span(key, span, revision))
        if self._stored_in_open_annotation(key):
            touched = [span, *([self.selected] if self.selected else [])]
            self.spans = span_ops.add(self.spans, span, Mode.SPANS)
            self.selected = span
            self._emit(touched)

    def remove(self, key: AnnotationKey, span: Span) -> None:
        self._write(key, lambda revision: editing.remove_span(key, span, revision))
        if self._stored_in_open_annotation(key):
            self.spans = span_ops.remove(self.spans, span)
            self.selected = None if self.selected == span else self.selected
            self._emit([span])

    def replace(self, key: AnnotationKey, old: Span, new: Span) -> None:
        self._write(key, lambda revision: editing.replace_span(key, old, new, revision))
        if self._stored_in_open_annotation(key):
            touched = [old, new, *([self.selected] if self.selected else [])]
            self.spans = span_ops.replace_span(self.spans, old, new, Mode.SPANS)
            self.selected = new
            self._emit(touched)

    def set_status(self, key: AnnotationKey, status: str) -> None:
        self._write(key, lambda revision: editing.set_status(key, status, revision))
        self.stored_document = key.document_id
        if key == self.key:
            self.status = status
        self._emit([])

    def settle(self, key: AnnotationKey, region: tuple[int, int], spans: tuple[Span, ...],
               settling: bool = True) -> None:
        """Settles a conflict of the adjudicated version with these spans, or (settling
        False) undoes that."""
        change = editing.settle if settling else editing.unsettle
        self._write(key, lambda revision: change(key, region, spans, revision))
        if self._stored_in_open_annotation(key):
            for span in spans:
                self.spans = (span_ops.add(self.spans, span, Mode.SPANS) if settling
                              else span_ops.remove(self.spans, span))
            (self.settled.add if settling else self.settled.discard)(region)
            self.selected = None
            self._emit([region_span(region)])

    def set_verdict(self, review_id: int, document_id: int, verdict: Verdict,
                    seen: Verdict) -> None:
        """Records a verdict based on the review as this session last stored it, or else as
        `seen` (read from the queue)."""
        revision = self.review_revisions.get(review_id, seen.revision)
        self.review_revisions[review_id] = editing.store_verdict(review_id, verdict, revision)
        self.stored_document = document_id
        self._emit([])

    def _write(self, key: AnnotationKey, store: Callable[[int], int]) -> None:
        """Stores a change based on the revision this session last saw. If the annotation
        moved elsewhere meanwhile, nothing is stored: the open annotation is reloaded, in
        place, and the EditError says what the other change did."""
        try:
            self.revisions[key] = store(self.revisions.get(key, 0))
        except ConflictError as conflict:
            if key != self.key:
                raise EditError(f"{conflict}; open that document again to see it") from None
            raise EditError(f"it was changed elsewhere meanwhile, and has been reloaded: "
                            f"{self.reload()}") from None

    def reload(self) -> str:
        """Reads the open annotation again after a change made elsewhere, keeping the
        selection where the span is still there; says what changed."""
        key, before, selected = self.key, list(self.spans), self.selected
        self.reloads[key] = self.reloads.get(key, 0) + 1
        if not self.open(key.document_id, key.annotator, key.kind):
            return "it could not be read again (see the message before)"
        if selected in self.spans:
            self.select(selected)
        self.stored_document = key.document_id  # its row in the list changed too
        self._emit([])
        return describe_changes(self.text, before, self.spans)

    def changed_elsewhere(self) -> str | None:
        """Reloads the open annotation if another window or process changed it (a cheap
        look at its revision); what changed, or None."""
        if self.key is None:
            return None
        if editing.current_revision(self.key) == self.revisions.get(self.key, 0):
            return None
        return self.reload()

    def _stored_in_open_annotation(self, key: AnnotationKey) -> bool:
        """Notes where a change was stored; an annotation no longer open (an undo after
        moving on) only needs its views told, with nothing to redraw in the article."""
        self.stored_document = key.document_id
        if key == self.key:
            return True
        self._emit([])
        return False

    def _emit(self, touched: list | None) -> None:
        self.touched = None if touched is None else [(s.start, s.end) for s in touched]
        self.changed.emit()

    def relabelled(self, span: Span, label: str) -> Span:
        value = parse_value(span.text(self.text)) if label in NUMERIC_LABELS else None
        return replace(span, label=label, source=self.annotator, value=value)

    def resized(self, span: Span, start: int, end: int) -> Span:
        value = parse_value(self.text[start:end]) if span.label in NUMERIC_LABELS else None
        return replace(span, start=start, end=end, source=self.annotator, value=value)
