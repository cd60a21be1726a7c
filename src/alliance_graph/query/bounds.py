"""Bound a query's text before the engine reads it: bytes, tokens, nesting depth, elements.

pyoxigraph 0.5 parses and plans recursively and ends the process (SIGSEGV, a stack overflow) on
a few kilobytes of deeply nested or long-chained query, so these bounds are checked on the
tokens first, far below the sizes that crash it (docs/endpoint.md has the thresholds).
``tokens_within`` is the check; the server's guard runs it first, and so does the library and
CLI path (``results.run``), which refuses nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..settings import Settings
from ..sparql import CLOSE, OPEN, Token, tokenize, where
from .refused import Refused


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

# Tokens that each add a node to the engine's algebra without adding a bracket: triple
# pattern separators, groups, group keywords, expression and path operators.
_ELEMENTS = frozenset((".", ";", ",", "{", "{|", "|", "/", "^", "&&", "||", "!", "=", "!=",
                       "<", ">", "<=", ">=", "+", "-", "*", "?", "~", "INTEGER_POSITIVE",
                       "INTEGER_NEGATIVE", "DECIMAL_POSITIVE", "DECIMAL_NEGATIVE",
                       "DOUBLE_POSITIVE", "DOUBLE_NEGATIVE"))
_ELEMENT_WORDS = frozenset(("FILTER", "OPTIONAL", "MINUS", "UNION", "BIND", "SERVICE",
                            "GRAPH", "VALUES", "EXISTS", "LATERAL", "SELECT", "IN",
                            "AS"))  # AS: each (expression AS ?v) is one more node too
_TERMS = frozenset(("VAR", "IRIREF", "PNAME_LN", "PNAME_NS", "BLANK_NODE_LABEL", "ANON", "NIL",
                    "STRING_LITERAL1", "STRING_LITERAL2", "STRING_LITERAL_LONG1",
                    "STRING_LITERAL_LONG2", "INTEGER", "DECIMAL", "DOUBLE"))
_AFTER_DESCRIBE = frozenset(("WHERE", "FROM", "LIMIT", "OFFSET", "ORDER", "VALUES"))
_BRACKETS = re.compile(r"[()\[\]]")


def tokens_within(text: str, bounds: Bounds) -> list[Token]:
    """Return the query's tokens, or raise Refused(400) naming the first bound it exceeds."""
    size = len(text)
    if size * 4 > bounds.max_bytes:  # UTF-8 needs at most 4 bytes a character
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > bounds.max_bytes:
            raise Refused(400, f"the query is {size:,} bytes long; the limit is "
                               f"{bounds.max_bytes:,} (Settings.max_query_bytes)")
    tokens = tokenize(text, bounds.max_tokens)
    if len(tokens) > bounds.max_tokens:
        raise Refused(400, f"the query has more than {bounds.max_tokens:,} tokens; the limit "
                           f"is {bounds.max_tokens:,} (Settings.max_query_tokens)")
    depth = elements = 0
    max_depth, max_elements = bounds.max_depth, bounds.max_elements
    # The open brackets, and where a VALUES block or a DESCRIBE list is being read: the
    # members of a collection and DESCRIBE's targets count as elements too (a collection
    # member is two triple patterns to the engine); VALUES rows do not (a million is fine).
    brackets: list[str] = []
    values = describe = False
    kind = last = ""
    for token in tokens:
        prev = "a" if kind == "NAME" and last == "a" else kind  # the verb a, not a word
        kind, last = token.kind, token.text
        if kind == "IRIREF" and _BRACKETS.search(token.text):
            # Should the lexer's reading of '<' as an IRI ever differ from the engine's, the
            # brackets in it would be the engine's: they count (an IRI seldom has any).
            for char in token.text:
                depth += char in "(["
                depth -= char in ")]" and depth > 0
                if depth > max_depth:
                    _too_deep(text, token, max_depth)
        if kind in _TERMS:
            if describe and not brackets:
                elements += 1
            elif brackets and brackets[-1] == "(" and not values:
                elements += 2
            else:
                continue
            if elements > max_elements:
                _too_many(text, token, max_elements)
            continue
        if kind == "AMBIGUOUS":
            raise Refused(400, f"{token.text} ({where(text, token)}) reads both as '<' and as "
                               "an IRI, and the two readings differ in what follows; put a "
                               "space after '<' when it means less-than")
        if kind in OPEN:
            depth += 1
            # A "(" after a word (FILTER, BIND, IN, STR, VALUES, ...) holds an expression or
            # a list of variables; after a term or punctuation it is a collection (or a path),
            # and after the verb a (rdf:type) too: "?s a (1 1 1 ...)" was read as a call, its
            # members not counted, and 5,000 of them crashed the engine (SIGSEGV).
            brackets.append("call" if kind == "(" and prev == "NAME" else kind)
            elements += kind == "{"
            if depth > max_depth:
                _too_deep(text, token, max_depth)
        elif kind in CLOSE:
            depth -= depth > 0
            if brackets:
                brackets.pop()
                if values and kind == "}" and "{" not in brackets[values - 1:]:
                    values = False  # the VALUES block is closed
        elif kind in _ELEMENTS:
            if kind == "," and brackets and brackets[-1] == "call":
                # A function's arguments (IN and NOT IN lists, COALESCE, CONCAT) are a list
                # to the engine, not a chain: a million of them did not crash it
                # (docs/endpoint.md), and an analyst's IN list of 101 IRIs was refused.
                continue
            elements += 1
        elif kind == "NAME":
            word = token.text.upper()
            if word in _ELEMENT_WORDS:
                elements += 1
                if word == "VALUES":
                    values = len(brackets) + 1  # one more than the depth it starts at
            elif word == "DESCRIBE":
                describe = True
            elif describe and word in _AFTER_DESCRIBE:
                describe = False
        else:
            continue
        if elements > max_elements:
            _too_many(text, token, max_elements)
    return tokens


def _too_deep(text: str, token: Token, limit: int):
    raise Refused(400, f"the query nests brackets ({{ ( [ <<) more than {limit} deep "
                       f"({where(text, token)}); the limit is {limit} "
                       "(Settings.max_query_depth): the engine parses nesting recursively "
                       "and a deeper query can crash it")


def _too_many(text: str, token: Token, limit: int):
    raise Refused(400, f"the query has more than {limit} triple patterns, group keywords "
                       "(FILTER, OPTIONAL, UNION, ...), operators, collection members and "
                       f"DESCRIBE targets ({where(text, token)}); the limit is {limit} "
                       "(Settings.max_query_elements): the engine reads each as one more "
                       "level of recursion and a longer chain can crash it.  A long list of "
                       "values is not counted as a VALUES block (VALUES ?x { ... }) or an IN "
                       "list (FILTER(?x IN (...)))")


