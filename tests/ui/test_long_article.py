"""A 2,000,000-character article, twice spaCy's max_length, in the window: it opens from its
stored tokens and takes edits by mouse and keys at its end as at its start."""
from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt

from annotate.document import TextDocument
from annotate.spans import Span
from store.models import Document
from store.queries import add_documents, save_predictions, spans_for
from tests.ui.conftest import active_window, drag, point_of

PARAGRAPH = "Crowds of 7,500 marched in Lyon on Tuesday, police said. They went home.\n\n"
PARAGRAPHS = 2_000_000 // len(PARAGRAPH) + 1
TEXT = PARAGRAPH * PARAGRAPHS


def in_paragraph(number: int, word: str) -> int:
    return number * len(PARAGRAPH) + PARAGRAPH.index(word)


@pytest.fixture
def long_window(qtbot, store, settings):
    add_documents(store.id, [TextDocument(TEXT)])
    doc_id = Document.get().id
    lyon = PARAGRAPH.index("Lyon")
    save_predictions([(doc_id, [Span(i * len(PARAGRAPH) + lyon, i * len(PARAGRAPH) + lyon + 4,
                                     "GPE", "model") for i in range(PARAGRAPHS)])])
    began = time.perf_counter()
    window = active_window(qtbot, store, "ana", settings)
    qtbot.waitUntil(lambda: window.article.highlighter.is_drawn(0))
    window.opened_in = time.perf_counter() - began
    window.article.setFocus()
    return window, doc_id


def test_a_two_million_character_article_opens_and_takes_edits_at_its_end(qtbot, long_window):
    window, doc_id = long_window
    view = window.article
    assert len(TEXT) > 2_000_000 and window.session.text == TEXT
    assert window.session.tokens is not None and len(window.session.spans) == PARAGRAPHS
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    last = PARAGRAPHS - 1
    qtbot.waitUntil(lambda: view.highlighter.is_drawn(2 * last))  # a block per line
    window.editor.active_label = "EVENT"
    drag(qtbot, view, in_paragraph(last, "marched"), in_paragraph(last, "marched") + 7)
    marched = Span(in_paragraph(last, "marched"), in_paragraph(last, "marched") + 7, "EVENT")
    assert marched in spans_for(doc_id, "ana")
    lyon = Span(in_paragraph(last, "Lyon"), in_paragraph(last, "Lyon") + 4, "GPE")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=point_of(view, lyon.start + 1))
    assert window.session.selected == lyon
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    stored = spans_for(doc_id, "ana")
    assert lyon not in stored and marched in stored and len(stored) == PARAGRAPHS
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert lyon in spans_for(doc_id, "ana")
    print(f"opened a {len(TEXT):,}-character article in {window.opened_in:.2f} s")
