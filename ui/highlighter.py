"""Draws spans as character formats, block by block (no ExtraSelections, no HTML).

The cost is per screen, not per document: a block's spans are found by bisection when it is
highlighted, and a block is highlighted once it is to be shown (the view asks for the blocks
on screen before it paints them: `draw_blocks`). An edit highlights again only the blocks it
touched that are drawn; the others are drawn as they come into view.
"""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import SIGNAL, SLOT, QObject
from PySide6.QtGui import (
    QColor, QFont, QFontMetricsF, QSyntaxHighlighter, QTextBlock, QTextCharFormat,
    QTextDocument,
)

from annotate.labels import LabelRecord
from annotate.spans import Span, find_overlaps, longest
from ui.offsets import OffsetMap

# Label tints are light: text on them stays dark in a dark palette too.
TEXT_ON_TINT = QColor("#1b1b1b")
UNKNOWN_LABEL_TINT = "#e0e0e0"
ADDED_MARK = QColor("#1b7a2e")  # dashed underline: a span the model did not predict
REMOVED_MARK = QColor("#8a8a8a")  # struck through: a model's span the annotator removed

Segment = tuple[int, int, QTextCharFormat]  # start in block, length, format
# A span's label name is drawn in a tag at its end (ArticleView paints it): the span's last
# character gets letter spacing as wide as the tag, so the layout leaves room for it.
TAG_SCALE = 0.68  # the tag's font size against the text's
TAG_PADDING = 3.0  # pixels either side of the name inside the tag
TAG_GAP = 3.0  # pixels between the span's last character and its tag


class SpanHighlighter(QSyntaxHighlighter):
    """Holds the spans in start order; highlightBlock looks its block's up by bisection.
    Remembers what each drawn block shows, to redraw a block only when that changes."""

    def __init__(self, document: QTextDocument):
        super().__init__(document)
        self._formats: dict[str, QTextCharFormat] = {}
        self._variants: dict[tuple[str, bool, bool], QTextCharFormat] = {}
        self.offsets = OffsetMap("")
        self._spans: Sequence[Span] = ()
        self._ghosts: Sequence[Span] = ()
        self._predicted: frozenset[Span] | None = None
        self.reach = 0  # no span is longer: how far back a lookup looks
        self._ghost_reach = 0
        self._drawn: dict[int, list[Segment]] = {}  # block number -> what it shows
        self.label_names = True  # View > Label names
        self._tag_widths: dict[str, float] = {}
        self._waiting = False  # between set_text and show_spans: nothing to draw yet

    def ignore_text_changes(self) -> bool:
        """For a document whose text changes only through set_text then setPlainText (a
        read-only view): Qt stops calling highlightBlock for every block of a new text,
        which draws nothing there anyway (7,000 calls, 10 ms, for a 1M-character article).
        False where this Qt has no such connection to drop; highlighting is right either
        way."""
        return QObject.disconnect(self.document(), SIGNAL("contentsChange(int,int,int)"),
                                  self, SLOT("_q_reformatBlocks(int,int,int)"))

    def set_labels(self, labels: Sequence[LabelRecord]) -> None:
        """The labels' tints (again when an import adds labels: drawn blocks whose spans
        change colour are drawn again)."""
        self._formats = {label.name: _tint(label.colour) for label in labels}
        self._variants = {}
        self._redraw(sorted(self._drawn))

    def set_label_names(self, shown: bool) -> None:
        """Label names in tags at the spans' ends, or tints alone."""
        self.label_names = shown
        self._variants = {}
        self._redraw(sorted(self._drawn))

    def tag_font(self) -> QFont:
        font = QFont(self.document().defaultFont())
        font.setPointSizeF(font.pointSizeF() * TAG_SCALE)
        font.setBold(True)
        return font

    def tag_width(self, label: str) -> float:
        """The room a label's tag takes after its span's last character."""
        width = self._tag_widths.get(label)
        if width is None:
            width = (QFontMetricsF(self.tag_font()).horizontalAdvance(label)
                     + 2 * TAG_PADDING + 2 * TAG_GAP)
            self._tag_widths[label] = width
        return width

    def tags_between(self, start: int, end: int) -> list[Span]:
        """The spans whose tag is drawn between these offsets: those ending there (of two
        ending at one place, the one drawn last)."""
        if not self.label_names:
            return []
        ending = {}
        for span in find_overlaps(self._spans, Span(start, max(end, start + 1), ""),
                                  self.reach):
            if start < span.end <= end:
                ending[span.end] = span
        return list(ending.values())

    def set_text(self, text: str) -> None:
        """Call with the text the document is to show, before it shows it: highlighting
        waits for show_spans, so setting a long text highlights nothing."""
        self.offsets = OffsetMap(text)
        self._spans, self._ghosts, self._predicted = (), (), None
        self.reach = self._ghost_reach = 0
        self._drawn = {}
        self._waiting = True

    def show_spans(
        self, spans: Sequence[Span], ghosts: Sequence[Span] = (),
        predicted: frozenset[Span] | None = None,
        touched: Sequence[tuple[int, int]] | None = None,
    ) -> None:
        """The spans to draw, in start order (as the session keeps them). Drawn blocks are
        drawn again where what they show changed: with `touched` (the character ranges an
        edit changed), only the drawn blocks those ranges touch. The selection is not drawn
        here: the view outlines it.

        Only while comparing with the model: ghosts, the model's spans the annotator
        removed (in start order), struck through; predicted, the model's spans: a span not
        among them was added, and is underlined with dashes.
        """
        self._spans, self._predicted = spans, predicted
        self._ghosts = ghosts
        self._waiting = False
        if touched is None:
            self.reach, self._ghost_reach = longest(spans), longest(ghosts)
            blocks = sorted(self._drawn)
        else:  # what was added, or became a ghost, is no longer than the ranges
            longest_touched = max((e - s for s, e in touched), default=0)
            self.reach = max(self.reach, longest_touched)
            self._ghost_reach = max(self._ghost_reach, longest_touched)
            blocks = sorted({number for start, end in touched
                             for number in self._blocks_of(start, end)
                             if number in self._drawn})
        self._redraw(blocks)

    def _redraw(self, blocks: Sequence[int]) -> None:
        """Highlights again those of the (drawn) blocks whose segments changed."""
        document = self.document()
        for number in blocks:
            block = document.findBlockByNumber(number)
            if self._segments(block) != self._drawn.get(number):
                self.rehighlightBlock(block)

    def draw_blocks(self, first: int, last: int) -> None:
        """Highlights the blocks first to last (block numbers) not drawn yet."""
        if self._waiting:
            return
        document = self.document()
        for number in range(first, last + 1):
            if number not in self._drawn:
                block = document.findBlockByNumber(number)
                if not block.isValid():
                    break
                self.rehighlightBlock(block)

    def is_drawn(self, block_number: int) -> bool:
        return block_number in self._drawn

    def segments_of(self, block_number: int) -> list[Segment]:
        """What the block shows once drawn, with the spans as they are."""
        return self._segments(self.document().findBlockByNumber(block_number))

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        if self._waiting:
            return  # the text is being set: its spans come with show_spans
        block = self.currentBlock()
        segments = self._segments(block)
        self._drawn[block.blockNumber()] = segments
        for start, length, fmt in segments:
            self.setFormat(start, length, fmt)

    def _blocks_of(self, start: int, end: int) -> range:
        """The numbers of the blocks a character range touches."""
        document = self.document()
        first = document.findBlock(self.offsets.to_qt(start)).blockNumber()
        last = document.findBlock(self.offsets.to_qt(max(start, end - 1))).blockNumber()
        return range(max(first, 0), max(last, first) + 1)

    def _segments(self, block: QTextBlock) -> list[Segment]:
        """The block's part of each span over it: ghosts first, so that a current span
        drawn over one wins; then spans in start order (an enclosing span starting at
        the same place is drawn over the shorter one, as always)."""
        if not block.isValid():
            return []
        qt_start = block.position()
        start = self.offsets.from_qt(qt_start)
        end = self.offsets.from_qt(qt_start + block.length() - 1)  # the line break not
        here = Span(start, end, "")
        segments: list[Segment] = []
        for ghost in find_overlaps(self._ghosts, here, self._ghost_reach):
            self._add(segments, qt_start, ghost, start, end, GHOST)
        for span in find_overlaps(self._spans, here, self.reach):
            self._add(segments, qt_start, span, start, end, self._format(span))
            if self.label_names and start < span.end <= end:  # its tag is in this block
                last = Span(span.end - 1, span.end, span.label)
                self._add(segments, qt_start, last, start, end, self._format(span, True))
        return segments

    def _add(self, segments: list[Segment], qt_start: int, span: Span, start: int, end: int,
             fmt: QTextCharFormat) -> None:
        piece_start, piece_end = max(span.start, start), min(span.end, end)
        if piece_end > piece_start:
            at = self.offsets.to_qt(piece_start)
            segments.append((at - qt_start, self.offsets.to_qt(piece_end) - at, fmt))

    def _format(self, span: Span, tagged: bool = False) -> QTextCharFormat:
        """The label's tint; underlined with dashes where added (while comparing); with
        room for the tag after it on the span's last character (`tagged`). The selected
        span keeps its tint and weight: the view outlines it (ArticleView)."""
        added = self._predicted is not None and span not in self._predicted
        key = (span.label, added, tagged)
        fmt = self._variants.get(key)
        if fmt is None:
            fmt = QTextCharFormat(self._formats.get(span.label) or _tint(UNKNOWN_LABEL_TINT))
            if added:  # under its own words: an overline read as the line above's underline
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
                fmt.setUnderlineColor(ADDED_MARK)
            if tagged:
                fmt.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
                fmt.setFontLetterSpacing(self.tag_width(span.label))
            self._variants[key] = fmt
        return fmt

    def tint_of(self, label: str) -> QColor:
        fmt = self._formats.get(label)
        return fmt.background().color() if fmt is not None else QColor(UNKNOWN_LABEL_TINT)


def _ghost() -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setFontStrikeOut(True)
    fmt.setForeground(REMOVED_MARK)
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
    return fmt


def _tint(colour: str) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(QColor(colour))
    fmt.setForeground(TEXT_ON_TINT)
    return fmt


GHOST = _ghost()
