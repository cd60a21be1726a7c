"""Bound a query's text before the engine reads it: bytes, tokens, nesting depth, elements.

pyoxigraph 0.5 parses and plans recursively and ends the process (SIGSEGV, a stack overflow) on
a few kilobytes of deeply nested or long-chained query, so these bounds are checked on the
tokens first, far below the sizes that crash it (docs/endpoint.md has the thresholds).
``tokens_within`` is the check; the server's guard runs it first, and so does the library and
CLI path (``results.run``), which refuses nothing else; it refuses too the text the lexer
cannot read as the engine does (``unreadable.py``).  Its refusals name each bound by its
setting to a library caller and by its option to `serve`'s operator (``wording``); `query`,
which has none, says the limit alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import keywords
from ..clipping import clipped
from ..keywords import BUILT_INS, BY_GLUED, glued, past, read_glued, separators_in, terms_in
from ..namespaces import PREFIX_IRIS
from ..settings import CRASH_LEVELS, MOST_LEVELS, Settings
from ..sparql import CLOSE, OPEN, Token, deepest, tokenize, where
from ..wording import Said, aside
from .refused import Refused
from .unreadable import refuse_ambiguous, refuse_unreadable


@dataclass(frozen=True)
class Bounds:
    """How large a query may be before the engine reads it (``Settings.max_query_*``)."""

    max_bytes: int = Settings.max_query_bytes
    max_tokens: int = Settings.max_query_tokens
    max_depth: int = Settings.max_query_depth
    max_elements: int = Settings.max_query_elements

    @classmethod
    def from_settings(cls, settings: Settings) -> Bounds:
        """Return the bounds a Settings value sets."""
        return cls(settings.max_query_bytes, settings.max_query_tokens,
                   settings.max_query_depth, settings.max_query_elements)


DEFAULT_BOUNDS = Bounds()

# How deep the engine's recursion may go (CRASH_LEVELS, MOST_LEVELS: settings.py says why).
# Each bracket the depth counts and each element is at most one level of it, so a query
# within both bounds is at most depth + elements levels deep (docs/endpoint.md).  Bounds
# letting a query reach MOST_LEVELS are refused (``unsafe``): the defaults reach 132.


def unsafe(bounds: Bounds) -> Said | None:
    """Return why ``bounds`` let a query near the depth that crashes the engine, or None."""
    levels = bounds.max_depth + bounds.max_elements
    if levels <= MOST_LEVELS:
        return None
    return Said(lambda n: (
        f"a depth of {bounds.max_depth:,}{aside(n('settings.max_query_depth'))} and "
        f"{bounds.max_elements:,} elements{aside(n('settings.max_query_elements'))} let a query "
        f"be {levels:,} levels of recursion deep in the engine, which crashed (SIGSEGV) at "
        f"{CRASH_LEVELS:,} (nested FILTER EXISTS, on an 8 MiB stack); the two together may be "
        f"at most {MOST_LEVELS:,}"))


def too_long(what: str, size: int | None, limit: int) -> Said:
    """Return the refusal of ``what`` (a query, a query file) for its ``size`` in bytes, or
    for more than ``limit`` (None: not read past it)."""
    length = f"more than {limit:,}" if size is None else f"{size:,}"
    return Said(lambda n: (f"{what} is {length} bytes long; the limit is {limit:,}"
                           f"{aside(n('settings.max_query_bytes'))}"))


_SIGNED = frozenset(("INTEGER_POSITIVE", "INTEGER_NEGATIVE", "DECIMAL_POSITIVE",
                     "DECIMAL_NEGATIVE", "DOUBLE_POSITIVE", "DOUBLE_NEGATIVE"))
# Tokens that each add a node to the engine's algebra without adding a bracket: triple
# pattern separators, groups, group keywords, expression and path operators.
_ELEMENTS = frozenset((".", ";", ",", "{", "{|", "|", "/", "^", "&&", "||", "!", "=", "!=",
                       "<", ">", "<=", ">=", "+", "-", "*", "?", "~")) | _SIGNED
# AS: each (expression AS ?v) is one more node, BIND's too (BIND is read, not counted: it
# counted with its AS as two, though a chain of 2,624 crashed the engine as 2,624 projections
# did).  So is SELECT: a subquery's groups count it, "{ SELECT * { } }" two, as MINUS { }
# does, and 2,624 of either in a row crashed the engine (it counted three).
_ELEMENT_WORDS = frozenset(("FILTER", "OPTIONAL", "MINUS", "UNION", "SERVICE", "GRAPH",
                            "VALUES", "EXISTS", "LATERAL", "IN", "AS"))
_READ_WORDS = _ELEMENT_WORDS | {"BIND", "SELECT"}
# The words after which "*" is all the variables (SELECT *, COUNT(DISTINCT *)), no operator.
_STAR_AFTER = ("SELECT", "DISTINCT", "REDUCED", "DESCRIBE")
_TERMS = frozenset(("VAR", "IRIREF", "PNAME_LN", "PNAME_NS", "BLANK_NODE_LABEL", "ANON", "NIL",
                    "STRING_LITERAL1", "STRING_LITERAL2", "STRING_LITERAL_LONG1",
                    "STRING_LITERAL_LONG2", "INTEGER", "DECIMAL", "DOUBLE"))
# Words after which "(" opens a call's arguments, an expression or a list of variables: the
# built-in functions and aggregates, and the keywords a bracketed expression follows.  After
# any other word it opens a collection: the engine reads "true", "false" and keywords glued
# into one word ("truetrue") as terms, and a collection after them is as deep as any.
_CALLS = BUILT_INS | frozenset("""
    FILTER BIND IN VALUES SELECT DISTINCT REDUCED BY HAVING ASC DESC""".split())
_CLAUSE_END = frozenset(("WHERE", "FROM", "LIMIT", "OFFSET", "VALUES"))
_AFTER_DESCRIBE = frozenset(("WHERE", "FROM", "LIMIT", "OFFSET", "ORDER", "VALUES"))
_PNAMES = frozenset(("PNAME_LN", "PNAME_NS"))
_IRIS = frozenset(("IRIREF", "PNAME_LN", "PNAME_NS"))
# The tokens an operand in an expression ends with (a name: true, false).
_OPERAND_ENDS = _TERMS | _SIGNED | frozenset(("LANGTAG", ")", ")>>", "}", "NAME"))
# A triple's subject that is one token, and the tokens a verb (a path) comes after.
_SUBJECTS = _IRIS | frozenset(("VAR", "BLANK_NODE_LABEL", "ANON"))
_VERB_BEFORE = frozenset((";", "[", "{|", "/", "|", "^"))
_ENDS = frozenset(("}", "]", "|}", ".", ";"))  # after which a "." or ";" separates nothing
# How a word ends before the "(" of a GROUP BY or ORDER BY key (not a call's): ASC(?x).
_KEYS_BEFORE = ("ASC", "DESC", "BY")
# Keywords an undeclared prefix may begin with that start a group: "trueGRAPHex:g {" is
# "true GRAPH ex:g {" to the engine.
_PREFIX_GROUPS = ("GRAPH", "SERVICE")
_GRAPH_NAMED = ("GRAPH", "SERVICE", "SILENT")  # the words a graph's name follows


def tokens_within(text: str, bounds: Bounds) -> list[Token]:
    """Return the query's tokens, or raise Refused(400) naming the first bound it exceeds."""
    size = len(text)
    if size * 4 > bounds.max_bytes:  # UTF-8 needs at most 4 bytes a character
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > bounds.max_bytes:
            raise Refused(400, too_long("the query", size, bounds.max_bytes))
    tokens, limit = tokenize(text, bounds.max_tokens), bounds.max_tokens
    run = None if len(tokens) > limit else past(tokens, limit, PREFIX_IRIS)
    if len(tokens) > limit or run is not None:
        some = "" if run is None else (f" (the engine reads each keyword and number of "
                                       f"{clipped(run.text, show=repr)}, {where(text, run)}, as one)")
        raise Refused(400, Said(lambda n: (
            f"the query has more than {limit:,} tokens{some}; the limit is {limit:,}"
            f"{aside(n('settings.max_query_tokens'))}")))
    depth = elements = 0
    max_depth, max_elements = bounds.max_depth, bounds.max_elements
    # The open brackets, and where a VALUES block or a DESCRIBE list is being read: the
    # members of a collection and DESCRIBE's targets count as elements too (a collection
    # member is two triple patterns to the engine); VALUES rows do not (a million is fine).
    brackets: list[str] = []
    values = describe = False
    # The bracket level at which a SELECT, GROUP BY, ORDER BY or HAVING clause is being read
    # (-1: none): a "(" there holds an expression.  Each condition of the last three that is
    # an expression or a call (a bracket or "()" at that level) is one more node (a chain to
    # the engine: 2,630 "ORDER BY STR(?s) ..." crashed it); plain variables are a list, and
    # so are GROUP BY and ORDER BY keys that are a variable in brackets (``keys``).
    clause = -1
    conditions = keys = False
    # The clauses open outside the one being read (level, conditions, keys), innermost last: a
    # clause ends at its own level, not at a VALUES or a subquery in a condition's EXISTS
    # { }; where it did, the calls after it went uncounted (10,000 "NOW()" crashed the engine).
    outer: list[tuple[int, bool, bool]] = []
    # The level of the SELECT whose WHERE group is the next "{" there, the levels of the open
    # SELECTs' WHERE groups, and the level at which a (sub)query's solution modifiers may
    # follow the one just closed (-1: none; sparql.py reads them so).
    selecting = modifiers = -1
    wheres: list[int] = []
    kind = word = ""
    declared = set(PREFIX_IRIS)  # the prefixes the engine is given, and the query's own
    # Where a triple may begin (after "{", ".", "}" or a FILTER's or BIND's ")"), whether the
    # token before began one with a term (its subject, so a verb comes next), and whether it
    # was the IRI a FILTER calls: a "(" after the subject, ";", "[", "{|", "/", "|" or "^"
    # opens a path's group and one after "!" a negated property set, not a collection.
    start = subject = function = verb = False
    read = list(read_glued(tokens, _READ_WORDS))
    grouped = False  # whether a group has begun: the query's form is read by then
    for at, token in enumerate(read, 1):
        prev, kind = kind, token.kind
        word = word if prev == "NAME" else ""  # the word just before, upper-case, if one
        # An object (after "," or a one-token verb): a declared "graph:x {" is a name there.
        objected = prev == "," or verb and (prev in _SUBJECTS or word == "A")
        verb, subject = subject or prev in _VERB_BEFORE, start and kind in _SUBJECTS
        called, function = function, kind in _IRIS and word == "FILTER"
        start = kind == "{" or kind == "." or kind == "}"
        grouped = grouped or start
        if kind == "IRIREF" and depth + deepest(token.text) > max_depth:
            # Should the lexer's '<' ever differ from the engine's, an IRI's brackets would be
            # the engine's: they count while it lasts, never lowering the depth around it.
            _too_deep(text, token, max_depth)
        if kind in _PNAMES and token.text[0] != ":":
            # The engine reads an undeclared prefix as the keywords and terms it begins with
            # (guard.py): 9,350 "FILTER:()" crashed it.  Its dots and FILTERs count, but not
            # where none can be (an expression, a VALUES block, a PREFIX, a clause: ORDER BY
            # filter:f()), nor in a declared one where a triple's verb or object is, read
            # first there ("?s filters:p ?o" counted a FILTER; after ";" if an object follows).
            prefix = (name := token.text[:token.text.find(":")]).upper()
            named = objected or (at < len(read) and read[at].kind in _TERMS if prev == ";" else verb)
            if not values and brackets[-1:] != ["call"] and word != "PREFIX" \
                    and len(brackets) != clause and not (named and name in declared):
                elements += sum(separators_in(prefix))
            if glued(prefix, BY_GLUED) and (not brackets or len(brackets) in (clause, modifiers)
                                            or word in ("ORDER", "GROUP")):
                # ORDERBYex:f() is ORDER BY ex:f(), where a name cannot be: in a group a
                # declared by:p is a name, and the collection after it was read as a call's
                # arguments (5,000 members crashed the engine).
                clause, conditions, keys = _open(outer, clause, conditions, keys, len(brackets))
                conditions, keys = True, "HAVING" not in prefix
            if kind == "PNAME_NS" and word == "PREFIX":
                declared.add(token.text[:-1])
            elif name not in declared or (at < len(read) and read[at].kind == "{"
                                          and not word.endswith(_GRAPH_NAMED) and not objected):
                # A declared one before "{" is a keyword too, where the engine cannot read
                # a name: 97 "graphex:g { }" on one subject took 0.4 s, 194 took 7 s.
                elements += sum(map(prefix.count, _PREFIX_GROUPS))
            if name not in declared and glued(prefix, keywords.FILTER_GLUED):
                function = True  # FILTERex:f( is FILTER ex:f(: its arguments are a list
            if prefix.startswith("DESCRIBE") and not (brackets or grouped or word == "PREFIX"):
                # Where a query begins no name can be: "DESCRIBEex:a ex:b ..." is DESCRIBE
                # and its targets, declared or not (2,624 passed and crashed the engine); after
                # its first group a query begins no more (ORDER BY describex:f() is a call).
                describe = True
            if elements > max_elements:
                _too_many(text, token, max_elements)
        if kind == "NIL" and conditions and len(brackets) == clause:
            elements += 1  # NOW(), ex:f()
            if elements > max_elements:
                _too_many(text, token, max_elements)
            continue
        # A word in a collection is a term too ("true", "false"), or as many as the keywords
        # glued in it ("truefalse"), and so is a name whose prefix is not declared
        # ("truetrue:a" is three): counted as one, a word of 6,000 "true" crashed the engine.
        if kind in _TERMS or kind == "NAME" and brackets and brackets[-1] == "(":
            if describe and not brackets:
                if kind == "VAR":
                    continue  # a variable to describe is no node (65,536 ran)
                elements += 1
            elif brackets and brackets[-1] == "(" and not values:
                elements += 2 * (terms_in(token.text, declared)
                                 if kind == "NAME" or kind in _PNAMES else 1)
            else:
                continue
            if elements > max_elements:
                _too_many(text, token, max_elements)
            continue
        if kind == "AMBIGUOUS":
            refuse_ambiguous(text, token)
        if kind in OPEN:
            depth += 1
            # A "(" after a function's name or a keyword (FILTER, BIND, IN, STR, VALUES,
            # ...), inside another such, or in a SELECT, GROUP BY, ORDER BY or HAVING clause
            # holds an expression or a list of variables; where a verb is, a path's group;
            # after any other word, term or punctuation a collection.  Read as a call, the
            # members of "?s a (1 1 ...)" and "(true (1 1 ...))" went uncounted, and 5,000
            # of them crashed the engine (SIGSEGV).
            level = len(brackets)
            if conditions and level == clause:
                elements += not _named_or_a_key(read, at, keys and not (
                    prev in _IRIS or prev == "NAME" and not word.endswith(_KEYS_BEFORE)))
            if level and brackets[-1] == "(" and not values:
                # A member of a collection that is itself bracketed ([ ], << >>, <<( )>>,
                # ( )) is a member like any other: 5,000 "[ ?p ?o ]" crashed the engine.
                elements += 2
            if kind != "(":
                brackets.append(kind)
            elif (level == clause or not level or brackets[-1] == "call" or word in _CALLS
                  or called):
                brackets.append("call")  # FILTER ex:f(...) too: its arguments are a list
            elif values:
                brackets.append(kind)
            elif verb or brackets[-1] == "path":
                # A path's group: its IRIs are no collection's members (they counted two each);
                # the engine chains its | and / as it does outside brackets.
                brackets.append("path")
            else:
                # A negated property set: a list to the engine (a million IRIs ran), IRIs,
                # inverse IRIs and the | between them all, or else a collection.
                brackets.append("set" if prev == "!" else kind)
            if kind == "{" and level == selecting:
                wheres.append(level)  # SELECT's WHERE group, after WHERE or not
                selecting = -1
            if kind == "{" and level == clause:
                clause, conditions, keys = outer.pop() if outer else (-1, False, False)
            # A group, a blank node's property list ([ ... ]) and a reified triple (<< ... >>,
            # the pattern "?r rdf:reifies <<( ... )>>") each hold one more pattern, and an
            # annotation block ({| ... |}) two, its reifier's and its own: 4,097 "{| ?p ?o |}"
            # on one triple crashed the engine (SIGSEGV); 98 "[ ?p ?o ]" in an object list
            # took 12 s, as did 97 annotation blocks and 98 reified triples counted as one.
            elements += (kind == "{" or kind == "[" or kind == "<<") + 2 * (kind == "{|")
            if depth > max_depth:
                _too_deep(text, token, max_depth)
        elif kind in CLOSE:
            depth -= depth > 0
            if brackets:
                if brackets.pop() == "call" and kind == ")" and brackets[-1:] == ["{"]:
                    start = True  # after FILTER(...) or BIND(...) in a group
                while len(brackets) < clause:  # the subquery the clause is in is closed
                    clause, conditions, keys = outer.pop() if outer else (-1, False, False)
                while wheres and wheres[-1] >= len(brackets):
                    modifiers = wheres.pop()
                if modifiers > len(brackets):
                    modifiers = -1
                if values and kind == "}" and "{" not in brackets[values - 1:]:
                    values = False  # the VALUES block is closed
        elif kind in _ELEMENTS:
            if (kind == "," or kind == ";") and brackets and brackets[-1] == "call" or (
                    kind == "|" or kind == "^") and brackets and brackets[-1] == "set":
                # A function's arguments (IN and NOT IN lists, COALESCE, CONCAT) are a list
                # to the engine, not a chain: a million of them did not crash it
                # (docs/endpoint.md), and an analyst's IN list of 101 IRIs was refused.  So
                # is GROUP_CONCAT's "; SEPARATOR=...", no pattern separator nor equality.
                continue
            if kind == "=" and word == "SEPARATOR" or (kind == "." or kind == ";") and (
                    at < len(read) and read[at].kind in _ENDS):
                continue  # nor is a "." or ";" that separates nothing: "{ ?s ?p ?o . }"
            if kind == "*" and (prev == "(" or word.endswith(_STAR_AFTER)):
                continue  # COUNT(*), SELECT *: no operator (a million COUNT(*) in CONCAT ran)
            if kind in ("-", "+", "!") and prev in ("(", ",") and brackets[-1:] == ["call"]:
                continue  # a sign opening a list's member: 200,000 "-?o" in an IN list ran
            if kind in _SIGNED:
                # A signed number in a collection is a member, after an operand in an
                # expression an operator ("1 -1"), elsewhere a number: a VALUES row or an IN
                # list of 97 negative numbers was refused (a million ran).
                top = brackets[-1] if brackets else ""
                elements += 2 if top == "(" and not values else (
                    top == "call" and prev in _OPERAND_ENDS)
            else:
                elements += 1
        elif kind == "NAME":
            word = token.text.upper()
            if word in _ELEMENT_WORDS:
                # A GROUP BY key (?s AS ?k) is the variable renamed, no node: a million ran.
                elements += not (word == "AS" and keys and prev == "VAR" and at > 2
                                 and read[at - 3].kind == "(" and len(brackets) == clause + 1)
                if word == "VALUES":
                    values = len(brackets) + 1  # one more than the depth it starts at
            elif "FILTER" in word:
                elements += word.count("FILTER")  # glued after no keyword: xFILTER
            elif word == "DESCRIBE":
                describe = True
            elif describe and word in _AFTER_DESCRIBE:
                describe = False
            if "SELECT" in word or "BY" in word or "HAVING" in word:
                # Glued too, as the engine reads them: ORDERBY.
                clause, conditions, keys = _open(outer, clause, conditions, keys, len(brackets))
                conditions = "SELECT" not in word
                keys = "BY" in word
                if not conditions:
                    selecting = clause
            elif word in _CLAUSE_END and len(brackets) == clause:
                clause, conditions, keys = outer.pop() if outer else (-1, False, False)
        else:
            continue
        if elements > max_elements:
            _too_many(text, token, max_elements)
    refuse_unreadable(text, tokens)  # where the lexer read no further
    return tokens


def _open(outer: list[tuple[int, bool, bool]], clause: int, conditions: bool, keys: bool,
          level: int) -> tuple[int, bool, bool]:
    """Return the clause opened at ``level``, keeping the one being read in ``outer`` if it
    is open outside it (a SELECT in a condition's EXISTS { }) and dropping it if not."""
    if 0 <= clause < level:
        outer.append((clause, conditions, keys))
    while outer and outer[-1][0] >= level:
        outer.pop()
    return level, conditions, keys


def _named_or_a_key(read: list[Token], at: int, key: bool) -> bool:
    """Return whether the condition whose "(" is ``read[at - 1]`` builds no node of its own:
    an expression named with AS (GROUP BY (STR(?s) AS ?k): its AS counts it), or, where it
    may be a ``key``, a variable in brackets (ORDER BY ASC(?x), GROUP BY (?s): the engine
    sorts and groups on it as on a plain variable, and a million of them ran)."""
    depth, variables = 1, 0
    for i in range(at, len(read)):  # not read[at:], a copy of the rest for each condition
        token = read[i]
        kind = token.kind
        if kind in OPEN:
            depth += 1
        elif kind in CLOSE:
            depth -= 1
            if not depth:
                return key and variables == 1
        elif depth == 1 and kind == "NAME" and token.text.upper() == "AS":
            return True
        elif kind == "VAR":
            variables += 1
        else:
            key = False
    return False


def _too_deep(text: str, token: Token, limit: int):
    raise Refused(400, Said(lambda n: (
        f"the query nests brackets ({{ ( [ <<) more than {limit} deep ({where(text, token)}); "
        f"the limit is {limit}{aside(n('settings.max_query_depth'))}: the engine parses "
        "nesting recursively and a deeper query can crash it")))


def _too_many(text: str, token: Token, limit: int):
    at = where(text, token)
    raise Refused(400, Said(lambda n: (
        f"the query has more than {limit} triple patterns, group keywords (FILTER, OPTIONAL, "
        f"UNION, ...), operators, collection members and DESCRIBE targets ({at}); the limit "
        f"is {limit}{aside(n('settings.max_query_elements'))}: the engine reads each as one "
        "more level of recursion and a longer chain can crash it.  A long list of values is "
        "not counted as a VALUES block (VALUES ?x { ... }) or an IN list "
        "(FILTER(?x IN (...)))")))


