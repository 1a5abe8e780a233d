"""Static SVG charts, drawn at build time: no JavaScript, no request to another host.

Each chart is an ``<svg role="img">`` with a title, and is described by the data table
printed next to it (``aria-describedby``): the table is its text alternative.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence

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


SERIES_WIDTH = 400  # narrower than the bar charts: the text stays legible on a phone
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
    # Room for the longest axis label, about 7.5 px a character at the chart's 14 px font.
    left, right, top, plot_height = round(14 + 7.5 * max(len(t) for t in labels)), 20, 14, 130
    bottom = top + plot_height

    def x_of(i: int) -> float:
        pad = 24  # keeps the first and last marker off the axis
        span = SERIES_WIDTH - left - right - 2 * pad
        return left + pad + (span * i / (len(years) - 1) if len(years) > 1 else span / 2)

    def y_of(value: float) -> float:
        return bottom - plot_height * (value - low) / (high - low)

    parts = [
        f'<svg class="mp-chart mp-chart--series" role="img" aria-labelledby="{title_id}" '
        f'aria-describedby="{describedby}" viewBox="0 0 {SERIES_WIDTH} {bottom + 64}" '
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
    legend_y = bottom + 44
    x = float(left)
    for (label, _), (colour, dash, marker) in zip(series, SERIES_STYLES, strict=False):
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{x:.0f}" y1="{legend_y}" x2="{x + 28:.0f}" y2="{legend_y}" '
            f'stroke="{colour}" stroke-width="2.5"{dashes}/>'
            + _marker(x + 14, legend_y, marker, colour)
            + f'<text x="{x + 36:.0f}" y="{legend_y + 5}" class="mp-chart-legend">{escape(label)}</text>'
        )
        # About 7.5 px a character at the chart's 14 px font.
        x += 36 + 7.5 * len(label) + 24
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
