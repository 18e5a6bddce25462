"""An import from the window, and its report: the lines the command line prints
(annotate.job_output), so the annotator sees per file the records read, documents added and
skipped, spans read and stored, and what was left out or changed and why with the first
places; or, when nothing was stored, why, in full. Options they name are named as the import
dialog names them. Plain text throughout: the lines quote file names and contents."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget,
)

from annotate.job_output import import_lines, label_map_lines
from annotate.reading import MisalignedRefusal, summary_lines
from store import jobs
from store.queries import find_dataset
from ui.background import Cancelled, Job
from ui.import_dialog import ImportDialog, ImportOptions, in_dialog_words
from ui.long_work import ImportRun, import_job, run_with_progress
from ui.panels import LabelBar

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class ImportReport(QDialog):
    """A headline, and the report's lines in a read-only plain-text box to scroll, select
    and copy."""

    def __init__(self, parent: QWidget, title: str, headline: str, lines: list[str]):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.headline = QLabel(headline, textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self.lines = QPlainTextEdit(readOnly=True)
        self.lines.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.lines.setPlainText("\n".join(lines))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.lines)
        layout.addWidget(buttons)
        self.resize(760, 420)

    def text(self) -> str:
        return self.lines.toPlainText()


def ask_for_import(window: MainWindow, paths: list[Path]) -> ImportDialog:
    """Opens the import dialog on the chosen paths; Import starts the import. Not modal to
    the application: the window stays usable."""
    dialog = ImportDialog(window, paths)
    dialog.accepted.connect(lambda: start_import(window, dialog.paths(), dialog.options))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.import_dialog = dialog
    dialog.open()
    return dialog


def start_import(window: MainWindow, paths: list[Path],
                 options: ImportOptions | None = None) -> Job:
    """Imports into the window's dataset as the command line would with these choices, then
    shows the report, adds new labels to the window, and pre-annotates new documents."""
    dataset = window.session.dataset
    run = ImportRun(list(paths), options or ImportOptions())

    def done(result) -> None:
        window.statusBar().showMessage(_in_short(result, run.reports), 10000)
        skipped = f", {result.duplicates} already there" if result.duplicates else ""
        added = (f"; labels added: {', '.join(result.labels_added)}"
                 if result.labels_added else "")
        lines = import_lines(dataset.name, run.reports, result, run.options.label_map, None)
        show_report(window, "Import finished", f"{result.added} documents added{skipped}"
                    f"{added}.", [in_dialog_words(line) for line in lines])
        if result.labels_added:
            take_new_labels(window)
        if jobs.count_to_preannotate(window.session.dataset):
            window.start_preannotation()  # first: new documents wait for their spans
        window.reload_list()

    def failed(reason: str, error: Exception | None) -> None:
        if isinstance(error, Cancelled):
            window.statusBar().showMessage("Import cancelled: nothing was stored.", 10000)
            return
        window.statusBar().showMessage("Nothing was imported: the report says why.", 10000)
        show_report(window, "Nothing was imported", "Nothing was imported.",
                    refusal_lines(reason, error, run))

    return run_with_progress(window, "Importing documents", 0,  # documents: not known yet
                             import_job(dataset, run), done, failed)


def refusal_lines(reason: str, error: Exception | None, run: ImportRun) -> list[str]:
    """Why nothing was stored, in the dialog's words: every misaligned span where those
    refused it, and, once every file was read, what each gave (as the command line says)."""
    if isinstance(error, MisalignedRefusal):
        lines = [in_dialog_words(error.summary()), ""] + error.places()
    else:
        lines = [in_dialog_words(reason)]
    if run.read_all:
        lines += ["", "What each file gave:"] + [
            in_dialog_words(line) for line in (summary_lines(run.reports)
                                               + label_map_lines(run.options.label_map))]
    return lines


def take_new_labels(window: MainWindow) -> None:
    """The import added labels to the dataset: the label bar, keys and colours take them
    (the store's label set, read again)."""
    dataset = find_dataset(window.session.dataset.name)
    if dataset is None:
        return
    window.session.dataset = dataset
    bar = LabelBar(window.editor)
    window.insertToolBar(window.label_bar, bar)
    window.removeToolBar(window.label_bar)
    window.label_bar.deleteLater()
    window.label_bar = bar
    window.article.highlighter.set_labels(dataset.labels)
    window.spans.list_model.set_labels(dataset.labels)


def show_report(window: MainWindow, title: str, headline: str,
                lines: list[str]) -> ImportReport:
    if getattr(window, "import_report", None) is not None:
        window.import_report.close()  # one report at a time: the latest import's
    report = ImportReport(window, title, headline, lines)
    window.import_report = report
    report.show()
    return report


def _in_short(result, reports: list) -> str:
    """The status bar's line: documents added, and spans changed or left out."""
    skipped = f", {result.duplicates} already there" if result.duplicates else ""
    changed = sum(sum(r.changed.values()) for r in reports)
    left_out = sum(sum(r.left_out.values()) for r in reports)
    notes = (f"; {changed} spans off token boundaries changed" if changed else "") + (
        f"; {left_out} spans left out" if left_out else "")
    return f"{result.added} documents added{skipped}{notes}."
