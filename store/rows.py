"""Writing rows fast: SQL made once, not by peewee for each row. Used where an import or
pre-annotation writes thousands of rows; every rule is checked by the caller first."""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Sequence

from peewee import (
    CharField, ForeignKeyField, IntegerField, OperationalError, TextField,
    __exception_wrapper__,
)

from annotate.spans import Span
from store import span_counts
from store.db import ReadOnlyError
from store.models import Span as SpanRow, database


def insert_row(model, **values) -> int:
    """Inserts one row, the model's defaults filling the rest, and returns its id. The SQL
    is made once per model: peewee building it for each of 100,000 imported documents cost
    more than the database storing them."""
    fields, sql = _insert_sql(model, type(database.obj))
    row = []
    for field in fields:
        value = values[field.name] if field.name in values else (
            field.default() if callable(field.default) else field.default)
        row.append(field.db_value(value))
    return database.execute_sql(sql, row).fetchone()[0]


def insert_rows(model, rows: Sequence[dict]) -> None:
    """Inserts rows in one executemany, the model's defaults filling the rest. Their ids
    are found afterwards by a unique key (executemany returns none)."""
    if not rows:
        return
    fields, sql = _insert_sql(model, type(database.obj))
    sql = sql[:sql.rindex(" RETURNING ")]
    # Per field: the type its values may go to the driver as they are in, its converter,
    # and its default converted once (a time: the same for every row of the call).
    columns = [(field.name, _plain_type(field), field.db_value,
                field.db_value(field.default() if callable(field.default) else field.default))
               for field in fields]
    values = []
    for row in rows:
        converted = []
        for name, plain, convert, default in columns:
            if name in row:
                value = row[name]
                converted.append(value if type(value) is plain else convert(value))
            else:
                converted.append(default)
        values.append(converted)
    _executemany(sql, values)


def _plain_type(field) -> type | None:
    """The type whose values the field's db_value gives back unchanged: converting each of
    a million values one by one through peewee cost more than the insert."""
    if isinstance(field, ForeignKeyField):
        return _plain_type(field.rel_field)
    if isinstance(field, (CharField, TextField)):
        return str
    if isinstance(field, IntegerField):
        return int
    return None


def keyed_ids(sql: str, keys: Sequence, params: Sequence = (), page: int = 500) \
        -> dict:
    """{key: id} from `sql`, a query of (key, id) ending in the key column, run with
    `IN (...)` a page of keys at a time: how rows just inserted by executemany are found.
    Plain SQL: peewee takes longer to build an IN of a thousand values than the database
    takes to answer it."""
    found: dict = {}
    for first in range(0, len(keys), page):
        chunk = keys[first:first + page]
        places = ", ".join([database.obj.param] * len(chunk))
        found.update(database.execute_sql(f"{sql} IN ({places})", [*params, *chunk]))
    return found


def _executemany(sql: str, values: list) -> None:
    """executemany, its faults reported as any query's: the driver's errors become peewee's,
    and a write to a store opened read-only says so (as ReadOnlySqliteDatabase.execute_sql)."""
    try:
        with __exception_wrapper__:
            database.cursor().executemany(sql, values)
    except OperationalError as error:
        reason = getattr(database.obj, "reason", None)
        if reason is not None and "readonly" in str(error):
            raise ReadOnlyError(reason) from error
        raise


@lru_cache(maxsize=None)
def _insert_sql(model, backend: type) -> tuple[tuple, str]:
    """The fields and INSERT statement of a model, for this kind of database (its
    placeholders differ)."""
    opening, closing = database.obj.quote
    fields = tuple(f for f in model._meta.sorted_fields if f is not model._meta.primary_key)
    columns = ", ".join(f"{opening}{f.column_name}{closing}" for f in fields)
    places = ", ".join([database.obj.param] * len(fields))
    return fields, (f"INSERT INTO {opening}{model._meta.table_name}{closing} ({columns}) "
                    f"VALUES ({places}) RETURNING {opening}id{closing}")


_SPAN_FIELDS = (SpanRow.annotation, SpanRow.start, SpanRow.end, SpanRow.label, SpanRow.source,
                SpanRow.value)


def insert_spans(rows: Iterable[tuple[int, Span]], counted: bool = False) -> None:
    """executemany, not insert_many: peewee builds a node per value, which cost more than
    spaCy's NER in the pre-annotation benchmark. `rows` may be a generator: an import's
    million spans are not listed twice. Their annotations' span counts move on in the same
    transaction (one UPDATE per annotation, see store/span_counts.py), unless `counted`:
    the annotations were just inserted with these spans' counts."""
    values = [(ann_id, s.start, s.end, s.label, s.source, s.value) for ann_id, s in rows]
    if not values:
        return
    opening, closing = database.obj.quote  # the database's identifier quotes, e.g. ""

    def quoted(name: str) -> str:
        return f"{opening}{name}{closing}"

    columns = ", ".join(quoted(field.column_name) for field in _SPAN_FIELDS)
    placeholders = ", ".join([database.obj.param] * len(_SPAN_FIELDS))
    sql = f"INSERT INTO {quoted(SpanRow._meta.table_name)} ({columns}) VALUES ({placeholders})"
    _executemany(sql, values)
    if not counted:
        _executemany(span_counts.adjust_sql(), span_counts.added(v[0] for v in values))
