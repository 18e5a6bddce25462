"""QA reports as one self-contained HTML file: tables and inline SVG charts, nothing loaded.

Every string that came from data (names, labels) is escaped; no article text goes in.
"""
from __future__ import annotations

import math
from html import escape
from typing import Sequence

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; max-width: 60rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { padding: 0.3rem 0.8rem; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figcaption { color: #555; font-size: 0.9rem; }
"""
BAR_COLOUR = "#4c72b0"
WIDTH, ROW, LEFT = 560, 26, 150


def page(title: str, sections: Sequence[str]) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{escape(title)}</h1>{''.join(sections)}</body></html>\n")


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(_shown(v))}</td>" for v in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def bar_chart(caption: str, bars: Sequence[tuple[str, float, tuple[float, float] | None]]) -> str:
    """Horizontal bars on a 0-1 scale, each with an optional interval drawn as a whisker."""
    height = ROW * len(bars) + 30
    span = WIDTH - LEFT - 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
             f'role="img" aria-label="{escape(caption, quote=True)}">']
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x = LEFT + tick * span
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 20}" '
                     'stroke="#e5e5e5"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 5}" font-size="11" '
                     f'text-anchor="middle">{tick:g}</text>')
    for i, (name, value, interval) in enumerate(bars):
        y = i * ROW + 4
        parts.append(f'<text x="{LEFT - 8}" y="{y + 14}" font-size="12" '
                     f'text-anchor="end">{escape(name)}</text>')
        if not math.isnan(value):
            width = max(0.0, min(1.0, value)) * span
            parts.append(f'<rect x="{LEFT}" y="{y}" width="{width:.1f}" height="{ROW - 8}" '
                         f'fill="{BAR_COLOUR}"><title>{escape(name)}: {value:.3f}</title></rect>')
        if interval is not None:
            low, high = (LEFT + v * span for v in interval)
            middle = y + (ROW - 8) / 2
            parts.append(f'<line x1="{low:.1f}" y1="{middle:.1f}" x2="{high:.1f}" '
                         f'y2="{middle:.1f}" stroke="#1b1b1b" stroke-width="1.5"/>')
    parts.append("</svg>")
    return f"<figure>{''.join(parts)}<figcaption>{escape(caption)}</figcaption></figure>"


def _shown(value: object) -> str:
    if isinstance(value, float):
        return "n/a" if math.isnan(value) else f"{value:.3f}"
    return str(value)
