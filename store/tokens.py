"""Documents' stored token boundaries: read where they are current, made where they are
missing or were made by another tokenizer (a migrated store, a spaCy upgrade)."""
from __future__ import annotations

from typing import Callable

from annotate.spans import Tokens
from annotate.stored_tokens import packed_tokens, tokenizer_id, unpack
from store.models import Document, database

PAGE = 500  # documents tokenized and written per transaction


def stored_tokens(blob: bytes | None, tokenizer: str | None) -> Tokens | None:
    """The stored tokens, unless there are none or another tokenizer made them."""
    if blob is None or tokenizer != tokenizer_id():
        return None
    return unpack(bytes(blob))  # PostgreSQL hands out a memoryview


def _stale(dataset_id: int | None):
    condition = Document.tokens.is_null() | (Document.tokenizer != tokenizer_id()) | (
        Document.tokenizer.is_null())
    return condition if dataset_id is None else condition & (Document.dataset == dataset_id)


def count_stale(dataset_id: int | None = None) -> int:
    """Documents whose tokens are missing or stale."""
    return Document.select().where(_stale(dataset_id)).count()


def tokenize_stale(dataset_id: int | None = None,
                   progress: Callable[[int], None] = lambda done: None) -> int:
    """Tokenizes the documents whose tokens are missing or stale, a page per transaction (a
    short lock each, and a stop keeps what was done); returns how many."""
    done = last_id = 0
    while True:
        rows = list(Document.select(Document.id, Document.text)
                    .where(_stale(dataset_id) & (Document.id > last_id))
                    .order_by(Document.id).limit(PAGE).tuples())
        if not rows:
            return done
        blobs = packed_tokens([text for _, text in rows], [None] * len(rows))
        with database.atomic():
            for (doc_id, _), blob in zip(rows, blobs):
                Document.update(tokens=blob, tokenizer=tokenizer_id()).where(
                    Document.id == doc_id).execute()
        last_id = rows[-1][0]
        done += len(rows)
        progress(len(rows))
