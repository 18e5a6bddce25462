"""Turns gestures and keys into undo commands on the session. Refusals become messages."""
from __future__ import annotations

from bisect import bisect_left, bisect_right

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from annotate.spans import OverlapError, SpanError
from ui.commands import AddSpan, RemoveSpan, ReplaceSpan, SetStatus
from ui.session import AnnotationSession


class Editor(QObject):
    message = Signal(str)  # something refused, in words for the status bar
    status_set = Signal(str)  # the document was accepted, rejected or skipped
    active_label_changed = Signal(str)
    offering = Signal(bool)  # a refused overlapping span waits for Enter (replace) or Esc

    def __init__(self, session: AnnotationSession):
        super().__init__()
        self.session = session
        self.undo_stack = QUndoStack(self)
        labels = session.dataset.labels
        self.active_label = labels[0].name if labels else "ENTITY"
        self.snap_to_tokens = True
        self.offer: tuple | None = None  # (the refused command, the spans it overlapped)
        session.changed.connect(self.withdraw_offer)  # another edit or document: gone

    def draw(self, start: int, end: int) -> None:
        """A selection from the view becomes a span with the active label."""
        session = self.session
        if session.document_id is None:
            return
        if self.snap_to_tokens:
            snapped = session.tokens.snap(start, end)
            if snapped is None:
                return  # white space only
            start, end = snapped
        else:
            text = session.text
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start == end:
                return
        self._push_checked(AddSpan(session, session.new_span(start, end, self.active_label)))

    def click(self, offset: int) -> None:
        self.session.select(self.session.span_at(offset))

    def choose_label(self, label: str) -> None:
        """Sets the label for the next span and relabels the selected one: the label bar
        shows the chosen label checked, so the next span must get it too."""
        if label != self.active_label:
            self.active_label = label
            self.active_label_changed.emit(label)
        span = self.session.selected
        if span is None or span.label == label:
            return
        new = self.session.relabelled(span, label)
        self._push_checked(ReplaceSpan(self.session, span, new, f"Relabel as {label}"))

    def delete_selected(self) -> None:
        if self.session.selected is not None:
            self.undo_stack.push(RemoveSpan(self.session, self.session.selected))

    def select_next(self, step: int = 1) -> None:
        spans = self.session.spans
        if not spans:
            return
        selected = self.session.selected
        at = bisect_left(spans, selected) if selected is not None else len(spans)
        if at < len(spans) and spans[at] == selected:
            index = at + step
        else:  # nothing selected: the first span, or the last going back
            index = 0 if step > 0 else -1
        self.session.select(spans[index % len(spans)])

    def move_boundary(self, edge: str, step: int) -> None:
        """Moves the selected span's start or end by one token (step -1 or +1)."""
        span = self.session.selected
        if span is None:
            return
        starts, ends = self.session.tokens.starts, self.session.tokens.ends
        start, end = span.start, span.end
        if edge == "start":
            i = bisect_left(starts, start) + step
            if 0 <= i < len(starts) and starts[i] < end:
                start = starts[i]
        else:
            i = bisect_right(ends, end) - 1 + step
            if 0 <= i < len(ends) and ends[i] > start:
                end = ends[i]
        if (start, end) != (span.start, span.end):
            new = self.session.resized(span, start, end)
            self._push_checked(ReplaceSpan(self.session, span, new, "Resize"))

    def set_status(self, status: str) -> None:
        if self.session.document_id is None:
            return
        self.undo_stack.push(SetStatus(self.session, status))
        if self.session.status == status:  # stored: a refusal leaves the status as it was
            self.status_set.emit(status)

    def _push_checked(self, command) -> None:
        self.withdraw_offer()
        try:
            if isinstance(command, AddSpan):
                self.session.check_add(command.span)
            else:
                self.session.check_replace(command.old, command.new)
        except OverlapError as refusal:
            self.offer = command, refusal.conflicts  # Enter takes it, Esc lets it go
            self.offering.emit(True)
            self.message.emit(overlap_offer(self.session.text, refusal))
            return
        except SpanError as refusal:
            self.message.emit(str(refusal))
            return
        self.undo_stack.push(command)

    def take_offer(self) -> None:
        """The refused span replaces the spans it overlapped, as one undoable step."""
        if self.offer is None:
            return
        command, conflicts = self.offer
        self.withdraw_offer()
        new = command.span if isinstance(command, AddSpan) else command.new
        self.undo_stack.beginMacro(f"Replace with {new.label}")
        for span in conflicts:
            if not (isinstance(command, ReplaceSpan) and span == command.old):
                self.undo_stack.push(RemoveSpan(self.session, span))
        self.undo_stack.push(command)
        self.undo_stack.endMacro()

    def withdraw_offer(self, said: str | None = None) -> None:
        if self.offer is not None:
            self.offer = None
            self.offering.emit(False)
            if said:
                self.message.emit(said)


def overlap_offer(text: str, refusal: OverlapError) -> str:
    """The refusal in the annotator's words: the spans by their text and label, and the
    way out."""
    def shown(span) -> str:
        words = " ".join(text[span.start:span.end].split())
        if len(words) > 40:
            words = words[:39] + "\u2026"
        return f"\u201c{words}\u201d ({span.label})"

    others = ", ".join(shown(span) for span in refusal.conflicts)
    it = "it" if len(refusal.conflicts) == 1 else "them"
    return f"{shown(refusal.span)} overlaps {others}: Enter replaces {it}, Esc keeps {it}."
