"""A call lent an engine connection: the blame said of it when its query is stopped late."""

from alliance_graph.engine.calls import Call, Waited, blame_late, its_own, late, no_connection


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


def test_a_query_that_waited_for_its_client_s_own_queries_is_told_so_not_a_slot():
    # It said "waited 3.0 s for a query slot ... try again when the server is less busy" when
    # its client's own queries held it (the wait a 429 ends), not the engine's slots.
    own = late(4, Waited(3.0, own=3.0), "was stopped")
    assert "waited 3.0 s for this client's other queries to end" in own
    assert "for a query slot" not in own and "less busy" not in own
    assert "try again when this client's other queries have ended" in own
    both = late(4, Waited(3.0, own=1.2), "was stopped")
    assert "waited 3.0 s (1.2 s for this client's other queries to end, then 1.8 s for a " \
        "query slot)" in both
    assert "waited 3.0 s for a query slot" in late(4, Waited(3.0), "was stopped")


def test_a_request_s_own_reads_stopped_at_its_end_are_not_told_to_narrow_a_query():
    # A page, a dump or a Graph Store read stopped at its end time was told "narrow it or add
    # a LIMIT", words for a query its client wrote; a page's client wrote none.
    for waited in (Waited(reads=True), Waited(3.0, reads=True), Waited(4.1, reads=True),
                   Waited(3.0, own=3.0, reads=True)):
        said = late(4, waited, "was stopped")
        assert "narrow" not in said and "LIMIT" not in said, said
        assert said.startswith("this request") and "reads of the graph" in said, said
        assert "not a query the client wrote" in said and "the one running was stopped" in said
    assert "--timeout" in late(4, Waited(reads=True), "was stopped")
    assert "waited 3.0 s for a query slot, then its reads of the graph" in \
        late(4, Waited(3.0, reads=True), "was stopped")
    assert "past the 4 s time limit" in late(4, Waited(4.1, reads=True), "was stopped")
    call = Call(0.0, 1.0, 4, 0, None, Waited(0.0, reads=True))  # as client.py makes one
    blame_late([call])
    assert call.blamed.startswith("this request's reads of the graph")


def test_a_query_that_waited_for_a_front_thread_is_told_so():
    # Its limit counts from when it came to the front (``client_share.request_came``): the
    # wait for a thread is said apart from the one for a slot.
    said = late(4, Waited(5.0, front=4.0), "was stopped")
    assert "waited 5.0 s (4.0 s for a free thread of the server's front, then 1.0 s for a " \
        "query slot), past the 4 s time limit" in said and "less busy" in said
    assert "waited 3.0 s for a free thread of the server's front, then ran" in \
        late(4, Waited(3.0, front=3.0), "was stopped")


def test_a_call_that_waited_for_a_restart_is_told_so_not_that_the_slots_were_busy():
    assert no_connection(4, None).startswith("all 4 query slots stayed busy")
    said = no_connection(4, "time")
    assert said.startswith("the query engine was being started again (another query was "
                           "stopped at its time limit") and "busy" not in said


def test_a_call_sent_again_after_its_engine_was_stopped_is_told_so_not_to_narrow_it():
    # Its first engine killed for another query, it ran the rest of its limit in the next:
    # it was told "the query ran longer than the 4 s limit ...; narrow it or add a LIMIT".
    first = Call(10.0, 14.0, 4, 0)
    Call.cut_short([first], 0, "time")
    Call.cut_short([first], 0, "crash")  # the first reason noted stays
    again = Call(12.1, 14.0, 4, 1, resent=first.resent_after(12.0))
    blame_late([again])
    assert again.blamed.startswith("the query ran 2.0 s until the engine answering it was "
                                   "stopped (another query was stopped at its time limit")
    assert "sent again to a new engine" in again.blamed and "narrow" not in again.blamed
    waited = late(4, Waited(1.0), "was stopped", ("memory", 1.5))
    assert waited.startswith("the query waited 1.0 s for a query slot, then ran 1.5 s until")
    assert "past the memory limit" in waited
    # An engine retired for a newer build is stopped without a kill: no reason noted.
    assert Call(0.0, 4.0, 4, 0).resent_after(1.0) == ("replaced", 1.0)
    assert late(4, Waited(reads=True), "was stopped", ("replaced", 1.0)).startswith(
        "this request's read of the graph (the server's own reading")


def test_a_call_to_be_sent_again_that_waited_for_a_restart_is_told_it_ran_first():
    said = no_connection(4, "time", ("time", 1.94))
    assert said.startswith("the engine answering this request was stopped after it had run "
                           "1.9 s there (another query was stopped at its time limit")
    assert "nothing was sent" not in said and "not sent again" in said


def test_the_longest_running_query_stopped_for_memory_beside_others_is_told_it_may_not_be_it():
    from alliance_graph.engine.calls import over_memory
    assert over_memory(200 << 20, 1) == ("the query needed more memory than the 200 MiB limit "
                                         "and was stopped; narrow it or add a LIMIT")
    said = over_memory(200 << 20, 3)
    assert said.startswith("the engine grew past the 200 MiB memory limit while this query and "
                           "2 others ran, and this one, running the longest")
    assert "needed more memory" not in said and "if it needs little memory, try again" in said
    assert "this query and another ran" in over_memory(1 << 30, 2)
    # A request's own reads (a page, a download) are no query its client could narrow.
    reads = over_memory(200 << 20, 2, reads=True)
    assert "while this request's reads of the graph (the server's own reading" in reads
    assert "narrow it" not in reads and "a larger limit (--query-memory)" in reads
    assert "if they need little memory, try again" in reads


def test_a_query_is_its_own_fault_alone_when_it_had_its_whole_limit():
    # Told "narrow it or add a LIMIT" alone: its 503 says no when to come back (retry_after).
    assert its_own(0.0)
    assert not its_own(2.0)  # waited for a slot: it may pass when the server is less busy
    assert not its_own(0.0, ("time", 1.0))  # an engine stopped under it for another's limit
    assert not its_own(Waited(reads=True))  # a page's reads: no query of the client's
