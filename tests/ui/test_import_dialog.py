"""File > Import offers the command line's choices, with its defaults, and the window shows
the command line's per-file report, or in full why nothing was stored."""
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotate.formats.brat import DISCONTINUOUS_CHOICES
from annotate.formats.checks import MISALIGNED_CHOICES
from store.models import Document
from store.queries import find_dataset, spans_for
from tests.conftest import ROOT
from ui.import_dialog import ImportOptions
from ui.main_window import MainWindow

DATA = ROOT / "tests" / "data"
CLICK = Qt.MouseButton.LeftButton


@pytest.fixture
def window(qtbot, store, settings, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: pytest.fail(f"warning: {a}"))
    window = MainWindow(store, "ana", settings)
    qtbot.addWidget(window)
    window.show()
    return window


def open_import_dialog(qtbot, window, monkeypatch, *paths: Path):
    """File > Import with these files chosen: the import dialog, open."""
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(p) for p in paths], ""))
    window.actions_by_id["import_documents"].trigger()
    dialog = window.import_dialog
    qtbot.waitExposed(dialog)
    return dialog


def click_import(qtbot, window, dialog) -> None:
    """Import, then wait for the job to end either way, and for the pre-annotation that
    follows an import to end (before its window goes)."""
    qtbot.mouseClick(dialog.import_button, CLICK)
    qtbot.waitUntil(lambda: window.import_report is not None, timeout=30_000)
    qtbot.waitUntil(lambda: not window.preannotating, timeout=120_000)


def tick(qtbot, box) -> None:
    qtbot.mouseClick(box, CLICK, pos=QPoint(6, box.height() // 2))  # on its box
    assert box.isChecked()


def misaligned_corpus(path: Path, records: int = 1) -> Path:
    """Records with a span inside the token `CD4+` (misaligned) and one on `Lyon`."""
    path.write_text("".join(json.dumps({
        "text": f"CD4+ cells rose in Lyon ({n}).",
        "spans": [{"start": 0, "end": 2, "label": "ORG"},
                  {"start": 19, "end": 23, "label": "GPE"}]}) + "\n" for n in range(records)))
    return path


def test_the_dialog_offers_the_command_lines_choices_with_its_defaults(
        qtbot, window, monkeypatch, tmp_path):
    text = tmp_path / "article.txt"
    text.write_text("Rain in Lyon.")
    dialog = open_import_dialog(qtbot, window, monkeypatch, text)
    assert dialog.paths() == [text]
    combos = (dialog.misaligned, dialog.discontinuous)
    assert [[box.itemData(i) for i in range(box.count())] for box in combos] == [
        list(MISALIGNED_CHOICES), list(DISCONTINUOUS_CHOICES)]
    assert [dialog.doc_sep.itemData(i) for i in range(dialog.doc_sep.count())] == [
        None, "docstart", "blank-lines", "every"]
    assert not dialog.add_labels.isChecked() and dialog.label_map.text() == ""
    click_import(qtbot, window, dialog)
    assert dialog.options == ImportOptions()  # the command line's defaults, as chosen
    report = window.import_report
    assert report.windowTitle() == "Import finished"
    assert report.headline.text() == "1 documents added."
    assert report.text().splitlines() == [
        f"{text}: txt, 1 documents", "  stored: 1 documents added, 0 already there",
        "default: 1 documents added"]


def test_misaligned_spans_skipped_as_chosen_and_the_report_says_where(
        qtbot, window, monkeypatch, tmp_path):
    corpus = misaligned_corpus(tmp_path / "bionlp.jsonl")
    dialog = open_import_dialog(qtbot, window, monkeypatch, corpus)
    qtbot.keyClicks(dialog.misaligned, "s")  # the keyboard picks "skip: leave it out"
    assert dialog.misaligned.currentData() == "skip"
    click_import(qtbot, window, dialog)
    assert "1 documents added; 1 spans left out." in window.statusBar().currentMessage()
    assert window.import_report.text().splitlines()[:3] == [
        f"{corpus}: jsonl, 1 documents, 2 spans read, 1 kept",
        f"  1 misaligned, left out: {corpus}:1 [CD]4+ cells ros",
        "  stored: 1 documents added, 0 already there"]
    [document] = Document.select()
    assert [(s.start, s.end, s.label) for s in spans_for(document.id)] == [(19, 23, "GPE")]


def test_a_misaligned_refusal_lists_every_span_not_only_the_first(
        qtbot, window, monkeypatch, tmp_path):
    corpus = misaligned_corpus(tmp_path / "bionlp.jsonl", records=25)
    dialog = open_import_dialog(qtbot, window, monkeypatch, corpus)
    click_import(qtbot, window, dialog)
    report = window.import_report
    lines = report.text().splitlines()
    assert report.windowTitle() == "Nothing was imported"
    assert lines[0] == (f"{corpus}: 25 spans do not start and end on token boundaries. "
                        "Nothing was imported; choose keep, expand, contract or skip under "
                        "“Spans off token boundaries” in the import dialog")
    assert lines[2:] == [f"{corpus}:{n}: ORG 0-2 '[CD]4+ cells ros'" for n in range(1, 26)]
    assert Document.select().count() == 0
    assert window.statusBar().currentMessage() == "Nothing was imported: the report says why."


def test_labels_outside_the_set_point_at_the_dialogs_choice_then_are_added(
        qtbot, window, monkeypatch):
    wnut = DATA / "conll" / "wnut17.conll"
    dialog = open_import_dialog(qtbot, window, monkeypatch, wnut)
    click_import(qtbot, window, dialog)
    refusal = window.import_report.text()
    assert "add them to the set with “Add labels the dataset lacks to its label set” in the " \
           "import dialog, or rename or drop them with the “Label map” in the import dialog" \
        in refusal
    assert "--add-labels" not in refusal and "--label-map" not in refusal
    assert f"{wnut}: conll (IOB2 tags; a document per blank-line block (“A CoNLL document " \
           "ends” in the import dialog changes it)), 3 documents, 5 spans read, 5 kept" in refusal
    assert Document.select().count() == 0

    window.import_report = None
    dialog = open_import_dialog(qtbot, window, monkeypatch, wnut)
    tick(qtbot, dialog.add_labels)
    qtbot.keyClicks(dialog.doc_sep, "e")  # "every N sentences"
    dialog.sentences.clear()
    qtbot.keyClicks(dialog.sentences, "3")
    click_import(qtbot, window, dialog)
    assert dialog.options.add_labels and dialog.options.doc_sep == 3
    report = window.import_report.text()
    added = find_dataset("default").labels[14:]
    assert added and f"default: labels added to the label set: " \
        f"{', '.join(label.name for label in added)}" in report
    assert Document.select().count() == 1  # three sentences to a document: one
    bar = [action.text().split(" ", 1)[1] for action in window.label_bar.actions()]
    assert bar[14:] == [label.name for label in added]  # the window can use them at once


def test_a_label_map_that_does_not_read_keeps_the_dialog_open(qtbot, window, monkeypatch,
                                                              tmp_path):
    corpus = tmp_path / "news.jsonl"
    corpus.write_text(json.dumps({"text": "Acme hired Ann in Lyon.", "spans": [
        {"start": 0, "end": 4, "label": "ORG"}, {"start": 18, "end": 22, "label": "GPE"}]}))
    dialog = open_import_dialog(qtbot, window, monkeypatch, corpus)
    qtbot.keyClicks(dialog.label_map, "GPE")
    qtbot.mouseClick(dialog.import_button, CLICK)
    assert dialog.isVisible()
    assert dialog.problem.text() == ("The label map does not read: pair 1 ('GPE') is not "
                                     "OLD=NEW, and no file 'GPE' exists")
    qtbot.keyClicks(dialog.label_map, "=,ORG=")  # GPE=,ORG=: both dropped
    assert dialog.problem.text() == ""
    click_import(qtbot, window, dialog)
    lines = window.import_report.text().splitlines()
    # The command line's lines, naming the dialog's choice where they name its option.
    assert "the “Label map” in the import dialog left out 1 GPE spans" in lines
    assert "the “Label map” in the import dialog left out 1 ORG spans" in lines
    [document] = Document.select()
    assert spans_for(document.id) == []


def test_a_brat_folder_added_in_the_dialog_splits_discontinuous_spans(
        qtbot, window, monkeypatch, tmp_path):
    text = tmp_path / "article.txt"
    text.write_text("Rain in Lyon.")
    dialog = open_import_dialog(qtbot, window, monkeypatch, text)
    corpus = DATA / "brat" / "corpus"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(corpus))
    add_folder = next(b for b in dialog.findChildren(type(dialog.import_button))
                      if b.text() == "Add folder…")
    qtbot.mouseClick(add_folder, CLICK)
    dialog.files.setCurrentRow(0)
    remove = next(b for b in dialog.findChildren(type(dialog.import_button))
                  if b.text() == "Remove")
    qtbot.mouseClick(remove, CLICK)
    assert dialog.paths() == [corpus]
    qtbot.keyClicks(dialog.discontinuous, "sp")  # "split: one span per fragment"
    tick(qtbot, dialog.add_labels)
    click_import(qtbot, window, dialog)
    report = window.import_report.text()
    assert dialog.options.discontinuous == "split"
    assert f"{corpus}: brat, 2 documents" in report
    assert "1 × discontinuous span split" in report
    assert "  stored: 2 documents added, 0 already there" in report


def test_a_cancelled_import_says_nothing_was_stored(qtbot, window, tmp_path):
    many = tmp_path / "many.jsonl"
    many.write_text("".join(json.dumps({"text": f"Report {n} from Lyon."}) + "\n"
                            for n in range(5000)))
    job = window.start_import([many])
    job.signals.progressed.connect(lambda _: job.cancel())
    with qtbot.waitSignal(job.signals.failed, timeout=30_000):
        pass
    assert window.statusBar().currentMessage() == "Import cancelled: nothing was stored."
    assert window.import_report is None and Document.select().count() == 0
