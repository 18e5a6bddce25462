"""What comparing with the model shows, kept up to date edit by edit.

Worked out once when a document is opened or comparing is turned on; after that an edit
changes it only in the character ranges it touched (AnnotationSession.touched), found by
bisection, so an edit costs the same among ten thousand spans.
"""
from __future__ import annotations

from bisect import bisect_left
from typing import Sequence

from annotate.spans import Span


class Differences:
    """The model's spans the annotator removed (`ghosts`, in start order) and the model's
    spans as a set (`predicted`: a current span not in it was added)."""

    def __init__(self, reference: Sequence[Span], spans: Sequence[Span]):
        self.predicted = frozenset(reference)
        self._reference = sorted(self.predicted)
        current = set(spans)
        self.ghosts = [p for p in self._reference if p not in current]

    def update(self, spans: Sequence[Span], touched: Sequence[tuple[int, int]]) -> None:
        """After an edit: the ghosts starting in each touched range are looked at again.
        Only a span the edit added or removed changes whether it is a ghost, and the
        session counts those as touched. `spans` in start order (as the session keeps
        them)."""
        for start, end in touched:
            end = max(end, start + 1)
            low, high = _starting_in(self._reference, start, end)
            gone = [p for p in self._reference[low:high] if not _present(spans, p)]
            low, high = _starting_in(self.ghosts, start, end)
            self.ghosts[low:high] = gone


def _starting_in(spans: Sequence[Span], start: int, end: int) -> tuple[int, int]:
    """The slice of a start-ordered list whose spans start from `start` to before `end`."""
    low = bisect_left(spans, start, key=_start)
    return low, bisect_left(spans, end, lo=low, key=_start)


def _present(spans: Sequence[Span], span: Span) -> bool:
    at = bisect_left(spans, span)
    return at < len(spans) and spans[at] == span


def _start(span: Span) -> int:
    return span.start
