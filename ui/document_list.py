"""The document list: a table model that fetches rows from the store a page at a time.

A new sort or filter is answered off the UI thread: the rows shown stay until the first
page of the new order arrives (`reloaded` then fires), later pages come as the view
scrolls (canFetchMore/fetchMore, each an indexed page after the last row fetched, see
store/listing.py). Typing in the filter box asks nothing until typing pauses for
FILTER_DELAY_MS; an answer to a question no longer asked (the user typed on, or sorted
again) is dropped. The same filter again (after an import or pre-annotation) reads the
rows again at once, so that they are there for whoever asked.
"""
from __future__ import annotations

import threading
from typing import Callable

from PySide6.QtCore import (
    QAbstractTableModel, QCoreApplication, QModelIndex, QObject, QPersistentModelIndex,
    QRunnable, Qt, QThreadPool, QTimer, Signal,
)

from store import search
from store.db import close_database, read_only
from store.listing import document_row, document_rows
from store.records import DocumentRow
from ui.plain import literal

PAGE = 200
FILTER_DELAY_MS = 250  # typing pauses this long before the filter asks the store
INDEX_AFTER_MS = 5000  # the window settles before texts are indexed for search
INDEX_BATCH, INDEX_PAUSE = 500, 0.01  # documents per transaction (~25 ms), seconds between
COLUMNS = ("Status", "Document", "Spans")
SORT_BY_COLUMN = {0: "status", 1: "title", 2: "spans"}
Index = QModelIndex | QPersistentModelIndex


class _Answer(QObject):
    arrived = Signal(int, object)  # the question's number, its rows
    failed = Signal(int, str)


class _Ask(QRunnable):
    """One question to the store on a worker thread, with its own connection."""

    def __init__(self, number: int, question: Callable[[], object]):
        super().__init__()
        self.setAutoDelete(False)  # Python holds it until it answers
        self.number, self.question, self.answer = number, question, _Answer()

    def run(self) -> None:
        try:
            rows = self.question()
        except Exception as error:  # said in the window, not lost in a thread
            self._say(self.answer.failed, str(error))
        else:
            self._say(self.answer.arrived, rows)
        finally:
            close_database()  # this thread's connection

    def _say(self, signal, what) -> None:
        try:
            signal.emit(self.number, what)
        except RuntimeError:  # the program is ending: nobody is waiting for the answer
            pass


class _Indexing(QRunnable):
    """Moves documents queued for the text search into its index, a small batch per short
    transaction with a pause between (edits wait for no batch long), until none are left
    or it is told to stop (see store/search.py)."""

    def __init__(self, stop: threading.Event):
        super().__init__()
        self.stop = stop

    def run(self) -> None:
        try:
            while not self.stop.is_set() and search.index_pending(INDEX_BATCH):
                self.stop.wait(INDEX_PAUSE)
        except Exception:  # noqa: BLE001 (a locked store: the queue is searched meanwhile)
            pass
        finally:
            close_database()


class DocumentListModel(QAbstractTableModel):
    """Owns only the rows fetched so far; filters and refreshes go back to the store."""

    reloaded = Signal()  # the first page of a new sort or filter is shown
    problem = Signal(str)  # the store could not answer

    def __init__(self, dataset_id: int, annotator: str):
        super().__init__()
        self.dataset_id, self.annotator = dataset_id, annotator
        self.status_filter: str | None = None
        self.text_filter: str | None = None
        self.sort_key, self.descending = "id", False
        self._rows: list[DocumentRow] = []
        self._row_of: dict[int, int] = {}  # document id -> row
        self._last: DocumentRow | None = None  # the last row as fetched: the next page's key
        self._exhausted = False
        self._loaded = False  # the first load is answered at once
        self._asked = 0  # the number of the question whose answer is wanted
        self._waiting = False  # for that answer: no page is fetched meanwhile
        self._asking: set[_Ask] = set()
        self._pool = QThreadPool(self)  # its own: long jobs on the global pool wait for none
        self._pool.setMaxThreadCount(2)
        self._typing = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS,
                              timeout=self._reload)
        self._stop = threading.Event()
        if QCoreApplication.instance() is not None:
            QCoreApplication.instance().aboutToQuit.connect(self._stop.set)

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
        """True until a page comes back short; False while a new order is being asked for
        (a page of the old one would not follow on)."""
        return not parent.isValid() and not self._exhausted and not self._waiting

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802
        """Appends the next page: the rows after the last one fetched, in the list's order."""
        if not self.canFetchMore(parent):
            return
        self._append(self._page(self._last))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorts in the store, not among the rows fetched so far; column -1: document order.
        Answered off the UI thread."""
        asked = (SORT_BY_COLUMN.get(column, "id"), order == Qt.SortOrder.DescendingOrder)
        if self._waiting and asked == (self.sort_key, self.descending):
            return  # asked already: QTableView.sortByColumn sorts twice
        self.sort_key, self.descending = asked
        if self._loaded:
            self._reload()

    # Goldspan's

    def set_filter(self, status: str | None, text: str | None) -> None:
        """A status shows at once (off the UI thread); text once typing pauses. The same
        filter again reads the rows again at once."""
        status, text = status or None, text or None
        same = (status, text) == (self.status_filter, self.text_filter)
        typed = text != self.text_filter
        self.status_filter, self.text_filter = status, text
        if not self._loaded or (same and not self._typing.isActive()):
            self._load_now()
        elif typed:
            self._asked += 1  # whatever is on its way answers older text: dropped
            self._waiting = True
            self._typing.start()  # (again): the question waits for a pause
        else:
            self._reload()

    def wait(self, msecs: int = 30_000) -> bool:
        """Waits for the questions on their way (and stops indexing): for tests and exit."""
        self._stop.set()
        return self._pool.waitForDone(msecs)

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

    # Asking the store

    def _page(self, after: DocumentRow | None) -> list[DocumentRow]:
        return document_rows(self.dataset_id, self.annotator, limit=PAGE,
                             status=self.status_filter, containing=self.text_filter,
                             sort=self.sort_key, descending=self.descending, after=after)

    def _question(self) -> Callable[[], list[DocumentRow]]:
        """The first page of the list as it is set now. Asked later, maybe on another
        thread: the settings are taken now."""
        dataset_id, annotator = self.dataset_id, self.annotator
        asked = dict(status=self.status_filter, containing=self.text_filter,
                     sort=self.sort_key, descending=self.descending)
        # document_rows is looked up when asked (tests put a slower one in its place).
        return lambda: document_rows(dataset_id, annotator, limit=PAGE, **asked)

    def _load_now(self) -> None:
        self._asked += 1  # an answer on its way is older than this
        self._typing.stop()
        self._show(self._question()())
        if not self._loaded:
            self._loaded = True
            QTimer.singleShot(INDEX_AFTER_MS, self, self._index_for_search)

    def _reload(self) -> None:
        """Asks for the first page of the list as it is now set, off the UI thread."""
        self._typing.stop()
        self._asked += 1
        self._waiting = True
        ask = _Ask(self._asked, self._question())
        ask.answer.arrived.connect(self._arrived)
        ask.answer.failed.connect(self._failed)
        self._asking.add(ask)
        self._pool.start(ask)

    def _arrived(self, number: int, answer: list) -> None:
        self._forget(number)
        if number == self._asked:
            self._show(answer)
            self.reloaded.emit()

    def _failed(self, number: int, message: str) -> None:
        self._forget(number)
        if number == self._asked:
            self._waiting = False
            self.problem.emit(f"The document list could not be read: {message}")

    def _forget(self, number: int) -> None:
        self._asking = {ask for ask in self._asking if ask.number != number}

    def _show(self, rows: list[DocumentRow]) -> None:
        self.beginResetModel()
        self._rows, self._row_of, self._last = [], {}, None
        self._exhausted = self._waiting = False
        self.endResetModel()
        self._append(rows)

    def _append(self, page: list[DocumentRow]) -> None:
        """Adds a page; one that came back short is the last."""
        self._exhausted = len(page) < PAGE
        if not page:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        for offset, row in enumerate(page):
            self._row_of[row.id] = first + offset
        self._rows += page
        self._last = page[-1]
        self.endInsertRows()

    def _index_for_search(self) -> None:
        """Documents imported since the text search last indexed go into its index, in
        the background (they are found meanwhile too, only more slowly)."""
        if not read_only() and not self._stop.is_set() and search.pending(up_to=1):
            self._pool.start(_Indexing(self._stop))
