"""QA > Review queue: the annotations drawn by `qa sample`, one after another.

The reviewer sees the annotation with what differs from the model and from other people,
passes or fails it with error categories and a comment, and may correct it: corrections go to
a reviewed version (the original is kept), verdicts are undoable like any edit.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
    QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from annotate.adjudication import differences
from annotate.versions import REVIEWED
from store.editing import people_annotations
from store.reviews import ERROR_CATEGORIES, QueueItem, Verdict, review_queue
from ui.commands import RecordVerdict
from ui.editor import Editor

MARKS = {"pending": "…", "pass": "✓ pass", "fail": "✗ fail"}


class ReviewPanel(QWidget):
    reveal = Signal(int)  # a character offset the article should scroll to
    message = Signal(str)

    def __init__(self, editor: Editor):
        super().__init__()
        self.editor, self.session = editor, editor.session
        self.items: list[QueueItem] = []
        self.queue = QListWidget()
        self.queue.currentRowChanged.connect(self._open_row)
        self.differences = QTreeWidget()
        self.differences.setHeaderLabels(["Against", "Difference"])
        self.differences.itemActivated.connect(self._show_difference)
        self.differences.itemClicked.connect(self._show_difference)
        self.categories = {name: QCheckBox(name) for name in ERROR_CATEGORIES}
        self.comment = QLineEdit(placeholderText="Comment for the annotator")
        pass_button, fail_button = QPushButton("Pass (Ctrl+Enter)"), QPushButton(
            "Fail (Ctrl+Shift+Enter)")
        pass_button.clicked.connect(lambda: self.decide("pass"))
        fail_button.clicked.connect(lambda: self.decide("fail"))
        self.summary = QLabel()

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.queue, 2)
        layout.addWidget(QLabel("Differences (+ only in this annotation, − missing from it)"))
        layout.addWidget(self.differences, 3)
        boxes = QHBoxLayout()
        for box in self.categories.values():
            boxes.addWidget(box)
        layout.addLayout(boxes)
        layout.addWidget(self.comment)
        buttons = QHBoxLayout()
        buttons.addWidget(pass_button)
        buttons.addWidget(fail_button)
        layout.addLayout(buttons)
        self.session.changed.connect(self.refresh)

    # The queue

    def load(self) -> None:
        """Reads the queue and opens its first pending annotation."""
        self.items = review_queue(self.session.dataset.id)
        self.queue.clear()
        for item in self.items:
            self.queue.addItem(QListWidgetItem(self._row_text(item)))
        pending = next((i for i, item in enumerate(self.items)
                        if item.verdict.verdict == "pending"), None)
        if not self.items:
            self.summary.setText("No annotations drawn for review: run `qa sample` first.")
        elif pending is None:
            self.summary.setText("Every annotation in the queue is reviewed.")
        if self.items:
            self.queue.setCurrentRow(pending if pending is not None else 0)
        self.refresh()

    def current(self) -> QueueItem | None:
        row = self.queue.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _open_row(self, row: int) -> None:
        if 0 <= row < len(self.items):
            item = self.items[row]
            self.session.open(item.document_id, item.annotator, REVIEWED)
            self._show_verdict(item.verdict)

    def _show_verdict(self, verdict: Verdict) -> None:
        for name, box in self.categories.items():
            box.setChecked(name in verdict.categories)
        self.comment.setText(verdict.comment)

    # Deciding

    def decide(self, verdict: str) -> None:
        item = self.current()
        if item is None or not self._reviewing(item):
            self.message.emit("Open the review queue (QA > Review queue) to pass or fail work.")
            return
        categories = tuple(n for n, box in self.categories.items() if box.isChecked())
        if verdict == "fail" and not categories:
            self.message.emit("Tick at least one error category to fail an annotation.")
            return
        new = Verdict(verdict, categories if verdict == "fail" else (), self.comment.text(),
                      self.session.annotator)
        self.editor.undo_stack.push(RecordVerdict(self.session, item.review_id,
                                                  item.verdict, new))
        self._step_to_pending()

    def _reviewing(self, item: QueueItem) -> bool:
        key = self.session.key
        return key is not None and (key.document_id, key.annotator, key.kind) == (
            item.document_id, item.annotator, REVIEWED)

    def _step_to_pending(self) -> None:
        row = self.queue.currentRow()
        order = list(range(row + 1, len(self.items))) + list(range(row))
        following = next((i for i in order if self.items[i].verdict.verdict == "pending"), None)
        if following is None:
            self.message.emit("That was the last annotation waiting for review.")
        else:
            self.queue.setCurrentRow(following)

    # Refreshing from the session's one signal

    def refresh(self) -> None:
        stored = self.session.stored_document
        if stored is not None and any(i.document_id == stored for i in self.items):
            self._reread_verdicts()  # a verdict, or an edit of a queued document
        item = self.current()
        if item is None or not self._reviewing(item):
            self.differences.clear()
            return
        self._fill_differences(item)

    def _reread_verdicts(self) -> None:
        fresh = {i.review_id: i for i in review_queue(self.session.dataset.id)}
        for row, item in enumerate(self.items):
            self.items[row] = fresh.get(item.review_id, item)
            self.queue.item(row).setText(self._row_text(self.items[row]))
        done = sum(i.verdict.verdict != "pending" for i in self.items)
        self.summary.setText(f"{done} of {len(self.items)} reviewed")

    def _fill_differences(self, item: QueueItem) -> None:
        self.differences.clear()
        text, mine = self.session.text, self.session.spans
        others = {"model": self.session.predictions}
        others.update({name: spans for name, spans in people_annotations(
            item.document_id).items() if name != item.annotator})
        for name, theirs in others.items():
            extra, missing = differences(mine, theirs)
            group = QTreeWidgetItem([name, f"{len(extra)} extra, {len(missing)} missing"])
            for sign, spans in (("+", extra), ("−", missing)):
                for span in spans:
                    child = QTreeWidgetItem(["", f"{sign} {span.label} "
                                                 f"{text[span.start:span.end]!r}"])
                    child.setData(0, Qt.ItemDataRole.UserRole, span)
                    group.addChild(child)
            self.differences.addTopLevelItem(group)
            group.setExpanded(True)
        self.differences.resizeColumnToContents(0)

    def _show_difference(self, tree_item: QTreeWidgetItem) -> None:
        span = tree_item.data(0, Qt.ItemDataRole.UserRole)
        if span is None:
            return
        shown = next((s for s in self.session.spans if s == span), None)
        if shown is not None:
            self.session.select(shown)
        else:
            self.reveal.emit(span.start)

    @staticmethod
    def _row_text(item: QueueItem) -> str:
        return f"{MARKS[item.verdict.verdict]}  {item.annotator}: {item.title}"
