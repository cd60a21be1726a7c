"""What Virtuoso's failures say, read by their SQL state: an answer it gives only in part, and
an error of the query's own making told from one of the store's.

Virtuoso answers a query it stops at an error with HTTP 500 and a message that opens with an
SQL state, ``Virtuoso 22012 Error SR084: Division by 0.``, whatever made it: so a division by
zero, which SPARQL leaves unbound and Oxigraph answers, was "the store failed" (exit 2, a
502), as a store that is down is.  Its state says whose the error is.
"""

from __future__ import annotations

import re

from .errors import StoreError
from .remote_messages import first_line

_STATE = re.compile(r"^Virtuoso (\w{5}) Error\b")
# Of the query's making: a data exception in an expression (class 22: a division by zero, a
# cast of a malformed value, an invalid regular expression, a function given the wrong
# type), a query its SPARQL compiler cannot compile (37000), a name the query calls that the
# store does not hold (class 42, S0: a procedure, a column of its SQL).
_THE_QUERYS = ("22", "37", "42", "S0")
# The store's, in those classes: its sorting limit (MaxSortedTopRows), and 42000, the state
# of its permissions (SR186) and other refusals of how it is set up.
_THE_STORES = re.compile(r"^Virtuoso (42000 Error|22023 Error SR353:)")
_HINTS = (
    ("22", "rdf_strlang_impl needs a valid language ID",
     " (Virtuoso 7.2's STRLANG makes a tag of a language of two letters, with a region of two "
     "or not (en, en-US), or a private one (x-...), and no other (zh-Hant, es-419, "
     "en-Latn-US): write the literal with its tag (\"...\"@zh-Hant), or use another store; "
     "and it stops the whole query at an empty or unbound tag (LANG of a plain string), "
     "where SPARQL leaves STRLANG unbound: test it first, IF(LANG(?l) != \"\", ...); "
     "docs/remote-stores.md)"),
    ("22", "", " (Virtuoso stops the whole query at an error in an expression, where SPARQL "
               "leaves the expression unbound: docs/remote-stores.md gives a portable form)"),
    ("37", "transitive start not given", " (Virtuoso needs one end of a + or * path bound "
                                         "before it: docs/remote-stores.md)"),
    ("37", "Built-in function is not implemented", " (Virtuoso 7.2 has no BNODE() in an "
                                                   "expression: make blank nodes in a "
                                                   "CONSTRUCT template, docs/remote-stores.md)"),
)


def of_the_query(message: str) -> str | None:
    """Return what to add to a store's error ``message`` (its first line) when the error is of
    the query's own making, by Virtuoso's SQL state (a hint, or ""); None when it is the
    store's, or no state says."""
    state = _STATE.match(message)
    if state is None or _THE_STORES.match(message) or not state[1].startswith(_THE_QUERYS):
        return None
    return next((hint for cls, said, hint in _HINTS
                 if state[1].startswith(cls) and said in message), "")


def refuse_partial(url: str, headers) -> None:
    """Raise StoreError for an answer the store says is not whole: Virtuoso answers a query
    that hit its time or row limit with HTTP 200 and what it had so far, saying so only in
    headers."""
    state = headers.get("X-SQL-State")
    if state:
        raise StoreError(f"{url} returned a partial answer ({state}: "
                         f"{first_line(headers.get('X-SQL-Message', ''))})")
    if headers.get("X-SPARQL-MaxRows"):
        raise StoreError(f"{url} cut the answer at {headers['X-SPARQL-MaxRows']} rows; raise "
                         "its result row limit (Virtuoso: ResultSetMaxRows in [SPARQL])")
