"""The window's long work: import, pre-annotation and export, each handler asking for a
path and its start_ method doing the work off the UI thread (ui.long_work)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from store import jobs
from store.queries import held_back
from ui.background import Job
from ui.import_dialog import FILE_TYPES, ImportOptions
from ui.import_report import ask_for_import, start_import as run_import
from ui.long_work import SAMPLES, export_job, preannotate_job, run_with_progress


class LongWorkHandlers:
    """Mixed into MainWindow: its session, status bar and reload_list are used here."""

    def import_documents(self) -> None:
        """Files first, then the import dialog (more files or folders, and the choices)."""
        paths, _ = QFileDialog.getOpenFileNames(self, "Import documents", "", FILE_TYPES)
        if paths:
            ask_for_import(self, [Path(p) for p in paths])

    def start_import(self, paths: list[Path], options: ImportOptions | None = None) -> Job:
        return run_import(self, paths, options)  # see ui.import_report

    def load_samples(self) -> Job:
        """The project's sample articles into this dataset (texts already there are
        skipped), pre-annotated after."""
        return self.start_import([SAMPLES])

    def preannotate_documents(self) -> None:
        if not jobs.count_to_preannotate(self.session.dataset):
            self.statusBar().showMessage("Every document is pre-annotated already.", 6000)
            return
        self.start_preannotation()

    def start_preannotation(self) -> Job:
        def done(summary) -> None:
            self.statusBar().showMessage(f"{summary.documents} documents pre-annotated.", 8000)
            self.reload_list()

        self.preannotating = True
        job = run_with_progress(self, "Pre-annotating documents",
                                jobs.count_to_preannotate(self.session.dataset),
                                preannotate_job(self.session.dataset), done)
        for signal in (job.signals.finished, job.signals.failed):
            signal.connect(lambda *_: setattr(self, "preannotating", False))
        return job

    def export_documents(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export accepted documents", "gold.spacy",
            "spaCy DocBin (*.spacy);;Prodigy JSONL (*.jsonl);;Label Studio JSON (*.json);;"
            "CoNLL, IOB2 (*.conll)")
        if path:
            self.start_export(Path(path))

    def start_export(self, out: Path) -> Job:
        def done(reports) -> None:
            written = sum(r.documents for r in reports.values())
            misaligned = sum(len(r.misaligned) for r in reports.values())
            note = f"; {misaligned} spans off token boundaries were left out" if misaligned else ""
            held = held_back(self.session.dataset.id)
            if held:
                note += (f"; {len(held)} documents were held back (disagreements to adjudicate "
                         "or failed reviews: see QA > Adjudicate)")
            self.statusBar().showMessage(f"Wrote {written} documents to {out}{note}.", 10000)
        return run_with_progress(self, "Exporting accepted documents", 0,
                                 export_job(self.session.dataset, out), done)
