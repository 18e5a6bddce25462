"""One QUndoCommand per edit. redo and undo only call the session, which stores the change
before it shows it, so an undo is saved as surely as the edit it undoes."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from annotate.spans import Span
from ui.session import AnnotationSession


class AddSpan(QUndoCommand):
    def __init__(self, session: AnnotationSession, span: Span):
        super().__init__(f"Add {span.label}")
        self.session, self.document_id, self.span = session, session.document_id, span

    def redo(self) -> None:
        self.session.add(self.document_id, self.span)

    def undo(self) -> None:
        self.session.remove(self.document_id, self.span)


class RemoveSpan(QUndoCommand):
    def __init__(self, session: AnnotationSession, span: Span):
        super().__init__(f"Remove {span.label}")
        self.session, self.document_id, self.span = session, session.document_id, span

    def redo(self) -> None:
        self.session.remove(self.document_id, self.span)

    def undo(self) -> None:
        self.session.add(self.document_id, self.span)


class ReplaceSpan(QUndoCommand):
    """A relabel or a boundary change."""

    def __init__(self, session: AnnotationSession, old: Span, new: Span, text: str):
        super().__init__(text)
        self.session, self.document_id = session, session.document_id
        self.old, self.new = old, new

    def redo(self) -> None:
        self.session.replace(self.document_id, self.old, self.new)

    def undo(self) -> None:
        self.session.replace(self.document_id, self.new, self.old)


class SetStatus(QUndoCommand):
    def __init__(self, session: AnnotationSession, status: str):
        super().__init__(f"Mark {status}")
        self.session, self.document_id = session, session.document_id
        self.old, self.new = session.status, status

    def redo(self) -> None:
        self.session.set_status(self.document_id, self.new)

    def undo(self) -> None:
        self.session.set_status(self.document_id, self.old)
