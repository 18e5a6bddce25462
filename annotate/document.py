"""Documents as readers produce them and writers consume them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator, Protocol, Sequence

from annotate.spans import Span


# Whose work partial annotations are when the file names nobody and the import no annotator.
UNNAMED_PARTIAL_WORK = "prodigy"


@dataclass(frozen=True)
class TextDocument:
    text: str
    spans: tuple[Span, ...] | None = None  # None: the input gave no spans at all
    meta: dict = field(default_factory=dict)
    source: str = ""  # the file it came from
    status: str = "pending"
    # People's work the file carries besides the spans (Label Studio): name -> (spans, status)
    annotations: dict[str, tuple[tuple[Span, ...], str]] = field(default_factory=dict)
    # Partial work (Prodigy's binary answers): `spans` are the accepted suggestions, these
    # the rejected ones, and every other token is unknown. None: the spans are complete.
    rejected: tuple[Span, ...] | None = None
    # spaCy's tokens of the text, packed (annotate.stored_tokens), where the reader made them:
    # derived from the text, so not part of what makes two documents equal.
    tokens: bytes | None = field(default=None, compare=False, repr=False)

    @property
    def partial(self) -> bool:
        return self.rejected is not None


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
    # Partial annotations a format without "unknown" would turn into complete ones: left out.
    partial_held_back: int = 0


def complete_only(documents: Iterable, report: ExportReport) -> Iterator:
    """The documents whose spans are complete; partial ones (Prodigy's binary answers) are
    counted in the report instead, for formats where every token without a span reads as
    "no entity"."""
    for document in documents:
        if getattr(document, "partial", False):
            report.partial_held_back += 1
        else:
            yield document
