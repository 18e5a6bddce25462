"""The article: plain text, read-only, spans drawn by the highlighter.

The view turns mouse gestures into requests (`span_drawn`, `offset_clicked`) in character
offsets of the stored text; it never edits spans itself.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QMouseEvent, QTextCursor, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QToolTip

from ui.highlighter import SpanHighlighter
from ui.offsets import OffsetMap, display_text
from ui.plain import literal
from ui.session import AnnotationSession


class ArticleView(QPlainTextEdit):
    span_drawn = Signal(int, int)  # start, end as selected, before any snapping
    offset_clicked = Signal(int)

    def __init__(self, session: AnnotationSession):
        super().__init__()
        self.session = session
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        self.setFont(_reading_font())
        self.setMouseTracking(True)
        self.highlighter = SpanHighlighter(self.document())
        self.highlighter.set_labels(session.dataset.labels)
        self._shown_document: int | None = None
        self._offsets = OffsetMap("")
        self._comparing = False
        session.changed.connect(self.refresh)

    def refresh(self) -> None:
        session = self.session
        new_text = session.document_id != self._shown_document
        if new_text:
            shown = display_text(session.text)
            self._offsets = OffsetMap(shown)
            self.highlighter.set_text(shown)
            self.setPlainText(shown)  # plain text: "<b>" shows as typed, nothing loads
            self._shown_document = session.document_id
        if session.touched is not None and not new_text and not self._comparing:
            self.highlighter.redraw(session.spans, session.selected, session.touched)
        elif self._comparing:
            predicted = set(session.reference)
            current = set(session.spans)
            self.highlighter.show_spans(
                session.spans, session.selected,
                ghosts=[p for p in session.reference if p not in current],
                added=frozenset(s for s in session.spans if s not in predicted))
        else:
            self.highlighter.show_spans(session.spans, session.selected)
        if session.selected is not None:
            self.scroll_to(session.selected.start)

    def set_comparing(self, comparing: bool) -> None:
        """Shows what the annotator changed against the model's spans, or hides it."""
        self._comparing = comparing
        self.refresh()

    def scroll_to(self, offset: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_qt(offset))
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def offset_at(self, event: QMouseEvent) -> int:
        return self._offsets.from_qt(self.cursorForPosition(event.position().toPoint()).position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        cursor = self.textCursor()
        if cursor.hasSelection():
            self._emit_selection(cursor)
        else:
            self.offset_clicked.emit(self.offset_at(event))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseDoubleClickEvent(event)  # selects the word under the mouse
        cursor = self.textCursor()
        if cursor.hasSelection():
            self._emit_selection(cursor)

    def _emit_selection(self, cursor: QTextCursor) -> None:
        start = self._offsets.from_qt(cursor.selectionStart())
        end = self._offsets.from_qt(cursor.selectionEnd())
        cursor.clearSelection()
        self.setTextCursor(cursor)
        self.span_drawn.emit(start, end)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            cursor = self.cursorForPosition(event.pos())
            span = self.session.span_at(self._offsets.from_qt(cursor.position()))
            if span is None:
                QToolTip.hideText()
            else:
                value = f" = {span.value:g}" if span.value is not None else ""
                tip = literal(f"{span.label}{value}  ({span.source})")
                QToolTip.showText(event.globalPos(), tip, self)
            return True
        return super().event(event)


def _reading_font() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.25)
    return font
