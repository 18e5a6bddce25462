"""One QUndoCommand per edit. redo and undo only call the session, which stores the change
before it shows it, so an undo is saved as surely as the edit it undoes. Each command keeps
the key of the annotation it was made in, so its undo reaches that one, whatever is open.

A change the store refuses is not shown, and its command marks itself obsolete, so Qt drops
it from the stack instead of keeping an edit that was never saved; the session reports why.
A command made before its annotation was reloaded (changed elsewhere) is refused the same
way, with that reason: what it would undo is no longer what the annotator saw.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QUndoCommand

from annotate.spans import Span
from store.editing import EditError
from store.reviews import Verdict
from ui.session import AnnotationSession


class StoredCommand(QUndoCommand):
    def __init__(self, session: AnnotationSession, text: str):
        super().__init__(text)
        self.session, self.key = session, session.key
        self.reloads = session.reloads.get(self.key, 0)
        self.done = False  # redone last (True) or undone: what the next call is

    def _store(self, change: Callable[[], None]) -> None:
        what = f"Undo of {self.text()!r}" if self.done else self.text()
        try:
            if self.session.reloads.get(self.key, 0) != self.reloads:
                raise EditError("the annotation was reloaded after a change made elsewhere "
                                "since; undo cannot reach back past that")
            change()
        except (EditError, ValueError) as error:  # SpanError, a refused verdict: ValueErrors
            self.setObsolete(True)
            self.session.problem.emit(f"{what} was not saved: {error}")
            return
        self.done = not self.done


class AddSpan(StoredCommand):
    def __init__(self, session: AnnotationSession, span: Span):
        super().__init__(session, f"Add {span.label}")
        self.span = span

    def redo(self) -> None:
        self._store(lambda: self.session.add(self.key, self.span))

    def undo(self) -> None:
        self._store(lambda: self.session.remove(self.key, self.span))


class RemoveSpan(StoredCommand):
    def __init__(self, session: AnnotationSession, span: Span):
        super().__init__(session, f"Remove {span.label}")
        self.span = span

    def redo(self) -> None:
        self._store(lambda: self.session.remove(self.key, self.span))

    def undo(self) -> None:
        self._store(lambda: self.session.add(self.key, self.span))


class ReplaceSpan(StoredCommand):
    """A relabel or a boundary change."""

    def __init__(self, session: AnnotationSession, old: Span, new: Span, text: str):
        super().__init__(session, text)
        self.old, self.new = old, new

    def redo(self) -> None:
        self._store(lambda: self.session.replace(self.key, self.old, self.new))

    def undo(self) -> None:
        self._store(lambda: self.session.replace(self.key, self.new, self.old))


class SetStatus(StoredCommand):
    def __init__(self, session: AnnotationSession, status: str):
        super().__init__(session, f"Mark {status}")
        self.old, self.new = session.status, status

    def redo(self) -> None:
        self._store(lambda: self.session.set_status(self.key, self.new))

    def undo(self) -> None:
        self._store(lambda: self.session.set_status(self.key, self.old))
        if not self.done and self.session.key != self.key:  # undone, and the window moved on
            self.session.reveal.emit(self.key)


class SettleConflict(StoredCommand):
    """Settles one conflict of the adjudicated version with these spans, or (settling False)
    opens it again, taking them out."""

    def __init__(self, session: AnnotationSession, region: tuple[int, int],
                 spans: tuple[Span, ...], text: str, settling: bool = True):
        super().__init__(session, text)
        self.region, self.spans, self.settling = region, spans, settling

    def redo(self) -> None:
        self._store(lambda: self.session.settle(self.key, self.region, self.spans,
                                                self.settling))

    def undo(self) -> None:
        self._store(lambda: self.session.settle(self.key, self.region, self.spans,
                                                not self.settling))


class RecordVerdict(StoredCommand):
    """A reviewer's pass or fail; undo puts the review back as it was."""

    def __init__(self, session: AnnotationSession, review_id: int, old: Verdict, new: Verdict):
        super().__init__(session, f"Mark review {new.verdict}")
        self.review_id, self.old, self.new = review_id, old, new

    def redo(self) -> None:
        self._store(lambda: self.session.set_verdict(self.review_id, self.key.document_id,
                                                     self.new, self.old))

    def undo(self) -> None:
        self._store(lambda: self.session.set_verdict(self.review_id, self.key.document_id,
                                                     self.old, self.old))
