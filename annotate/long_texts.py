"""Long texts through a spaCy pipeline: cut into pieces at paragraph, line or sentence
boundaries, the pieces' spans shifted back and joined into one list per document.

spaCy refuses a text over `nlp.max_length` (1,000,000 characters), and the NER's memory
grows with the characters it is given at once (en_core_web_sm: 0.4 GB for one piece of
100,000 characters, 6 GB for a batch of 64 such pieces). So texts go in pieces of at most
PIECE_CHARACTERS, and a batch holds at most BATCH_CHARACTERS beyond its first text. A text
that fits in one piece goes whole, as it always did.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable, Iterator, NamedTuple, Sequence

from annotate.spans import Span

PIECE_CHARACTERS = 50_000
BATCH_CHARACTERS = 100_000
# Where a piece may end, best first: after a blank line, a line break, a sentence's end
# (". ", "? ", "!\" "), white space. The last one found in the piece's second half wins;
# a stretch with none of them (no white space in 25,000 characters) is cut where it must be.
BOUNDARIES = (re.compile(r"\n[ \t]*\n\s*"), re.compile(r"\n\s*"),
              re.compile(r"[.!?][\"'\u2019\u201d)\]]*\s+"), re.compile(r"\s+"))


class Piece(NamedTuple):
    """Where a piece sits in its document; `last` closes the document."""

    doc_id: object
    offset: int
    last: bool


def cut(text: str, limit: int = PIECE_CHARACTERS) -> list[int]:
    """The offsets where the text's pieces start: each piece holds at most `limit`
    characters and ends on the best boundary its second half has."""
    starts = [0]
    while len(text) - starts[-1] > limit:
        start = starts[-1]
        starts.append(_boundary(text, start + limit // 2, start + limit) or start + limit)
    return starts


def _boundary(text: str, earliest: int, latest: int) -> int | None:
    """The end of the last boundary of the best kind ending in [earliest, latest]."""
    for pattern in BOUNDARIES:
        ends = [m.end() for m in pattern.finditer(text, earliest, latest)]
        if ends:
            return ends[-1]
    return None


def pieces(documents: Iterable[tuple[object, str]],
           limit: int = PIECE_CHARACTERS) -> Iterator[tuple[Piece, str]]:
    """Each (doc_id, text) as (Piece, piece of the text), in order."""
    for doc_id, text in documents:
        starts = cut(text, limit)
        for start, end in zip(starts, [*starts[1:], len(text)]):
            yield Piece(doc_id, start, end == len(text)), text[start:end]


def joined(results: Iterable[tuple[Piece, Sequence[Span]]]) -> Iterator[tuple[object, list[Span]]]:
    """(doc_id, spans) per document from its pieces' results, given in piece order; each
    piece's spans shifted by its offset."""
    spans: list[Span] = []
    for piece, found in results:
        spans.extend(found if piece.offset == 0 else
                     (replace(s, start=s.start + piece.offset, end=s.end + piece.offset)
                      for s in found))
        if piece.last:
            yield piece.doc_id, spans
            spans = []


def batches(items: Iterable[tuple[object, str]], size: int,
            characters: int = BATCH_CHARACTERS) -> Iterator[list[tuple[object, str]]]:
    """Lists of at most `size` (key, text) items, and of at most `characters` characters
    unless one text alone holds more."""
    batch: list[tuple[object, str]] = []
    held = 0
    for item in items:
        if batch and (len(batch) >= size or held + len(item[1]) > characters):
            yield batch
            batch, held = [], 0
        batch.append(item)
        held += len(item[1])
    if batch:
        yield batch

