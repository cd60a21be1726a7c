"""The engine in this process: for the tests' Flask client and ``serve --get``.

The same ``answer`` as the engine process, over a graph loaded here; there is no process to
kill, so a query past the time limit is answered 503 at the limit and left to run to its end
on a thread of its own (``waiting.at_once``), and memory is not bounded.  ``serve`` always
uses ``client.ProcessEngine``.
"""

from __future__ import annotations

import time

from ..query.answer import answer
from ..query.dataset import Dataset
from ..query.results import Format
from ..settings import Settings
from ..store import backends
from ..waiting import TimedOut, at_once
from .calls import its_own, late
from .wire import EngineError


class LocalEngine:
    """Answer queries over a graph held in this process."""

    def __init__(self, kg, settings: Settings):
        self.kg = kg
        self.settings = settings
        self.info = {"version": backends.dataset_version(settings, kg),
                     "sandbox": "in-process engine: not sandboxed"}

    def answer(self, text: str, dataset: Dataset, formats: list[Format],
               prefixes: dict | None, deadline: float | None = None,
               waited: float = 0.0) -> tuple[bytes, Format]:
        """Answer a protocol query in the first of ``formats`` that carries it, by
        ``deadline`` (``time.monotonic``) when its request's wait for its client's share,
        ``waited`` seconds, cut its limit; raise Refused."""
        limit = self.settings.query_timeout
        # With no wait cutting it, all of the limit (``client_share.Held``).
        within = max(0.0, deadline - time.monotonic()) if deadline and waited else limit
        # Waited for at most the limit: run here, Oxigraph kept the thread until the query
        # ended, so `serve --timeout 2 --get` on a cross product ran for as long as it took
        # (and Ctrl-C waited for it too), then said it was over 2 s.
        try:
            return at_once(lambda: answer(self.kg, text, dataset, formats,
                                          self.settings.max_result_bytes, prefixes),
                           within)
        except TimedOut:
            # Not "stopped", as the engine process says: nothing here can stop it.
            raise EngineError(503, late(limit, waited, "its answer was given up"),
                              again=not its_own(waited)) from None

    def close(self) -> None:
        """Nothing to stop: the graph lives as long as this process."""
