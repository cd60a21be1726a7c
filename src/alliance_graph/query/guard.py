"""Check a query before it runs: read-only, no outbound requests, which graphs it names.

Oxigraph parses queries in Rust and exposes no parse tree to Python, so the checks that must
happen before a query runs (is it an update? does it call SERVICE? which graphs do FROM and
FROM NAMED name?) read the query's tokens with comments, strings and IRIs masked out, which is
enough because these are all keywords.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..sparql import uses_dataset


class Refused(Exception):
    """A request the service will not answer; ``status`` is the HTTP status to send."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


# Comments, strings (long ones first) and IRIs: masked so their contents are never keywords.
_MASK = re.compile(r"""'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|"""
                   r"""<[^<>"{}|^`\\\s]*>|\#[^\n]*""", re.S)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_UPDATE = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_PREFIX = re.compile(r"(?i)PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>")


@dataclass
class QueryPlan:
    """What the checks learnt about a query: its form and the graphs FROM/FROM NAMED name."""

    form: str = ""  # SELECT, ASK, CONSTRUCT or DESCRIBE, as the query begins
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)
    # The given prefixes whose names the query writes (``name:`` outside strings/comments).
    prefixes: dict[str, str] = field(default_factory=dict)
    # The query names graphs itself (GRAPH, FROM, SERVICE): it must see the files' graphs.
    uses_dataset: bool = False


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """Return the query's tokens with masked spans kept as-is, and its PREFIX declarations."""
    pieces, last = [], 0
    for match in _MASK.finditer(text):
        pieces.append(text[last:match.start()])
        token = match.group()
        # IRIs are kept (FROM and SERVICE name them); strings and comments become blanks.
        pieces.append(f" {token} " if token.startswith("<") else " ")
        last = match.end()
    pieces.append(text[last:])
    masked = "".join(pieces)
    return re.findall(r"<[^>]*>|[^\s{}()<>.;,]+", masked), masked


def check(text: str, prefixes: dict[str, str], services_allowed: tuple[str, ...] = ()) -> QueryPlan:
    """Refuse updates and unlisted SERVICE calls; return the FROM graphs a query names."""
    if "\\u" in text or "\\U" in text:
        # SPARQL allows \\u escapes anywhere; decode them as a parser would before looking.
        text = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    tokens, masked = _tokens(text)
    known = dict(prefixes)
    known.update({p or "": iri for p, iri in _PREFIX.findall(masked)})
    upper = [t.upper() for t in tokens]
    plan = QueryPlan()
    # Only the prefixes a query can use are handed to Oxigraph with it: converting the whole
    # map costs about a fifth of a simple lookup.  ``name:`` anywhere in the text counts (in
    # a string, an IRI, as the tail of a longer name), so the subset can hold too many
    # prefixes, never too few.
    plan.prefixes = {p: iri for p, iri in prefixes.items() if p + ":" in text}
    plan.uses_dataset = uses_dataset(text)
    i = 0
    while i < len(upper) and upper[i] in ("PREFIX", "BASE"):
        i += 3 if upper[i] == "PREFIX" else 2  # skip the declaration: keyword, name, IRI
    if i < len(upper) and upper[i] in _UPDATE:
        raise Refused(403, f"this endpoint is read-only: SPARQL Update ({upper[i]}) is refused")
    plan.form = upper[i] if i < len(upper) else ""
    for i, word in enumerate(upper):
        if word == "SERVICE":
            target = tokens[i + 2] if i + 1 < len(tokens) and upper[i + 1] == "SILENT" \
                else (tokens[i + 1] if i + 1 < len(tokens) else "")
            iri = _resolve(target, known)
            if iri is None or iri not in services_allowed:
                raise Refused(403, f"SERVICE {target} is refused: this endpoint makes no "
                                   "outbound requests (settings.allowed_services is "
                                   f"{list(services_allowed) or 'empty'})")
        elif word == "FROM" and i + 1 < len(tokens):
            named = upper[i + 1] == "NAMED"
            target = tokens[i + 2] if named and i + 2 < len(tokens) else tokens[i + 1]
            iri = _resolve(target, known)
            if iri is None:
                raise Refused(400, f"FROM {target}: not an IRI this endpoint can resolve")
            (plan.from_named if named else plan.from_graphs).append(iri)
    return plan


def _resolve(token: str, prefixes: dict[str, str]) -> str | None:
    """Return the IRI a token writes (<iri> or prefix:local), or None for a variable."""
    if token.startswith("<") and token.endswith(">"):
        return token[1:-1]
    prefix, colon, local = token.partition(":")
    if colon and prefix in prefixes:
        return prefixes[prefix] + local
    return None
