"""One QUndoCommand per edit. redo and undo only call the session, which stores the change
before it shows it, so an undo is saved as surely as the edit it undoes. Each command keeps
the key of the annotation it was made in, so its undo reaches that one, whatever is open.

A change the store refuses is not shown, and its command marks itself obsolete, so Qt drops
it from the stack instead of keeping an edit that was never saved; the session reports why.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QUndoCommand

from annotate.spans import Span, SpanError
from store.editing import EditError
from ui.session import AnnotationSession


class StoredCommand(QUndoCommand):
    def __init__(self, session: AnnotationSession, text: str):
        super().__init__(text)
        self.session, self.key = session, session.key

    def _store(self, change: Callable[[], None]) -> None:
        try:
            change()
        except (EditError, SpanError) as error:
            self.setObsolete(True)
            self.session.problem.emit(f"{self.text()} was not saved: {error}")


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
