"""Static SVG charts, drawn at build time: no JavaScript, no request to another host.

Each chart is an ``<svg role="img">`` with a title, and is described by the data table
printed next to it (``aria-describedby``): the table is its text alternative.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

WIDTH = 640
LABEL = 190  # room for labels left of the bars
ROW = 26
#: Status colours, readable on white and distinguishable in greyscale by order.
STATUS_COLOURS = {
    "done": "#0b4f6c",
    "ongoing": "#2e7d4f",
    "delayed": "#a33b00",
    "planned": "#8a9aa6",
    "cancelled": "#d0d7dc",
}


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    describedby: str,
    value_text: Callable[[float], str],
) -> Markup:
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    top = max((v for _, v in items), default=0) or 1
    height = ROW * len(items) + 8
    span = WIDTH - LABEL - 130
    parts = _open(title, describedby, height)
    for i, (label, value) in enumerate(items):
        y = 4 + i * ROW
        width = max(1.0, span * value / top) if value else 0
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + 17}" text-anchor="end" class="mp-chart-label">'
            f"{escape(_clip(label))}</text>"
            f'<rect x="{LABEL}" y="{y + 4}" width="{width:.1f}" height="{ROW - 8}" class="mp-chart-bar"/>'
            f'<text x="{LABEL + width + 6:.1f}" y="{y + 17}" class="mp-chart-value">'
            f"{escape(value_text(value))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_chart(
    rows: Sequence[tuple[str, dict[str, int]]],
    *,
    order: Sequence[str],
    labels: dict[str, str],
    title: str,
    describedby: str,
) -> Markup:
    """One 100% bar per row, split by status, with a legend."""
    height = ROW * len(rows) + 40
    span = WIDTH - LABEL - 20
    parts = _open(title, describedby, height)
    for i, (label, counts) in enumerate(rows):
        y = 4 + i * ROW
        total = sum(counts.values()) or 1
        x = float(LABEL)
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + 17}" text-anchor="end" class="mp-chart-label">'
            f"{escape(_clip(label))}</text>"
        )
        for key in order:
            width = span * counts.get(key, 0) / total
            if width:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 4}" width="{width:.1f}" height="{ROW - 8}" '
                    f'fill="{STATUS_COLOURS[key]}"/>'
                )
            x += width
    legend_y = ROW * len(rows) + 20
    x = 8.0
    for key in order:
        parts.append(
            f'<rect x="{x:.0f}" y="{legend_y}" width="12" height="12" fill="{STATUS_COLOURS[key]}"/>'
            f'<text x="{x + 16:.0f}" y="{legend_y + 11}" class="mp-chart-legend">'
            f"{escape(labels[key])}</text>"
        )
        # About 7.5 px a character at the chart's 14 px font.
        x += 16 + 7.5 * len(labels[key]) + 18
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(title: str, describedby: str, height: int) -> list[str]:
    """The svg element, named by its title and described by the data table next to it."""
    # Several charts may describe themselves by one table: the title id comes from both.
    title_id = f"{describedby}-{re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')}"
    return [
        f'<svg class="mp-chart" role="img" aria-labelledby="{title_id}" '
        f'aria-describedby="{describedby}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{title_id}">{escape(title)}</title>',
    ]


def _clip(label: str) -> str:
    return label if len(label) <= 26 else label[:25] + "…"
