"""Span operations as pure functions: each takes a list of spans and returns a new one.

Offsets are character offsets into the document text, end exclusive (as spaCy and Prodigy
count them). Nothing here knows about the store or the window.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from enum import Enum
from operator import attrgetter, sub
from typing import Iterable, Sequence


class Mode(str, Enum):
    ENTITIES = "entities"  # spans may not overlap (what spaCy's NER trains on)
    SPANS = "spans"  # overlaps allowed (spancat, doc.spans)


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    label: str
    # Where the span came from: a model ("en_core_web_sm 3.8.0"), "numbers", "patterns",
    # "import" or an annotator's name. Not part of a span's identity.
    source: str = field(default="", compare=False)
    value: float | None = field(default=None, compare=False)

    def text(self, doc_text: str) -> str:
        return doc_text[self.start : self.end]


class SpanError(ValueError):
    """An edit that cannot be made; the message says why in words an annotator reads."""


class OverlapError(SpanError):
    def __init__(self, span: Span, conflicts: Sequence[Span]):
        self.span = span
        self.conflicts = tuple(conflicts)
        first = conflicts[0]
        super().__init__(
            f"{span.label} {span.start}-{span.end} overlaps {first.label} "
            f"{first.start}-{first.end}; entity mode allows no overlapping spans"
        )


def overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


_start = attrgetter("start")
_end = attrgetter("end")
_order = attrgetter("start", "end", "label")  # the fields Span's own ordering compares


def longest(spans: Sequence[Span]) -> int:
    """The longest span's length (0 for none): a bound for the lookups below, worked out
    once per document and raised as spans are added."""
    return max(map(sub, map(_end, spans), map(_start, spans)), default=0)


def _reaching(spans: Sequence[Span], start: int, end: int, reach: int) -> list[Span]:
    """Spans of a start-ordered list overlapping start-end, given that none is longer
    than `reach`: only those starting from `start - reach + 1` to before `end` can."""
    low = bisect_left(spans, start - reach + 1, key=_start)
    high = bisect_left(spans, end, lo=low, key=_start)
    return [s for s in spans[low:high] if s.end > start]


def find_overlaps(spans: Iterable[Span], candidate: Span,
                  reach: int | None = None) -> list[Span]:
    """The spans that overlap the candidate, in the order given.

    With `reach`, no span longer than it, and `spans` in start order (every function here
    keeps them so): found by bisection, a few steps whatever the number of spans. Without,
    every span is looked at."""
    if reach is None:
        return [s for s in spans if overlaps(s, candidate)]
    return _reaching(spans, candidate.start, candidate.end, reach)  # type: ignore[arg-type]


def covering(spans: Sequence[Span], offset: int, reach: int | None = None) -> list[Span]:
    """The spans covering the character at offset, in start order (see find_overlaps)."""
    if reach is None:
        return [s for s in spans if s.start <= offset < s.end]
    return _reaching(spans, offset, offset + 1, reach)


def innermost(spans: Sequence[Span], offset: int, reach: int | None = None) -> Span | None:
    """The shortest span covering the character at offset; the first of equals."""
    return min(covering(spans, offset, reach), key=lambda s: s.end - s.start, default=None)


def _entity_clashes(spans: Sequence[Span], new: Span) -> list[Span]:
    """find_overlaps for an entity-mode list (start order, no two spans overlapping, as
    add() and the store's rules keep it): ends rise with starts, so the clashing spans
    are one run, found by two bisections."""
    low = bisect_right(spans, new.start, key=_end)  # the first span ending after the start
    high = bisect_left(spans, new.end, lo=low, key=_start)  # the first starting at its end
    return list(spans[low:high])


def has_overlaps(spans: Iterable[Span]) -> bool:
    ordered = sorted(spans)
    return any(b.start < a.end for a, b in zip(ordered, ordered[1:]))


def rule_break(spans: Iterable[Span], mode: Mode, text_length: int) -> str | None:
    """The first rule a whole set of spans breaks, in words, or None: every span a stretch
    of the text, no span twice, and in entity mode no two overlapping. Sorted by start, an
    overlap always shows between neighbours (without one, ends rise with starts)."""
    ordered = sorted(spans, key=_order)  # a span's order, compared in C: imports check millions
    for span in ordered:
        if not 0 <= span.start < span.end <= text_length:
            return (f"{span.label} {span.start}-{span.end} is not a stretch of the text, "
                    f"which has {text_length} characters")
    for a, b in zip(ordered, ordered[1:]):
        if a == b:
            return f"{a.label} {a.start}-{a.end} is there twice"
        if mode is Mode.ENTITIES and b.start < a.end:
            return (f"{b.label} {b.start}-{b.end} overlaps {a.label} {a.start}-{a.end}; an "
                    "entity dataset allows no overlapping spans")
    return None


def _position(spans: Sequence[Span], span: Span) -> tuple[int, bool]:
    """Where the span is, or would go, in a sorted list, and whether it is there."""
    at = bisect_left(spans, span)
    return at, at < len(spans) and spans[at] == span


def add(spans: Sequence[Span], new: Span, mode: Mode = Mode.ENTITIES) -> list[Span]:
    """A new sorted list with the span; `spans` must be sorted (every function here keeps
    them so), which makes finding a span a bisection even among ten thousand. In entity
    mode they overlap nowhere (this refuses it, as do the store's rules), which makes the
    overlap check two bisections as well."""
    if new.start >= new.end:
        raise SpanError(f"an empty span ({new.start}-{new.end}) cannot be added")
    at, present = _position(spans, new)
    if present:
        raise SpanError(f"{new.label} {new.start}-{new.end} is already there")
    if mode is Mode.ENTITIES:
        clashing = _entity_clashes(spans, new)
        if clashing:
            raise OverlapError(new, clashing)
    return [*spans[:at], new, *spans[at:]]


def remove(spans: Sequence[Span], target: Span) -> list[Span]:
    at, present = _position(spans, target)
    if not present:
        raise SpanError(f"{target.label} {target.start}-{target.end} is not there")
    return [*spans[:at], *spans[at + 1:]]


def replace_span(
    spans: Sequence[Span], old: Span, new: Span, mode: Mode = Mode.ENTITIES
) -> list[Span]:
    """The old span changed into the new one (a relabel, new boundaries), checked as an
    addition would be: relabel and resize are both this."""
    return add(remove(spans, old), new, mode)


def relabel(spans: Sequence[Span], target: Span, label: str, source: str = "") -> list[Span]:
    changed = replace(target, label=label, source=source or target.source)
    return replace_span(spans, target, changed, Mode.SPANS)  # same place: no new overlap


def resize(
    spans: Sequence[Span], target: Span, start: int, end: int, mode: Mode = Mode.ENTITIES,
    source: str = "",
) -> list[Span]:
    # The old numeric value may no longer describe the new text; the caller re-parses it.
    changed = replace(target, start=start, end=end, source=source or target.source,
                      value=None)
    return replace_span(spans, target, changed, mode)


class Tokens:
    """Token boundaries of one text, for snapping and alignment checks."""

    def __init__(self, bounds: Iterable[tuple[int, int]]):
        pairs = sorted(bounds)
        self.starts = [s for s, _ in pairs]
        self.ends = [e for _, e in pairs]

    @classmethod
    def from_sorted(cls, starts: list[int], ends: list[int]) -> "Tokens":
        """From boundaries already in order (stored ones): no sorting, no pairs."""
        tokens = cls.__new__(cls)
        tokens.starts, tokens.ends = starts, ends
        return tokens

    @classmethod
    def of(cls, doc) -> "Tokens":
        """From a spaCy Doc. Runs of white space, which spaCy keeps as tokens, are left out:
        a span never starts or ends on one. Read as one array: walking the Doc's Token
        objects cost more than tokenizing."""
        starts, ends = word_bounds(doc)
        return cls.from_sorted(starts.tolist(), ends.tolist())

    def is_aligned(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, start)
        j = bisect_left(self.ends, end)
        return (
            i < len(self.starts) and self.starts[i] == start
            and j < len(self.ends) and self.ends[j] == end
        )

    def inside(self, start: int, end: int) -> tuple[int, int] | None:
        """The largest token-aligned range within the selection (None: no whole token)."""
        first = bisect_left(self.starts, start)  # first token starting at or after start
        last = bisect_right(self.ends, end) - 1  # last token ending at or before end
        if first >= len(self.starts) or last < first:
            return None
        return self.starts[first], self.ends[last]

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """The smallest token-aligned range covering every token the selection touches.

        None when the selection touches no token (white space only).
        """
        first = bisect_right(self.ends, start)  # first token ending after start
        last = bisect_left(self.starts, end) - 1  # last token starting before end
        if first >= len(self.starts) or last < first:
            return None
        return self.starts[first], self.ends[last]


def word_bounds(doc):
    """Start and end offsets (numpy arrays, in order) of a Doc's tokens that are not white
    space."""
    from spacy.attrs import IDX, IS_SPACE, LENGTH

    columns = doc.to_array([IDX, LENGTH, IS_SPACE]).astype("int64").reshape(-1, 3)
    words = columns[columns[:, 2] == 0]
    return words[:, 0], words[:, 0] + words[:, 1]
