"""Atomic file writes (atomic.py): the old file or the new one, never half of one, modes kept
and no temporary file left behind."""

import glob
import os
import time
from pathlib import Path

import pytest

from alliance_graph import atomic
from flock_processes import held_by_another_process, without_flock
from helpers import half_written


def test_write_atomically_keeps_the_mode_and_leaves_nothing_behind(tmp_path):
    path = tmp_path / "file.txt"
    path.write_text("old", "utf-8")
    os.chmod(path, 0o640)
    atomic.write_atomically(path, "new")
    atomic.write_atomically(tmp_path / "bytes.bin", b"\x00\x01")
    atomic.write_atomically(tmp_path / "written.txt", lambda out: out.write(b"by a function"))
    assert path.read_text("utf-8") == "new" and path.stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "written.txt").read_bytes() == b"by a function"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bytes.bin", "file.txt", "written.txt"]


def test_a_failed_write_leaves_the_old_file(tmp_path):
    path = tmp_path / "file.txt"
    path.write_text("old", "utf-8")

    def fails(out):
        out.write(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        atomic.write_atomically(path, fails)
    assert path.read_text("utf-8") == "old"
    assert [p.name for p in Path(tmp_path).iterdir()] == ["file.txt"]


@pytest.mark.parametrize("name, tag", [
    ("file.ttl", ""), ("file.ttl", "add-"), (".alliance-graph.journal", ""),
    ("CURRENT", ""), ("[x]*?.ttl", "a*-"),
])
def test_temp_glob_matches_every_name_temp_name_gives(tmp_path, name, tag):
    # The journal's temporary name has two leading dots; a cleanup that matched
    # ".alliance-graph.journal.*.tmp" never found it.
    made = {atomic.temp_name(tmp_path / name, tag) for _ in range(20)}
    for path in made:
        path.write_bytes(b"x")
    (tmp_path / name).write_bytes(b"the file itself")
    (tmp_path / f".{name}.other").write_bytes(b"not a temporary file")
    assert set(tmp_path.glob(atomic.temp_glob(glob.escape(name), tag))) == made
    if name.startswith("."):
        assert all(p.name.startswith(f".{name}.") for p in made)


def test_remove_stale_spares_the_kept_entry_and_anything_written_within_the_grace(tmp_path):
    old = time.time() - 3600
    for name in ("build-a.nq", "build-b.nq", "build-new.nq", ".build-a.nq.x1.tmp", "other.txt"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / ".sort-1").mkdir()
    (tmp_path / ".sort-1" / "0.nq").write_bytes(b"x")
    for name in ("build-a.nq", "build-b.nq", ".build-a.nq.x1.tmp", ".sort-1", "other.txt"):
        os.utime(tmp_path / name, (old, old))
    atomic.remove_stale(tmp_path, ("build-*.nq", ".build-*.tmp", ".sort-*"), "build-b.nq", 600)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build-b.nq", "build-new.nq",
                                                          "other.txt"]


def test_remove_stale_of_a_missing_folder_or_pattern_does_nothing(tmp_path):
    atomic.remove_stale(tmp_path / "missing", ("build-*",), "", 0)
    atomic.remove_stale(tmp_path, ("build-*",), "", 0)
    assert list(tmp_path.iterdir()) == []


def test_write_output_keeps_a_link_and_replaces_what_it_names(tmp_path):
    (tmp_path / "real.nq").write_text("old")
    (tmp_path / "link.nq").symlink_to("real.nq")
    atomic.write_output(tmp_path / "link.nq", b"new")
    assert (tmp_path / "link.nq").is_symlink() and (tmp_path / "real.nq").read_text() == "new"


def test_write_output_writes_into_what_is_not_a_file(tmp_path):
    # A pipe (as /dev/stdout may be) is written into, never replaced by a regular file.
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    read = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        atomic.write_output(fifo, b"through")
        assert os.read(read, 100) == b"through" and not fifo.is_file()
    finally:
        os.close(read)


def test_write_output_that_fails_leaves_the_old_file(tmp_path):
    target = tmp_path / "prev.nt"
    target.write_text("old")

    def fail_halfway(out):
        out.write(b"half")
        raise OSError(27, "File too large")
    with pytest.raises(OSError):
        atomic.write_output(target, fail_halfway)
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["prev.nt"]


def test_write_output_that_fails_names_the_file_the_user_gave(tmp_path):
    # It named the hidden temporary file beside it: ".x.ttl.88d3ddb82563.tmp".
    target = tmp_path / "no-such-folder" / "x.ttl"
    with pytest.raises(FileNotFoundError) as failed:
        atomic.write_output(target, b"data")
    assert failed.value.filename == str(target) and ".tmp" not in str(failed.value)


def test_discard_unfinished_removes_an_output_being_written_and_only_that(tmp_path):
    # What a command ending at once (Ctrl-C: os._exit) calls: the write_output temporary file
    # of the moment goes; a write_atomically's of the caches and add's commit is not tracked.
    seen = {}

    def writing(name):
        def write(out):
            out.write(b"part of it")
            seen[name] = sorted(p.name for p in tmp_path.glob(f".{name}.*.tmp"))
            atomic.discard_unfinished()
            seen[name + " after"] = sorted(p.name for p in tmp_path.glob(f".{name}.*.tmp"))
        return write

    with pytest.raises(FileNotFoundError):  # its rename found it gone: the old file stays
        atomic.write_output(tmp_path / "out.nq", writing("out.nq"))
    assert len(seen["out.nq"]) == 1 and seen["out.nq after"] == []
    assert not (tmp_path / "out.nq").exists()
    atomic.write_atomically(tmp_path / "cache.nq", writing("cache.nq"))
    assert len(seen["cache.nq"]) == 1 and seen["cache.nq after"] == seen["cache.nq"]
    assert (tmp_path / "cache.nq").read_bytes() == b"part of it"
    atomic.discard_unfinished()  # nothing left to discard: no error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.nq"]


def test_a_write_the_disk_refuses_names_the_file_it_was_for(tmp_path):
    # A full disk fails the write into the open temporary file, an OSError with no file name:
    # "[Errno 28] No space left on device" named no file, and `load` guessed the store folder.
    path = tmp_path / "build.nq"

    def disk_full(out):
        out.write(b"<a> <b> <c> .\n")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left on device") as raised:
        atomic.write_atomically(path, disk_full)
    assert raised.value.errno == 28 and raised.value.filename == str(path)
    assert list(tmp_path.iterdir()) == []


def test_write_output_into_a_device_that_refuses_it_names_the_device():
    # A write names no file: `export -o /dev/full` said "a file or folder could not be used:
    # [Errno 28] No space left on device".
    with pytest.raises(OSError) as refused:
        atomic.write_output(Path("/dev/full"), b"x" * 100_000)
    assert (refused.value.errno, refused.value.filename) == (28, "/dev/full")


def test_write_output_into_a_descriptor_appends_to_what_it_names(tmp_path):
    # `export -o /dev/stdout >> log` replaced the log with the export: /dev/stdout leads to
    # the log, a regular file, which was replaced by a new one.
    log = tmp_path / "log"
    log.write_bytes(b"earlier\n")
    with open(log, "ab") as appending:
        atomic.write_output(Path(f"/dev/fd/{appending.fileno()}"), b"export\n")
    assert log.read_bytes() == b"earlier\nexport\n"
    assert [p.name for p in tmp_path.iterdir()] == ["log"]


def _replace_over_a_folder(tmp_path):
    """Return replace_all's files: an old file, a new one, and a target made a folder holding
    a file (no rename replaces it), renamed in that order."""
    (tmp_path / "a.txt").write_text("old a", "utf-8")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "inside.txt").write_text("kept", "utf-8")
    return {tmp_path / "a.txt": "new a", tmp_path / "b.txt": "new b", tmp_path / "c": "new c"}


def test_a_rename_failing_part_way_puts_back_the_files_it_replaced(tmp_path):
    # Renamed one by one, the files before the failing rename stayed new, those after it
    # old, and catalogue --update said "no answer was changed".
    with pytest.raises(OSError) as err:
        atomic.replace_all(_replace_over_a_folder(tmp_path))
    assert not isinstance(err.value, atomic.PartlyReplaced)
    assert (tmp_path / "a.txt").read_text("utf-8") == "old a"
    assert not (tmp_path / "b.txt").exists()  # new: removed again
    assert (tmp_path / "c" / "inside.txt").read_text("utf-8") == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "c"]  # no file left


def test_a_rename_whose_put_back_fails_says_which_files_are_new_and_keeps_the_old(
        tmp_path, monkeypatch):
    # Putting a file back cannot be made to fail for real (as root, a read-only folder is
    # written all the same): os.replace refuses the old texts' renames alone.
    replace = os.replace

    def refusing_to_put_back(src, dst):
        if ".old" in Path(src).name:
            raise OSError(5, "Input/output error", str(src))
        return replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", refusing_to_put_back)
    with pytest.raises(atomic.PartlyReplaced) as err:
        atomic.replace_all(_replace_over_a_folder(tmp_path))
    a, b, c = (tmp_path / n for n in ("a.txt", "b.txt", "c"))
    assert (err.value.new, err.value.old) == ([a], [b, c])
    assert a.read_text("utf-8") == "new a" and not b.exists()
    assert err.value.kept[a].read_text("utf-8") == "old a"  # to put back by hand
    said = err.value.said()
    assert said.startswith(f"{c}: could not be written (Is a directory), and the files already "
                           f"replaced could not be put back (Input/output error): new: {a}; "
                           f"old: {b}, {c}; {a}'s old text is in {err.value.kept[a]}"), said
    assert sorted(p.name for p in tmp_path.iterdir()) == \
        sorted(["a.txt", "c", err.value.kept[a].name])


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("how", ["write_output", "write_atomically"])
@pytest.mark.parametrize("name", ["out.nq", "out\nlines.nq", os.fsdecode(b"out\xff.nq")])
def test_a_file_whose_writer_was_killed_leaves_no_hidden_file_after_the_next_write(tmp_path, how,
                                                                                   name):
    # `export -o out.nq` SIGKILLed while writing left .out.nq.<random>.tmp beside the output,
    # and no later export, nor anything else, removed it: it stayed for good.  A `load`
    # SIGKILLed as it wrote its build cache left .build-<hash>.nq.<random>.tmp, which the next
    # load, writing the same cache file, left too (removed only by a build of other inputs,
    # 10 minutes later).  A name holding a line feed kept its killed write's file for good
    # (the pattern's "." took no line feed); one not UTF-8 is taken as any other.
    target = tmp_path / name
    target.write_bytes(b"old")
    writer = half_written(target, how)
    writer.kill()
    writer.wait()
    assert target.read_bytes() == b"old" and len(_hidden(tmp_path)) == 1
    (tmp_path / f".{target.name}.old0123456789ab.tmp").write_bytes(b"")  # another tag's
    getattr(atomic, how)(target, b"new")
    assert target.read_bytes() == b"new"
    assert _hidden(tmp_path) == [f".{name}.old0123456789ab.tmp"]


@pytest.mark.parametrize("how", ["write_output", "write_atomically"])
def test_a_file_being_written_by_another_command_is_spared(tmp_path, how):
    # Two commands writing one file at once: the second leaves the first one's file be, and
    # each renames a whole file of its own over the target.
    target = tmp_path / "out.nq"
    writer = half_written(target, how)
    try:
        getattr(atomic, how)(target, b"second")
        assert target.read_bytes() == b"second" and len(_hidden(tmp_path)) == 1
    finally:
        writer.kill()
        writer.wait()
    getattr(atomic, how)(target, b"third")
    assert _hidden(tmp_path) == []


_REMOVING = """
import sys
from pathlib import Path
from alliance_graph import atomic
atomic.remove_abandoned(Path(sys.argv[1]), "build.nq")
"""


def test_a_temporary_file_a_live_write_holds_is_spared_and_one_let_go_removed(tmp_path):
    left = atomic.temp_name(tmp_path / "build.nq")
    left.write_bytes(b"<urn:a> <urn:b> ")
    with held_by_another_process(left):
        atomic.remove_abandoned(tmp_path, "build.nq")
        assert left.exists()
    # where there is no flock, no write can be told held: every one is left (unheld.py)
    done = without_flock(_REMOVING, str(tmp_path))
    assert (done.returncode, done.stderr, left.exists()) == (0, "", True)
    atomic.remove_abandoned(tmp_path, "build.nq")
    assert list(tmp_path.iterdir()) == []
