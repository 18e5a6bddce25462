"""A store that cannot be written opens read-only: reading and export work, writes are
refused with a message naming the store and why, and the window says so in a banner.

Root may write any file whatever its mode, so the tests make stores read-only the ways that
hold for root too: an immutable file (`chattr +i`) in a writable folder, and a read-only
tmpfs, where SQLite cannot even create its -wal and -shm files. Without the privileges for
those, each case skips saying why; as another user, a file without write permission is the
third case (a skip for root, whom it does not stop).
"""
import hashlib
import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from annotate.document import TextDocument
from annotate.labels import load_label_set
from annotate.spans import Span
from store import jobs
from store.db import (
    ReadOnlyError, StoreError, close_database, open_database, read_only, store_opened,
)
from store.models import Document
from store.queries import add_documents, dataset_stats, ensure_dataset, find_dataset

TEXTS = ["Well over 7,500 people marched in Lyon.", "Eight soldiers were missing in Riga."]


def fill(path: Path) -> None:
    """A store with two documents: one with predictions only, one ana has annotated."""
    open_database(path)
    dataset = ensure_dataset("default", load_label_set())
    add_documents(dataset.id, [TextDocument(TEXTS[0], (Span(10, 15, "CARDINAL", "model"),))])
    jobs.store_documents("default", (), dataset.mode,
                         [TextDocument(TEXTS[1], (Span(0, 5, "CARDINAL"),))], annotator="ana")
    close_database()


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True)


@pytest.fixture(params=["immutable file", "read-only folder", "no write permission"])
def read_only_store(request, tmp_path):
    """A filled store at a path Goldspan cannot write, made so in one of three ways."""
    folder = tmp_path / "store"
    folder.mkdir()
    path = folder / "goldspan.db"
    if request.param == "immutable file":
        fill(path)
        made = run("chattr", "+i", str(path))
        if made.returncode != 0:
            pytest.skip(f"chattr +i is not possible here: {made.stderr.strip()}")
        yield path
        run("chattr", "-i", str(path))
    elif request.param == "read-only folder":
        made = run("mount", "-t", "tmpfs", "tmpfs", str(folder))
        if made.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
        try:
            fill(path)
            made = run("mount", "-o", "remount,ro", str(folder))
            assert made.returncode == 0, made.stderr
            yield path
        finally:
            close_database()
            run("umount", "--lazy", str(folder))
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes files without write permission: the other two cases "
                        "stand for this one")
        fill(path)
        path.chmod(0o444)
        yield path
        path.chmod(0o644)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_read_only_store_opens_for_reading_and_refuses_writes(read_only_store, tmp_path):
    before = digest(read_only_store)
    open_database(read_only_store)
    try:
        assert "is read-only" in store_opened().notice
        assert read_only() in ("it is on a read-only file system",
                               "the file is not writable (its permissions, or it is immutable)")
        dataset = find_dataset("default")
        assert dataset_stats(dataset.id).documents == 2
        reports = jobs.export_dataset(dataset, tmp_path / "out.jsonl", "jsonl", "any")
        assert reports[tmp_path / "out.jsonl"].documents == 2
        with pytest.raises(ReadOnlyError, match=f"{read_only_store} is read-only: "):
            Document.create(dataset=dataset.id, text="new", content_hash="h")
        with pytest.raises(StoreError, match="is read-only"):
            jobs.store_documents("default", (), dataset.mode, [TextDocument("Rome")])
    finally:
        close_database()
    assert digest(read_only_store) == before


def test_the_cli_reads_and_exports_and_refuses_changes(read_only_store, tmp_path):
    stats = cli_at(read_only_store, "stats")
    assert stats.exit_code == 0, stats.output
    reason = store_opened().read_only
    assert reason is not None
    assert "default: 2 documents" in stats.stdout
    assert f"is read-only: {reason}. You can look and export" in stats.stderr
    exported = cli_at(read_only_store, "export", str(tmp_path / "gold.jsonl"), "--status", "any")
    assert exported.exit_code == 0, exported.output
    for args in (["import", str(tmp_path / "gold.jsonl")], ["preannotate"],
                 ["configure", "--annotators-per-document", "2"]):
        refused = cli_at(read_only_store, *args)
        assert refused.exit_code == 1, (args, refused.output)
        assert f"error: {read_only_store} is read-only: {reason}" in refused.stderr
        assert "Traceback" not in refused.output


def cli_at(path: Path, *args: str):
    from typer.testing import CliRunner

    import main

    result = CliRunner().invoke(main.app, [*args, "--db", str(path)])
    close_database()
    return result


def test_the_window_shows_a_banner_and_the_documents(read_only_store, qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from ui.app import dataset_to_show
    from ui.main_window import MainWindow

    open_database(read_only_store)
    try:
        dataset = dataset_to_show("not there")  # cannot be made: the one there is
        assert dataset.name == "default"
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(dataset, "ana", settings)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        banner = window.read_only_banner
        assert banner.isVisible()
        assert banner.text() == (f"Read-only: {read_only()}. You can look and export; edits "
                                 "are not possible.")
        assert window.documents.rowCount() == 2
        window.open_document(window.documents.document_id(1))  # ana's own: only read
        assert window.session.text == TEXTS[1]
        window.open_document(window.documents.document_id(0))  # a first open: not created,
        assert window.session.text == TEXTS[0]  # but shown as it would start
        assert window.session.spans == [Span(10, 15, "CARDINAL")]
    finally:
        close_database()


def test_a_read_only_folder_with_changes_left_in_the_wal_is_refused(tmp_path):
    folder = tmp_path / "store"
    folder.mkdir()
    made = run("mount", "-t", "tmpfs", "tmpfs", str(folder))
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        path = folder / "goldspan.db"
        fill(path)
        with closing(sqlite3.connect(path)) as writer:  # killed before its checkpoint
            writer.execute("PRAGMA wal_autocheckpoint = 0")
            writer.execute("INSERT INTO label (dataset_id, name, colour, description, "
                           "position) VALUES (1, 'X', '#fff', '', 99)")
            writer.commit()
            copies = {name: Path(f"{path}{name}").read_bytes() for name in ("", "-wal")}
        for name, data in copies.items():
            Path(f"{path}{name}").write_bytes(data)
        Path(f"{path}-shm").unlink(missing_ok=True)
        assert run("mount", "-o", "remount,ro", str(folder)).returncode == 0
        with pytest.raises(StoreError, match="recent changes are in goldspan.db-wal"):
            open_database(path)
    finally:
        close_database()
        run("umount", "--lazy", str(folder))


def test_a_read_only_store_from_an_older_goldspan_is_refused(tmp_path):
    from tests.store.test_db import version_3_store

    path = version_3_store(tmp_path / "v3.db")
    if run("chattr", "+i", str(path)).returncode != 0:
        pytest.skip("chattr +i is not possible here")
    try:
        with pytest.raises(StoreError, match="is read-only: .* it must be written to open"):
            open_database(path)
    finally:
        run("chattr", "-i", str(path))
