"""Draw an entity's neighbourhood as a small SVG: the entity in the middle, its links around it.

The server draws it, so a page needs no script to show it.  The neighbours stand in two
columns either side of it, each box with the ``rdfs:label`` of its properties under it, and
each edge points from subject to object.  Every piece of text comes from data and is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from ...namespaces import AG, RDF
from .terms import apart

if TYPE_CHECKING:
    from .entity import Entity

# Beyond this many neighbours the drawing stops being readable; the rest are counted.
MAX_NEIGHBOURS = 16
WIDTH = 760                 # the height follows the neighbours' labels
# Where the columns' boxes end towards the centre, from the sides: boxes and their labels are
# aligned on it, so no edge crosses a box of its column. Space above and below.
INNER, MARGIN_Y = 228, 16
BOX, LINE, GAP = 28, 13, 12   # a node's height, a property label's line, space between rows
ARROW_GAP = 14              # between the ends of two edges at the centre's side
# The narrow drawing: its width (a 320 px phone's, less the page's margins), the line down its
# left side the edges leave from, and where the neighbours' boxes and labels start.
NARROW_WIDTH, SPINE, NARROW_INDENT, LABEL_GAP = 290, 12, 48, 4


@dataclass(frozen=True)
class Edge:
    """One link: the property's label, the other end, and whether it points at the centre."""

    label: str
    other: str          # the neighbour's label
    href: str | None    # where the neighbour's node links to
    incoming: bool      # True: neighbour -> centre; False: centre -> neighbour


def _clip(text: str, n: int = 28) -> str:
    """Return a label as a box of the diagram holds it: its start and an ellipsis, with no
    count (``clipping.clipped``'s), which would not fit the box; the whole label is its
    ``<title>``, shown on hovering."""
    return text if len(text) <= n else text[:n - 1] + "\u2026"


def _width(text: str) -> float:
    """Return the width of the box that holds ``text`` (clipped) in the diagram's font."""
    return max(60, 7.2 * len(_clip(text)) + 16)


def _node(x: float, y: float, text: str, href: str | None, css: str, height: float = BOX,
          fact: tuple[str, str] = ("", "")) -> str:
    """Return a box holding ``text``, a link where ``href``, described by ``fact`` (the id of
    its text, unique on the page, and the text)."""
    ident, fact = fact
    shown = escape(_clip(text))
    width = _width(text)
    body = (f'<rect x="{x - width / 2:.1f}" y="{y - height / 2:.1f}" width="{width:.1f}" '
            f'height="{height:.1f}" rx="6" class="{css}"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle">{shown}</text>'
            f'<title>{escape(text)}</title>'
            + (f'<desc id="{ident}">{escape(fact)}</desc>' if fact else ""))
    if href:
        # Described through aria-describedby too: not every reader takes an SVG's desc.
        described = f' aria-describedby="{ident}"' if fact else ""
        return f'<a href={quoteattr(href)}{described}>{body}</a>'
    return f"<g>{body}</g>"


def edges_of(ent: Entity) -> list[Edge]:
    """Return the links a diagram shows: asserted (non-deprecated) claims between entities,
    a neighbour whose label another named on the page shares named as the page names it."""
    edges, seen = [], set()
    named = lambda t: apart(t.label, t.value) if t.value in ent.shared else t.label  # noqa: E731
    for group in ent.groups:
        if group.predicate.value in (str(RDF.type),):
            continue  # types are in the page's heading; as edges they crowd out real links
        for c in group.claims:
            if c.rank_iri == str(AG.DeprecatedRank):
                continue
            other = c.subject if group.incoming else c.object
            if other.kind != "iri":
                continue
            key = (group.predicate.value, other.value, group.incoming)
            if key not in seen:
                seen.add(key)
                edges.append(Edge(group.predicate.label, named(other), other.href,
                                  group.incoming))
    # Ontology terms and sources have no claims: draw their plain links instead.
    for prop, values in ent.statements:
        for v in values:
            if v.kind == "iri" and prop.value != str(RDF.type):
                edges.append(Edge(prop.label, named(v), v.href, False))
    for prop, subjects, _ in ent.incoming:
        for s in subjects[:4]:
            if s.kind == "iri":
                edges.append(Edge(prop.label, named(s), s.href, True))
    return edges


def merged(edges: list[Edge]) -> list[Edge]:
    """Return one edge per neighbour and direction, its property labels joined, in first order.

    An entity often links to one neighbour by several properties (co-funded by, developed with
    the United States): one node with both labels reads better than the same node twice.
    """
    labels: dict[tuple, list[str]] = {}
    first: dict[tuple, Edge] = {}
    for edge in edges:
        key = (edge.href or edge.other, edge.incoming)
        first.setdefault(key, edge)
        if edge.label not in labels.setdefault(key, []):
            labels[key].append(edge.label)
    return [Edge("\n".join(labels[k]), e.other, e.href, e.incoming) for k, e in first.items()]


def _rows(edges: list[Edge], inner: float, side: int, top: float
          ) -> list[tuple[Edge, float, float]]:
    """Return each edge with its neighbour's box centre, stacked down a column from ``top``
    with their inner sides at ``inner``: each box with its property labels under it, so no
    two labels or boxes share a spot."""
    out, y = [], top
    for edge in edges:
        out.append((edge, inner + side * _width(edge.other) / 2, y + BOX / 2))
        y += BOX + LINE * len(edge.label.split("\n")) + GAP
    return out


def _column_height(edges: list[Edge]) -> float:
    return sum(BOX + LINE * len(e.label.split("\n")) + GAP for e in edges) - GAP


def neighbourhood(centre: str, edges: list[Edge]) -> str:
    """Return an SVG document showing ``centre`` and its edges, at most MAX_NEIGHBOURS of them."""
    edges = merged(edges)
    shown, hidden = edges[:MAX_NEIGHBOURS], len(edges) - MAX_NEIGHBOURS
    # The first half down the left, the rest down the right (read as a page is). Around a
    # circle, 16 neighbours' boxes covered each other at the top and bottom, and their edge
    # labels piled up unreadably round the centre (the United States' page).
    half = (len(shown) + 1) // 2
    columns = [(shown[:half], INNER, -1), (shown[half:], WIDTH - INNER, 1)]
    tallest = max([_column_height(c) for c, _, _ in columns] + [BOX])
    height = tallest + 2 * MARGIN_Y + (LINE + 4 if hidden > 0 else 0)
    cx, cy = WIDTH / 2, MARGIN_Y + tallest / 2
    # The centre's box is tall enough for the arrows reaching it to end apart.
    centre_height = max(BOX, ARROW_GAP * max(len(c) for c, _, _ in columns))
    parts = _start(centre, "wide", WIDTH, height)
    nodes = []
    centre_width = _width(centre)
    for column, inner, side in columns:  # side: -1 left of the centre, 1 right
        placed = _rows(column, inner, side, cy - _column_height(column) / 2)
        for i, (edge, nx, ny) in enumerate(placed):
            # From the neighbour's inner side to the centre's, the ends spread down its side.
            near = (inner, ny)
            far = (cx + side * centre_width / 2,
                   cy + ARROW_GAP * (i - (len(placed) - 1) / 2))
            parts.append(_edge_line(near, far, edge.incoming, "wide"))
            # One line per property, under the neighbour's box and aligned with its inner side.
            parts.append(_label(inner, ny + BOX / 2 + LINE - 2, edge.label.split("\n"),
                                "end" if side < 0 else "start"))
            nodes.append(_node(nx, ny, edge.other, edge.href, "node",
                               fact=_fact(centre, edge, f"wide-fact-{len(nodes)}")))
    parts.extend(nodes)
    parts.append(_node(cx, cy, centre, None, "node centre", centre_height))
    return _end(parts, hidden, WIDTH, height)


def _fact(centre: str, edge: Edge, ident: str) -> tuple[str, str]:
    """Return what a neighbour's link is described by: the fact its edge draws ('Iron Dome
    co-funded by, developed by Israel'). The property labels drawn under the boxes were read
    by a screen reader as one run of text apart from the links, glued together ('co-funded
    byco-produced with'), and are hidden from it (_label)."""
    said = ", ".join(edge.label.split("\n"))
    return ident, (f"{edge.other} {said} {centre}" if edge.incoming
                   else f"{centre} {said} {edge.other}")


def _label(x: float, y: float, lines: list[str], anchor: str = "") -> str:
    """Return an edge's property labels, one a line, shown (with the whole as a tooltip) and
    not read: each neighbour's link is described by its fact (_fact)."""
    placed = f' text-anchor="{anchor}"' if anchor else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}"{placed} class="edge-label" aria-hidden="true">'
            f'{_spans(x, lines)}<title>{escape(", ".join(lines))}</title></text>')


def _edge_line(near: tuple[float, float], far: tuple[float, float], incoming: bool,
               layout: str) -> str:
    """Return the line between a neighbour's side (``near``) and the entity's (``far``),
    its arrow pointing at the entity when ``incoming``, dashed then."""
    a, b = (near, far) if incoming else (far, near)
    return (f'<line x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0]:.1f}" y2="{b[1]:.1f}" '
            f'class="edge{" incoming" if incoming else ""}" marker-end="url(#arrow-{layout})"/>')


def _spans(x: float, lines: list[str]) -> str:
    """Return a label's lines (one property each) as tspans starting at ``x``."""
    return "".join(f'<tspan x="{x:.1f}" dy="{0 if j == 0 else LINE}">'
                   f"{escape(_clip(text, 30))}</tspan>" for j, text in enumerate(lines))


def _start(centre: str, layout: str, width: float, height: float) -> list[str]:
    """Return the opening of a drawing: the svg element, its title and its arrowhead."""
    # The marker's id names the layout: a page holds both drawings (the narrow one for a
    # phone), and one id twice would leave one drawing's arrows to the other's marker.
    # A group, not an img: an img's children are presentational (ARIA), so its neighbours'
    # links, which Tab reaches, were inside a picture to a screen reader, which could not list
    # or name them as links there (axe: nested-interactive).
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram {layout}" role="group" '
            f'viewBox="0 0 {width} {height:.0f}" width="{width}" height="{height:.0f}">',
            f"<title>Links of {escape(centre)}</title>",
            f'<defs><marker id="arrow-{layout}" viewBox="0 0 10 10" refX="10" refY="5" '
            'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            '<path d="M0,0 L10,5 L0,10 z"/></marker></defs>']


def _end(parts: list[str], hidden: int, width: float, height: float) -> str:
    """Return the drawing, saying how many links were left out."""
    if hidden > 0:
        parts.append(f'<text x="{width - 10}" y="{height - 10:.0f}" text-anchor="end" '
                     f'class="more">and {hidden} more links</text>')
    parts.append("</svg>")
    return "".join(parts)


def narrow(centre: str, edges: list[Edge]) -> str:
    """Return ``neighbourhood``'s drawing laid out for a phone: the entity at the top, its
    neighbours one under another, each reached from a line down the left side."""
    # Two columns either side of the entity are 760 units wide: scaled to a phone's 320 px,
    # their 12-unit text was 5 px high. One column fits NARROW_WIDTH, shown at about full size.
    edges = merged(edges)
    shown, hidden = edges[:MAX_NEIGHBOURS], len(edges) - MAX_NEIGHBOURS
    y = MARGIN_Y + BOX + GAP
    rows = []
    for edge in shown:
        lines = edge.label.split("\n")
        # The labels above their box, clear of it by LABEL_GAP (a descender reaches below).
        rows.append((edge, lines, y, y + LINE * len(lines) + LABEL_GAP + BOX / 2))
        y += LINE * len(lines) + LABEL_GAP + BOX + GAP
    height = y - GAP + MARGIN_Y + (LINE + 4 if hidden > 0 else 0)
    parts = _start(centre, "narrow", NARROW_WIDTH, height)
    centre_width = _width(centre)
    nodes = [_node(SPINE / 2 + centre_width / 2, MARGIN_Y + BOX / 2, centre, None,
                   "node centre")]
    if rows:
        parts.append(f'<line x1="{SPINE}" y1="{MARGIN_Y + BOX}" x2="{SPINE}" '
                     f'y2="{rows[-1][3]:.1f}" class="edge spine"/>')
    for edge, lines, top, ny in rows:
        parts.append(_edge_line((NARROW_INDENT, ny), (SPINE, ny), edge.incoming, "narrow"))
        parts.append(_label(NARROW_INDENT, top + LINE - 3, lines))
        nodes.append(_node(NARROW_INDENT + _width(edge.other) / 2, ny, edge.other, edge.href,
                           "node", fact=_fact(centre, edge, f"narrow-fact-{len(nodes)}")))
    parts.extend(nodes)
    return _end(parts, hidden, NARROW_WIDTH, height)
