"""Import, pre-annotation and export from the window: off the UI thread, with a progress
dialog whose Cancel stops the job between batches (store.jobs keeps the store consistent)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from annotate.formats import export_format
from annotate.preannotate import PipelineSpec, default_model
from store import jobs
from store.records import DatasetRecord
from ui.background import Job
from ui.plain import literal


def run_with_progress(
    parent: QWidget, title: str, total: int, work, done: Callable[[object], None],
) -> Job:
    """Starts the job; the dialog shows its progress and cancels it."""
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
        QMessageBox.warning(parent, title, literal(reason))  # it may quote a file name

    job.signals.finished.connect(finished)
    job.signals.failed.connect(failed)
    job.dialog = dialog  # kept alive with the job
    # Started on the next turn of the event loop, so that a caller can connect to the job's
    # signals first: a quick job could otherwise finish before anyone listens.
    QTimer.singleShot(0, job.start)
    return job


def import_job(dataset: DatasetRecord, paths: list[Path], misaligned: str = "refuse",
               reports: list | None = None):
    """`reports` gets what each file gave (annotate.reading.FileReport)."""
    def work(progress):
        with jobs.read_inputs(paths, "auto", progress, misaligned=misaligned,
                              reports=reports) as documents:  # checked before storing
            # Storing reports chunks too, so Cancel also stops it (nothing is kept then).
            return jobs.store_documents(dataset.name, dataset.labels, dataset.mode, documents,
                                        progress=progress)
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
