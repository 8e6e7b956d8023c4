"""The layout of a workflow diagram: where each state's box, each arrow and each label goes.

:mod:`interfaces.web.diagram_svg` draws what this module places (see its docstring for the
rules: layers in the definition's order, the spine, labelled forward edges, dashed back edges,
buses). Everything is measured in SVG units, which the page shows as CSS pixels, and every
label is wrapped to the room it has before anything is placed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

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


def num(v: float) -> str:
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
        dst = nodes[state]
        bottom = dst.y - 6  # the lowest label's last baseline
        for j, e in reversed(list(enumerate(edges))):
            src = nodes[e.source]
            entry = dst.cx + (j - (len(edges) - 1) / 2) * 24
            if e in lane_y:
                sx, lane = src.cx + exits[e], lane_y[e]
                r = min(6.0, abs(entry - sx) / 2)
                step = r if entry > sx else -r
                path = (f"M{num(sx)} {num(src.bottom)} L{num(sx)} {num(lane - r)} "
                        f"Q{num(sx)} {num(lane)} {num(sx + step)} {num(lane)} "
                        f"L{num(entry - step)} {num(lane)} "
                        f"Q{num(entry)} {num(lane)} {num(entry)} {num(lane + r)} "
                        f"L{num(entry)} {num(dst.y)}")
            else:
                path = f"M{num(entry)} {num(src.bottom)} L{num(entry)} {num(dst.y)}"
            first = bottom - (len(e.lines) - 1) * EDGE_LINE
            drawn[e] = Drawn(path, Label(entry + 6, first, "start", e.lines))
            bottom = first - EDGE_LINE - 4
    for e in forward:
        if e in drawn:
            continue
        # Skips layers in one column: bow out to the left, clear of the boxes between.
        src, dst = nodes[e.source], nodes[e.dest]
        bow = src.x - BOW
        path = (f"M{num(src.x)} {num(src.cy)} C{num(bow)} {num(src.cy)} {num(bow)} {num(dst.cy)} "
                f"{num(dst.x)} {num(dst.cy)}")
        middle = (src.cy + dst.cy) / 2 - (len(e.lines) - 1) * EDGE_LINE / 2
        drawn[e] = Drawn(path, Label(bow - 4, middle, "end", e.lines))
    for e in back:
        drawn[e] = _back(nodes[e.source], nodes[e.dest], e.lines)
    for e in loops:
        box = nodes[e.source]
        path = (f"M{num(box.right)} {num(box.y + 8)} C{num(box.right + 26)} {num(box.y - 6)} "
                f"{num(box.right + 26)} {num(box.bottom + 6)} {num(box.right)} "
                f"{num(box.bottom - 8)}")
        first = box.cy + 4 - (len(e.lines) - 1) * EDGE_LINE / 2
        drawn[e] = Drawn(path, Label(box.right + 30, first, "start", e.lines))

    right = max([*(box.right for box in nodes.values()),
                 *(placed.label.extent[1] for placed in drawn.values())])
    width = right + MARGIN + (BUS_ROOM if buses else 0)
    height_px = tops[-1] + NODE_H + MARGIN + below_last
    for placed in drawn.values():  # a label above the first layer or under the last
        label_bottom = placed.label.y + (len(placed.label.lines) - 1) * EDGE_LINE + 4
        height_px = max(height_px, label_bottom + MARGIN)
    return Layout(nodes, forward, back, loops, buses, drawn, width, height_px)


def _back(s: Node, t: Node, lines: tuple[str, ...]) -> Drawn:
    """A back edge: dashed, along a side of the boxes, so it never hides a forward edge."""
    if s.layer == t.layer:
        # Side by side: an arc under both boxes (the gap below is made tall enough).
        going_left = t.column < s.column
        x1 = s.x + 28 if going_left else s.right - 28
        x2 = t.right - 28 if going_left else t.x + 28
        path = (f"M{num(x1)} {num(s.bottom)} Q{num((x1 + x2) / 2)} {num(s.bottom + 2 * ARC)} "
                f"{num(x2)} {num(t.bottom)}")
        return Drawn(path, Label((x1 + x2) / 2, s.bottom + ARC + 14, "middle", lines))
    if s.layer == t.layer + 1 and s.column != t.column:
        # One layer up, another column: up from the source's top, into the target's side;
        # the label beside the riser, level with the target.
        going_left = t.column < s.column
        sx = s.x + NODE_W * 0.25 if going_left else s.right - NODE_W * 0.25
        tx = t.right if going_left else t.x
        path = (f"M{num(sx)} {num(s.y)} C{num(sx)} {num(t.cy)} {num(sx)} {num(t.cy)} "
                f"{num(tx)} {num(t.cy)}")
        first = t.cy - 6 - (len(lines) - 1) * EDGE_LINE
        return Drawn(path, Label(sx + (6 if going_left else -6), first,
                                 "start" if going_left else "end", lines))
    # Anything longer: a lane down the right of both boxes.
    lane = max(s.right, t.right) + COL_GAP * 0.45
    path = (f"M{num(s.right)} {num(s.cy)} C{num(lane)} {num(s.cy)} {num(lane)} {num(t.cy)} "
            f"{num(t.right)} {num(t.cy)}")
    first = (s.cy + t.cy) / 2 - (len(lines) - 1) * EDGE_LINE / 2
    return Drawn(path, Label(lane + 4, first, "start", lines))
