"""Label names at a glance: a tag at each span's end, in its label's tint."""
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from tests.ui.conftest import TEXT, drag


def spaced(view, block_number=0):
    """(start, length) of the format ranges of a block that leave room for a tag."""
    block = view.document().findBlockByNumber(block_number)
    return [(r.start, r.length) for r in block.layout().formats()
            if r.format.fontLetterSpacingType() == QFont.SpacingType.AbsoluteSpacing
            and r.format.fontLetterSpacing() > 0]


def test_each_span_shows_its_label_name_at_its_end(qtbot, open_window):
    window = open_window()
    window.resize(1000, 450)
    view = window.article
    qtbot.waitUntil(lambda: view.highlighter.is_drawn(1))
    shown = {span.label: rect for span, rect in view.tag_rects()}
    assert set(shown) == {"CARDINAL", "PERSON", "DATE"}  # the three spans of the first line
    assert spaced(view) == [(14, 1), (37, 1), (48, 1)]  # room after "7,500", "Lyon", "Tuesday"
    assert all(0 < rect.height() < 40 and rect.width() > 10 for rect in shown.values())
    # the tag sits after its span's last character, before the next word
    before_on = view.cursorRect(_cursor(view, TEXT.index(" on Tuesday"))).left()
    assert shown["PERSON"].right() <= before_on


def test_a_new_span_gets_its_tag_and_the_view_menu_turns_tags_off(qtbot, open_window, settings):
    window = open_window()
    window.resize(1000, 450)
    view = window.article
    drag(qtbot, view, TEXT.index("soldiers"), TEXT.index("soldiers") + 8)
    qtbot.waitUntil(lambda: [s.label for s, _ in view.tag_rects()
                             if s.start == TEXT.index("soldiers")] == ["PERSON"])  # once painted
    qtbot.keyClick(view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert view.tag_rects() == [] and spaced(view) == [] and spaced(view, 1) == []
    assert settings.value("view/label_names", type=bool) is False  # remembered


def _cursor(view, offset):
    from PySide6.QtGui import QTextCursor
    cursor = QTextCursor(view.document())
    cursor.setPosition(offset)
    return cursor
