"""Help > Keyboard shortcuts, from the same table the menus come from."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout,
)

from ui.actions import ACTIONS
from ui.panels import label_keys

if TYPE_CHECKING:
    from ui.main_window import MainWindow


# Keys the article itself takes (ui.token_caret), not the window's actions.
KEYBOARD_SPANS = [("Caret a token left / right", "Left, Right"),
                  ("Select tokens (no span selected)", "Shift+Left, Shift+Right"),
                  ("Make the selected tokens a span", "Return"),
                  ("Let the selection or span go", "Esc")]


class ShortcutSheet(QDialog):
    """Help > Keyboard shortcuts, from the same table the menus come from."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        keys = label_keys(window.session.dataset.labels)
        rows = [(spec.title.replace("&", ""), ", ".join(spec.shortcuts)) for spec in ACTIONS]
        rows += [(f"Label {name}", key) for name, key in keys.items()]
        rows += KEYBOARD_SPANS
        settle_actions = window.qa.adjudication.settle_actions
        rows += [(a.text(), a.shortcut().toString()) for a in settle_actions]
        table = QTableWidget(len(rows), 2)
        table.setHorizontalHeaderLabels(["Command", "Keys"])
        table.verticalHeader().hide()
        for row, (title, shortcut) in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(title))
            table.setItem(row, 1, QTableWidgetItem(shortcut))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        self.resize(420, 520)
