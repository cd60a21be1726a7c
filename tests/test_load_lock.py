"""The remote store's load lock: one load at a time, a killed load's lock taken over (at
once when it ran on this machine, after its expiry otherwise).  Two loads at once and a load
killed halfway are in test_remote_load.py, against real Oxigraph and Virtuoso servers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from alliance_graph.namespaces import BASE
from alliance_graph.store import backends, load_lock
from alliance_graph.store.errors import StoreError
from alliance_graph.store.remote import RemoteStore
from helpers import until
from test_remote_load import RENEWED, age_claims, claims_of_loads


def test_a_lock_held_from_another_machine_holds_until_it_expires(mini, empty_store):
    # Nothing here can tell whether a load on another machine still runs: only the expiry
    # drops its claim.  The same process identity from another boot or namespace (another
    # container, whatever its host name) is another machine's.
    remote = RemoteStore(empty_store.url)
    ours = load_lock.process_identity(os.getpid()).split(" ")
    elsewhere = " ".join(["another-boot", *ours[1:]])
    remote.update(f"INSERT DATA {{ GRAPH <{load_lock.LOCK.value}> {{ "
                  f"<{load_lock.LOCK.value}/elsewhere> <{BASE}load#by> "
                  f"\"other-host pid {ours[2]}\" ; <{RENEWED}> \"{datetime.now(UTC).isoformat()}\""
                  f"^^<http://www.w3.org/2001/XMLSchema#dateTime> ; "
                  f"<{BASE}load#process> \"{elsewhere}\" }} }}")
    settings = mini.with_(store=empty_store.url)
    with pytest.raises(StoreError, match=r"another load is filling this store \(other-host pid "
                                         r"\d+; its lock renewed \d+ s ago\)"):
        backends.load_into_store(settings)
    age_claims(remote, 86_400)  # a day: whatever zone the store's clock keeps
    backends.load_into_store(settings)
    assert not claims_of_loads(remote)


def test_a_process_is_named_by_this_machine_and_a_gone_one_is_seen_gone():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        identity = load_lock.process_identity(child.pid)
        assert identity and identity.split(" ")[2] == str(child.pid)
        assert not load_lock._gone(identity)
        child.send_signal(signal.SIGKILL)
        # Once it has died, not 0.2 s later: a loaded machine's guess.
        assert until(lambda: load_lock._gone(identity), 10), \
            "killed, not yet reaped: a zombie is gone"
    finally:
        child.kill()
        child.wait()
    assert load_lock._gone(identity)
    assert not load_lock._gone(identity.replace(identity.split(" ")[0], "another-boot"))
