"""A workflow definition drawn as inline SVG, server-side: no JavaScript, no Mermaid runtime.

:mod:`engine.diagram` writes Mermaid text for tools that render it; a browser without
internet and without JavaScript needs the picture itself, so this module lays the states out
and writes the SVG markup.

Layout (readable for the master plan's 16 states, and general for any valid definition):

* **layers** top to bottom: an edge is *forward* when its target comes later in the
  definition's state order and *back* otherwise (reject -> revision -> resubmit loops). A
  state's layer is one more than the deepest forward predecessor (longest path), so the
  picture reads in the definition's order;
* **the spine**: from the initial state, the successor with the longest way still ahead,
  in column 0; the other states of a layer sit to its right in definition order;
* **edges**: forward ones solid; back ones dashed, in another colour, attached to a side so
  they never lie on top of the forward edge between the same states; a transition with many
  sources (``withdraw`` from every stage) is one *bus*: a dotted line down the right side
  into its target, instead of a dozen crossing arrows (the description lists its sources).

The current state is filled and outlined, passed states (visited in this cycle) are marked
with a tick, final states have a double border, and the edges this cycle has taken are
drawn heavier. The SVG carries ``<title>``/``<desc>`` (and a title per state and edge) and
text labels, so it reads without colour and with a screen reader. Every text is escaped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from engine import TransitionSpec, WorkflowDefinition

NODE_W, NODE_H = 210, 34
COL_GAP, ROW_GAP = 48, 30
WIDE_GAP = 62  # below a layer whose edges change column: room for the curves and labels
MARGIN = 16
BUS_MIN_SOURCES = 4  # a transition from this many states or more is drawn as a bus
LABEL_CHARS = 30  # longer state labels are shortened in the box (the full one is its title)

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


@dataclass(frozen=True)
class Node:
    state: str
    label: str
    layer: int
    column: int
    final: bool
    y: float

    @property
    def x(self) -> float:
        return MARGIN + self.column * (NODE_W + COL_GAP)

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

    @property
    def trigger(self) -> str:
        return self.transition.trigger


@dataclass(frozen=True)
class Layout:
    nodes: dict[str, Node]
    forward: list[Edge]
    back: list[Edge]
    loops: list[Edge]
    buses: list[TransitionSpec]
    width: float
    height: float


def layout(d: WorkflowDefinition) -> Layout:
    """Place every state (layer, column) and sort the edges into forward, back, loops, buses."""
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
            edge = Edge(s, t.dest, t)
            if s == t.dest:
                loops.append(edge)
            elif order[s] < order[t.dest]:
                forward.append(edge)
            else:
                back.append(edge)
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
    # Where edges change column (or arc between neighbours), the gap below is wider.
    wide = {layer[e.source] for e in forward if column[e.source] != column[e.dest]}
    wide |= {layer[e.dest] for e in back if column[e.source] != column[e.dest]}
    last = max(layer.values())
    tops = [float(MARGIN)]
    for n in range(last):
        tops.append(tops[-1] + NODE_H + (WIDE_GAP if n in wide else ROW_GAP))
    nodes = {s: Node(s, d.state_label(s), layer[s], column[s], d.states[s].final,
                     tops[layer[s]]) for s in d.states}
    columns = max(column.values()) + 1
    width = MARGIN * 2 + columns * NODE_W + (columns - 1) * COL_GAP + (56 if buses else 0)
    height_px = tops[-1] + NODE_H + MARGIN + (WIDE_GAP - ROW_GAP if last in wide else 0)
    return Layout(nodes, forward, back, loops, buses, width, height_px)


def _f(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "…"


def _trigger_text(trigger: str) -> str:
    return trigger.replace("_", " ")


def _edge_title(e: Edge, nodes: dict[str, Node]) -> str:
    t = e.transition
    label = t.label or _trigger_text(t.trigger)
    return (f"{nodes[e.source].label} → {nodes[e.dest].label}: {label} "
            f"({', '.join(t.roles)})")


def _text(x: float, y: float, content: str, cls: str, anchor: str = "middle") -> str:
    return (f'<text x="{_f(x)}" y="{_f(y)}" class="{cls}" text-anchor="{anchor}">'
            f"{escape(content)}</text>")


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
    # Edges that leave a box for another column leave from distinct points of its bottom.
    sideways: dict[str, list[Edge]] = defaultdict(list)
    for e in lay.forward:
        if nodes[e.source].column != nodes[e.dest].column:
            sideways[e.source].append(e)
    exits: dict[Edge, float] = {}
    for edges in sideways.values():
        edges.sort(key=lambda e: nodes[e.dest].column)
        for i, e in enumerate(edges):
            exits[e] = (i + 1) * (NODE_W / 2) / (len(edges) + 1)
    out.extend(_forward(e, nodes, (e.source, e.dest) in taken_set, ident, exits.get(e, 0))
               for e in lay.forward)
    out.extend(_back(e, nodes, (e.source, e.dest) in taken_set, ident, words)
               for e in lay.back)
    out.extend(_loop(e, nodes, ident) for e in lay.loops)
    out.extend(_bus(t, nodes, lay, ident, words) for t in lay.buses)
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
    parts.append(_text(n.cx, n.cy + 4.5, mark + _short(n.label), "label"))
    parts.append("</g>")
    return "".join(parts)


def _path(d: str, cls: str, marker: str, title: str, label: str | None = None) -> str:
    return (f'<g class="{cls}"><title>{escape(title)}</title>'
            f'<path d="{d}" marker-end="url(#{marker})"/>{label or ""}</g>')


def _forward(e: Edge, nodes: dict[str, Node], taken: bool, ident: str,
             exit_offset: float = 0) -> str:
    s, t = nodes[e.source], nodes[e.dest]
    sx, sy, tx, ty = s.cx + exit_offset, s.bottom, t.cx, t.y
    if s.column == t.column and t.layer - s.layer > 1:
        # Skips layers in one column: bow out to the left, clear of the boxes between.
        bow = s.x - COL_GAP * 0.6
        d = (f"M{_f(s.x)} {_f(s.cy)} C{_f(bow)} {_f(s.cy)} {_f(bow)} {_f(t.cy)} "
             f"{_f(t.x)} {_f(t.cy)}")
        lx, ly, anchor = bow - 4, (s.cy + t.cy) / 2, "end"
    elif s.column == t.column:
        d = f"M{_f(sx)} {_f(sy)} L{_f(tx)} {_f(ty)}"
        lx, ly, anchor = sx + 6, (sy + ty) / 2 + 4, "start"
    else:
        k = (ty - sy) / 2
        d = (f"M{_f(sx)} {_f(sy)} C{_f(sx)} {_f(sy + k)} {_f(tx)} {_f(ty - k)} "
             f"{_f(tx)} {_f(ty)}")
        # Near the target's top: the curves leaving one box stay apart there.
        lx, ly, anchor = tx - 6, ty - 5, "end"
    label = _text(lx, ly, _trigger_text(e.trigger), "edge-label", anchor)
    cls = "edge forward" + (" taken" if taken else "")
    return _path(d, cls, f"{ident}-arrow", _edge_title(e, nodes), label)


def _back(e: Edge, nodes: dict[str, Node], taken: bool, ident: str,
          words: dict[str, str]) -> str:
    s, t = nodes[e.source], nodes[e.dest]
    if s.layer == t.layer:
        # Side by side: an arc under both boxes (the wide gap below leaves room for it).
        going_left = t.column < s.column
        x1 = s.x + 28 if going_left else s.right - 28
        x2 = t.right - 28 if going_left else t.x + 28
        low = s.bottom + 36
        d = f"M{_f(x1)} {_f(s.bottom)} Q{_f((x1 + x2) / 2)} {_f(low)} {_f(x2)} {_f(t.bottom)}"
        lx, ly = (x1 + x2) / 2, s.bottom + 32
    elif s.layer == t.layer + 1 and s.column != t.column:
        # One layer up, another column: up from the source's top, into the target's side.
        going_left = t.column < s.column
        sx = s.x + NODE_W * 0.25 if going_left else s.right - NODE_W * 0.25
        tx = t.right if going_left else t.x
        d = f"M{_f(sx)} {_f(s.y)} C{_f(sx)} {_f(t.cy)} {_f(sx)} {_f(t.cy)} {_f(tx)} {_f(t.cy)}"
        lx, ly = sx + (4 if going_left else -4), t.cy + 16
    else:
        # Anything longer: a lane down the right of both boxes.
        lane = max(s.right, t.right) + COL_GAP * 0.45
        d = (f"M{_f(s.right)} {_f(s.cy)} C{_f(lane)} {_f(s.cy)} {_f(lane)} {_f(t.cy)} "
             f"{_f(t.right)} {_f(t.cy)}")
        lx, ly = lane + 2, (s.cy + t.cy) / 2
    anchor = "middle" if s.layer == t.layer else "start" if lx >= s.x else "end"
    label = _text(lx, ly, f"↺ {_trigger_text(e.trigger)}", "edge-label back", anchor)
    cls = "edge back" + (" taken" if taken else "")
    title = f"{_edge_title(e, nodes)} ({words['back']})"
    return _path(d, cls, f"{ident}-arrow-back", title, label)


def _loop(e: Edge, nodes: dict[str, Node], ident: str) -> str:
    n = nodes[e.source]
    d = (f"M{_f(n.right)} {_f(n.y + 8)} C{_f(n.right + 26)} {_f(n.y - 6)} "
         f"{_f(n.right + 26)} {_f(n.bottom + 6)} {_f(n.right)} {_f(n.bottom - 8)}")
    label = _text(n.right + 28, n.cy + 4, _trigger_text(e.trigger), "edge-label", "start")
    return _path(d, "edge loop", f"{ident}-arrow", _edge_title(e, nodes), label)


def _bus(t: TransitionSpec, nodes: dict[str, Node], lay: Layout, ident: str,
         words: dict[str, str]) -> str:
    target = nodes[t.dest]
    sources = [nodes[s] for s in t.sources]
    x = lay.width - MARGIN - 20
    top = min(n.cy for n in sources)
    dots = "".join(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="2.5"/>'
                   for y in sorted({n.cy for n in sources}))
    d = f"M{_f(x)} {_f(top)} L{_f(x)} {_f(target.cy)} L{_f(target.right)} {_f(target.cy)}"
    caption = words["from_any"].format(trigger=_trigger_text(t.trigger), n=len(sources))
    mid = (top + target.cy) / 2
    label = (f'<text class="edge-label bus" text-anchor="middle" '
             f'transform="translate({_f(x + 12)} {_f(mid)}) rotate(90)">{escape(caption)}</text>')
    title = (f"{t.label or _trigger_text(t.trigger)} ({', '.join(t.roles)}): "
             + ", ".join(n.label for n in sources) + f" → {target.label}")
    return (f'<g class="edge bus"><title>{escape(title)}</title>'
            f'<path d="{d}" marker-end="url(#{ident}-arrow)"/>{dots}{label}</g>')


def _description(d: WorkflowDefinition, lay: Layout, current: str | None, passed: set[str],
                 words: dict[str, str]) -> str:
    label = d.state_label
    parts = []
    if current is not None:
        parts.append(words["desc_current"].format(state=label(current)))
    passed_in_order = [label(s) for s in d.states if s in passed]
    parts.append(words["desc_passed"].format(states=", ".join(passed_in_order))
                 if passed_in_order else words["desc_none_passed"])
    edges: Iterable[str] = (
        [f"{label(e.source)} → {label(e.dest)} ({_trigger_text(e.trigger)})"
         for e in (*lay.forward, *lay.back, *lay.loops)]
        + [f"{', '.join(label(s) for s in t.sources)} → {label(t.dest)} "
           f"({_trigger_text(t.trigger)})" for t in lay.buses])
    parts.append(words["desc_edges"] + " " + "; ".join(edges) + ".")
    return " ".join(parts)


def translated(t: Callable[[str], str], prefix: str = "region.diagram.") -> dict[str, str]:
    """:data:`TEXTS` from a page catalogue whose keys are ``prefix`` + the text's name."""
    return {key: t(prefix + key) for key in TEXTS}
