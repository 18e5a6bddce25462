"""Plain dataclasses the store hands out and takes in; callers never see peewee rows."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Sequence

from annotate.labels import LabelRecord
from annotate.spans import Mode, Span, Tokens
from annotate.versions import OWN

STATUSES = ("pending", "accepted", "rejected", "skipped")


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    return status


@dataclass(frozen=True)
class DatasetRecord:
    id: int
    name: str
    mode: Mode
    labels: tuple[LabelRecord, ...]
    annotators_per_document: int = 1


@dataclass(frozen=True)
class ImportResult:
    added: int  # new documents
    duplicates: int  # texts the dataset had already
    annotations: int = 0  # imported as an annotator's work
    already_annotated: int = 0  # that annotator had annotated the text: left as it was
    # Per file the documents came from (TextDocument.source): (added, duplicates).
    by_source: dict[str, tuple[int, int]] = field(default_factory=dict)
    labels_added: tuple[str, ...] = ()  # to the dataset's label set (--add-labels)


@dataclass(frozen=True)
class CurrentDocument:
    """A document with the spans that currently stand for it (see store.queries)."""

    id: int
    text: str
    content_hash: str
    meta: dict
    status: str
    annotator: str | None  # None: the model's predictions
    spans: tuple[Span, ...]
    # Partial work (Prodigy's binary answers): the suggestions rejected; None: complete.
    rejected: tuple[Span, ...] | None = None
    tokens: Tokens | None = None  # as stored at import; None: not stored (or stale)

    @property
    def partial(self) -> bool:
        return self.rejected is not None


def rejected_json(rejected: Sequence[Span] | None) -> str | None:
    """How an annotation's rejected suggestions are stored: [[start, end, label], ...]."""
    if rejected is None:
        return None
    return json.dumps([[span.start, span.end, span.label] for span in rejected],
                      ensure_ascii=False)


def rejected_spans(stored: str | None, partial: bool) -> tuple[Span, ...] | None:
    if not partial:
        return None
    return tuple(Span(start, end, label) for start, end, label in json.loads(stored or "[]"))


@dataclass(frozen=True)
class DatasetStats:
    documents: int
    predicted: int
    by_status: dict[str, int]
    by_label: dict[str, int]


@dataclass(frozen=True)
class AnnotationKey:
    """Which annotation an edit is for: a person's own work on a document, a reviewer's
    correction of it (kind "reviewed", under the annotator's name) or the document's
    adjudicated version (kind "adjudicated", annotator: the adjudicator)."""

    document_id: int
    annotator: str
    kind: str = OWN


@dataclass(frozen=True)
class AnnotationRecord:
    """One annotation of a document, as the window shows it."""

    key: AnnotationKey
    text: str
    status: str
    spans: tuple[Span, ...]
    predictions: tuple[Span, ...]  # the model's
    # What the view compares the annotation with: the model's spans, or for the adjudicated
    # version every span any person annotated.
    reference: tuple[Span, ...] = ()
    revision: int = 0  # what the next write names (0: the annotation does not exist yet)
    # Partial work (Prodigy's binary answers): the suggestions rejected; None: complete.
    rejected: tuple[Span, ...] | None = None
    tokens: Tokens | None = None  # as stored at import; None: not stored (or stale)


@dataclass(frozen=True)
class DocumentRow:
    """A line of the document list."""

    id: int
    title: str
    status: str
    span_count: int
