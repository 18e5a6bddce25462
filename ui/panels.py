"""The label bar and the list of the open document's spans."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QToolBar

from annotate.labels import LabelRecord
from ui.actions import DIGIT_KEYS
from ui.editor import Editor
from ui.session import AnnotationSession


def colour_icon(colour: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


def label_keys(labels: tuple[LabelRecord, ...]) -> dict[str, str]:
    """Label name -> key: the label set's own key, else 1-9 in order."""
    free = [k for k in DIGIT_KEYS if k not in {label.key for label in labels}]
    return {label.name: label.key or (free.pop(0) if free else "") for label in labels}


class LabelBar(QToolBar):
    """One checkable button per label, with its colour and key; the checked one is the label
    the next span gets."""

    def __init__(self, editor: Editor):
        super().__init__("Labels")
        self.setObjectName("labels")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        group = QActionGroup(self)
        self.actions_by_label: dict[str, QAction] = {}
        for label in editor.session.dataset.labels:
            key = label_keys(editor.session.dataset.labels)[label.name]
            action = QAction(colour_icon(label.colour), f"{key} {label.name}", self)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(key))
            action.setToolTip(f"{label.name}: {label.description} ({key})")
            action.triggered.connect(lambda _=False, name=label.name: editor.choose_label(name))
            group.addAction(action)
            self.addAction(action)
            self.actions_by_label[label.name] = action
        editor.active_label_changed.connect(self.show_active)
        self.show_active(editor.active_label)

    def show_active(self, label: str) -> None:
        if label in self.actions_by_label:
            self.actions_by_label[label].setChecked(True)


class SpanPanel(QListWidget):
    """The open document's spans in text order; choosing one selects it in the article."""

    def __init__(self, session: AnnotationSession):
        super().__init__()
        self.session = session
        self._colours = {label.name: label.colour for label in session.dataset.labels}
        self._updating = False
        session.changed.connect(self.refresh)
        self.currentRowChanged.connect(self._chosen)

    def refresh(self) -> None:
        self._updating = True
        self.clear()
        text = self.session.text
        for span in self.session.spans:
            snippet = " ".join(text[span.start:span.end].split())
            item = QListWidgetItem(colour_icon(self._colours.get(span.label, "#e0e0e0")),
                                   f"{span.label}  {snippet}")
            item.setToolTip(f"{span.start}-{span.end}, from {span.source}")
            self.addItem(item)
        if self.session.selected in self.session.spans:
            self.setCurrentRow(self.session.spans.index(self.session.selected))
        self._updating = False

    def _chosen(self, row: int) -> None:
        if not self._updating and 0 <= row < len(self.session.spans):
            self.session.select(self.session.spans[row])
