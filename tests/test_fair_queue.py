"""The order in which waiters for a shared resource are served (web/fair_queue.py): a client
holding none first, then the one waiting least, the one served longest ago, the first come."""

from alliance_graph.web.fair_queue import FairQueue


def served_in_turn(queue: FairQueue, may=None) -> list:
    """Serve every waiter, one after another, each given back at once; return their items."""
    order = []
    while (waiter := queue.first(may)) is not None:
        queue.grant(waiter)
        order.append(waiter.item)
        queue.release(waiter.client)
    return order


def test_a_client_holding_none_goes_before_clients_that_hold_some_though_it_came_last():
    queue = FairQueue()
    for client in ("flood-a", "flood-b"):
        for _ in range(2):
            queue.grant(queue.join(client))  # each holds two already
        queue.join(client, f"{client} 3")
    queue.join("honest", "honest")
    assert queue.first().item == "honest"
    assert queue.held == {"flood-a": 2, "flood-b": 2} and queue.in_use == 4


def test_among_clients_holding_as_many_the_one_waiting_least_goes_first():
    # Eight clients queued two requests each, then a newcomer one: it is not served ninth.
    queue = FairQueue()
    for n in range(2):
        for k in range(8):
            queue.join(f"flood-{k}", f"flood-{k} {n}")
    queue.join("honest", "honest")
    assert served_in_turn(queue)[0] == "honest"


def test_then_the_client_served_longest_ago_goes_first():
    queue = FairQueue()
    for client in ("b", "a"):
        queue.grant(queue.join(client))  # b was served, then a
    queue.join("a", "a 2")
    queue.join("b", "b 2")
    for client in ("a", "b"):
        queue.release(client)
    # Alike in what they hold and wait for: b, served longest ago, though a's waiter came first.
    assert served_in_turn(queue) == ["b 2", "a 2"]


def test_a_client_s_own_waiters_go_in_the_order_they_came():
    queue = FairQueue()
    for n in range(3):
        queue.join("a", f"a {n}")
    assert served_in_turn(queue) == ["a 0", "a 1", "a 2"]


def test_a_waiter_may_be_passed_over_and_a_waiter_that_gives_up_leaves():
    queue = FairQueue()
    first = queue.join("a", "a 1")
    queue.join("b", "b 1")
    assert queue.first(lambda client: client != "a").item == "b 1"
    queue.leave(first)
    assert served_in_turn(queue) == ["b 1"] and queue.first() is None


def test_a_client_holding_and_waiting_for_nothing_is_forgotten():
    # The queue stays as small as the clients it serves now, however many came and went.
    queue = FairQueue()
    for k in range(1000):
        waiter = queue.join(f"client-{k}")
        queue.grant(waiter)
        queue.release(waiter.client)
    queue.leave(queue.join("gone"))
    assert not queue.held and not queue.waiting and not queue.served and queue.in_use == 0
    assert len(queue) == 0


def test_what_a_client_asks_elsewhere_ranks_it_after_what_it_holds():
    # For the engine's queue: flood clients with more requests waiting for a front thread
    # (out of this queue's sight) go after a client asking one thing, though they came first.
    queue = FairQueue()
    for k in range(8):
        queue.join(f"flood-{k}", f"flood-{k}")
    queue.join("honest", "honest")
    asks = {f"flood-{k}": 3 for k in range(8)} | {"honest": 1}
    assert queue.first(asks=asks.get).item == "honest"
    queue.grant(queue.first(asks=asks.get))
    queue.join("honest", "honest again")  # now holding one: the others go first
    assert queue.first(asks=asks.get).item == "flood-0"
