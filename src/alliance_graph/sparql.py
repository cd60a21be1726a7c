"""What a query's text says before any engine reads it, read on its tokens (``lexer.py``):
whether it names graphs itself, and what to add to the parser's message when it fails.

``uses_dataset`` tells the store (``store/graph.py``) which queries must see the files' named
graphs; ``syntax_error`` says where a query's brackets fail to pair, which prefix it declares
nowhere, which keyword it misspells, which blank node it writes in an expression, or that it writes a relative IRI, an update, a LIMIT or OFFSET too large to read or
no query at all, beside the parser's message, which ``one_line`` says on one line and short.
The lexer's names (``tokenize``, ``Token``, ``where``, ...) are importable from here
too.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from .clipping import counted, cut, written
from .keywords import KEYWORDS, declared, keyword_run, undeclared
from .lexer import CLOSE, EXPRESSION, MAYBE, OPEN, Token, deepest, line_col, tokenize, where
from .namespaces import prefix_meant

__all__ = ["CLOSE", "EXPRESSION", "MAYBE", "OPEN", "SCHEME", "Token", "deepest",
           "line_col", "one_line", "relative_iri_note", "syntax_error", "tokenize",
           "unpaired_bracket", "undeclared_prefix", "uses_dataset", "where"]

_GRAPH_WORDS = ("GRAPH", "FROM", "SERVICE")
_NAMES = frozenset(("NAME", "WORD", "PNAME_LN", "PNAME_NS"))


def uses_dataset(text: str) -> bool:
    """Return True when a query may name graphs itself (GRAPH, FROM [NAMED] or SERVICE).

    Read on the tokens, so strings, IRIs and comments never count; a name holding one of
    the words anywhere before its colon counts (the engine reads keywords glued to names:
    ``GRAPHex:g``), which over-approximates (``graph:x`` counts too): a query sent to the
    per-file store for nothing gets the same answers, only at the list's speed.
    """
    return any(t.kind in _NAMES and any(w in t.text.partition(":")[0].upper()
                                        for w in _GRAPH_WORDS) for t in tokenize(text))


# An IRI's scheme (RFC 3986): an IRI without one is relative.
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def relative_iri_note(text: str) -> str:
    """Return what to add to the parser's message about ``text`` when the query writes a
    relative IRI and no BASE ("" otherwise).  Oxigraph resolves no IRI without a base, and
    says so only as the grammar rule it expected next ("expected ENCODE_FOR_URI")."""
    tokens = tokenize(text)
    if any(t.kind in _NAMES and t.text.upper() == "BASE" for t in tokens):
        return ""
    for t in tokens:
        if t.kind == "IRIREF" and not SCHEME.match(t.text, 1):
            line, col = line_col(text, t.start)
            return (f" (the query writes the relative IRI {written(t.text)} at line {line}, column "
                    f"{col}, and no BASE to resolve it against: write the IRI whole, or "
                    "declare a BASE)")
    return ""


# Each closing bracket, and the opening one it closes.
_PAIRS = {"}": "{", ")": "(", "]": "[", ">>": "<<", ")>>": "<<(", "|}": "{|"}


def unpaired_bracket(text: str) -> str:
    """Return where the brackets of ``text`` fail to pair, "" where they pair.

    Oxigraph's parser reports where its grammar gave up, which for a stray or missing bracket
    can be lines later (a stray ')' in a group was reported at the '}' closing it); the
    tokens say where the bracket itself is."""
    found = _unpaired(text)
    return found[0] if found else ""


def _unpaired(text: str) -> tuple[str, Token] | None:
    """Return what ``unpaired_bracket`` says and the bracket it is about, or None."""
    opened: list[Token] = []
    for t in tokenize(text):
        if t.kind in OPEN:
            opened.append(t)
        elif t.kind in CLOSE:
            if not opened:
                return f"'{t.text}' {where(text, t)} closes no open bracket", t
            top = opened.pop()
            if _PAIRS[t.kind] != top.kind:
                return (f"'{t.text}' {where(text, t)} does not close the '{top.text}' opened "
                        f"{where(text, top)}", t)
    if opened:
        return f"'{opened[-1].text}' {where(text, opened[-1])} is never closed", opened[-1]
    return None
# Where Oxigraph's parser says it stopped: "error at 4:2: expected ...".
_PARSER_AT = re.compile(r"error at (\d+):(\d+): ")


def undeclared_prefix(text: str, prefixes=(), tokens: list[Token] | None = None
                      ) -> tuple[str, Token] | None:
    """Return what to say of the first prefix ``text`` uses that neither it nor the engine's
    ``prefixes`` declares (``keywords.undeclared``), and the name using it; None if there is
    none.  A prefix close to a declared one is named as the slip it likely is (``rdsf:``
    for ``rdfs:``, ``namespaces.prefix_meant``), as a misspelt keyword is.  ``tokens``: the
    text's, when already read."""
    tokens = tokenize(text) if tokens is None else tokens
    if (name := undeclared(tokens, prefixes)) is None:
        return None
    prefix = name.text[:name.text.index(":")]
    meant = prefix_meant(prefix, declared(tokens, prefixes))
    meant = f"did you mean {meant}:? Else " if meant else ""
    return (f"the prefix {cut(prefix)}:{counted(prefix)} {where(text, name)} is not declared: "
            f"{meant}add PREFIX {cut(prefix)}: <IRI>"), name


def _misspelt(text: str) -> tuple[str, Token] | None:
    """Return what to say of the first bare word of ``text`` that is neither a keyword nor
    keywords glued together (the only bare words the engine reads), when a keyword is close
    to it, and where it is; None otherwise."""
    for token in tokenize(text):
        if token.kind != "NAME":
            continue
        upper = token.text.upper()
        run = keyword_run(upper)
        if upper in KEYWORDS or (run and run[-1][1] + len(run[-1][0]) == len(upper)):
            continue
        close = difflib.get_close_matches(upper, KEYWORDS, n=1, cutoff=0.8)
        return (f"{token.text} {where(text, token)} is no SPARQL keyword: did you mean "
                f"{close[0]}?", token) if close else None
    return None


def syntax_error(text: str, message: str, prefixes=(),
                 reads: Callable[[str], bool] | None = None
                 ) -> tuple[str, tuple[int, int] | None]:
    """Return what to say of the parser's ``message`` about ``text``, and where (line,
    column; None when the message gives no place): first an unpaired bracket, where the
    query has one (the parser's position is then often elsewhere), or a misspelt keyword
    (the parser said "expected CONSTRUCT" of ``SELEC``; of ``PREFX ag: <...>`` the prefix
    was said undeclared), or a prefix declared neither there nor in the engine's
    ``prefixes`` (the parser said "expected OPTIONAL"), or, given ``reads`` (whether
    Oxigraph reads a text: ``query.dialect.reads``, a layer above this one), a blank node
    in an expression, else the message with ``relative_iri_note``.
    The parser's message is said on one line: it breaks its lists of Unicode character
    classes over several, which made the command line's one-line error five (``one_line``)."""
    message = one_line(message)
    unpaired = _unpaired(text) or _misspelt(text) or undeclared_prefix(text, prefixes) \
        or (reads and _blank_in_expression(text, reads))
    if unpaired:
        return f"{unpaired[0]} (the parser: {message})", line_col(text, unpaired[1].start)
    at = _PARSER_AT.match(message)
    place = (int(at[1]), int(at[2])) if at else None
    return message + (_too_large(message) or _unfinished(text, place)
                      or _second_query(text, place) or relative_iri_note(text)), place


# Blank nodes a query's expressions hold at most to be stood in for and read again, one by one.
_MOST_BLANKS = 8


def _blank_in_expression(text: str, reads: Callable[[str], bool]
                         ) -> tuple[str, Token] | None:
    """Return what to say of the first blank node ``text`` writes in an expression, where
    SPARQL takes none (a triple term there, ``BIND(<<( _:b ag:p ?o )>> AS ?t)``, or
    ``TRIPLE(_:b, ...)``), and the blank node; None if there is none.  The parser said
    "expected IRI parsing failed" or "expected ENCODE_FOR_URI", at the term's end.  Told
    only where it is the whole fault: the text, each blank node within round brackets stood
    in for by a variable, is one Oxigraph ``reads``, and the one named is one without which
    it is read (a blank node in a pattern's triple term or collection is SPARQL's, and reads
    either way), not where each a label of its own, the text reads."""
    depth: list[str] = []
    blanks: list[Token] = []
    tokens = tokenize(text)
    for t in tokens:
        if t.kind in OPEN:
            depth.append(t.kind)
        elif t.kind in CLOSE:
            depth = depth[:-1]
        elif t.kind in ("BLANK_NODE_LABEL", "ANON") and depth and depth[-1] in ("(", "<<("):
            blanks.append(t)
    if not blanks or len(blanks) > _MOST_BLANKS:
        return None

    def stood_in(kept: Token | None, sigil: str = "?") -> str:
        out, at = [], 0
        for n, t in enumerate(blanks):
            if t is not kept:
                out += [text[at:t.start], f"{sigil}_blank{n}_{len(text)}"]
                at = t.start + len(t.text)
        return "".join(out) + text[at:]
    # Read with each a blank node of a label of its own, the fault is a label written in two
    # patterns ('( _:b ) OPTIONAL { ... ( _:b ) }'), which SPARQL refuses too: not said to be
    # in an expression, as it was.
    if not reads(stood_in(None)) or reads(stood_in(None, "_:")):
        return None
    blank = next((t for t in blanks if not reads(stood_in(t))), None)
    if blank is None:  # none the fault alone
        return None
    variable = _unused_variable(blank.text[2:] if blank.kind == "BLANK_NODE_LABEL" else "b",
                                {t.text[1:] for t in tokens if t.kind == "VAR"})
    return (f"{blank.text} {where(text, blank)} is a blank node in an expression, where "
            "SPARQL takes none (a term there, a triple term's too, is a variable, an IRI or a "
            f"literal): write a variable, {variable}, bound by a pattern"), blank


def _unused_variable(label: str, used: set[str]) -> str:
    """Return a variable named like the blank node ``label`` that the query does not use:
    ``_:b`` beside a ``?b`` was told to be written ``?b``, which joins the two (its meaning
    changed), and ``_:a-b`` ``?a-b``, no variable (a label's ``-`` and ``.``, which a
    variable's name takes not, are ``_``)."""
    name = label.replace("-", "_").replace(".", "_")
    n = 1
    while (name if n == 1 else f"{name}{n}") in used:
        n += 1
    return "?" + (name if n == 1 else f"{name}{n}")


# An item of the parser's list of what it expected: a token in quotes ("\\"" escaped), a
# character class ('A' ..= 'Z' | '\\u{00C0}'..='\\u{00D6}' | ...), or words (a keyword, a
# reason: "Prefix not found").
_ITEM = r"""(?:"(?:[^"\\]|\\.)*"|\[(?:'(?:[^'\\]|\\.)*'|[^\]'])*\]|[^\s,"\[][^,]*)"""
# Read from the message's start alone: a store's message may quote a query's text at length.
# Its list, said short once already (a store's, by ``store/remote_messages.first_line``), is
# said so again: the rest it counted is no reason of the parser's.
_EXPECTED = re.compile(rf"(error at \d+:\d+: expected one of )({_ITEM}(?:, {_ITEM})*?)"
                       r"(?:, or (\d+) more)?")
_ITEMS = re.compile(_ITEM)
_SHOWN = 5  # items of the list said; a class longer than _CLASS is never one
_CLASS = 12


def one_line(message: str) -> str:
    """Return a SPARQL parser's ``message`` on one line, its list of what it expected short.

    Oxigraph's parser breaks its lists over lines, and lists dozens of tokens and character
    classes (Unicode ranges, '\\u{3001}'..='\\u{D7FF}', hundreds of characters): kept are
    its reasons first ("Prefix not found", "The query limit should be ..."), then its first
    tokens and short classes, up to ``_SHOWN``, and the rest counted ("or 3 more").  An Oxigraph
    server's message is this parser's, said so too (``store/remote_messages.first_line``)."""
    message = " ".join(part.strip() for part in message.splitlines())
    listed = _EXPECTED.fullmatch(message)
    if listed is None:
        return message
    items = [m[0] for m in _ITEMS.finditer(listed[2])]
    reasons = [i for i in items if " " in i and i[0] not in "\"["]
    shown = (reasons + [i for i in items if i not in reasons
                        and not (i.startswith("[") and len(i) > _CLASS)])[:max(_SHOWN, len(reasons))]
    rest = len(items) - len(shown) + int(listed[3] or 0)
    return listed[1] + ", ".join(shown) + (f", or {rest} more" if rest else "")


# The parser's words for a LIMIT or OFFSET past what it reads (a 64-bit count), said as one
# of the tokens it expected: "expected one of The query limit should be ..., ['0'..='9']".
_TOO_LARGE = re.compile(r"The query (limit|offset) should be a non negative integer")
MOST_LIMIT = 2**64 - 1


def _too_large(message: str) -> str:
    """Return a note for a LIMIT or OFFSET too large for the parser ("" otherwise)."""
    named = _TOO_LARGE.search(message)
    return (f" ({named[1].upper()} takes a whole number of at most {MOST_LIMIT:,}, written "
            "without its commas)" if named else "")


_FORMS = frozenset(("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"))
# The words a SPARQL Update operation starts with (after its prologue).
_UPDATES = frozenset(("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE",
                      "COPY", "WITH"))


def _unfinished(text: str, place: tuple[int, int] | None) -> str:
    """Return a note for a query with no query form ("" otherwise): an empty query, or a
    prologue alone, had only "expected [_]" said of it, and an update "expected CONSTRUCT"."""
    tokens = tokenize(text)
    if not tokens:
        return " (the query is empty: write a SELECT, ASK, CONSTRUCT or DESCRIBE query)"
    first = next((t for t in tokens if t.kind == "NAME" and t.text.upper() not in
                  ("PREFIX", "BASE")), None)
    if first is not None and first.text.upper() in _UPDATES:
        return (f" ({first.text} {where(text, first)} starts a SPARQL Update, which is never "
                "run: the graph is read-only, changed only through its files)")
    last = tokens[-1]
    if place is None or place < line_col(text, last.start + len(last.text)) or any(
            t.kind == "NAME" and t.text.upper() in _FORMS for t in tokens):
        return ""
    return " (the query ends there, with no SELECT, ASK, CONSTRUCT or DESCRIBE)"


def _second_query(text: str, place: tuple[int, int] | None) -> str:
    """Return a note for a text holding a second query where the parser stopped, at or past
    its start ("" otherwise): a .rq file of several, or two pasted into the query page, had
    "error at 2:7: expected one of OFFSET, VALUES" said of the second SELECT, and nothing of
    it being a second query.  A query's form is its first keyword outside every bracket (a
    subquery's is inside one); the second begins with its own PREFIX or BASE lines, if any."""
    depth, begun, forms = 0, None, 0
    for t in tokenize(text):
        if t.kind in OPEN or t.kind in CLOSE:
            depth += 1 if t.kind in OPEN else -1
        elif depth == 0 and t.kind == "NAME" and t.text.upper() in ("PREFIX", "BASE"):
            begun = t if begun is None else begun  # the prologue of the query after
        elif depth == 0 and t.kind == "NAME" and t.text.upper() in _FORMS:
            forms += 1
            if forms == 2:
                line, column = line_col(text, (begun or t).start)
                if place is None or place < (line, column):
                    return ""
                return (f" (a second query begins at line {line}, column {column}: one query "
                        "is run at a time; send each on its own)")
            begun = None
    return ""
