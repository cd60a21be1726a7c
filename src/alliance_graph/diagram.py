"""Draw an entity's neighbourhood as a small SVG: the entity in the middle, its links around it.

The server draws it, so a page needs no script to show it.  The layout is radial: neighbours
evenly spaced on a circle, each edge labelled with the ``rdfs:label`` of its property and
pointing from subject to object.  Every piece of text comes from data and is escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

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


def neighbourhood(centre: str, edges: list[Edge]) -> str:
    """Return an SVG document showing ``centre`` and its edges, at most MAX_NEIGHBOURS of them."""
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
        mx, my = (sx + ex) / 2, (sy + ey) / 2
        parts.append(f'<text x="{mx:.1f}" y="{my - 4:.1f}" text-anchor="middle" '
                     f'class="edge-label">{escape(_clip(edge.label, 24))}</text>')
        nodes.append(_node(x, y, edge.other, edge.href, "node"))
    parts.extend(nodes)
    parts.append(_node(cx, cy, centre, None, "node centre"))
    if hidden > 0:
        parts.append(f'<text x="{WIDTH - 10}" y="{HEIGHT - 10}" text-anchor="end" '
                     f'class="more">and {hidden} more links</text>')
    parts.append("</svg>")
    return "".join(parts)
