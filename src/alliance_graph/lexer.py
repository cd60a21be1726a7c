"""SPARQL text split into the grammar's terminals, as Oxigraph (pyoxigraph 0.5) reads them,
and where a token is in the text.

``tokenize`` gives the terminals; ``query/guard.py`` and ``query/bounds.py`` check a query on
them before it runs, and ``sparql.py`` reads what a query says from them.

The terminals are those of the SPARQL 1.1 grammar (https://www.w3.org/TR/sparql11-query/
#sparqlGrammar) with the SPARQL 1.2 changes Oxigraph 0.5 implements: ``\\u``/``\\U`` escapes
are read only inside IRIs and strings (1.1 decoded them everywhere first; Oxigraph does not,
so ``\\u0053ERVICE`` outside a string is a syntax error to it and an ``ERROR`` token here),
language tags may carry a base direction (``"x"@en--ltr``), and the triple-term tokens ``<<``,
``>>``, ``<<(``, ``)>>``, ``{|``, ``|}`` and ``~`` exist.  Whitespace and comments are
skipped.  A character that starts no terminal becomes a one-character ``ERROR`` token, the
last one: the engine reads no further than that (a syntax error), and reading on is what
could cost time quadratic in the text (each quote of ``'\\'\\'\\'...`` or ``"\\"\\"...``
would start a string scanned to the end of the line and failing there).

One compiled pattern with named alternatives (``terminals.py``) does the work; alternatives
that share a first character are ordered so the longest terminal wins, as the grammar's
tokenization requires.
The grammar is not context-free at one place, and the lexer follows the engine there: a
``<`` where an expression expects an operator (after an operand, inside an expression's
parentheses) is the less-than operator, even where ``<...>`` would also read as an IRI
(``FILTER(?a<?b&&?c>?d)``), because Oxigraph's parser never tries an IRI at that point.
Which parentheses hold an expression is told from the words before them, keywords glued to
a name included (``FILTERex:f(``, ``trueFILTER <f>(``, ``ORDERBY?x(``: the engine matches
keywords with no word boundary), a word by the last keyword or number glued in it
(``truefalse(`` and ``true1(`` are a collection's), and a prefixed name glued to BY or HAVING
only where a name cannot be (a query's solution modifiers: in a group ``by:p (`` is a name and
a collection).  There ``<`` is less-than however the text goes on (``FILTER(?a<'m'&&?a>'a')``
compares, as it does to the engine).
In a query that declares a prefix holding FILTER, ``filterx:p (`` is read by its place in the
triple (``brackets.Places``), and where a verb may follow by whether the bracket parses as a
collection (``brackets.collection_parses``); where that leaves it undecided, a would-be IRI
after an operand is an ``AMBIGUOUS`` token, before the ``<``, for the caller to refuse (the
two readings differ in what follows: a quote in the IRI opens a string, a ``#`` a comment).
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

from . import terminals  # its patterns read as terminals.MASTER: compiled when first used
from .brackets import CLOSE, EXPRESSION, IRIS, MAYBE, OPEN, Places, collection_parses
from .keywords import BY_GLUED, KEYWORDS, glued, keyword_run, reads_filter
from .terminals import KINDS, NO_PNAME_KINDS

__all__ = ["CLOSE", "EXPRESSION", "MAYBE", "OPEN", "Token", "deepest", "line_col", "tokenize",
           "where"]
_SIGNED = {"+": "_POSITIVE", "-": "_NEGATIVE"}
# Tokens after which an expression expects an operator, not an operand.  '}' is one: inside
# an expression's brackets it can only close [NOT] EXISTS { ... }, an operand like any call
# ("FILTER(EXISTS{}<?s+'>' ..." is less-than to the engine, and read as an IRI the quote in
# it hid a SERVICE call from the checks).
_OPERAND_END = frozenset(("VAR", "IRIREF", "PNAME_LN", "PNAME_NS", "STRING_LITERAL1",
                          "STRING_LITERAL2", "STRING_LITERAL_LONG1", "STRING_LITERAL_LONG2",
                          "LANGTAG", "INTEGER", "DECIMAL", "DOUBLE", "INTEGER_POSITIVE",
                          "DECIMAL_POSITIVE", "DOUBLE_POSITIVE", "INTEGER_NEGATIVE",
                          "DECIMAL_NEGATIVE", "DOUBLE_NEGATIVE", "NIL", ")", ")>>", "}",
                          "TRUE", "FALSE"))
# The words before "(" in a graph pattern when it opens no expression (a collection or a
# VALUES list): the engine reads a word as the keywords and numbers glued in it, and only the
# last one is before the "(" ("truefalse(" is "true false (", "true1(" is "true 1 (").
_NOT_CALLS = frozenset(("A", "VALUES", "TRUE", "FALSE", "UNDEF"))
# Words that end a clause whose "(" holds an expression (SELECT, GROUP/ORDER BY, HAVING).
_CLAUSE_END = frozenset(("WHERE", "FROM", "LIMIT", "OFFSET", "VALUES"))



def deepest(iri: str) -> int:
    """Return how deep the brackets in ``iri`` nest, a ')' never below where it began."""
    # Nearly every IRI holds no bracket: the check reads each IRI of each query (6 a query
    # of the benchmark's mix, 17 µs of its 150 walked a character at a time).
    if "(" not in iri and "[" not in iri:
        return 0
    depth = most = 0
    for char in iri:
        if char in "([":
            depth += 1
            most = max(most, depth)
        elif char in ")]" and depth:
            depth -= 1
    return most


class Token(NamedTuple):
    """One terminal: its kind (a grammar terminal's name, or the punctuation itself), its
    text as written, and its offset in the query."""

    kind: str
    text: str
    start: int


def tokenize(text: str, limit: int | None = None) -> list[Token]:
    """Return the terminals of ``text``; stop after ``limit`` + 1 tokens if a limit is given."""
    tokens: list[Token] = []
    append = tokens.append
    new = tuple.__new__
    # One entry per open bracket: EXPRESSION where it holds an expression (see the module
    # doc), MAYBE where the engine may read either, 0 where it holds none.
    stack: list[int] = []
    # The last two tokens' kinds, words (NAME) by their upper-case text, and whether the
    # last one was a word.
    prev = prev2 = ""
    word = word2 = False
    prefix = ""  # the upper-case prefix of the last token if it was a prefixed name
    # The levels at which a SELECT (a projection), GROUP/ORDER BY or HAVING clause is open,
    # innermost last: a "(" at that level opens an expression.  A clause ends at its own
    # level ("{", WHERE, ...) or when its bracket closes, not at a "{" or "}" deeper in it:
    # in a subquery's "ORDER BY ASC(EXISTS { }) (1 <?b&&...> 1)" the second "(" was read as
    # no expression, its '<...>' as an IRI, and the && chain in it crashed the engine.
    clauses: list[int] = []
    # The level of the SELECT whose WHERE group is the next "{" there (-1: none; WHERE or
    # FROM may come between), the levels of the open SELECTs' WHERE groups, and the level at
    # which a (sub)query's solution modifiers may follow the group just closed (-1: none):
    # there a prefixed name glued to BY is the clause (ORDERBYex:f(...)), in a group a name.
    selecting = modifiers = -1
    wheres: list[int] = []
    # Where a triple's parts are, read once the query declares a prefix holding FILTER:
    # then "filterx:p (" may be a name and a collection rather than FILTER and a call.
    places: Places | None = None
    names: set[str] = set()  # the prefixes the query declares
    # A prefixed name that failed to start at a name character fails at every later start
    # up to the end of that run of name characters; scanning the run again for each word in
    # it (``a.b.c.d...``) would take time quadratic in its length, so the rest of the run is
    # read without trying prefixed names.
    no_pname_until = 0
    pos, end = 0, len(text)
    left = end + 1 if limit is None else limit + 1  # tokens still to read
    while pos < end:
        guarded = pos < no_pname_until
        for match in (terminals.NO_PNAME if guarded else terminals.MASTER).finditer(text, pos):
            index = match.lastindex
            kind = (NO_PNAME_KINDS if guarded else KINDS)[index]
            start = match.start(index)
            if guarded and start >= no_pname_until:
                no_pname_until = 0  # past the run: read this token again with prefixed names
                break
            value = match.group(index)
            pos = match.end()
            left -= 1
            if kind in _PLAIN:
                prefix = ""
                append(new(Token, (kind, value, start)))
                if places is not None:
                    places.step(kind, stack)
                prev2, prev, word2, word = prev, kind, word, False
                if not left:
                    return tokens
                continue
            after_pname, prefix = prefix, ""  # the prefix of the token before, if any
            if kind == "PUNCT" or kind == "IRIREF":
                if value[0] == "<" and stack and stack[-1] and prev in _OPERAND_END:
                    # An operator is expected: '<' or '<=' however the text goes on, as the
                    # engine's parser reads it ("FILTER(?a<'m'&&?a>'a')" compares).
                    if kind == "IRIREF" and stack[-1] == MAYBE:
                        # Where the engine may read an IRI (a name glued to FILTER may be a
                        # name and a collection), whose text read as tokens may hold a
                        # comment, a string, a bracket closing another or a character no
                        # token starts: refused (``query/bounds.py``).
                        append(new(Token, ("AMBIGUOUS", value, start)))
                    value = "<=" if value.startswith("<=") else "<"
                    append(new(Token, (value, value, start)))
                    prev2, prev, word2, word = prev, value, word, False
                    pos = start + len(value)
                    break
                if kind == "PUNCT":
                    kind = value
                    if value in OPEN:
                        if value == "(":
                            # Keywords may be glued to what follows (guard.py): FILTER in
                            # "trueFILTER <f>(" or "FILTERex:f(" still makes a call.
                            if stack and stack[-1]:
                                stack.append(stack[-1])
                            elif (not stack or clauses[-1:] == [len(stack)]
                                  or (word and _opens_call(prev))
                                  or (prev in _IRIS and word2 and "FILTER" in prev2)):
                                stack.append(EXPRESSION)
                            elif prev in _IRIS and "FILTER" in after_pname \
                                    and reads_filter(after_pname):
                                stack.append(EXPRESSION if places is None else places.reading(
                                    partial(collection_parses, text, start, names)))
                            else:
                                stack.append(0)
                        else:
                            if value == "{":
                                if len(stack) == selecting:
                                    wheres.append(selecting)
                                    selecting = -1
                                if clauses[-1:] == [len(stack)]:
                                    clauses.pop()
                            stack.append(0)
                    elif value in CLOSE:
                        if stack:
                            stack.pop()
                        while clauses and clauses[-1] > len(stack):
                            clauses.pop()  # the (sub)query the clause is in is closed
                        while wheres and wheres[-1] >= len(stack):
                            modifiers = wheres.pop()  # a WHERE group closed: modifiers next
                        if modifiers > len(stack):
                            modifiers = -1
            elif kind == "ERROR":
                # The end of what the engine reads; going on would rescan (module doc).
                append(new(Token, (kind, value, start)))
                return tokens
            elif kind == "NAME" or kind == "WORD":
                run = kind == "WORD"  # a run of name characters may go on after this token
                if kind == "WORD":
                    kind = "NAME"
                append(new(Token, (kind, value, start)))
                upper = value.upper()
                if upper in _CLAUSE_END:
                    if clauses[-1:] == [len(stack)]:
                        clauses.pop()
                elif "BY" in upper or "HAVING" in upper or "SELECT" in upper:
                    # GROUP BY, ORDER BY, HAVING, SELECT, or glued as in ORDERBY
                    _open_clause(clauses, len(stack))
                    if "SELECT" in upper:
                        selecting = len(stack)
                prev2, prev, word2, word = prev, upper, word, True
                if places is not None:
                    places.step(upper, stack)
                if not left:
                    return tokens
                if run and pos < end and pos >= no_pname_until and terminals.BASE_CHAR.match(value):
                    run_end = terminals.RUN.match(text, pos).end()
                    if run_end > pos and (run_end == end or text[run_end] != ":"):
                        no_pname_until = run_end
                        break
                continue
            elif kind == "PNAME":
                kind = "PNAME_NS" if value[-1] == ":" and value.count(":") == 1 \
                    else "PNAME_LN"
                name = value[:value.find(":")]
                prefix = name.upper()
                if glued(prefix, BY_GLUED) and (not stack or clauses[-1:] == [len(stack)]
                                                or len(stack) == modifiers
                                                or (word and prev in ("ORDER", "GROUP"))):
                    # ORDERBYex:f(...): the clause a glued keyword starts, where a name cannot
                    # be (a declared by:p in a group is a name, and a collection may follow)
                    _open_clause(clauses, len(stack))
                if kind == "PNAME_NS" and word and prev == "PREFIX":
                    names.add(name)
                if kind == "PNAME_NS" and "FILTER" in prefix and (
                        (word and prev == "PREFIX") or prefix.startswith("PREFIX")):
                    # PREFIX filterx: (or glued: PREFIXfilterx:)
                    places = places or Places(len(stack), names)
                append(new(Token, (kind, value, start)))
                prev2, prev, word2, word = prev, kind, word, False
                if places is not None:
                    places.step(kind, stack, name)
                if not left:
                    return tokens
                continue
            elif kind == "END":
                return tokens  # only whitespace and comments were left
            elif value[0] in "+-":  # a number with a sign
                kind += _SIGNED[value[0]]
            append(new(Token, (kind, value, start)))
            prev2, prev, word2, word = prev, kind, word, False
            if places is not None:
                places.step(kind, stack)
            if not left:
                return tokens
        else:
            return tokens
    return tokens


_IRIS = IRIS


def _opens_call(word: str) -> bool:
    """Return whether a "(" after the upper-case ``word`` opens an expression (a call's
    arguments, FILTER's or BIND's): the last keyword or number the engine reads in the word
    is one a "(" may follow in an expression, not a term (TRUE, FALSE, UNDEF, a number) nor
    A or VALUES.  Read by its end alone, "true1(" was a call, '<' in it less-than where the
    engine reads a collection and an IRI (``<http://e/x'>`` and a string after it)."""
    if word in KEYWORDS:  # the common case: a keyword as written
        return word not in _NOT_CALLS
    run = keyword_run(word)
    last = run[-1][0] if run else word  # a word of no keyword is a syntax error anyway
    return last[0].isalpha() and last not in _NOT_CALLS


def _open_clause(clauses: list[int], level: int) -> None:
    """Record a clause opened at ``level``: it replaces one open there, and any deeper."""
    while clauses and clauses[-1] >= level:
        clauses.pop()
    clauses.append(level)


# Terminals kept as matched, with nothing to track.
_PLAIN = frozenset(("VAR", "STRING_LITERAL_LONG2", "STRING_LITERAL_LONG1", "STRING_LITERAL2",
                    "STRING_LITERAL1", "NIL", "ANON", "BLANK_NODE_LABEL", "LANGTAG"))


def line_col(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of an offset, as Oxigraph's messages give them."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def where(text: str, token: Token) -> str:
    """Return where ``token`` is in ``text``, as every message of the checks says it."""
    line, col = line_col(text, token.start)
    return f"at line {line}, column {col}"
