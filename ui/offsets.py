"""Python string offsets (code points) against Qt document positions (UTF-16 units)."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class OffsetMap:
    """Converts both ways; the identity, at no cost, for text without astral characters
    (emoji, some CJK), which Qt counts as two units."""

    def __init__(self, text: str):
        # A regular expression finds them at C speed: a loop over a 1M-character article
        # in Python took 0.3 s.
        self._astral = [] if text.isascii() else [
            match.start() for match in ASTRAL.finditer(text)]
        self._astral_in_qt = [i + n for n, i in enumerate(self._astral)]

    def to_qt(self, offset: int) -> int:
        return offset + bisect_left(self._astral, offset)

    def from_qt(self, position: int) -> int:
        # An astral character counts once it ends at or before the position.
        return position - bisect_right(self._astral_in_qt, position - 2)


def display_text(text: str) -> str:
    """The text as the view shows it, same length: a carriage return would end a block in Qt
    and shift every offset after it, so it shows as a space."""
    return text.replace("\r", " ")

