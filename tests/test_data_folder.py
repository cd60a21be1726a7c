"""data_folder's settling of what an interrupted write left: a temporary file a real process
holds is spared and one nobody holds removed, under its lock; on a file system without flock
every one is left, as the other cleanups leave theirs.  (The data folder's locks and commits:
test_transaction.py.)"""

from __future__ import annotations

from alliance_graph.build import data_folder
from flock_processes import held_by_another_process, without_flock

KILLED = ".one.ttl.add-0123456789ab.tmp"
WRITING = ".all.ttl.0123456789ab.tmp"


def data(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "one.ttl").write_text("<urn:a> <urn:b> 1 .\n", "utf-8")
    for name in (KILLED, WRITING):
        (folder / name).write_text("<urn:a> <urn:b> ", "utf-8")
    return folder


def test_a_leftover_held_by_a_write_under_way_is_spared_and_the_others_removed(tmp_path):
    folder = data(tmp_path)
    with held_by_another_process(folder / WRITING):
        assert data_folder.needs_settling(folder)
        assert data_folder.settle(folder) == [
            "removed 1 temporary file(s) an interrupted write left"]
        assert {p.name for p in folder.iterdir()} == {data_folder.LOCK, WRITING, "one.ttl"}
        assert not data_folder.needs_settling(folder)
    assert data_folder.settle(folder) == ["removed 1 temporary file(s) an interrupted write left"]
    assert {p.name for p in folder.iterdir()} == {data_folder.LOCK, "one.ttl"}


_SETTLING = """
import sys
from pathlib import Path
from alliance_graph.build import data_folder
folder = Path(sys.argv[1])
print(data_folder.needs_settling(folder), data_folder.settle(folder))
"""


def test_on_a_file_system_without_flock_a_leftover_is_left(tmp_path):
    # There no write can be told held: the next command removed an export's temporary file
    # under way (its rename then failed), where the other cleanups leave every one.
    folder = data(tmp_path)
    done = without_flock(_SETTLING, str(folder))
    assert (done.returncode, done.stdout, done.stderr) == (0, "False []\n", "")
    assert {p.name for p in folder.iterdir()} == {WRITING, KILLED, "one.ttl"}
