"""The front assembled (web/front.py): the settings it is given reach its parts."""

from __future__ import annotations

import pytest

import servers
from alliance_graph.engine.local import LocalEngine
from alliance_graph.web import server


@pytest.mark.parametrize("light, kept", [(None, 2.0), (0.5, 0.5), (0, None)])
def test_the_light_clients_threshold_given_reaches_the_front_s_threads(kg, settings, light,
                                                                       kept):
    # Regression: the front's dispatcher took Settings' defaults whatever the server was
    # given (serve --light-seconds), where the engine's slots took the server's value.
    given = settings.with_(port=0, light_seconds=light, use_half_life=60.0)
    front = server.create_server(given, LocalEngine(kg, given))
    try:
        waiting = front.task_dispatcher.waiting
        assert (waiting.light_seconds, waiting.half_life) == (kept, 60.0)
    finally:
        front.close()


@pytest.mark.parametrize("idle, kept", [(1.9, 2), (0.5, 1), (15.0, 15)])
def test_an_idle_timeout_is_never_kept_shorter_than_given(kg, settings, idle, kept):
    # waitress keeps whole seconds: --idle-timeout 1.9 closed an idle connection after 1 s,
    # and 0.5 at the first look.
    given = settings.with_(port=0, channel_timeout=idle)
    front = server.create_server(given, LocalEngine(kg, given))
    try:
        assert front.adj.channel_timeout == kept
    finally:
        front.close()


@pytest.mark.skipif(not servers.ipv6_loopback(), reason="this machine has no IPv6")
def test_port_0_on_several_addresses_is_one_port_for_all(kg, settings):
    # --host '*' --port 0 listened on IPv4 and IPv6 at two different ports, announced as two
    # endpoints where a client of either family expects the one.
    given = settings.with_(host="*", port=0)
    front = server.create_server(given, LocalEngine(kg, given))
    try:
        listening = server.addresses(front)
        assert len(listening) == 2 and len({port for _, port in listening}) == 1, listening
    finally:
        front.close()
