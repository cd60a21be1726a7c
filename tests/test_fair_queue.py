"""The order in which waiters for a shared resource are served (web/fair_queue.py): a client
holding none first, then the one waiting least, the one served longest ago, the first come."""

import pytest

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


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def used(queue: FairQueue, clock: Clock, client: str, seconds: float) -> None:
    """Have ``client`` hold a unit for ``seconds`` of ``clock``, then give it back."""
    waiter = queue.join(client)
    queue.grant(waiter)
    clock.now += seconds
    queue.release(client, waiter.granted)


def test_a_client_that_used_the_resource_of_late_goes_after_a_light_one_holding_as_many():
    # Each flooding client asked one slow query at a time: holding none and asking one, as
    # the honest newcomer did, and come first, they went first.  Now their recent use ranks
    # them after a light client, and the heavy among themselves by how much they used.
    clock = Clock()
    queue = FairQueue(light=1.0, half_life=100.0, clock=clock)
    used(queue, clock, "flood-a", 4.0)
    used(queue, clock, "flood-b", 3.0)
    assert not queue.light("flood-a") and queue.light("honest")
    for client in ("flood-a", "flood-b", "honest"):
        queue.join(client, client)
    assert served_in_turn(queue) == ["honest", "flood-b", "flood-a"]


def test_what_a_client_holds_still_ranks_it_before_its_recent_use():
    clock = Clock()
    queue = FairQueue(light=1.0, half_life=100.0, clock=clock)
    used(queue, clock, "heavy", 5.0)
    queue.grant(queue.join("light"))
    queue.join("light", "light 2")
    queue.join("heavy", "heavy")
    assert queue.first().item == "heavy"


def test_recent_use_halves_every_half_life_until_the_client_is_light_again():
    clock = Clock()
    queue = FairQueue(light=1.0, half_life=10.0, clock=clock)
    used(queue, clock, "a", 4.0)
    assert queue.use("a") == 4.0 and queue.light_in("a") == 20.0
    clock.now += 10.0
    assert queue.use("a") == 2.0 and not queue.light("a") and queue.light_in("a") == 10.0
    used(queue, clock, "a", 1.0)  # a second's more use, on top of what is left by its end
    assert queue.use("a") == pytest.approx(2 * 0.5 ** 0.1 + 1)
    clock.now += 20.0
    assert queue.use("a") == pytest.approx((2 * 0.5 ** 0.1 + 1) / 4) and queue.light("a")
    assert queue.light_in("a") == 0.0
    assert queue.heaviness("a") == 0.0  # light clients rank alike, whatever they used


def test_a_waiter_given_back_without_when_it_was_granted_counts_no_use():
    clock = Clock()
    queue = FairQueue(light=1.0, clock=clock)
    waiter = queue.join("a")
    queue.grant(waiter)
    clock.now += 5.0
    queue.release("a")
    assert not queue.used and queue.light("a")


def test_without_light_no_use_is_counted_and_every_client_is_light():
    clock = Clock()
    queue = FairQueue(clock=clock)
    used(queue, clock, "a", 100.0)
    assert not queue.used and queue.light("a") and queue.light_in("a") == 0.0


def test_the_use_kept_is_bounded_by_the_units_not_by_the_clients_seen():
    # Clients from ever new addresses, each using a unit a moment: their use is dropped once
    # the table doubles, and a heavy client's once it has decayed to a quarter of light.
    clock = Clock()
    queue = FairQueue(light=1.0, half_life=10.0, clock=clock)
    for k in range(100_000):
        used(queue, clock, f"client-{k}", 0.001)
    assert len(queue.used) <= 2048
    heavy = [queue.join(f"heavy-{k}") for k in range(5000)]
    for waiter in heavy:  # 5000 units held at once for 2 s
        queue.grant(waiter)
    clock.now += 2.0
    for waiter in heavy:
        queue.release(waiter.client, waiter.granted)
    assert all(not queue.light(f"heavy-{k}") for k in range(5000))  # none forgotten yet
    clock.now += 40.0  # four half-lives: 2 s is now an eighth of a second
    for k in range(20_000):
        used(queue, clock, f"later-{k}", 0.001)
    assert not any(client.startswith("heavy-") for client in queue.used)
    assert len(queue.used) <= 2 * 5000 + 2048


def test_the_crashes_under_a_client_s_queries_refuse_it_until_halved_below_the_limit():
    # Two crashers of different texts (two engines each) from one address: refused until
    # the four are halved below three (half_life * log2(4/3)), then not; shares of crashes
    # beside other queries add up, and another client is charged nothing.
    clock = Clock()
    queue = FairQueue(half_life=100.0, clock=clock)
    queue.charge("crasher", 2.0)
    assert queue.crashed_in("crasher") == (2.0, 0.0)
    queue.charge("crasher", 1.5)
    queue.charge("crasher", 0.5)
    crashes, left = queue.crashed_in("crasher")
    assert crashes == 4.0 and left == pytest.approx(41.5, abs=0.1)
    clock.now += 41.0
    assert queue.crashed_in("crasher")[1] > 0
    clock.now += 1.0
    assert queue.crashed_in("crasher")[1] == 0.0
    assert queue.crashed_in("honest") == (0.0, 0.0)


def test_the_clients_refused_for_crashes_are_counted_while_they_are_refused():
    # What /status says of them (``crashers``): it counted no refused client.
    clock = Clock()
    queue = FairQueue(half_life=100.0, clock=clock)
    assert queue.crashers() == 0
    queue.charge("crasher", 4.0)
    queue.charge("another", 3.0)
    queue.charge("below", 2.9)
    assert queue.crashers() == 2
    clock.now += 1.0  # "another" halving below three
    assert queue.crashers() == 1
    clock.now += 41.0
    assert queue.crashers() == 0
