"""transaction: the data folder's lock, and commits that leave the old files or the new ones."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import alliance_graph as ag
from alliance_graph import atomic
from alliance_graph.build import data_folder, file_locks, loading
from alliance_graph.proposals import transaction
from alliance_graph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def files(folder):
    """Return every file of ``folder`` (the lock file aside) with its text."""
    return {p.name: p.read_text("utf-8") for p in sorted(folder.iterdir())
            if p.is_file() and p.name != transaction.LOCK}


@pytest.fixture
def folder(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "one.ttl").write_text("<urn:a> <urn:b> 1 .\n", "utf-8")
    (data / "two.ttl").write_text("<urn:a> <urn:b> 2 .\n", "utf-8")
    return data


NEW = {"one.ttl": "<urn:a> <urn:b> 10 .\n", "two.ttl": "<urn:a> <urn:b> 20 .\n",
       "three.ttl": "<urn:a> <urn:b> 30 .\n"}


def test_commit_replaces_every_file_and_keeps_their_modes(folder):
    os.chmod(folder / "one.ttl", 0o640)
    os.chmod(folder / "two.ttl", 0o604)
    transaction.commit(folder, {folder / n: t for n, t in NEW.items()})
    assert files(folder) == NEW
    assert (folder / "one.ttl").stat().st_mode & 0o777 == 0o640
    assert (folder / "two.ttl").stat().st_mode & 0o777 == 0o604
    umask = os.umask(0)
    os.umask(umask)
    assert (folder / "three.ttl").stat().st_mode & 0o777 == 0o666 & ~umask, \
        "a new file gets the mode any new file gets, not mkstemp's 0600"


def test_a_read_only_data_file_is_refused_and_nothing_changes(folder):
    # The rename replaced it whatever its mode (and kept the mode: read-only, but changed).
    before = files(folder)
    os.chmod(folder / "two.ttl", 0o444)
    with pytest.raises(transaction.CommitError, match="two.ttl is read-only, nothing changed"):
        transaction.commit(folder, {folder / n: t for n, t in NEW.items()})
    assert files(folder) == before


def test_a_read_only_data_file_names_into_as_a_facade_caller_gives_it(tmp_path):
    # ag.add was told to add the facts "--into another file", an option it has no way to give.
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    shutil.copytree(ROOT / "tests" / "fixtures" / "shapes" / "base", tmp_path / "data")
    for path in (tmp_path / "data").glob("*.ttl"):
        os.chmod(path, 0o444)
    settings = Settings(root=tmp_path, ontology_dir=tmp_path / "ontology",
                        data_dir=tmp_path / "data", cache_dir=tmp_path / "cache")
    with pytest.raises(transaction.CommitError) as refused:
        ag.add(ROOT / "tests" / "fixtures" / "merge" / "good.ttl", settings)
    said = str(refused.value)
    assert "read-only, nothing changed" in said and "to another file (into=FILE)" in said
    assert "--" not in said, said


def test_a_linked_data_file_stays_a_link_to_the_new_text(folder, tmp_path):
    kept = tmp_path / "kept"
    kept.mkdir()
    (folder / "one.ttl").rename(kept / "one.ttl")
    (folder / "one.ttl").symlink_to(kept / "one.ttl")
    transaction.commit(folder, {folder / n: t for n, t in NEW.items()})
    assert (folder / "one.ttl").is_symlink()
    assert (kept / "one.ttl").read_text("utf-8") == NEW["one.ttl"]
    assert files(folder) == NEW and sorted(p.name for p in kept.iterdir()) == ["one.ttl"]


@pytest.mark.parametrize("step, outcome", [(1, "old"), (4, "new")])  # a temporary; the journal
def test_a_commit_killed_with_a_linked_data_file_is_settled_through_the_link(folder, tmp_path,
                                                                            step, outcome):
    kept = tmp_path / "kept"
    kept.mkdir()
    (folder / "one.ttl").rename(kept / "one.ttl")
    (folder / "one.ttl").symlink_to(kept / "one.ttl")
    before = files(folder)
    # A real process, killed (SIGKILL) by the commit itself at ``step``.
    code = ("import sys; from pathlib import Path; from alliance_graph.proposals import "
            "transaction as t; d = Path(sys.argv[1]); t.commit(d, {d / n: s for n, s in "
            f"{NEW!r}.items()}})")
    done = subprocess.run([sys.executable, "-c", code, str(folder)], timeout=60,
                          env=dict(os.environ, **{transaction.KILL_AT_STEP: str(step)}))
    assert done.returncode == -signal.SIGKILL
    assert transaction.needs_settling(folder)
    transaction.settle(folder)
    assert files(folder) == (NEW if outcome == "new" else before)
    assert (folder / "one.ttl").is_symlink()
    assert sorted(p.name for p in kept.iterdir()) == ["one.ttl"], "temporaries are cleaned"
    assert not transaction.needs_settling(folder)


def test_a_failure_before_the_journal_changes_nothing(folder, monkeypatch):
    before = files(folder)
    real, calls = transaction.atomic.write_temp, []

    def full_disk(path, data, tag="", **held):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(path, data, tag, **held)

    monkeypatch.setattr(transaction.atomic, "write_temp", full_disk)
    with pytest.raises(transaction.CommitError, match="nothing changed: No space left"):
        transaction.commit(folder, {folder / n: t for n, t in NEW.items()})
    assert files(folder) == before, "no temporary file may be left either"


def test_a_commit_stopped_after_its_journal_is_finished_by_the_next_run(folder, monkeypatch):
    real, calls = os.replace, []

    def dies_after_one_rename(src, dst):
        calls.append(dst)
        if len(calls) == 3:  # the journal's own rename, then one data file
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(transaction.os, "replace", dies_after_one_rename)
    with pytest.raises(transaction.CommitError, match="next command finish"):
        transaction.commit(folder, {folder / n: t for n, t in NEW.items()})
    monkeypatch.undo()
    assert (folder / transaction.JOURNAL).exists()
    assert transaction.needs_settling(folder)
    done = transaction.settle(folder)
    assert done and "finished an interrupted add" in done[0]
    assert files(folder) == NEW
    assert not transaction.needs_settling(folder)


def test_leftover_temporary_files_are_cleaned(folder):
    (folder / ".one.ttl.add-0123456789ab.tmp").write_text("half a file", "utf-8")
    (folder / ".two.ttl.0123456789ab.tmp").write_text("an earlier version's leftover", "utf-8")
    (folder / ".notes.tmp").write_text("not ours: left alone", "utf-8")
    assert transaction.needs_settling(folder)
    assert transaction.settle(folder) == ["removed 2 temporary file(s) an interrupted write left"]
    assert sorted(files(folder)) == [".notes.tmp", "one.ttl", "two.ttl"]
    assert transaction.settle(folder) == [], "a settled folder needs nothing"


def test_every_temporary_file_a_commit_can_leave_is_cleaned(folder, tmp_path):
    # The journal's, named by atomic.temp_name with two leading dots, stayed for good: the
    # cleanup looked for ".alliance-graph.journal.*.tmp".
    kept = tmp_path / "kept"
    kept.mkdir()
    (folder / "two.ttl").rename(kept / "two.ttl")
    (folder / "two.ttl").symlink_to(kept / "two.ttl")
    left = [atomic.temp_name(folder / "one.ttl", transaction.TAG),     # a data file's
            atomic.temp_name(folder / "three.ttl", transaction.TAG),   # a new data file's
            atomic.temp_name(folder / "one.ttl"),                      # an earlier version's
            atomic.temp_name(folder / transaction.JOURNAL),            # the journal's
            folder / "..alliance-graph.journal.24a1590b8183.tmp",      # as a kill -9 left it
            atomic.temp_name(kept / "two.ttl", transaction.TAG)]       # beside a link's file
    for path in left:
        path.write_text('{"files": [', "utf-8")
    others = [folder / ".notes.tmp", folder / ".alliance-graph.journal.bak",
              atomic.temp_name(kept / "notes.txt"), kept / ".two.ttl.x1.tmp"]
    for path in others:
        path.write_text("not ours: left alone", "utf-8")
    assert transaction.needs_settling(folder)
    assert transaction.settle(folder) == [
        f"removed {len(left)} temporary file(s) an interrupted write left"]
    assert not any(p.exists() for p in left) and all(p.exists() for p in others)
    assert not transaction.needs_settling(folder)


def _commit_killed_before_its_journal(folder) -> None:
    """Commit ``NEW`` into ``folder`` in a process killed (SIGKILL) as it renames the journal
    into place: its data files' and journal's temporary files written, none renamed."""
    code = ("import os, signal, sys; from pathlib import Path; "
            "from alliance_graph.proposals import transaction as t; real = os.replace\n"
            "def replace(src, dst):\n"
            "    if Path(dst).name == t.JOURNAL: os.kill(os.getpid(), signal.SIGKILL)\n"
            "    real(src, dst)\n"
            "t.os.replace = t.atomic.os.replace = replace\n"
            f"d = Path(sys.argv[1]); t.commit(d, {{d / n: s for n, s in {NEW!r}.items()}})")
    done = subprocess.run([sys.executable, "-c", code, str(folder)], timeout=60)
    assert done.returncode == -signal.SIGKILL


def test_a_commit_killed_before_its_journal_is_renamed_leaves_the_old_files(folder):
    before = files(folder)
    _commit_killed_before_its_journal(folder)
    assert [p.name for p in folder.glob("..alliance-graph.journal.*.tmp")], \
        "the kill should leave the journal's temporary file"
    assert transaction.settle(folder) == ["removed 4 temporary file(s) an interrupted write left"]
    assert files(folder) == before and not transaction.needs_settling(folder)


def test_only_the_names_a_commit_gives_are_taken_for_its_leftovers(folder):
    # Every .<name>.ttl.*.tmp was removed, however it was named: a user's own hidden file in
    # data/ that merely looked like a commit's went with the next command.
    mine = [".notes.ttl.mine.tmp", ".one.ttl.backup.tmp", ".one.ttl.add-mine.tmp",
            ".one.ttl.0123.tmp", ".one.ttl.add-0123456789AB.tmp", ".one.ttl.k3j_x9.tmp"]
    for name in mine:
        (folder / name).write_text("not ours: left alone", "utf-8")
    _commit_killed_before_its_journal(folder)
    assert transaction.settle(folder) == ["removed 4 temporary file(s) an interrupted write left"]
    assert sorted(p.name for p in folder.iterdir() if p.name != transaction.LOCK) == sorted(
        [*mine, "one.ttl", "two.ttl"])


# Another program replacing a data file as Python's tempfile does (mkstemp beside it, then a
# rename), stopped between the two until the test lets it go on.
_WRITING = """
import os, sys, tempfile
from pathlib import Path
target = Path(sys.argv[1])
handle, tmp = tempfile.mkstemp(prefix="." + target.name + ".", suffix=".tmp", dir=target.parent)
os.write(handle, b"<urn:a> <urn:b> 3 .\\n")
os.close(handle)
print(tmp, flush=True)
sys.stdin.readline()
os.replace(tmp, target)
"""


def test_a_users_files_and_another_programs_write_named_as_mkstemp_names_are_left(folder):
    # Earlier versions' temporary names (mkstemp's: 8 of [a-z0-9_]) were taken for leftovers:
    # a user's own .one.ttl.my_notes.tmp or .two.ttl.original.tmp went with the next
    # command, and so did another program's file under way, as Python's tempfile names
    # every one (its rename then failed, FileNotFoundError).
    mine = [folder / ".one.ttl.my_notes.tmp", folder / ".two.ttl.original.tmp",
            folder / ".one.ttl.20241231.tmp"]
    for path in mine:
        path.write_text("mine", "utf-8")
    writer = subprocess.Popen([sys.executable, "-c", _WRITING, str(folder / "one.ttl")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        under_way = Path(writer.stdout.readline().strip())
        assert under_way.exists()
        assert transaction.settle(folder) == []
        assert not transaction.needs_settling(folder)
        writer.stdin.write("go on\n")
        writer.stdin.close()
        assert writer.wait(timeout=60) == 0, "the other program's rename failed"
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.wait()
        for pipe in (writer.stdin, writer.stdout):
            pipe.close()
    assert (folder / "one.ttl").read_text("utf-8") == "<urn:a> <urn:b> 3 .\n"
    assert all(path.read_text("utf-8") == "mine" for path in mine)


@pytest.mark.parametrize("text", [
    "not json", '{"files": 5}', '{"files": [{"target": "one.ttl"}]}', '[1, 2]',
    '{"files": [{"temp": ".one.ttl.x.tmp", "target": "one.ttl"}, 7]}',
])
def test_a_journal_it_did_not_write_is_refused_and_nothing_renamed(folder, text):
    # Each shape but the first ended in a traceback (TypeError, KeyError), in every command.
    (folder / ".one.ttl.x.tmp").write_text("<urn:a> <urn:b> 99 .\n", "utf-8")
    (folder / transaction.JOURNAL).write_text(text, "utf-8")
    with pytest.raises(transaction.CommitError, match="move it away"):
        transaction.settle(folder)
    assert (folder / "one.ttl").read_text("utf-8") == "<urn:a> <urn:b> 1 .\n"


def second_writer(folder) -> tuple[threading.Thread, list, threading.Event]:
    """Start a writer taking the lock in a thread; return it once it has said it waits (or
    after 2 s), with what it said and the event it sets once it holds the lock."""
    said, got = [], threading.Event()

    def second():
        with transaction.DataLock(folder, on_wait=said.append):
            got.set()

    thread = threading.Thread(target=second)
    thread.start()
    for _ in range(200):
        if said:
            break
        threading.Event().wait(0.01)
    return thread, said, got


def test_the_lock_makes_a_second_writer_wait_and_says_so(folder):
    with transaction.DataLock(folder):
        thread, said, got = second_writer(folder)
        # Not "waiting for process <its own id>", which read as a process waiting for itself.
        assert said and f"waiting for another thread of this process ({os.getpid()})" in said[0]
        assert not got.is_set(), "the second writer went ahead while the lock was held"
    thread.join(10)
    assert got.is_set()


def test_a_holder_that_has_not_written_its_id_is_another_process(folder):
    # Caught between its lock and its id, the first of two adds at once was "process another".
    fd = os.open(folder / transaction.LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        assert file_locks.take(fd, fcntl.F_WRLCK, data_folder._WRITERS)
        thread, said, got = second_writer(folder)
        assert said and said[0].startswith("waiting for another process, which is changing")
    finally:
        os.close(fd)
    thread.join(10)
    assert got.is_set()


# --- readers and commits: data_folder.reading and data_folder.changing --------------------------

def hold(folder, how: str) -> subprocess.Popen:
    """Start a process holding ``folder`` (``how``: "reading", or "changing" with the writers'
    lock too) until it is killed; return it once it holds it."""
    code = ("import sys, time; from pathlib import Path; from alliance_graph.build import "
            "data_folder as d; f = Path(sys.argv[1])\n"
            + ("with d.reading(f):\n" if how == "reading" else
               "with d.DataLock(f), d.changing(f):\n")
            + "    print('held', flush=True); time.sleep(600)\n")
    process = subprocess.Popen([sys.executable, "-c", code, str(folder)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "held\n"
    return process


def let_go(process: subprocess.Popen) -> None:
    """Kill a process ``hold`` started (kill -9: no lock outlives its process)."""
    process.kill()
    process.wait()
    process.stdout.close()


def test_a_commit_waits_for_a_reader_and_says_so_then_goes_ahead(folder):
    reader = hold(folder, "reading")
    said, done = [], threading.Event()

    def add():
        with transaction.DataLock(folder):
            transaction.commit(folder, {folder / n: t for n, t in NEW.items()}, said.append)
        done.set()
    writer = threading.Thread(target=add)
    try:
        writer.start()
        assert not done.wait(0.5), "the commit renamed files under a reader"
        assert said == [f"waiting for the commands reading {folder} to finish ..."]
        assert (folder / "one.ttl").read_text("utf-8") == "<urn:a> <urn:b> 1 .\n"
    finally:
        let_go(reader)
    assert done.wait(10) and files(folder) == NEW
    writer.join()


def test_a_stuck_reader_holds_a_commit_off_for_a_while_not_forever(folder, monkeypatch):
    monkeypatch.setattr(data_folder, "COMMIT_WAIT", 0.3)
    before = files(folder)
    reader = hold(folder, "reading")
    os.kill(reader.pid, signal.SIGSTOP)
    try:
        with transaction.DataLock(folder), pytest.raises(transaction.CommitError) as refused:
            transaction.commit(folder, {folder / n: t for n, t in NEW.items()})
    finally:
        let_go(reader)
    assert str(refused.value).startswith(f"nothing changed: commands reading {folder} held it")
    assert files(folder) == before, "no file changed, no temporary file left"


def test_a_reader_waits_for_a_commit_under_way_and_names_its_process(folder, monkeypatch):
    writer = hold(folder, "changing")
    said = []
    try:
        monkeypatch.setattr(data_folder, "READ_WAIT", 0.3)
        with pytest.raises(transaction.Busy, match=f"locked by process {writer.pid}"):
            with transaction.reading(folder, on_wait=said.append):
                pass
        assert said == [f"waiting for process {writer.pid}, which is changing {folder} ..."]
    finally:
        let_go(writer)  # kill -9 while it holds the folder
    with transaction.reading(folder):
        pass


def test_a_build_reading_data_behind_a_commit_says_it_waits(folder, monkeypatch, caplog):
    # Regression: the build's reading of data/ (query, check, serve, a notebook's load) gave
    # no on_wait, so a command behind a commit (itself waiting up to two minutes for a stuck
    # reader) printed nothing until it gave up five minutes later.  Now the wait is a warning
    # on a logger of ours, which Python prints to stderr when nothing else is configured.
    writer = hold(folder, "changing")
    try:
        monkeypatch.setattr(data_folder, "READ_WAIT", 0.3)
        with pytest.raises(loading.LoadError, match=f"locked by process {writer.pid}"):
            loading.load_files([(folder / "one.ttl", "data/one.ttl")])
    finally:
        let_go(writer)
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("alliance_graph.data", "WARNING",
         f"waiting for process {writer.pid}, which is changing {folder} ...")]


def test_a_reader_finishes_the_commit_of_an_add_killed_after_its_journal(folder):
    # Killed holding the folder, between its journal and its renames: the reader that then
    # gets the folder finds the journal and rolls it forward before it reads.
    done = subprocess.run([sys.executable, "-c", (
        "import sys; from pathlib import Path; from alliance_graph.proposals import "
        "transaction as t; d = Path(sys.argv[1]); t.commit(d, {d / n: s for n, s in "
        f"{NEW!r}.items()}})"), str(folder)], timeout=60,
        env=dict(os.environ, **{transaction.KILL_AT_STEP: "4"}))
    assert done.returncode == -signal.SIGKILL and (folder / transaction.JOURNAL).exists()
    with transaction.reading(folder):
        assert files(folder) == NEW


def test_readers_arriving_while_a_commit_waits_wait_behind_it(folder):
    # Else readers coming one after another, each before the last is done, hold it off.
    first = hold(folder, "reading")
    committed, waits, later = threading.Event(), threading.Event(), []

    def add():
        with transaction.DataLock(folder):
            transaction.commit(folder, {folder / n: t for n, t in NEW.items()},
                               lambda said: waits.set())
        committed.set()

    def read():
        with transaction.reading(folder):
            later.append(committed.is_set())
    writer = threading.Thread(target=add)
    writer.start()
    # The commit waits for the first reader, its place in the queue taken: waited for, not
    # slept on (a writer thread that had not taken its place 0.3 s on let the reader by).
    assert waits.wait(30), "the commit did not wait for the first reader"
    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.3)
    assert not later, "a reader went ahead of the waiting commit"
    let_go(first)
    for thread in (writer, reader):
        thread.join(10)
    assert later == [True]


def test_a_reader_leaves_nothing_in_the_folder_and_reads_a_read_only_one(folder):
    # A reader's lock is the folder's own: fixtures and a read-only data folder stay as they are.
    with transaction.reading(folder):
        assert sorted(p.name for p in folder.iterdir()) == ["one.ttl", "two.ttl"]
    os.chmod(folder, 0o555)
    try:
        with transaction.reading(folder):
            assert files(folder)
    finally:
        os.chmod(folder, 0o755)
    with transaction.reading(folder / "missing"):
        pass


@pytest.mark.parametrize("kind", ["link", "pipe"])
def test_a_lock_file_that_is_a_link_or_a_pipe_is_refused_and_what_it_names_kept(folder, tmp_path,
                                                                               kind):
    # A link: add wrote its process id into the file the link named, truncated first (any
    # file its user may write).  A pipe: add failed on "[Errno 22] Invalid argument".
    named = tmp_path / "notes.txt"
    named.write_text("kept\n", "utf-8")
    lock = folder / transaction.LOCK
    lock.symlink_to(named) if kind == "link" else os.mkfifo(lock)
    with pytest.raises(transaction.CommitError, match=(
            f"cannot lock {folder}: {transaction.LOCK} is not a regular file .* move it away")):
        with transaction.DataLock(folder):
            pass
    assert named.read_text("utf-8") == "kept\n"
    with transaction.reading(folder):  # a reader reads on (no writer can take that lock)
        assert sorted(files(folder)) == ["one.ttl", "two.ttl"]


def test_without_file_locks_readers_and_commits_go_on_as_before_them(folder, monkeypatch):
    # A file system that has no flock (some network and FUSE ones) answers ENOLCK: every
    # command reading data/ there failed on it.
    def no_locks(fd, operation):
        raise OSError(errno.ENOLCK, "No locks available")
    monkeypatch.setattr(data_folder.fcntl, "flock", no_locks)
    with transaction.reading(folder):
        assert sorted(files(folder)) == ["one.ttl", "two.ttl"]
    with transaction.DataLock(folder):
        transaction.commit(folder, {folder / n: t for n, t in NEW.items()})
    assert files(folder) == NEW


def test_a_journal_that_cannot_be_read_fails_the_load_naming_it(folder):
    (folder / transaction.JOURNAL).mkdir()
    with pytest.raises(loading.LoadError) as failed:
        loading.load_files([(folder / "one.ttl", "data/one.ttl"), (folder / "two.ttl",
                                                                   "data/two.ttl")])
    assert str(failed.value) == (f"{folder}: cannot be read: [Errno 21] Is a directory: "
                                 f"'{folder / transaction.JOURNAL}'")


# A write of this program into data/ (``export -o data/all.ttl``: ``atomic.write_output``),
# held (flock) from its temporary file's making to its rename, stopped mid-write until the
# test lets it go on.
_EXPORTING = """
import sys
from pathlib import Path
from alliance_graph import atomic

def write(out):
    out.write(b"<urn:a> <urn:b> 4 .\\n")
    out.flush()
    print("writing", flush=True)
    sys.stdin.readline()

atomic.write_output(Path(sys.argv[1]), write)
"""


def test_a_write_of_ours_under_way_in_the_data_folder_is_not_taken_for_a_leftover(folder):
    # Its .all.ttl.<12 hex>.tmp, a name a killed write leaves too, was removed by the next
    # command's settling while the export still wrote it: the export then failed at its
    # rename.  One held is under way; what a killed one left, held by nobody, still goes.
    writer = subprocess.Popen([sys.executable, "-c", _EXPORTING, str(folder / "all.ttl")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    killed = folder / ".one.ttl.0123456789ab.tmp"
    try:
        assert writer.stdout.readline() == "writing\n"
        killed.write_text("what a killed write left", "utf-8")
        assert transaction.settle(folder) == [
            "removed 1 temporary file(s) an interrupted write left"]
        assert not killed.exists()
        writer.stdin.write("go on\n")
        writer.stdin.close()
        assert writer.wait(timeout=60) == 0, writer.stderr.read()
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.wait()
        for pipe in (writer.stdin, writer.stdout, writer.stderr):
            pipe.close()
    assert (folder / "all.ttl").read_text("utf-8") == "<urn:a> <urn:b> 4 .\n"
    assert sorted(files(folder)) == ["all.ttl", "one.ttl", "two.ttl"]


def test_a_commit_through_a_link_into_another_folder_keeps_its_file_while_that_one_settles(
        tmp_path):
    # A data file linked into another project's data folder is written beside the file it
    # names, there; that folder's own commands took the commit's temporary file, not held, for
    # a killed write's leftover while the commit waited for its readers, and removed it: the
    # commit then failed "only partly replaced", and its roll forward renamed the other files
    # and not that one, whose fact was lost.
    mine, theirs = tmp_path / "a" / "data", tmp_path / "b" / "data"
    mine.mkdir(parents=True)
    theirs.mkdir(parents=True)
    (theirs / "events.ttl").write_text("<urn:a> <urn:b> 1 .\n", "utf-8")
    (mine / "events.ttl").symlink_to(theirs / "events.ttl")
    (mine / "base.ttl").write_text("<urn:a> <urn:b> 2 .\n", "utf-8")
    new = {"events.ttl": "<urn:a> <urn:b> 10 .\n", "base.ttl": "<urn:a> <urn:b> 20 .\n"}
    reader = hold(mine, "reading")
    failed, done = [], threading.Event()

    def add():
        try:
            with transaction.DataLock(mine):
                transaction.commit(mine, {mine / n: t for n, t in new.items()})
        except transaction.CommitError as exc:
            failed.append(str(exc))
        done.set()
    writer = threading.Thread(target=add)
    try:
        writer.start()
        deadline = time.monotonic() + 10
        while not list(theirs.glob(".events.ttl.*.tmp")) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert list(theirs.glob(".events.ttl.*.tmp")), "the commit wrote nothing beside"
        settled = subprocess.run(  # the other project's command, settling its own folder
            [sys.executable, "-c", "import sys; from pathlib import Path; from alliance_graph"
             ".proposals import transaction; print(transaction.settle(Path(sys.argv[1])))",
             str(theirs)], capture_output=True, text=True, timeout=60)
        assert settled.returncode == 0, settled.stderr
        assert settled.stdout == "[]\n"
    finally:
        let_go(reader)
    assert done.wait(10) and not failed
    writer.join()
    assert (mine / "events.ttl").is_symlink()
    assert (theirs / "events.ttl").read_text("utf-8") == new["events.ttl"]
    assert (mine / "base.ttl").read_text("utf-8") == new["base.ttl"]
    assert not list(theirs.glob(".*.tmp")) and not list(mine.glob(".*.tmp"))
