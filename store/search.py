"""Finding documents by a piece of their text, through an index where the database has one.

The filter matches a stretch of text anywhere, case-insensitively, as `LIKE '%...%'` does.

- SQLite: an FTS5 index of trigrams (`document_fts`, external content: it holds no copy of
  the text; detail=none keeps it at about a quarter of the text's size) answers `LIKE` for
  three characters or more. FTS5 is slow to update from a trigger (it writes its pending
  terms out at every statement: 5x the cost of the insert it rides on), so a trigger only
  notes a new document in `search_queue`, and `index_pending` moves queued documents into
  the index a batch at a time (the window does it in the background). Every document is
  always in the index or in the queue, and a search looks in both, so a result never
  depends on how far indexing got; with more than QUEUED_MAX queued (a large import not
  indexed yet) it reads every text instead. A SQLite without FTS5 or its trigram
  tokenizer (older than 3.34), a shorter piece, or one with `%`, `_` or `\\` in it: a
  plain LIKE.
- PostgreSQL: `ILIKE` with a pg_trgm GIN index on the text when the extension can be
  installed (it is a trusted extension: the database's owner may), else without.
"""
from __future__ import annotations

from peewee import Database, DatabaseError, PostgresqlDatabase

from store.models import database

MIN_INDEXED = 3  # trigrams: a shorter piece cannot use the index
BATCH = 500  # documents indexed per transaction: a short write lock each
# With more queued than this, the queue is no help: a search reads every text instead.
QUEUED_MAX = 20_000

_SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS document_fts USING fts5(text, content='document', "
    "content_rowid='id', tokenize='trigram', detail='none')",
    # Fewer, larger merges of the small segments batches write: half the cost per text.
    "INSERT INTO document_fts (document_fts, rank) VALUES ('automerge', 16)",
    "CREATE TABLE IF NOT EXISTS search_queue (document_id INTEGER NOT NULL PRIMARY KEY)",
    "CREATE TRIGGER IF NOT EXISTS search_document_insert AFTER INSERT ON document BEGIN "
    "INSERT OR IGNORE INTO search_queue (document_id) VALUES (NEW.id); END",
    # The index is told what it held (OLD.text), unless it never held it (still queued).
    "CREATE TRIGGER IF NOT EXISTS search_document_delete AFTER DELETE ON document BEGIN "
    "INSERT INTO document_fts (document_fts, rowid, text) SELECT 'delete', OLD.id, OLD.text "
    "WHERE NOT EXISTS (SELECT 1 FROM search_queue WHERE document_id = OLD.id); "
    "DELETE FROM search_queue WHERE document_id = OLD.id; END",
    "CREATE TRIGGER IF NOT EXISTS search_document_text AFTER UPDATE OF text ON document "
    "WHEN OLD.text IS NOT NEW.text BEGIN "
    "INSERT INTO document_fts (document_fts, rowid, text) SELECT 'delete', OLD.id, OLD.text "
    "WHERE NOT EXISTS (SELECT 1 FROM search_queue WHERE document_id = OLD.id); "
    "INSERT OR IGNORE INTO search_queue (document_id) VALUES (NEW.id); END",
]


def install(db: Database) -> None:
    """Makes the index (run by the schema step, in its transaction) of the documents there
    are: built in one pass, 30 s for a million documents of news, several times faster
    than adding them a batch at a time."""
    if isinstance(db, PostgresqlDatabase):
        try:
            with db.atomic():  # a savepoint: a refusal leaves the step's transaction usable
                db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            return  # not allowed here: ILIKE without an index
        db.execute_sql("CREATE INDEX IF NOT EXISTS document_text_trigrams ON document "
                       "USING gin (text gin_trgm_ops)")
        return
    try:
        with db.atomic():
            db.execute_sql(_SQLITE[0])
    except DatabaseError:  # no FTS5, or no trigram tokenizer: LIKE without an index
        return
    for statement in _SQLITE[1:]:
        db.execute_sql(statement)
    db.execute_sql("INSERT INTO document_fts (document_fts) VALUES ('rebuild')")


def has_index() -> bool:
    """Whether this SQLite store has the FTS5 index (False on PostgreSQL, which needs none
    of this: ILIKE uses its trigram index by itself)."""
    if isinstance(database.obj, PostgresqlDatabase):
        return False
    return bool(database.execute_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'document_fts'").fetchone())


def pending(up_to: int | None = None) -> int:
    """Documents waiting to be indexed (counted up to `up_to`: a bounded look)."""
    if not has_index():
        return 0
    limit = f" LIMIT {int(up_to)}" if up_to is not None else ""
    return database.execute_sql(
        f"SELECT count(*) FROM (SELECT 1 FROM search_queue{limit})").fetchone()[0]


def index_pending(batch: int = BATCH) -> int:
    """Indexes up to `batch` queued documents in one transaction; returns how many (0: none
    left). Documents of an import still being staged wait until it is published."""
    if not has_index():
        return 0
    with database.atomic():
        ids = [row[0] for row in database.execute_sql(
            "SELECT q.document_id FROM search_queue q JOIN document d ON d.id = q.document_id "
            "JOIN dataset s ON s.id = d.dataset_id WHERE s.staging_of_id IS NULL "
            "ORDER BY q.document_id LIMIT ?", (batch,))]
        if ids:
            places = ", ".join("?" * len(ids))
            database.execute_sql("INSERT INTO document_fts (rowid, text) SELECT id, text "
                                 f"FROM document WHERE id IN ({places})", ids)
            database.execute_sql(f"DELETE FROM search_queue WHERE document_id IN ({places})",
                                 ids)
    return len(ids)


def indexable(piece: str) -> bool:
    """Whether the FTS5 index can answer a search for this piece of text: one it can
    read (three characters, no wildcard), and few enough documents still queued."""
    return (len(piece) >= MIN_INDEXED and not any(c in piece for c in "%_\\")
            and has_index() and pending(up_to=QUEUED_MAX) < QUEUED_MAX)


def like_pattern(piece: str) -> str:
    """`%piece%` with LIKE's wildcards escaped (for `LIKE ? ESCAPE '\\'`)."""
    escaped = piece.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"

