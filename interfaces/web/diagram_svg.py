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

from collections.abc import Callable, Collection

from markupsafe import Markup, escape

from engine import TransitionSpec, WorkflowDefinition
from interfaces.web.diagram_layout import (
    BOLD_CHAR,
    EDGE_LINE,
    NODE_CHAR,
    NODE_H,
    NODE_LINE,
    NODE_TEXT_W,
    NODE_W,
    Drawn,
    Edge,
    Layout,
    Node,
    layout,
    num,
    wrap,
)

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


def _text(x: float, y: float, lines: tuple[str, ...] | list[str], cls: str,
          anchor: str = "middle", line: float = EDGE_LINE) -> str:
    """A ``<text>``; several lines as ``<tspan>``s under each other."""
    head = f'<text x="{num(x)}" y="{num(y)}" class="{cls}" text-anchor="{anchor}">'
    if len(lines) == 1:
        return f"{head}{escape(lines[0])}</text>"
    spans = "".join(
        f'<tspan x="{num(x)}"{"" if i == 0 else f" dy={chr(34)}{num(line)}{chr(34)}"}>'
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
        f'viewBox="0 0 {num(lay.width)} {num(lay.height)}" width="{num(lay.width)}" '
        f'height="{num(lay.height)}" aria-labelledby="{ident}-title {ident}-desc">')
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
             f'<rect x="{num(n.x)}" y="{num(n.y)}" width="{NODE_W}" height="{NODE_H}" rx="6"/>']
    if n.final:
        parts.append(f'<rect class="inner" x="{num(n.x + 3)}" y="{num(n.y + 3)}" '
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
    dots = "".join(f'<circle cx="{num(x)}" cy="{num(y)}" r="2.5"/>'
                   for y in sorted({n.cy for n in sources}))
    path = f"M{num(x)} {num(top)} L{num(x)} {num(target.cy)} L{num(target.right)} {num(target.cy)}"
    caption = words["from_any"].format(trigger=d.transition_label(t), n=len(sources))
    mid = (top + target.cy) / 2
    label = (f'<text class="edge-label bus" text-anchor="middle" '
             f'transform="translate({num(x + 8)} {num(mid)}) rotate(90)">{escape(caption)}</text>')
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
