"""A bounded cache of finished query responses, in the HTTP front.

A build never changes while it is served (it is built before serving starts and nothing
writes to it), so a query evaluated over the same dataset and written in the same format
always gives the same bytes; when the engine moves to another build (a directory store
rebuilt meanwhile), the front starts a new cache (``Service.follow``), and entries are kept
under the build's version as well.  ``ResponseCache`` keeps such answers, least recently
used first out, within a byte budget (``Settings.response_cache_bytes``; 0 disables it).  The
key is taken *after* every check and negotiation step (see ``protocol.answer``): the query
text, the resolved default and named graphs, and the chosen format, so an entry can never be
served for another dataset, another ``inferred`` setting or another format.  The front holds
one cache for all its threads: a hit never reaches the engine process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

# Bytes an entry costs beyond its query text and body: the key and value tuples, the media
# type string, the dataset value and the dict slot (measured with tracemalloc on small answers;
# tests/test_response_cache.py holds the cache to its budget).
OVERHEAD = 600


class ResponseCache:
    """LRU of ``key -> (value, size)`` holding at most ``budget`` bytes in all.

    An answer bigger than an eighth of the budget is not kept: one huge result must not
    evict everything else, and it costs its serialization time anyway.
    """

    def __init__(self, budget: int):
        self.budget = max(0, int(budget))
        self.largest = self.budget // 8
        self.entries: OrderedDict = OrderedDict()
        self.size = 0
        self.hits = self.misses = 0
        # The front's HTTP threads share it.
        self.lock = threading.Lock()

    def get(self, key):
        """Return the value kept for ``key`` (marking it recently used), or None."""
        if not self.budget:
            return None
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self.entries.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key, value, size: int) -> None:
        """Keep ``value`` under ``key`` if it fits; evict the oldest to fit.

        ``size``: the bytes of the key's and value's data (query text and body); each entry's
        Python objects (tuples, headers, the dict slot) are counted on top as ``OVERHEAD``.
        """
        size += OVERHEAD
        if not self.budget or size > self.largest:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self.entries[key] = (value, size)
            self.size += size
            while self.size > self.budget:
                _, (_, dropped) = self.entries.popitem(last=False)
                self.size -= dropped

    def __len__(self) -> int:
        return len(self.entries)
