"""The window in a fresh process: opening an article, and edits with their repaint.

    python -m tests.bench.probe_window open|edit|bare-open|bare-edit DB [ROUNDS]

The window is built and shown, and a short story opened, before the clock starts (that is
launch, measured apart); then each timed action runs until Qt has nothing left to do: posted paints delivered and
the event queue empty (`settle`). Nothing timed is done before untimed: the first edit
counts as much as the fortieth. Bare: a QPlainTextEdit of the article's size showing the
same text read with sqlite3, with a minimal highlighter and store (see bare_edit).
"""
from __future__ import annotations

import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from bisect import bisect_left, bisect_right, insort
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QAbstractEventDispatcher, QEventLoop, QSettings  # noqa: E402
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

ARTICLE_SIZE = (710, 700)  # about the article pane of a 1280 x 800 window


def settle() -> None:
    """Returns when the event loop is about to wait: every posted paint and event done."""
    loop = QEventLoop()
    dispatcher = QAbstractEventDispatcher.instance()
    dispatcher.aboutToBlock.connect(loop.quit)
    loop.exec()
    dispatcher.aboutToBlock.disconnect(loop.quit)


def timed(action) -> float:
    began = time.perf_counter()
    action()
    settle()
    return time.perf_counter() - began


def window(db: str, annotator: str):
    """The real window on the dataset, shown and idle, nothing opened yet."""
    from store.db import open_database
    from store.queries import find_dataset
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    open_database(db)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "settings.ini"),
                         QSettings.Format.IniFormat)
    shown = MainWindow(find_dataset("bench"), annotator, settings)
    shown.show()
    settle()
    waited = time.perf_counter()
    while not shown.documents.rowCount():  # a list filled off the UI thread comes later
        if time.perf_counter() - waited > 60:
            raise SystemExit("the document list stayed empty")
        QTest.qWait(5)
        settle()
    return app, shown


def open_article(db: str, annotator: str = "bench-open") -> dict:
    """From a short story (opened as launch opens a first document: the window's one-time
    costs paid), a click on the article."""
    _, main = window(db, annotator)
    main.table.selectRow(1)
    settle()
    seconds = timed(lambda: main.table.selectRow(0))
    assert main.session.document_id is not None, "nothing opened"
    return {"open": seconds, "chars": len(main.session.text), "spans": len(main.session.spans)}


def free_words(text: str, bounds, taken: list[tuple[int, int]], count: int, seed: int = 9):
    """`count` lowercase words (start, end) no span touches, chosen at random."""
    starts = [s for s, _ in taken]
    free = []
    for start, end in bounds:
        word = text[start:end]
        if not (word.isalpha() and word.islower() and len(word) > 3):
            continue
        at = bisect_left(starts, end)
        if at and taken[at - 1][1] > start:
            continue
        free.append((start, end))
    return random.Random(seed).sample(free, count)


def edit(db: str, rounds: str = "40", annotator: str = "bench-edit") -> dict:
    """Rounds of: draw a span over a free word, relabel it, delete it; through the
    window's own paths (the view's span_drawn signal, the label key's handler, Delete)."""
    _, main = window(db, annotator)
    main.table.selectRow(1)
    settle()
    main.table.selectRow(0)
    settle()
    session = main.session
    bounds = list(zip(session.tokens.starts, session.tokens.ends))
    words = free_words(session.text, bounds, [(s.start, s.end) for s in session.spans],
                       int(rounds))
    times: dict[str, list[float]] = {"add": [], "relabel": [], "remove": []}
    before = len(session.spans)
    for start, end in words:
        times["add"].append(timed(lambda: main.article.span_drawn.emit(start, end)))
        assert session.selected is not None and session.selected.start == start, "not added"
        # A label the new span lacks: choosing a label also makes it the next span's.
        other = "ORG" if session.selected.label == "GPE" else "GPE"
        times["relabel"].append(timed(lambda: main.editor.choose_label(other)))
        assert session.selected.label == other, "not relabelled"
        times["remove"].append(timed(main.editor.delete_selected))
    assert len(session.spans) == before
    return {**times, "spans": before, "chars": len(session.text)}


# Bare baselines


def _text_and_spans(connection: sqlite3.Connection) -> tuple[int, str, list]:
    annotation, text = connection.execute(
        "SELECT a.id, d.text FROM document d JOIN annotation a ON a.document_id = d.id "
        "WHERE a.annotator IS NULL ORDER BY d.id LIMIT 1").fetchone()
    spans = connection.execute("SELECT start, end, label FROM span WHERE annotation_id = ? "
                               "ORDER BY start", (annotation,)).fetchall()
    return annotation, text, spans


class Tints(QSyntaxHighlighter):
    """A block's spans by bisection in sorted lists: the least a highlighter can do."""

    def __init__(self, document, spans):
        super().__init__(document)
        self.starts = [s for s, _, _ in spans]
        self.ends = [e for _, e, _ in spans]
        self.format = QTextCharFormat()
        self.format.setBackground(QColor("#f4dca6"))

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        first = self.currentBlock().position()
        i = bisect_right(self.ends, first)
        while i < len(self.starts) and self.starts[i] < first + len(text):
            self.setFormat(self.starts[i] - first, self.ends[i] - self.starts[i], self.format)
            i += 1


def _bare_view() -> QPlainTextEdit:
    QApplication.instance() or QApplication([])
    view = QPlainTextEdit(readOnly=True)
    view.resize(*ARTICLE_SIZE)
    view.show()
    settle()
    return view


def bare_open(db: str) -> dict:
    view = _bare_view()
    began = time.perf_counter()
    _, text, spans = _text_and_spans(sqlite3.connect(db))
    view.setPlainText(text)
    settle()
    return {"open": time.perf_counter() - began, "chars": len(text), "spans": len(spans)}


def bare_edit(db: str, rounds: str = "40") -> dict:
    """The same rounds with a minimal store (an optimistic write: the revision checked and
    moved, the span row written, in a transaction with full sync) and one block redrawn."""
    view = _bare_view()
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA synchronous = full")
    annotation, text, spans = _text_and_spans(connection)
    view.setPlainText(text)
    tints = Tints(view.document(), spans)
    settle()
    import spacy
    doc = spacy.blank("en").make_doc(text)
    words = free_words(text, [(t.idx, t.idx + len(t)) for t in doc],
                       [(s, e) for s, e, _ in spans], int(rounds))
    times: dict[str, list[float]] = {"add": [], "relabel": [], "remove": []}

    def write(sql: str, *values) -> int:
        connection.execute("BEGIN IMMEDIATE")
        revision = connection.execute("SELECT revision FROM annotation WHERE id = ?",
                                      (annotation,)).fetchone()[0]
        connection.execute("UPDATE annotation SET revision = ? WHERE id = ? AND revision = ?",
                           (revision + 1, annotation, revision))
        row = connection.execute(sql, values).lastrowid
        connection.execute("COMMIT")
        return row

    def redraw(start: int) -> None:
        tints.starts, tints.ends = [s for s, _, _ in spans], [e for _, e, _ in spans]
        tints.rehighlightBlock(view.document().findBlock(start))

    for start, end in words:
        def add():
            row = write("INSERT INTO span (annotation_id, start, end, label, source) "
                        "VALUES (?, ?, ?, 'ORG', 'bench')", annotation, start, end)
            insort(spans, (start, end, "ORG"))
            redraw(start)
            return row
        began = time.perf_counter()
        row = add()
        settle()
        times["add"].append(time.perf_counter() - began)

        def relabel():
            write("UPDATE span SET label = 'GPE' WHERE id = ?", row)
            spans[bisect_left(spans, (start, end))] = (start, end, "GPE")
            redraw(start)

        def remove():
            write("DELETE FROM span WHERE id = ?", row)
            del spans[bisect_left(spans, (start, end))]
            redraw(start)
        times["relabel"].append(timed(relabel))
        times["remove"].append(timed(remove))
    return {**times, "spans": len(spans), "chars": len(text)}


ACTIONS = {"open": open_article, "edit": edit, "bare-open": bare_open, "bare-edit": bare_edit}

if __name__ == "__main__":
    print(json.dumps(ACTIONS[sys.argv[1]](*sys.argv[2:])))
