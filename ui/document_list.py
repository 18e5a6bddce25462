"""The document list: a table model that fetches rows from the store a page at a time."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from store.routing import document_row, document_rows
from store.records import DocumentRow
from ui.plain import literal

PAGE = 200
COLUMNS = ("Status", "Document", "Spans")
SORT_BY_COLUMN = {0: "status", 1: "title", 2: "spans"}
Index = QModelIndex | QPersistentModelIndex


class DocumentListModel(QAbstractTableModel):
    """Owns only the rows fetched so far; filters and refreshes go back to the store."""

    def __init__(self, dataset_id: int, annotator: str):
        super().__init__()
        self.dataset_id, self.annotator = dataset_id, annotator
        self.status_filter: str | None = None
        self.text_filter: str | None = None
        self.sort_key, self.descending = "id", False
        self._rows: list[DocumentRow] = []
        self._row_of: dict[int, int] = {}  # document id -> row
        self._exhausted = False

    # Qt's model interface

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        """Rows fetched so far; Qt asks canFetchMore/fetchMore for the rest as it scrolls."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        """Status, first line and span count as text; the full first line as tooltip."""
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.status, row.title, row.span_count)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return literal(row.title)  # a tooltip would read markup in the text
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        """Column titles across the top; no row numbers."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802
        """True until a page comes back short."""
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802
        """Appends the next page after the last fetched id."""
        if parent.isValid() or self._exhausted:
            return
        after = self._rows[-1].id if self._rows else 0
        page = document_rows(self.dataset_id, self.annotator, after, PAGE,
                             self.status_filter, self.text_filter, self.sort_key,
                             self.descending, offset=len(self._rows))
        self._exhausted = len(page) < PAGE
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            for offset, row in enumerate(page):
                self._row_of[row.id] = first + offset
            self._rows += page
            self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorts in the store, not among the rows fetched so far; column -1: document order."""
        self.sort_key = SORT_BY_COLUMN.get(column, "id")
        self.descending = order == Qt.SortOrder.DescendingOrder
        self._reload()

    # Goldspan's

    def set_filter(self, status: str | None, text: str | None) -> None:
        self.status_filter, self.text_filter = status or None, text or None
        self._reload()

    def _reload(self) -> None:
        self.beginResetModel()
        self._rows, self._row_of, self._exhausted = [], {}, False
        self.endResetModel()
        self.fetchMore()

    def document_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, document_id: int) -> int | None:
        return self._row_of.get(document_id)

    def refresh_document(self, document_id: int) -> None:
        """Re-reads one row after an edit (its status or span count changed)."""
        row = self._row_of.get(document_id)
        if row is None:
            return
        self._rows[row] = document_row(document_id, self.annotator)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
