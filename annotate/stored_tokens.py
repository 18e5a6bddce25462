"""Token boundaries computed once, at import, and stored with the document: opening,
snapping, exporting and comparing read them instead of running spaCy's tokenizer again.

Stored are the boundaries of spaCy's tokens that are not white space, as little-endian
int32 pairs. spaCy's white-space tokens and `whitespace_` follow from them and the text
(`words_and_spaces`): a gap that starts with a space gives the token before it a trailing
space, and whatever else the gap holds is one white-space token; so a Doc built from the
stored words is the Doc spaCy's tokenizer makes of the text.
"""
from __future__ import annotations

import sys
from array import array
from functools import lru_cache

from annotate.spans import Tokens, word_bounds


@lru_cache(maxsize=1)
def spacy_version() -> str:
    """The installed spaCy's version, read from its package's metadata, not by importing it."""
    from importlib import metadata

    return metadata.version("spacy")


def tokenizer_id() -> str:
    """Names the tokenizer stored tokens came from; stored tokens of another are stale."""
    return f"spacy-{spacy_version()}-en"


def pack(doc) -> bytes:
    """A spaCy Doc's non-space token boundaries, packed."""
    import numpy

    starts, ends = word_bounds(doc)
    return numpy.column_stack((starts, ends)).astype("<i4").tobytes()


def pack_tokens(tokens: Tokens) -> bytes:
    bounds = array("i", bytes(8 * len(tokens.starts)))
    bounds[0::2] = array("i", tokens.starts)
    bounds[1::2] = array("i", tokens.ends)
    return _bytes(bounds)


def _bytes(bounds: array) -> bytes:
    if sys.byteorder == "big":
        bounds.byteswap()
    return bounds.tobytes()


def packed_tokens(texts: list[str], known: list[bytes | None]) -> list[bytes]:
    """Each text's packed tokens: those known already, the others from spaCy's tokenizer
    in one pass."""
    missing = [text for text, blob in zip(texts, known) if blob is None]
    if not missing:
        return list(known)
    from annotate.tokenizer import english

    made = iter([pack(doc) for doc in english().tokenizer.pipe(missing, batch_size=256)])
    return [blob if blob is not None else next(made) for blob in known]


def unpack(blob: bytes) -> Tokens:
    bounds = array("i")
    bounds.frombytes(blob)
    if sys.byteorder == "big":
        bounds.byteswap()
    return Tokens.from_sorted(bounds[0::2].tolist(), bounds[1::2].tolist())


def words_and_spaces(text: str, tokens: Tokens) -> tuple[list[str], list[bool]]:
    """The words and trailing spaces of spaCy's Doc of the text, white-space tokens included,
    for `Doc(vocab, words=..., spaces=...)`."""
    words: list[str] = []
    spaces: list[bool] = []
    position = 0
    for start, end in zip(tokens.starts, tokens.ends):
        _gap(text, position, start, words, spaces)
        words.append(text[start:end])
        spaces.append(False)
        position = end
    _gap(text, position, len(text), words, spaces)
    return words, spaces


def spacy_bounds(text: str, tokens: Tokens) -> list[tuple[int, int]]:
    """(start, end) of each token of spaCy's Doc of the text, white-space tokens included:
    what words_and_spaces gives, as offsets, without building the Doc."""
    bounds: list[tuple[int, int]] = []
    position = 0
    for start, end in zip([*tokens.starts, len(text)], [*tokens.ends, len(text)]):
        gap = position
        if bounds and gap < start and text[gap] == " ":  # the trailing space of a word
            gap += 1
        if gap < start:
            bounds.append((gap, start))
        if start < end:
            bounds.append((start, end))
        position = end
    return bounds


def _gap(text: str, start: int, end: int, words: list[str], spaces: list[bool]) -> None:
    if start == end:
        return
    if words and not spaces[-1] and text[start] == " ":  # the word before takes one space
        spaces[-1] = True
        start += 1
    if start < end:
        words.append(text[start:end])
        spaces.append(False)


def spacy_doc(text: str, tokens: Tokens | None = None):
    """spaCy's Doc of the text: built from its stored tokens where given (five times faster
    than tokenizing news text), else from the tokenizer."""
    from annotate.tokenizer import english, make_doc

    if tokens is None:
        return make_doc(text)
    from spacy.tokens import Doc

    words, spaces = words_and_spaces(text, tokens)
    doc = Doc(english().vocab, words=words, spaces=spaces)
    pieces = _special_pieces()
    special = [i for i, word in enumerate(words) if word in pieces]
    if special:
        _special_norms(doc, text, special)
    return doc


@lru_cache(maxsize=1)
def _special_pieces() -> frozenset[str]:
    """Tokens the tokenizer's special cases give a norm of their own ("Aug." -> "August",
    "n't" -> "not"), which a Doc built from words would not have."""
    from spacy.attrs import NORM, ORTH

    from annotate.tokenizer import english

    return frozenset(piece[ORTH] for pieces in english().tokenizer.rules.values()
                     for piece in pieces if NORM in piece)


def _special_norms(doc, text: str, special: list[int]) -> None:
    """Gives special-case tokens the norm the tokenizer gives them. Their stretch of text
    between white space is tokenized again: the tokenizer treats each such stretch on its
    own, so this is the norm it gave, whichever special case (of several) made the token."""
    done = -1
    for i in special:
        token = doc[i]
        if token.idx < done:
            continue
        start, end = token.idx, token.idx + len(token.text)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        while end < len(text) and not text[end].isspace():
            end += 1
        norms = dict(_chunk_norms(text[start:end]))
        for other in doc.char_span(start, end, alignment_mode="expand") or ():
            if other.idx - start in norms:
                other.norm_ = norms[other.idx - start]
        done = end


@lru_cache(maxsize=65_536)
def _chunk_norms(chunk: str) -> tuple[tuple[int, str], ...]:
    """(offset, norm) of each token of a stretch of text without white space; the same
    stretches ("Smith's", "don't") come back again and again."""
    from annotate.tokenizer import english

    return tuple((t.idx, t.norm_) for t in english().tokenizer(chunk))


def document_doc(document):
    """The Doc of an exported document (its `tokens` as stored, where it has them: Tokens,
    or packed as a reader made them)."""
    tokens = getattr(document, "tokens", None)
    if isinstance(tokens, bytes):
        tokens = unpack(tokens)
    return spacy_doc(document.text, tokens)
