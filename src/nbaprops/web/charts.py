"""Charts as inline SVG, drawn on the server.

Chosen over a JavaScript library: nothing to vendor or keep up to date (no npm or CDN is
reachable, and plotly.min.js alone is 3.5 MB), the page works with scripting off, and a test can
read every drawn path and point straight from the HTML. A dashboard of a few line charts and one
calibration curve needs no more than this.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

# Okabe–Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 34, 40


@dataclass(frozen=True)
class Point:
    x: float
    y: float | None  # None: no value that day (the line breaks)
    label: str  # tooltip


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[Point]
    dashed: bool = False


def date_chart(
    title: str,
    series: Sequence[Series],
    y_label: str,
    y_format: Callable[[float], str],
    reference: tuple[float, str] | None = None,
) -> Markup:
    """Series over dates (x = date ordinals); `reference` draws a labelled horizontal line."""
    xs = [p.x for s in series for p in s.points]
    if not xs:
        return Markup('<p class="empty">no data to chart</p>')
    x_range = (min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1)
    ticks = _date_ticks(x_range)
    ys = [p.y for s in series for p in s.points if p.y is not None] + ([reference[0]] if reference else [])
    y_range = _nice_range(min(ys, default=0.0), max(ys, default=1.0))
    return _chart(title, series, x_range, y_range, ticks, y_label, y_format, reference=reference)


def calibration_chart(title: str, series: Sequence[Series]) -> Markup:
    """Predicted probability (x) against observed frequency (y), both 0..1, with the diagonal."""
    ticks = [(i / 5, f"{i * 20}%") for i in range(6)]
    return _chart(
        title, series, (0.0, 1.0), (0.0, 1.0), ticks, "observed share over", lambda v: f"{v:.0%}", diagonal=True,
        x_label="predicted P(over)",
    )  # fmt: skip


def _chart(
    title: str,
    series: Sequence[Series],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    x_ticks: list[tuple[float, str]],
    y_label: str,
    y_format: Callable[[float], str],
    reference: tuple[float, str] | None = None,
    diagonal: bool = False,
    x_label: str = "",
) -> Markup:
    def sx(x: float) -> float:
        return LEFT + (x - x_range[0]) / (x_range[1] - x_range[0]) * (WIDTH - LEFT - RIGHT)

    def sy(y: float) -> float:
        return HEIGHT - BOTTOM - (y - y_range[0]) / (y_range[1] - y_range[0]) * (HEIGHT - TOP - BOTTOM)

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}"'
        ' xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<text class="chart-title" x="{LEFT}" y="14">{escape(title)}</text>',
    ]
    for value in _y_ticks(y_range):
        y = sy(value)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{y_format(value)}</text>')
    for value, text in x_ticks:
        x = sx(value)
        parts.append(
            f'<line class="axis" x1="{x:.1f}" x2="{x:.1f}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM + 4}"/>'
        )
        parts.append(f'<text class="tick" x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{text}</text>')
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM}"/>')
    parts.append(
        f'<text class="axis-label" transform="translate(12 {(TOP + HEIGHT - BOTTOM) / 2}) rotate(-90)"'
        f' text-anchor="middle">{escape(y_label)}</text>'
    )
    if x_label:
        parts.append(
            f'<text class="axis-label" x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 4}" text-anchor="middle">'
            f"{escape(x_label)}</text>"
        )
    if diagonal:
        parts.append(
            f'<path class="reference" d="M{sx(0):.1f},{sy(0):.1f}L{sx(1):.1f},{sy(1):.1f}"><title>perfect calibration'
            "</title></path>"
        )
    if reference is not None:
        y = sy(reference[0])
        parts.append(
            f'<path class="reference" d="M{LEFT},{y:.1f}L{WIDTH - RIGHT},{y:.1f}"><title>{escape(reference[1])}'
            "</title></path>"
            f'<text class="reference-label" x="{WIDTH - RIGHT - 4}" y="{y - 4:.1f}" text-anchor="end">'
            f"{escape(reference[1])}</text>"
        )
    for index, s in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        path = _path((sx(p.x), sy(p.y)) if p.y is not None else None for p in s.points)
        if path:
            parts.append(f'<path class="series" data-series="{escape(s.name)}" d="{path}" stroke="{color}"{dash}/>')
        for p in s.points:
            if p.y is not None:
                parts.append(
                    f'<circle class="point" cx="{sx(p.x):.1f}" cy="{sy(p.y):.1f}" r="2.6" fill="{color}">'
                    f"<title>{escape(s.name)}: {escape(p.label)}</title></circle>"
                )
        legend_x = LEFT + 8 + index * 150
        parts.append(
            f'<g class="legend"><line x1="{legend_x}" x2="{legend_x + 18}" y1="26" y2="26" stroke="{color}"'
            f' stroke-width="2.5"{dash}/><text x="{legend_x + 22}" y="30">{escape(s.name)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _path(points: Iterable[tuple[float, float] | None]) -> str:
    """An SVG path through the points, broken wherever a point is None."""
    out, pen_down = [], False
    for point in points:
        if point is None:
            pen_down = False
            continue
        out.append(f"{'L' if pen_down else 'M'}{point[0]:.1f},{point[1]:.1f}")
        pen_down = True
    return "".join(out)


def _nice_range(low: float, high: float) -> tuple[float, float]:
    """Round the data range outwards to steps a reader can read off (0.5, 1, 2, 5 × 10^k)."""
    if high <= low:
        high = low + 1.0
    step = _nice_step((high - low) / 4)
    return math.floor(low / step) * step, math.ceil(high / step) * step


def _nice_step(raw: float) -> float:
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def _y_ticks(y_range: tuple[float, float]) -> list[float]:
    step = _nice_step((y_range[1] - y_range[0]) / 4)
    count = round((y_range[1] - y_range[0]) / step)
    return [y_range[0] + i * step for i in range(count + 1)]


def _date_ticks(x_range: tuple[float, float]) -> list[tuple[float, str]]:
    """About six evenly spaced dates, labelled 'Nov 03'."""
    first, last = int(x_range[0]), int(x_range[1])
    step = max(1, math.ceil((last - first) / 6))
    return [(float(x), date.fromordinal(x).strftime("%b %d")) for x in range(first, last + 1, step)]
