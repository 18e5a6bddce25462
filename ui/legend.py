"""What each mark on the article means, drawn with the marks themselves, shown while the
differences are: a dashed underline, a strike-through and the selection's outline."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ui.article_view import SELECTION_OUTLINE
from ui.highlighter import ADDED_MARK, REMOVED_MARK, TEXT_ON_TINT

SAMPLE_TINT = QColor("#fdbf6f")
MARKS = (("added", "added: not the model's"), ("removed", "the model's, removed"),
         ("selected", "selected"))


class DifferencesLegend(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for mark, meaning in MARKS:  # short: it shares the article's width
            sample = QLabel()
            sample.setPixmap(sample_pixmap(mark, self.font(), self.devicePixelRatioF()))
            row.addWidget(sample)
            row.addWidget(QLabel(meaning, textFormat=Qt.TextFormat.PlainText))
            row.addSpacing(12)
        row.addStretch()


def sample_pixmap(mark: str, font: QFont, ratio: float = 1.0) -> QPixmap:
    """The word "word" as the article draws it with that mark."""
    width, height = 44, 20
    pixmap = QPixmap(int(width * ratio), int(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setFont(font)
    box = QRectF(3, 2, width - 6, height - 5)
    if mark != "removed":
        painter.fillRect(box, SAMPLE_TINT)
    painter.setPen(REMOVED_MARK if mark == "removed" else TEXT_ON_TINT)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "word")
    middle, bottom = box.center().y() + 1, box.bottom()
    if mark == "added":
        painter.setPen(QPen(ADDED_MARK, 1.5, Qt.PenStyle.DashLine))
        painter.drawLine(box.left(), bottom, box.right(), bottom)
    elif mark == "removed":
        painter.setPen(QPen(REMOVED_MARK, 1))
        painter.drawLine(box.left(), middle, box.right(), middle)
    else:
        painter.setPen(QPen(SELECTION_OUTLINE, 2))
        painter.drawRoundedRect(box.adjusted(-1, 0, 1, 0), 3, 3)
    painter.end()
    return pixmap
