"""build_folders.remove_dead: the temporary folder of a build a real process holds is spared,
one nobody holds is removed, a link of such a name is not followed, and on a file system
without flock every one is left, with no error."""

from __future__ import annotations

import errno
import os

import pytest

from alliance_graph.store import build_folders
from flock_processes import held_by_another_process, without_flock

DEAD = f".tmp-{'a' * 32}-1"
LIVE = f".tmp-{'b' * 32}-2"


def build_folder(store, name: str):
    folder = store / name
    folder.mkdir()
    (folder / "part.nq").write_bytes(b"<urn:a> <urn:b> <urn:c> .\n")
    return folder


def test_a_build_folder_held_by_a_live_build_is_spared_and_a_dead_ones_removed(tmp_path):
    build_folder(tmp_path, DEAD)
    live = build_folder(tmp_path, LIVE)
    with held_by_another_process(live):
        build_folders.remove_dead(tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir()) == [LIVE]
    build_folders.remove_dead(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_link_named_as_a_build_folder_is_not_followed(tmp_path):
    # It was opened through the link and locked there; the rmtree then refused the link.
    store = tmp_path / "store"
    store.mkdir()
    elsewhere = build_folder(tmp_path, "elsewhere")
    (store / DEAD).symlink_to(elsewhere, target_is_directory=True)
    build_folders.remove_dead(store)
    assert os.readlink(store / DEAD) == str(elsewhere)
    assert [p.name for p in elsewhere.iterdir()] == ["part.nq"]


_REMOVING = """
import sys
from pathlib import Path
from alliance_graph.store import build_folders
build_folders.remove_dead(Path(sys.argv[1]))
"""


def test_on_a_file_system_without_flock_the_dead_are_left_with_no_error(tmp_path):
    # Only a BlockingIOError was caught around the flock: ENOLCK there was raised
    # ("[Errno 37] No locks available"), where the other cleanups leave the entry.
    build_folder(tmp_path, DEAD)
    done = without_flock(_REMOVING, str(tmp_path))
    assert (done.returncode, done.stderr) == (0, "")
    assert [p.name for p in tmp_path.iterdir()] == [DEAD]


def test_a_folder_of_the_same_name_a_live_build_holds_is_left_and_the_second_build_refused(
        tmp_path):
    # Two loads of the same inputs into one store folder, each the first process of its own
    # container (pid 1 both): the second's hold removed the first's folder as it wrote it,
    # and both failed ("No such file or directory").
    live = build_folder(tmp_path, DEAD)
    with held_by_another_process(live):
        with pytest.raises(OSError) as refused:
            build_folders.hold(live)
        assert refused.value.errno == errno.EBUSY
        assert "under way in it" in str(refused.value) and str(live) in str(refused.value)
        assert [p.name for p in live.iterdir()] == ["part.nq"]
    held = build_folders.hold(live)  # once let go: a killed build's, removed and made anew
    try:
        assert list(live.iterdir()) == []
    finally:
        os.close(held)


def test_a_link_of_the_build_folders_name_is_not_removed_by_hold(tmp_path):
    elsewhere = build_folder(tmp_path, "elsewhere")
    link = tmp_path / DEAD
    link.symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(OSError, match="not a folder this program made"):
        build_folders.hold(link)
    assert os.readlink(link) == str(elsewhere)
    assert [p.name for p in elsewhere.iterdir()] == ["part.nq"]


_HOLDING = """
import os, sys
from pathlib import Path
from alliance_graph.store import build_folders
build_folders.hold(Path(sys.argv[1]))
print(sorted(os.listdir(Path(sys.argv[1]).parent)))
"""


def test_on_a_file_system_without_flock_a_build_folder_is_made_unheld(tmp_path):
    # Its lock's error was raised ("[Errno 37] No locks available"), where every other
    # writer writes unheld there and every cleanup leaves what it finds.
    done = without_flock(_HOLDING, str(tmp_path / LIVE))
    assert (done.returncode, done.stdout, done.stderr) == (0, f"['{LIVE}']\n", "")
