"""Below the span list, read-only: the relations and notes the source file had, resolved to
the spans as they stand; a click selects the first span a row points at."""
import pytest
from PySide6.QtCore import Qt

from annotate.document import TextDocument
from annotate.formats.brat import read_brat
from annotate.formats.doccano import read_doccano
from store.models import Document
from store.queries import add_documents, save_predictions
from tests.conftest import ROOT
from ui.main_window import MainWindow

DATA = ROOT / "tests" / "data"


@pytest.fixture
def window(qtbot, store, settings):
    """Documents from doccano's relation export and brat, and a plain one; the first
    (doccano's) open."""
    documents = [*read_doccano(DATA / "doccano" / "relations.jsonl"),
                 *read_brat(DATA / "brat" / "corpus", discontinuous="split")]
    add_documents(store.id, [documents[0], documents[3], TextDocument("Rain in Lyon.")])
    # The imported ones have the file's spans as predictions; the plain one none yet.
    save_predictions([(doc.id, []) for doc in Document.select()
                      if doc.text == "Rain in Lyon."])
    window = MainWindow(store, "ana", settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.table.selectRow(0)
    return window


def rows(window) -> list[str]:
    shown = window.extras.list
    return [shown.item(i).text() for i in range(shown.count())]


def faded(window) -> list[bool]:
    shown = window.extras.list
    return [shown.item(i).foreground().style() != Qt.BrushStyle.NoBrush
            for i in range(shown.count())]


def click_row(qtbot, window, row: int) -> None:
    shown = window.extras.list
    rect = shown.visualItemRect(shown.item(row))
    qtbot.mouseClick(shown.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_doccano_relations_show_with_their_spans_and_a_click_selects_one(qtbot, window):
    assert window.extras.isVisible()
    assert window.extras.title.text() == "Relations and notes from the source (2)"
    assert rows(window) == ["GPE 'Lyon' —located_in→ GPE 'France'",
                            "PERSON 'Ada Lovelace' —mentions→ GPE 'Lyon'"]
    click_row(qtbot, window, 1)
    selected = window.session.selected
    assert (selected.start, selected.end, selected.label) == (24, 36, "PERSON")
    assert window.spans.currentIndex().row() == 2  # the span list follows


def test_a_deleted_span_shows_as_gone_and_undo_brings_it_back(qtbot, window):
    click_row(qtbot, window, 0)  # Lyon
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_Delete)
    assert rows(window) == [
        "GPE 'Lyon' (no longer a span) —located_in→ GPE 'France'",
        "PERSON 'Ada Lovelace' —mentions→ GPE 'Lyon' (no longer a span)"]
    assert faded(window) == [True, True]  # neither would be exported now
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert rows(window)[0] == "GPE 'Lyon' —located_in→ GPE 'France'"
    assert faded(window) == [False, False]


def test_brat_lines_show_as_read_and_a_plain_document_shows_none(qtbot, window):
    window.table.selectRow(1)
    assert window.session.text.startswith("Floods hit Lyon")
    assert rows(window) == ["R1  Near Arg1:T1 Arg2:T2", "M1  Uncertain T4",
                            "#1  AnnotatorNotes T4  from the evening bulletin"]
    assert window.extras.list.item(0).toolTip() == "brat: T1 = GPE 'Lyon'; T2 = GPE 'Lille'"
    click_row(qtbot, window, 2)
    assert window.session.selected.text(window.session.text) == "21"
    window.table.selectRow(2)
    assert window.session.text == "Rain in Lyon." and not window.extras.isVisible()


def test_partial_work_says_so_and_lists_its_rejected_suggestions(qtbot, store, settings):
    from annotate.spans import Span
    from store.queries import add_annotations

    text = "Anna Smith met officials in Homs on Monday."
    add_annotations(store.id, [TextDocument(text, (Span(0, 10, "PERSON"),), status="accepted",
                                            rejected=(Span(28, 32, "PERSON"),))], "ana")
    window = MainWindow(store, "ana", settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: window.extras.isVisible())
    shown = rows(window)
    assert shown[0].startswith("Partial annotation: only its spans are known")
    assert shown[1:] == ["rejected: PERSON 'Homs'"]
