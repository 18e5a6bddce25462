"""QA > Adjudicate: one document's annotations side by side, settled conflict by conflict.

The adjudicated version starts with the spans everyone agrees on. Each conflict lists its
readings (one person's spans over that stretch, with who chose it); Ctrl+1…9 settles the
current conflict with that reading, Ctrl+0 with no span. Settling is undoable, and moves on
to the next open conflict.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from annotate.adjudication import Conflict, Reading
from annotate.versions import ADJUDICATED
from ui.commands import SettleConflict
from ui.editor import Editor


class AdjudicationPanel(QWidget):
    reveal = Signal(int)  # a character offset the article should scroll to
    message = Signal(str)

    def __init__(self, editor: Editor):
        super().__init__()
        self.editor, self.session = editor, editor.session
        self.summary = QLabel(wordWrap=True)
        self.conflicts = QTreeWidget()
        self.conflicts.setHeaderLabels(["Conflict", "Annotators"])
        self.conflicts.currentItemChanged.connect(self._conflict_chosen)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.conflicts)
        # Window-wide keys (added to the window), live only while adjudicating.
        self.settle_actions = []
        for number in range(10):
            action = QAction(f"Settle with reading {number}" if number else
                             "Settle with no span", self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _=False, n=number: self.settle_with(n))
            self.settle_actions.append(action)
        self.session.changed.connect(self.refresh)
        self.refresh()

    def adjudicating(self) -> bool:
        return self.session.key is not None and self.session.key.kind == ADJUDICATED

    def current_conflict(self) -> Conflict | None:
        item = self.conflicts.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    # Settling

    def settle_with(self, number: int) -> None:
        conflict = self.current_conflict()
        if not self.adjudicating() or conflict is None:
            self.message.emit("Open a document's adjudication (QA > Adjudicate) first.")
            return
        if number > len(conflict.readings):
            self.message.emit(f"This conflict has {len(conflict.readings)} readings.")
            return
        chosen = conflict.readings[number - 1].spans if number else ()
        region = (conflict.start, conflict.end)
        stack = self.editor.undo_stack
        stack.beginMacro(f"Settle {self.session.text[conflict.start:conflict.end]!r}")
        if region in self.session.settled:  # settled before: this replaces that choice
            stack.push(SettleConflict(self.session, region, self._chosen_in(conflict),
                                      "Reopen conflict", settling=False))
        stack.push(SettleConflict(self.session, region, chosen, "Settle conflict"))
        stack.endMacro()
        self._go_to_open_conflict()

    def _chosen_in(self, conflict: Conflict) -> tuple:
        agreed = set(self.session.comparison.agreed)
        return tuple(s for s in self.session.spans if conflict.start <= s.start
                     and s.end <= conflict.end and s not in agreed)

    def _go_to_open_conflict(self) -> None:
        for row in range(self.conflicts.topLevelItemCount()):
            item = self.conflicts.topLevelItem(row)
            conflict = item.data(0, Qt.ItemDataRole.UserRole)
            if (conflict.start, conflict.end) not in self.session.settled:
                self.conflicts.setCurrentItem(item)
                return
        self.message.emit("Every conflict is settled: accept the document (A) to export it.")

    def _conflict_chosen(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        conflict = self.current_conflict()
        if conflict is not None:
            self.reveal.emit(conflict.start)

    # Refreshing from the session's one signal

    def refresh(self) -> None:
        for action in self.settle_actions:
            action.setEnabled(self.adjudicating())
        comparison = self.session.comparison
        if not self.adjudicating() or comparison is None:
            self.summary.setText("Open a document with two or more annotations and choose "
                                 "QA > Adjudicate (Ctrl+J).")
            self.conflicts.clear()
            return
        settled = self.session.settled
        open_count = sum((c.start, c.end) not in settled for c in comparison.conflicts)
        self.summary.setText(
            f"{len(comparison.agreed)} spans agreed by everyone; "
            f"{len(comparison.conflicts) - open_count} of {len(comparison.conflicts)} "
            f"conflicts settled. Ctrl+1…9 settles the current conflict with that reading, "
            f"Ctrl+0 with no span.")
        opened = self.session.touched is None  # a document (re)opened: list its conflicts
        if opened or self.conflicts.topLevelItemCount() != len(comparison.conflicts):
            self._fill(comparison.conflicts)
        for row in range(self.conflicts.topLevelItemCount()):
            item = self.conflicts.topLevelItem(row)
            conflict = item.data(0, Qt.ItemDataRole.UserRole)
            item.setText(1, "settled" if (conflict.start, conflict.end) in settled else "open")
        if opened and comparison.conflicts:
            self._go_to_open_conflict()

    def _fill(self, conflicts: tuple[Conflict, ...]) -> None:
        self.conflicts.clear()
        text = self.session.text
        for conflict in conflicts:
            item = QTreeWidgetItem([f"{text[conflict.start:conflict.end]!r} "
                                    f"({conflict.start}-{conflict.end})", ""])
            item.setData(0, Qt.ItemDataRole.UserRole, conflict)
            for number, reading in enumerate(conflict.readings, start=1):
                item.addChild(QTreeWidgetItem([f"Ctrl+{number}  {describe(reading, text)}",
                                               ", ".join(reading.annotators)]))
            self.conflicts.addTopLevelItem(item)
            item.setExpanded(True)
        self.conflicts.resizeColumnToContents(0)


def describe(reading: Reading, text: str) -> str:
    if not reading.spans:
        return "no span"
    return "; ".join(f"{s.label} {text[s.start:s.end]!r}" for s in reading.spans)
