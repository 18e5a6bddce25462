import hashlib
import sqlite3

import pytest
from peewee import IntegrityError

from store.db import SCHEMA_VERSION, StoreError, close_database, open_database
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
