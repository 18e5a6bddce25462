"""The label bar and the list of the open document's spans."""
from __future__ import annotations

from bisect import bisect_left

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QToolBar, QTreeView

from annotate.labels import LabelRecord
from ui.actions import DIGIT_KEYS
from ui.editor import Editor
from ui.plain import literal
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
            action.setToolTip(literal(f"{label.name}: {label.description} ({key})"))
            action.triggered.connect(lambda _=False, name=label.name: editor.choose_label(name))
            group.addAction(action)
            self.addAction(action)
            self.actions_by_label[label.name] = action
        editor.active_label_changed.connect(self.show_active)
        self.show_active(editor.active_label)

    def show_active(self, label: str) -> None:
        if label in self.actions_by_label:
            self.actions_by_label[label].setChecked(True)


class SpanListModel(QAbstractListModel):
    """The session's spans as rows; it owns nothing and is reset when they change."""

    def __init__(self, session: AnnotationSession):
        super().__init__()
        self.session = session
        self._unknown = colour_icon("#e0e0e0")
        self.set_labels(session.dataset.labels)

    def set_labels(self, labels: tuple[LabelRecord, ...]) -> None:
        """Each label's colour as its rows' icon (again after an import added labels)."""
        self._icons = {label.name: colour_icon(label.colour) for label in labels}
        if self.rowCount():
            self.dataChanged.emit(self.index(0), self.index(self.rowCount() - 1),
                                  [Qt.ItemDataRole.DecorationRole])

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        """One row per span of the open document."""
        return 0 if parent.isValid() else len(self.session.spans)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        """Label and text; the label's colour; offsets and source as tooltip."""
        if not index.isValid():
            return None
        span = self.session.spans[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{span.label}  {' '.join(span.text(self.session.text).split())}"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icons.get(span.label, self._unknown)
        if role == Qt.ItemDataRole.ToolTipRole:
            return literal(f"{span.start}-{span.end}, from {span.source}")
        return None

    def reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()


class SpanPanel(QTreeView):
    """The open document's spans in text order; choosing one selects it in the article.

    A flat tree view, not a QListView: with uniform row heights it places rows by
    arithmetic, where a list view re-lays every row after each change (20 ms at 10,000)."""

    def __init__(self, session: AnnotationSession):
        super().__init__()
        self.session = session
        self.setUniformRowHeights(True)
        self.setRootIsDecorated(False)
        self.setHeaderHidden(True)
        self.list_model = SpanListModel(session)
        self.setModel(self.list_model)
        self._shown_spans: list | None = None
        self._updating = False
        session.changed.connect(self.refresh)
        self.selectionModel().currentRowChanged.connect(self._chosen)

    def count(self) -> int:
        return self.list_model.rowCount()

    def refresh(self) -> None:
        self._updating = True
        if self.session.spans is not self._shown_spans:  # edits make a new list; selecting not
            self.list_model.reset()
            self._shown_spans = self.session.spans
        selected, spans = self.session.selected, self.session.spans
        row = bisect_left(spans, selected) if selected is not None else -1
        if 0 <= row < len(spans) and spans[row] == selected:
            self.setCurrentIndex(self.list_model.index(row))
        else:
            self.clearSelection()
        self._updating = False

    def _chosen(self, current, _previous) -> None:
        if not self._updating and 0 <= current.row() < len(self.session.spans):
            self.session.select(self.session.spans[current.row()])
