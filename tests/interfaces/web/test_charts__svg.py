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
