"""The brackets of SPARQL text and what each holds to the lexer (``lexer.tokenize``): an
expression (where ``<`` after an operand is less-than), maybe one, or none; and, in a query
that declares a prefix holding FILTER, where a triple's parts are in each (``Places``).

There ``filterx:p (`` is read by its place in the triple as the engine's parser reads it: it
tries a triple's parts first, and FILTER where they fail to parse (a PEG parser's ordered
choice, committed once it succeeds).  So it is a name and a collection where a verb must
follow (after a subject term, ``[`` or ``{|``), FILTER and a call where a pattern may begin or
an object ended one.  Where a verb may follow but need not (after ``;``, or a bracketed
subject such as ``(1)``, whose properties are optional), the engine reads a verb and its
object if the object parses, and FILTER if not: the bracket is read ahead as a collection
(``collection_parses``), and where that cannot tell, left undecided (``MAYBE``).  Keywords
glued before a name whose prefix the query does not declare are read off it as the engine
reads them at each place (``trueas:x`` is ``true a s:x``, a whole triple, ``_glued``); where
it may read otherwise (a rest that may be a prefix it is given) the place is unknown.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import terminals  # read as terminals.MASTER when used: importing it compiles nothing
from .keywords import keyword_run, reads_filter
from .namespaces import PREFIX_IRIS
from .terminals import KINDS

OPEN = frozenset(("{", "(", "[", "<<", "<<(", "{|"))
CLOSE = frozenset(("}", ")", "]", ">>", ")>>", "|}"))
EXPRESSION, MAYBE = 1, 2  # what a bracket holds to ``tokenize`` (0: no expression)
IRIS = frozenset(("IRIREF", "PNAME_LN", "PNAME_NS"))
# A triple's terms (TRUE, FALSE and A as words; numbers with their sign).
_TERMS = IRIS | {"VAR", "STRING_LITERAL_LONG2", "STRING_LITERAL_LONG1", "STRING_LITERAL2",
                 "STRING_LITERAL1", "NIL", "ANON", "BLANK_NODE_LABEL", "TRUE", "FALSE", "A"} | {
    kind + sign for kind in ("INTEGER", "DECIMAL", "DOUBLE")
    for sign in ("", "_POSITIVE", "_NEGATIVE")}
# The places of a triple's parts in a group (a state of ``Places``): where a pattern may
# begin, where a verb must follow, where one may (after ";" or a bracketed subject, whose
# properties are optional), where an object must, and after an object.
_START, _VERB, _MAY_VERB, _OBJECT, _DONE = range(5)
# What a term or a bracketed term makes of each place, and the places a verb's "/", "|",
# "^" or "!" leaves a verb to follow.
_AFTER_TERM = {_START: _VERB, _VERB: _OBJECT, _MAY_VERB: _OBJECT, _OBJECT: _DONE}
_AFTER_BRACKETED = {_START: _MAY_VERB, _VERB: _OBJECT, _MAY_VERB: _OBJECT, _OBJECT: _DONE}


class Places:
    """Where a triple's parts are at each open bracket, for a "(" after a name glued to
    FILTER: the engine's parser reads a triple's parts first, FILTER where they fail, so the
    name is a verb where one must follow, FILTER where a pattern may begin or an object
    ended one, and either where a verb may follow (``MAYBE``)."""

    __slots__ = ("levels", "before", "skip", "call", "names", "whole", "named", "unsure")

    def __init__(self, depth: int, names: set[str]):
        # Per open bracket, [what it is, the place in it]: "{" a group, "[" or "{|" a
        # property list, "(" a collection, a path's group or a VALUES row, "" an
        # expression's or a bracket the places are not followed in (place None).
        self.levels: list[list] = [["", None] for _ in range(depth)]
        self.before = None  # the place before the last token
        self.skip = False  # the next term is a datatype (^^) or a reifier (~), no part
        # The last token named the function FILTER calls (FILTER ex:f, or a name glued to
        # FILTER where FILTER may be): a "()" after it is the call's, and ends the FILTER.
        self.call = False
        self.names = names  # the prefixes the query declares, as it goes on
        # The last token is one term, or FILTER and a name, to the engine: not keywords
        # glued before either ("truefilterx:p" is "true filterx:p" where x: is declared).
        self.whole = True
        # The last token is a name to the engine, one whose prefix it knows, not FILTER glued
        # to one it does not ("FILTERs:p" where the query declares filters:), which it cannot
        # read as a verb: there it reads FILTER and a call, whatever the bracket holds.
        self.named = True
        # The "(" about to open may be FILTER's call or a triple's part (a path's group
        # after a subject, a collection after a verb): after it the place is unknown.
        self.unsure = False

    def step(self, kind: str, stack: list[int], prefix: str = "") -> None:
        """Follow the token of ``kind`` (a word by its upper-case text, a prefixed name with
        its ``prefix``) at the top level, after ``stack`` took its bracket."""
        levels = self.levels
        call, self.call = self.call, False
        if kind in OPEN:
            opened = "" if stack[-1] or kind in ("<<", "<<(") else kind
            if self.unsure:
                opened, self.unsure = "?", False
            levels.append([opened, {"{": _START, "[": _VERB, "{|": _VERB}.get(opened)])
            self.before = None
            return
        if kind in CLOSE:
            closed = levels.pop()[0] if levels else ""
            if not levels:
                return
            level = levels[-1]
            place, self.before = level[1], level[1]
            if closed == "?":
                level[1] = None
            elif kind == "}" or (kind == ")" and not closed):
                level[1] = _START  # a group, or a call (FILTER's, BIND's)
            elif kind == ")>>":
                level[1] = _AFTER_TERM.get(place)  # a triple term is a term
            elif kind != "|}":  # an annotation leaves the object's place
                level[1] = _AFTER_BRACKETED.get(place)
            return
        if not levels:
            return
        level = levels[-1]
        place = self.before = level[1]
        skip, self.skip = self.skip, False
        if kind == "NIL" and call:
            level[1] = _START
        elif kind in _TERMS:
            upper = prefix.upper()
            self.whole = self.named = prefix in self.names or not keyword_run(upper)
            glued = None if self.whole or skip else _glued(prefix, place, self.names)
            if skip:
                pass
            elif self.whole:
                level[1] = _AFTER_TERM.get(place)
            elif glued is not None:  # keywords and a name: "trueas:x" is "true a s:x"
                self.before, self.whole, self.named = glued, True, True
                level[1] = _AFTER_TERM.get(glued)
                return
            else:  # keywords the engine may read otherwise, or a prefix it may know
                level[1] = None
                self.whole = upper.startswith("FILTER")
                self.named = prefix in PREFIX_IRIS  # given to the engine: a name to it
            self.call = kind in IRIS and (place is None and call or level[0] == "{" and (
                place in (_START, _DONE) and "FILTER" in upper and reads_filter(upper)))
        elif kind in ("^^", "~", "LANGTAG", "*", "+", "?"):
            self.skip = kind == "^^" or kind == "~"
        elif kind == "." and level[0] == "{":
            level[1] = _START
        elif kind == ";" and level[0] in ("{", "[", "{|"):
            level[1] = _MAY_VERB
        elif kind == ",":
            level[1] = _OBJECT if place == _DONE else None
        elif kind in ("/", "|", "^", "!"):
            level[1] = _VERB if place in (_VERB, _MAY_VERB, _OBJECT) else None
        elif "SELECT" in kind:
            level[0], level[1] = "", None  # a subquery's level holds no pattern
        else:
            level[1] = None  # a keyword (FILTER, BIND, ...) until its bracket closes
            self.call = kind.endswith("FILTER")

    def reading(self, collection: Callable[[], bool | None]) -> int:
        """Return what the "(" after a name glued to FILTER holds (to ``tokenize``);
        ``collection`` tells whether it parses as a collection (``collection_parses``)."""
        if not self.levels:
            return EXPRESSION
        bracket, whole = self.levels[-1][0], self.whole
        if whole and (bracket == "(" or (bracket and self.before == _VERB)):
            return 0  # a name and a collection, or no query at all
        # FILTER and a call, or where a pattern may begin a path's group (the same tokens,
        # but a triple's verb: "filterx:p (ex:a) ?o" is a triple to the engine); or, where a
        # keyword is glued before the name, either (its place is after the keyword).
        self.unsure = not whole or self.before != _DONE
        if whole and bracket == "{" and self.before in (_START, _DONE):
            return EXPRESSION
        if whole and bracket and self.before == _MAY_VERB:
            # A verb may follow: the engine reads one, and a collection after it, where the
            # collection parses, else FILTER and a call, which no property list holds; a name
            # whose prefix it does not know is no verb, so FILTER and a call however the
            # collection would parse (read ahead, "FILTERs:p (?a<s:b&&'>')" was an IRI and
            # a string, the engine's comparison, and a SERVICE call after it went unseen).
            parses = (collection() if bracket == "{" else True) if self.named else False
            if parses is not None:
                self.unsure = False
                return 0 if parses else EXPRESSION
        return MAYBE


def _glued(prefix: str, place: int | None, names: set[str]) -> int | None:
    """Return the place at which the engine reads the name in a prefix the query does not
    declare, after the keywords glued before it, as its parser reads them at each place (a
    name whose prefix it knows first, then true or false where a term is, a where a verb is):
    "trueas:x" where a pattern begins is "true a s:x".  None where it may read otherwise: a
    rest it may know though the query does not declare it (the project's prefixes, given to
    it), or a keyword it cannot read there."""
    rest = prefix
    while rest not in names:
        if rest in PREFIX_IRIS:
            return None
        if (place == _START or place == _OBJECT) and rest.startswith(("true", "false")):
            rest, place = rest[4 if rest[0] == "t" else 5:], _AFTER_TERM[place]
        elif (place == _VERB or place == _MAY_VERB) and rest.startswith("a"):
            rest, place = rest[1:], _OBJECT
        else:
            return None
    return place


# How far a collection is read ahead (characters): past it, whether it parses is undecided.
AHEAD = 2048
# What a collection's members are made of, and what no collection holds (where it is, the
# engine's collection fails): the operators and separators of expressions and patterns.
_NUMBERS = frozenset(("INTEGER", "DECIMAL", "DOUBLE"))
_MEMBERS = _NUMBERS | {"VAR", "NIL", "ANON"}
_STRINGS = frozenset(("STRING_LITERAL1", "STRING_LITERAL2", "STRING_LITERAL_LONG1",
                      "STRING_LITERAL_LONG2"))
_NOT_MEMBERS = frozenset((",", ";", ".", "&&", "||", "=", "!=", ">", "<=", ">=", "*", "/", "+",
                          "-", "!", "|", "^", "^^", "?", "{", "}", "]", "{|", "|}", ">>", ")>>",
                          "~"))
# Language tags the engine certainly reads (it refuses some well-formed-looking ones: en-a).
_TAG = re.compile(r"@[a-zA-Z]{2,3}(?:-[a-zA-Z]{2})?")
_IRIREF = re.compile(r'<(?:[^\x00-\x20<>"{}|^`\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>')


def collection_parses(text: str, at: int, names: set[str]) -> bool | None:
    """Return whether the engine reads the bracket "(" at ``at`` in ``text`` as a collection,
    its IRIs and all (``<`` opens an IRI in one): True where every token to its ")" is a member
    it reads, False where a token no collection holds comes first (an operator, a separator, a
    string never closed), None where the check cannot tell (a member it does not follow: [ ],
    << >>, a blank node, a word, an escape, a name whose prefix the query does not declare
    after the first IRI after an operand; or more than ``AHEAD`` characters to read)."""
    end = min(len(text), at + AHEAD)
    whole = end == len(text)  # else a token at the window's end may go on past it
    # Up to the first IRI after an operand both readings read the same tokens: an IRI or a
    # name there that the engine refuses (a prefix it is not given) fails both, and nothing
    # runs, so it is taken for a member; past it, only one the engine certainly reads.
    depth, before, apart, sign = 0, "", False, False
    for match in terminals.MASTER.finditer(text, at, end):
        index = match.lastindex
        kind, value = KINDS[index], match.group(index)
        if not whole and match.end() == end:
            return None
        kind = value if kind == "PUNCT" else kind
        if sign:  # a sign read apart: a member only with a number after it
            sign = False
            if kind not in _NUMBERS or value[0] in "+-":
                return False
        elif (kind == "+" or kind == "-") and before != "^^":
            # The engine reads a sign, spaces or comments, and a number as one signed number
            # ("- 1", "+#c\n.5"): read as an operator, the collection "(?a - 1 <s:b'>)" was
            # FILTER's, its IRI less-than and a string, and a SERVICE call after it unseen.
            sign = True
            continue
        if before == "^^" and kind != "IRIREF" and kind != "PNAME":
            return False  # a datatype is an IRI
        if kind == "(" or kind == ")":
            if before == "(" and kind == ")":
                return None  # "( #c\n )": no NIL, the engine's collection holds nothing
            depth += 1 if kind == "(" else -1
            if not depth:
                return True
        elif kind == "IRIREF" or kind == "PNAME":
            apart = apart or kind == "IRIREF" and before not in ("", "(", "^^")
            if not _iri(value, names, apart):
                return None
        elif kind in _MEMBERS or kind in _STRINGS:
            if "\\u" in value or "\\U" in value:
                return None  # an escape the engine may refuse (half a surrogate pair)
        elif kind == "LANGTAG" or kind == "^^" and before in _STRINGS:
            if before not in _STRINGS or kind == "LANGTAG" and not _TAG.fullmatch(value):
                return None
        elif kind == "<":  # no IRI here: less-than, unless the IRI goes on past the window
            return None if not whole and _IRIREF.match(text, match.start(index)) else False
        elif kind in _NOT_MEMBERS or kind == "ERROR" or kind == "END":
            return False if whole or kind in _NOT_MEMBERS else None
        elif kind == "NAME" and value not in ("true", "false"):
            run = keyword_run(value.upper())  # a keyword is no member (true and false are)
            return False if run and run[0][0][0].isalpha() and run[0][0] not in (
                "TRUE", "FALSE") else None
        elif kind != "NAME":
            return None  # [ ], << >>, <<( )>>, a blank node, a word in a run of name characters
        before = kind
    return None


def _iri(value: str, names: set[str], apart: bool) -> bool:
    """Return whether the engine reads an IRIREF or a prefixed name as an IRI, or as nothing
    in both readings (not ``apart``): an IRI written whole that its IRI parser takes
    (``NamedNode``, the same parser), or a name whose prefix the query declares and does not
    begin with true or false (``truex:y``, undeclared, is two members to the engine)."""
    if not apart and value[0] == "<":
        return True
    if value[0] == "<":
        if "\\" in value:
            return False
        import pyoxigraph as ox  # here: the lexer's importers (the help's) need none of it
        try:
            ox.NamedNode(value[1:-1])
        except ValueError:
            return False
        return True
    prefix = value[:value.find(":")]  # true and false glued before a name are members
    return (prefix in names or not apart) and not prefix.upper().startswith(("TRUE", "FALSE"))
