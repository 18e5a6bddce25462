"""Several people's annotations of one document, split into what they agree on and what
they do not: the adjudicator settles each conflict by choosing one person's reading."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from annotate.spans import Span


@dataclass(frozen=True)
class Reading:
    """One way of annotating a conflict's region, and who annotated it that way."""

    spans: tuple[Span, ...]  # empty: no span here
    annotators: tuple[str, ...]


@dataclass(frozen=True)
class Conflict:
    start: int
    end: int
    readings: tuple[Reading, ...]  # most annotators first


@dataclass(frozen=True)
class Comparison:
    agreed: tuple[Span, ...]  # in every annotation
    conflicts: tuple[Conflict, ...]  # in text order


def compare(annotations: Mapping[str, Sequence[Span]]) -> Comparison:
    """Spans everyone has are agreed. The rest are grouped into regions of overlapping spans;
    each region is a conflict, read differently by at least two people."""
    names = sorted(annotations)
    sets = {name: set(annotations[name]) for name in names}
    agreed = set.intersection(*sets.values()) if sets else set()
    disputed = sorted({span for spans in sets.values() for span in spans} - agreed)
    conflicts = [
        _conflict(start, end, {name: tuple(sorted(s for s in sets[name] - agreed
                                                  if start <= s.start and s.end <= end))
                               for name in names})
        for start, end in _regions(disputed)
    ]
    return Comparison(tuple(sorted(agreed)), tuple(conflicts))


def differences(mine: Sequence[Span], theirs: Sequence[Span]) -> tuple[list[Span], list[Span]]:
    """(spans only in mine, spans only in theirs)."""
    mine_set, theirs_set = set(mine), set(theirs)
    return sorted(mine_set - theirs_set), sorted(theirs_set - mine_set)


def _regions(spans: list[Span]) -> list[tuple[int, int]]:
    """Connected stretches of overlapping spans (spans come sorted by start)."""
    regions: list[list[int]] = []
    for span in spans:
        if regions and span.start < regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], span.end)
        else:
            regions.append([span.start, span.end])
    return [(start, end) for start, end in regions]


def _conflict(start: int, end: int, by_name: dict[str, tuple[Span, ...]]) -> Conflict:
    readers: dict[tuple[Span, ...], list[str]] = {}
    for name, spans in by_name.items():
        readers.setdefault(spans, []).append(name)
    readings = sorted((Reading(spans, tuple(who)) for spans, who in readers.items()),
                      key=lambda r: (-len(r.annotators), r.spans))
    return Conflict(start, end, tuple(readings))
