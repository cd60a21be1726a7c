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
    kept.refuse("v1", HEADER, b"SELECT 2")


@pytest.mark.parametrize("other", [
    {"formats": ["csv"]}, {"formats": ["xml", "json"]}, {"prefixes": {"ag": "urn:ag#"}},
    {"graph_form": True, "max_bytes": 10}])
def test_a_crasher_asked_in_another_format_is_refused_too(other):
    # The crash is in the evaluation (the ORDER BY's sort), whatever the answer is written
    # as: asked as JSON, then XML, then CSV, it crashed two engines each time.
    kept = crashers.Crashers()
    kept.note(True, "v1", HEADER, b"SELECT 1")
    with pytest.raises(EngineError, match="not run again"):
        kept.refuse("v1", {**HEADER, **other}, b"SELECT 1")


@pytest.mark.parametrize("other", [
    {"dataset": {"inferred": True}}, {"dataset": {"inferred": False, "default": ["urn:g"]}},
    {"op": "query"}])
def test_a_crasher_over_another_dataset_is_not_refused(other):
    # What is evaluated differs (the graphs it reads, inferred facts or not): not refused.
    kept = crashers.Crashers()
    kept.note(True, "v1", HEADER, b"SELECT 1")
    kept.refuse("v1", {**HEADER, **other}, b"SELECT 1")


def test_only_the_latest_requests_are_kept():
    kept = crashers.Crashers()
    for n in range(crashers.SIZE + 1):
        kept.note(True, "v1", HEADER, str(n).encode())
    kept.refuse("v1", HEADER, b"0")  # the oldest, let go
    with pytest.raises(EngineError):
        kept.refuse("v1", HEADER, str(crashers.SIZE).encode())
    assert len(kept.seen) == crashers.SIZE
