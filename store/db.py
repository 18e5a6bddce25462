"""Opening the store: a SQLite file path or a database URL, with the schema checked.

A SQLite file that cannot be written (a read-only file or folder, read-only media) opens
read-only for reading and export; writes then fail with ReadOnlyError. An older schema is
upgraded, a SQLite file after a copy of it is made beside it (`<name>.bak-schema<N>`).
`store_opened()` says what opening found, for the window and the CLI to show.
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs
from peewee import Database, DatabaseError, ImproperlyConfigured, OperationalError, SqliteDatabase

from playhouse.migrate import SchemaMigrator, migrate

from store import counters, listing, search, span_counts
from store.backends import connect_url
from store.models import (
    MODELS, Annotation, Dataset, DatasetTally, Document, Review, Settled, database,
)

SCHEMA_VERSION = 8


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


def _add_partial(db: Database) -> None:
    """Partial annotations (Prodigy's binary answers) and the suggestions they rejected."""
    migrator = SchemaMigrator.from_database(db)
    have = {c.name for c in db.get_columns("annotation")}
    migrate(*(migrator.add_column("annotation", column, field, allow_not_null=True)
              for column, field in (("partial", Annotation.partial),
                                    ("rejected", Annotation.rejected))
              if column not in have))


def _add_tokens(db: Database) -> None:
    """Token boundaries stored with each document. Existing documents get them when first
    opened, or all at once from `main.py tokenize`."""
    migrator = SchemaMigrator.from_database(db)
    have = {c.name for c in db.get_columns("document")}
    migrate(*(migrator.add_column("document", column, field)
              for column, field in (("tokens", Document.tokens),
                                    ("tokenizer", Document.tokenizer))
              if column not in have))


def _add_navigation(db: Database) -> None:
    """Counts kept by triggers (store/counters.py), the document list's indexes and its
    text search (store/listing.py, store/search.py): navigation that does not read the
    whole dataset. Also run on a new store, after its tables are made."""
    db.create_tables(MODELS)  # the counters' tables, and any an old store lacks
    counters.install(db)
    listing.install(db)
    search.install(db)


def _add_span_counts(db: Database) -> None:
    """Each annotation's span count, kept by the store (store/span_counts.py), the
    indexes the document list sorts by it through, and a count of predicted documents. Counted in one statement: 4.7 s for
    the 10 million spans of a million documents (SQLite)."""
    migrator = SchemaMigrator.from_database(db)
    if "span_count" not in {c.name for c in db.get_columns("annotation")}:
        migrate(migrator.add_column("annotation", "span_count", Annotation.span_count,
                                    allow_not_null=True))
    span_counts.backfill(db)
    span_counts.install(db)
    # The documents with predictions, counted per dataset by the counters' triggers.
    if "predicted" not in {c.name for c in db.get_columns("dataset_tally")}:
        migrate(migrator.add_column("dataset_tally", "predicted", DatasetTally.predicted,
                                    allow_not_null=True))
    counters.install(db)


# Migration from version N to N+1: MIGRATIONS[N](db), each in one transaction with the
# version written at its end, so an interrupted upgrade leaves the old version whole.
MIGRATIONS: dict[int, object] = {1: _add_reviews, 2: _add_versions, 3: _add_revisions,
                                 4: _add_partial, 5: _add_tokens, 6: _add_navigation,
                                 7: _add_span_counts}

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,  # ms; the window and a CLI command may write at once
    "synchronous": "full",  # an accepted edit survives a power cut, not only a crash
}


# A read-only store: no pragma that writes, and a write refused by SQLite itself.
READ_ONLY_PRAGMAS = {"foreign_keys": 1, "busy_timeout": 5000, "query_only": 1}


class StoreError(Exception):
    """The database cannot be used as asked; the message names it and says why."""


class ReadOnlyError(StoreError, OperationalError):
    """A write to a store opened read-only. An OperationalError too, so that whoever reports
    a refused write (the window's edits) reports this one, with its reason."""


@dataclass(frozen=True)
class StoreOpened:
    """What opening the store found."""

    location: str
    read_only: str | None = None  # why it cannot be written; None when it can
    backup: Path | None = None  # the copy made before upgrading its schema
    notice: str = ""  # one line worth showing the user ("" when all is as usual)


_opened: StoreOpened | None = None


def store_opened() -> StoreOpened | None:
    """What the last open_database found (None before any)."""
    return _opened


def read_only() -> str | None:
    """Why the open store cannot be written, or None when it can."""
    return _opened.read_only if _opened else None


class ReadOnlySqliteDatabase(SqliteDatabase):
    """A SQLite file opened read-only (a `mode=ro` URI): writes raise ReadOnlyError."""

    def __init__(self, uri: str, reason: str):
        # DEFERRED: a transaction that only reads takes no write lock it could not have.
        super().__init__(uri, uri=True, pragmas=READ_ONLY_PRAGMAS, lock_type="DEFERRED")
        self.reason = reason

    def execute_sql(self, sql, params=None):
        try:
            return super().execute_sql(sql, params)
        except OperationalError as error:
            if "readonly" in str(error):  # "attempt to write a readonly database"
                raise ReadOnlyError(self.reason) from error
            raise


def default_location() -> Path:
    return platformdirs.user_data_path("goldspan", appauthor=False) / "goldspan.db"


def open_database(target: str | Path | None = None) -> Database:
    """Opens (creating if new) the store at a file path or URL and binds the models to it.

    A database that is not Goldspan's, or is from a newer Goldspan, is refused unchanged.
    """
    global _opened
    _opened = None
    name = str(target or default_location())
    uri = None  # the read-only URI of a SQLite file that cannot be written
    if "://" not in name:
        uri = _inspect_file(Path(name).expanduser(), name)  # before any pragma writes to it
    reason = uri[1] if uri else None
    db = _connect(name) if uri is None else ReadOnlySqliteDatabase(
        uri[0], f"{name} is read-only: {reason}")
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        version = _read_version(db)
        backup = _ensure_schema(db, name, version, set(db.get_tables()))
    except ReadOnlyError as error:
        db.close()
        raise StoreError(f"{error}; it must be written to open, being empty or from an "
                         "older Goldspan. Nothing was changed.") from error
    except (DatabaseError, ImproperlyConfigured) as error:  # unreachable server, no driver
        db.close()
        raise StoreError(f"{name}: cannot open this database ({error})") from error
    except StoreError:
        db.close()
        raise
    _opened = _describe(name, version, reason, backup)
    return db


def close_database() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()


def _inspect_file(path: Path, name: str) -> tuple[str, str] | None:
    """Checks an existing SQLite file read-only, so a refused file stays byte for byte.
    Returns (URI, reason) when the file cannot be written: it opens read-only."""
    if path.is_dir():
        raise StoreError(f"{name}: is a folder; give a database file")
    if not path.exists():
        if not os.access(_existing_parent(path), os.W_OK):
            raise StoreError(f"{name}: cannot create a database there: its folder cannot be "
                             "written to")
        return None
    reason = _why_read_only(path)
    uri = _read_only_uri(path, name) if reason else f"{path.resolve().as_uri()}?mode=ro"
    if path.stat().st_size == 0:
        return (uri, reason) if reason else None  # a new store, if it can be written
    try:
        with closing(sqlite3.connect(uri, uri=True)) as con:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{name}: not a database Goldspan can open ({error})") from error
    _refuse_foreign(name, version, tables)
    return (uri, reason) if reason else None


def _existing_parent(path: Path) -> Path:
    path = path.absolute()
    while not path.parent.exists() and path.parent != path:
        path = path.parent
    return path.parent


def _why_read_only(path: Path) -> str | None:
    """Why SQLite could not write the file (it also creates `-wal` and `-shm` files beside
    it), or None. Asks the system (access(2)), which answers for read-only media and
    immutable files even for root, who may write anything else. Not by opening the file:
    closing a descriptor would drop the locks SQLite holds on it in this process."""
    if hasattr(os, "statvfs") and os.statvfs(path).f_flag & os.ST_RDONLY:
        return "it is on a read-only file system"
    if not os.access(path, os.W_OK):
        return "the file is not writable (its permissions, or it is immutable)"
    if not os.access(path.parent, os.W_OK):
        return "its folder is not writable"
    return None


def _read_only_uri(path: Path, name: str) -> str:
    """How SQLite can read a WAL database it cannot write. With `mode=ro` it still needs
    the `-shm` index of the `-wal` file: one that exists, or one it can create in the
    folder. Else `immutable=1`, which reads the file alone, taking no locks and ignoring
    any `-wal`: right here, since nothing can write in that folder meanwhile, but not when
    a `-wal` holds changes not yet in the file, which only a writer can merge."""
    base = path.resolve().as_uri()
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    if os.access(path.parent, os.W_OK) or (wal.exists() and shm.exists()):
        return f"{base}?mode=ro"
    if wal.exists() and wal.stat().st_size > 0:
        raise StoreError(f"{name}: cannot be read in a read-only folder: recent changes are "
                         f"in {wal.name}, which SQLite merges only with write access. Copy "
                         "both files to a folder you can write to.")
    return f"{base}?mode=ro&immutable=1"


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


def _ensure_schema(db: Database, name: str, version: int, tables: set[str]) -> Path | None:
    """Creates or upgrades the tables; returns the copy made before an upgrade, if any."""
    _refuse_foreign(name, version, tables)
    if isinstance(db, ReadOnlySqliteDatabase) and version < SCHEMA_VERSION:
        raise ReadOnlyError(db.reason)
    if version == 0:
        with db.atomic():
            db.create_tables(MODELS)
            _add_navigation(db)
            span_counts.install(db)
            _write_version(db, SCHEMA_VERSION)
        return None
    if version == SCHEMA_VERSION:
        return None
    backup = _back_up(db, name, version) if isinstance(db, SqliteDatabase) else None
    for step in range(version, SCHEMA_VERSION):
        with db.atomic():
            MIGRATIONS[step](db)
            _write_version(db, step + 1)
    return backup


def _back_up(db: SqliteDatabase, name: str, version: int) -> Path | None:
    """Copies the whole file with SQLite's backup API (consistent even while another
    program writes) to `<name>.bak-schema<version>` beside it, never over an older copy.
    If the copy fails, nothing is upgraded."""
    path = Path(db.database)
    if str(path) == ":memory:":
        return None
    copy = path.with_name(f"{path.name}.bak-schema{version}")
    number = 1
    while copy.exists():
        number += 1
        copy = path.with_name(f"{path.name}.bak-schema{version}.{number}")
    try:
        with closing(sqlite3.connect(copy)) as target:
            db.connection().backup(target)
    except (sqlite3.Error, OSError) as error:
        for leftover in (copy, Path(f"{copy}-journal")):
            with suppress(OSError):
                leftover.unlink()
        raise StoreError(f"{name}: not upgraded from schema {version} to {SCHEMA_VERSION}: "
                         f"the copy made first, {copy}, failed ({error}). Nothing was "
                         "changed; free some space or make the folder writable.") from error
    return copy


def _describe(name: str, old_version: int, reason: str | None,
              backup: Path | None) -> StoreOpened:
    notice = ""
    if reason:
        notice = f"{name} is read-only: {reason}. You can look and export; changes are refused."
    elif 0 < old_version < SCHEMA_VERSION:
        notice = f"Upgraded {_shown(name)} from schema {old_version} to {SCHEMA_VERSION}; "
        notice += (f"the copy made first is {backup}." if backup else
                   "no copy was made first (a database server): back it up with its own "
                   "tools before the next upgrade, e.g. pg_dump -Fc.")
    return StoreOpened(name, reason, backup, notice)


def _shown(name: str) -> str:
    """The database's name without a password a URL may hold."""
    if "://" not in name:
        return name
    parts = urlsplit(name)
    if parts.password is None:
        return name
    host = parts.hostname or ""
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return parts._replace(netloc=f"{user}{host}{port}").geturl()


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
