"""The requests that crashed the query engine by themselves, answered at once when sent again.

A request whose two engines each aborted while it was the only one they answered
(``calls.Call.alone_on_its_engine``) crashes the engine: pyoxigraph 0.5.13 aborts on an
ORDER BY it cannot order consistently.  Sent again, it stopped two more engines, and every
query running beside it was cut short and sent again each time (twice cut, answered 503).
So the last ``SIZE`` such requests are kept, by a digest of the build they ran on and what
the crash depends on (``_key``), and refused before they reach an engine; a new build forgets
them, as its data may order otherwise.

The crash is in the query's evaluation (the sort of its ORDER BY), before any answer is
written: the format asked for does not matter.  Kept with its formats and prefixes, the same
query asked as JSON, then as XML, then as CSV crashed two engines each time (six, where two
were its due); it is kept by its text and its dataset (the graphs, inferred or not) alone.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

from .calls import CRASH_CAUSE
from .wire import EngineError

SIZE = 256
# What a request says of how its answer is written, not of what is evaluated: left out of
# its key (``Crashers._key``).
WRITING = frozenset({"formats", "graph_form", "prefixes", "max_bytes"})


class Crashers:
    """A bounded set of requests that crashed the engine, by build."""

    def __init__(self) -> None:
        self.seen: OrderedDict[str, None] = OrderedDict()
        self.lock = threading.Lock()

    @staticmethod
    def _key(version, header: dict, body: bytes) -> str:
        # The build, the operation, the dataset and the query text (the body).
        evaluated = {name: value for name, value in header.items() if name not in WRITING}
        said = json.dumps([version, evaluated], sort_keys=True, default=str).encode()
        return hashlib.sha256(said + b"\0" + body).hexdigest()

    def note(self, alone: bool, version, header: dict, body: bytes) -> None:
        """Keep the request, when it crashed the engine ``alone``."""
        if not alone:
            return
        with self.lock:
            self.seen[self._key(version, header, body)] = None
            while len(self.seen) > SIZE:
                self.seen.popitem(last=False)

    def refuse(self, version, header: dict, body: bytes) -> None:
        """Raise the 500 a request kept is answered, unrun."""
        with self.lock:
            if self._key(version, header, body) not in self.seen:
                return
        raise EngineError(500, "this query crashed the query engine twice when it was sent "
                               "before, the only one it was answering, so it is not run "
                               f"again: a fault of the engine on this query ({CRASH_CAUSE})")
