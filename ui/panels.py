"""The label bar and the list of the open document's spans."""
from __future__ import annotations

from bisect import bisect_left
from typing import Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QToolBar

from annotate.labels import LabelRecord
from annotate.spans import Span
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
    """The open document's spans as rows, in text order. It keeps its own list and changes
    it a row at a time as an edit changes the session's spans (rows inserted, removed or
    changed in place): views keep their selection and scroll, and ask for the rows on
    screen alone. Only another document resets it."""

    def __init__(self, session: AnnotationSession):
        super().__init__()
        self.session = session
        self.rows: list[Span] = []
        self._unknown = colour_icon("#e0e0e0")
        self.set_labels(session.dataset.labels)

    def set_labels(self, labels: tuple[LabelRecord, ...]) -> None:
        """Each label's colour as its rows' icon (again after an import added labels)."""
        self._icons = {label.name: colour_icon(label.colour) for label in labels}
        if self.rows:
            self.dataChanged.emit(self.index(0), self.index(len(self.rows) - 1),
                                  [Qt.ItemDataRole.DecorationRole])

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        """One row per span of the open document."""
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        """Label and text; the label's colour; offsets and source as tooltip."""
        if not index.isValid():
            return None
        span = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{span.label}  {' '.join(span.text(self.session.text).split())}"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icons.get(span.label, self._unknown)
        if role == Qt.ItemDataRole.ToolTipRole:
            return literal(f"{span.start}-{span.end}, from {span.source}")
        return None

    def reset(self, spans: Sequence[Span]) -> None:
        """Another document: every row anew."""
        self.beginResetModel()
        self.rows = list(spans)
        self.endResetModel()

    def update(self, spans: Sequence[Span], touched: Sequence[tuple[int, int]]) -> None:
        """Follows an edit: the spans starting in the touched ranges (the spans it changed,
        see AnnotationSession.touched) are compared, a few rows; every other row stands.
        Found by bisection, so the cost does not grow with the document's spans."""
        for start, end in reversed(_merged(touched)):  # from the end: rows before stand
            low = bisect_left(self.rows, start, key=_start)
            high = bisect_left(self.rows, end, lo=low, key=_start)
            first = bisect_left(spans, start, key=_start)
            self._replace(low, high, spans[first:bisect_left(spans, end, lo=first, key=_start)])
        if len(self.rows) != len(spans):  # a change outside what it said: show it all
            self.reset(spans)

    def _replace(self, low: int, high: int, new: Sequence[Span]) -> None:
        """Rows low to high become `new`: the rows that differ change in place, then the
        rest are removed or inserted."""
        old = self.rows[low:high]
        same = 0  # leading and trailing rows still the same span (the same object)
        while same < min(len(old), len(new)) and old[same] is new[same]:
            same += 1
        tail = 0
        while tail < min(len(old), len(new)) - same and old[-1 - tail] is new[-1 - tail]:
            tail += 1
        old, new = old[same:len(old) - tail], new[same:len(new) - tail]
        at, in_place = low + same, min(len(old), len(new))
        if in_place:  # a relabel, a new source or value: the same row, redrawn
            self.rows[at:at + in_place] = new[:in_place]
            self.dataChanged.emit(self.index(at), self.index(at + in_place - 1))
        at += in_place
        if len(old) > in_place:
            self.beginRemoveRows(QModelIndex(), at, at + len(old) - in_place - 1)
            del self.rows[at:at + len(old) - in_place]
            self.endRemoveRows()
        if len(new) > in_place:
            self.beginInsertRows(QModelIndex(), at, at + len(new) - in_place - 1)
            self.rows[at:at] = new[in_place:]
            self.endInsertRows()


def _start(span: Span) -> int:
    return span.start


def _merged(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ranges, sorted, overlapping ones joined; each at least one character wide."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        end = max(end, start + 1)
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


class SpanPanel(QTableView):
    """The open document's spans in text order; choosing one selects it in the article.

    A table of one column, not a list or tree view: its rows are a header's fixed-size
    sections, so inserting one costs the same among ten thousand, where a tree view lays
    every row out again (16 ms at 10,000) and a list view more."""

    def __init__(self, session: AnnotationSession):
        super().__init__()
        self.session = session
        self.list_model = SpanListModel(session)
        self.setModel(self.list_model)
        self.horizontalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setMinimumSectionSize(1)
        rows.setDefaultSectionSize(max(self.fontMetrics().height(), 16) + 4)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab goes to the next span, as everywhere
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._document: int | None = None
        self._shown_spans: list | None = None
        self._updating = False
        session.changed.connect(self.refresh)
        self.selectionModel().currentRowChanged.connect(self._chosen)

    def count(self) -> int:
        return self.list_model.rowCount()

    def refresh(self) -> None:
        session = self.session
        self._updating = True
        try:
            if session.touched is None or session.document_id != self._document:
                self.list_model.reset(session.spans)
            elif session.spans is not self._shown_spans:  # an edit: a new list
                self.list_model.update(session.spans, session.touched)
            self._document, self._shown_spans = session.document_id, session.spans
            self._show_selected()
        finally:
            self._updating = False

    def _show_selected(self) -> None:
        selected, rows = self.session.selected, self.list_model.rows
        row = bisect_left(rows, selected) if selected is not None else -1
        if 0 <= row < len(rows) and rows[row] == selected:
            self.setCurrentIndex(self.list_model.index(row))
        else:
            self.clearSelection()

    def _chosen(self, current, _previous) -> None:
        rows = self.list_model.rows
        if not self._updating and 0 <= current.row() < len(rows):
            self.session.select(rows[current.row()])
