"""Checks every importer applies to the texts and spans it reads."""
from __future__ import annotations

from pathlib import Path

from annotate.formats.errors import InputError
from annotate.labels import label_fault
from annotate.spans import Span, Tokens

IMPORT_SOURCE = "import"
# spaCy's default nlp.max_length: a longer text makes the tokenizer refuse it, which would
# break pre-annotation and export of the whole dataset, so it is refused at the door.
MAX_TEXT_LENGTH = 1_000_000


def checked_text(path: Path, line: int | str | None, text,
                 missing: str = "the text is empty") -> str:
    """The text of a document, or an InputError saying why it cannot be one."""
    if not isinstance(text, str) or not text.strip():
        raise InputError(path, missing, line)
    if len(text) > MAX_TEXT_LENGTH:
        raise InputError(path, f"the text has {len(text):,} characters, over spaCy's limit of "
                               f"{MAX_TEXT_LENGTH:,}; split it into smaller documents", line)
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
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        raise InputError(path, f"span start and end must be whole numbers, got {start!r} "
                               f"and {end!r}", line)
    if label is None or label == "":
        raise InputError(path, f"span {start}-{end} has no label", line)
    checked_label(path, line, label)
    if not 0 <= start < end <= len(text):
        raise InputError(path, f"span {start}-{end} ({label}) is outside the text, which has "
                               f"{len(text)} characters", line)
    if not tokens.is_aligned(start, end):
        raise InputError(path, f"span {start}-{end} ({label}, {text[start:end]!r}) does not "
                               "start and end on token boundaries", line)
    return Span(start, end, label, source)
