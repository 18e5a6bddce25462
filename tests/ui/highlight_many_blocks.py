"""Highlights 20,000 blocks, one span each, and prints how many blocks got their format.

Run in its own process by tests/ui/test_highlighter.py: PySide6 6.12.0 aborts here with
"none_dealloc" inside QSyntaxHighlighter.highlightBlock.
"""
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

from annotate.labels import LabelRecord  # noqa: E402
from annotate.spans import Span  # noqa: E402
from ui.highlighter import SpanHighlighter  # noqa: E402

BLOCKS = 20_000

app = QApplication([])
line = "Crowd of 7,500 in Lyon"
text = "\n".join([line] * BLOCKS)
view = QPlainTextEdit()
view.setPlainText(text)
highlighter = SpanHighlighter(view.document())
highlighter.set_labels([LabelRecord("CARDINAL", "#8dd3c7")])
highlighter.set_text(text)
step = len(line) + 1
highlighter.show_spans([Span(i * step + 9, i * step + 14, "CARDINAL") for i in range(BLOCKS)])
highlighter.rehighlight()
view.resize(400, 300)
view.show()
app.processEvents()
view.grab()
document = view.document()
formatted = sum(1 for n in range(0, BLOCKS, 97)
                if document.findBlockByNumber(n).layout().formats())
print(f"{document.blockCount()} blocks, {formatted} of {len(range(0, BLOCKS, 97))} sampled formatted")
