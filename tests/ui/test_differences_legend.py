"""The marks of the differences, explained beside the article while they show."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests.ui.conftest import TEXT, drag
from ui.article_view import SELECTION_OUTLINE


def test_the_legend_shows_with_the_differences_and_explains_each_mark(qtbot, open_window):
    window = open_window()
    window.resize(1000, 450)
    assert not window.legend.isVisible()
    qtbot.keyClick(window.article, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert window.legend.isVisible()
    words = [label.text() for label in window.legend.findChildren(QLabel) if label.text()]
    assert words == ["added: not the model's", "the model's, removed", "selected"]
    assert all(label.sizeHint().width() <= label.width()
               for label in window.legend.findChildren(QLabel))  # none cut off
    qtbot.keyClick(window.article, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert not window.legend.isVisible()


def test_the_selected_span_is_outlined_in_its_own_tint(qtbot, open_window):
    window = open_window()
    window.resize(1000, 450)
    view = window.article
    drag(qtbot, view, TEXT.index("soldiers"), TEXT.index("soldiers") + 8)
    view.viewport().repaint()  # laid out anew with the new span's tag
    [rect] = view.selection_rects()
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    edge = max((image.pixelColor(int((rect.left() + dx) * ratio), int(rect.center().y() * ratio))
                for dx in (-2, -1, 0)), key=lambda c: c.blue() - c.red())
    inside = image.pixelColor(int((rect.left() + 6) * ratio), int((rect.top() + 3) * ratio))
    assert abs(edge.blue() - SELECTION_OUTLINE.blue()) < 60 and edge.blue() > edge.red()
    person = next(label.colour for label in window.session.dataset.labels
                  if label.name == "PERSON")
    assert inside.name() == person.lower()  # the label's tint, not the selection's white
