"""The document list in the window, driven by real keys and clicks: sorting and filtering
are answered off the UI thread, the filter waits for typing to pause, an answer nobody
waits for any more is dropped, and later pages come as the list scrolls."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QPoint, Qt

import ui.document_list as listing
from annotate.document import TextDocument
from store import search
from store.queries import add_documents

KEY_DELAY_MS = 60  # a quick typist: well inside the filter's pause


@pytest.fixture
def questions(monkeypatch):
    """Every question the list asks the store: (thread, filter text, sort), as asked."""
    asked = []
    real = listing.document_rows

    def recorded(*args, **kwargs):
        asked.append((threading.current_thread(), kwargs["containing"], kwargs["sort"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(listing, "document_rows", recorded)
    return asked


def shown(window) -> list[str]:
    model = window.documents
    return [model.data(model.index(r, 1)) for r in range(model.rowCount())]


def click_header(qtbot, window, column: int) -> None:
    header = window.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(column) + 5, header.height() // 2))


def test_the_filter_asks_once_typing_pauses_and_off_the_ui_thread(qtbot, open_window,
                                                                   questions):
    window = open_window()
    questions.clear()
    qtbot.keyClicks(window.filter_text, "paris", delay=KEY_DELAY_MS)
    assert questions == []  # nothing per keystroke
    assert len(shown(window)) == 3  # the rows stay until the answer comes
    with qtbot.waitSignal(window.documents.reloaded):
        pass
    assert shown(window) == ["Paris police counted 12,000 marchers on Friday."]
    assert [(text, sort) for _, text, sort in questions] == [("paris", "id")]
    assert questions[0][0] is not threading.main_thread()


def test_an_answer_to_text_no_longer_typed_is_dropped(qtbot, open_window, monkeypatch):
    window = open_window()
    real, release, first = listing.document_rows, threading.Event(), threading.Event()

    def slow_for_rome(*args, **kwargs):
        if kwargs["containing"] == "Rom":
            first.set()
            release.wait(10)  # answers only after the user typed on
        return real(*args, **kwargs)

    monkeypatch.setattr(listing, "document_rows", slow_for_rome)
    qtbot.keyClicks(window.filter_text, "Rom")
    qtbot.waitUntil(first.is_set)  # asked, answer on its way
    qtbot.keyClick(window.filter_text, Qt.Key.Key_Backspace)
    qtbot.keyClicks(window.filter_text, "Paris")  # "RoParis": no document has it
    with qtbot.waitSignal(window.documents.reloaded):
        pass
    assert shown(window) == []
    release.set()
    window.documents.wait()
    qtbot.wait(50)  # the late answer arrives, and is dropped
    assert shown(window) == []


def test_a_header_click_sorts_off_the_ui_thread_and_keeps_the_open_document(
        qtbot, open_window, questions, monkeypatch):
    window = open_window()
    window.table.selectRow(2)  # Rome
    opened = window.session.document_id
    real, release = listing.document_rows, threading.Event()
    monkeypatch.setattr(listing, "document_rows",
                        lambda *a, **k: release.wait(10) and real(*a, **k))
    click_header(qtbot, window, 1)
    assert shown(window)[0].startswith("Well over")  # the old order, until the answer
    qtbot.wait(30)  # the window goes on meanwhile
    with qtbot.waitSignal(window.documents.reloaded):
        release.set()
    assert shown(window) == sorted(shown(window))
    assert [sort for _, _, sort in questions].count("title") == 1  # asked once
    assert window.session.document_id == opened
    assert window.table.currentIndex().row() == window.documents.row_of(opened)
    with qtbot.waitSignal(window.documents.reloaded):  # sorts twice, asks once
        window.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert [sort for _, _, sort in questions].count("title") == 2
    assert shown(window) == sorted(shown(window), reverse=True)


def test_pages_after_the_first_come_as_the_list_scrolls_in_any_order(qtbot, store, open_window,
                                                                     monkeypatch, questions):
    monkeypatch.setattr(listing, "PAGE", 4)
    add_documents(store.id, [TextDocument(f"Report {n:02} from Oslo.") for n in range(10)])
    window = open_window()
    with qtbot.waitSignal(window.documents.reloaded):
        click_header(qtbot, window, 1)
    for _ in range(5):  # Qt asks canFetchMore / fetchMore as the end comes into view
        window.table.scrollToBottom()
        qtbot.wait(20)
    qtbot.waitUntil(lambda: len(shown(window)) == 13, timeout=5000)
    assert shown(window) == sorted(shown(window))  # each page after the last, in order
    threads = [thread for thread, _, sort in questions if sort == "title"]
    assert threads[0] is not threading.main_thread()  # the first page, off the UI thread
    assert len(threads) == 4  # then the rest, a page at a time as it came into view
    assert all(thread is threading.main_thread() for thread in threads[1:])


def test_the_status_filter_and_qts_model_tester(qtbot, open_window, qtmodeltester):
    window = open_window()
    qtbot.keyClick(window.article, Qt.Key.Key_A)  # accept the first, on to the next
    window.filter_status.setCurrentText("accepted")
    qtbot.waitUntil(lambda: len(shown(window)) == 1)
    assert shown(window)[0].startswith("Well over")
    assert window.progress_label.text() == "1 / 3 done"
    qtmodeltester.check(window.documents)


def test_new_texts_are_indexed_for_search_in_the_background(qtbot, store, open_window,
                                                           monkeypatch):
    monkeypatch.setattr(listing, "INDEX_AFTER_MS", 0)
    window = open_window()
    qtbot.waitUntil(lambda: search.pending() == 0, timeout=10_000)
    assert search.has_index()
    qtbot.keyClicks(window.filter_text, "marchers")
    qtbot.waitUntil(lambda: len(shown(window)) == 1)
    assert shown(window)[0].startswith("Paris")


def test_by_span_count_pages_come_as_the_list_scrolls(qtbot, store, open_window,
                                                     monkeypatch, questions):
    monkeypatch.setattr(listing, "PAGE", 4)
    add_documents(store.id, [TextDocument(f"Report {n:02} from Oslo.") for n in range(10)])
    window = open_window()
    header = window.table.horizontalHeader()
    with qtbot.waitSignal(window.documents.reloaded):
        click_header(qtbot, window, 2)
    if header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder:
        with qtbot.waitSignal(window.documents.reloaded):  # most spans first
            click_header(qtbot, window, 2)
    for _ in range(5):
        window.table.scrollToBottom()
        qtbot.wait(20)
    qtbot.waitUntil(lambda: window.documents.rowCount() == 13, timeout=5000)
    model = window.documents
    counts = [model.data(model.index(r, 2)) for r in range(13)]
    assert counts == sorted(counts, reverse=True) and counts[0] == 3  # the article's spans
    threads = [thread for thread, _, sort in questions if sort == "spans"]
    firsts = threads[:-3]  # a first page per click, then the other three as they show
    assert 1 <= len(firsts) <= 2 and threading.main_thread() not in firsts
    assert all(thread is threading.main_thread() for thread in threads[-3:])
