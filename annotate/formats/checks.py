"""Checks every importer applies to the texts and spans it reads."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from annotate.formats.errors import InputError
from annotate.labels import label_fault
from annotate.spans import Span, Tokens

IMPORT_SOURCE = "import"
# What one text may hold, set by the store rather than spaCy (tokens are made by the
# tokenizer alone, which has no limit, and pre-annotation runs in pieces): SQLite holds a
# value of up to 1e9 bytes, and a text takes up to 4 bytes a character as UTF-8, its stored
# tokens up to 8 bytes a character (a token per character of punctuation).
MAX_TEXT_LENGTH = 100_000_000


def text_length_fault(text: str) -> str | None:
    """Why the text is too long to store, or None."""
    if len(text) <= MAX_TEXT_LENGTH:
        return None
    return (f"has {len(text):,} characters, over the {MAX_TEXT_LENGTH:,} a document may "
            "hold; split it into smaller documents")


def checked_text(path: Path, line: int | str | None, text,
                 missing: str = "the text is empty") -> str:
    """The text of a document, or an InputError saying why it cannot be one."""
    if not isinstance(text, str) or not text.strip():
        raise InputError(path, missing, line)
    too_long = text_length_fault(text)
    if too_long:
        raise InputError(path, f"the text {too_long}", line)
    return text


def checked_label(path: Path, line: int | str | None, label) -> str:
    fault = label_fault(label)
    if fault:
        raise InputError(path, fault, line)
    return label


def checked_span(
    path: Path, line: int | str | None, text: str, start, end, label, tokens: Tokens,
    source: str = IMPORT_SOURCE,
) -> Span:
    """A span from an input file, or an InputError saying what is wrong with it."""
    if (not (type(start) is int and type(end) is int)  # as JSON gives them: one quick look
            and not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end))):
        raise InputError(path, f"span start and end must be whole numbers, got {start!r} "
                               f"and {end!r}", line)
    if label is None or label == "":
        raise InputError(path, f"span {start}-{end} has no label", line)
    checked_label(path, line, label)
    if not 0 <= start < end <= len(text):
        raise InputError(path, f"span {start}-{end} ({label}) is outside the text, which has "
                               f"{len(text)} characters", line)
    span = Span(start, end, label, source)
    if tokens.is_aligned(start, end):
        return span
    alignment = _alignment.get()
    if alignment is None:  # a reader used on its own: the first such span refuses the file
        raise InputError(path, f"span {start}-{end} ({label}, {text[start:end]!r}) does not "
                               "start and end on token boundaries", line)
    return alignment.meet(path, line, text, span, tokens)


# What an import does with a span that starts or ends inside a token (`--misaligned`):
MISALIGNED_CHOICES = {
    "refuse": "list every such span and import nothing",
    "keep": "store the character span as it is (exports mark its tokens missing)",
    "expand": "widen it to the tokens it touches",
    "contract": "narrow it to the tokens wholly inside it",
    "skip": "leave it out, counted",
}


@dataclass(frozen=True)
class OffBoundary:
    """A span read off token boundaries, and what became of it (None: left out)."""

    where: str  # file:line
    span: Span
    seen: str  # the span's text in brackets with a few neighbouring characters
    outcome: Span | None


@dataclass
class Alignment:
    """The import's choice for misaligned spans, and every such span met while reading."""

    choice: str = "refuse"
    met: list[OffBoundary] = field(default_factory=list)

    def meet(self, path: Path, line, text: str, span: Span, tokens: Tokens) -> Span:
        """The span to read in its place. A span to refuse or skip is read as it is and
        taken out (or refused) once its document has been read."""
        if self.choice == "expand":
            bounds = tokens.snap(span.start, span.end)
        elif self.choice == "contract":
            bounds = tokens.inside(span.start, span.end)
        else:
            bounds = (span.start, span.end)
        outcome = (None if bounds is None or self.choice in ("skip", "refuse")
                   else Span(*bounds, span.label, span.source, span.value))
        where = f"{path}:{line}" if line is not None else str(path)
        seen = (f"{text[max(0, span.start - 12):span.start]}[{text[span.start:span.end]}]"
                f"{text[span.end:span.end + 12]}").replace("\n", " ")
        self.met.append(OffBoundary(where, span, seen, outcome))
        return outcome or span


_alignment: ContextVar[Alignment | None] = ContextVar("alignment", default=None)


@contextmanager
def aligning(alignment: Alignment) -> Iterator[Alignment]:
    """Readers called inside apply this choice to misaligned spans instead of refusing."""
    token = _alignment.set(alignment)
    try:
        yield alignment
    finally:
        _alignment.reset(token)
