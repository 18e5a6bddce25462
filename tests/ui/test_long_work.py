"""Import, pre-annotation and export from the window, off the UI thread, cancellable."""
import pytest
import spacy
from PySide6.QtWidgets import QMessageBox
from spacy.tokens import DocBin

from annotate.document import TextDocument
from store.models import Annotation, Document
from store.queries import add_documents, spans_for
from tests.conftest import SAMPLES
from ui.main_window import MainWindow


@pytest.fixture
def warnings(monkeypatch):
    """Message boxes would wait for a click; the test reads what they would say."""
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    return shown


@pytest.fixture
def window(qtbot, store, settings):
    window = MainWindow(store, "ana", settings)
    qtbot.addWidget(window)
    window.show()
    return window


def predicted_documents() -> int:
    return Annotation.select().where(Annotation.annotator.is_null()).count()


def test_import_then_preannotate_from_the_window(qtbot, window, warnings):
    with qtbot.waitSignal(window.start_import([SAMPLES / "01-harbour-flood.txt",
                                               SAMPLES / "03-marathon.txt"]).signals.finished,
                          timeout=30_000):
        pass  # the job is held by nobody here: it must still report back
    assert warnings == []
    assert window.documents.rowCount() == 2
    qtbot.waitUntil(lambda: predicted_documents() == 2 and not window.preannotating,
                    timeout=120_000)
    assert len(window.session.spans) > 10  # the open document shows the model's spans


def test_a_bad_file_is_reported_and_nothing_is_stored(qtbot, window, warnings, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{oops\n')
    job = window.start_import([SAMPLES / "02-budget-vote.txt", bad])
    with qtbot.waitSignal(job.signals.failed, timeout=30_000):
        pass
    assert window.import_report.windowTitle() == "Nothing was imported"
    assert "bad.jsonl:2: not valid JSON" in window.import_report.text()
    assert warnings == [] and Document.select().count() == 0


def test_cancelling_preannotation_keeps_whole_batches_only(qtbot, window, store, warnings):
    add_documents(store.id, [TextDocument(f"Report {i}: 300 people in Lyon on Monday.")
                             for i in range(40)])
    job = window.start_preannotation()
    job.signals.progressed.connect(lambda done: job.cancel())  # after the first batch
    with qtbot.waitSignal(job.signals.failed, timeout=120_000):
        pass
    predicted = predicted_documents()
    assert 0 < predicted < 40 and predicted % 16 == 0  # whole batches, no half-written one
    for annotation in Annotation.select().where(Annotation.annotator.is_null()):
        assert spans_for(annotation.document_id)  # each one complete: number and place
    assert "cancelled" in warnings[0] and not window.preannotating


def test_export_from_the_window_writes_accepted_documents(qtbot, window, store, tmp_path):
    add_documents(store.id, [TextDocument("Lyon welcomed 300 visitors.")])
    window.reload_list()
    window.accept()
    out = tmp_path / "gold.spacy"
    with qtbot.waitSignal(window.start_export(out).signals.finished, timeout=30_000):
        pass
    [doc] = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
    assert doc.text == "Lyon welcomed 300 visitors."
    assert "Wrote 1 documents" in window.statusBar().currentMessage()
