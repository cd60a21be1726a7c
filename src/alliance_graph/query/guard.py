"""Keep the endpoint safe: read-only, no outbound requests, bounded time and result size.

Oxigraph parses queries in Rust and exposes no parse tree to Python, so the checks that must
happen before a query runs (is it an update? does it call SERVICE? which graphs do FROM and
FROM NAMED name?) read the query's tokens with comments, strings and IRIs masked out, which is
enough because these are all keywords.  ``Watchdog`` enforces the time limit: Oxigraph cannot
cancel a running query, but it releases the GIL while it works, so a watchdog thread can still
run at the deadline, answer the client and end the worker process (gunicorn starts a new one).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import threading
import time
from dataclasses import dataclass, field

import pyoxigraph as ox


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


class TooManyResults(Exception):
    """A result holds more rows or triples than the limit allows."""


def bounded_rows(result: ox.QuerySolutions, limit: int) -> tuple[list[str], list]:
    """Return a SELECT result's variable names and at most ``limit`` solutions, or raise
    TooManyResults.  Reading stops at ``limit + 1``, so an endless result costs no more than
    the limit; the caller writes the rows it gets (``protocol.sparql_json``) without a second
    serialization round trip."""
    items = list(itertools.islice(result, limit + 1))
    if len(items) > limit:
        raise TooManyResults(f"the result has more than {limit} rows; "
                             "add a LIMIT or narrow the query")
    return [v.value for v in result.variables], items


def bounded(result, limit: int):
    """Return the result with at most ``limit`` rows/triples, or raise TooManyResults.

    SELECT solutions come back as a new ``QuerySolutions`` (through SPARQL JSON) so the usual
    serializers apply; CONSTRUCT/DESCRIBE triples as a list.  Reading stops at ``limit + 1``,
    so an endless result costs no more than the limit.
    """
    if isinstance(result, ox.QueryBoolean):
        return result
    if isinstance(result, ox.QuerySolutions):
        names, items = bounded_rows(result, limit)
        body = {"head": {"vars": names}, "results": {"bindings": [
            {n: json_term(v) for n, v in zip(names, s) if v is not None} for s in items]}}
        return ox.parse_query_results(json.dumps(body).encode(),
                                      format=ox.QueryResultsFormat.JSON)
    items = list(itertools.islice(result, limit + 1))
    if len(items) > limit:
        raise TooManyResults(f"the result has more than {limit} triples; "
                             "add a LIMIT or narrow the query")
    return items


def json_term(term) -> dict:
    """Return a term in SPARQL 1.1 JSON results form."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": json_term(term.subject),
                                        "predicate": json_term(term.predicate),
                                        "object": json_term(term.object)}}


class Watchdog:
    """One thread per process that calls ``on_expire`` if a guarded block outlives its limit.

    Arming and disarming only set two attributes, so a guarded request costs no system call;
    the thread polls every ``tick`` seconds, which bounds how late the limit is enforced.
    """

    def __init__(self, tick: float = 0.05):
        self.tick = tick
        self.lock = threading.Lock()
        self.deadline: float | None = None
        self.on_expire = None
        self.pid = None

    def _start(self):
        # A thread does not survive fork, so each (pre-forked) worker starts its own.
        self.pid = os.getpid()
        threading.Thread(target=self._run, name="query-watchdog", daemon=True).start()

    def _run(self):
        while True:
            time.sleep(self.tick)
            with self.lock:
                if self.deadline is not None and time.monotonic() > self.deadline:
                    # Still holding the lock: the guarded block cannot finish and answer too.
                    self.deadline = None
                    self.on_expire()

    def guard(self, seconds: float, on_expire):
        """Return a context manager that calls ``on_expire`` after ``seconds`` unless it ends."""
        if self.pid != os.getpid():
            self._start()
        return _Armed(self, seconds, on_expire)


class _Armed:
    def __init__(self, dog: Watchdog, seconds: float, on_expire):
        self.dog, self.seconds, self.on_expire = dog, seconds, on_expire

    def __enter__(self):
        self.dog.on_expire = self.on_expire
        self.dog.deadline = time.monotonic() + self.seconds

    def __exit__(self, *exc):
        with self.dog.lock:
            self.dog.deadline = None
        return False
