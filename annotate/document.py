"""Documents as readers produce them and writers consume them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence

from annotate.spans import Span


@dataclass(frozen=True)
class TextDocument:
    text: str
    spans: tuple[Span, ...] | None = None  # None: the input gave no spans at all
    meta: dict = field(default_factory=dict)
    source: str = ""  # the file it came from
    status: str = "pending"
    # People's work the file carries besides the spans (Label Studio): name -> (spans, status)
    annotations: dict[str, tuple[tuple[Span, ...], str]] = field(default_factory=dict)


class ExportableDocument(Protocol):
    text: str
    spans: Sequence[Span]
    meta: dict
    status: str


@dataclass(frozen=True)
class Misaligned:
    """A span whose offsets fall inside a token, so spaCy cannot represent it."""

    document: int  # position in the export, from 1
    span: Span
    text: str


@dataclass
class ExportReport:
    documents: int = 0
    spans: int = 0
    misaligned: list[Misaligned] = field(default_factory=list)
    overlapping_documents: int = 0  # written to doc.spans only, not doc.ents
