"""Draw an entity's neighbourhood as a small SVG: the entity in the middle, its links around it.

The server draws it, so a page needs no script to show it.  The layout is radial: neighbours
evenly spaced on a circle, each edge labelled with the ``rdfs:label`` of its property and
pointing from subject to object.  Every piece of text comes from data and is escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from ...namespaces import AG, RDF

if TYPE_CHECKING:
    from .entity import Entity

# Beyond this many neighbours the drawing stops being readable; the rest are counted.
MAX_NEIGHBOURS = 16
WIDTH, HEIGHT = 760, 520
RADIUS = 190


@dataclass(frozen=True)
class Edge:
    """One link: the property's label, the other end, and whether it points at the centre."""

    label: str
    other: str          # the neighbour's label
    href: str | None    # where the neighbour's node links to
    incoming: bool      # True: neighbour -> centre; False: centre -> neighbour


def _clip(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[:n - 1] + "\u2026"


def _node(x: float, y: float, text: str, href: str | None, css: str) -> str:
    shown = escape(_clip(text))
    width = max(60, 7.2 * len(_clip(text)) + 16)
    body = (f'<rect x="{x - width / 2:.1f}" y="{y - 14:.1f}" width="{width:.1f}" height="28" '
            f'rx="6" class="{css}"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle">{shown}</text>'
            f'<title>{escape(text)}</title>')
    if href:
        return f'<a href={quoteattr(href)}>{body}</a>'
    return f"<g>{body}</g>"


def edges_of(ent: Entity) -> list[Edge]:
    """Return the links a diagram shows: asserted (non-deprecated) claims between entities."""
    edges, seen = [], set()
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
                edges.append(Edge(group.predicate.label, other.label, other.href,
                                  group.incoming))
    # Ontology terms and sources have no claims: draw their plain links instead.
    for prop, values in ent.statements:
        for v in values:
            if v.kind == "iri" and prop.value != str(RDF.type):
                edges.append(Edge(prop.label, v.label, v.href, False))
    for prop, subjects, _ in ent.incoming:
        for s in subjects[:4]:
            if s.kind == "iri":
                edges.append(Edge(prop.label, s.label, s.href, True))
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


def neighbourhood(centre: str, edges: list[Edge]) -> str:
    """Return an SVG document showing ``centre`` and its edges, at most MAX_NEIGHBOURS of them."""
    edges = merged(edges)
    shown, hidden = edges[:MAX_NEIGHBOURS], len(edges) - MAX_NEIGHBOURS
    cx, cy = WIDTH / 2, HEIGHT / 2
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram" role="img" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">',
             f"<title>Links of {escape(centre)}</title>",
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" '
             'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
             '<path d="M0,0 L10,5 L0,10 z"/></marker></defs>']
    nodes = []
    for i, edge in enumerate(shown):
        # Start at the top and go clockwise, so the first (most important) link is read first.
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(shown), 1)
        x, y = cx + RADIUS * 1.35 * math.cos(angle), cy + RADIUS * math.sin(angle)
        # Stop the line short of both boxes so the arrow head stays visible.
        sx, sy = cx + (x - cx) * 0.12, cy + (y - cy) * 0.12
        ex, ey = cx + (x - cx) * 0.84, cy + (y - cy) * 0.84
        a, b = ((ex, ey), (sx, sy)) if edge.incoming else ((sx, sy), (ex, ey))
        parts.append(f'<line x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0]:.1f}" y2="{b[1]:.1f}" '
                     f'class="edge{" incoming" if edge.incoming else ""}" '
                     'marker-end="url(#arrow)"/>')
        # Labels sit nearer the centre than the middle: wide neighbour boxes would cover them.
        mx, my = cx + (x - cx) * 0.4, cy + (y - cy) * 0.4
        # One line per property, stacked above the edge's midpoint.
        lines = edge.label.split("\n")
        spans = "".join(f'<tspan x="{mx:.1f}" dy="{0 if i == 0 else 12}">'
                        f"{escape(_clip(text, 24))}</tspan>" for i, text in enumerate(lines))
        parts.append(f'<text x="{mx:.1f}" y="{my - 4 - 12 * (len(lines) - 1):.1f}" '
                     f'text-anchor="middle" class="edge-label">{spans}'
                     f'<title>{escape(", ".join(lines))}</title></text>')
        nodes.append(_node(x, y, edge.other, edge.href, "node"))
    parts.extend(nodes)
    parts.append(_node(cx, cy, centre, None, "node centre"))
    if hidden > 0:
        parts.append(f'<text x="{WIDTH - 10}" y="{HEIGHT - 10}" text-anchor="end" '
                     f'class="more">and {hidden} more links</text>')
    parts.append("</svg>")
    return "".join(parts)
