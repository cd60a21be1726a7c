"""A call lent an engine connection: the blame said of it when its query is stopped late."""

from alliance_graph.engine.calls import Call, blame_late


def test_only_the_calls_past_their_deadline_are_blamed_each_with_its_own_limit():
    late, other, on_time = Call(0.0, 1.0, 2.5, 0), Call(0.0, 1.0, 30, 0), Call(0.0, 9.0, 4, 0)
    blame_late([late, other])
    assert late.blamed.startswith("the query ran longer than the 2.5 s limit")
    assert "30 s limit" in other.blamed and "add a LIMIT" in other.blamed
    assert on_time.blamed is None
