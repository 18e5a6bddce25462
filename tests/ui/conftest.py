"""A real store with one pre-annotated article, and the editing widgets around it."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from annotate.document import TextDocument
from annotate.spans import Span
from store.models import Document
from store.queries import add_documents, save_predictions
from ui.article_view import ArticleView
from ui.editor import Editor
from ui.session import AnnotationSession

TEXT = ("Well over 7,500 people marched in Lyon on Tuesday.\n"
        "Eight soldiers and <b>21</b> people were killed.")
PREDICTED = [Span(0, 15, "CARDINAL", "model", 7500.0), Span(34, 38, "PERSON", "model"),
             Span(42, 49, "DATE", "model")]


@pytest.fixture
def article(store):
    add_documents(store.id, [TextDocument(TEXT)])
    doc_id = Document.get().id
    save_predictions([(doc_id, PREDICTED)])
    return doc_id


@pytest.fixture
def editing(qtbot, store, article):
    session = AnnotationSession(store, "ana")
    view = ArticleView(session)
    editor = Editor(session)
    view.span_drawn.connect(editor.draw)
    view.offset_clicked.connect(editor.click)
    qtbot.addWidget(view)
    view.resize(700, 300)
    view.show()
    qtbot.waitExposed(view)
    session.open(article)
    return session, view, editor


def point_of(view: ArticleView, offset: int, after: bool = False) -> QPoint:
    """The viewport point at a character: its left edge, or its right edge with after."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(offset + 1 if after else offset)
    rect = view.cursorRect(cursor)
    return QPoint(rect.x() + (-1 if after else 1), rect.center().y())


def drag(qtbot, view: ArticleView, start: int, end: int) -> None:
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=point_of(view, start))
    qtbot.mouseMove(viewport, point_of(view, end - 1, after=True))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=point_of(view, end - 1, after=True))


MORE = ["Paris police counted 12,000 marchers on Friday.",
        "Rome said 300 buses ran late on Sunday."]


@pytest.fixture
def settings(tmp_path):
    from PySide6.QtCore import QSettings
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def open_window(qtbot, store, article, settings):
    """Opens a main window on the store, first document selected; call again to reopen."""
    from ui.main_window import MainWindow

    add_documents(store.id, [TextDocument(text) for text in MORE])
    save_predictions([(d.id, []) for d in Document.select().where(Document.id != article)])

    def open_() -> "MainWindow":
        window = MainWindow(store, "ana", settings)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        with qtbot.waitActive(window):  # shortcuts reach the active window only
            window.activateWindow()
        window.table.selectRow(0)
        window.article.setFocus()
        return window

    return open_


def active_window(qtbot, dataset, annotator: str, settings):
    """A main window shown and active (keys reach it), on its first row."""
    from ui.main_window import MainWindow

    window = MainWindow(dataset, annotator, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    window.table.selectRow(0)
    return window
