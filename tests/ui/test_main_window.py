"""The window as an annotator uses it: keys and mouse, the store checked after each step."""
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QTableWidget

from annotate.document import TextDocument
from annotate.spans import Span
from store.models import Document
from store.queries import add_documents
from store.routing import document_rows
from store.queries import spans_for
from tests.ui.conftest import TEXT, drag
from ui.main_window import ShortcutSheet


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(window.article, key, modifier)


def test_keys_select_relabel_resize_and_delete(qtbot, open_window, article):
    window = open_window()
    press(qtbot, window, Qt.Key.Key_Tab)
    press(qtbot, window, Qt.Key.Key_Tab)
    assert window.session.selected == Span(34, 38, "PERSON")
    press(qtbot, window, Qt.Key.Key_3)  # the news label set's key for GPE
    assert Span(34, 38, "GPE") in spans_for(article, "ana")
    press(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert Span(34, 41, "GPE") in spans_for(article, "ana")  # "Lyon on"
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, window, Qt.Key.Key_Delete)
    assert [s.start for s in spans_for(article, "ana")] == [0, 42]
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert Span(34, 38, "GPE") in spans_for(article, "ana")


def test_accept_stores_the_status_and_moves_on(qtbot, open_window, article, store):
    window = open_window()
    press(qtbot, window, Qt.Key.Key_A)
    assert document_rows(store.id, "ana")[0].status == "accepted"
    assert window.session.document_id != article
    assert window.progress_label.text() == "1 / 3 done"
    press(qtbot, window, Qt.Key.Key_Space)
    assert document_rows(store.id, "ana")[1].status == "skipped"
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    press(qtbot, window, Qt.Key.Key_BracketLeft)
    assert window.session.document_id == article and window.session.status == "accepted"


def test_everything_is_there_after_a_restart(qtbot, open_window, article):
    window = open_window()
    window.editor.active_label = "EVENT"
    drag(qtbot, window.article, TEXT.index("marched"), TEXT.index("marched") + 7)
    press(qtbot, window, Qt.Key.Key_X)
    window.close()
    again = open_window()
    assert again.session.document_id == article
    assert again.session.status == "rejected"
    assert Span(23, 30, "EVENT") in again.session.spans
    assert again.spans.count() == 4  # the span list shows them too


def test_an_overlap_is_named_by_its_words_and_enter_replaces_as_one_step(
        qtbot, open_window, article):
    window = open_window()
    before = spans_for(article, "ana")
    drag(qtbot, window.article, TEXT.index("people"), TEXT.index("Lyon") + 4)
    assert window.statusBar().currentMessage() == (
        "\u201cpeople marched in Lyon\u201d (PERSON) overlaps \u201cLyon\u201d (PERSON): "
        "Enter replaces it, Esc keeps it.")
    assert spans_for(article, "ana") == before  # nothing stored yet
    press(qtbot, window, Qt.Key.Key_Return)
    new = Span(TEXT.index("people"), TEXT.index("Lyon") + 4, "PERSON")
    assert new in spans_for(article, "ana") and Span(34, 38, "PERSON") not in spans_for(
        article, "ana")
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert spans_for(article, "ana") == before  # one undo takes back the whole replacement


def test_escape_keeps_the_overlapped_span_and_enter_then_does_nothing(
        qtbot, open_window, article):
    window = open_window()
    before = spans_for(article, "ana")
    drag(qtbot, window.article, TEXT.index("people"), TEXT.index("Lyon") + 4)
    press(qtbot, window, Qt.Key.Key_Escape)
    assert window.statusBar().currentMessage() == "Kept as it was."
    press(qtbot, window, Qt.Key.Key_Return)
    assert spans_for(article, "ana") == before


def test_shortcut_sheet_lists_every_action_and_label(qtbot, open_window):
    sheet = ShortcutSheet(open_window())
    table = sheet.findChild(QTableWidget)
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert rows["Accept and next"] == "A"
    assert rows["Redo"] == "Ctrl+Shift+Z, Ctrl+Y"
    assert rows["Label GPE"] == "3"


def test_clicking_a_header_sorts_the_whole_list(qtbot, open_window):
    window = open_window()
    header = window.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(1) + 5, header.height() // 2))
    titles = lambda: [window.documents.data(window.documents.index(r, 1)) for r in range(3)]  # noqa: E731
    qtbot.waitUntil(lambda: titles()[0].startswith("Paris"))  # sorted off the UI thread
    assert titles() == sorted(titles())


def test_window_size_and_splitters_are_remembered(qtbot, open_window):
    window = open_window()
    window.resize(711, 533)  # within the offscreen screen, which restoring fits it to
    window.splitter.setSizes([150, 400, 150])
    sizes = window.splitter.sizes()
    window.close()
    again = open_window()
    assert (again.width(), again.height()) == (711, 533)
    assert again.splitter.sizes() == sizes


def test_undo_after_moving_on_reaches_the_earlier_document(qtbot, open_window, store):
    window = open_window()
    press(qtbot, window, Qt.Key.Key_A)  # accept the first, open the second
    assert window.documents.data(window.documents.index(0, 0)) == "accepted"
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert document_rows(store.id, "ana")[0].status == "pending"
    assert window.documents.data(window.documents.index(0, 0)) == "pending"  # the list too
    assert window.progress_label.text() == "0 / 3 done"


def test_an_edit_the_database_refuses_is_reported_and_not_kept(qtbot, open_window, article,
                                                             db_path, monkeypatch):
    import sqlite3
    from PySide6.QtWidgets import QMessageBox
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    window = open_window()
    window.editor.active_label = "EVENT"
    other_program = sqlite3.connect(db_path, timeout=0)
    other_program.execute("BEGIN EXCLUSIVE")  # holds the write lock past the busy timeout
    try:
        drag(qtbot, window.article, TEXT.index("marched"), TEXT.index("marched") + 7)
    finally:
        other_program.rollback()
        other_program.close()
    assert len(shown) == 1 and "Add EVENT was not saved" in shown[0] and "locked" in shown[0]
    assert Span(23, 30, "EVENT") not in window.session.spans  # not shown as if saved
    assert window.editor.undo_stack.count() == 0  # nor kept to undo
    assert Span(23, 30, "EVENT") not in spans_for(article, "ana")
    drag(qtbot, window.article, TEXT.index("marched"), TEXT.index("marched") + 7)
    assert Span(23, 30, "EVENT") in spans_for(article, "ana")  # works again once free


def test_after_a_relabel_the_next_span_gets_the_label_the_bar_shows(qtbot, open_window, article):
    window = open_window()
    press(qtbot, window, Qt.Key.Key_Tab)
    press(qtbot, window, Qt.Key.Key_Tab)
    press(qtbot, window, Qt.Key.Key_3)  # relabels "Lyon" as GPE
    assert window.label_bar.actions_by_label["GPE"].isChecked()
    drag(qtbot, window.article, TEXT.index("marched"), TEXT.index("marched") + 7)
    assert Span(23, 30, "GPE") in spans_for(article, "ana")


def test_undoing_an_accept_reopens_that_document_as_it_was(qtbot, open_window, article, store):
    window = open_window()
    press(qtbot, window, Qt.Key.Key_A)
    assert window.session.document_id != article  # moved on
    assert window.statusBar().currentMessage() == "Document accepted; Ctrl+Z takes it back."
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.document_id == article and window.session.status == "pending"
    assert document_rows(store.id, "ana")[0].status == "pending"
    assert window.table.currentIndex().row() == 0  # the list shows the same document
    assert window.statusBar().currentMessage() == "Undone: the document is pending again."


def test_page_down_scrolls_the_article_and_stays_on_the_document(qtbot, open_window, store):
    text = "\n".join(f"Line {i} of a long report from Lyon." for i in range(400))
    add_documents(store.id, [TextDocument(text)])
    long = Document.get(Document.text == text).id
    window = open_window()
    window.resize(900, 400)
    window.open_document(long)
    bar = window.article.verticalScrollBar()
    assert window.session.document_id == long and bar.value() == 0
    press(qtbot, window, Qt.Key.Key_PageDown)
    assert bar.value() > 0 and window.session.document_id == long
    press(qtbot, window, Qt.Key.Key_PageUp)
    assert bar.value() == 0 and window.session.document_id == long


def test_a_span_made_with_the_keyboard_alone(qtbot, open_window, article):
    window = open_window()
    for _ in range(4):  # Well, over, 7,500, people: the caret moves a token a key
        press(qtbot, window, Qt.Key.Key_Right)
    press(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # "marched"
    press(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # "marched in"
    assert window.article.textCursor().selectedText() == "marched in"  # shown as selected
    press(qtbot, window, Qt.Key.Key_3)  # the label for the next span: GPE
    press(qtbot, window, Qt.Key.Key_Return)
    assert Span(23, 33, "GPE") in spans_for(article, "ana")
    assert window.session.selected == Span(23, 33, "GPE", "ana")
    press(qtbot, window, Qt.Key.Key_Escape)  # lets the span go: arrows move the caret again
    assert window.session.selected is None
