"""Whether the server has begun to stop (``web/stopping.py``), in this process: a real signal
sent to it, read from another thread.  The server
over HTTP: tests/test_dry_run.py (a Ctrl-C to its group; a signal to its validating process
alone)."""

from __future__ import annotations

import os
import signal
import threading

from alliance_graph.web import stopping


def test_a_stopping_signal_is_known_in_another_thread():
    handled = []
    before = signal.signal(signal.SIGTERM, lambda *_: handled.append(True))
    try:
        with stopping.watched():
            assert not stopping.began()
            seen = []
            # Read in another thread (a request's), as the server's main thread serves.
            os.kill(os.getpid(), signal.SIGTERM)
            looking = threading.Thread(target=lambda: seen.append(stopping.began()))
            looking.start()
            looking.join()
            assert seen == [True]
        assert stopping.began()  # read still once the server has left the block
    finally:
        signal.signal(signal.SIGTERM, before)


def test_a_signal_that_does_not_stop_the_server_is_no_stop():
    before = signal.signal(signal.SIGUSR1, lambda *_: None)
    try:
        with stopping.watched():
            os.kill(os.getpid(), signal.SIGUSR1)
            assert not stopping.began()
    finally:
        signal.signal(signal.SIGUSR1, before)
