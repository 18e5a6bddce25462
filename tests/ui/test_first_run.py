"""A first run: the window is up at once; sample articles arrive pre-annotated."""
import os
import sqlite3
import subprocess
import sys
import time

from ui.app import first_run_job, start_background_work
from ui.main_window import MainWindow
from tests.conftest import ROOT, SAMPLES


def test_samples_are_imported_and_preannotated_in_the_background(qtbot, store, settings):
    window = MainWindow(store, "ana", settings)
    qtbot.addWidget(window)
    window.show()
    assert window.documents.rowCount() == 0  # usable, empty, while the job runs
    start_background_work(window, first_run_job(store), 6)
    # what the annotator waits for: the list filled and pre-annotation over
    qtbot.waitUntil(lambda: window.documents.rowCount() == len(list(SAMPLES.glob("*.txt")))
                    and not window.preannotating, timeout=120_000)
    assert window.session.document_id is not None
    assert len(window.session.spans) > 10 and not window.preannotating


def test_python_main_py_opens_the_window_and_fills_a_new_database(tmp_path):
    db = tmp_path / "first.db"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "GOLDSPAN_ANNOTATOR": "ana"}
    app = subprocess.Popen([sys.executable, "main.py", "--db", str(db)], cwd=ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        predicted = 0
        deadline = time.monotonic() + 90
        while predicted < 6 and time.monotonic() < deadline and app.poll() is None:
            time.sleep(0.5)
            if db.exists():
                try:
                    with sqlite3.connect(db, timeout=5) as connection:
                        predicted = connection.execute(
                            "SELECT COUNT(*) FROM annotation WHERE annotator IS NULL"
                        ).fetchone()[0]
                except sqlite3.OperationalError:
                    pass  # tables not made yet
        assert app.poll() is None, app.stderr.read()[-2000:]  # still running, not crashed
        assert predicted == 6
    finally:
        app.terminate()
        app.wait(timeout=30)


def _launch(db, dataset, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "GOLDSPAN_ANNOTATOR": "ana"}
    return subprocess.Popen([sys.executable, "main.py", "--db", str(db), "--dataset", dataset],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _documents_in(db, dataset):
    with sqlite3.connect(db, timeout=5) as connection:
        return connection.execute(
            "SELECT count(*) FROM document d JOIN dataset s ON d.dataset_id = s.id "
            "WHERE s.name = ?", (dataset,)).fetchone()[0]


def test_a_mistyped_dataset_name_is_not_filled_with_samples(tmp_path):
    db = tmp_path / "team.db"
    subprocess.run([sys.executable, "main.py", "import", str(SAMPLES / "02-budget-vote.txt"),
                    "--db", str(db)], cwd=ROOT, check=True, capture_output=True)
    app = _launch(db, "defualt", tmp_path)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and app.poll() is None:
            with sqlite3.connect(db, timeout=5) as connection:
                if connection.execute("SELECT 1 FROM dataset WHERE name = 'defualt'").fetchone():
                    break
            time.sleep(0.2)
        time.sleep(5)  # the samples of a first run arrive within about a second
        assert app.poll() is None, app.stderr.read()[-2000:]
        assert _documents_in(db, "defualt") == 0
        assert _documents_in(db, "default") == 1
    finally:
        app.terminate()
        app.wait(timeout=30)


def test_samples_come_on_request_from_the_help_menu(qtbot, store, settings):
    window = MainWindow(store, "ana", settings)
    qtbot.addWidget(window)
    window.show()
    load = next(a for menu in window.menuBar().actions() if menu.text() == "&Help"
                for a in menu.menu().actions() if a.text() == "&Load sample articles")
    load.trigger()
    samples = len(list(SAMPLES.glob("*.txt")))
    qtbot.waitUntil(lambda: window.documents.rowCount() == samples and not window.preannotating,
                    timeout=120_000)
    assert len(window.session.spans) > 10  # pre-annotated after the import


def test_the_window_reopens_on_the_next_unfinished_document_and_quits_with_ctrl_q(
        qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from annotate.document import TextDocument
    from annotate.labels import load_label_set
    from store.db import close_database, open_database
    from store.models import Document
    from store.queries import add_documents, ensure_dataset, save_annotation, save_predictions
    from ui.app import run

    db = tmp_path / "day.db"
    open_database(str(db))
    dataset = ensure_dataset("default", load_label_set())
    add_documents(dataset.id, [TextDocument(f"Report {n} from Lyon.") for n in range(4)])
    ids = [d.id for d in Document.select().order_by(Document.id)]
    save_predictions([(i, []) for i in ids])
    save_annotation(ids[0], "ana", [], "accepted")
    save_annotation(ids[1], "ana", [], "rejected")
    close_database()
    monkeypatch.setenv("GOLDSPAN_ANNOTATOR", "ana")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run() installs its own
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    seen = {}

    def look_and_quit():
        [window] = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)
                    and w.isVisible()]
        seen["document"] = window.session.document_id
        seen["row"] = window.table.currentIndex().row()
        qtbot.keyClick(window.article, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        seen["closed"] = not window.isVisible()

    QTimer.singleShot(500, look_and_quit)
    assert run(str(db), "default") == 0
    assert seen == {"document": ids[2], "row": 2, "closed": True}


def test_while_pre_annotation_runs_its_progress_shows_and_a_document_opens(qtbot, store,
                                                                         settings):
    from PySide6.QtWidgets import QProgressBar

    from annotate.document import TextDocument
    from store.queries import add_documents
    from ui.app import preannotation_job

    add_documents(store.id, [TextDocument(f"Report {n}: floods reached Lyon on Monday, "
                                          f"and {n + 3} people left.") for n in range(48)])
    window = MainWindow(store, "ana", settings)
    qtbot.addWidget(window)
    window.show()
    start_background_work(window, preannotation_job(store), 48)
    [bar] = window.statusBar().findChildren(QProgressBar)
    seen = []
    bar.valueChanged.connect(lambda value: seen.append(
        (value, bar.isVisible(), bar.text(), window.session.document_id is not None,
         window.preannotating)))
    qtbot.waitUntil(lambda: not window.preannotating, timeout=120_000)
    early = [s for s in seen if s[4]]  # while it still ran
    assert early, "no progress before the end"
    value, visible, words, open_, _ = early[-1]
    assert visible and words == f"Pre-annotating: {value} of 48 documents"
    assert open_  # the annotator reads a document meanwhile
