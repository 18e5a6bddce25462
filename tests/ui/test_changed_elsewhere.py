"""Two sessions on one annotation, as two windows would be: the window asks, the store decides,
and the window that lost says what happened and shows what is stored."""
import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from annotate.spans import Span
from store.editing import add_span, open_annotation, remove_span
from store.models import Document, database
from store.queries import spans_for
from store.records import AnnotationKey
from tests.ui.conftest import drag

LYON = Span(34, 38, "PERSON")
MARCHED = Span(23, 30, "EVENT")


@pytest.fixture
def shown(monkeypatch):
    """The texts of the message boxes the window shows (a box would wait for a click)."""
    texts = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda parent, title, text: texts.append(f"{title}: {text}"))
    return texts


def other_window_removes_lyon(document_id: int) -> None:
    key = AnnotationKey(document_id, "ana")
    remove_span(key, LYON, open_annotation(key).revision)


def test_an_edit_on_a_span_removed_elsewhere_is_refused_and_the_window_reloads(
        qtbot, open_window, article, shown):
    window = open_window()
    other_window_removes_lyon(article)
    qtbot.keyClick(window.article, Qt.Key.Key_Tab)
    qtbot.keyClick(window.article, Qt.Key.Key_Tab)  # the stale window still shows Lyon
    assert window.session.selected == LYON
    qtbot.keyClick(window.article, Qt.Key.Key_3)  # relabel it GPE
    assert len(shown) == 1
    assert "Relabel as GPE was not saved" in shown[0]
    assert "changed elsewhere" in shown[0] and "removed PERSON 'Lyon'" in shown[0]
    assert LYON not in window.session.spans  # the window shows what is stored
    assert window.spans.count() == len(spans_for(article, "ana")) == 2
    assert not [s for s in spans_for(article, "ana") if s.start == 34]  # nothing overwritten
    assert window.editor.undo_stack.count() == 0


def test_undo_across_a_reload_is_refused_with_the_reason(qtbot, open_window, article, shown):
    window = open_window()
    window.editor.active_label = "EVENT"
    drag(qtbot, window.article, MARCHED.start, MARCHED.end)
    assert MARCHED in spans_for(article, "ana")
    other_window_removes_lyon(article)
    people = Span(16, 22, "EVENT")
    drag(qtbot, window.article, people.start, people.end)
    assert "Add EVENT was not saved" in shown[-1] and "reloaded" in shown[-1]
    assert people not in spans_for(article, "ana")
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "Undo of 'Add EVENT' was not saved" in shown[-1]
    assert "undo cannot reach back past that" in shown[-1]
    assert MARCHED in spans_for(article, "ana")  # the refused undo changed nothing
    assert window.editor.undo_stack.count() == 0  # and nothing is left to undo silently
    drag(qtbot, window.article, people.start, people.end)  # new edits after the reload work
    assert people in spans_for(article, "ana") and len(shown) == 2
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert people not in spans_for(article, "ana")


def test_a_change_made_elsewhere_shows_without_an_edit(qtbot, open_window, article):
    window = open_window()
    key = AnnotationKey(article, "ana")
    add_span(key, MARCHED, open_annotation(key).revision)
    window.watch.setInterval(20)
    qtbot.waitUntil(lambda: MARCHED in window.session.spans, timeout=2000)
    message = window.statusBar().currentMessage()
    assert "Changed elsewhere, reloaded: added EVENT 'marched'" in message
    assert window.spans.count() == 4
    assert window.documents.data(window.documents.index(0, 2)) == 4  # the list's count too


def test_a_document_the_store_cannot_give_is_reported_and_the_list_stays_true(
        qtbot, open_window, article, db_path, shown):
    window = open_window()
    database.obj.pragma("busy_timeout", 200)  # as the 5 s default, only sooner
    other_program = sqlite3.connect(db_path, timeout=0)
    other_program.execute("BEGIN IMMEDIATE")  # holds the write lock a first open needs
    try:
        window.table.selectRow(1)  # never opened: opening creates ana's annotation
    finally:
        other_program.rollback()
        other_program.close()
    assert len(shown) == 1 and "Cannot read the store: Document" in shown[0]
    assert "locked" in shown[0]
    assert window.session.document_id == article
    assert window.table.currentIndex().row() == 0  # the list names what the article shows
    window.table.selectRow(1)
    assert window.session.document_id == Document.select().order_by(Document.id)[1].id


def test_after_a_refused_undo_the_edit_before_it_can_still_be_undone(
        qtbot, open_window, article, db_path, shown):
    window = open_window()
    window.editor.active_label = "EVENT"
    drag(qtbot, window.article, MARCHED.start, MARCHED.end)
    qtbot.keyClick(window.article, Qt.Key.Key_Tab)  # from the new span to Lyon
    qtbot.keyClick(window.article, Qt.Key.Key_Delete)
    database.obj.pragma("busy_timeout", 100)
    other_program = sqlite3.connect(db_path, timeout=0)
    other_program.execute("BEGIN IMMEDIATE")
    try:
        qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    finally:
        other_program.rollback()
        other_program.close()
    assert len(shown) == 1 and "Undo of 'Remove PERSON' was not saved" in shown[0]
    assert "locked" in shown[0]
    assert window.editor.undo_stack.count() == 1  # the refused undo is dropped, said so
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert MARCHED not in spans_for(article, "ana")  # the edit before it is undone
    assert MARCHED not in window.session.spans and len(shown) == 1


def test_what_changed_elsewhere_is_said_in_an_annotators_words():
    from ui.session import describe_changes
    text = "The Red Cross said Varro flooded Homs."
    red_cross, varro, homs = Span(4, 13, "ORG"), Span(19, 24, "PERSON"), Span(33, 37, "GPE")
    said = describe_changes(text, [red_cross, varro, homs],
                            [Span(0, 13, "ORG"), Span(19, 24, "GPE"), Span(14, 18, "EVENT")])
    assert said == ("resized ORG 'Red Cross' -> 'The Red Cross', relabelled 'Varro' "
                    "PERSON -> GPE, removed GPE 'Homs', added EVENT 'said'")
    assert describe_changes(text, [homs], [homs]) == "its status changed"


@pytest.mark.qt_no_exception_capture  # the window's own hook is what is tested
def test_a_fault_nobody_expected_is_a_message_not_silence(qtbot, open_window, monkeypatch):
    import sys

    from PySide6.QtCore import QTimer

    from ui.app import report_unexpected_errors
    boxes = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda parent, title, text: boxes.append(f"{title}: {text}"))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    window = open_window()
    report_unexpected_errors(window)

    def broken_slot():
        raise KeyError("a bug in a slot")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: bool(boxes), timeout=2000)
    assert "Unexpected error: Something went wrong" in boxes[0] and "KeyError" in boxes[0]
    assert "KeyError" in window.statusBar().currentMessage()
