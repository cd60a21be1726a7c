"""The memory backend's ``main`` file (store/memory.py): what its writing leaves in the cache
folder, and what it spares there."""

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
