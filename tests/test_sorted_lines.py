"""Sorting byte lines in bounded memory: the order, duplicates, runs spilled and merged, the
spill folder removed however the sort ends, and the memory held."""

import random
import subprocess
import sys
import tracemalloc

import pytest

from alliance_graph.store import sorted_lines as module
from alliance_graph.store.sorted_lines import LinesFile, LineSorter, sorted_lines
from flock_processes import without_flock


def some_lines(count: int, seed: int = 1) -> list[bytes]:
    """Lines of N-Triples' shape, with repeats, prefixes of one another and bytes above 0x7f."""
    rng = random.Random(seed)
    words = [b"<http://x/a>", b"<http://x/ab>", b'"z\xc3\xa9"', b"_:b1", b"_:b10", b'"a b"']
    return [b" ".join(rng.choices(words, k=3)) + b" .\n" for _ in range(count)]


def spilled(folder) -> list:
    return [run for spill in folder.glob(".sort-*") for run in spill.iterdir()
            if run.name != module.MARK]


@pytest.mark.parametrize("run_bytes", [1, 500, 1 << 20])
@pytest.mark.parametrize("unique", [False, True])
def test_lines_come_out_sorted_by_their_bytes(tmp_path, run_bytes, unique):
    lines = some_lines(2000)
    got = list(sorted_lines(lines, unique=unique, run_bytes=run_bytes, folder=tmp_path))
    assert got == (sorted(set(lines)) if unique else sorted(lines))
    assert len(got) < len(lines) if unique else len(got) == len(lines)
    assert not list(tmp_path.iterdir())


def test_several_runs_are_spilled_and_merged(tmp_path):
    lines = some_lines(1000)
    merged = sorted_lines(lines, unique=True, run_bytes=2000, folder=tmp_path)
    first = next(merged)  # every run is written before the first line comes
    runs = spilled(tmp_path)
    assert len(runs) > 10 and all(r.read_bytes() for r in runs)
    assert [first, *merged] == sorted(set(lines))


def test_more_runs_than_are_merged_at_once_are_merged_along_the_way(tmp_path):
    lines = some_lines(5 * module.FAN_IN)
    merged = sorted_lines(lines, run_bytes=1, folder=tmp_path)  # a run a line
    first = next(merged)
    assert len(spilled(tmp_path)) < module.FAN_IN
    assert [first, *merged] == sorted(lines)


def test_lines_written_in_pieces_of_any_size_are_the_lines():
    lines = some_lines(300)
    text = b"".join(lines)[:-1]  # the last line without its line feed
    cuts = sorted(random.Random(2).sample(range(1, len(text)), 200))
    with LineSorter(unique=True, run_bytes=1000) as sorter:
        for start, end in zip([0, *cuts], [*cuts, len(text)]):
            assert sorter.write(memoryview(text[start:end])) == end - start
        assert list(sorter.lines()) == sorted(set(lines))


def test_the_spill_folder_is_removed_when_the_reader_stops_early(tmp_path):
    merged = sorted_lines(some_lines(1000), run_bytes=500, folder=tmp_path)
    next(merged)
    assert spilled(tmp_path)
    merged.close()
    assert not list(tmp_path.iterdir())
    with LineSorter(run_bytes=500, folder=tmp_path) as sorter:
        sorter.add(some_lines(1000))
        next(sorter.lines())
        assert spilled(tmp_path)
    assert not list(tmp_path.iterdir())


def test_the_spill_folder_is_removed_when_the_lines_fail(tmp_path):
    def failing():
        yield from some_lines(1000)
        assert spilled(tmp_path)  # runs were written before the failure
        raise OSError("the build file could not be read")

    with pytest.raises(OSError, match="could not be read"):
        list(sorted_lines(failing(), run_bytes=500, folder=tmp_path))
    assert not list(tmp_path.iterdir())


def test_the_spill_folder_is_removed_when_its_reader_fails(tmp_path):
    with pytest.raises(ValueError, match="a bad line"):
        with LineSorter(run_bytes=500, folder=tmp_path) as sorter:
            sorter.add(some_lines(1000))
            for line in sorter.lines():
                raise ValueError(f"a bad line: {line!r}")
    assert not list(tmp_path.iterdir())


def test_memory_held_is_a_run_whatever_the_number_of_lines(tmp_path):
    """About 30 MiB of lines go through runs of 1 MiB: what is held at any time (traced) is
    a run and the merge's buffers, not the lines."""
    count = 200_000
    rng = random.Random(3)
    lines = (b"<http://x/%d> <http://x/p> \"%s\" .\n" % (rng.randrange(10**9), b"v" * 80)
             for _ in range(count))
    tracemalloc.start()
    try:
        seen, last, out_of_order = 0, b"", 0
        for line in sorted_lines(lines, run_bytes=1 << 20, folder=tmp_path):
            seen, out_of_order, last = seen + 1, out_of_order + (line < last), line
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seen == count and not out_of_order
    assert peak < 3 << 20, f"{peak:,} bytes traced"
    assert not list(tmp_path.iterdir())


def test_lines_read_as_a_file_are_the_lines_joined():
    lines = some_lines(5000)
    held = LinesFile(iter(lines))
    assert held.read(7) == b"".join(lines)[:7]
    assert held.read() == b"".join(lines)[7:] and held.read() == b""


# A process sorting lines into ``folder`` with runs spilled there, stopped once it spilled:
# the test kills it (SIGKILL, no code of it runs) or lets it stand as another sort under way.
_SPILLING = """
import sys, time
from alliance_graph.store.sorted_lines import LineSorter

sorter = LineSorter(run_bytes=1, folder=sys.argv[1])
sorter.add([b"b\\\\n", b"a\\\\n"])
print("spilled", flush=True)
time.sleep(60)
"""


def _spilling(folder) -> subprocess.Popen:
    sorter = subprocess.Popen([sys.executable, "-c", _SPILLING, str(folder)],
                              stdout=subprocess.PIPE, text=True)
    assert sorter.stdout.readline() == "spilled\n"
    sorter.stdout.close()
    return sorter


def test_a_sort_killed_as_it_spilled_leaves_nothing_after_the_next(tmp_path):
    # The main layout's sort (a large build's, gigabytes of runs in the cache folder) killed
    # outright left its .sort-* folder, which the next build's main file, written within
    # 10 minutes, spared, and no later command removed while the inputs stayed the same.
    standing = _spilling(tmp_path)
    try:
        killed = _spilling(tmp_path)  # its spill spares the standing one's
        killed.kill()
        killed.wait()
        assert len(list(tmp_path.glob(".sort-*"))) == 2
        assert list(sorted_lines([b"b\n", b"a\n", b"c\n"], run_bytes=1, folder=tmp_path)) == [
            b"a\n", b"b\n", b"c\n"]
        assert len(list(tmp_path.glob(".sort-*"))) == 1  # the standing sort's
        module.remove_abandoned(tmp_path)
        assert len(list(tmp_path.glob(".sort-*"))) == 1
    finally:
        standing.kill()
        standing.wait()
    module.remove_abandoned(tmp_path)
    assert list(tmp_path.iterdir()) == []


# A process whose sort spilled six runs and ends (``close`` removes its spill folder), killed
# (SIGKILL) once it removed argv[2] files there: a sort ending as the service stops.
_ENDING = """
import os, signal, sys
from alliance_graph.store.sorted_lines import LineSorter
sorter = LineSorter(run_bytes=1, folder=sys.argv[1])
sorter.add([b"%d\\n" % n for n in range(6)])
real, removed = os.unlink, []
def unlink(*args, **kwargs):
    real(*args, **kwargs)
    removed.append(args[0])
    if len(removed) == int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)
os.unlink = unlink
sorter.close()
"""


@pytest.mark.parametrize("removed", range(1, 7))
def test_a_sort_killed_as_it_removed_its_runs_leaves_nothing_after_the_next(tmp_path, removed):
    # Its folder was removed in the order the folder lists it, the mark perhaps first: killed
    # there, it left runs without the mark, which no cleanup took for a sort's (3 of 345
    # sorts killed at random kept theirs for good).
    ended = subprocess.run([sys.executable, "-c", _ENDING, str(tmp_path), str(removed)],
                           timeout=60)
    assert ended.returncode == -9
    assert len(list(tmp_path.glob(".sort-*"))) == 1
    module.remove_abandoned(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_only_the_folders_a_sort_made_are_taken_for_its_leftovers(tmp_path):
    # The cleanup removed every .sort-* folder no process held: a user's own beside a cache
    # (a --cache shared with other files) went with a build's load.
    killed = _spilling(tmp_path)
    killed.kill()
    killed.wait()
    users = {".sort-notes": "notes.txt", ".sort-1": "1.run", ".sort-abcdefgh": "notes.txt",
             ".sort-0123456789ab": "1.run"}  # a sort's name, but no mark in it: not a sort's
    for name, inside in users.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / inside).write_text("mine")
    earlier = tmp_path / ".sort-k3j_x9ab"  # an earlier version's (mkdtemp), killed: runs only
    earlier.mkdir()
    (earlier / "1.run").write_bytes(b"a\n")
    (earlier / "2.merged").write_bytes(b"b\n")
    empty = tmp_path / ".sort-00112233aabb"  # a sort killed before it wrote its mark
    empty.mkdir()
    assert len(list(tmp_path.glob(".sort-*"))) == len(users) + 3
    assert list(sorted_lines([b"b\n", b"a\n"], run_bytes=1, folder=tmp_path)) == [
        b"a\n", b"b\n"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(users)
    assert all((tmp_path / name / inside).read_text() == "mine" for name, inside in users.items())


def test_a_killed_sorts_folder_holding_a_users_file_too_is_left_with_it(tmp_path):
    # A folder of a sort's name holding its mark was removed with whatever else it held: a
    # file put there by hand (or by another program) went with the next build's load.
    killed = _spilling(tmp_path)
    killed.kill()
    killed.wait()
    [spill] = tmp_path.glob(".sort-*")
    (spill / "my notes.txt").write_text("mine")
    module.remove_abandoned(tmp_path)
    assert (spill / "my notes.txt").read_text() == "mine"
    alone = _spilling(tmp_path)  # what a sort alone wrote still goes
    alone.kill()
    alone.wait()
    module.remove_abandoned(tmp_path)
    assert list(tmp_path.glob(".sort-*")) == [spill]


def test_a_spill_folder_removed_between_its_making_and_its_opening_is_made_anew(tmp_path,
                                                                                monkeypatch):
    # Another process's cleanup (a build of other inputs sharing the cache folder) took the
    # new folder, empty and not yet held, for a killed sort's and removed it before the sort
    # opened it: the sort failed, FileNotFoundError (17 of 20,000 sorts with a cleanup
    # looping beside them).  Here that cleanup, a process of its own, runs at that moment.
    real, removed = module.os.mkdir, []

    def mkdir(path, *args, **kwargs):
        real(path, *args, **kwargs)
        if not removed:
            removed.append(path)
            subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                            "from alliance_graph.store import sorted_lines as s; "
                            "s.remove_abandoned(Path(sys.argv[1]))", str(tmp_path)],
                           check=True, timeout=60)

    monkeypatch.setattr(module.os, "mkdir", mkdir)
    assert list(sorted_lines([b"b\n", b"a\n"], run_bytes=1, folder=tmp_path)) == [
        b"a\n", b"b\n"]
    assert removed and not removed[0].exists()
    assert list(tmp_path.iterdir()) == []


_REMOVING = """
import sys
from pathlib import Path
from alliance_graph.store import sorted_lines
sorted_lines.remove_abandoned(Path(sys.argv[1]))
"""


def test_on_a_file_system_without_flock_a_killed_sorts_folder_is_left(tmp_path):
    # No sort under way can be told held there: every spill folder is left (unheld.py).
    killed = _spilling(tmp_path)
    killed.kill()
    killed.wait()
    done = without_flock(_REMOVING, str(tmp_path))
    assert (done.returncode, done.stderr) == (0, "")
    assert len(list(tmp_path.glob(".sort-*"))) == 1
    module.remove_abandoned(tmp_path)
    assert list(tmp_path.iterdir()) == []
