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
