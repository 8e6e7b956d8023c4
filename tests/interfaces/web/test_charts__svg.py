"""Server-side SVG bar charts: well-formed, labelled for screen readers, values as text,
lengths proportional, missing values not drawn as zero, every text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from interfaces.web.charts import LABEL_CHARS, Bar, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def test_a_chart_is_labelled_and_shows_every_value_as_text() -> None:
    root = parse(bar_chart("Ranking 2026", "Indeks <capaian>", "Satu batang per daerah", [
        Bar("1. Kota Jayapura", 3.5, "3.50"), Bar("2. Kota Balikpapan", 3.0, "3.00"),
        Bar("– Kota Semarang", None, "belum ada laporan")], 4, [0, 1, 2, 3, 4]))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("id") == "ranking-2026"
    assert root.get("aria-labelledby") == "ranking-2026-title ranking-2026-desc"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.get("id") == "ranking-2026-title"
    assert title.text == "Indeks <capaian>"  # escaped in the markup, read back as text
    assert desc is not None and desc.text == "Satu batang per daerah"

    bars = root.findall(f".//{SVG}g[@class='bar']")
    labels = [b.find(f"{SVG}text[@class='label']").text for b in bars]  # type: ignore[union-attr]
    values = [b.find(f"{SVG}text[@class='value']").text for b in bars]  # type: ignore[union-attr]
    assert labels == ["1. Kota Jayapura", "2. Kota Balikpapan", "– Kota Semarang"]
    assert values == ["3.50", "3.00", "belum ada laporan"]
    rects = root.findall(f".//{SVG}rect")
    assert [float(r.get("data-value", "")) for r in rects] == [3.5, 3.0]  # none for no value
    widths = [float(r.get("width", "")) for r in rects]
    assert widths[0] / widths[1] == pytest.approx(3.5 / 3.0, rel=0.01)
    tooltip = rects[0].find(f"{SVG}title")
    assert tooltip is not None and tooltip.text == "1. Kota Jayapura: 3.50"
    ticks = [t.text for t in root.findall(f"{SVG}g[@class='grid']/{SVG}text")]
    assert ticks == ["0", "1", "2", "3", "4"]


def test_the_full_scale_spans_the_plot_and_values_beyond_it_are_clamped() -> None:
    root = parse(bar_chart("c", "t", "d", [Bar("a", 4, "4"), Bar("b", 9, "9"),
                                          Bar("c", -1, "-1"), Bar("d", 2, "2")], 4))
    widths = [float(r.get("width", "")) for r in root.findall(f".//{SVG}rect")]
    assert widths[0] == widths[1] and widths[2] == 0.0
    assert widths[3] == pytest.approx(widths[0] / 2, abs=0.1)


def test_text_is_escaped_and_long_labels_are_shortened_with_the_full_one_in_the_tooltip(
) -> None:
    name = '<script>alert("x")</script> Kabupaten Pangkajene dan Kepulauan'
    markup = str(bar_chart("c", "t", "d", [Bar(name, 1.0, "1 & 2")], 4))
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    root = parse(markup)
    label = root.find(f".//{SVG}text[@class='label']")
    assert label is not None and label.text is not None
    assert label.text.endswith("…") and len(label.text) <= LABEL_CHARS
    tooltip = root.find(f".//{SVG}rect/{SVG}title")
    assert tooltip is not None and tooltip.text == f"{name}: 1 & 2"


def test_an_empty_chart_is_still_valid_and_a_maximum_is_required() -> None:
    root = parse(bar_chart("empty", "t", "d", [], 4))
    assert root.findall(f".//{SVG}rect") == []
    with pytest.raises(ValueError, match="positive maximum"):
        bar_chart("c", "t", "d", [Bar("a", 1, "1")], 0)


def test_a_value_with_no_room_after_its_bar_is_written_inside_it() -> None:
    root = parse(bar_chart("c", "t", "d", [Bar("a", 4, "4.00 (penuh, tanpa ruang)"),
                                          Bar("b", 1, "1.00")], 4))
    full, short = root.findall(f".//{SVG}text[@class='value']")
    assert full.get("text-anchor") == "end" and full.get("fill") == "#fff"
    assert short.get("text-anchor") is None and short.get("fill") == "#1a1a1a"


def test_a_mark_is_a_tick_across_its_bar_with_its_own_tooltip() -> None:
    root = parse(bar_chart("c", "t", "d", [
        Bar("Reviu mentor", 2, "2 / 3", mark=3, mark_label="p90 3 hari"),
        Bar("Revisi", None, "belum ada", mark=None)], 4))
    marks = root.findall(f".//{SVG}line[@class='mark']")
    assert len(marks) == 1 and float(marks[0].get("data-value", "")) == 3.0
    rect = root.find(f".//{SVG}rect")
    assert rect is not None
    bar_end = float(rect.get("x", "")) + float(rect.get("width", ""))
    mark_x = float(marks[0].get("x1", ""))
    assert mark_x == pytest.approx(float(rect.get("x", "")) + 1.5 * float(rect.get("width", "")))
    assert mark_x > bar_end  # 3 is beyond the bar's 2
    tooltip = marks[0].find(f"{SVG}title")
    assert tooltip is not None and tooltip.text == "Reviu mentor: p90 3 hari"
    value = root.find(f".//{SVG}text[@class='value']")
    assert value is not None and float(value.get("x", "")) > mark_x  # written past the tick


def test_a_line_chart_names_each_series_and_leaves_a_gap_for_a_missing_value() -> None:
    from interfaces.web.charts import Series, line_chart

    root = parse(line_chart("trend", "Indeks <per> dimensi", "Satu garis per dimensi",
                            ["Semester I 2026", "Semester II 2026", "Semester I 2027"],
                            [Series("Smart Governance", [2.5, None, 3.0]),
                             Series("Smart Living", [4.0, 3.5, 3.0])],
                            4, [0, 1, 2, 3, 4], shown=lambda v: f"{v:.2f}".replace(".", ",")))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "trend-title trend-desc"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Indeks <per> dimensi"
    series = root.findall(f".//{SVG}g[@class='series']")
    assert [s.get("data-series") for s in series] == ["Smart Governance", "Smart Living"]
    # A missing value draws no point and breaks the line: governance has two lone points.
    governance, living = series
    assert [float(p.get("data-value", "")) for p in
            governance.findall(f"{SVG}g[@class='point']")] == [2.5, 3.0]
    assert governance.findall(f"{SVG}polyline") == []
    assert len(living.findall(f"{SVG}polyline")) == 1
    tip = living.find(f"{SVG}g[@class='point']/{SVG}title")
    assert tip is not None and tip.text == "Smart Living · Semester I 2026: 4,00"
    # Each series has its own marker shape and dash, named in the legend.
    assert governance.find(f"{SVG}g/{SVG}circle") is not None
    assert living.find(f"{SVG}g/{SVG}rect") is not None
    assert living.find(f"{SVG}polyline").get("stroke-dasharray") == "6 3"  # type: ignore[union-attr]
    legend = [t.text for t in root.findall(f".//{SVG}text[@class='legend']")]
    assert legend == ["Smart Governance", "Smart Living"]
    # Points are placed by value: 4.0 higher (smaller y) than 3.0.
    ys = [float(c.get("y", c.get("cy", "0")) or 0)
          for c in living.findall(f"{SVG}g[@class='point']/{SVG}rect")]
    assert ys[0] < ys[1] < ys[2]
    with pytest.raises(ValueError, match="positive maximum"):
        line_chart("c", "t", "d", ["a"], [], 0)
