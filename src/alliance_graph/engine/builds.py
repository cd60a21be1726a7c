"""How the engine supervisor (``client.ProcessEngine``) follows the store to a newer build.

Every ``follow_poll`` seconds a thread looks for a newer build in the store (``load`` made
one): an engine is started on it and takes over, and the one it replaces finishes the queries
it is answering, each within its time limit, then stops.  One engine retires at a time: a
build made meanwhile stops it, its queries sent once to the newest.  Kept apart from the
supervisor's limits and restarts, which it shares its lock, engines and counters with.
"""

from __future__ import annotations

import sys
import threading
import time

from ..store import backends
from ..store.errors import StoreError
from .calls import blame_late
from .instance import Instance


class FollowsBuilds:
    """The part of ``client.ProcessEngine`` that goes on to the store's newer builds."""

    def _look_for_builds(self) -> None:
        # Its own thread, not the watcher's: a slow remote store must not hold up the limits.
        while not self.closed:
            time.sleep(self.settings.follow_poll)
            try:
                latest = backends.latest_build(self.settings)
            except (OSError, StoreError):
                continue  # the store unreadable for now: looked at again next time
            with self.lock:
                if latest in (None, self.info["version"], self.unopened) or self.following \
                        or self.restarting or self.closed:
                    continue
                self.following = True
            threading.Thread(target=self._follow, args=(latest,), name="engine-follow",
                             daemon=True).start()

    def _follow(self, latest: str) -> None:
        """Start an engine on the store's newer build and make it the one answering; the
        engine it replaces (and the standby, of the old build) are stopped once done."""
        try:
            try:
                instance = self._spawn()
            except StoreError as exc:
                self.unopened = latest  # said once, not at each look (and an engine started)
                print(f"alliance-graph: the newer build could not be opened: {exc}; the "
                      "server goes on with the one it serves", file=sys.stderr, flush=True)
                return
            with self.lock:
                if self.closed or self.restarting:  # a restart opens the newer build itself
                    old = None
                elif instance.info["version"] == self.info["version"]:  # not ``latest``'s
                    old, self.unopened = None, latest
                else:
                    old, generation, stale = self.active, self.generation, self.standby
                    earlier, self.retiring = self.retiring, old
                    self.generation += 1
                    self.standby = None
                    self._activate(instance)
                    self.counters["builds followed"] += 1
        finally:
            with self.lock:
                self.following = False
        if old is None:
            instance.stop()
            return
        # Not waited for here: that kept the follower from the next build up to the time limit.
        threading.Thread(target=self._retire, args=(old, generation), name="engine-retire",
                         daemon=True).start()
        for spare in (stale, earlier):  # the standby of the old build, an engine retiring
            if spare is not None:
                spare.stop()
        self._replenish_in_background()

    def _retire(self, old: Instance, generation: int) -> None:
        """Stop an engine once the queries it was answering (those of ``generation``) end,
        each held to its time limit as the watcher holds the engine answering."""
        while True:
            with self.lock:
                running = [c for c in self.calls if c.generation == generation]
            late = [c for c in running if time.monotonic() > c.deadline]
            if not running or late or not old.alive():
                # The others running there are sent again, once, to the new engine (call()).
                blame_late(late)
                break
            time.sleep(self.settings.engine_poll)
        old.stop()
        with self.lock:
            if self.retiring is old:
                self.retiring = None
