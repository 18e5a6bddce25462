"""Tokens made by another spaCy are made anew in the background when the window opens: a
page per transaction, said in the status bar, the window usable meanwhile, and a close
halfway keeps the pages done."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from store import tokens as stored_tokens
from annotate.document import TextDocument
from annotate.spans import Span
from annotate.stored_tokens import spacy_version
from store.models import Document
from store.queries import add_documents, save_predictions, spans_for
from store.tokens import count_stale
from tests.ui.conftest import TEXT, active_window, drag

OTHERS = 450
PAGE = 100


@pytest.fixture
def stale_store(store, monkeypatch):
    """The conftest article first, then many more, all tokenized by an older spaCy."""
    add_documents(store.id, [TextDocument(TEXT)] + [
        TextDocument(f"Report {i}: {i} people marched in Lyon.") for i in range(OTHERS)])
    save_predictions([(d.id, []) for d in Document.select()])
    Document.update(tokenizer="spacy-0.0-en").execute()
    monkeypatch.setattr(stored_tokens, "PAGE", PAGE)
    return store


@pytest.fixture
def held_at_second_page(monkeypatch):
    """Holds the background work before it tokenizes its second page, until released."""
    reached, release = threading.Event(), threading.Event()
    real = stored_tokens.packed_tokens
    pages = []

    def held(texts, known):
        pages.append(len(texts))
        if len(pages) == 2:
            reached.set()
            release.wait(30)
        return real(texts, known)

    monkeypatch.setattr(stored_tokens, "packed_tokens", held)
    return reached, release


def open_window(qtbot, dataset, settings):
    window = active_window(qtbot, dataset, "ana", settings)
    window.article.setFocus()
    return window


def test_stale_tokens_are_made_anew_while_the_annotator_works(
        qtbot, stale_store, settings, held_at_second_page, tmp_path):
    reached, release = held_at_second_page
    total = OTHERS + 1
    assert count_stale() == total
    window = open_window(qtbot, stale_store, settings)
    label = window.retokenizing.label
    qtbot.waitUntil(reached.is_set)
    qtbot.waitUntil(lambda: label.text().endswith(f"({PAGE} so far)"))
    assert label.text() == (f"Re-tokenizing {total} documents for spaCy {spacy_version()}… "
                            f"({PAGE} so far)")
    assert count_stale() == total - PAGE  # the first page is committed
    qtbot.wait(200)  # the status bar lays out its new text
    window.grab().save(str(tmp_path / "retokenizing.png"))  # to look at

    # The window is usable meanwhile: an edit by mouse is stored.
    article = window.session.document_id
    window.editor.active_label = "EVENT"
    drag(qtbot, window.article, TEXT.index("marched"), TEXT.index("marched") + 7)
    assert Span(23, 30, "EVENT") in spans_for(article, "ana")

    release.set()
    qtbot.waitUntil(lambda: count_stale() == 0, timeout=30_000)
    qtbot.waitUntil(lambda: window.retokenizing.finished)
    assert label.text() == (f"Tokens ready for spaCy {spacy_version()}: {total} documents "
                            "re-tokenized.")
    assert label.isVisible()
    qtbot.wait(200)  # the status bar lays out its new text
    window.grab().save(str(tmp_path / "retokenized.png"))
    assert Span(23, 30, "EVENT") in spans_for(article, "ana")  # nothing lost
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert Span(23, 30, "EVENT") not in spans_for(article, "ana")


def test_closing_the_window_halfway_keeps_the_pages_done(
        qtbot, stale_store, settings, held_at_second_page):
    reached, release = held_at_second_page
    window = open_window(qtbot, stale_store, settings)
    qtbot.waitUntil(reached.is_set)
    threading.Timer(0.3, release.set).start()  # the page in hand ends while the window waits
    window.close()  # waits for that page's commit, then the work stops
    assert count_stale() == OTHERS + 1 - 2 * PAGE
    assert not window.retokenizing.finished  # stopped, not finished, and nothing raised

    reopened = open_window(qtbot, stale_store, settings)  # the next start does the rest
    qtbot.waitUntil(lambda: reopened.retokenizing.finished, timeout=30_000)
    assert count_stale() == 0
    assert f"{OTHERS + 1 - 2 * PAGE} documents re-tokenized" in reopened.retokenizing.label.text()


def test_nothing_is_said_when_the_tokens_are_current(qtbot, store, settings):
    add_documents(store.id, [TextDocument(TEXT)])
    window = open_window(qtbot, store, settings)
    qtbot.waitUntil(lambda: window.retokenizing.finished)
    assert window.retokenizing.stale == 0 and not window.retokenizing.label.isVisible()
