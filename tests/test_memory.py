"""The memory backend's ``main`` file (store/memory.py): what its writing leaves in the cache
folder, and what it spares there."""

import subprocess
import sys

from alliance_graph.store import memory


def test_a_users_own_sort_folders_in_the_cache_survive_a_new_main_file(mini):
    # ".sort-*" was among the cache folder's stale files: a user's own .sort-notes/ in a
    # --cache shared with other files went with the next build's main file.
    mini = mini.with_(stale_cache_seconds=0)
    mini.cache_dir.mkdir()
    users = [mini.cache_dir / name for name in (".sort-notes", ".sort-1")]
    for folder in users:
        folder.mkdir()
        (folder / "notes.txt").write_text("mine")
    first = memory.main_file(mini)
    facts = mini.data_dir / "facts.ttl"
    facts.write_text(facts.read_text().replace('"Iron Dome"', '"Iron Dome system"'))
    assert memory.main_file(mini) != first
    assert all((folder / "notes.txt").read_text() == "mine" for folder in users)


# A process holding the lock of writing the main file ``sys.argv[1]``, killed by the test.
_WRITING_MAIN = """
import sys, time
from pathlib import Path
from alliance_graph.build import cache_lock

with cache_lock.building(Path(sys.argv[1])):
    print("holding", flush=True)
    time.sleep(60)
"""


def test_a_killed_main_writers_lock_goes_with_the_next_main_file(mini):
    # Its .main-<hash>.nq.lock stayed until a build of other inputs ten minutes on.
    mini.cache_dir.mkdir()
    other = mini.cache_dir / f"main-{'0' * 32}.nq"
    writer = subprocess.Popen([sys.executable, "-c", _WRITING_MAIN, str(other)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline() == "holding\n"
    finally:
        writer.kill()
        writer.communicate()
    assert (mini.cache_dir / f".main-{'0' * 32}.nq.lock").exists()
    memory.main_file(mini)
    assert [p.name for p in mini.cache_dir.iterdir() if p.name.startswith(".")] == []


def test_a_users_own_files_named_like_builds_in_the_cache_survive_a_new_build(mini):
    # The cleanups took every build-*.nq and main-*.nq (past the grace), their
    # .build-*.nq.lock and .main-*.nq.lock (at once): a user's own N-Quads export named
    # build-2024.nq, kept in a --cache shared with other files, went with a build of other
    # inputs.  Only the names a build gives (32 hex digits) are taken.
    mini = mini.with_(stale_cache_seconds=0)
    mini.cache_dir.mkdir()
    users = ["build-2024.nq", "main-notes.nq", ".build-notes.nq.lock", ".main-x.nq.lock",
             f"build-{'0' * 31}.nq", f"build-{'A' * 32}.nq"]
    for name in users:
        (mini.cache_dir / name).write_text("mine")
    old = [f"build-{'0' * 32}.nq", f"main-{'0' * 32}.nq", f".build-{'0' * 32}.nq.lock"]
    for name in old:  # what an earlier build, and a killed one, left: these go
        (mini.cache_dir / name).write_text("<a> <b> <c> <d> .\n")
    path = memory.main_file(mini)
    left = sorted(p.name for p in mini.cache_dir.iterdir())
    assert left == sorted([*users, path.name, path.name.replace("main-", "build-", 1)])
    assert all((mini.cache_dir / name).read_text() == "mine" for name in users)
