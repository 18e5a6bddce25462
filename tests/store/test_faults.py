"""Faults a store meets in use: another program holding the lock, a full disk, a connection
lost under the window. Each becomes an EditError naming the cause; nothing half-done stays."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from annotate.document import TextDocument
from annotate.labels import load_label_set
from annotate.spans import Mode, Span
from store.db import close_database, open_database
from store.editing import EditError, add_span, open_annotation
from store.models import Annotation, Document, database
from store.queries import add_documents, ensure_dataset, save_predictions, spans_for
from store.records import AnnotationKey

TEXT = "Eight soldiers were killed near Homs on Monday, officials said."
HOMS = Span(32, 36, "GPE", "model")


def a_document() -> AnnotationKey:
    """A document in a spans dataset, where many spans may share one stretch of text."""
    dataset = ensure_dataset("faults", load_label_set(), Mode.SPANS)
    add_documents(dataset.id, [TextDocument(TEXT)])
    doc_id = Document.get().id
    save_predictions([(doc_id, [HOMS])])
    return AnnotationKey(doc_id, "ana")


@pytest.fixture
def sqlite_store(backend, store):
    if backend != "sqlite":
        pytest.skip("SQLite's own faults (file locks, pages)")
    return store


def test_an_edit_while_another_program_holds_the_lock_is_reported(sqlite_store, db_path):
    key = a_document()
    seen = open_annotation(key).revision
    database.obj.pragma("busy_timeout", 100)  # the 5 s default, only sooner
    other_program = sqlite3.connect(db_path, timeout=0)
    other_program.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(EditError, match="database is locked"):
            add_span(key, Span(0, 5, "CARDINAL"), seen)
        assert open_annotation(key).spans == (HOMS,)  # reading still works meanwhile
    finally:
        other_program.rollback()
        other_program.close()
    assert add_span(key, Span(0, 5, "CARDINAL"), seen) == seen + 1  # nothing half-done


def test_a_full_database_names_the_cause_not_the_failed_rollback(sqlite_store):
    key = a_document()
    seen = open_annotation(key).revision
    pages = database.obj.pragma("page_count")
    database.obj.pragma("max_page_count", pages)  # SQLite's own "disk full" condition
    with pytest.raises(EditError) as refused:
        for offset in range(200):  # until a page split needs a page that is not there
            seen = add_span(key, Span(0, 5, f"LABEL{offset:03d}" * 40), seen)
    assert "full" in str(refused.value) and "no transaction is active" not in str(refused.value)
    database.obj.pragma("max_page_count", 1 << 30)
    assert add_span(key, Span(6, 14, "CARDINAL"), open_annotation(key).revision)


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 1 MiB tmpfs, where mounting one is allowed (root on Linux); else a skip saying so."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("a small tmpfs needs root and mount: the full-disk case runs as root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)],
                          capture_output=True, text=True)
    if made.returncode:
        pytest.skip(f"cannot mount a small tmpfs here: {made.stderr.strip()}")
    yield mount_point
    close_database()
    # Lazily: a connection the test left open must not keep the mount alive after it.
    subprocess.run(["umount", "--lazy", str(mount_point)], check=True)


def test_a_full_disk_is_reported_and_the_store_stays_whole(small_disk):
    path = small_disk / "goldspan.db"
    open_database(path)
    key = a_document()
    seen = open_annotation(key).revision
    ballast = small_disk / "ballast"
    handle = os.open(ballast, os.O_WRONLY | os.O_CREAT)
    try:  # fill the disk, then keep editing
        while os.write(handle, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(handle)
    with pytest.raises(EditError) as refused:
        for offset in range(500):
            seen = add_span(key, Span(0, 5, f"LABEL{offset:03d}" * 40), seen)
    message = str(refused.value)
    assert "full" in message or "disk" in message, message
    assert "no transaction is active" not in message
    ballast.unlink()  # space again: the store is whole and takes edits
    stored = spans_for(key.document_id, "ana")
    assert HOMS in stored and Annotation.get(Annotation.annotator == "ana").revision == seen
    assert add_span(key, Span(6, 14, "CARDINAL"), seen) == seen + 1


@pytest.mark.postgres
def test_a_lost_postgresql_connection_is_reported_and_the_next_read_reconnects(backend, store):
    if backend != "postgres":
        pytest.skip("PostgreSQL only: SQLite has no connection to lose")
    key = a_document()
    seen = open_annotation(key).revision

    def kill_my_connection() -> None:
        pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
        import psycopg2
        admin = psycopg2.connect(database.obj.connect_params.get("dsn")
                                 or _dsn(database.obj))
        admin.autocommit = True
        admin.cursor().execute("SELECT pg_terminate_backend(%s)", (pid,))
        admin.close()

    kill_my_connection()
    assert open_annotation(key).spans == (HOMS,)  # a read reconnects and is retried
    kill_my_connection()
    try:
        outcome = add_span(key, Span(0, 5, "CARDINAL"), seen)
    except EditError as refused:  # the write's transaction was lost: said, not retried
        assert "connection" in str(refused) or "terminat" in str(refused)
        outcome = add_span(key, Span(0, 5, "CARDINAL"), seen)  # the next one works
    assert outcome == seen + 1
    assert spans_for(key.document_id, "ana") == [Span(0, 5, "CARDINAL"), HOMS]


def _dsn(db) -> str:
    params = dict(db.connect_params, dbname=db.database)
    return " ".join(f"{name}={value}" for name, value in params.items() if value is not None)


def test_an_import_onto_a_full_disk_is_one_line_and_stores_nothing(small_disk, tmp_path):
    from typer.testing import CliRunner

    import main
    from tests.conftest import table_dump
    path = small_disk / "goldspan.db"
    open_database(path)
    ensure_dataset("default", load_label_set())
    close_database()
    before = table_dump(path)
    articles = tmp_path / "big.jsonl"
    with articles.open("w") as out:  # more text than the disk holds
        for i in range(400):
            out.write(f'{{"text": "Report {i}: {"Troops shelled Homs again. " * 100}"}}\n')
    result = CliRunner().invoke(main.app, ["import", str(articles), "--db", str(path)])
    assert result.exit_code == 1, result.output
    assert "error:" in result.output and "full" in result.output
    assert "Traceback" not in result.output and "no transaction is active" not in result.output
    assert table_dump(path) == before
