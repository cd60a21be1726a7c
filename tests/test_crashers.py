"""The requests kept as having crashed the engine: kept only when they did so alone, by build,
and no more than ``SIZE`` of them."""

import pytest

from alliance_graph.engine import crashers
from alliance_graph.engine.wire import EngineError

HEADER = {"op": "answer", "dataset": {"inferred": False}, "formats": ["json"]}


def test_a_request_that_crashed_the_engine_alone_is_refused_unrun_on_that_build_only():
    kept = crashers.Crashers()
    kept.refuse("v1", HEADER, b"SELECT 1")  # nothing kept: no refusal
    kept.note(False, "v1", HEADER, b"SELECT 1")  # beside others: not its doing
    kept.refuse("v1", HEADER, b"SELECT 1")
    kept.note(True, "v1", HEADER, b"SELECT 1")
    with pytest.raises(EngineError, match="not run again") as refused:
        kept.refuse("v1", HEADER, b"SELECT 1")
    assert refused.value.status == 500
    kept.refuse("v2", HEADER, b"SELECT 1")  # a new build may order its data otherwise
    kept.refuse("v1", {**HEADER, "formats": ["csv"]}, b"SELECT 1")
    kept.refuse("v1", HEADER, b"SELECT 2")


def test_only_the_latest_requests_are_kept():
    kept = crashers.Crashers()
    for n in range(crashers.SIZE + 1):
        kept.note(True, "v1", HEADER, str(n).encode())
    kept.refuse("v1", HEADER, b"0")  # the oldest, let go
    with pytest.raises(EngineError):
        kept.refuse("v1", HEADER, str(crashers.SIZE).encode())
    assert len(kept.seen) == crashers.SIZE
