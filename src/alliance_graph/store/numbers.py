"""Read a number the project's own queries asked a store for (a count) as one."""

from __future__ import annotations

import re

from ..clipping import clipped
from .errors import StoreError

# A count as a SPARQL engine writes one: ASCII digits, a sign at most.  Python's int() reads
# more ("1_000", " 12 ", Arabic-Indic digits), none of which a store writes for a count.
_WHOLE = re.compile(r"[+-]?[0-9]+", re.ASCII)


def count(term, none: int = 0) -> int:
    """Return ``term``, bound by one of the project's own queries to a count, as an int (no
    term: ``none``).  A store answering something else ("lots", 1.5, an IRI) misbehaves:
    StoreError, said in one line, where int() was a traceback under a page or a command.  A
    user's own query is answered as the store wrote it (store/remote_answers.py reads no
    number); only the project's readers of its counts need one."""
    if term is None:
        return none
    value = getattr(term, "value", None)
    if isinstance(value, str) and _WHOLE.fullmatch(value):
        try:
            return int(value)
        except ValueError:  # past Python's 4,300 digits: no count is that long either
            pass
    # 80 characters: the message stays one line of a terminal whatever the store sent.
    raise StoreError(f"the store answered {clipped(str(term), 80)} where a count was asked for: no whole number")
