"""Import, pre-annotation and export from the window: off the UI thread, with a progress
dialog whose Cancel stops the job between batches (store.jobs keeps the store consistent)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from annotate.formats import export_format
from annotate.preannotate import PipelineSpec, default_model
from store import jobs
from store.records import DatasetRecord
from ui.background import Job
from ui.import_dialog import ImportOptions
from ui.plain import literal

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"


def run_with_progress(
    parent: QWidget, title: str, total: int, work, done: Callable[[object], None],
    failure: Callable[[str, Exception | None], None] | None = None,
) -> Job:
    """Starts the job; the dialog shows its progress and cancels it. A failure is shown in
    a message box, or told to `failure` with the message and the exception."""
    dialog = QProgressDialog(title, "Cancel", 0, max(total, 0), parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)  # no flash for quick jobs
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    job = Job(work)
    job.signals.progressed.connect(dialog.setValue)
    dialog.canceled.connect(job.cancel)

    def finished(result) -> None:
        dialog.close()
        done(result)

    def failed(reason: str) -> None:
        dialog.close()
        if failure is not None:
            failure(reason, job.error)
        else:
            QMessageBox.warning(parent, title, literal(reason))  # it may quote a file name

    job.signals.finished.connect(finished)
    job.signals.failed.connect(failed)
    job.dialog = dialog  # kept alive with the job
    # Started on the next turn of the event loop, so that a caller can connect to the job's
    # signals first: a quick job could otherwise finish before anyone listens.
    QTimer.singleShot(0, job.start)
    return job


@dataclass
class ImportRun:
    """An import from the window: what it was asked, and what it read so far, for its
    report (annotate.reading.FileReport per file)."""

    paths: list[Path]
    options: ImportOptions = field(default_factory=ImportOptions)
    reports: list = field(default_factory=list)
    read_all: bool = False  # every file read and checked: the store's turn


def import_job(dataset: DatasetRecord, run: ImportRun):
    """Reads and stores as the command line's import does, with the same choices."""
    options = run.options

    def work(progress):
        with jobs.read_inputs(run.paths, "auto", progress, options.label_map,
                              options.misaligned, run.reports, options.doc_sep,
                              options.discontinuous) as documents:  # checked before storing
            run.read_all = True
            # Storing reports chunks too, so Cancel also stops it (nothing is kept then).
            return jobs.store_documents(dataset.name, dataset.labels, dataset.mode, documents,
                                        progress=progress, reports=run.reports,
                                        add_labels=options.add_labels)
    return work


def preannotate_job(dataset: DatasetRecord, batch_size: int = 16):
    def work(progress):
        return jobs.preannotate_dataset(dataset, PipelineSpec(default_model()),
                                        batch_size=batch_size, progress=progress)
    return work


def export_job(dataset: DatasetRecord, out: Path, status: str = "accepted"):
    fmt = export_format(out)

    def work(progress):
        return jobs.export_dataset(dataset, out, fmt, status, progress=progress)
    return work
