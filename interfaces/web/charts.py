"""Bar charts drawn on the server as inline SVG: no JavaScript library, no CDN.

Pages must work on slow regional connections and offline installations, and a chart must
also be readable by a screen reader and on paper. So a chart here is a small SVG string that
the template inlines: ``role="img"`` with a ``<title>`` and ``<desc>`` it is labelled by, every
bar with its value written next to it as text (not only as a length), and a ``<title>`` per
bar for a tooltip. A bar without a value (a region without a return, a part not scored yet)
gets no rectangle but its text, so a missing value is never drawn as zero.

Every text is escaped here; the result is :class:`markupsafe.Markup` so that the template's
autoescaping does not escape the SVG elements themselves.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
ROW = 28  # height of one bar's row
BAR = 18  # height of a bar
TOP = 8
AXIS = 26  # room for the tick labels under the bars
VALUE_ROOM = 120  # room right of the longest bar for its value text
CHAR = 7.8  # generous width of a character at font-size 13 (bold labels are wider)
LABEL_CHARS = 34  # longer labels are shortened (the full one is in the bar's tooltip)


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value (None: nothing to draw) and the value as shown."""

    label: str
    value: float | None
    shown: str
    highlight: bool = False


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
    longest = max((len(_short(b.label)) for b in bars), default=4)
    label_w = min(LABEL_CHARS, max(longest, 4)) * CHAR + 16
    plot_x = label_w
    plot_w = WIDTH - label_w - VALUE_ROOM
    height = TOP + ROW * max(len(bars), 1) + AXIS

    def x_of(value: float) -> float:
        return plot_x + plot_w * min(max(value, 0.0), maximum) / maximum

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" id="{ident}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="system-ui, sans-serif" '
        f'font-size="13">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        '<g class="grid" aria-hidden="true">',
    ]
    bottom = TOP + ROW * max(len(bars), 1)
    for tick in ticks:
        x = x_of(tick)
        out.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{bottom}" '
                   'stroke="#ddd" stroke-width="1"/>')
        out.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" '
                   f'fill="#666">{escape(_fmt(tick))}</text>')
    out.append(f'<line x1="{plot_x:.1f}" y1="{TOP}" x2="{plot_x:.1f}" y2="{bottom}" '
               'stroke="#999" stroke-width="1"/>')
    out.append("</g>")
    out.append('<g class="bars">')
    for i, bar in enumerate(bars):
        y = TOP + ROW * i
        middle = y + ROW / 2 + 4.5
        out.append(f'<g class="bar{" highlight" if bar.highlight else ""}">')
        weight = ' font-weight="700"' if bar.highlight else ""
        out.append(f'<text class="label" x="{plot_x - 6:.1f}" y="{middle:.1f}" '
                   f'text-anchor="end" fill="#1a1a1a"{weight}>'
                   f'{escape(_short(bar.label))}</text>')
        if bar.value is not None:
            width = x_of(bar.value) - plot_x
            fill = "#0b5cad" if not bar.highlight else "#08427d"
            out.append(f'<rect x="{plot_x:.1f}" y="{y + (ROW - BAR) / 2:.1f}" '
                       f'width="{width:.1f}" height="{BAR}" fill="{fill}" '
                       f'data-value="{escape(repr(float(bar.value)))}">'
                       f'<title>{escape(bar.label)}: {escape(bar.shown)}</title></rect>')
            text_x = plot_x + width + 6
            colour = "#1a1a1a"
        else:
            text_x = plot_x + 6
            colour = "#666"
        out.append(f'<text class="value" x="{text_x:.1f}" y="{middle:.1f}" '
                   f'fill="{colour}">{escape(bar.shown)}</text>')
        out.append("</g>")
    out.append("</g></svg>")
    return Markup("".join(out))
