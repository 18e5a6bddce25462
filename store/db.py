"""Opening the store: a SQLite file path or a database URL, with the schema checked."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import platformdirs
from peewee import Database, DatabaseError, ImproperlyConfigured, SqliteDatabase

from playhouse.migrate import SchemaMigrator, migrate

from store.backends import connect_url
from store.models import MODELS, Annotation, Dataset, Review, Settled, database

SCHEMA_VERSION = 4


def _add_reviews(db: Database) -> None:
    db.create_tables([Review])


def _add_versions(db: Database) -> None:
    """Reviewed and adjudicated versions beside people's own work; annotators per document."""
    migrator = SchemaMigrator.from_database(db)
    # allow_not_null: the columns' SQL defaults fill existing rows. Without it peewee rebuilds
    # a SQLite table to add NOT NULL, and dropping the old table cascades to its spans.
    migrate(
        migrator.add_column("annotation", "kind", Annotation.kind, allow_not_null=True),
        migrator.add_column("annotation", "based_on_id", Annotation.based_on),
        migrator.add_column("dataset", "annotators_per_document",
                            Dataset.annotators_per_document, allow_not_null=True),
    )
    # One annotation per (document, annotator) becomes one per (document, annotator, kind).
    db.execute_sql("DROP INDEX IF EXISTS annotation_document_id_annotator")
    Annotation._schema.create_indexes(safe=True)
    db.create_tables([Settled])


def _add_revisions(db: Database) -> None:
    """Revisions for optimistic concurrency, the adjudicated version's basis, and hidden
    staging datasets for imports committed in chunks."""
    migrator = SchemaMigrator.from_database(db)
    wanted = [("annotation", "revision", Annotation.revision),
              ("annotation", "basis", Annotation.basis),
              ("review", "revision", Review.revision),  # made with it by an older step
              ("dataset", "staging_of_id", Dataset.staging_of)]
    migrate(*(migrator.add_column(table, column, field, allow_not_null=True)
              for table, column, field in wanted
              if column not in {c.name for c in db.get_columns(table)}))


# Migration from version N to N+1: MIGRATIONS[N](db), each in one transaction with the
# version written at its end, so an interrupted upgrade leaves the old version whole.
MIGRATIONS: dict[int, object] = {1: _add_reviews, 2: _add_versions, 3: _add_revisions}

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,  # ms; the window and a CLI command may write at once
    "synchronous": "full",  # an accepted edit survives a power cut, not only a crash
}


class StoreError(Exception):
    """The database cannot be used as asked; the message names it and says why."""


def default_location() -> Path:
    return platformdirs.user_data_path("goldspan", appauthor=False) / "goldspan.db"


def open_database(target: str | Path | None = None) -> Database:
    """Opens (creating if new) the store at a file path or URL and binds the models to it.

    A database that is not Goldspan's, or is from a newer Goldspan, is refused unchanged.
    """
    name = str(target or default_location())
    if "://" not in name:
        _inspect_file(Path(name).expanduser(), name)  # before any pragma writes to it
    db = _connect(name)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        _ensure_schema(db, name, _read_version(db), set(db.get_tables()))
    except (DatabaseError, ImproperlyConfigured) as error:  # unreachable server, no driver
        db.close()
        raise StoreError(f"{name}: cannot open this database ({error})") from error
    except StoreError:
        db.close()
        raise
    return db


def close_database() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()


def _inspect_file(path: Path, name: str) -> None:
    """Checks an existing SQLite file read-only, so a refused file stays byte for byte."""
    if path.is_dir():
        raise StoreError(f"{name}: is a folder; give a database file")
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as con:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{name}: not a database Goldspan can open ({error})") from error
    _refuse_foreign(name, version, tables)


def _connect(name: str) -> Database:
    if "://" in name:
        try:
            return connect_url(name)
        except RuntimeError as error:  # a scheme playhouse.db_url does not know
            raise StoreError(f"{name}: cannot open this database ({error})") from error
    path = Path(name).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE: a transaction takes the write lock when it begins, so a writer waits out the
    # busy timeout; a deferred one that read first would fail at once on upgrading its lock.
    return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE")


def _refuse_foreign(name: str, version: int, tables: set[str]) -> None:
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{name}: written by a newer Goldspan (schema {version}; this one reads up to "
            f"{SCHEMA_VERSION}). Nothing was changed; update Goldspan to open it."
        )
    ours = {model._meta.table_name for model in MODELS} | {"goldspan_schema"}
    foreign = sorted(tables - ours)
    if version == 0 and foreign:
        raise StoreError(
            f"{name}: not a Goldspan database (it has tables {', '.join(foreign[:5])}). "
            "Nothing was changed."
        )


def _ensure_schema(db: Database, name: str, version: int, tables: set[str]) -> None:
    _refuse_foreign(name, version, tables)
    if version == 0:
        with db.atomic():
            db.create_tables(MODELS)
            _write_version(db, SCHEMA_VERSION)
        return
    for step in range(version, SCHEMA_VERSION):
        with db.atomic():
            MIGRATIONS[step](db)
            _write_version(db, step + 1)


def _read_version(db: Database) -> int:
    if isinstance(db, SqliteDatabase):
        return db.pragma("user_version")
    try:
        row = db.execute_sql("SELECT version FROM goldspan_schema").fetchone()
    except DatabaseError:  # no such table yet
        db.rollback()
        return 0
    return row[0] if row else 0


def _write_version(db: Database, version: int) -> None:
    if isinstance(db, SqliteDatabase):
        db.pragma("user_version", version)
        return
    db.execute_sql("CREATE TABLE IF NOT EXISTS goldspan_schema (version INTEGER NOT NULL)")
    db.execute_sql("DELETE FROM goldspan_schema")
    db.execute_sql(f"INSERT INTO goldspan_schema (version) VALUES ({db.param})", (version,))
