"""The engine in this process: for the tests' Flask client and ``serve --get``.

The same ``answer`` as the engine process, over a graph loaded here; there is no process to
kill, so a query past the time limit runs to its end and is then refused (503), and memory is
not bounded.  ``serve`` always uses ``client.ProcessEngine``.
"""

from __future__ import annotations

import time

from ..query.answer import answer
from ..query.dataset import Dataset
from ..query.results import Format
from ..settings import Settings
from ..store import backends
from .wire import EngineError


class LocalEngine:
    """Answer queries over a graph held in this process."""

    def __init__(self, kg, settings: Settings):
        self.kg = kg
        self.settings = settings
        self.info = {"version": backends.dataset_version(settings, kg),
                     "sandbox": "in-process engine: not sandboxed"}

    def answer(self, text: str, dataset: Dataset, formats: list[Format],
               prefixes: dict | None) -> tuple[bytes, Format]:
        """Answer a protocol query in the first of ``formats`` that carries it; raise
        Refused."""
        limit = self.settings.query_timeout
        started = time.monotonic()
        out = answer(self.kg, text, dataset, formats, self.settings.max_result_bytes, prefixes)
        if time.monotonic() - started > limit:
            raise EngineError(503, f"the query ran longer than the {limit:g} s limit and was "
                                   "stopped; narrow it or add a LIMIT")
        return out

    def close(self) -> None:
        """Nothing to stop: the graph lives as long as this process."""
