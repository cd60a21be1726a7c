"""``query`` and ``serve --get`` in a child process: Oxigraph aborting it told in one line, and
the command otherwise ending as it did (its answer, its exit code, its signals)."""

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest

from alliance_graph.cli import crash_guard
from helpers import CRASHER, until

COMMAND = str(Path(sys.executable).parent / "alliance-graph")
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# Backtraces on, as this machine's environment has them: the panic's 33 frames were printed.
BACKTRACES = {**os.environ, "RUST_BACKTRACE": "1"}


def child_of(pid: int) -> int | None:
    """Return the process ``pid`` forked (its one child), None while it has none."""
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    return int(found[0]) if found else None


def querying(query: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([COMMAND, "query", query], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kwargs)


def test_a_query_oxigraph_aborts_on_is_an_error_in_one_line_and_exit_1_not_a_backtrace():
    done = subprocess.run([COMMAND, "query", CRASHER], capture_output=True, text=True,
                          env=BACKTRACES, timeout=120)
    assert done.returncode == 1, done
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("error: query failed: the query engine, Oxigraph, crashed "
                           "(user-provided comparison function does not correctly implement a "
                           "total order): Oxigraph 0.5 crashes, for one, ordering values"), line
    assert "ORDER BY STR(?x)" in line


def test_serve_get_of_a_query_oxigraph_aborts_on_is_an_error_in_one_line_and_exit_1():
    path = "/sparql?" + urllib.parse.urlencode({"query": CRASHER})
    done = subprocess.run([COMMAND, "serve", "--get", path], capture_output=True, text=True,
                          env=BACKTRACES, timeout=120)
    assert done.returncode == 1, done
    [line] = done.stderr.splitlines()
    assert line.startswith("error: --get failed: the query engine, Oxigraph, crashed "
                           "(user-provided comparison function"), line


def test_a_query_that_runs_writes_its_answer_and_its_notes_as_before():
    # The notes go to standard error, moved in the child off descriptor 2 (Rust's).
    done = subprocess.run([COMMAND, "query", "SELECT ?l { id:IronDome rdfs:label ?l . "
                           "?x ag:noSuchPropertyHere ?y }"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done
    assert done.stdout.endswith("(0 rows)\n")
    assert "note: " in done.stderr and "noSuchPropertyHere" in done.stderr, done.stderr
    assert subprocess.run([COMMAND, "query", "SELECT ?l {"], capture_output=True,
                          timeout=120).returncode == 1


def test_a_signal_sent_to_the_command_is_passed_on_to_the_query_and_ends_it_so():
    # `timeout`, `kill`, a supervisor: sent to the process started, which waits for its child.
    process = querying(ENDLESS)
    try:
        assert until(lambda: child_of(process.pid), 60)
        child = child_of(process.pid)
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == -signal.SIGTERM
    assert until(lambda: not Path(f"/proc/{child}").exists(), 10)


def test_a_sigint_sent_to_the_command_alone_interrupts_the_query_exit_130():
    process = querying(ENDLESS)
    try:
        assert until(lambda: child_of(process.pid), 60)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert (process.returncode, err) == (130, b"interrupted\n")


def test_ctrl_c_at_a_terminal_reaches_both_and_is_said_once_exit_130():
    # The terminal signals its whole foreground group, and the command passes it on too.
    leader, follower = pty.openpty()
    process = subprocess.Popen([COMMAND, "query", ENDLESS], stdin=follower, stdout=follower,
                               stderr=follower, start_new_session=True,
                               preexec_fn=lambda: __import__("fcntl").ioctl(
                                   0, __import__("termios").TIOCSCTTY, 0))
    os.close(follower)
    said = b""
    try:
        assert until(lambda: child_of(process.pid), 60)
        time.sleep(0.3)  # the child at its query (a Ctrl-C before it is the same ending)
        os.write(leader, b"\x03")
        assert process.wait(timeout=30) == 130
        while True:
            try:
                piece = os.read(leader, 4096)
            except OSError:  # EIO: every end of the terminal closed
                break
            if not piece:
                break
            said += piece
    finally:
        process.kill()
        os.close(leader)
    assert said.replace(b"^C", b"").strip() == b"interrupted", said


def test_a_sigint_to_the_process_group_is_one_interruption_exit_130():
    # Sent to the group (`kill -INT -PGID`, `timeout -s INT`), the child has its own and the
    # one passed on: the second, landing as it answered the first, was click's "Aborted!",
    # exit 1, three times in fifteen.  Sent as the child starts, and as it loads the graph.
    for delay in (0.0, 0.05) * 4:
        process = querying(ENDLESS, start_new_session=True)
        try:
            assert until(lambda pid=process.pid: child_of(pid), 60)
            time.sleep(delay)
            os.killpg(process.pid, signal.SIGINT)
            _, err = process.communicate(timeout=30)
        finally:
            process.kill()
        assert (process.returncode, err) == (130, b"interrupted\n"), delay


def test_the_query_dies_with_the_command_killed():
    process = querying(ENDLESS)
    try:
        assert until(lambda: child_of(process.pid), 60)
        child = child_of(process.pid)
        process.kill()
        process.communicate(timeout=30)
        assert until(lambda: not Path(f"/proc/{child}").exists()
                     or Path(f"/proc/{child}/stat").read_text().split(")")[1].split()[0] == "Z",
                     10)
    finally:
        process.kill()


def test_a_query_killed_ends_the_command_by_the_same_signal():
    # The kernel's out-of-memory killer, a user's kill -9 of the child: as before the fork.
    process = querying(ENDLESS)
    try:
        assert until(lambda: child_of(process.pid), 60)
        os.kill(child_of(process.pid), signal.SIGKILL)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert (process.returncode, err) == (-signal.SIGKILL, b"")


@pytest.mark.parametrize("written, said", [
    # pyoxigraph 0.5.13's Rust: the thread's id after its name, the message on the next line.
    ("thread '<unnamed>' (4916) panicked at /rustc/58cf/library/core/src/slice/sort/shared/"
     "smallsort.rs:854:5:\nuser-provided comparison function does not correctly implement a "
     "total order\nstack backtrace:\n   0: __rustc::rust_begin_unwind\n",
     "user-provided comparison function does not correctly implement a total order"),
    ("thread 'main' panicked at src/main.rs:2:5:\nexplicit panic\nnote: run with "
     "`RUST_BACKTRACE=1` environment variable to display a backtrace\n", "explicit panic"),
    ("thread 'main' panicked at 'explicit panic', src/main.rs:2:5\n", "explicit panic"),
    ("thread 'main' panicked at src/main.rs:2:5:\nnote: run with `RUST_BACKTRACE=1`\n", ""),
    ("Fatal Python error: Aborted\n\nCurrent thread 0x1 (most recent call first):\n", None),
    ("", None),
])
def test_a_panic_is_read_from_what_descriptor_2_was_written(written, said):
    assert crash_guard._panic(written) == said


def test_what_else_descriptor_2_was_written_is_passed_on_with_the_exit_code(capfd):
    with tempfile.TemporaryFile() as capture:
        capture.write(b"a C library's warning\n")
        assert crash_guard._ended(3 << 8, capture, "query failed") == 3  # exit 3
    assert capfd.readouterr().err == "a C library's warning\n"


def test_a_warning_logged_in_the_child_is_written_as_it_comes_not_at_the_end(tmp_path):
    # serve's log handler, made before the fork, wrote to descriptor 2, the child's capture:
    # `serve --get` waiting for data/ to be changed said so only once it had ended.
    from alliance_graph.build import data_folder

    data = tmp_path / "data"
    shutil.copytree(Path(__file__).parents[1] / "data", data)
    with data_folder.changing(data):
        process = subprocess.Popen(
            [COMMAND, "--data", str(data), "--cache", str(tmp_path / "cache"), "serve",
             "--get", "/sparql?query=ASK%7B%7D"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            # (a minute: a loaded machine's start; unsaid, it waits for data/ 300 s)
            assert select.select([process.stderr], [], [], 60)[0], "not said as it waits"
            line = process.stderr.readline()  # (ended early: b"")
            assert process.poll() is None, line  # said while it waits, not at its end
        finally:
            process.kill()
            process.communicate()
    assert b"WARNING alliance_graph.data: waiting for process" in line, line


def state(pid: int) -> str:
    """Return the state letter of process ``pid`` (R running, S sleeping, T stopped...)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def test_a_command_stopped_and_continued_goes_on_as_it_was():
    # `kill -STOP`, then `kill -CONT`, or a Ctrl-Z and fg.  Stopped longer than its wait's
    # timeout, the command's sigtimedwait returned a signal nobody sent (SIGHUP), passed on:
    # the query ended "Hangup", exit 129.
    process = querying(ENDLESS)
    try:
        assert until(lambda: child_of(process.pid), 60)
        process.send_signal(signal.SIGSTOP)
        assert until(lambda: state(process.pid) == "T", 30)
        time.sleep(0.6)  # a user's pause, longer than the command's old look (0.5 s)
        process.send_signal(signal.SIGCONT)
        assert until(lambda: state(process.pid) != "T", 30)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert (process.returncode, err) == (130, b"interrupted\n")


def test_a_command_started_with_sigchld_ignored_ends_as_its_query():
    # An ignored SIGCHLD (inherited through exec) reaped the child unseen: the answer, then
    # "error: ... No child processes", exit 2.
    done = subprocess.run(
        [sys.executable, "-c", "import os, signal, sys; signal.signal(signal.SIGCHLD, "
         "signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])", COMMAND, "query", "ASK{}"],
        capture_output=True, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (0, b"true\n", b"")


def test_a_crash_with_standard_error_closed_is_still_exit_1():
    # `2>&-`: the capture took descriptor 2, and the child closed it as its own: the panic
    # was written to no file, or into the next one opened, and the command ended 134.
    done = subprocess.run([COMMAND, "query", CRASHER], stdout=subprocess.PIPE,
                          preexec_fn=lambda: os.close(2), timeout=120)
    assert (done.returncode, done.stdout) == (1, b"")


def test_a_catalogue_query_oxigraph_aborts_on_is_an_error_in_one_line_and_exit_1(tmp_path):
    # A project's own queries/ holds queries its user wrote: catalogue ran them in process,
    # Rust's panic and backtrace, exit 134.
    root = Path(__file__).parents[1]
    for folder in ("ontology", "data", "queries"):  # (another project: its graph is built)
        shutil.copytree(root / folder, tmp_path / folder)
    (tmp_path / "queries" / "zz-mixed.rq").write_text(f"# Mixed\n# Ordered.\n{CRASHER}\n")
    done = subprocess.run([COMMAND, "--project", str(tmp_path), "catalogue", "--update"],
                          capture_output=True, text=True, env=BACKTRACES, timeout=120)
    assert done.returncode == 1, done
    [line] = done.stderr.splitlines()
    assert line.startswith("error: catalogue failed: the query engine, Oxigraph, crashed "
                           "(user-provided comparison function"), line


def test_the_query_stopped_stops_the_command_and_goes_on_with_it():
    # A shell waits on the command: with its query stopped (`kill -STOP`, the terminal's
    # SIGTTOU) it saw the job running; a `kill -TSTP` of the command stopped it alone.
    process = querying(ENDLESS)
    try:
        assert until(lambda: child_of(process.pid), 60)
        child = child_of(process.pid)
        os.kill(child, signal.SIGSTOP)
        assert until(lambda: state(process.pid) == "T", 10)
        process.send_signal(signal.SIGCONT)  # (fg, or bg)
        assert until(lambda: "T" not in (state(process.pid), state(child)), 10)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert (process.returncode, err) == (130, b"interrupted\n")


def test_the_capture_is_in_memory_so_no_temporary_folder_can_cost_it():
    # A temporary folder full or unwritable (root passes any permission, so not tried here)
    # failed the command, exit 2, or dropped the panic's words.
    with crash_guard._capture() as capture:
        assert os.readlink(f"/proc/self/fd/{capture.fileno()}").startswith("/memfd:")
        capture.write(b"kept\n")
        capture.seek(0)
        assert capture.read() == b"kept\n"
