"""`python main.py` until its window shows the first document, painted, with the event
queue empty: the moment an annotator can act.

    python tests/bench/probe_launch.py --db DB --dataset NAME    # main.py's own arguments
    python tests/bench/probe_launch.py bare DB                   # the bare baseline

Run as a script, like main.py: the interpreter starts the same way, main.py is run as
__main__ and imports what it imports in its own order. Only a hook is added: once
ui.main_window is imported (by main.py, when it gets there), MainWindow.show is wrapped to
watch for the first opened document. The clock is the caller's: this prints time.time()
when done, to compare with the time taken just before the process was started.
"""
from __future__ import annotations

import importlib.abc
import importlib.util
import json
import os
import runpy
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 120_000


def finish() -> None:
    print(json.dumps({"ready": time.time()}), flush=True)
    os._exit(0)  # nothing after this is the user's wait


def when_shown_and_idle(view) -> None:
    """After the view's next paint, at the first moment the event loop has nothing to do."""
    from PySide6.QtCore import QAbstractEventDispatcher, QEvent, QObject, QTimer

    class Painted(QObject):
        seen = False

        def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                Painted.seen = True
            return False

    watcher = Painted(view)
    view.viewport().installEventFilter(watcher)
    QAbstractEventDispatcher.instance().aboutToBlock.connect(
        lambda: Painted.seen and finish())
    QTimer.singleShot(TIMEOUT_MS, lambda: os._exit(3))


def watch(module) -> None:
    """Wraps MainWindow.show: the clock stops once a document is open and painted."""
    window_class = module.MainWindow
    show = window_class.show

    def show_and_watch(window) -> None:
        show(window)
        watching = []

        def opened() -> None:
            if window.session.document_id is not None and not watching:
                watching.append(True)
                when_shown_and_idle(window.article)
        window.session.changed.connect(opened)
    window_class.show = show_and_watch


class AfterImport(importlib.abc.MetaPathFinder):
    """Calls `then(module)` right after `name` is first imported, by whoever imports it."""

    def __init__(self, name: str, then):
        self.name, self.then = name, then

    def find_spec(self, fullname, path, target=None):
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        execute = spec.loader.exec_module

        def exec_module(module) -> None:
            execute(module)
            self.then(module)
        spec.loader.exec_module = exec_module
        return spec


def bare(db: str) -> None:
    """A Qt window showing the first document's text, read with sqlite3."""
    import sqlite3

    from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit
    app = QApplication(sys.argv[:1])
    window, view = QMainWindow(), QPlainTextEdit(readOnly=True)
    window.setCentralWidget(view)
    window.resize(1280, 800)
    view.setPlainText(sqlite3.connect(db).execute(
        "SELECT text FROM document ORDER BY id LIMIT 1").fetchone()[0])
    window.show()
    when_shown_and_idle(view)
    app.exec()


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        bare(sys.argv[2])
    else:
        sys.path[0] = str(ROOT)  # as `python main.py` has it
        sys.argv = [str(ROOT / "main.py"), *sys.argv[1:]]
        sys.meta_path.insert(0, AfterImport("ui.main_window", watch))
        runpy.run_path(str(ROOT / "main.py"), run_name="__main__")
        sys.exit(4)  # main.py returned without a document shown
