"""Virtuoso's silent cut of a graph answer: whether an answer of N triples is whole.

Virtuoso sends at most ``ResultSetMaxRows`` rows of an answer.  A SELECT cut so says it in a
header (``X-SPARQL-MaxRows``, which ``remote`` refuses); a CONSTRUCT or DESCRIBE cut so comes
as if whole, with one triple more than the limit (Virtuoso 7.2: 21 triples at a limit of 20,
whatever the template), and nothing in the answer tells it from a whole one.  So an answer of
N triples is taken as whole once the store has sent N + 1 triples to a query asking for that
many: a probe that reads no graph, its triples made from ``VALUES`` digits, ``LIMIT N + 1``.

What probes showed is kept for the store's lifetime: answers under the most triples a probe
got whole need no probe, and once a probe was cut, the most the store sends is known (a
Virtuoso restarted with another limit is met again only past what was kept).  An answer of
exactly that many triples is refused though it may be whole: nothing can tell.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

_DIGITS = " ".join(map(str, range(10)))


def probe(count: int) -> str:
    """Return a CONSTRUCT of exactly ``count`` distinct short triples, reading no graph."""
    places = len(str(count))  # 10 ** places > count
    values = " ".join(f"VALUES ?d{k} {{ {_DIGITS} }}" for k in range(places))
    number = " + ".join(f"{10 ** k} * ?d{k}" for k in range(places))
    return (f"CONSTRUCT {{ ?s <p:> <p:> }} WHERE {{ {values} "
            f"BIND (IRI(CONCAT(\"p:\", STR({number}))) AS ?s) }} LIMIT {count}")


class Rows:
    """What is known of how many triples a store sends of a graph answer."""

    def __init__(self):
        self.lock = threading.Lock()
        self.whole_below = 0     # an answer of fewer triples is whole: a probe got this many
        self.most: int | None = None  # the most triples the store sends, once a probe was cut

    def cut_at(self, count: int, send: Callable[[str], int]) -> int | None:
        """Return the most triples the store sends if an answer of ``count`` triples may have
        been cut at it, else None; ``send(query)`` runs a probe and returns its triples."""
        with self.lock:
            whole_below, most = self.whole_below, self.most
        if count < whole_below:
            return None
        if most is not None:
            return most if count >= most else None
        got = send(probe(count + 1))
        with self.lock:
            if got > count:
                self.whole_below = max(self.whole_below, got)
                return None
            self.most = got
        return got
