"""Checks every importer applies to the spans it reads."""
from __future__ import annotations

from pathlib import Path

from annotate.formats.errors import InputError
from annotate.spans import Span, Tokens

IMPORT_SOURCE = "import"


def checked_span(
    path: Path, line: int | str | None, text: str, start, end, label, tokens: Tokens,
    source: str = IMPORT_SOURCE,
) -> Span:
    """A span from an input file, or an InputError saying what is wrong with it."""
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        raise InputError(path, f"span start and end must be whole numbers, got {start!r} "
                               f"and {end!r}", line)
    if not isinstance(label, str) or not label.strip():
        raise InputError(path, f"span {start}-{end} has no label", line)
    if not 0 <= start < end <= len(text):
        raise InputError(path, f"span {start}-{end} ({label}) is outside the text, which has "
                               f"{len(text)} characters", line)
    if not tokens.is_aligned(start, end):
        raise InputError(path, f"span {start}-{end} ({label}, {text[start:end]!r}) does not "
                               "start and end on token boundaries", line)
    return Span(start, end, label, source)
