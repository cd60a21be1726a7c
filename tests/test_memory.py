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
    other = mini.cache_dir / "main-0123.nq"
    writer = subprocess.Popen([sys.executable, "-c", _WRITING_MAIN, str(other)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline() == "holding\n"
    finally:
        writer.kill()
        writer.communicate()
    assert (mini.cache_dir / ".main-0123.nq.lock").exists()
    memory.main_file(mini)
    assert [p.name for p in mini.cache_dir.iterdir() if p.name.startswith(".")] == []
