"""Agreement between annotators, and pass rates with their uncertainty. Pure functions.

Span-level: F1 between two annotators' spans, exact (same start, end and label) or partial
(same label, overlapping, matched one to one). Token-level: each token tagged with the label
of the span covering it ("O" outside any), then Cohen's kappa for two annotators and
Krippendorff's alpha (nominal) for any number, missing codes allowed.
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import permutations
from typing import Iterable, Sequence

from annotate.spans import Span, Tokens

OUTSIDE = "O"
Z_95 = 1.959963984540054  # the normal quantile for a two-sided 95% interval


@dataclass(frozen=True)
class SpanAgreement:
    matched: int
    first: int  # spans of the first annotator
    second: int

    @property
    def f1(self) -> float:
        """2 * matched / all spans; two annotators who marked nothing agree fully."""
        total = self.first + self.second
        return 1.0 if total == 0 else 2 * self.matched / total

    @property
    def precision(self) -> float:  # of the second against the first
        return 1.0 if self.second == 0 else self.matched / self.second

    @property
    def recall(self) -> float:
        return 1.0 if self.first == 0 else self.matched / self.first

    def __add__(self, other: "SpanAgreement") -> "SpanAgreement":
        return SpanAgreement(self.matched + other.matched, self.first + other.first,
                             self.second + other.second)


def span_agreement(
    first: Sequence[Span], second: Sequence[Span], partial: bool = False
) -> SpanAgreement:
    """Matched spans between two annotations of one document."""
    if not partial:
        matched = len(set(first) & set(second))  # Span equality: start, end, label
    else:
        matched = _partial_matches(first, second)
    return SpanAgreement(matched, len(first), len(second))


def _partial_matches(first: Sequence[Span], second: Sequence[Span]) -> int:
    """Same-label overlapping pairs, each span used once, largest overlaps first."""
    candidates = sorted(
        ((min(a.end, b.end) - max(a.start, b.start), i, j)
         for i, a in enumerate(first) for j, b in enumerate(second)
         if a.label == b.label and a.start < b.end and b.start < a.end),
        reverse=True)
    used_first, used_second = set(), set()
    for _, i, j in candidates:
        if i not in used_first and j not in used_second:
            used_first.add(i)
            used_second.add(j)
    return len(used_first)


def span_agreement_by_label(
    first: Sequence[Span], second: Sequence[Span], partial: bool = False
) -> dict[str, SpanAgreement]:
    labels = {s.label for s in first} | {s.label for s in second}
    return {label: span_agreement([s for s in first if s.label == label],
                                  [s for s in second if s.label == label], partial)
            for label in sorted(labels)}


def token_tags(tokens: Tokens, spans: Iterable[Span]) -> list[str]:
    """The label of the span covering each token, OUTSIDE for none. Where spans overlap,
    the one starting first (then the longer) wins."""
    tags = [OUTSIDE] * len(tokens.starts)
    for span in sorted(spans, key=lambda s: (s.start, s.start - s.end), reverse=True):
        # tokens from the first starting at or after the span's start, to the last ending
        # at or before its end (token ends rise with their starts)
        for index in range(bisect_left(tokens.starts, span.start),
                           bisect_right(tokens.ends, span.end)):
            tags[index] = span.label
    return tags


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float:
    """Cohen's kappa for two annotators' tags of the same tokens."""
    if len(first) != len(second):
        raise ValueError(f"the annotators tagged {len(first)} and {len(second)} tokens")
    if not first:
        return math.nan
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second)) / n
    count_a, count_b = Counter(first), Counter(second)
    expected = sum(count_a[label] * count_b[label] for label in count_a) / (n * n)
    if expected == 1.0:  # one tag everywhere for both: no chance to disagree
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(units: Sequence[Sequence[str | None]]) -> float:
    """Krippendorff's alpha, nominal, from the coincidence matrix.

    `units`: per token, each annotator's tag, None where that annotator did not code it.
    Units with fewer than two codes carry no information about agreement and are left out.
    NaN where nothing varies (one value throughout): there is no disagreement to expect.
    """
    coincidences: dict[tuple[str, str], float] = defaultdict(float)
    for unit in units:
        values = [v for v in unit if v is not None]
        if len(values) < 2:
            continue
        weight = 1 / (len(values) - 1)
        for c, k in permutations(values, 2):
            coincidences[c, k] += weight
    totals: Counter[str] = Counter()
    for (c, _), count in coincidences.items():
        totals[c] += count
    n = sum(totals.values())
    if n == 0:
        return math.nan
    disagreeing = sum(count for (c, k), count in coincidences.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if expected == 0:  # every pairable code the same value: alpha is 0/0, undefined
        return math.nan
    return 1 - (n - 1) * disagreeing / expected


def binary_tags(tags: Sequence[str], label: str) -> list[str]:
    """The tags as the label against everything else, for agreement per label."""
    return [label if tag == label else OUTSIDE for tag in tags]


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95% by default); (0, 1) with no trials."""
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class PairAgreement:
    first: str
    second: str
    documents: int
    exact: SpanAgreement
    partial: SpanAgreement
    kappa: float


@dataclass(frozen=True)
class LabelAgreement:
    label: str
    exact_f1: float  # over every pair
    kappa: float  # the label against everything else, over every pair's tokens
    alpha: float


@dataclass(frozen=True)
class AgreementReport:
    documents: int
    annotators: tuple[str, ...]
    pairs: tuple[PairAgreement, ...]
    alpha: float
    labels: tuple[LabelAgreement, ...]


def agreement_report(
    documents: Iterable[tuple[str, dict[str, Sequence[Span]]]], tokenize,
) -> AgreementReport:
    """Agreement over documents annotated by two or more people.

    `documents`: (text, {annotator: spans}); `tokenize(text)` gives the text's Tokens.
    Pairs compare the documents both annotated; alpha takes every annotator at once, a
    missing annotation counting as missing codes.
    """
    annotators: set[str] = set()
    tagged: list[dict[str, list[str]]] = []
    exact: dict[tuple[str, str], SpanAgreement] = defaultdict(lambda: SpanAgreement(0, 0, 0))
    partial: dict[tuple[str, str], SpanAgreement] = defaultdict(lambda: SpanAgreement(0, 0, 0))
    shared: Counter[tuple[str, str]] = Counter()
    label_spans: dict[str, SpanAgreement] = defaultdict(lambda: SpanAgreement(0, 0, 0))
    for text, by_annotator in documents:
        if len(by_annotator) < 2:
            continue
        annotators |= set(by_annotator)
        tokens = tokenize(text)
        tagged.append({who: token_tags(tokens, spans) for who, spans in by_annotator.items()})
        for a, b in _pairs(by_annotator):
            exact[a, b] += span_agreement(by_annotator[a], by_annotator[b])
            partial[a, b] += span_agreement(by_annotator[a], by_annotator[b], partial=True)
            shared[a, b] += 1
            for label, score in span_agreement_by_label(by_annotator[a],
                                                        by_annotator[b]).items():
                label_spans[label] += score
    order = tuple(sorted(annotators))
    pairs = tuple(
        PairAgreement(a, b, shared[a, b], exact[a, b], partial[a, b],
                      cohen_kappa(*_paired_tags(tagged, a, b)))
        for a, b in sorted(shared))
    labels = tuple(
        LabelAgreement(label, score.f1, _label_kappa(tagged, order, label),
                       krippendorff_alpha(_units(tagged, order, label)))
        for label, score in sorted(label_spans.items()))
    return AgreementReport(len(tagged), order, pairs, krippendorff_alpha(_units(tagged, order)),
                           labels)


def _pairs(by_annotator: dict) -> list[tuple[str, str]]:
    names = sorted(by_annotator)
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]


def _paired_tags(tagged, a: str, b: str, label: str | None = None) -> tuple[list, list]:
    first, second = [], []
    for document in tagged:
        if a in document and b in document:
            first += document[a] if label is None else binary_tags(document[a], label)
            second += document[b] if label is None else binary_tags(document[b], label)
    return first, second


def _label_kappa(tagged, annotators: tuple[str, ...], label: str) -> float:
    """Kappa of the label against everything else, over the tokens of every pair."""
    first, second = [], []
    for i, a in enumerate(annotators):
        for b in annotators[i + 1:]:
            more_first, more_second = _paired_tags(tagged, a, b, label)
            first += more_first
            second += more_second
    return cohen_kappa(first, second) if first else math.nan


def _units(tagged, annotators: tuple[str, ...], label: str | None = None) -> list[list]:
    units = []
    for document in tagged:
        columns = [document.get(who) for who in annotators]
        length = len(next(c for c in columns if c is not None))
        for index in range(length):
            codes = [None if column is None else column[index] for column in columns]
            if label is not None:
                codes = [None if c is None else (label if c == label else OUTSIDE)
                         for c in codes]
            units.append(codes)
    return units
