"""A workflow definition drawn as inline SVG, server-side: no JavaScript, no Mermaid runtime.

:mod:`engine.diagram` writes Mermaid text for tools that render it; a browser without
internet and without JavaScript needs the picture itself, so this module lays the states out
and writes the SVG markup.

The picture is drawn at its natural size (one SVG unit is one CSS pixel, text at 12-13 px) and
the page lets it scroll sideways inside its own frame on a narrow screen, rather than shrinking
it: a shrunk diagram is unreadable on a phone. So every label is wrapped to the room it has
instead of being drawn over its neighbours, and the drawing's size counts every label.

Layout (readable for the master plan's 16 states, and general for any valid definition):

* **layers** top to bottom: an edge is *forward* when its target comes later in the
  definition's state order and *back* otherwise (reject -> revision -> resubmit loops). A
  state's layer is one more than the deepest forward predecessor (longest path), so the
  picture reads in the definition's order;
* **the spine**: from the initial state, the successor with the longest way still ahead,
  in column 0; the other states of a layer sit to its right in definition order;
* **edges** carry the transition's label (in the reader's language, never the trigger's
  name). A forward edge ends in a vertical stretch into the top of its target, its label
  beside that stretch, in the gap above the target, which is made tall enough for the
  labels it holds; an edge that changes column runs sideways in a lane just under its source
  first, so it never crosses those labels. Back edges are dashed, in another colour, attached
  to a side so they never lie on top of the forward edge between the same states. A
  transition with many sources (``withdraw`` from every stage) is one *bus*: a dotted line
  down the right side into its target, instead of a dozen crossing arrows (the description
  lists its sources).

The current state is filled and outlined, passed states (visited in this cycle) are marked
with a tick, final states have a double border, and the edges this cycle has taken are
drawn heavier. The SVG carries ``<title>``/``<desc>`` (and a title per state and edge) and
text labels, so it reads without colour and with a screen reader. Every text is escaped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass

from markupsafe import Markup, escape

from engine import TransitionSpec, WorkflowDefinition

NODE_W, NODE_H = 220, 44  # a state's box: two lines of its label
COL_GAP, ROW_GAP = 64, 28  # between columns; the least gap between layers
MARGIN = 16
BUS_MIN_SOURCES = 4  # a transition from this many states or more is drawn as a bus
# Text sizes (SVG units = CSS px) and generous average advances, to wrap before drawing.
NODE_LINE, NODE_CHAR, BOLD_CHAR = 16, 7.2, 8.0  # 13 px; the current state's is bold
EDGE_LINE, EDGE_CHAR = 15, 7.0  # 12 px
NODE_TEXT_W = NODE_W - 14
LABEL_W = NODE_W / 2 + COL_GAP - 16  # an edge label: beside its arrow, up to the next column
LABEL_LINES = 3
LANE_TOP, LANE_STEP = 10, 7  # sideways lanes under a source box
ARC = 18  # how far under two boxes a same-layer back edge dips
BOW = COL_GAP * 0.6  # a same-column edge that skips layers bows this far out to the left
BUS_ROOM = 44  # right of everything: the bus line and its (rotated) caption

#: The texts the picture uses; pages pass translations (keys below), English otherwise.
TEXTS = {
    "title": "Workflow of {title}",
    "current": "current stage",
    "passed": "passed",
    "ahead": "not reached",
    "final": "final",
    "desc_current": "Current stage: {state}.",
    "desc_passed": "Passed in this cycle: {states}.",
    "desc_none_passed": "No stage passed yet in this cycle.",
    "desc_edges": "Transitions:",
    "back": "back",
    "from_any": "{trigger}: from any of {n} stages",
}


def wrap(text: str, width: float, char: float, max_lines: int) -> list[str]:
    """``text`` in lines of at most ``width`` (at ``char`` per character), the last one
    shortened with an ellipsis when it needs more than ``max_lines``."""
    room = max(int(width // char), 4)
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > room:  # a word longer than a line is cut
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:room - 1] + "-")
            word = word[room - 1:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= room:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1:])
        lines = [*lines[:max_lines - 1], rest[:room - 1].rstrip() + "…"]
    return lines or [""]


def _text_width(lines: list[str], char: float = EDGE_CHAR) -> float:
    return max((len(line) for line in lines), default=0) * char


@dataclass(frozen=True)
class Node:
    state: str
    label: str
    layer: int
    column: int
    final: bool
    y: float
    left: float = MARGIN  # where column 0 starts

    @property
    def x(self) -> float:
        return self.left + self.column * (NODE_W + COL_GAP)

    @property
    def cx(self) -> float:
        return self.x + NODE_W / 2

    @property
    def cy(self) -> float:
        return self.y + NODE_H / 2

    @property
    def right(self) -> float:
        return self.x + NODE_W

    @property
    def bottom(self) -> float:
        return self.y + NODE_H


@dataclass(frozen=True, eq=False)  # identity: a transition spec holds lists
class Edge:
    source: str
    dest: str
    transition: TransitionSpec
    lines: tuple[str, ...] = ()  # its label, wrapped

    @property
    def trigger(self) -> str:
        return self.transition.trigger


@dataclass(frozen=True)
class Label:
    """Where an edge's label is drawn: its lines from the first baseline ``y`` down."""

    x: float
    y: float
    anchor: str
    lines: tuple[str, ...]

    @property
    def extent(self) -> tuple[float, float]:
        width = _text_width(list(self.lines))
        if self.anchor == "start":
            return self.x, self.x + width
        if self.anchor == "end":
            return self.x - width, self.x
        return self.x - width / 2, self.x + width / 2


@dataclass(frozen=True)
class Drawn:
    """An edge's path and its label."""

    path: str
    label: Label


@dataclass(frozen=True)
class Layout:
    nodes: dict[str, Node]
    forward: list[Edge]
    back: list[Edge]
    loops: list[Edge]
    buses: list[TransitionSpec]
    drawn: dict[Edge, Drawn]
    width: float
    height: float

    @property
    def bus_x(self) -> float:
        return self.width - MARGIN - BUS_ROOM / 2


def _f(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _edge_lines(d: WorkflowDefinition, t: TransitionSpec, back: bool = False) -> tuple[str, ...]:
    return tuple(wrap(("↺ " if back else "") + d.transition_label(t), LABEL_W, EDGE_CHAR,
                      LABEL_LINES))


def _block(lines: tuple[str, ...]) -> float:
    return len(lines) * EDGE_LINE


def layout(d: WorkflowDefinition) -> Layout:
    """Place every state (layer, column), sort the edges into forward, back, loops and buses,
    and route each edge with its label."""
    order = {s: i for i, s in enumerate(d.states)}
    forward: list[Edge] = []
    back: list[Edge] = []
    loops: list[Edge] = []
    buses: list[TransitionSpec] = []
    for t in d.transitions:
        if len(t.sources) >= BUS_MIN_SOURCES:
            buses.append(t)
            continue
        for s in t.sources:
            if s == t.dest:
                loops.append(Edge(s, t.dest, t, _edge_lines(d, t)))
            elif order[s] < order[t.dest]:
                forward.append(Edge(s, t.dest, t, _edge_lines(d, t)))
            else:
                back.append(Edge(s, t.dest, t, _edge_lines(d, t, back=True)))
    preds: dict[str, set[str]] = defaultdict(set)
    succs: dict[str, list[str]] = defaultdict(list)
    for e in forward:
        preds[e.dest].add(e.source)
        if e.dest not in succs[e.source]:
            succs[e.source].append(e.dest)
    layer: dict[str, int] = {}
    for s in d.states:  # forward edges go up the order, so this is a topological order
        if preds[s]:
            layer[s] = max(layer[p] for p in preds[s]) + 1
        elif s == d.initial:
            layer[s] = 0
    # States reached only by a bus or a back edge: below everything they come from.
    reached_by: dict[str, set[str]] = defaultdict(set)
    for t in buses:
        reached_by[t.dest].update(t.sources)
    for e in back:
        reached_by[e.dest].add(e.source)
    for s in d.states:
        if s not in layer:
            known = [layer[p] for p in reached_by[s] if p in layer]
            layer[s] = max(known) + 1 if known else 0
    # The spine: from the initial state, always the successor with the longest way ahead.
    height: dict[str, int] = {}
    for s in reversed(list(d.states)):
        height[s] = max((height[n] + 1 for n in succs[s]), default=0)
    spine = [d.initial]
    while succs[spine[-1]]:
        spine.append(max(succs[spine[-1]], key=lambda n: (height[n], -order[n])))
    column: dict[str, int] = dict.fromkeys(spine, 0)
    used: dict[int, int] = defaultdict(int)
    for s in d.states:
        if s not in column:
            used[layer[s]] += 1
            column[s] = used[layer[s]]
    last = max(layer.values())

    # The gap above each layer holds the lanes of the edges that leave the layer above
    # sideways, then the labels of the edges that end in this layer; the gap under a layer
    # holds the arcs of its same-layer back edges and their labels.
    sideways = [e for e in forward if column[e.source] != column[e.dest]]
    lanes: dict[int, list[Edge]] = defaultdict(list)
    for e in sorted(sideways, key=lambda e: (order[e.source], column[e.dest])):
        lanes[layer[e.source]].append(e)
    into: dict[str, list[Edge]] = defaultdict(list)
    for e in forward:
        if not (column[e.source] == column[e.dest] and layer[e.dest] - layer[e.source] > 1):
            into[e.dest].append(e)  # a bowed edge enters from the side, its label beside it
    arcs = [e for e in back if layer[e.source] == layer[e.dest]]
    gaps = [float(ROW_GAP)] * (last + 1)  # gaps[n]: above layer n
    for n in range(1, last + 1):
        lane_room = LANE_TOP + LANE_STEP * len(lanes[n - 1]) if lanes[n - 1] else 0
        labels = max((sum(_block(e.lines) + 4 for e in into[s]) for s in d.states
                      if layer[s] == n), default=0)
        arc_room = max((ARC + 10 + _block(e.lines) for e in arcs if layer[e.source] == n - 1),
                       default=0)
        gaps[n] = max(ROW_GAP, lane_room + labels + 8, arc_room + 6)
    below_last = max((ARC + 10 + _block(e.lines) for e in arcs if layer[e.source] == last),
                     default=0)
    tops = [float(MARGIN)]
    for n in range(1, last + 1):
        tops.append(tops[-1] + NODE_H + gaps[n])
    bowed = any(column[e.source] == column[e.dest] and layer[e.dest] - layer[e.source] > 1
                for e in forward)
    left = MARGIN + (BOW + 8 + LABEL_W if bowed else 0)
    nodes = {s: Node(s, d.state_label(s), layer[s], column[s], d.states[s].final,
                     tops[layer[s]], left) for s in d.states}

    drawn: dict[Edge, Drawn] = {}
    # Forward edges: leave the source's bottom (sideways ones from distinct points), take a
    # lane under it when changing column, and enter the target's top.
    exits: dict[Edge, float] = {}
    by_source: dict[str, list[Edge]] = defaultdict(list)
    for e in sideways:
        by_source[e.source].append(e)
    for edges in by_source.values():
        edges.sort(key=lambda e: column[e.dest])
        for i, e in enumerate(edges):
            sign = 1 if column[e.dest] > column[e.source] else -1
            exits[e] = sign * (i + 1) * (NODE_W / 2) / (len(edges) + 1)
    lane_y: dict[Edge, float] = {}
    for edges in lanes.values():
        for i, e in enumerate(edges):
            lane_y[e] = nodes[e.source].bottom + LANE_TOP + LANE_STEP * i
    for state, edges in into.items():
        t = nodes[state]
        bottom = t.y - 6  # the lowest label's last baseline
        for j, e in reversed(list(enumerate(edges))):
            s = nodes[e.source]
            entry = t.cx + (j - (len(edges) - 1) / 2) * 24
            if e in lane_y:
                sx, lane = s.cx + exits[e], lane_y[e]
                r = min(6.0, abs(entry - sx) / 2)
                step = r if entry > sx else -r
                path = (f"M{_f(sx)} {_f(s.bottom)} L{_f(sx)} {_f(lane - r)} "
                        f"Q{_f(sx)} {_f(lane)} {_f(sx + step)} {_f(lane)} "
                        f"L{_f(entry - step)} {_f(lane)} "
                        f"Q{_f(entry)} {_f(lane)} {_f(entry)} {_f(lane + r)} "
                        f"L{_f(entry)} {_f(t.y)}")
            else:
                path = f"M{_f(entry)} {_f(s.bottom)} L{_f(entry)} {_f(t.y)}"
            first = bottom - (len(e.lines) - 1) * EDGE_LINE
            drawn[e] = Drawn(path, Label(entry + 6, first, "start", e.lines))
            bottom = first - EDGE_LINE - 4
    for e in forward:
        if e in drawn:
            continue
        # Skips layers in one column: bow out to the left, clear of the boxes between.
        s, t = nodes[e.source], nodes[e.dest]
        bow = s.x - BOW
        path = (f"M{_f(s.x)} {_f(s.cy)} C{_f(bow)} {_f(s.cy)} {_f(bow)} {_f(t.cy)} "
                f"{_f(t.x)} {_f(t.cy)}")
        middle = (s.cy + t.cy) / 2 - (len(e.lines) - 1) * EDGE_LINE / 2
        drawn[e] = Drawn(path, Label(bow - 4, middle, "end", e.lines))
    for e in back:
        drawn[e] = _back(nodes[e.source], nodes[e.dest], e.lines)
    for e in loops:
        n = nodes[e.source]
        path = (f"M{_f(n.right)} {_f(n.y + 8)} C{_f(n.right + 26)} {_f(n.y - 6)} "
                f"{_f(n.right + 26)} {_f(n.bottom + 6)} {_f(n.right)} {_f(n.bottom - 8)}")
        first = n.cy + 4 - (len(e.lines) - 1) * EDGE_LINE / 2
        drawn[e] = Drawn(path, Label(n.right + 30, first, "start", e.lines))

    right = max(n.right for n in nodes.values())
    right = max([right, *(drawn[e].label.extent[1] for e in drawn)])
    width = right + MARGIN + (BUS_ROOM if buses else 0)
    height_px = tops[-1] + NODE_H + MARGIN + below_last
    for e in drawn.values():  # a label above the first layer or under the last
        label_bottom = e.label.y + (len(e.label.lines) - 1) * EDGE_LINE + 4
        height_px = max(height_px, label_bottom + MARGIN)
    return Layout(nodes, forward, back, loops, buses, drawn, width, height_px)


def _back(s: Node, t: Node, lines: tuple[str, ...]) -> Drawn:
    """A back edge: dashed, along a side of the boxes, so it never hides a forward edge."""
    if s.layer == t.layer:
        # Side by side: an arc under both boxes (the gap below is made tall enough).
        going_left = t.column < s.column
        x1 = s.x + 28 if going_left else s.right - 28
        x2 = t.right - 28 if going_left else t.x + 28
        path = (f"M{_f(x1)} {_f(s.bottom)} Q{_f((x1 + x2) / 2)} {_f(s.bottom + 2 * ARC)} "
                f"{_f(x2)} {_f(t.bottom)}")
        return Drawn(path, Label((x1 + x2) / 2, s.bottom + ARC + 14, "middle", lines))
    if s.layer == t.layer + 1 and s.column != t.column:
        # One layer up, another column: up from the source's top, into the target's side;
        # the label beside the riser, level with the target.
        going_left = t.column < s.column
        sx = s.x + NODE_W * 0.25 if going_left else s.right - NODE_W * 0.25
        tx = t.right if going_left else t.x
        path = (f"M{_f(sx)} {_f(s.y)} C{_f(sx)} {_f(t.cy)} {_f(sx)} {_f(t.cy)} "
                f"{_f(tx)} {_f(t.cy)}")
        first = t.cy - 6 - (len(lines) - 1) * EDGE_LINE
        return Drawn(path, Label(sx + (6 if going_left else -6), first,
                                 "start" if going_left else "end", lines))
    # Anything longer: a lane down the right of both boxes.
    lane = max(s.right, t.right) + COL_GAP * 0.45
    path = (f"M{_f(s.right)} {_f(s.cy)} C{_f(lane)} {_f(s.cy)} {_f(lane)} {_f(t.cy)} "
            f"{_f(t.right)} {_f(t.cy)}")
    first = (s.cy + t.cy) / 2 - (len(lines) - 1) * EDGE_LINE / 2
    return Drawn(path, Label(lane + 4, first, "start", lines))


def _text(x: float, y: float, lines: tuple[str, ...] | list[str], cls: str,
          anchor: str = "middle", line: float = EDGE_LINE) -> str:
    """A ``<text>``; several lines as ``<tspan>``s under each other."""
    head = f'<text x="{_f(x)}" y="{_f(y)}" class="{cls}" text-anchor="{anchor}">'
    if len(lines) == 1:
        return f"{head}{escape(lines[0])}</text>"
    spans = "".join(
        f'<tspan x="{_f(x)}"{"" if i == 0 else f" dy={chr(34)}{_f(line)}{chr(34)}"}>'
        f"{escape(text)}</tspan>" for i, text in enumerate(lines))
    return f"{head}{spans}</text>"


def _roles(d: WorkflowDefinition, t: TransitionSpec) -> str:
    return ", ".join(d.role_label(r) for r in t.roles)


def _edge_title(d: WorkflowDefinition, e: Edge, nodes: dict[str, Node]) -> str:
    return (f"{nodes[e.source].label} → {nodes[e.dest].label}: "
            f"{d.transition_label(e.transition)} ({_roles(d, e.transition)})")


def svg(d: WorkflowDefinition, current: str | None = None,
        passed: Collection[str] = (), taken: Collection[tuple[str, str]] = (),
        texts: dict[str, str] | None = None, ident: str = "wf") -> Markup:
    """The definition as an ``<svg>`` element, ``current`` highlighted, ``passed`` ticked.

    ``taken`` is the (source, dest) pairs this cycle went through (drawn heavier);
    ``texts`` overrides :data:`TEXTS` (translations); ``ident`` prefixes element ids so two
    diagrams may share a page.
    """
    words = {**TEXTS, **(texts or {})}
    lay = layout(d)
    nodes = lay.nodes
    taken_set = set(taken)
    passed_set = set(passed) - {current}
    out: list[str] = []
    title = words["title"].format(title=d.title)
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="workflow" role="img" '
        f'viewBox="0 0 {_f(lay.width)} {_f(lay.height)}" width="{_f(lay.width)}" '
        f'height="{_f(lay.height)}" aria-labelledby="{ident}-title {ident}-desc">')
    out.append(f'<title id="{ident}-title">{escape(title)}</title>')
    out.append(f'<desc id="{ident}-desc">{escape(_description(d, lay, current, passed_set, words))}'
               "</desc>")
    out.append("<defs>" + _marker(f"{ident}-arrow", "arrowhead")
               + _marker(f"{ident}-arrow-back", "arrowhead back") + "</defs>")
    out.append('<g class="edges">')
    for e in lay.forward:
        cls = "edge forward" + (" taken" if (e.source, e.dest) in taken_set else "")
        out.append(_edge(lay.drawn[e], cls, f"{ident}-arrow", _edge_title(d, e, nodes),
                         "edge-label"))
    for e in lay.back:
        cls = "edge back" + (" taken" if (e.source, e.dest) in taken_set else "")
        out.append(_edge(lay.drawn[e], cls, f"{ident}-arrow-back",
                         f"{_edge_title(d, e, nodes)} ({words['back']})", "edge-label back"))
    for e in lay.loops:
        out.append(_edge(lay.drawn[e], "edge loop", f"{ident}-arrow",
                         _edge_title(d, e, nodes), "edge-label"))
    out.extend(_bus(d, t, nodes, lay, ident, words) for t in lay.buses)
    out.append("</g>")
    out.append('<g class="nodes">')
    for node in nodes.values():
        out.append(_node(node, current, passed_set, words))
    out.append("</g></svg>")
    return Markup("".join(out))


def _marker(ident: str, cls: str) -> str:
    # In user units, so a heavier (taken) edge keeps the same arrowhead.
    return (f'<marker id="{ident}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" '
            'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
            f'<path d="M0 0L10 5L0 10z" class="{cls}"/></marker>')


def _node(n: Node, current: str | None, passed: set[str], words: dict[str, str]) -> str:
    status = ("current" if n.state == current else "passed" if n.state in passed else "ahead")
    classes = f"node {status}" + (" final" if n.final else "")
    mark = {"current": "▶ ", "passed": "✓ ", "ahead": ""}[status]
    about = words[status] + (f", {words['final']}" if n.final else "")
    parts = [f'<g class="{classes}" data-state="{escape(n.state)}">',
             f"<title>{escape(n.label)} ({escape(about)})</title>",
             f'<rect x="{_f(n.x)}" y="{_f(n.y)}" width="{NODE_W}" height="{NODE_H}" rx="6"/>']
    if n.final:
        parts.append(f'<rect class="inner" x="{_f(n.x + 3)}" y="{_f(n.y + 3)}" '
                     f'width="{NODE_W - 6}" height="{NODE_H - 6}" rx="4"/>')
    lines = wrap(mark + n.label, NODE_TEXT_W, BOLD_CHAR if status == "current" else NODE_CHAR, 2)
    first = n.cy + 4.5 - (len(lines) - 1) * NODE_LINE / 2
    parts.append(_text(n.cx, first, lines, "label", line=NODE_LINE))
    parts.append("</g>")
    return "".join(parts)


def _edge(drawn: Drawn, cls: str, marker: str, title: str, label_cls: str) -> str:
    label = drawn.label
    return (f'<g class="{cls}"><title>{escape(title)}</title>'
            f'<path d="{drawn.path}" marker-end="url(#{marker})"/>'
            f"{_text(label.x, label.y, label.lines, label_cls, label.anchor)}</g>")


def _bus(d: WorkflowDefinition, t: TransitionSpec, nodes: dict[str, Node], lay: Layout,
         ident: str, words: dict[str, str]) -> str:
    target = nodes[t.dest]
    sources = [nodes[s] for s in t.sources]
    x = lay.bus_x
    top = min(n.cy for n in sources)
    dots = "".join(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="2.5"/>'
                   for y in sorted({n.cy for n in sources}))
    path = f"M{_f(x)} {_f(top)} L{_f(x)} {_f(target.cy)} L{_f(target.right)} {_f(target.cy)}"
    caption = words["from_any"].format(trigger=d.transition_label(t), n=len(sources))
    mid = (top + target.cy) / 2
    label = (f'<text class="edge-label bus" text-anchor="middle" '
             f'transform="translate({_f(x + 8)} {_f(mid)}) rotate(90)">{escape(caption)}</text>')
    title = (f"{d.transition_label(t)} ({_roles(d, t)}): "
             + ", ".join(n.label for n in sources) + f" → {target.label}")
    return (f'<g class="edge bus"><title>{escape(title)}</title>'
            f'<path d="{path}" marker-end="url(#{ident}-arrow)"/>{dots}{label}</g>')


def _description(d: WorkflowDefinition, lay: Layout, current: str | None, passed: set[str],
                 words: dict[str, str]) -> str:
    label = d.state_label
    parts = []
    if current is not None:
        parts.append(words["desc_current"].format(state=label(current)))
    passed_in_order = [label(s) for s in d.states if s in passed]
    parts.append(words["desc_passed"].format(states=", ".join(passed_in_order))
                 if passed_in_order else words["desc_none_passed"])
    edges = (
        [f"{label(e.source)} → {label(e.dest)} ({d.transition_label(e.transition)})"
         for e in (*lay.forward, *lay.back, *lay.loops)]
        + [f"{', '.join(label(s) for s in t.sources)} → {label(t.dest)} "
           f"({d.transition_label(t)})" for t in lay.buses])
    parts.append(words["desc_edges"] + " " + "; ".join(edges) + ".")
    return " ".join(parts)


def translated(t: Callable[[str], str], prefix: str = "region.diagram.") -> dict[str, str]:
    """:data:`TEXTS` from a page catalogue whose keys are ``prefix`` + the text's name."""
    return {key: t(prefix + key) for key in TEXTS}
