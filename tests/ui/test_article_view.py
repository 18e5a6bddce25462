"""The article costs a screenful: blocks are highlighted as they come into view, an edit
redraws the blocks it touched, and what shows is what a full redraw would show. Real mouse
and keys; the store is checked after each step."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotate.document import TextDocument
from annotate.spans import Span
from store.models import Document
from store.queries import add_documents, save_predictions, spans_for
from tests.ui.conftest import TEXT, drag
from ui.article_view import ArticleView
from ui.editor import Editor
from ui.session import AnnotationSession

LINE = "Crowds of 7,500 marched in Lyon on Tuesday, police said."
LINES = 3000


def drawn_formats(view: ArticleView, number: int) -> list[tuple[int, int, str, bool]]:
    """What the block shows: each format range, its tint and whether it is bold (a span's
    last character, formatted apart to leave room for its label tag, counted in it)."""
    block = view.document().findBlockByNumber(number)
    ranges: list[tuple[int, int, str, bool]] = []
    for r in block.layout().formats():
        shown = (r.format.background().color().name(), r.format.fontWeight() > 400)
        tag_room = r.format.fontLetterSpacing() > 0 and r.length == 1
        if tag_room and ranges and ranges[-1][0] + ranges[-1][1] == r.start \
                and ranges[-1][2:] == shown:
            ranges[-1] = (ranges[-1][0], ranges[-1][1] + 1, *shown)
        else:
            ranges.append((r.start, r.length, *shown))
    return ranges


def every_block(view: ArticleView) -> list:
    return [drawn_formats(view, n) for n in range(view.document().blockCount())]


@pytest.fixture
def long_article(qtbot, store):
    """A 3,000-line article with a span on each line, open in a view 300 pixels high."""
    text = "\n".join([LINE] * LINES)
    add_documents(store.id, [TextDocument(text)])
    doc_id = Document.get().id
    step = len(LINE) + 1
    save_predictions([(doc_id, [Span(i * step + 27, i * step + 31, "GPE", "model")
                                for i in range(LINES)])])
    session = AnnotationSession(store, "ana")
    view = ArticleView(session)
    editor = Editor(session)
    view.span_drawn.connect(editor.draw)
    view.offset_clicked.connect(editor.click)
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    highlighted: list[int] = []
    original = view.highlighter.highlightBlock

    def counting(block_text: str) -> None:
        highlighted.append(view.highlighter.currentBlock().blockNumber())
        original(block_text)
    view.highlighter.highlightBlock = counting
    session.open(doc_id)
    qtbot.waitUntil(lambda: view.highlighter.is_drawn(0))
    return session, view, editor, doc_id, highlighted


def test_opening_a_long_article_highlights_the_screen_alone(qtbot, long_article):
    session, view, editor, doc_id, highlighted = long_article
    first, last = view.visible_blocks()
    assert first == 0 and 3 < last < 40
    drawn = {n for n in highlighted if view.highlighter.is_drawn(n)}
    assert drawn and max(drawn) <= last + 1  # a screenful, not 3,000 blocks
    assert drawn_formats(view, 0) == [(27, 4, "#b2df8a", False)]
    assert drawn_formats(view, LINES - 1) == []  # not drawn yet
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: view.highlighter.is_drawn(LINES - 1))
    assert drawn_formats(view, LINES - 1) == [(27, 4, "#b2df8a", False)]
    assert not view.highlighter.is_drawn(LINES // 2)


def test_an_edit_redraws_only_its_blocks_on_screen_or_later(qtbot, long_article):
    session, view, editor, doc_id, highlighted = long_article
    highlighted.clear()
    editor.active_label = "EVENT"
    drag(qtbot, view, LINE.index("marched"), LINE.index("marched") + 7)  # on line 0
    assert Span(16, 23, "EVENT") in spans_for(doc_id, "ana")
    assert set(highlighted) == {0}
    assert (16, 7, "#fb9a99", False) in drawn_formats(view, 0)  # selected: its tint, its weight
    assert len(view.selection_rects()) == 1  # outlined instead
    highlighted.clear()
    far = (LINES - 10) * (len(LINE) + 1)  # a line not drawn: nothing to redraw now
    session.select(Span(far + 27, far + 31, "GPE"))  # scrolls there, then draws it
    qtbot.waitUntil(lambda: view.highlighter.is_drawn(LINES - 10))
    assert 0 not in highlighted  # the selection left block 0 without changing its formats
    assert (27, 4, "#b2df8a", False) in drawn_formats(view, LINES - 10)
    assert len(view.selection_rects()) == 1
    assert all(abs(n - (LINES - 10)) < 40 for n in highlighted)


def test_what_shows_after_edits_and_undo_is_what_a_full_redraw_shows(qtbot, open_window,
                                                                      article):
    window = open_window()
    view = window.article
    qtbot.waitUntil(lambda: view.highlighter.is_drawn(1))  # painted once

    def key(k, modifier=Qt.KeyboardModifier.NoModifier):
        qtbot.keyClick(view, k, modifier)

    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=_point(view, TEXT.index("Tuesday") + 2))
    key(Qt.Key.Key_Delete)  # the DATE, to free the line's end
    window.editor.active_label = "EVENT"
    start, end = TEXT.index("on Tuesday"), TEXT.index("soldiers") + len("soldiers")
    drag(qtbot, view, start, end)  # across the line break: a span over two blocks
    crossing = Span(start, end, "EVENT")
    assert crossing in spans_for(article, "ana")
    line_one = TEXT.index("\n") - start
    assert (start, line_one, "#fb9a99", False) in drawn_formats(view, 0)
    assert (0, len("Eight soldiers"), "#fb9a99", False) in drawn_formats(view, 1)
    assert len(view.selection_rects()) == 2  # outlined on both lines
    shown = every_block(view)
    view.highlighter.rehighlight()  # everything drawn anew from the spans
    assert every_block(view) == shown
    key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the span over two lines goes
    assert crossing not in spans_for(article, "ana")
    assert all(fmt[2] != "#fb9a99" for n in (0, 1) for fmt in drawn_formats(view, n))
    key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the DATE is back
    assert (42, 7, "#ffff99", False) in drawn_formats(view, 0)  # back, and selected
    assert window.session.selected == Span(42, 49, "DATE", "model")
    shown = every_block(view)
    view.highlighter.rehighlight()
    assert every_block(view) == shown


def _point(view, offset):
    from tests.ui.conftest import point_of
    return point_of(view, offset)


def test_setting_a_new_text_calls_the_highlighter_for_no_block(qtbot, long_article, store):
    session, view, editor, doc_id, highlighted = long_article
    add_documents(store.id, [TextDocument("\n".join(["Another line in Paris."] * 500))])
    highlighted.clear()
    session.open(Document.select().order_by(Document.id.desc()).get().id)
    assert view.document().blockCount() == 500
    assert highlighted == []  # the 500 blocks are drawn as they are shown
    qtbot.waitUntil(lambda: view.highlighter.is_drawn(0))
    assert 0 < len(highlighted) < 40
