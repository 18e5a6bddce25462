"""The annotation window: document list, article, label bar, span list and status bar."""
from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox, QHeaderView, QLabel, QLineEdit, QMainWindow, QMessageBox,
    QSplitter, QTableView, QVBoxLayout, QWidget,
)

from annotate.versions import ADJUDICATED, OWN, REVIEWED
from store.db import read_only
from store.editing import EditError, has_predictions
from store.routing import annotator_progress, next_document, take_next_document
from store.records import STATUSES, AnnotationKey, DatasetRecord
from ui.actions import ACTIONS
from ui.article_view import ArticleView
from ui.document_list import DocumentListModel
from ui.editor import Editor
from ui.import_dialog import ImportDialog
from ui.import_report import ImportReport
from ui.legend import DifferencesLegend
from ui.long_work_handlers import LongWorkHandlers
from ui.panels import LabelBar, SpanPanel
from ui.plain import literal
from ui.qa_docks import QaDocks
from ui.retokenizing import Retokenizing
from ui.session import AnnotationSession
from ui.span_key_handlers import SpanKeyHandlers
from ui.shortcut_sheet import ShortcutSheet
from ui.source_extras import SourceExtrasPanel


CHECK_FOR_CHANGES_MS = 3000  # one indexed query: cheap enough to ask every few seconds


class MainWindow(LongWorkHandlers, SpanKeyHandlers, QMainWindow):
    _row_for: int | None = None  # the document the list's selection was last set for

    def __init__(self, dataset: DatasetRecord, annotator: str, settings: QSettings):
        super().__init__()
        self.settings = settings
        self.setWindowTitle(f"Goldspan: {dataset.name}")
        self.session = AnnotationSession(dataset, annotator)
        self.editor = Editor(self.session)
        self.article = ArticleView(self.session)
        self.spans = SpanPanel(self.session)
        self.extras = SourceExtrasPanel(self.session)  # below the spans, when there are any
        self.documents = DocumentListModel(dataset.id, annotator)
        self.qa = QaDocks(self)
        self.actions_by_id: dict[str, QAction] = {}
        self.preannotating = False  # set while a background job predicts spans
        self._progress_for: tuple | None = None
        self.import_dialog: ImportDialog | None = None  # open, or last opened
        self.import_report: ImportReport | None = None  # the last import's

        self._build_layout()
        self._build_actions()
        self.addToolBarBreak()  # every label in view, on a row of its own
        self.label_bar = LabelBar(self.editor)
        self.addToolBar(self.label_bar)
        self._build_status_bar(annotator)
        self.retokenizing = Retokenizing(self.statusBar())  # after a spaCy upgrade
        if not read_only():
            self.retokenizing.start()

        self.article.span_drawn.connect(self.editor.draw)
        self.article.offset_clicked.connect(self.editor.click)
        self.editor.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.session.problem.connect(self._problem)
        self.session.unreadable.connect(self._unreadable)
        self.editor.status_set.connect(self._status_set)
        for offered in ("take_overlap_offer", "keep_overlapped"):  # Enter and Esc: free else
            action = self.actions_by_id[offered]
            action.setEnabled(False)
            self.editor.offering.connect(action.setEnabled)
        self.session.reveal.connect(self._reveal)
        self.session.changed.connect(self._session_changed)
        self.documents.reloaded.connect(self._show_open_row)  # a new order: keep its row
        self.documents.problem.connect(self.say)
        self.documents.set_filter(None, None)
        self._restore_geometry()
        names = self.settings.value("view/label_names", True, type=bool)
        self.actions_by_id["label_names"].setChecked(names)
        self.article.set_label_names(names)
        self.watch = QTimer(self, interval=CHECK_FOR_CHANGES_MS, timeout=self.check_for_changes)
        self.watch.start()
        self.article.setFocus()  # keys go to annotating, not to the filter box

    # Layout

    def _build_layout(self) -> None:
        self.filter_text = QLineEdit(placeholderText="Filter by text")
        self.filter_status = QComboBox()
        self.filter_status.addItems(["all", *STATUSES])
        self.filter_text.textChanged.connect(self._filter_changed)
        self.filter_status.currentTextChanged.connect(self._filter_changed)
        self.table = QTableView()
        self.table.setModel(self.documents)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)  # uniform rows: cheap scrolling
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # document order at first
        self.table.setSortingEnabled(True)  # a click on a header sorts in the store
        for column in (0, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _: self.open_row(current.row()))
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.filter_text, self.filter_status, self.table):
            column.addWidget(widget)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.spans)
        right.addWidget(self.extras)
        right.setStretchFactor(0, 3)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main splitter")
        middle = QWidget()  # the article, with the legend of its marks below it
        column = QVBoxLayout(middle)
        column.setContentsMargins(0, 0, 0, 0)
        self.legend = DifferencesLegend()  # while the differences show
        self.legend.hide()
        column.addWidget(self.article)
        column.addWidget(self.legend)
        for widget, stretch in ((left, 2), (middle, 5), (right, 2)):
            self.splitter.addWidget(widget)
            self.splitter.setStretchFactor(self.splitter.count() - 1, stretch)
        self.setCentralWidget(self.splitter)
        if read_only():  # a banner above everything: the store cannot be written
            self.read_only_banner = QLabel(
                f"Read-only: {read_only()}. You can look and export; edits are not possible.",
                textFormat=Qt.TextFormat.PlainText, wordWrap=True,
                styleSheet="background: #fff3cd; color: #5c4400; padding: 6px")
            page = QWidget()
            layout = QVBoxLayout(page)
            layout.addWidget(self.read_only_banner)
            layout.addWidget(self.splitter)
            self.setCentralWidget(page)

    def _build_actions(self) -> None:
        menus = {}
        toolbar = self.addToolBar("Document")
        toolbar.setObjectName("document")
        for spec in ACTIONS:
            if spec.id == "undo":
                action = self.editor.undo_stack.createUndoAction(self, "&Undo")
            elif spec.id == "redo":
                action = self.editor.undo_stack.createRedoAction(self, "&Redo")
            else:
                action = QAction(spec.title, self, checkable=spec.checkable)
                action.triggered.connect(getattr(self, spec.id, None) or getattr(self.qa, spec.id))
            action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
            if spec.menu not in menus:
                menus[spec.menu] = self.menuBar().addMenu(f"&{spec.menu}")
            menus[spec.menu].addAction(action)
            if spec.on_toolbar:
                toolbar.addAction(self._short(spec.id) if spec.id in ("undo", "redo")
                                  else action)
            self.addAction(action)  # shortcuts work wherever focus is in the window
            self.actions_by_id[spec.id] = action
        for action in (self.actions_by_id["undo"], self.actions_by_id["redo"]):
            # A fixed tooltip: by default it repeats the text, which quotes the document
            # ("Undo Settle '<b>21</b>'") and a tooltip would read as markup.
            action.setToolTip(action.text().replace("&", ""))

    def _short(self, which: str) -> QAction:
        """The toolbar's Undo or Redo: one word (the menu's says what it undoes, which the
        toolbar elided to "U…N")."""
        stack = self.editor.undo_stack
        undo = which == "undo"
        action = _ToolbarStep(which.capitalize(), self)
        action.triggered.connect(stack.undo if undo else stack.redo)
        (stack.canUndoChanged if undo else stack.canRedoChanged).connect(action.setEnabled)
        (stack.undoTextChanged if undo else stack.redoTextChanged).connect(action.name_step)
        return action

    def _build_status_bar(self, annotator: str) -> None:
        self.progress_label = QLabel()
        self.showing_label = QLabel(textFormat=Qt.TextFormat.PlainText)  # whose annotation
        self.statusBar().addPermanentWidget(self.showing_label)
        self.statusBar().addPermanentWidget(self.progress_label)
        self.statusBar().addPermanentWidget(QLabel(f"Annotator: {annotator}",
                                                   textFormat=Qt.TextFormat.PlainText))
        self._show_progress()

    # Navigation

    def open_row(self, row: int) -> None:
        document_id = self.documents.document_id(row)
        if document_id is None or self.session.key == AnnotationKey(document_id,
                                                                    self.session.annotator):
            return
        if self.preannotating and not has_predictions(document_id):
            # Opening now would start this annotator's copy without the model's spans.
            self.statusBar().showMessage("This document is still being pre-annotated; "
                                         "it opens once its spans are ready.", 6000)
            return
        if not self.session.open(document_id):
            self._show_open_row()  # the list names the document the article shows

    def _show_open_row(self) -> None:
        row = self.documents.row_of(self.session.document_id) if self.session.document_id else None
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        if row is None:
            self.table.clearSelection()
        else:
            self.table.selectRow(row)
        selection.blockSignals(False)

    def check_for_changes(self) -> None:
        """Another window or process may have changed the annotation on screen: a cheap look
        at its revision, a reload in place if it moved, and a word on what changed."""
        try:
            changes = self.session.changed_elsewhere()
        except EditError as error:
            self.statusBar().showMessage(f"Cannot look for changes made elsewhere: {error}",
                                         8000)
            return
        if changes:
            self.statusBar().showMessage(f"Changed elsewhere, reloaded: {changes}", 10000)

    def open_document(self, document_id: int) -> None:
        row = self.documents.row_of(document_id)
        while row is None and self.documents.canFetchMore():
            self.documents.fetchMore()
            row = self.documents.row_of(document_id)
        if row is not None:
            self.table.selectRow(row)
        else:  # filtered out of the list: open it all the same
            self.session.open(document_id)

    def _reveal(self, key) -> None:
        """Shows the annotation an undo changed, with its new status said."""
        if key.kind == OWN and key.annotator == self.session.annotator:
            self.open_document(key.document_id)
        else:
            self.session.open(key.document_id, key.annotator, key.kind)
        self.say(f"Undone: the document is {self.session.status or 'pending'} again.")

    def _status_set(self, status: str) -> None:
        """After accepting, rejecting or skipping their own work, the annotator goes on to
        the next document that needs them (see store.routing.take_next_document); the
        status bar confirms what was stored."""
        key = self.session.key
        if key is None:
            return
        if key.kind != OWN:
            self.say(f"The {key.kind} version is {status}.")
            return
        self.say(f"Document {status}; Ctrl+Z takes it back.")
        try:
            following = take_next_document(self.session.dataset.id, self.session.annotator,
                                           key.document_id)
        except EditError as error:
            self._problem(f"The next document could not be taken: {error}")
            return
        if following is None:
            self.say("No document needs you now: every one has the annotators it asks for.")
        else:
            self.open_document(following)

    def open_next_unfinished(self) -> None:
        """Where a day's work resumes: the first document still needing this annotator
        (their pending work, or one that lacks annotators), else the list's first row."""
        found = next_document(self.session.dataset.id, self.session.annotator)
        if found is not None:
            self.open_document(found)
        elif self.documents.rowCount():
            self.table.selectRow(0)

    def quit(self) -> None:
        self.close()  # every edit is stored already; the last window closing ends the app

    def say(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def show_comparison(self, on: bool) -> None:
        self.actions_by_id["compare"].setChecked(on)
        self.compare(on)

    def next_document(self) -> None:
        self._step(+1)

    def previous_document(self) -> None:
        self._step(-1)

    def _step(self, step: int) -> None:
        row = self.table.currentIndex().row() + step
        if row >= self.documents.rowCount() and self.documents.canFetchMore():
            self.documents.fetchMore()
        if 0 <= row < self.documents.rowCount():
            self.table.selectRow(row)
        elif step > 0:
            self.statusBar().showMessage("That was the last document in this list.", 6000)

    def _filter_changed(self) -> None:
        status = self.filter_status.currentText()
        self.documents.set_filter(None if status == "all" else status, self.filter_text.text())

    def reload_list(self) -> None:
        self._filter_changed()
        if self.session.document_id is not None:
            self.open_document(self.session.document_id)
        elif self.documents.rowCount():
            self.table.selectRow(0)

    # Handlers named by ui.actions

    def accept(self) -> None:
        open_conflicts = self.qa.open_conflicts()
        if open_conflicts:
            self.say(f"{open_conflicts} conflicts are not settled yet (Ctrl+1…9, Ctrl+0); "
                     "the adjudicated version is accepted once all are.")
            return
        self.editor.set_status("accepted")

    def reject(self) -> None:
        self.editor.set_status("rejected")

    def skip(self) -> None:
        self.editor.set_status("skipped")

    def label_names(self, checked: bool) -> None:
        self.article.set_label_names(checked)
        self.settings.setValue("view/label_names", checked)

    def character_mode(self, checked: bool) -> None:
        self.editor.snap_to_tokens = not checked

    def compare(self, checked: bool) -> None:
        self.article.set_comparing(checked)
        self.legend.setVisible(checked)

    def shortcuts(self) -> None:
        ShortcutSheet(self).exec()

    # Reactions to the one signal

    def _session_changed(self) -> None:
        self.showing_label.setText(showing(self.session.key, self.session.annotator))
        if self.session.document_id != self._row_for:  # opened from a queue, an undo, ...
            self._row_for = self.session.document_id
            self._show_open_row()  # the list marks the document the article shows
        stored = self.session.stored_document
        if stored is not None:
            self.documents.refresh_document(stored)
        shown = (self.session.document_id, self.session.status, stored)
        if shown != self._progress_for:  # counting a large dataset is not free
            self._progress_for = shown
            self._show_progress()

    def _problem(self, text: str) -> None:
        """An edit was not saved: said plainly, and kept on screen until the next message."""
        self.statusBar().showMessage(text)
        QMessageBox.warning(self, "Not saved", literal(text))

    def _unreadable(self, text: str) -> None:
        self.statusBar().showMessage(text)
        QMessageBox.warning(self, "Cannot read the store", literal(text))

    def _show_progress(self) -> None:
        done, total = annotator_progress(self.session.dataset.id, self.session.annotator)
        self.progress_label.setText(f"{done} / {total} done")

    # Settings

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        splitter = self.settings.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.retokenizing.stop()  # once the page in hand is committed
        super().closeEvent(event)


class _ToolbarStep(QAction):
    def __init__(self, word: str, parent):
        super().__init__(word, parent, enabled=False)
        self.word = word

    def name_step(self, step: str) -> None:
        """The tooltip says what: "Undo Settle '<b>21</b>'", as typed, never as markup.
        A method, not a lambda: Qt drops the connection when the action goes."""
        self.setToolTip(literal(f"{self.word} {step}".strip()))


def showing(key: AnnotationKey | None, me: str) -> str:
    if key is None:
        return ""
    if key.kind == ADJUDICATED:
        return "Adjudicated version"
    if key.kind == REVIEWED:
        return f"Reviewing {key.annotator}'s work"
    return "Your annotation" if key.annotator == me else f"{key.annotator}'s annotation"
