"""The time limit's watchdog thread."""

import threading
import time

from alliance_graph.web.watchdog import Watchdog


def test_watchdog_fires_after_the_limit_and_not_before():
    dog, fired = Watchdog(tick=0.01), threading.Event()
    with dog.guard(0.05, fired.set):
        pass
    time.sleep(0.1)
    assert not fired.is_set()
    with dog.guard(0.05, fired.set):
        assert fired.wait(1)
