"""Bar and line charts drawn on the server as inline SVG: no JavaScript library, no CDN.

Pages must work on slow regional connections and offline installations, and a chart must
also be readable by a screen reader and on paper. So a chart here is a small SVG string that
the template inlines: ``role="img"`` with a ``<title>`` and ``<desc>`` it is labelled by, every
bar with its value written next to it as text (not only as a length), and a ``<title>`` per
bar for a tooltip. A bar without a value (a region without a return, a part not scored yet)
gets no rectangle but its text, so a missing value is never drawn as zero.

A bar may carry a *mark*: a second value drawn as a dark tick across its bar (the 90th
percentile beside a median), with its own tooltip. A line chart (:func:`line_chart`) draws a
few series over ordered categories (editions, months); each series has its own marker shape
and dash pattern as well as its colour, and a legend names them, so colour is never the only
cue; a missing value breaks the line instead of dropping to zero.

Every text is escaped here; the result is :class:`markupsafe.Markup` so that the template's
autoescaping does not escape the SVG elements themselves.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# The chart is drawn for a phone first: the label above its bar, across the whole width, so
# that scaled to a 390 px screen (about 370 px of chart) its 14 px text still renders at 12 px
# or more; on a wide screen the page caps its width (evaluation.css).
WIDTH = 420
FONT = 14
ROW = 46  # one bar's row: its label, then the bar
BAR = 16  # height of a bar
LABEL_Y = 15  # baseline of the label in its row
BAR_Y = 21  # top of the bar in its row
TOP = 6
AXIS = 24  # room for the tick labels under the bars
PAD = 4
VALUE_ROOM = 88  # room right of the longest bar for its value text
CHAR = 8.2  # generous width of a character at 14 px (bold labels are wider)
LABEL_CHARS = 50  # longer labels are shortened (the full one is in the bar's tooltip)


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value (None: nothing to draw) and the value as shown."""

    label: str
    value: float | None
    shown: str
    highlight: bool = False
    mark: float | None = None  # a second value, drawn as a tick across the bar
    mark_label: str = ""  # its tooltip ("p90: 12 hari")


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1].rstrip() + "…"


def _id(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "chart"


def bar_chart(chart_id: str, title: str, desc: str, bars: Sequence[Bar], maximum: float,
              ticks: Sequence[float] = ()) -> Markup:
    """A horizontal bar chart scaled from 0 to ``maximum``, one row per bar, in order.

    ``ticks`` are values marked with a vertical grid line and a label under the bars (the
    points of the scoring scale, say). Values above ``maximum`` are drawn at ``maximum``.
    """
    if maximum <= 0:
        raise ValueError("a bar chart needs a positive maximum")
    ident = _id(chart_id)
    plot_x = PAD
    plot_w = WIDTH - PAD - VALUE_ROOM
    height = TOP + ROW * max(len(bars), 1) + AXIS

    def x_of(value: float) -> float:
        return plot_x + plot_w * min(max(value, 0.0), maximum) / maximum

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" id="{ident}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="system-ui, sans-serif" '
        f'font-size="{FONT}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        '<g class="grid" aria-hidden="true">',
    ]
    bottom = TOP + ROW * max(len(bars), 1)
    for tick in ticks:
        x = x_of(tick)
        out.append(f'<line x1="{x:.1f}" y1="{TOP + BAR_Y - 4}" x2="{x:.1f}" y2="{bottom}" '
                   'stroke="#ddd" stroke-width="1"/>')
        anchor = "start" if x <= plot_x else "middle"
        out.append(f'<text x="{x:.1f}" y="{bottom + 17}" text-anchor="{anchor}" '
                   f'fill="#595959">{escape(_fmt(tick))}</text>')
    out.append(f'<line x1="{plot_x:.1f}" y1="{TOP + BAR_Y - 4}" x2="{plot_x:.1f}" '
               f'y2="{bottom}" stroke="#8a8a8a" stroke-width="1"/>')
    out.append("</g>")
    out.append('<g class="bars">')
    for i, bar in enumerate(bars):
        y = TOP + ROW * i
        middle = y + BAR_Y + BAR / 2 + 5
        out.append(f'<g class="bar{" highlight" if bar.highlight else ""}">')
        weight = ' font-weight="700"' if bar.highlight else ""
        out.append(f'<text class="label" x="{plot_x:.1f}" y="{y + LABEL_Y:.1f}" '
                   f'fill="#1a1a1a"{weight}>{escape(_short(bar.label))}</text>')
        anchor = ""
        if bar.value is not None:
            width = x_of(bar.value) - plot_x
            fill = "#0b5cad" if not bar.highlight else "#08427d"
            out.append(f'<rect x="{plot_x:.1f}" y="{y + BAR_Y:.1f}" '
                       f'width="{width:.1f}" height="{BAR}" fill="{fill}" '
                       f'data-value="{escape(repr(float(bar.value)))}">'
                       f'<title>{escape(bar.label)}: {escape(bar.shown)}</title></rect>')
            text_x = plot_x + width + 6
            if bar.mark is not None:
                mark_x = x_of(bar.mark)
                out.append(f'<line class="mark" x1="{mark_x:.1f}" y1="{y + BAR_Y - 4:.1f}" '
                           f'x2="{mark_x:.1f}" y2="{y + BAR_Y + BAR + 4:.1f}" stroke="#1a1a1a" '
                           f'stroke-width="3" data-value="{escape(repr(float(bar.mark)))}">'
                           f'<title>{escape(bar.label)}: {escape(bar.mark_label)}</title>'
                           '</line>')
                text_x = max(text_x, mark_x + 6)
            colour = "#1a1a1a"
            if text_x + len(bar.shown) * CHAR > WIDTH:  # no room after the bar: inside it
                text_x, colour, anchor = plot_x + width - 6, "#fff", ' text-anchor="end"'
        else:
            text_x = plot_x + 6
            colour = "#595959"
        halo = ' stroke="#fff" stroke-width="3" paint-order="stroke"' if not anchor else ""
        out.append(f'<text class="value" x="{text_x:.1f}" y="{middle:.1f}" '
                   f'fill="{colour}"{anchor}{halo}>{escape(bar.shown)}</text>')
        out.append("</g>")
    out.append("</g></svg>")
    return Markup("".join(out))


# -- line charts -------------------------------------------------------------------------

@dataclass(frozen=True)
class Series:
    """One line: its name and a value per category (None: no value there, a gap)."""

    label: str
    values: Sequence[float | None]


#: Okabe and Ito's colour-blind-safe palette (darkened to keep 3:1 against white), each with
#: its own marker and dash pattern so a line is told apart without its colour.
COLOURS = ("#0b5cad", "#b35900", "#1b7a5a", "#a3307a", "#5f4b00", "#4b4b4b", "#6a3d9a")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "plus", "bar")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2", "10 4")
LINE_TOP = 12
LINE_LEFT = 34  # room for the value axis' labels
LINE_RIGHT = 14
LINE_HEIGHT = 190
LEGEND_ROW = 24


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    """A 10 px marker of shape ``kind`` centred on (x, y)."""
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>'
    if kind == "square":
        return f'<rect x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9" fill="{colour}"/>'
    if kind == "triangle":
        return (f'<path d="M{x:.1f} {y - 6:.1f} L{x + 6:.1f} {y + 4:.1f} '
                f'L{x - 6:.1f} {y + 4:.1f} Z" fill="{colour}"/>')
    if kind == "diamond":
        return (f'<path d="M{x:.1f} {y - 6:.1f} L{x + 6:.1f} {y:.1f} L{x:.1f} {y + 6:.1f} '
                f'L{x - 6:.1f} {y:.1f} Z" fill="{colour}"/>')
    if kind == "cross":
        return (f'<path d="M{x - 5:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 5:.1f} M{x + 5:.1f} '
                f'{y - 5:.1f} L{x - 5:.1f} {y + 5:.1f}" stroke="{colour}" stroke-width="3"/>')
    if kind == "plus":
        return (f'<path d="M{x - 6:.1f} {y:.1f} L{x + 6:.1f} {y:.1f} M{x:.1f} {y - 6:.1f} '
                f'L{x:.1f} {y + 6:.1f}" stroke="{colour}" stroke-width="3"/>')
    return f'<rect x="{x - 6:.1f}" y="{y - 2:.1f}" width="12" height="4" fill="{colour}"/>'


def line_chart(chart_id: str, title: str, desc: str, categories: Sequence[str],
               series: Sequence[Series], maximum: float, ticks: Sequence[float] = (),
               shown: Callable[[float], str] = _fmt) -> Markup:
    """Lines over ``categories`` (left to right), the value axis from 0 to ``maximum`` with
    ``ticks`` as grid lines; every point has a tooltip with its series, category and value
    (as ``shown`` writes it), and a legend under the plot names each series beside its
    marker and dash."""
    if maximum <= 0:
        raise ValueError("a line chart needs a positive maximum")
    ident = _id(chart_id)
    plot_w = WIDTH - LINE_LEFT - LINE_RIGHT
    bottom = LINE_TOP + LINE_HEIGHT
    legend_top = bottom + AXIS + 10
    height = legend_top + LEGEND_ROW * len(series) + PAD
    count = max(len(categories), 1)
    step = plot_w / count

    def x_of(i: int) -> float:
        return LINE_LEFT + step * (i + 0.5)

    def y_of(value: float) -> float:
        return bottom - LINE_HEIGHT * min(max(value, 0.0), maximum) / maximum

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="line-chart" id="{ident}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="system-ui, sans-serif" '
        f'font-size="{FONT}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        '<g class="grid" aria-hidden="true">',
    ]
    for tick in ticks:
        y = y_of(tick)
        out.append(f'<line x1="{LINE_LEFT}" y1="{y:.1f}" x2="{WIDTH - LINE_RIGHT}" '
                   f'y2="{y:.1f}" stroke="#ddd" stroke-width="1"/>')
        out.append(f'<text x="{LINE_LEFT - 6}" y="{y + 5:.1f}" text-anchor="end" '
                   f'fill="#595959">{escape(_fmt(tick))}</text>')
    out.append(f'<line x1="{LINE_LEFT}" y1="{bottom}" x2="{WIDTH - LINE_RIGHT}" '
               f'y2="{bottom}" stroke="#8a8a8a" stroke-width="1"/>')
    widest = max((len(c) for c in categories), default=1) * CHAR + 8
    every = max(1, math.ceil(widest / step))  # label every n-th category so none overlap
    for i, name in enumerate(categories):
        if i % every == 0:
            out.append(f'<text class="category" x="{x_of(i):.1f}" y="{bottom + 18}" '
                       f'text-anchor="middle" fill="#1a1a1a">{escape(name)}</text>')
    out.append("</g>")
    for n, line in enumerate(series):
        colour, marker, dash = (COLOURS[n % len(COLOURS)], MARKERS[n % len(MARKERS)],
                                DASHES[n % len(DASHES)])
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<g class="series" data-series="{escape(line.label)}">')
        runs: list[list[tuple[float, float]]] = [[]]
        for i, value in enumerate(line.values[:len(categories)]):
            if value is None:
                runs.append([])
            else:
                runs[-1].append((x_of(i), y_of(value)))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                           f'stroke-width="2.5"{dashed}/>')
        for i, value in enumerate(line.values[:len(categories)]):
            if value is None:
                continue
            out.append(f'<g class="point" data-value="{escape(repr(float(value)))}">'
                       + _marker(marker, x_of(i), y_of(value), colour)
                       + f'<title>{escape(line.label)} · {escape(categories[i])}: '
                       f'{escape(shown(value))}</title></g>')
        y = legend_top + LEGEND_ROW * n + LEGEND_ROW / 2
        out.append(f'<line x1="{PAD + 2}" y1="{y:.1f}" x2="{PAD + 30}" y2="{y:.1f}" '
                   f'stroke="{colour}" stroke-width="2.5"{dashed} aria-hidden="true"/>')
        out.append(_marker(marker, PAD + 16, y, colour))
        out.append(f'<text class="legend" x="{PAD + 38}" y="{y + 5:.1f}" fill="#1a1a1a">'
                   f'{escape(_short(line.label))}</text>')
        out.append("</g>")
    out.append("</svg>")
    return Markup("".join(out))
