"""Draws spans as character formats, block by block (no ExtraSelections, no HTML)."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Sequence

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from annotate.labels import LabelRecord
from annotate.spans import Span
from ui.offsets import OffsetMap, block_starts

# Label tints are light: text on them stays dark in a dark palette too.
TEXT_ON_TINT = QColor("#1b1b1b")
UNKNOWN_LABEL_TINT = "#e0e0e0"

Segment = tuple[int, int, QTextCharFormat]  # start in block, length, format


class SpanHighlighter(QSyntaxHighlighter):
    """Holds each block's segments; highlightBlock only looks its own up."""

    def __init__(self, document: QTextDocument):
        super().__init__(document)
        self._formats: dict[str, QTextCharFormat] = {}
        self._selected_formats: dict[str, QTextCharFormat] = {}
        self._segments: dict[int, list[Segment]] = {}
        self._block_starts: list[int] = [0]  # in Qt positions
        self._offsets = OffsetMap("")
        self._length = 0

    def set_labels(self, labels: Sequence[LabelRecord]) -> None:
        self._formats = {label.name: _tint(label.colour) for label in labels}
        self._selected_formats = {name: _selected(f) for name, f in self._formats.items()}

    def set_text(self, text: str) -> None:
        """Call with the text the document shows, before showing spans."""
        self._offsets = OffsetMap(text)
        self._length = self._offsets.to_qt(len(text))
        self._block_starts = [self._offsets.to_qt(start) for start in block_starts(text)]
        self._segments = {}

    def show_spans(
        self, spans: Sequence[Span], selected: Span | None = None,
        ghosts: Sequence[Span] = (), added: frozenset[Span] = frozenset(),
    ) -> None:
        """Redraws the blocks whose spans changed; the rest keep their layout.

        ghosts: the model's spans the annotator removed, struck through; added: spans the
        model did not predict, overlined. Both only while comparing with the model.
        """
        segments: dict[int, list[Segment]] = {}
        for ghost in ghosts:  # first, so that a current span drawn on top wins
            self._add_segments(segments, ghost, GHOST)
        for span in spans:
            chosen = self._selected_formats if span == selected else self._formats
            fmt = chosen.get(span.label) or self._unknown(span.label, span == selected)
            if span in added:
                fmt = QTextCharFormat(fmt)
                fmt.setFontOverline(True)
            self._add_segments(segments, span, fmt)
        changed = {b for b in segments.keys() | self._segments.keys()
                   if segments.get(b) != self._segments.get(b)}
        self._segments = segments
        document = self.document()
        for number in sorted(changed):
            self.rehighlightBlock(document.findBlockByNumber(number))

    def redraw(self, spans: Sequence[Span], selected: Span | None,
               ranges: Sequence[tuple[int, int]]) -> None:
        """Redraws only the blocks the character ranges touch: an edit on a long article
        costs one block, not the whole document. `spans` must be in start order."""
        blocks: set[int] = set()
        for start, end in ranges:
            first = self._block_at(self._offsets.to_qt(start))
            last = self._block_at(self._offsets.to_qt(max(start, end - 1)))
            blocks.update(range(first, last + 1))
        if not blocks:
            return
        low = min(self._block_starts[b] for b in blocks)
        high = max(self._block_end(b) for b in blocks)
        low, high = self._offsets.from_qt(low), self._offsets.from_qt(high)
        longest = max((s.end - s.start for s in spans), default=0)
        starts = [s.start for s in spans]
        fresh: dict[int, list[Segment]] = {}
        for span in spans[bisect_left(starts, low - longest):bisect_left(starts, high + 1)]:
            chosen = self._selected_formats if span == selected else self._formats
            fmt = chosen.get(span.label) or self._unknown(span.label, span == selected)
            self._add_segments(fresh, span, fmt)
        document = self.document()
        for number in sorted(blocks):
            if fresh.get(number, []) != self._segments.get(number, []):
                if number in fresh:
                    self._segments[number] = fresh[number]
                else:
                    self._segments.pop(number, None)
                self.rehighlightBlock(document.findBlockByNumber(number))

    def _block_at(self, position: int) -> int:
        return max(bisect_right(self._block_starts, position) - 1, 0)

    def _block_end(self, block: int) -> int:
        following = block + 1
        return (self._block_starts[following] - 1 if following < len(self._block_starts)
                else self._length)

    def segments_of(self, block_number: int) -> list[Segment]:
        return list(self._segments.get(block_number, ()))

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        for start, length, fmt in self._segments.get(self.currentBlock().blockNumber(), ()):
            self.setFormat(start, length, fmt)

    def _add_segments(self, segments: dict, span: Span, fmt: QTextCharFormat) -> None:
        start, end = self._offsets.to_qt(span.start), self._offsets.to_qt(span.end)
        block = bisect_right(self._block_starts, start) - 1
        while start < end and block < len(self._block_starts):
            block_start = self._block_starts[block]
            block_end = (self._block_starts[block + 1] - 1 if block + 1 < len(self._block_starts)
                         else end)
            piece_end = min(end, block_end)
            if piece_end > start:
                segments.setdefault(block, []).append((start - block_start,
                                                       piece_end - start, fmt))
            block += 1
            start = max(start, block_end + 1)

    def _unknown(self, label: str, selected: bool) -> QTextCharFormat:
        fmt = self._formats.setdefault(label, _tint(UNKNOWN_LABEL_TINT))
        return _selected(fmt) if selected else fmt


def _ghost() -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setFontStrikeOut(True)
    fmt.setForeground(QColor("#8a8a8a"))
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
    return fmt


def _tint(colour: str) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(QColor(colour))
    fmt.setForeground(TEXT_ON_TINT)
    return fmt


def _selected(base: QTextCharFormat) -> QTextCharFormat:
    """Selection shows in shape, not only colour: bold and a thick underline."""
    fmt = QTextCharFormat(base)
    fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
    fmt.setUnderlineColor(TEXT_ON_TINT)
    return fmt


GHOST = _ghost()
