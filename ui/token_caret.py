"""Making a span without the mouse: a caret that moves a token at a time, a selection that
grows or shrinks by tokens, and Enter to make the span (ArticleView handles the keys)."""
from __future__ import annotations

from bisect import bisect_left

from annotate.spans import Tokens


class TokenCaret:
    """The caret sits on a token (its index); a selection runs from the token `anchor` to
    the token `head`, both included."""

    def __init__(self):
        self.tokens = Tokens(())
        self.at = 0
        self.anchor: int | None = None

    def reset(self, tokens: Tokens, offset: int = 0) -> None:
        """A new document (or a click): the caret on the token at or after `offset`."""
        self.tokens, self.anchor = tokens, None
        self.at = min(bisect_left(tokens.ends, offset + 1), max(len(tokens.starts) - 1, 0))

    def move(self, step: int) -> None:
        """To the next or previous token; a selection is let go."""
        self.anchor = None
        self.at = self._clamped(self.at + step)

    def let_go(self) -> None:
        """No selection: the caret stays where it was."""
        self.anchor = None

    def extend(self, step: int) -> None:
        """The selection grows (or shrinks) by a token at its moving end; the first step
        selects the token under the caret."""
        if self.anchor is None:
            self.anchor = self.at
        else:
            self.at = self._clamped(self.at + step)

    def selection(self) -> tuple[int, int] | None:
        """The selected characters, first token's start to last token's end."""
        if self.anchor is None or not self.tokens.starts:
            return None
        first, last = sorted((self.anchor, self.at))
        return self.tokens.starts[first], self.tokens.ends[last]

    def caret_offset(self) -> int:
        return self.tokens.starts[self.at] if self.tokens.starts else 0

    def _clamped(self, index: int) -> int:
        return max(0, min(index, len(self.tokens.starts) - 1))

