import hashlib
import sqlite3
import subprocess
from contextlib import closing

import pytest
from peewee import IntegrityError

from store.db import (
    SCHEMA_VERSION, StoreError, _describe, close_database, open_database, store_opened,
)
from store.models import Document


def file_digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_store_uses_wal_foreign_keys_and_records_its_version(db_path):
    db = open_database(db_path)
    try:
        assert db.pragma("journal_mode") == "wal"
        assert db.pragma("foreign_keys") == 1
        assert db.pragma("busy_timeout") == 5000
        assert db.pragma("user_version") == SCHEMA_VERSION
    finally:
        close_database()


def test_reopening_keeps_the_data(store, db_url):
    Document.create(dataset=store.id, text="kept", content_hash="h")
    close_database()
    open_database(db_url)
    assert [d.text for d in Document.select()] == ["kept"]


def test_a_store_from_a_newer_goldspan_is_refused_and_left_alone(db_path):
    open_database(db_path)
    close_database()
    with sqlite3.connect(db_path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = file_digest(db_path)
    with pytest.raises(StoreError, match="written by a newer Goldspan"):
        open_database(db_path)
    assert file_digest(db_path) == before


def test_a_file_that_is_no_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("shopping list: eggs, milk\n" * 200)
    before = file_digest(path)
    with pytest.raises(StoreError, match="notes.db: not a database Goldspan can open"):
        open_database(path)
    assert file_digest(path) == before


def test_another_programs_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER)")
    before = file_digest(path)
    with pytest.raises(StoreError, match="not a Goldspan database .*invoices"):
        open_database(path)
    assert file_digest(path) == before


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        open_database(tmp_path)


def test_a_database_url_opens_the_same_models(tmp_path):
    open_database(f"sqlite:///{tmp_path / 'by-url.db'}")
    try:
        assert Document.select().count() == 0
    finally:
        close_database()
    assert (tmp_path / "by-url.db").exists()


@pytest.mark.parametrize("url, reason", [
    ("mongo://localhost/goldspan", "Unrecognized or unsupported scheme"),
    ("postgresql://127.0.0.1:1/goldspan", "connection"),  # nothing listens on port 1
])
def test_a_url_that_cannot_be_opened_is_explained(url, reason):
    with pytest.raises(StoreError, match=f"{url}: cannot open this database .*{reason}"):
        open_database(url)


def test_a_version_1_store_is_upgraded_and_keeps_its_data(tmp_path):
    """Built as Goldspan 1 left it: its tables, no review table, user_version 1."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:
        connection.executescript("""
            CREATE TABLE dataset (id INTEGER PRIMARY KEY, name VARCHAR(255) NOT NULL UNIQUE,
                mode VARCHAR(255) NOT NULL, created DATETIME NOT NULL);
            CREATE TABLE document (id INTEGER PRIMARY KEY, dataset_id INTEGER NOT NULL,
                text TEXT NOT NULL, content_hash VARCHAR(64) NOT NULL, meta TEXT NOT NULL,
                source VARCHAR(255) NOT NULL, created DATETIME NOT NULL);
            CREATE TABLE annotation (id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL,
                annotator VARCHAR(255), status VARCHAR(255) NOT NULL,
                created DATETIME NOT NULL, updated DATETIME NOT NULL);
            INSERT INTO dataset VALUES (1, 'news', 'entities', '2026-01-01');
            INSERT INTO document VALUES (1, 1, 'Lyon', 'h', '{}', '', '2026-01-01');
            PRAGMA user_version = 1;
        """)
    open_database(path)
    try:
        from store.models import Review
        assert [d.text for d in Document.select()] == ["Lyon"]
        assert Review.select().count() == 0  # the new table is there
        assert Review._meta.database.pragma("user_version") == SCHEMA_VERSION
    finally:
        close_database()


def test_a_version_2_store_keeps_every_span_and_review_and_allows_reviewed_versions(tmp_path):
    """Built as Goldspan 2 left it. A first migration rebuilt the annotation table to add a
    NOT NULL column, and dropping the old table cascaded to every span."""
    path = tmp_path / "v2.db"
    with sqlite3.connect(path) as connection:
        connection.executescript("""
            PRAGMA foreign_keys = ON;
            CREATE TABLE "dataset" ("id" INTEGER NOT NULL PRIMARY KEY,
                "name" VARCHAR(255) NOT NULL, "mode" VARCHAR(255) NOT NULL,
                "created" DATETIME NOT NULL);
            CREATE TABLE "document" ("id" INTEGER NOT NULL PRIMARY KEY,
                "dataset_id" INTEGER NOT NULL REFERENCES "dataset" ("id") ON DELETE CASCADE,
                "text" TEXT NOT NULL, "content_hash" VARCHAR(64) NOT NULL,
                "meta" TEXT NOT NULL, "source" VARCHAR(255) NOT NULL,
                "created" DATETIME NOT NULL);
            CREATE TABLE "annotation" ("id" INTEGER NOT NULL PRIMARY KEY,
                "document_id" INTEGER NOT NULL REFERENCES "document" ("id") ON DELETE CASCADE,
                "annotator" VARCHAR(255), "status" VARCHAR(255) NOT NULL,
                "created" DATETIME NOT NULL, "updated" DATETIME NOT NULL);
            CREATE UNIQUE INDEX "annotation_document_id_annotator"
                ON "annotation" ("document_id", "annotator");
            CREATE TABLE "label" ("id" INTEGER NOT NULL PRIMARY KEY,
                "dataset_id" INTEGER NOT NULL, "name" VARCHAR(255) NOT NULL,
                "colour" VARCHAR(255) NOT NULL, "key" VARCHAR(255),
                "description" TEXT NOT NULL, "position" INTEGER NOT NULL);
            CREATE TABLE "review" ("id" INTEGER NOT NULL PRIMARY KEY,
                "annotation_id" INTEGER NOT NULL REFERENCES "annotation" ("id")
                    ON DELETE CASCADE,
                "sample" VARCHAR(255) NOT NULL, "reviewer" VARCHAR(255),
                "verdict" VARCHAR(255) NOT NULL, "categories" TEXT NOT NULL,
                "comment" TEXT NOT NULL, "created" DATETIME NOT NULL, "reviewed" DATETIME);
            CREATE TABLE "span" ("id" INTEGER NOT NULL PRIMARY KEY,
                "annotation_id" INTEGER NOT NULL REFERENCES "annotation" ("id")
                    ON DELETE CASCADE,
                "start" INTEGER NOT NULL, "end" INTEGER NOT NULL, "label" VARCHAR(255) NOT NULL,
                "source" VARCHAR(255) NOT NULL, "value" REAL);
            INSERT INTO dataset VALUES (1, 'news', 'entities', '2026-01-01');
            INSERT INTO document VALUES (1, 1, 'Ada in Lyon', 'h', '{}', '', '2026-01-01');
            INSERT INTO annotation VALUES (1, 1, 'ada', 'accepted', '2026-01-01', '2026-01-01');
            INSERT INTO annotation VALUES (2, 1, NULL, 'pending', '2026-01-01', '2026-01-01');
            INSERT INTO span VALUES (1, 1, 7, 11, 'GPE', 'ada', NULL);
            INSERT INTO span VALUES (2, 2, 0, 3, 'PERSON', 'model', NULL);
            INSERT INTO review VALUES (1, 1, 's1', NULL, 'pending', '[]', '', '2026-01-01',
                NULL);
            PRAGMA user_version = 2;
        """)
    open_database(path)
    try:
        from store.models import Annotation, Dataset, Review, Span
        assert [(s.annotation_id, s.label) for s in Span.select().order_by(Span.id)] == [
            (1, "GPE"), (2, "PERSON")]
        assert [r.annotation_id for r in Review.select()] == [1]
        assert [(a.annotator, a.kind) for a in Annotation.select().order_by(Annotation.id)] == [
            ("ada", "annotation"), (None, "annotation")]
        assert Dataset.get().annotators_per_document == 1
        # The same person may now hold a reviewed version beside their own work.
        Annotation.create(document=1, annotator="ada", kind="reviewed", based_on=1)
        with pytest.raises(IntegrityError):
            Annotation.create(document=1, annotator="ada", kind="annotation")
    finally:
        close_database()


V3_SCHEMA = """
    PRAGMA foreign_keys = ON;
    CREATE TABLE "dataset" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL,
        "mode" VARCHAR(255) NOT NULL, "created" DATETIME NOT NULL,
        "annotators_per_document" INTEGER NOT NULL DEFAULT 1);
    CREATE UNIQUE INDEX "dataset_name" ON "dataset" ("name");
    CREATE TABLE "label" ("id" INTEGER NOT NULL PRIMARY KEY,
        "dataset_id" INTEGER NOT NULL REFERENCES "dataset" ("id") ON DELETE CASCADE,
        "name" VARCHAR(255) NOT NULL, "colour" VARCHAR(255) NOT NULL, "key" VARCHAR(255),
        "description" TEXT NOT NULL, "position" INTEGER NOT NULL);
    CREATE TABLE "document" ("id" INTEGER NOT NULL PRIMARY KEY,
        "dataset_id" INTEGER NOT NULL REFERENCES "dataset" ("id") ON DELETE CASCADE,
        "text" TEXT NOT NULL, "content_hash" VARCHAR(64) NOT NULL, "meta" TEXT NOT NULL,
        "source" VARCHAR(255) NOT NULL, "created" DATETIME NOT NULL);
    CREATE UNIQUE INDEX "document_dataset_id_content_hash"
        ON "document" ("dataset_id", "content_hash");
    CREATE TABLE "annotation" ("id" INTEGER NOT NULL PRIMARY KEY,
        "document_id" INTEGER NOT NULL REFERENCES "document" ("id") ON DELETE CASCADE,
        "annotator" VARCHAR(255), "status" VARCHAR(255) NOT NULL,
        "created" DATETIME NOT NULL, "updated" DATETIME NOT NULL,
        "kind" VARCHAR(255) NOT NULL DEFAULT 'annotation',
        "based_on_id" INTEGER REFERENCES "annotation" ("id") ON DELETE CASCADE);
    CREATE TABLE "span" ("id" INTEGER NOT NULL PRIMARY KEY,
        "annotation_id" INTEGER NOT NULL REFERENCES "annotation" ("id") ON DELETE CASCADE,
        "start" INTEGER NOT NULL, "end" INTEGER NOT NULL, "label" VARCHAR(255) NOT NULL,
        "source" VARCHAR(255) NOT NULL, "value" REAL);
    CREATE TABLE "review" ("id" INTEGER NOT NULL PRIMARY KEY,
        "annotation_id" INTEGER NOT NULL REFERENCES "annotation" ("id") ON DELETE CASCADE,
        "sample" VARCHAR(255) NOT NULL, "reviewer" VARCHAR(255),
        "verdict" VARCHAR(255) NOT NULL, "categories" TEXT NOT NULL, "comment" TEXT NOT NULL,
        "created" DATETIME NOT NULL, "reviewed" DATETIME);
    CREATE TABLE "settled" ("id" INTEGER NOT NULL PRIMARY KEY,
        "annotation_id" INTEGER NOT NULL REFERENCES "annotation" ("id") ON DELETE CASCADE,
        "start" INTEGER NOT NULL, "end" INTEGER NOT NULL);
    INSERT INTO dataset VALUES (1, 'news', 'entities', '2026-01-01', 1);
    INSERT INTO document VALUES (1, 1, 'Ada in Lyon', 'h', '{}', '', '2026-01-01');
    INSERT INTO annotation VALUES (1, 1, 'ada', 'accepted', '2026-01-01', '2026-01-01',
        'annotation', NULL);
    INSERT INTO span VALUES (1, 1, 7, 11, 'GPE', 'ada', NULL);
    PRAGMA user_version = 3;
"""


def version_3_store(path, padding: int = 0):
    """Built as Goldspan 3 left it; `padding` characters of text make the file larger."""
    with sqlite3.connect(path) as connection:
        connection.executescript(V3_SCHEMA)
        if padding:
            connection.execute("INSERT INTO document VALUES (2, 1, ?, 'p', '{}', '', '')",
                               ("x" * padding,))
    return path


def rows(path, table: str) -> list:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()


def test_an_upgrade_copies_the_file_first_and_says_where(tmp_path):
    path = version_3_store(tmp_path / "v3.db")
    before = {table: rows(path, table) for table in ("dataset", "document", "span")}
    open_database(path)
    try:
        opened = store_opened()
        assert Document.get().text == "Ada in Lyon"
    finally:
        close_database()
    copy = tmp_path / "v3.db.bak-schema3"
    assert opened.backup == copy
    assert opened.notice == (f"Upgraded {path} from schema 3 to {SCHEMA_VERSION}; the copy "
                             f"made first is {copy}.")
    with closing(sqlite3.connect(copy)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 3
    assert {table: rows(copy, table) for table in before} == before
    open_database(path)  # the next open upgrades nothing and copies nothing
    try:
        assert store_opened().backup is None and store_opened().notice == ""
    finally:
        close_database()
    assert sorted(p.name for p in tmp_path.glob("v3.db.bak*")) == ["v3.db.bak-schema3"]


def test_an_older_copy_is_never_overwritten(tmp_path):
    path = version_3_store(tmp_path / "v3.db")
    (tmp_path / "v3.db.bak-schema3").write_text("an earlier copy")
    open_database(path)
    close_database()
    assert (tmp_path / "v3.db.bak-schema3").read_text() == "an earlier copy"
    assert rows(tmp_path / "v3.db.bak-schema3.2", "span") == rows(path, "span")


def test_the_cli_prints_where_the_copy_is(tmp_path, cli, db_path):
    version_3_store(db_path)
    result = cli("stats", "--dataset", "news")
    assert result.exit_code == 0, result.output
    assert f"the copy made first is {db_path}.bak-schema3" in result.stderr


def test_no_upgrade_without_a_copy_when_the_disk_is_full(tmp_path):
    """On a small tmpfs the store fits and its copy does not: it stays at schema 3."""
    disk = tmp_path / "small"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=640k", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        path = version_3_store(disk / "v3.db", padding=400_000)
        with pytest.raises(StoreError, match=r"not upgraded from schema 3 to \d+: the copy "
                                             r"made first, .*v3.db.bak-schema3, failed "
                                             r"\(.*full"):
            open_database(path)
        close_database()
        assert rows(path, "span") == [(1, 1, 7, 11, "GPE", "ada", None)]
        with closing(sqlite3.connect(path)) as connection:
            assert connection.execute("PRAGMA user_version").fetchone()[0] == 3
        assert not any(p.name.startswith("v3.db.bak") for p in disk.iterdir())
    finally:
        close_database()
        subprocess.run(["umount", "--lazy", str(disk)], check=True)


def test_a_server_upgrade_says_no_copy_was_made_and_hides_the_password():
    opened = _describe("postgresql://ada:secret@db.example.org:5433/gold", 3, None, None)
    assert "secret" not in opened.notice
    assert opened.notice.startswith("Upgraded postgresql://ada@db.example.org:5433/gold from "
                                    "schema 3")
    assert "no copy was made first" in opened.notice and "pg_dump" in opened.notice
