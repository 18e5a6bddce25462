"""Text from data shows as typed: markup in an article, a name, a file name or an error is
never read as rich text (nothing bold, no image loaded), in every view that shows it."""
import pytest
from PySide6.QtCore import QEvent, QPoint, QTimer
from PySide6.QtGui import QColor, QHelpEvent, QImage, Qt, QTextDocument  # Qt: with mightBeRichText
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QToolBar, QToolButton, QToolTip

from annotate.document import TextDocument
from annotate.spans import Span
from store.models import Document
from store.queries import add_documents, save_annotation, save_predictions
from tests.ui.conftest import TEXT, active_window, drag
from ui.main_window import MainWindow
from ui.plain import literal


@pytest.fixture
def markup(tmp_path) -> str:
    """Bold, an entity and a local image that would load if read as HTML."""
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    path = tmp_path / "x.png"
    image.save(str(path))
    return f'<img src="{path.as_uri()}"> <b>bold</b> &amp; more'


def shown(text: str) -> str:
    """What a tooltip or message box shows: Qt's own guess at the format, then the text."""
    document = QTextDocument()
    if Qt.mightBeRichText(text):
        document.setHtml(text)
    else:
        document.setPlainText(text)
    return document.toPlainText()


def hover(widget, at: QPoint) -> str:
    QToolTip.hideText()
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, at, widget.mapToGlobal(at)))
    return QToolTip.text()


def test_the_check_would_catch_markup(qapp, markup):
    assert "\ufffc" in shown(markup) and "<b>" not in shown(markup)  # the image, read as HTML
    for text in (markup, f"ana {markup}", "a  b\n<b>c</b>\tend  ", "plain  text", ""):
        assert shown(literal(text)) == text
    assert literal("CARDINAL = 7500  (model)") == "CARDINAL = 7500  (model)"  # no markup: as is


@pytest.fixture
def marked_window(qtbot, store, article, settings, markup):
    """A window opened by an annotator whose name is markup, on a document whose first line
    is markup (after the conftest article, whose text holds "<b>21</b>")."""
    add_documents(store.id, [TextDocument(f"{markup}\nWell over 7,500 people marched.")])
    save_predictions([(d.id, []) for d in Document.select().where(Document.id != article)])
    window = MainWindow(store, f"ana {markup}", settings)
    qtbot.addWidget(window)
    window.resize(1100, 600)
    window.show()
    qtbot.waitExposed(window)
    window.table.selectRow(1)
    return window


def test_the_document_list_tooltip_and_the_article_show_markup_as_typed(
        qtbot, marked_window, markup):
    window = marked_window
    table = window.table
    cell = table.visualRect(window.documents.index(1, 1)).center()
    assert shown(hover(table.viewport(), cell)) == markup
    assert window.documents.data(window.documents.index(1, 1)) == markup  # display: plain
    assert window.article.toPlainText().startswith(markup)


def test_names_and_span_tooltips_show_markup_as_typed(qtbot, marked_window, markup):
    window = marked_window
    name = f"ana {markup}"
    labels = {label.text(): label for label in window.statusBar().findChildren(QLabel)}
    annotator = labels[f"Annotator: {name}"]
    assert annotator.textFormat() == Qt.TextFormat.PlainText
    assert window.showing_label.textFormat() == Qt.TextFormat.PlainText

    window.editor.active_label = "CARDINAL"
    start = window.session.text.index("7,500")
    drag(qtbot, window.article, start, start + 5)
    assert Span(start, start + 5, "CARDINAL", name, 7500.0) in window.session.spans
    row = window.spans.list_model.index(0)
    tip = hover(window.spans.viewport(), window.spans.visualRect(row).center())
    assert shown(tip) == f"{start}-{start + 5}, from {name}"

    view = window.article
    cursor = view.textCursor()
    cursor.setPosition(start + 2)
    at = view.cursorRect(cursor).center()
    assert shown(hover(view.viewport(), at)) == f"CARDINAL = 7500  ({name})"

    window.session.open(window.session.document_id, f"<b>ben</b> {markup}")
    assert window.showing_label.text() == f"<b>ben</b> {markup}'s annotation"


def test_the_not_saved_message_shows_markup_as_typed(qtbot, marked_window, markup):
    window = marked_window
    text = f"Add GPE {markup!r} was not saved: database is locked"
    seen = {}

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        label = box.findChild(QLabel, "qt_msgbox_label")
        seen.update(title=box.windowTitle(), text=shown(label.text()))
        box.done(QMessageBox.StandardButton.Ok)

    QTimer.singleShot(0, read_and_close)
    window.session.problem.emit(text)
    assert seen == {"title": "Not saved", "text": text}
    assert window.statusBar().currentMessage() == text  # the status bar draws plain text


def test_a_failed_import_quotes_the_file_name_as_typed(qtbot, marked_window, tmp_path):
    bad = tmp_path / "<b>bad <img src=x.png>.jsonl"
    bad.write_text("{oops\n")
    job = marked_window.start_import([bad])
    with qtbot.waitSignal(job.signals.failed, timeout=30_000):
        pass
    report = marked_window.import_report
    assert report.headline.textFormat() == Qt.TextFormat.PlainText
    assert f"{bad}:1: not valid JSON" in report.text()  # a plain-text box: never markup


def test_undo_names_a_settled_conflict_as_typed(qtbot, store, article, settings):
    """Adjudicating "<b>21</b>": the toolbar's undo button names it, and its tooltip does
    not read the text as markup."""
    start = TEXT.index("<b>21</b>")
    save_annotation(article, "ana", [Span(start, start + 9, "CARDINAL", "ana")], "accepted")
    save_annotation(article, "ben", [], "accepted")
    window = active_window(qtbot, store, "rita", settings)
    qtbot.keyClick(window.article, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.article, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    undo = window.actions_by_id["undo"]
    assert undo.text() == "&Undo Settle '<b>21</b>'"
    toolbar = next(t for t in window.findChildren(QToolBar) if t.objectName() == "document")
    button = next(b for b in toolbar.findChildren(QToolButton) if b.text() == "Undo")
    assert shown(hover(button, button.rect().center())) == "Undo Settle '<b>21</b>'"
    conflict = window.qa.adjudication.conflicts.topLevelItem(0)
    assert conflict.text(0) == f"'<b>21</b>' ({start}-{start + 9})"  # an item's text: plain
