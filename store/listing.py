"""The document list's pages: each row with the person's status and span count, sorted and
filtered in the store, at a cost that does not grow with the dataset.

Every order is walked through an index and paged by its key (keyset paging: the rows after
the last row shown, never OFFSET), so the first page and the hundredth cost the same:

- document order: the primary key; with a text filter, the search index in rowid order.
- title: an index on the first characters of the text (`document_title_order`), ties
  settled by the whole text, then the id.
- status depends on the person: their own annotation's, else pending. So the rows are
  taken from two sources each in key order, and merged: the person's own annotations
  (`annotation_by_person_status`: annotator, kind, status, document) and the documents
  they have not opened (in id order: all pending).
- span count (the person's annotation's spans, else the model's, else 0), as status: the
  person's own annotations by `annotation.span_count` (kept by the store, see
  store/span_counts.py; not by a trigger per span, which made imports a third slower on
  SQLite and twice as slow on PostgreSQL), merged with the documents they have not
  opened: those with predictions by the predictions' count
  (`annotation_predictions_by_spans`), and those without (count 0, in id order). Finding
  the last is a walk of the dataset (a second at a million documents), taken only when
  the counters say there are some.

Titles compare as bytes (COLLATE "C" on PostgreSQL), so that every source and the merge
order them alike.
"""
from __future__ import annotations

import heapq
import json
from dataclasses import dataclass

from peewee import PostgresqlDatabase

from annotate.versions import OWN
from store import counters, search
from store.models import database
from store.records import DocumentRow

SORT_KEYS = ("id", "status", "title", "spans")
PREFIX = 32  # characters of the text in the title index (ties: the whole text decides)
FTS_CAP = 5000  # more matches than this: walk the order and test each text instead

INDEXES = [
    "CREATE INDEX IF NOT EXISTS annotation_by_person_status ON annotation "
    "(annotator, kind, status, document_id) WHERE annotator IS NOT NULL",
]
TITLE_INDEX = {
    "sqlite": f"CREATE INDEX IF NOT EXISTS document_title_order ON document "
              f"(dataset_id, substr(text, 1, {PREFIX}))",
    "postgres": f"CREATE INDEX IF NOT EXISTS document_title_order ON document "
                f"(dataset_id, (substr(text, 1, {PREFIX}) COLLATE \"C\"))",
}


def install(db) -> None:
    """The indexes the list walks (run by the schema step)."""
    for statement in INDEXES:
        db.execute_sql(statement)
    db.execute_sql(TITLE_INDEX["postgres" if isinstance(db, PostgresqlDatabase) else "sqlite"])


@dataclass(frozen=True)
class ListQuery:
    dataset_id: int
    annotator: str
    status: str | None = None  # the row's status, as shown
    containing: str | None = None  # a piece of the text, any case
    sort: str = "id"
    descending: bool = False


def document_rows(
    dataset_id: int, annotator: str, after_id: int = 0, limit: int = 200,
    status: str | None = None, containing: str | None = None,
    sort: str = "id", descending: bool = False, offset: int = 0,
    after: DocumentRow | None = None,
) -> list[DocumentRow]:
    """A page of the document list: the rows after `after` (the last row of the previous
    page as it was fetched: its status and count are its key, even if they changed since)
    or after the document `after_id`; `offset` skips rows first."""
    if sort not in SORT_KEYS:
        raise ValueError(f"sort must be one of {', '.join(SORT_KEYS)}, not {sort!r}")
    query = ListQuery(dataset_id, annotator, status or None, containing or None, sort,
                      descending)
    rows = _Page(query, _cursor(query, after, after_id)).rows(limit + offset)[offset:]
    return [DocumentRow(doc_id, _title(start), row_status, count)
            for doc_id, start, row_status, count in rows]


def document_row(document_id: int, annotator: str) -> DocumentRow:
    """One row as it stands now (after an edit)."""
    found = _execute(f"SELECT {', '.join(_row_columns(None))} FROM document d {_own_join()} "
                     f"{_model_join()} WHERE d.id = ?", [annotator, document_id])
    [(doc_id, start, row_status, count)] = found
    return DocumentRow(doc_id, _title(start), row_status, count)


# Keys and cursors


def _cursor(query: ListQuery, after: DocumentRow | None, after_id: int) -> tuple | None:
    """The key of the row the page starts after, or None for the first page."""
    if after is None and not after_id:
        return None
    doc_id = after.id if after is not None else after_id
    if query.sort == "id":
        return (doc_id,)
    if query.sort == "title":  # titles never change: read the key
        found = _execute(f"SELECT {', '.join(_title_keys('d')[:2])} FROM document d "
                         "WHERE d.id = ?", [doc_id])
        return (*found[0], doc_id) if found else None
    row = after if after is not None else document_row(doc_id, query.annotator)
    return (row.status if query.sort == "status" else row.span_count, doc_id)


def _title_keys(alias: str) -> list[str]:
    """The title order: the indexed first characters, the whole text, the id."""
    collate = ' COLLATE "C"' if _postgres() else ""
    return [f"substr({alias}.text, 1, {PREFIX}){collate}", f"{alias}.text{collate}",
            f"{alias}.id"]


class _Page:
    """The sources a query's rows come from, each asked for a page after the cursor in
    key order, merged."""

    def __init__(self, query: ListQuery, cursor: tuple | None):
        self.query, self.cursor = query, cursor
        self.text = _TextFilter(query.containing) if query.containing else None

    def rows(self, limit: int) -> list[tuple]:
        sources = [self._fetch(sql, params, key_width, limit)
                   for sql, params, key_width in self._sources()]
        merged = heapq.merge(*sources, key=lambda keyed: keyed[0],
                             reverse=self.query.descending)
        return [row for _, row in list(merged)[:limit]]

    def _fetch(self, sql: str, params: list, key_width: int, limit: int) -> list[tuple]:
        """(key, row) pairs: the row's first four columns are shown, the rest are its key
        (before the id)."""
        found = _execute(f"{sql} LIMIT ?", [*params, limit], width=4 + key_width)
        return [((*r[4:4 + key_width], r[0]), r[:4]) for r in found]

    def _sources(self) -> list[tuple[str, list, int]]:
        q = self.query
        whole_list = q.status is None and q.sort in ("id", "title")
        if whole_list:
            if q.sort == "id" and self.text and self.text.indexed:
                return self._search_streams()
            return [self._documents()]
        sources = [self._own()]
        if q.status in (None, "pending"):  # the documents they have not opened: pending
            if q.sort == "spans":  # those without predictions, if any (a scan to find)
                sources.append(self._predicted())
                if counters.without_predictions(q.dataset_id):
                    sources.append(self._documents(unopened=True))
            else:
                sources.append(self._documents(unopened=True))
        return [s for s in sources if s is not None]

    # The sources

    def _documents(self, unopened: bool = False) -> tuple:
        """Documents of the dataset (or those the person has not opened), keyed by id or
        title."""
        q = self.query
        where, params = ["d.dataset_id = ?"], [q.dataset_id]
        if unopened:
            where.append(_NOT_OWN)
            params.append(q.annotator)
        keys = ["d.id"] if q.sort != "title" else _title_keys("d")
        constant = {"status": "'pending'", "spans": "0"}.get(q.sort)
        if unopened:
            if q.sort == "spans":  # without predictions: 0 spans (the rest: _predicted)
                where.append("p.id IS NULL")
            return self._select(f"FROM document d {_model_join()}", [], where, params, keys,
                                constant, own=False)
        return self._select(f"FROM document d {_own_join()} {_model_join()}",
                            [q.annotator], where, params, keys, constant)

    def _own(self) -> tuple | None:
        """The documents the person has their own annotation of, keyed by the sort."""
        q = self.query
        where = ["m.annotator = ?", f"m.kind = '{OWN}'", "d.dataset_id = ?"]
        params = [q.annotator, q.dataset_id]
        if q.status is not None:
            where.append("m.status = ?")
            params.append(q.status)
        keys = {"id": ["m.document_id"], "status": ["m.status", "m.document_id"],
                "title": _title_keys("d"), "spans": ["m.span_count", "m.document_id"]}[q.sort]
        return self._select(f"FROM annotation m {_THEN()} document d ON d.id = m.document_id",
                            [], where, params, keys, own=True)

    def _predicted(self) -> tuple | None:
        """The documents the person has not opened that have predictions, by their count
        (`annotation_predictions_by_spans`)."""
        q = self.query
        return self._select(
            f"FROM annotation p {_THEN()} document d ON d.id = p.document_id",
            [], ["p.annotator IS NULL", "d.dataset_id = ?", _NOT_OWN],
            [q.dataset_id, q.annotator], ["p.span_count", "p.document_id"], own=False)

    def _search_streams(self) -> list[tuple]:
        """Document order with a text filter on SQLite's index: matches straight from the
        index in rowid order (it stops at the page), and the documents still queued."""
        q = self.query
        joins = f"{_own_join()} {_model_join()}"
        indexed = self._select(
            f"FROM document_fts f CROSS JOIN document d ON d.id = f.rowid {joins}",
            [q.annotator], ["f.text LIKE ?", "d.dataset_id = ?"],
            [self.text.pattern, q.dataset_id], ["f.rowid"], text=False)
        queued = self._select(
            f"FROM search_queue s CROSS JOIN document d ON d.id = s.document_id {joins}",
            [q.annotator], ["d.text LIKE ?", "d.dataset_id = ?"],
            [self.text.pattern, q.dataset_id], ["s.document_id"], text=False)
        return [s for s in (indexed, queued) if s is not None]

    def _select(self, source: str, join_params: list, where: list[str], params: list,
                keys: list[str], constant: str | None = None, text: bool = True,
                own: bool | None = None):
        """SELECT the row columns and key columns from `source`, after the cursor in key
        order. `constant`: every row's key is this value, then the id (keys: the id).
        `own`: the source has the person's annotation as m (True), none (False), or m
        joined where there is one (None)."""
        where, params = list(where), [*join_params, *params]
        if text and self.text:
            condition, text_params = self.text.condition()
            where.append(condition)
            params += text_params
        shown = keys if constant is None else [constant, *keys]
        after = self._after(shown, constant)
        if after is False:
            return None  # the cursor is past all of this source
        if after:
            where.append(after[0])
            params += after[1]
        direction = " DESC" if self.query.descending else ""
        order = ", ".join(f"{k}{direction}" for k in keys)
        columns = _named([*_row_columns(own), *shown[:-1]])
        sql = f"SELECT {columns} {source} WHERE {' AND '.join(where)} ORDER BY {order}"
        return sql, params, len(shown) - 1

    def _after(self, keys: list[str], constant: str | None):
        """The condition for rows after the cursor: (sql, params), None for no condition,
        False when no row of the source can follow."""
        if self.cursor is None:
            return None
        op = "<" if self.query.descending else ">"
        if constant is not None:  # compare the constant here, the id in SQL
            value = _literal(constant)
            before, then_id = self.cursor[0], self.cursor[-1]
            if value == before:
                return f"{keys[-1]} {op} ?", [then_id]
            return None if (value > before) != self.query.descending else False
        if len(keys) == 1:
            return f"{keys[0]} {op} ?", [self.cursor[0]]
        places = ", ".join("?" * len(keys))
        condition = f"({', '.join(keys)}) {op} ({places})"
        if keys[0].startswith("substr("):  # the index's range, then the exact order
            condition = f"{keys[0]} {op}= ? AND {condition}"
            return condition, [self.cursor[0], *self.cursor]
        return condition, list(self.cursor)


class _TextFilter:
    """How to find a piece of text: the index's way where it has one, else LIKE."""

    def __init__(self, piece: str):
        self.piece = piece
        self.indexed = search.indexable(piece)
        self.pattern = f"%{piece}%"  # for the index: no wildcard in an indexable piece

    def condition(self) -> tuple[str, list]:
        """For any other order: the index's matches if they are few, else each text is
        tested as the order is walked (many matches: a page is found soon)."""
        if _postgres():  # backslash is PostgreSQL's escape for LIKE already
            return "d.text ILIKE ?", [search.like_pattern(self.piece)]
        if self.indexed and self._few_matches():
            return ("(d.id IN (SELECT rowid FROM document_fts WHERE text LIKE ?) OR (d.id IN "
                    "(SELECT document_id FROM search_queue) AND d.text LIKE ?))",
                    [self.pattern, self.pattern])
        return "d.text LIKE ? ESCAPE '\\'", [search.like_pattern(self.piece)]

    def _few_matches(self) -> bool:
        found = _execute("SELECT count(*) FROM (SELECT rowid FROM document_fts WHERE text "
                         f"LIKE ? LIMIT {FTS_CAP})", [self.pattern])[0][0]
        return found < FTS_CAP


# SQL pieces


def _row_columns(own: bool | None) -> list[str]:
    """id, the start of the text, status and span count: the person's annotation's (m),
    else pending and the model's (p)."""
    if own:
        return ["d.id", "substr(d.text, 1, 200)", "m.status", "m.span_count"]
    if own is False:
        return ["d.id", "substr(d.text, 1, 200)", "'pending'", "COALESCE(p.span_count, 0)"]
    return ["d.id", "substr(d.text, 1, 200)", "COALESCE(m.status, 'pending')",
            "COALESCE(m.span_count, p.span_count, 0)"]


_NOT_OWN = ("NOT EXISTS (SELECT 1 FROM annotation o WHERE o.document_id = d.id "
            f"AND o.annotator = ? AND o.kind = '{OWN}')")


def _own_join() -> str:
    return (f"LEFT JOIN annotation m ON m.document_id = d.id AND m.annotator = ? "
            f"AND m.kind = '{OWN}'")


def _model_join() -> str:
    return "LEFT JOIN annotation p ON p.document_id = d.id AND p.annotator IS NULL"


def _THEN() -> str:  # noqa: N802 (reads as the keyword it stands for)
    """A join that keeps its order: SQLite's planner, without statistics, would rather
    walk the dataset's documents and sort them than walk the person's annotations in
    index order. PostgreSQL plans by its statistics."""
    return "JOIN" if _postgres() else "CROSS JOIN"


def _literal(constant: str):
    return int(constant) if constant.isdigit() else constant.strip("'")


def _postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def _named(columns: list[str]) -> str:
    """The columns, named c0, c1, ... (what `_execute` with a width reads)."""
    return ", ".join(f"{column} AS c{n}" for n, column in enumerate(columns))


def _execute(sql: str, params: list, width: int | None = None) -> list[tuple]:
    """The rows. With a width (the columns named c0, c1, ... by `_named`; an ordered query
    has a LIMIT, which keeps its order), SQLite hands them over as one JSON value: a worker
    thread's sqlite3 takes Python's lock once per row fetched, and while the window's
    thread holds it each row waits (up to 5 ms: 1.9 s for a page of sparse matches at a
    million documents, against 0.5 s for the query)."""
    if _postgres():
        sql = sql.replace("%", "%%").replace("?", "%s")
        return list(database.execute_sql(sql, params).fetchall())
    if width is None:
        return list(database.execute_sql(sql, params).fetchall())
    places = ", ".join(f"c{n}" for n in range(width))
    [(found,)] = database.execute_sql(
        f"SELECT json_group_array(json_array({places})) FROM ({sql})", params).fetchall()
    return [tuple(row) for row in json.loads(found)]


def _title(start: str) -> str:
    first_line = next((line for line in start.splitlines() if line.strip()), "")
    return first_line.strip()[:120]
