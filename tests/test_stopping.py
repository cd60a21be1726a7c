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


def test_a_stopping_signal_after_the_first_is_noted_not_handled_again():
    # A Ctrl-C pressed twice raised twice: the second cut short waitress's wait for the
    # requests running to be answered (tests/test_dry_run.py, over HTTP).
    handled = []
    handler = lambda *_: handled.append(True)  # noqa: E731
    before = signal.signal(signal.SIGTERM, handler)
    try:
        with stopping.watched():
            for _ in range(3):
                os.kill(os.getpid(), signal.SIGTERM)
            assert handled == [True] and stopping.began()
        os.kill(os.getpid(), signal.SIGTERM)  # the engine closing, the server stopped
        assert handled == [True]
        with stopping.watched():  # never stopped: the handler is set back
            pass
        signal.signal(signal.SIGTERM, handler)
        with stopping.watched():
            pass
        assert signal.getsignal(signal.SIGTERM) is handler
    finally:
        signal.signal(signal.SIGTERM, before)


def test_a_stopping_signal_no_thread_has_taken_yet_counts():
    # The thread the kernel wakes for a Ctrl-C may not have run when a request's thread sees
    # its validating process ended (2 loaded CPUs): the client was told its process was
    # stopped alone.  Made so here by blocking the signal in every thread of this test.
    handled = []
    before = signal.signal(signal.SIGTERM, lambda *_: handled.append(True))
    was = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        with stopping.watched():
            os.kill(os.getpid(), signal.SIGTERM)
            seen = []
            looking = threading.Thread(target=lambda: seen.append(stopping.began()))
            looking.start()  # (it inherits the mask: the signal stays pending)
            looking.join()
            assert seen == [True]
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, was)  # the pending signal is taken here
        signal.signal(signal.SIGTERM, before)
