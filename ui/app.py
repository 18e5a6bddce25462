"""`python main.py`: opens the window at once; a first run fills it in the background."""
from __future__ import annotations

import getpass
import os
import sys

from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QProgressBar

from annotate.labels import load_label_set
from annotate.spans import Mode
from store import jobs
from store.db import StoreError, open_database, store_opened
from store.queries import count_documents, dataset_names, ensure_dataset, find_dataset
from store.records import DatasetRecord
from ui.background import Job
from ui.long_work import SAMPLES, preannotate_job
from ui.main_window import MainWindow
from ui.plain import literal

LOADING = "Loading the spaCy pipeline…"
FIRST_DATASET = "default"  # the dataset a new database's first window fills with samples


def annotator_name(settings: QSettings, parent=None) -> str:
    """GOLDSPAN_ANNOTATOR if set; else asked once, then remembered (the system user is
    offered)."""
    name = os.environ.get("GOLDSPAN_ANNOTATOR") or settings.value("annotator")
    if not name:
        name, ok = QInputDialog.getText(parent, "Goldspan", "Your name, stored with every "
                                        "annotation:", text=getpass.getuser())
        name = name.strip() if ok and name.strip() else getpass.getuser()
        settings.setValue("annotator", name)
    return name


def first_run_job(dataset: DatasetRecord) -> Job:
    """Imports the sample articles if the dataset is empty, then pre-annotates whatever has
    no predictions yet."""
    def work(progress):
        if count_documents(dataset.id) == 0:
            jobs.store_documents(dataset.name, dataset.labels, dataset.mode,
                                 jobs.read_inputs([SAMPLES]))
        return preannotate_job(dataset, batch_size=8)(progress)
    return Job(work)


def preannotation_job(dataset: DatasetRecord) -> Job:
    """Pre-annotates what has no predictions yet (documents imported from the command line)."""
    return Job(preannotate_job(dataset, batch_size=8))


def start_background_work(window: MainWindow, job: Job, total: int) -> None:
    bar = QProgressBar(maximum=max(total, 1))
    bar.setFormat("Pre-annotating: %v of %m documents")
    bar.setMinimumWidth(260)  # the words fit
    window.statusBar().addWidget(bar)
    window.statusBar().showMessage(LOADING)  # hides the bar until the first batch is in
    job.signals.progressed.connect(bar.setValue)

    def first_batch(_done: int) -> None:
        """The pipeline is loaded: the bar shows instead of the loading note, and the
        annotator gets a document to read (the first ones have their spans now)."""
        job.signals.progressed.disconnect(first_batch)
        if window.statusBar().currentMessage() == LOADING:
            window.statusBar().clearMessage()
        if window.session.document_id is None:
            window.open_next_unfinished()

    job.signals.progressed.connect(first_batch)

    def done(_result) -> None:
        window.statusBar().showMessage("Pre-annotation finished.", 6000)
        window.reload_list()  # new documents, new counts

    def failed(reason: str) -> None:
        window.statusBar().showMessage(f"Pre-annotation stopped: {reason}")

    def stopped() -> None:
        window.preannotating = False
        window.statusBar().removeWidget(bar)

    job.signals.finished.connect(stopped)
    job.signals.failed.connect(stopped)
    job.signals.finished.connect(done)
    job.signals.failed.connect(failed)
    QApplication.instance().aboutToQuit.connect(job.cancel)
    window.preannotating = True
    job.start()


def run(db: str | None, dataset_name: str) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Goldspan")
    app.setOrganizationName("Goldspan")
    try:
        open_database(db)
        # Samples go only to the first dataset of a new database: a mistyped name must not
        # look like a dataset of news.
        first_run = dataset_name == FIRST_DATASET and not dataset_names()
        dataset = dataset_to_show(dataset_name)
    except StoreError as error:
        QMessageBox.critical(None, "Goldspan", literal(str(error)))
        return 1
    settings = QSettings()
    window = MainWindow(dataset, annotator_name(settings), settings)
    report_unexpected_errors(window)
    window.show()
    opened = store_opened()
    if opened.read_only:  # the window shows a banner; nothing to fill or pre-annotate
        return _run_loop(app)
    if opened.notice:  # the copy made before a schema upgrade
        window.statusBar().showMessage(opened.notice, 30_000)
    unpredicted = jobs.count_to_preannotate(dataset)
    empty = count_documents(dataset.id) == 0
    if empty and first_run:
        start_background_work(window, first_run_job(dataset), len(list(SAMPLES.glob("*.txt"))))
    elif unpredicted:
        start_background_work(window, preannotation_job(dataset), unpredicted)
    elif empty:
        window.statusBar().showMessage(empty_dataset_note(dataset.name))
    else:
        window.open_next_unfinished()
    return _run_loop(app)


def empty_dataset_note(name: str) -> str:
    others = [n for n in dataset_names() if n != name]
    there = f" Other datasets here: {', '.join(others)}." if others else ""
    return (f"Dataset {name!r} has no documents: File > Import adds some, Help > Load sample "
            f"articles adds the samples.{there}")


def report_unexpected_errors(window: MainWindow) -> None:
    """A fault no handler expected (a bug) becomes a message box, not a traceback in a
    terminal the annotator may not see; the traceback still goes to stderr for a report."""
    def show(kind, error, trace) -> None:
        sys.__excepthook__(kind, error, trace)
        text = (f"Something went wrong that Goldspan did not expect: {kind.__name__}: {error}"
                "\n\nWhat was stored before stays stored. If this happened during an edit, "
                "check that the edit is shown as you meant it. Please report it, with the "
                "text the terminal shows.")
        window.statusBar().showMessage(f"Unexpected error: {kind.__name__}: {error}")
        QMessageBox.critical(window, "Unexpected error", literal(text))

    sys.excepthook = show


def _run_loop(app: QApplication) -> int:
    code = app.exec()
    QThreadPool.globalInstance().waitForDone(10_000)  # let a running batch commit
    return code


def dataset_to_show(name: str) -> DatasetRecord:
    """The dataset of that name, made if new; in a read-only store, which cannot make
    one, the first there is when the name is unknown."""
    if not store_opened().read_only:
        return ensure_dataset(name, load_label_set(), Mode.ENTITIES)
    names = dataset_names()
    found = find_dataset(name if name in names or not names else names[0])
    if found is None:
        raise StoreError(f"{store_opened().notice} It holds no dataset to show.")
    return found
