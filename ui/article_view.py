"""The article: plain text, read-only, spans drawn by the highlighter.

The view turns mouse gestures into requests (`span_drawn`, `offset_clicked`) in character
offsets of the stored text; it never edits spans itself.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor, QFont, QFontDatabase, QMouseEvent, QPainter, QPen, QTextCursor, QTextOption,
)
from PySide6.QtWidgets import QPlainTextEdit, QToolTip

from annotate.spans import Span, innermost
from ui.differences import Differences
from ui.highlighter import TAG_GAP, TEXT_ON_TINT, SpanHighlighter
from ui.offsets import OffsetMap, display_text
from ui.plain import literal
from ui.session import AnnotationSession
from ui.token_caret import TokenCaret


SELECTION_OUTLINE = QColor("#1a4fd0")  # a blue no label tint is close to


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
        self.highlighter.ignore_text_changes()  # the text is set in refresh alone
        self._shown_document: int | None = None
        self._offsets = OffsetMap("")
        self._comparing = False
        self._comparing_changed = False
        self._differences = Differences((), ())
        self.caret = TokenCaret()  # spans by keyboard: arrows, Shift+arrows, Enter
        session.changed.connect(self.refresh)

    def refresh(self) -> None:
        """Shows what changed: a new document's text; else the spans the change touched
        (session.touched), redrawn in the blocks on screen or drawn before."""
        session = self.session
        new_text = session.document_id != self._shown_document
        if new_text:
            shown = display_text(session.text)
            self.highlighter.set_text(shown)  # before the text: it draws nothing meanwhile
            self.setPlainText(shown)  # plain text: "<b>" shows as typed, nothing loads
            self._offsets = self.highlighter.offsets
            self._shown_document = session.document_id
            self.caret.reset(session.tokens)
        touched = None if new_text or self._comparing_changed else session.touched
        self._comparing_changed = False
        if self._comparing:
            if touched is None:
                self._differences = Differences(session.reference, session.spans)
            else:
                self._differences.update(session.spans, touched)
            self.highlighter.show_spans(
                session.spans, ghosts=self._differences.ghosts,
                predicted=self._differences.predicted, touched=touched)
        else:
            self.highlighter.show_spans(session.spans, touched=touched)
        if session.selected is not None:
            self.scroll_to(session.selected.start)
        self.viewport().update()  # the selection's outline moves with it

    def set_label_names(self, shown: bool) -> None:
        self.highlighter.set_label_names(shown)
        self.viewport().update()

    def set_comparing(self, comparing: bool) -> None:
        """Shows what the annotator changed against the model's spans, or hides it."""
        self._comparing_changed = comparing != self._comparing
        self._comparing = comparing
        self.refresh()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """The blocks about to be shown are highlighted first: a block is drawn once it
        comes into view, so opening a long article costs a screenful. The selected span
        gets an outline over its tint (a format would change its weight or colour)."""
        first, last = self.visible_blocks()
        self.highlighter.draw_blocks(first, last)
        super().paintEvent(event)
        tags = self.tag_rects(first, last)
        rects = self.selection_rects(first, last)
        if not tags and not rects:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self.highlighter.tag_font())
        for span, rect in tags:
            tint = self.highlighter.tint_of(span.label)
            painter.setPen(QPen(tint.darker(150), 1))
            painter.setBrush(tint.lighter(104))
            painter.drawRoundedRect(rect, 3, 3)
            painter.setPen(TEXT_ON_TINT)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, span.label)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(SELECTION_OUTLINE, 2))
        for rect in rects:
            painter.drawRoundedRect(rect.adjusted(-1, 0, 1, 0), 3, 3)
        painter.end()

    def tag_rects(self, first: int | None = None,
                  last: int | None = None) -> list[tuple[Span, QRectF]]:
        """Each label tag on screen (in the blocks first to last, by default those on
        screen) with where it goes: the room the highlighter left after its span."""
        if self._shown_document != self.session.document_id:
            return []
        if first is None or last is None:
            first, last = self.visible_blocks()
        document = self.document()
        first_block, last_block = document.findBlockByNumber(first), document.findBlockByNumber(last)
        start = self._offsets.from_qt(first_block.position())
        end = self._offsets.from_qt(last_block.position() + last_block.length() - 1)
        found = []
        for span in self.highlighter.tags_between(start, end):
            at = self._offsets.to_qt(span.end)
            block = document.findBlock(at - 1)
            if not self.highlighter.is_drawn(block.blockNumber()):
                continue  # no room made yet: drawn on the next paint
            line = block.layout().lineForTextPosition(at - 1 - block.position())
            if not line.isValid():
                continue
            right = line.cursorToX(at - block.position())[0] - TAG_GAP
            width = self.highlighter.tag_width(span.label) - 2 * TAG_GAP
            origin = self.blockBoundingGeometry(block).translated(self.contentOffset()).topLeft()
            found.append((span, QRectF(right - width, line.y() + 2, width,
                                       line.height() - 4).translated(origin)))
        return found

    def selection_rects(self, first: int | None = None, last: int | None = None) -> list[QRectF]:
        """Where the selected span is on screen: a rectangle per line it covers (in the
        blocks first to last, by default those on screen), in viewport coordinates."""
        span = self.session.selected
        if span is None or self._shown_document != self.session.document_id:
            return []
        if first is None or last is None:
            first, last = self.visible_blocks()
        start, end = self._offsets.to_qt(span.start), self._offsets.to_qt(span.end)
        rects = []
        block = self.document().findBlock(start)
        while block.isValid() and block.position() < end:
            number = block.blockNumber()
            if number > last:
                break
            if number >= first:
                rects += self._line_rects(block, start, end)
            block = block.next()
        return rects

    def _line_rects(self, block, start: int, end: int) -> list[QRectF]:
        origin = self.blockBoundingGeometry(block).translated(self.contentOffset()).topLeft()
        layout, rects = block.layout(), []
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            line_start = block.position() + line.textStart()
            piece_start = max(start, line_start)
            piece_end = min(end, line_start + line.textLength())
            if piece_end <= piece_start:
                continue
            left = line.cursorToX(piece_start - block.position())[0]
            right = line.cursorToX(piece_end - block.position())[0]
            rects.append(QRectF(left, line.y(), right - left, line.height()).translated(origin))
        return rects

    def visible_blocks(self) -> tuple[int, int]:
        """The numbers of the first and last block on screen."""
        block = self.firstVisibleBlock()
        first = last = block.blockNumber()
        top = self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
        bottom = self.viewport().rect().bottom()
        while block.isValid() and top <= bottom:
            last = block.blockNumber()
            top += self.blockBoundingRect(block).height()
            block = block.next()
        return first, last

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
            offset = self.offset_at(event)
            self.caret.reset(self.session.tokens, offset)  # the keyboard goes on from here
            self.offset_clicked.emit(offset)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Without the mouse: Left/Right move the caret a token, Enter makes the selected
        tokens a span, Esc lets the selection (or the selected span) go. Shift+Left/Right
        come through the window's actions (they resize a selected span)."""
        key, plain = event.key(), event.modifiers() == Qt.KeyboardModifier.NoModifier
        if plain and key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.caret.move(-1 if key == Qt.Key.Key_Left else 1)
            self._show_caret()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.caret.selection():
            start, end = self.caret.selection()
            self.caret.let_go()
            self._show_caret()
            self.span_drawn.emit(start, end)
        elif plain and key == Qt.Key.Key_Escape:
            self.caret.let_go()
            self._show_caret()
            self.session.select(None)
        else:
            super().keyPressEvent(event)

    def extend_selection(self, step: int) -> None:
        self.caret.extend(step)
        self._show_caret()

    def _show_caret(self) -> None:
        """The keyboard's selection as the view's own (highlighted), else its caret."""
        cursor = QTextCursor(self.document())
        chosen = self.caret.selection()
        if chosen is None:
            cursor.setPosition(self._offsets.to_qt(self.caret.caret_offset()))
        else:
            cursor.setPosition(self._offsets.to_qt(chosen[0]))
            cursor.setPosition(self._offsets.to_qt(chosen[1]), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

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
            offset = self._offsets.from_qt(cursor.position())
            span = innermost(self.session.spans, offset, self.highlighter.reach)
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
