"""Check a query before the engine reads it: its size, read-only, no outbound requests, graphs.

The checks read the query's terminals (``lexer.tokenize``), so a keyword inside a string, an
IRI, a comment or a prefixed name's escapes (``id:a\\#``) is never taken for one, and text
that the engine would not read as a token is refused (by the bounds, ``unreadable.py``).
Two things the engine does are mirrored on purpose, each stricter than a plain tokenizer:

- Oxigraph matches keywords with no word boundary, and reads a prefixed name whose prefix
  is not declared again from its start: ``SERVICE:q {``, ``SERVICEex:q {``, ``ASKFROM<g>``,
  ``FROMNAMEDex:g``, ``?o trueSERVICE <x> {`` and ``[] ?p false.serviceex: {`` all parse as
  keywords followed by the rest.  So a bare word, or the prefix of a prefixed name (from
  its start or after a dot in it), that begins with a run of SPARQL keywords ending in
  SERVICE (anywhere), FROM (outside all brackets), or a prologue, form or update keyword
  (where a query or operation starts) is read as those keywords and the rest, and so is the
  target after SERVICE and FROM (``SILENTex:q``, ``NAMEDex:g``).  A prefix such as
  ``service:`` or ``fromage:`` is therefore refused or read as FROM even where Oxigraph would
  have read a prefixed name; that is deliberate.  (``silent:`` and ``named:`` are names.)
- The bounds (``Bounds``) are checked on the tokens before anything else, because pyoxigraph
  0.5 parses and plans recursively and ends the process (SIGSEGV, a stack overflow) on a few
  kilobytes of deeply nested or long-chained query; see docs/endpoint.md for the thresholds.
  ``tokens_within`` is that check alone (with the refusal of text the lexer cannot read), for
  the library and CLI path (``results.run``).
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field

import pyoxigraph as ox

from .. import clipping
from ..keywords import KEYWORDS, split_glued
from ..sparql import CLOSE, OPEN, SCHEME, Token, where
from ..wording import Said
from . import dialect
from .bounds import DEFAULT_BOUNDS, Bounds, tokens_within
from .refused import Refused


@dataclass
class QueryPlan:
    """What the checks learnt about a query: its form, the graphs it names, its prefixes."""

    form: str = ""  # SELECT, ASK, CONSTRUCT or DESCRIBE, as the query begins
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)
    # The given prefixes the query may use (a superset of those its prefixed names use).
    prefixes: dict[str, str] = field(default_factory=dict)
    # The query names graphs itself: a GRAPH, FROM, FROM NAMED or SERVICE keyword.
    uses_dataset: bool = False
    # The query calls a function whose value changes with each evaluation (NOW, RAND, UUID,
    # STRUUID, BNODE): its answer must not be cached or tagged as if it were the same twice.
    volatile: bool = False


_VOLATILE = re.compile("NOW|RAND|UUID|BNODE", re.IGNORECASE)
UPDATE = frozenset(("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE",
                    "COPY", "WITH"))
FORMS = frozenset(("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"))
PROLOGUE = frozenset(("PREFIX", "BASE", "VERSION"))
_ANYWHERE = frozenset(("SERVICE", "SILENT"))
_TOP_LEVEL = frozenset(("FROM", "NAMED"))
_CALLING, _FROM = frozenset(("SERVICE",)), frozenset(("FROM",))
_START = UPDATE | FORMS | PROLOGUE
_PNAMES = frozenset(("PNAME_LN", "PNAME_NS"))
# Keywords no check looks at once a query has begun, and the keywords within a name that
# one may (case-insensitive: the engine reads keywords in any case).
_QUIET = KEYWORDS - UPDATE - _ANYWHERE - _TOP_LEVEL - {"GRAPH"}
_LOUD = re.compile("SERVICE|SILENT|FROM|NAMED|GRAPH", re.IGNORECASE)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# An escape in an IRI or a string, read from its start so that ``\\u0041`` is a backslash
# and a letter, and the tokens that may hold \u escapes.
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|.)", re.S)
_ESCAPED = frozenset(("IRIREF", "STRING_LITERAL1", "STRING_LITERAL2", "STRING_LITERAL_LONG1",
                      "STRING_LITERAL_LONG2"))


def check(text: str, prefixes: dict[str, str], services_allowed: tuple[str, ...] = (),
          bounds: Bounds | None = None, *, standard: bool = False) -> QueryPlan:
    """Refuse an oversized query, an update, an unlisted SERVICE; return the query's plan.

    ``standard`` (the endpoint's): refuse too what only a store's own dialect reads, which a
    remote store would run (``dialect.refuse``).
    """
    tokens = tokens_within(text, bounds or DEFAULT_BOUNDS)
    for token in tokens:
        if token.kind in _ESCAPED and "\\" in token.text:
            _no_character(text, token)
    plan = QueryPlan()
    declared: dict[str, str] = {}  # the query's own PREFIX declarations
    base: str | None = None
    depth = 0
    start = True  # where a query or update operation (and its prologue) begins
    opening: Token | None = None  # the first token after the prologue
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.kind
        if start and opening is None and not (kind == "NAME"
                                              and token.text.upper() in PROLOGUE):
            opening = token
        if kind in OPEN:
            depth += 1
        elif kind in CLOSE:
            depth -= depth > 0
        elif kind == ";" and depth == 0:
            start = True  # several operations: each one is checked as the first
        elif kind == "NAME" or kind == "PNAME_LN" or kind == "PNAME_NS":
            if not start:
                # The common case first: a keyword that matters to no check, or a prefixed
                # name with no keyword in its prefix that could matter.
                if kind == "NAME":
                    if token.text.upper() in _QUIET:
                        i += 1
                        continue
                elif not _LOUD.search(token.text, 0, token.text.find(":")):
                    i += 1
                    continue
            # SILENT and NAMED matter only after SERVICE and FROM, which read their own
            # targets (``_target``): split off a declared silent: or named: anywhere else,
            # they left ":x", and the endpoint refused it as an undeclared prefix.
            wanted = (KEYWORDS if start else _CALLING | _FROM if depth == 0 else _CALLING)
            pieces = split_glued(token, wanted)
            if pieces is not None and start and kind == "PNAME_NS" \
                    and pieces[0].text.upper() == "PREFIX":
                # The name declared follows PREFIX whole: PREFIXasx: is PREFIX asx:, where
                # read as keywords as far as they go it was PREFIX AS x:, and no query.
                pieces = [pieces[0], Token(kind, token.text[6:], token.start + 6)]
            if pieces is not None:
                tokens[i:i + 1] = pieces
                token, kind = pieces[0], pieces[0].kind
            if kind != "NAME":
                name = token.text.partition(":")[0]
                if "GRAPH" in name.upper() and i + 1 < len(tokens) and tokens[i + 1].kind == "{" \
                        and not ((name in declared or name in prefixes) and _object(tokens, i)):
                    # GRAPHex:g { ... } is GRAPH ex:g to the engine, and so is a declared
                    # graph:x { where no name can be followed by a group (after a triple)
                    plan.uses_dataset = True
                start = False
                i += 1
                continue
            word = token.text.upper()
            if word in UPDATE and (start or depth == 0):
                raise Refused(403, f"this endpoint is read-only: SPARQL Update ({word}, "
                                   f"{where(text, token)}) is refused")
            if start and word in PROLOGUE:
                i, base = _declaration(text, tokens, i, declared, base)
                continue
            if start:
                start = False
                if plan.form == "" and word in FORMS:
                    plan.form = word
            if word == "SERVICE":
                plan.uses_dataset = True
                i = _service(text, tokens, i, declared, base, prefixes, services_allowed)
                continue
            if word == "FROM" and depth == 0:
                plan.uses_dataset = True
                i = _from(text, tokens, i, declared, base, prefixes, plan)
                continue
            if word == "GRAPH" or (word not in KEYWORDS and "GRAPH" in word):
                plan.uses_dataset = True
        else:
            start = False
        i += 1
    if standard:
        dialect.refuse(text, tokens, plan.form, opening, prefixes,
                       lambda token: _resolve(token, declared, base, prefixes),
                       lambda written: _iri(written, None))
    # A keyword glued to another is read by the engine as both (``split_glued``), so a word that
    # merely holds a volatile name counts: a false alarm costs only a cache entry.
    plan.volatile = any(t.kind == "NAME" and _VOLATILE.search(t.text) for t in tokens)
    # Oxigraph is handed only the given prefixes the query can use (converting the whole map
    # costs about a fifth of a simple lookup); a prefix glued to keywords (GRAPHex:g) counts
    # by its tail, so the subset can hold too many prefixes, never too few.
    used = {t.text.partition(":")[0] for t in tokens if t.kind in _PNAMES}
    plan.prefixes = {p: iri for p, iri in prefixes.items()
                     if p in used or any(u.endswith(p) for u in used)}
    return plan


# The tokens a triple's verb follows (bounds.py reads verbs so too), the one-token verbs and
# subjects, and the tokens a pattern may begin after.
_VERB_BEFORE = frozenset((";", "[", "{|", "/", "|", "^"))
_VERBS = frozenset(("IRIREF", "PNAME_LN", "PNAME_NS", "VAR"))
_SUBJECTS = _VERBS | {"BLANK_NODE_LABEL", "ANON"}
_PATTERN_START = frozenset(("{", ".", "}"))


def _object(tokens: list[Token], i: int) -> bool:
    """Return whether ``tokens[i]`` is certainly where a triple's object is: after a "," or a
    one-token verb (after a subject where a pattern begins, or after ";", "[", "/", ...).
    There a declared ``graph:x {`` is a name and a group to the engine, no GRAPH."""
    if i >= 1 and tokens[i - 1].kind == ",":
        return True
    if i < 2 or not (tokens[i - 1].kind in _VERBS or tokens[i - 1].text == "a"):
        return False
    before = tokens[i - 2].kind
    return before in _VERB_BEFORE or (before in _SUBJECTS and i >= 3
                                      and tokens[i - 3].kind in _PATTERN_START)


def _no_character(text: str, token: Token) -> None:
    """Refuse (400) an IRI or a string whose \\u or \\U escape names no character: a UTF-16
    surrogate (as JSON and Java write a character past U+FFFF, in two halves) or a number
    past U+10FFFF.  The engine refuses it too, saying only "expected ENCODE_FOR_URI" after
    the string, and decoded in a FROM, PREFIX or BASE IRI it made a Python string that no
    answer could be written in (a 500)."""
    written = token.text
    for escape in _ESCAPE.finditer(written):
        digits = escape.group(1) or escape.group(2)
        point = -1 if digits is None else int(digits, 16)
        if not (0xD800 <= point <= 0xDFFF or point > 0x10FFFF):
            continue
        at = where(text, Token("\\", "\\", token.start + escape.start()))
        if point > 0x10FFFF:
            raise Refused(400, f"syntax error ({at}): {escape.group()} names no character "
                               "(the last is \\U0010FFFF)")
        low = _UCHAR.match(written, escape.end())
        low_point = int(low.group(1), 16) if low and low.group(1) else -1
        pair = ""
        if point < 0xDC00 and 0xDC00 <= low_point <= 0xDFFF:  # a high half, then a low one
            whole = 0x10000 + (point - 0xD800) * 0x400 + (low_point - 0xDC00)
            pair = f" ({escape.group()}{low.group()} is \\U{whole:08X})"
        raise Refused(400, f"syntax error ({at}): {escape.group()} names no character but "
                           "half of a UTF-16 surrogate pair, as JSON writes one: write the "
                           f"character itself, or a \\U escape of eight digits{pair}")


def _declaration(text, tokens, i, declared, base):
    """Read PREFIX name: <iri>, BASE <iri> or VERSION "..." at ``i``; return (next, base)."""
    word = tokens[i].text.upper()
    if word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1].kind == "PNAME_NS" \
            and tokens[i + 2].kind == "IRIREF":
        declared[tokens[i + 1].text[:-1]] = _iri(tokens[i + 2].text, base)
        return i + 3, base
    if word == "BASE" and i + 1 < len(tokens) and tokens[i + 1].kind == "IRIREF":
        return i + 2, _iri(tokens[i + 1].text, base)
    version = word == "VERSION" and i + 1 < len(tokens) and "STRING" in tokens[i + 1].kind
    return i + (2 if version else 1), base


def _target(tokens, i, text):
    """Return the token at ``i`` (after splitting a glued keyword off it), or None at the end."""
    if i >= len(tokens):
        return None
    pieces = split_glued(tokens[i], _ANYWHERE | _TOP_LEVEL)
    if pieces is not None:
        tokens[i:i + 1] = pieces
    return tokens[i]


def _service(text, tokens, i, declared, base, prefixes, allowed) -> int:
    """Check the SERVICE call at ``i``; return the index after its target."""
    keyword = tokens[i]
    i += 1
    target = _target(tokens, i, text)
    if target is not None and target.kind == "NAME" and target.text.upper() == "SILENT":
        i += 1
        target = _target(tokens, i, text)
    written = "(nothing)" if target is None else clipping.written(target.text)
    refused = f"SERVICE {written} ({where(text, keyword)}) is refused"
    if target is not None and target.kind == "VAR":
        raise Refused(403, Said(lambda n: (
            f"{refused}: a variable SERVICE target could name any endpoint, and "
            f"{_outbound(n, allowed)}")))
    # An IRI written relative is compared as written (never resolved against BASE here), so
    # it is never taken for an allowed one: only IRIs written whole can be allowed.
    iri = None if target is None else _resolve(target, declared, None, prefixes)
    if iri is None or not SCHEME.match(iri) or iri not in allowed:
        raise Refused(403, Said(lambda n: f"{refused}: {_outbound(n, allowed)}"))
    return i + 1


def _outbound(n, allowed: tuple[str, ...]) -> str:
    """Say which SERVICE calls this endpoint makes, naming the setting (``serve``'s
    --allow-service) that allows them."""
    name = n("settings.allowed_services")
    by = f" by {name}" if name else ""
    if not allowed:
        return f"this endpoint makes no outbound requests (no SERVICE IRI is allowed{by})"
    return (f"this endpoint calls only the SERVICE IRIs allowed{by}: "
            + ", ".join(f"<{iri}>" for iri in allowed))


# Characters no IRI holds (SPARQL's IRIREF excludes them): an allowed SERVICE IRI holding
# one is no IRI any query could write.
_NOT_IN_IRIS = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def calls_service(text: str, prefixes: dict | None) -> bool:
    """Return whether the query ``text`` calls a SERVICE, as the checks read it (glued forms
    too): one that reached the engine was allowed (or is refused by its sandbox)."""
    try:
        check(text, prefixes or {})
    except Refused as exc:
        return exc.status == 403  # a SERVICE call (an update never reaches evaluation)
    return False


def service_iri(value: str) -> str:
    """Return ``value`` if a query's SERVICE may be allowed to call it: an absolute http(s)
    IRI naming a host, compared as a query writes it whole (``_service``); else raise
    ValueError saying why not."""
    bad = _NOT_IN_IRIS.search(value)
    if bad:
        raise ValueError(f"{value!r} holds {bad.group()!r}, which no IRI holds")
    try:
        parts = urllib.parse.urlsplit(value)
        _ = parts.port  # reading it checks the port's digits and range
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a valid IRI: {exc}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an absolute http:// or https:// IRI naming a "
                         "host: give the SERVICE IRI whole, as queries write it (such as "
                         "https://example.org/sparql)")
    return value


def _from(text, tokens, i, declared, base, prefixes, plan: QueryPlan) -> int:
    """Read the FROM or FROM NAMED clause at ``i`` into the plan; return the next index."""
    keyword = tokens[i]
    i += 1
    target = _target(tokens, i, text)
    named = target is not None and target.kind == "NAME" and target.text.upper() == "NAMED"
    if named:
        i += 1
        target = _target(tokens, i, text)
    iri = None if target is None else _resolve(target, declared, base, prefixes)
    if iri is None:
        written = "(nothing)" if target is None else clipping.written(target.text)
        raise Refused(400, f"FROM{' NAMED' if named else ''} {written} "
                           f"({where(text, keyword)}): not an IRI this endpoint can resolve "
                           "(an IRI, or a prefixed name whose prefix is declared)")
    (plan.from_named if named else plan.from_graphs).append(iri)
    return i + 1


def _resolve(token: Token, declared, base, prefixes) -> str | None:
    """Return the IRI a token writes (<iri>, or prefix:local with a known prefix), else None."""
    if token.kind == "IRIREF":
        return _iri(token.text, base)
    if token.kind not in ("PNAME_LN", "PNAME_NS"):
        return None
    prefix, _, local = token.text.partition(":")
    namespace = declared.get(prefix, prefixes.get(prefix))
    if namespace is None:
        return None
    # A local name's escapes (\#, \.) stand for the character itself in the IRI.
    return namespace + re.sub(r"\\(.)", r"\1", local)


def _iri(written: str, base: str | None) -> str:
    """Return an IRIREF's IRI: \\u escapes decoded, resolved against the BASE if relative.

    Resolved by Oxigraph's own parser, so exactly as the engine resolves it (RFC 3986);
    Python's urljoin differs in ways that named another graph than the engine read: it keeps
    the base's fragment (``<>`` against ``<http://e/g1#f>``), collapses ``//`` in a path,
    and leaves an IRI relative to a ``urn:`` or unknown-scheme base unresolved.
    """
    iri = written[1:-1]
    if "\\" in iri:
        iri = _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), iri)
    if base is None or SCHEME.match(iri):
        return iri
    try:
        triple = next(iter(ox.parse(f"{written} <urn:p> <urn:o> .".encode(),
                                    format=ox.RdfFormat.TURTLE, base_iri=base)))
    except (SyntaxError, ValueError, StopIteration):
        return iri  # a base or an IRI the engine cannot read either: its syntax error
    return triple.subject.value
