"""QA reviews: draw accepted annotations into a sample, record verdicts, sum them up."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from peewee import chunked

from annotate.versions import OWN
from store.models import Annotation, Document, Review, database, utc_now

ERROR_CATEGORIES = ("missed span", "extra span", "wrong label", "wrong boundary")
VERDICTS = ("pass", "fail")


@dataclass(frozen=True)
class SampledAnnotation:
    review_id: int
    annotator: str
    document_id: int
    title: str


@dataclass(frozen=True)
class Verdict:
    verdict: str  # pending, pass or fail
    categories: tuple[str, ...] = ()
    comment: str = ""
    reviewer: str | None = None
    revision: int = field(default=0, compare=False)  # of the review, when it was read


class VerdictMoved(Exception):
    """Another reviewer recorded a verdict since this one was read."""


@dataclass(frozen=True)
class QueueItem:
    """One annotation drawn for review, as the window's review queue lists it."""

    review_id: int
    sample: str
    document_id: int
    annotator: str
    title: str
    verdict: Verdict


@dataclass
class AnnotatorReviews:
    annotator: str
    reviewed: int = 0
    passed: int = 0
    categories: Counter = field(default_factory=Counter)


def reviewable(dataset_id: int, annotator: str | None = None) -> list[tuple[str, int]]:
    """(annotator, annotation id) of accepted work not drawn for review yet."""
    query = (Annotation.select(Annotation.annotator, Annotation.id).join(Document)
             .where((Document.dataset == dataset_id) & (Annotation.status == "accepted")
                    & Annotation.annotator.is_null(False) & (Annotation.kind == OWN)
                    & Annotation.id.not_in(Review.select(Review.annotation))))
    if annotator:
        query = query.where(Annotation.annotator == annotator)
    return list(query.tuples())


def create_sample(annotation_ids: Sequence[int], name: str) -> list[SampledAnnotation]:
    """A review queue of these annotations, in one transaction."""
    with database.atomic():
        for chunk in chunked(annotation_ids, 500):  # within every database's parameter limit
            Review.insert_many([{"annotation": i, "sample": name} for i in chunk]).execute()
        rows = (Review.select(Review.id, Annotation.annotator, Document.id, Document.text)
                .join(Annotation).join(Document)
                .where(Review.sample == name).order_by(Annotation.annotator, Document.id)
                .tuples())
        return [SampledAnnotation(review_id, annotator, doc_id, _first_line(text))
                for review_id, annotator, doc_id, text in rows]


def record_review(review_id: int, reviewer: str, verdict: str,
                  categories: Sequence[str] = (), comment: str = "") -> None:
    if verdict not in VERDICTS:
        raise ValueError(f"a verdict is pass or fail, not {verdict!r}")
    _check_categories(categories)
    with database.atomic():
        Review.update(reviewer=reviewer, verdict=verdict, comment=comment,
                      categories=json.dumps(sorted(categories)), reviewed=utc_now(),
                      revision=Review.revision + 1).where(
            Review.id == review_id).execute()


def review_queue(dataset_id: int) -> list[QueueItem]:
    """Every drawn annotation of the dataset, oldest sample first: pending and reviewed."""
    rows = (Review.select(Review.id, Review.sample, Document.id, Annotation.annotator,
                          Document.text, Review.verdict, Review.categories, Review.comment,
                          Review.reviewer, Review.revision)
            .join(Annotation).join(Document)
            .where(Document.dataset == dataset_id)
            .order_by(Review.created, Review.id).tuples())
    return [QueueItem(review_id, sample, doc_id, annotator, _first_line(text),
                      Verdict(verdict, tuple(json.loads(categories)), comment, reviewer, revision))
            for review_id, sample, doc_id, annotator, text, verdict, categories, comment,
            reviewer, revision in rows]


def review_verdict(review_id: int) -> Verdict:
    row = Review.get_by_id(review_id)
    return Verdict(row.verdict, tuple(json.loads(row.categories)), row.comment, row.reviewer,
                   row.revision)


def set_verdict(review_id: int, verdict: Verdict, revision: int) -> int:
    """Stores a verdict, or (for an undo) puts the review back as it was, pending or not,
    if the review is still at `revision` (VerdictMoved if not); returns the new revision."""
    if verdict.verdict not in ("pending", *VERDICTS):
        raise ValueError(f"a verdict is pass or fail, not {verdict.verdict!r}")
    if verdict.verdict == "fail" and not verdict.categories:
        raise ValueError("a failed review needs at least one error category")
    _check_categories(verdict.categories)
    with database.atomic():
        moved = Review.update(
            verdict=verdict.verdict, categories=json.dumps(sorted(verdict.categories)),
            comment=verdict.comment, reviewer=verdict.reviewer,
            reviewed=None if verdict.verdict == "pending" else utc_now(),
            revision=Review.revision + 1,
        ).where((Review.id == review_id) & (Review.revision == revision)).execute()
    if not moved:
        raise VerdictMoved("another reviewer recorded a verdict on this work meanwhile")
    return revision + 1


def reviews_by_annotator(dataset_id: int) -> list[AnnotatorReviews]:
    """Per annotator: how much of their work was reviewed, passed, and why it failed."""
    summary: dict[str, AnnotatorReviews] = {}
    rows = (Review.select(Annotation.annotator, Review.verdict, Review.categories)
            .join(Annotation).join(Document)
            .where((Document.dataset == dataset_id) & (Review.verdict != "pending")).tuples())
    for annotator, verdict, categories in rows:
        entry = summary.setdefault(annotator, AnnotatorReviews(annotator))
        entry.reviewed += 1
        entry.passed += verdict == "pass"
        entry.categories.update(json.loads(categories))
    return [summary[name] for name in sorted(summary)]


def _check_categories(categories: Sequence[str]) -> None:
    unknown = set(categories) - set(ERROR_CATEGORIES)
    if unknown:
        raise ValueError(f"unknown error categories: {', '.join(sorted(unknown))}")


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:80]
