"""Refuse what standard SPARQL does not read but a remote store's own dialect runs.

The endpoint's checks (``guard.check(standard=True)``) read a query as Oxigraph does, and
Oxigraph refuses what is not SPARQL.  A remote store reads its own dialect as well, and
Virtuoso's (the endpoint's user, granted SPARQL_UPDATE as its setup asks) ran what the checks
passed: ``bif:http_get("http://...")`` fetched any URL and answered with what it read;
``DEFINE get:soft "replace"`` and ``OPTION (get:soft "replace")`` had its sponger fetch IRIs
and write what it read into the store; a comment a carriage return alone ends, which
Oxigraph (and the checks) end there and Virtuoso reads on to the line feed, hid such a call
from the checks in what they read as a string; and a function named by a relative IRI with
no BASE to resolve it, ``<TTLP>("<urn:a> <urn:b> <urn:c> .", "", "urn:g")``, called
Virtuoso's SQL procedure of that name (DB.DBA.TTLP), which wrote the triple into the store
(``<SPARUL_CLEAR>`` emptied a graph).  So a query reaches the store only if it is written as
standard SPARQL reads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pyoxigraph as ox

from .. import clipping
from ..keywords import KEYWORDS, keyword_run
from ..sparql import SCHEME, Token, tokenize, undeclared_prefix, where
from ..store.query_form import form_of
from .refused import Refused
from .service_stand_in import UNCALLED, uncalled
from .values_stand_in import stand_ins

# The schemes in which Virtuoso names its own SQL functions and procedures, callable from a
# query: bif:http_get("http://...") fetches any URL and answers with what it read.
STORE_SCHEMES = frozenset(("bif", "sql"))
# XPath's function namespaces, whose functions Virtuoso runs when a query calls one by its
# IRI (fn:concat, fn:upper-case), under more names than the one the XPath standard gives
# (the 2004 draft's, ".../xpath-functions/#", and the scheme xpath:, <xpath:concat>):
# fn:doc("x") ended a Virtuoso 7.2 process, and in another was stopped only by its SPARQL
# user's want of permission to run the procedure that fetches a URI
# (DB.DBA.XML_URI_GET_STRING_OR_ENT).  Oxigraph runs none of them, so a standard query has
# no use for their IRIs.
XPATH_FUNCTIONS = re.compile("^xpath:|xpath-functions", re.IGNORECASE)
# A comment, to the end of its line, whose end is checked: the engine's comment ends at a
# carriage return alone, Virtuoso's at the next line feed, so what follows such a CR on its
# line is read by one and not by the other.  Each match consumes its comment, so a run of
# '#' is read once (searching for '#[^\r\n]*\r' from each '#' was quadratic: 100 kB of '#'
# held the front for 26 s).
_COMMENT = re.compile(r"#[^\r\n]*")
_PNAMES = frozenset(("PNAME_LN", "PNAME_NS"))
_RESOLVED = _PNAMES | {"IRIREF"}
# A store holding nothing: Oxigraph plans a query, its function calls included, before it
# reads any data, and evaluates at once only what it must to return (``values_stand_in``).
_NOTHING = ox.Store()


def reads(prefixes: dict | None) -> Callable[[str], bool]:
    """Return whether Oxigraph reads a text as a query (``read_as_oxigraph``), for
    ``sparql.syntax_error`` to try a query's text changed (a layer below, it reads none)."""
    def read(text: str) -> bool:
        try:
            read_as_oxigraph(text, prefixes)
        except (SyntaxError, RuntimeError, OSError):
            return False
        return True
    return read


def read_as_oxigraph(text: str, prefixes: dict | None, tokens=None) -> None:
    """Raise what Oxigraph raises for ``text`` it would not run (SyntaxError, or RuntimeError
    for a function it does not know), for a query about to go to a remote store, which reads
    its own dialect too: ``<urn:x>("a")``, a function called by an IRI that names none,
    Virtuoso looks up among its SQL procedures (``DB.DBA.urn:x``), where Oxigraph says "The
    custom function <urn:x> is not supported".  The grammar, not a scan of the tokens, tells
    such a call (``ex:f (`` in an expression) from a predicate before a collection
    (``?s ex:f (1 2)``), so Oxigraph's reading is asked, on a store that holds nothing: of
    the query with its VALUES rows stood in for (``values_stand_in``), which it evaluates
    in no time; of the query itself only to say the error that reading met, as it says it
    and where (a parse's or a plan's, met before any evaluation).  ``tokens``: ``text``'s,
    where the caller has read them."""
    prefixes = prefixes or None
    tokens = tokenize(text) if tokens is None else tokens
    if (stood_for := uncalled(text, tokens, prefixes)) != text:
        text, tokens = stood_for, tokenize(stood_for)
    form = form_of(tokens)
    stood_in = None if form is None else stand_ins(text, tokens, form[0])
    try:
        if stood_in is not None:
            try:
                _NOTHING.query(stood_in[0], prefixes=prefixes)
                _NOTHING.query(stood_in[1], prefixes=prefixes)  # read lazily: a plain SELECT
                return
            except (SyntaxError, OSError, RuntimeError) as exc:
                if str(exc) == UNCALLED:
                    return
        _NOTHING.query(text, prefixes=prefixes)
    except RuntimeError as exc:
        if str(exc) != UNCALLED:  # a SERVICE stood in for, reached: read, and called by none
            raise


def refuse(text: str, tokens: list[Token], form: str, opening: Token | None, prefixes,
           resolve: Callable[[Token], str | None], decoded: Callable[[str], str]) -> None:
    """Raise Refused for what only a store's own dialect reads in ``text`` (its ``tokens``,
    ``form`` and the first token after its prologue, ``opening``, as the checks read them):
    a comment a carriage return alone ends; a query that begins with no query form
    (``DEFINE``); a word that is no keyword nor function (``OPTION``); a prefix neither the
    query nor the given ``prefixes`` declare (Virtuoso declares ``bif:`` and ``sql:`` itself);
    an IRI of the ``bif:`` or ``sql:`` schemes or of XPath's functions, however written
    (``<bif:http_get>``, ``PREFIX b: <bif:>``, ``\\u`` escapes), as ``resolve`` gives a
    token's IRI; an IRI written relative (``decoded`` gives an IRIREF's text, its escapes
    decoded) where no BASE written whole resolves it; a ``?`` glued to a prefixed name.  Oxigraph refuses all but
    the IRIs itself and the glued ``?`` (a path's), and runs no such function."""
    _comments_end_alike(text, tokens)
    if not form:
        if opening is None:
            raise Refused(400, "syntax error: the query holds no SELECT, ASK, CONSTRUCT or "
                               "DESCRIBE, only its prologue or comments")
        raise Refused(400, f"syntax error ({where(text, opening)}): {_shown(opening)} "
                           "begins no SPARQL query: a query begins with SELECT, ASK, CONSTRUCT "
                           "or DESCRIBE, after its PREFIX and BASE declarations (a store's own "
                           "words, such as Virtuoso's DEFINE, are not passed on)")
    for token in tokens:
        if token.kind == "NAME" and token.text.upper() not in KEYWORDS \
                and sum(len(k) for k, _ in keyword_run(token.text.upper())) < len(token.text):
            raise Refused(400, f"syntax error ({where(text, token)}): {_shown(token)} is no "
                               "SPARQL keyword nor function (a store's own words, such as "
                               "Virtuoso's OPTION, are not passed on)")
    if (unsaid := undeclared_prefix(text, prefixes, tokens)) is not None:
        raise Refused(400, f"{unsaid[0]} (this endpoint declares its own prefixes alone, not "
                           "those a store may declare)")
    resolved: dict[str, str | None] = {}  # by text: resolving a relative IRI parses it
    for token in tokens:
        if token.kind not in _RESOLVED:
            continue
        if token.text not in resolved:
            resolved[token.text] = resolve(token) if token.kind == "IRIREF" else (
                resolve(token) or resolve(_unglued(token)))
        iri = resolved[token.text]
        scheme = None if iri is None else iri.partition(":")[0].lower()
        if iri is not None and XPATH_FUNCTIONS.search(iri):
            raise Refused(403, f"{_named(text, token, iri)} is of XPath's functions, which "
                               "Virtuoso runs from a query (fn:doc fetches a document, and "
                               "ended its process), and a standard SPARQL query does not call")
        if scheme in STORE_SCHEMES:
            raise Refused(403, f"{_named(text, token, iri)} is of the {scheme}: scheme, in "
                               "which Virtuoso calls its own SQL functions and procedures "
                               "(bif:http_get fetches any URL), and this endpoint makes no "
                               "outbound requests")
    _no_relative_iri(text, tokens, decoded)
    _no_glued_parameter(text, tokens)


def _named(text: str, token: Token, iri: str) -> str:
    """Say which name a refusal is of and its IRI, each short (``clipping``): the advice
    after them is what its reader needs, never cut off by the bound on a whole message."""
    return (f"{clipping.written(token.text)} ({where(text, token)}) is refused: "
            f"{clipping.bracketed(iri)}")


def _no_relative_iri(text: str, tokens: list[Token], decoded: Callable[[str], str]) -> None:
    """Refuse (400) an IRI written relative before any BASE written whole (the BASE's own
    IRI too), as Oxigraph does; Virtuoso read ``<TTLP>(...)`` as its procedure DB.DBA.TTLP,
    ``PREFIX x: <>`` and ``BASE <TTLP>`` giving ``x:TTLP`` and ``<>`` the same name.  Once a
    BASE is whole, every IRI after it resolves to one with a scheme."""
    previous = None
    for token in tokens:
        if token.kind == "IRIREF":
            is_base = previous is not None and previous.kind == "NAME" \
                and previous.text.upper() == "BASE"
            if SCHEME.match(decoded(token.text)):
                if is_base:
                    return
            else:
                at = where(text, token)
                iri = clipping.written(token.text)  # short: the advice after it is kept
                said = (f"BASE {iri} {at} is itself relative, and no BASE before it resolves "
                        "it" if is_base else f"the query writes the relative IRI {iri} {at}, "
                        "and no BASE to resolve it against")
                raise Refused(400, f"syntax error ({at}): expected an IRI with its scheme "
                                   f"({said}: write the IRI whole, or declare a BASE; a store "
                                   "may read a relative one as a name of its own, Virtuoso "
                                   "as its SQL procedure's)")
        previous = token


def _no_glued_parameter(text: str, tokens: list[Token]) -> None:
    """Refuse (400) a ``?`` with a prefixed name glued after it: to Oxigraph a path's
    zero-or-one and a name (``:p?:o``), to Virtuoso ``?:name``, a variable of the SQL it
    runs the query in (``SELECT (?:uid AS ?y) {}``: "No column UID")."""
    for token, after in zip(tokens, tokens[1:]):
        if token.kind == "?" and after.kind in _PNAMES and after.start == token.start + 1:
            raise Refused(400, f"syntax error ({where(text, token)}): {_shown(after, '?')} is "
                               "read by a store as a variable of its own (Virtuoso's ?:name): "
                               "write a space after a path's '?'")


def _comments_end_alike(text: str, tokens: list[Token]) -> None:
    """Refuse (400) a comment ended by a carriage return alone, unless only white space
    follows: a long string opened after the CR holds, to the checks, what a remote store
    reads as the query's own text."""
    end = 0
    for token in [*tokens, Token("END", "", len(text))]:
        found = _cr_ended(text, end, token.start)
        if found is not None and (token.kind != "END" or text[found.end() + 1:].strip()):
            raise Refused(400, f"a comment {where(text, Token('#', '#', found.start()))} ends "
                               "with a carriage return alone: end its line with a line feed "
                               "(CR LF or LF), as some stores read a comment on to one")
        end = max(end, token.start + len(token.text))


def _cr_ended(text: str, start: int, end: int) -> re.Match | None:
    """Return the first comment between ``start`` and ``end`` that a carriage return alone
    ends (the CR just after the match)."""
    for comment in _COMMENT.finditer(text, start, end):
        after = text[comment.end():comment.end() + 2]
        if after[:1] == "\r" and after != "\r\n":
            return comment
    return None


def _shown(token: Token, before: str = "") -> str:
    """Return a word of the query, quoted, as a syntax error names it (``clipping``): 40
    characters rather than 200, a keyword or a name being told by fewer."""
    return clipping.clipped(before + token.text, 40, repr)


def _unglued(token: Token) -> Token:
    """Return a prefixed name without the keywords glued before its prefix, as the engine
    reads it (``FILTERb:f`` is ``FILTER b:f``)."""
    prefix = token.text[:token.text.index(":")]
    cut = sum(len(k) for k, _ in keyword_run(prefix.upper()))
    return Token(token.kind, token.text[cut:], token.start + cut)
