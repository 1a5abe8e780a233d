"""Static SVG charts, drawn at build time: no JavaScript, no request to another host.

Each chart is an ``<svg role="img">`` with a title, and is described by the data table
printed next to it (``aria-describedby``): the table is its text alternative.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence

from markupsafe import Markup, escape

#: Charts are drawn for the width a phone shows them at (a 360-pixel screen gives them
#: 328 pixels), so a 12-unit label is at least 12 pixels there; wider screens scale them up
#: to the cap in masterplan.css. Each label sits on its own line above its bar, so long
#: names need no room beside the bars.
WIDTH = 320
FONT = 12  # matches .mp-chart's font-size
CHAR = 6.6  # about this many units a character at FONT (Roboto, Arial)
LABEL_LINE = 16  # a label's line
BAR = 14
ROW = LABEL_LINE + BAR + 8
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
    texts = [value_text(v) for _, v in items]
    span = WIDTH - 6 - CHAR * max((len(t) for t in texts), default=0)
    parts = _open(title, describedby, ROW * len(items) + 4)
    for i, ((label, value), text) in enumerate(zip(items, texts, strict=True)):
        y = i * ROW
        width = max(1.0, span * value / top) if value else 0
        parts.append(
            f'<text x="0" y="{y + 12}" class="mp-chart-label">{escape(_clip(label))}</text>'
            f'<rect x="0" y="{y + LABEL_LINE}" width="{width:.1f}" height="{BAR}" class="mp-chart-bar"/>'
            f'<text x="{width + 6:.1f}" y="{y + LABEL_LINE + 11}" class="mp-chart-value">'
            f"{escape(text)}</text>"
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
    legend = _legend([labels[key] for key in order], top=ROW * len(rows) + 8)
    parts = _open(title, describedby, ROW * len(rows) + 8 + 20 * len({y for _, y in legend}))
    for i, (label, counts) in enumerate(rows):
        y = i * ROW
        total = sum(counts.values()) or 1
        x = 0.0
        parts.append(f'<text x="0" y="{y + 12}" class="mp-chart-label">{escape(_clip(label))}</text>')
        for key in order:
            width = WIDTH * counts.get(key, 0) / total
            if width:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + LABEL_LINE}" width="{width:.1f}" height="{BAR}" '
                    f'fill="{STATUS_COLOURS[key]}"/>'
                )
            x += width
    for key, (left, top) in zip(order, legend, strict=True):
        parts.append(
            f'<rect x="{left:.0f}" y="{top}" width="12" height="12" fill="{STATUS_COLOURS[key]}"/>'
            f'<text x="{left + 16:.0f}" y="{top + 11}" class="mp-chart-legend">{escape(labels[key])}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _legend(texts: Sequence[str], *, top: float, mark: float = 16) -> list[tuple[float, float]]:
    """Where each legend entry (a mark, then its text) goes: left to right, on a new line
    when the next would pass the chart's right edge."""
    out: list[tuple[float, float]] = []
    x, y = 0.0, top
    for text in texts:
        width = mark + CHAR * len(text)
        if x and x + width > WIDTH:
            x, y = 0.0, y + 20
        out.append((x, y))
        x += width + 14
    return out


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
    """A label that fits on its line (the full name is in the data table)."""
    room = int(WIDTH / CHAR)
    return label if len(label) <= room else label[: room - 1] + "…"


SERIES_WIDTH = WIDTH
#: Each series drawn in its own colour, dash and marker, so colour is never the only cue.
SERIES_STYLES = (
    ("#a33b00", "6 4", "square"),
    ("#0b4f6c", "", "circle"),
)


def series_chart(
    years: Sequence[int],
    series: Sequence[tuple[str, Mapping[int, float]]],
    *,
    title: str,
    title_id: str,
    describedby: str,
    value_text: Callable[[float], str],
) -> Markup:
    """Values over ``years``, one line per (label, {year: value}) series, with a legend.

    A year a series has no value for leaves a gap in its line. ``title_id`` and
    ``describedby`` are ids the caller makes unique on the page (never from contributor
    text); at most :data:`SERIES_STYLES` series.
    """
    values = [v for _, points in series for y, v in points.items() if y in years]
    grid = _ticks(min([0.0, *values]), max([0.0, *values]))
    low, high = grid[0], grid[-1]
    labels = [value_text(value) for value in grid]
    # Room for the longest axis label.
    left, right, top, plot_height = round(8 + CHAR * max(len(t) for t in labels)), 12, 14, 130
    bottom = top + plot_height

    def x_of(i: int) -> float:
        pad = 14  # keeps the first and last marker off the axis
        span = SERIES_WIDTH - left - right - 2 * pad
        return left + pad + (span * i / (len(years) - 1) if len(years) > 1 else span / 2)

    def y_of(value: float) -> float:
        return bottom - plot_height * (value - low) / (high - low)

    legend = _legend([label for label, _ in series], top=bottom + 34, mark=36)
    parts = [
        f'<svg class="mp-chart mp-chart--series" role="img" aria-labelledby="{title_id}" '
        f'aria-describedby="{describedby}" viewBox="0 0 {SERIES_WIDTH} {max(y for _, y in legend) + 20}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{title_id}">{escape(title)}</title>',
    ]
    for value, label in zip(grid, labels, strict=True):
        y = y_of(value)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{SERIES_WIDTH - right}" y2="{y:.1f}" class="mp-chart-grid"/>'
            f'<text x="{left - 6}" y="{y + 5:.1f}" text-anchor="end" class="mp-chart-label">'
            f"{escape(label)}</text>"
        )
    for i, year in enumerate(years):
        parts.append(
            f'<text x="{x_of(i):.1f}" y="{bottom + 20}" text-anchor="middle" '
            f'class="mp-chart-label">{year}</text>'
        )
    for (_, points), (colour, dash, marker) in zip(series, SERIES_STYLES, strict=False):
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        present = [(x_of(i), y_of(points[year])) for i, year in enumerate(years) if year in points]
        for i in range(len(years) - 1):
            if years[i] in points and years[i + 1] in points:
                parts.append(
                    f'<line x1="{x_of(i):.1f}" y1="{y_of(points[years[i]]):.1f}" '
                    f'x2="{x_of(i + 1):.1f}" y2="{y_of(points[years[i + 1]]):.1f}" '
                    f'stroke="{colour}" stroke-width="2.5"{dashes}/>'
                )
        parts.extend(_marker(x, y, marker, colour) for x, y in present)
    for (label, _), (colour, dash, marker), (x, y) in zip(series, SERIES_STYLES, legend, strict=False):
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{x:.0f}" y1="{y + 6}" x2="{x + 28:.0f}" y2="{y + 6}" '
            f'stroke="{colour}" stroke-width="2.5"{dashes}/>'
            + _marker(x + 14, y + 6, marker, colour)
            + f'<text x="{x + 36:.0f}" y="{y + 11}" class="mp-chart-legend">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _marker(x: float, y: float, shape: str, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>'


def _ticks(low: float, high: float) -> list[float]:
    """Round gridline values covering ``low``..``high``: about four steps of 1, 2, 2.5 or 5
    times a power of ten, so the axis reads 0, 10, 20, 30, 40 rather than 0, 20.25, 40.5."""
    if high == low:
        high = low + 1
    rough = (high - low) / 4
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(k * step, 10) for k in range(first, last + 1)]
