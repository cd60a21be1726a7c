"""A call lent an engine connection: the blame said of it when its query is stopped late."""

from alliance_graph.engine.calls import Call, blame_late, late


def test_only_the_calls_past_their_deadline_are_blamed_each_with_its_own_limit():
    late, other, on_time = Call(0.0, 1.0, 2.5, 0), Call(0.0, 1.0, 30, 0), Call(0.0, 9.0, 4, 0)
    blame_late([late, other])
    assert late.blamed.startswith("the query ran longer than the 2.5 s limit")
    assert "30 s limit" in other.blamed and "add a LIMIT" in other.blamed
    assert on_time.blamed is None


def test_a_query_that_waited_past_its_limit_is_not_said_to_have_run_for_its_rest():
    # Granted a slot within the grace after its limit: "waited 4.1 s for a query slot, then
    # ran for the rest of the 4 s time limit" (there was none).
    said = late(4, 4.1, "was stopped")
    assert "waited 4.1 s for a query slot, past the 4 s time limit" in said
    assert "rest of the" not in said and "less busy" in said
    assert "then ran for the rest of the 4 s time limit" in late(4, 3.0, "was stopped")
