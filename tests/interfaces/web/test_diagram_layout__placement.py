"""The workflow diagram as server-side SVG: well-formed, accessible, laid out without overlaps,
back edges and the withdrawal bus drawn apart, the current and passed states marked."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

from config.language import using
from engine import load_definition, load_definition_file
from interfaces.web import diagram_layout, diagram_svg
from interfaces.web.diagram_layout import NODE_H, NODE_W, layout
from interfaces.web.diagram_svg import svg

NS = {"s": "http://www.w3.org/2000/svg"}
MASTER_PLAN = Path(__file__).resolve().parents[3] / "workflows/definitions/master_plan.yaml"


def master_plan():  # type: ignore[no-untyped-def]
    return load_definition_file(MASTER_PLAN).definition


def nodes(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-state", ""): g for g in root.iterfind(".//s:g[@data-state]", NS)}


def test_every_state_is_a_labelled_node_and_the_current_one_is_highlighted() -> None:
    d = master_plan()
    passed = ["assessment", "mou", "institutions", "bimtek_1"]
    root = ET.fromstring(str(svg(d, "bimtek_2", passed,
                                 [("assessment", "mou"), ("mou", "institutions")])))
    assert root.get("role") == "img"
    title = root.find("s:title", NS)
    desc = root.find("s:desc", NS)
    assert title is not None and "Smart-city master plan" in (title.text or "")
    assert desc is not None and "Current stage: Bimtek II." in (desc.text or "")
    assert "Passed in this cycle: Invited / assessment, MoU, Institutions, Bimtek I." in \
        (desc.text or "")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"

    found = nodes(root)
    assert list(found) == list(d.states)
    classes = {state: set((g.get("class") or "").split()) for state, g in found.items()}
    assert [s for s, c in classes.items() if "current" in c] == ["bimtek_2"]
    assert {s for s, c in classes.items() if "passed" in c} == set(passed)
    assert "ahead" in classes["presentation"] and "final" in classes["withdrawn"]
    label = found["bimtek_2"].find("s:text", NS)
    assert label is not None and label.text == "▶ Bimtek II"
    node_title = found["bimtek_2"].find("s:title", NS)
    assert node_title is not None and node_title.text == "Bimtek II (current stage)"
    passed_label = found["mou"].find("s:text", NS)
    assert passed_label is not None and passed_label.text == "✓ MoU"

    taken = [g for g in root.iterfind(".//s:g[@class]", NS)
             if "taken" in (g.get("class") or "").split()]
    assert len(taken) == 2


def test_back_edges_are_drawn_apart_and_withdrawal_is_one_bus() -> None:
    root = ET.fromstring(str(svg(master_plan())))
    edges = [g for g in root.iterfind(".//s:g[@class]", NS)
             if "edge" in (g.get("class") or "").split()]
    back = [g for g in edges if "back" in (g.get("class") or "").split()]
    back_titles = sorted((g.find("s:title", NS).text or "") for g in back)  # type: ignore[union-attr]
    assert len(back) == 2
    assert back_titles[0].startswith("Review escalated → Revision: Grant one more revision round")
    assert back_titles[1].startswith("Revision → Mentor review: Resubmit")
    for g in back:
        path = g.find("s:path", NS)
        assert path is not None and path.get("marker-end") == "url(#wf-arrow-back)"
    buses = [g for g in edges if "bus" in (g.get("class") or "").split()]
    assert len(buses) == 1  # not fourteen arrows into "withdrawn"
    assert len(buses[0].findall("s:circle", NS)) >= 12  # a dot at each source's layer
    # Every non-bus transition is drawn once per source: 16 forward and back edges.
    assert len([g for g in edges if "bus" not in (g.get("class") or "").split()]) == 16


def test_layout_reads_top_down_in_definition_order_without_overlaps() -> None:
    d = master_plan()
    lay = layout(d)
    spine = ["assessment", "mou", "institutions", "bimtek_1", "bimtek_2", "bimtek_3",
             "bimtek_4", "quick_win_submission", "mentor_review", "presentation", "adoption",
             "implementation", "renewed"]
    assert [lay.nodes[s].column for s in spine] == [0] * len(spine)
    assert [lay.nodes[s].y for s in spine] == sorted(lay.nodes[s].y for s in spine)
    assert lay.nodes["revision"].layer == lay.nodes["mentor_review"].layer + 1
    assert lay.nodes["revision"].column > 0 and lay.nodes["review_escalated"].column > 0
    for a, b in itertools.combinations(lay.nodes.values(), 2):
        apart = (a.x + NODE_W <= b.x or b.x + NODE_W <= a.x
                 or a.y + NODE_H <= b.y or b.y + NODE_H <= a.y)
        assert apart, (a.state, b.state)
    for n in lay.nodes.values():
        assert n.x + NODE_W <= lay.width and n.y + NODE_H <= lay.height


def test_labels_from_the_definition_are_escaped() -> None:
    d = load_definition("""
key: tricky
version: 1
title: "<script>alert('t')</script> & more"
initial: draft
roles: {author: {}}
states:
  draft: {label: "<b>Draft</b> & co"}
  done: {final: true}
transitions:
  - {trigger: finish, source: draft, dest: done, roles: [author], label: "a <i>label</i>"}
""").definition
    text = str(svg(d, "draft"))
    assert "<script>" not in text and "<b>" not in text and "<i>" not in text
    assert "&lt;b&gt;Draft&lt;/b&gt; &amp; co" in text
    root = ET.fromstring(text)  # still well-formed
    assert (root.find("s:title", NS).text or "").startswith(  # type: ignore[union-attr]
        "Workflow of <script>")


def test_loops_long_back_edges_and_translations_render() -> None:
    d = load_definition("""
key: loops
version: 1
title: Loops
initial: a
roles: {r: {}}
states: {a: {}, b: {}, c: {}, d: {final: true}}
transitions:
  - {trigger: go, source: a, dest: b, roles: [r]}
  - {trigger: proceed, source: b, dest: c, roles: [r]}
  - {trigger: restart, source: c, dest: a, roles: [r]}
  - {trigger: poke, source: b, dest: b, roles: [r]}
  - {trigger: end, source: c, dest: d, roles: [r]}
""").definition
    words = diagram_svg.translated(lambda key: {"region.diagram.current": "tahap saat ini"}
                                   .get(key, diagram_svg.TEXTS[key.rsplit(".", 1)[1]]))
    root = ET.fromstring(str(svg(d, "c", ["a", "b"], texts=words, ident="x")))
    classes = [g.get("class") or "" for g in root.iterfind(".//s:g[@class]", NS)]
    assert "edge loop" in classes and "edge back" in classes
    current = nodes(root)["c"].find("s:title", NS)
    assert current is not None and current.text == "C (tahap saat ini)"
    assert root.find("s:defs/s:marker[@id='x-arrow']", NS) is not None


def _texts(root: ET.Element) -> list[str]:
    """Every text of the picture, its lines joined."""
    return [" ".join(t.itertext()) for t in root.iterfind(".//s:text", NS)]


def test_edges_carry_the_transitions_indonesian_labels_wrapped_to_their_room() -> None:
    d = master_plan()
    with using("id"):
        lay = layout(d)
        root = ET.fromstring(str(svg(d, "mentor_review")))
        labels = [d.transition_label(t) for t in d.transitions]
    texts = _texts(root)
    edge_texts = [" ".join(t.itertext()) for g in root.iterfind(".//s:g[@class]", NS)
                  if "edge" in (g.get("class") or "").split()
                  for t in g.iterfind("s:text", NS)]
    assert "Tutup bimtek I" in edge_texts and "Setujui rencana quick win" in edge_texts
    assert "↺ Kirim ulang rencana quick win yang sudah direvisi" in edge_texts
    assert "Tolak dengan catatan (direvisi lalu dikirim ulang)" in edge_texts
    assert any(t.startswith("Keluarkan daerah dari program") for t in edge_texts)  # the bus
    for trigger in ("close_bimtek_1", "close bimtek 1", "submit for review", "resubmit"):
        assert not any(trigger in t for t in texts), trigger
    assert all(any(label in t for t in texts) for label in labels)
    # Wrapped, never shortened: every label's words are all there, and no line is wider
    # than the room it was wrapped for.
    for drawn in lay.drawn.values():
        for line in drawn.label.lines:
            assert len(line) * diagram_layout.EDGE_CHAR <= diagram_layout.LABEL_W + 1, line
        low, high = drawn.label.extent
        assert low >= 0 and high <= lay.width
    long_state = next(g for g in root.iterfind(".//s:g[@data-state]", NS)
                      if g.get("data-state") == "renewed").find("s:text", NS)
    assert long_state is not None
    assert " ".join(long_state.itertext()) == "Diperbarui (siklus berikutnya dimulai)"


def test_the_gap_above_a_state_holds_the_labels_of_the_edges_into_it() -> None:
    with using("id"):
        lay = layout(master_plan())
    for drawn in lay.drawn.values():
        label = drawn.label
        top = label.y - 12
        bottom = label.y + (len(label.lines) - 1) * diagram_layout.EDGE_LINE + 3
        low, high = label.extent
        for n in lay.nodes.values():  # no label lies on a box
            assert (high <= n.x or n.right <= low or bottom <= n.y or n.bottom <= top), (
                label.lines, n.state)
