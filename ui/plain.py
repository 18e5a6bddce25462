"""Text from data shown exactly as typed, in widgets that would otherwise read it as markup.

Tooltips and message boxes take a string and guess its format with `Qt.mightBeRichText`:
a document whose first line is `<img src=...>` would load the image. QLabels that show data
are set to `Qt.TextFormat.PlainText` where they are made; the rest goes through here.
"""
from __future__ import annotations

import html

from PySide6.QtGui import Qt


def literal(text: str) -> str:
    """`text` for a tooltip or message box: unchanged where Qt would show it as plain text
    anyway, else escaped inside a paragraph that keeps its spaces and line breaks."""
    if not Qt.mightBeRichText(text):
        return text
    return f"<p style='white-space:pre-wrap'>{html.escape(text, quote=False)}</p>"

