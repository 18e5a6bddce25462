"""The rules every text and span keeps in the store, checked by every writer: importers,
pre-annotation and scripts here; the window's edits in store.editing, inside their
transaction."""
from __future__ import annotations

from typing import Sequence

from peewee import chunked, fn

from annotate.document import TextDocument
from annotate.formats.checks import text_length_fault
from annotate.formats.errors import InputError
from annotate.spans import Mode, Span, SpanError, rule_break
from store.models import Dataset, Document

PAGE = 500  # documents per query


def dataset_mode(dataset_id: int) -> Mode:
    return Mode(Dataset.get_by_id(dataset_id).mode)


def check_imported(document: TextDocument, spans: Sequence[Span], mode: Mode) -> None:
    """The store's rules for texts and spans, applied to imported ones: named by file and
    text."""
    too_long = text_length_fault(document.text)
    if too_long:
        raise InputError(document.source or "input",
                         f"the text starting {document.text[:40]!r} {too_long}")
    broken = rule_break(spans, mode, len(document.text))
    if broken:
        hint = (" (a dataset made with --mode spans keeps overlapping spans)"
                if "overlaps" in broken else "")
        raise InputError(document.source or "input",
                         f"the text starting {document.text[:40]!r}: {broken}{hint}")


def text_length():
    """The text's length in characters, counted by the database (not coerced to text)."""
    return fn.LENGTH(Document.text).coerce(False)


def check_stored_spans(results: Sequence[tuple[int, Sequence[Span]]]) -> None:
    lengths: dict[int, tuple[int, str]] = {}
    for chunk in chunked([doc_id for doc_id, _ in results], PAGE):
        lengths.update((doc_id, (length, mode)) for doc_id, length, mode in
                       Document.select(Document.id, text_length(), Dataset.mode)
                       .join(Dataset).where(Document.id.in_(chunk)).tuples())
    for doc_id, spans in results:
        length, mode = lengths[doc_id]
        broken = rule_break(spans, Mode(mode), length)
        if broken:
            raise SpanError(f"document {doc_id}: {broken}")
