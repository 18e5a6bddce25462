"""Moving through a large dataset in a fresh process: open a document, accept-and-next,
sort the document list, filter it by text.

    python -m tests.bench.probe_list navigate|sort|filter|bare-navigate|bare-sort|
                                     bare-filter|expect DB [ANNOTATOR]

The window starts as `python main.py` leaves it (shown, the first document open) before the
clock starts. Sorting and filtering are done when, after the model changed, the list's first row shows
what it must (known beforehand from `expect`, run in another process so that this one's
caches stay cold: the first status, title and span count of each order, the first matching
document of the filter), and Qt is idle. A 10 ms timer runs throughout: the longest gap between
its ticks is how long the window was frozen.
"""
from __future__ import annotations

import json
import random
import sqlite3
import sys
import time

from tests.bench.probe_window import Tints, _bare_view, settle, timed, window

from PySide6.QtCore import QTimer, Qt  # noqa: E402  (after probe_window set the platform)
from PySide6.QtTest import QTest  # noqa: E402

ROWS = 15  # documents opened, and accepted, per run
KEY_DELAY_MS = 120  # a quick typist


def navigate(db: str, annotator: str) -> dict:
    _, main = window(db, annotator)
    main.table.selectRow(0)
    settle()
    rows = random.Random(3).sample(range(1, min(200, main.documents.rowCount())), ROWS)
    opens = [timed(lambda row=row: main.table.selectRow(row)) for row in rows]
    accepts = []
    for _ in range(ROWS):
        before = main.session.document_id
        accepts.append(timed(main.accept))  # the `a` key's handler
        assert main.session.document_id not in (None, before), "did not move on"
    return {"open": opens, "accept": accepts, "documents": main.documents.rowCount()}


class Heartbeat:
    """Ticks every 10 ms while the event loop runs; `frozen` is the longest gap."""

    def __init__(self):
        self.ticks = [time.perf_counter()]
        self.timer = QTimer(interval=10, timeout=lambda: self.ticks.append(time.perf_counter()))
        self.timer.start()

    def frozen(self) -> float:
        self.ticks.append(time.perf_counter())
        self.timer.stop()
        return max(b - a for a, b in zip(self.ticks, self.ticks[1:]))


def _until_first_row(main, column: int, expected, action, timeout: float = 120.0) -> tuple:
    """Runs the action and waits for the list to change and show `expected` in `column` of
    its first row (a sort or filter may be answered off the UI thread: the rows then come
    later). Returns the seconds from the action's start, the seconds the action call itself
    took, and the longest freeze."""
    changed = []
    model = main.documents
    for signal in (model.modelReset, model.rowsInserted):
        signal.connect(lambda *_: changed.append(1))

    def shown():
        if column < 0:
            return model.document_id(0)
        return model.data(model.index(0, column))
    beat = Heartbeat()
    began = time.perf_counter()
    action()
    called = time.perf_counter() - began
    while True:
        settle()
        if changed and model.rowCount() > 0 and shown() == expected:
            return time.perf_counter() - began, called, beat.frozen()
        if time.perf_counter() - began > timeout:
            raise SystemExit(f"the list never showed {expected!r} first (but {shown()!r})")
        QTest.qWait(5)


def sort(db: str, annotator: str, expected: str) -> dict:
    """Sorts by each column in turn (a header click), first rows shown each time."""
    firsts = json.loads(expected)
    _, main = window(db, annotator)
    main.table.selectRow(0)
    settle()
    result = {}
    for name, column in (("status", 0), ("title", 1), ("spans", 2)):
        result[name], _, result[f"{name}_frozen"] = _until_first_row(
            main, column, firsts[name],
            lambda: main.table.sortByColumn(column, Qt.SortOrder.AscendingOrder))
    return result


def filter_text(db: str, annotator: str, expected: str) -> dict:
    """Types a word into the filter box a key at a time; the figure is the time from the
    first key to the matching rows shown, less the typing itself."""
    import peewee
    word, first = json.loads(expected)["filter"]
    _, main = window(db, annotator)
    main.table.selectRow(0)
    settle()
    # A filter query carries what was typed: the texts asked for are the statements'
    # parameters (from any thread) that are a prefix of the word, give or take LIKE's % and
    # FTS's quotes. One search may take several statements; a text asked for is one query.
    asked = set()
    real = peewee.Database.execute_sql

    def counted(database, sql, params=None, *rest, **named):
        for value in params or ():
            typed = value.strip('%"*').lower() if isinstance(value, str) else ""
            if typed and word.lower().startswith(typed):
                asked.add(typed)
        return real(database, sql, params, *rest, **named)
    peewee.Database.execute_sql = counted
    def type_word() -> None:
        for key in word:  # a pause, then the key: the event loop runs meanwhile
            QTest.qWait(KEY_DELAY_MS)
            QTest.keyClick(main.filter_text, key)
    seconds, typing, frozen = _until_first_row(main, -1, first, type_word)
    return {"filter": seconds - len(word) * KEY_DELAY_MS / 1000, "queries": len(asked),
            "typing": typing, "frozen": frozen, "word": word}


# What the list must show, found by plain SQL in its own process


def expect(db: str) -> dict:
    connection = sqlite3.connect(db)
    first = connection.execute("SELECT min(id) FROM document").fetchone()[0]
    count = connection.execute("SELECT count(*) FROM document").fetchone()[0]
    # A made-up name from near the end, found first as late as possible: typing it narrows
    # the list key by key, and the last keys make the store look far.
    text = connection.execute("SELECT text FROM document WHERE id = ?",
                              (first + count * 9 // 10,)).fetchone()[0]
    names = {w.strip(".,;:()\"'") for w in text.split()} - {"Goldspan"}
    names = sorted(w for w in names if w[:1].isupper() and w.isalpha() and 6 <= len(w) <= 10)
    word = max(names[:5], key=lambda w: _bare_filter(connection, w)[0])
    # What the first row shows: its status, its title (first line) and its span count
    # (ties are any order), and for the filter the first matching document.
    title = connection.execute("SELECT text FROM document WHERE id = ?",
                               (_bare_sort(connection, "title")[0],)).fetchone()[0]
    fewest = connection.execute(
        "SELECT count(s.id) FROM annotation a LEFT JOIN span s ON s.annotation_id = a.id "
        "WHERE a.document_id = ? AND a.annotator IS NULL",
        (_bare_sort(connection, "spans")[0],)).fetchone()[0]
    first_line = next((line for line in title.splitlines() if line.strip()), "")
    return {"status": "pending", "title": first_line.strip()[:120], "spans": fewest,
            "filter": [word, _bare_filter(connection, word)[0]]}


# Bare baselines: the same answers with one query each, and a plain text view


SORTS = {
    "status": "SELECT d.id FROM document d LEFT JOIN annotation a ON a.document_id = d.id "
              "AND a.annotator = 'nobody' ORDER BY coalesce(a.status, 'pending'), d.id "
              "LIMIT 200",
    "title": "SELECT id FROM document ORDER BY text, id LIMIT 200",
    "spans": "SELECT d.id FROM document d LEFT JOIN annotation a ON a.document_id = d.id "
             "AND a.annotator IS NULL LEFT JOIN span s ON s.annotation_id = a.id "
             "GROUP BY d.id ORDER BY count(s.id), d.id LIMIT 200",
}


def _bare_sort(connection, name: str) -> list[int]:
    return [row[0] for row in connection.execute(SORTS[name])]


def _bare_filter(connection, word: str) -> list[int]:
    return [row[0] for row in connection.execute(
        "SELECT id, substr(text, 1, 200) FROM document WHERE text LIKE ? ORDER BY id "
        "LIMIT 200", (f"%{word}%",))]


def bare_sort(db: str) -> dict:
    connection, result = sqlite3.connect(db), {}
    for name in SORTS:
        began = time.perf_counter()
        _bare_sort(connection, name)
        result[name] = time.perf_counter() - began
    return result


def bare_filter(db: str, expected: str) -> dict:
    word = json.loads(expected)["filter"][0]
    began = time.perf_counter()
    _bare_filter(sqlite3.connect(db), word)
    return {"filter": time.perf_counter() - began}


def bare_navigate(db: str, annotator: str) -> dict:
    """Open: the text and spans by id into a plain view. Accept-and-next: the status
    written, the next document found by id, opened the same way."""
    view = _bare_view()
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA synchronous = full")
    tints = Tints(view.document(), [])

    def show(doc_id: int) -> None:
        view.setPlainText(connection.execute("SELECT text FROM document WHERE id = ?",
                                             (doc_id,)).fetchone()[0])
        spans = connection.execute(
            "SELECT s.start, s.end, s.label FROM span s JOIN annotation a ON "
            "s.annotation_id = a.id WHERE a.document_id = ? AND a.annotator IS NULL "
            "ORDER BY s.start", (doc_id,)).fetchall()
        tints.starts, tints.ends = [s for s, _, _ in spans], [e for _, e, _ in spans]
        tints.rehighlight()

    ids = [row[0] for row in connection.execute("SELECT id FROM document ORDER BY id LIMIT 200")]
    show(ids[0])
    settle()
    rows = random.Random(3).sample(range(1, len(ids)), ROWS)
    opens = [timed(lambda row=row: show(ids[row])) for row in rows]
    current = ids[rows[-1]]

    def accept() -> None:
        nonlocal current
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO annotation (document_id, annotator, kind, status, created, updated, "
            "revision) VALUES (?, ?, 'annotation', 'accepted', datetime(), datetime(), 1)",
            (current, annotator))
        current = connection.execute("SELECT id FROM document WHERE id > ? ORDER BY id "
                                     "LIMIT 1", (current,)).fetchone()[0]
        connection.execute("COMMIT")
        show(current)
    accepts = [timed(accept) for _ in range(ROWS)]
    return {"open": opens, "accept": accepts}


ACTIONS = {"navigate": navigate, "sort": sort, "filter": filter_text, "expect": expect,
           "bare-navigate": bare_navigate, "bare-sort": bare_sort, "bare-filter": bare_filter}

if __name__ == "__main__":
    print(json.dumps(ACTIONS[sys.argv[1]](*sys.argv[2:])))
