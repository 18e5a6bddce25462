import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QPlainTextEdit

from annotate.labels import LabelRecord
from annotate.spans import Span
from ui.highlighter import SpanHighlighter
from ui.offsets import OffsetMap, display_text

LABELS = [LabelRecord("GPE", "#b2df8a"), LabelRecord("CARDINAL", "#8dd3c7")]


@pytest.fixture
def view(qtbot):
    widget = QPlainTextEdit()
    qtbot.addWidget(widget)
    return widget


def highlighted(view, text, spans):
    view.setPlainText(display_text(text))
    highlighter = SpanHighlighter(view.document())
    highlighter.set_labels(LABELS)
    highlighter.label_names = False  # the ranges alone (tests/ui/test_label_tags.py: tags)
    highlighter.set_text(display_text(text))
    highlighter.show_spans(spans)
    highlighter.draw_blocks(0, view.document().blockCount() - 1)  # as the view does on paint
    return highlighter


def formats_of(view, block_number):
    block = view.document().findBlockByNumber(block_number)
    return [(r.start, r.length, r.format.background().color().name())
            for r in block.layout().formats()]


def test_each_block_gets_its_own_part_of_a_span(view):
    text = "Crowds in Lyon\nand 7,500 in\nParis"
    highlighted(view, text, [Span(10, 14, "GPE"), Span(19, 24, "CARDINAL"), Span(25, 33, "X")])
    assert formats_of(view, 0) == [(10, 4, "#b2df8a")]
    # a span crossing a line break is drawn in both blocks; an unknown label is grey
    assert formats_of(view, 1) == [(4, 5, "#8dd3c7"), (10, 2, "#e0e0e0")]
    assert formats_of(view, 2) == [(0, 5, "#e0e0e0")]


def test_offsets_stay_exact_after_an_emoji_and_a_carriage_return(view):
    text = "\U0001F600 Lyon\r\nParis"
    assert OffsetMap(text).to_qt(2) == 3 and OffsetMap(text).from_qt(3) == 2
    highlighted(view, text, [Span(2, 6, "GPE"), Span(8, 13, "GPE")])
    assert formats_of(view, 0) == [(3, 4, "#b2df8a")]
    assert formats_of(view, 1) == [(0, 5, "#b2df8a")]
    assert view.document().blockCount() == 2


def test_the_same_spans_again_redraw_no_block_and_keep_the_tint_and_weight(view):
    text = "Lyon\nParis\nRome"
    highlighter = highlighted(view, text, [Span(0, 4, "GPE"), Span(5, 10, "GPE")])
    redrawn = []
    highlighter.highlightBlock = lambda t, h=highlighter: (
        redrawn.append(h.currentBlock().blockNumber()), SpanHighlighter.highlightBlock(h, t))
    highlighter.show_spans([Span(0, 4, "GPE"), Span(5, 10, "GPE")])  # as after a new selection
    assert redrawn == []  # the view outlines the selection; no format changes
    [(_, _, fmt)] = highlighter.segments_of(1)
    assert fmt.fontWeight() == 400 and fmt.background().color() == QColor("#b2df8a")


def test_twenty_thousand_blocks_highlight_without_crashing():
    script = Path(__file__).with_name("highlight_many_blocks.py")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, f"Qt aborted (PySide6 6.12.0 does here): {run.stderr[-2000:]}"
    assert run.stdout.strip() == "20000 blocks, 207 of 207 sampled formatted"


def test_labels_added_later_recolour_the_drawn_blocks(view):
    highlighter = highlighted(view, "Lyon\nParis", [Span(0, 4, "GPE"), Span(5, 10, "CITY")])
    assert formats_of(view, 1) == [(0, 5, "#e0e0e0")]  # a label the set lacks: grey
    highlighter.set_labels([*LABELS, LabelRecord("CITY", "#fdbf6f")])  # as an import adds
    assert formats_of(view, 1) == [(0, 5, "#fdbf6f")]
    assert formats_of(view, 0) == [(0, 4, "#b2df8a")]
