"""Writing rows fast: SQL made once, not by peewee for each row. Used where an import or
pre-annotation writes thousands of rows; every rule is checked by the caller first."""
from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from peewee import __exception_wrapper__

from annotate.spans import Span
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


def insert_spans(rows: Sequence[tuple[int, Span]]) -> None:
    """executemany, not insert_many: peewee builds a node per value, which cost more than
    spaCy's NER in the pre-annotation benchmark."""
    if not rows:
        return
    opening, closing = database.obj.quote  # the database's identifier quotes, e.g. ""

    def quoted(name: str) -> str:
        return f"{opening}{name}{closing}"

    columns = ", ".join(quoted(field.column_name) for field in _SPAN_FIELDS)
    placeholders = ", ".join([database.obj.param] * len(_SPAN_FIELDS))
    sql = f"INSERT INTO {quoted(SpanRow._meta.table_name)} ({columns}) VALUES ({placeholders})"
    with __exception_wrapper__:  # the driver's errors become peewee's, as for any query
        database.cursor().executemany(
            sql, [(ann_id, s.start, s.end, s.label, s.source, s.value) for ann_id, s in rows])
