"""Real mouse and key events on the article view; the store is checked after each."""
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat

from annotate.spans import Span
from store.queries import spans_for
from tests.ui.conftest import TEXT, drag, point_of


def test_dragging_across_words_stores_a_snapped_span(qtbot, editing, article):
    session, view, editor = editing
    editor.active_label = "EVENT"
    start = TEXT.index("marched") + 2  # from inside "marched"
    drag(qtbot, view, start, start + 3)
    stored = spans_for(article, "ana")
    assert Span(23, 30, "EVENT") in stored  # the whole word
    assert session.selected == Span(23, 30, "EVENT")


def test_a_drawn_span_over_an_entity_is_refused_with_a_message(qtbot, editing, article):
    session, view, editor = editing
    with qtbot.waitSignal(editor.message) as refused:
        drag(qtbot, view, TEXT.index("people"), TEXT.index("Lyon") + 4)
    assert "overlaps \u201cLyon\u201d (PERSON)" in refused.args[0]
    assert len(spans_for(article, "ana")) == 3


def test_click_selects_and_undo_redo_reach_the_store(qtbot, editing, article):
    session, view, editor = editing
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=point_of(view, TEXT.index("Lyon") + 1))
    assert session.selected == Span(34, 38, "PERSON")
    editor.choose_label("GPE")
    assert Span(34, 38, "GPE") in spans_for(article, "ana")
    editor.delete_selected()
    assert all(s.start != 34 for s in spans_for(article, "ana"))
    editor.undo_stack.undo()
    assert Span(34, 38, "GPE") in spans_for(article, "ana")
    editor.undo_stack.undo()
    assert Span(34, 38, "PERSON") in spans_for(article, "ana")
    editor.undo_stack.redo()
    assert Span(34, 38, "GPE") in spans_for(article, "ana")


def test_html_looking_text_shows_literally(editing):
    session, view, editor = editing
    assert view.toPlainText() == TEXT
    assert "<b>21</b>" in view.document().findBlockByNumber(1).text()


def test_redrawing_only_touched_blocks_matches_a_full_redraw(qtbot, editing):
    session, view, editor = editing
    qtbot.waitUntil(lambda: view.highlighter.is_drawn(1))  # painted once
    editor.active_label = "EVENT"
    drag(qtbot, view, TEXT.index("marched"), TEXT.index("marched") + 7)
    editor.choose_label("GPE")
    editor.select_next(+1)
    editor.delete_selected()
    drag(qtbot, view, TEXT.index("soldiers"), TEXT.index("soldiers") + 8)
    editor.move_boundary("end", +1)

    def shown():  # what each block's layout draws
        document = view.document()
        return [[(r.start, r.length, QTextCharFormat(r.format))
                 for r in document.findBlockByNumber(b).layout().formats()]
                for b in range(document.blockCount())]
    incremental = shown()
    view.highlighter.rehighlight()  # every block drawn anew from the spans
    assert incremental == shown()
    assert all(incremental)


def test_click_then_shift_click_extends_into_a_span(qtbot, editing, article):
    session, view, editor = editing
    editor.active_label = "EVENT"
    viewport = view.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point_of(view, TEXT.index("marched")))
    end = TEXT.index("marched") + len("marched in")
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     pos=point_of(view, end - 1, after=True))
    assert Span(23, 33, "EVENT") in spans_for(article, "ana")


def test_comparing_with_the_model_shows_removed_and_added_spans(qtbot, editing, article):
    session, view, editor = editing
    view.set_label_names(False)  # each span one range of the layout, no room for a tag
    qtbot.waitUntil(lambda: view.highlighter.is_drawn(0))  # painted once

    def drawn():  # what the first line's layout draws
        return {(r.start, r.length): QTextCharFormat(r.format)
                for r in view.document().firstBlock().layout().formats()}
    editor.click(TEXT.index("Tuesday"))
    editor.delete_selected()
    editor.active_label = "EVENT"
    drag(qtbot, view, TEXT.index("marched"), TEXT.index("marched") + 7)
    view.set_comparing(True)
    formats = drawn()
    assert formats[(42, 7)].fontStrikeOut()  # the removed DATE, ghosted
    dashed = QTextCharFormat.UnderlineStyle.DashUnderline
    assert formats[(23, 7)].underlineStyle() == dashed  # the added EVENT, under its words
    assert formats[(34, 4)].underlineStyle() != dashed  # the model's PERSON, kept as it was
    editor.click(TEXT.index("Lyon"))
    editor.delete_selected()  # while comparing: redrawn there alone, ghosted at once
    assert drawn()[(34, 4)].fontStrikeOut()
    view.set_comparing(False)
    assert (42, 7) not in drawn() and (34, 4) not in drawn()
    assert drawn()[(23, 7)].underlineStyle() != dashed


def test_hovering_a_span_names_its_label_value_and_source(qtbot, editing):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip
    session, view, editor = editing
    at = point_of(view, 5)  # inside "Well over 7,500"
    QApplication.sendEvent(view.viewport(),
                           QHelpEvent(QEvent.Type.ToolTip, at, view.viewport().mapToGlobal(at)))
    assert QToolTip.text() == "CARDINAL = 7500  (model)"
