"""Store backends: the same answers from memory, directory and remote stores; the directory
store's reuse, rebuild and crash safety."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest

import alliance_graph as ag
from alliance_graph.build import pipeline as build
from alliance_graph.query import export, stats
from alliance_graph.query import results as queries
from alliance_graph.store import backends, directory
from alliance_graph.store import graph as store
from alliance_graph.store.errors import StoreError
from helpers import normalized

# A fixed mix touching every query form, named graphs, the inferred graph and blank nodes;
# the query catalogue's suite (tests/test_catalogue.py) runs its queries over backend_kg too.
FIXED_QUERIES = {
    "claims-by-predicate": "SELECT ?p (COUNT(?c) AS ?n) WHERE { ?c a ag:Claim ; rdf:predicate ?p }"
                           " GROUP BY ?p",
    "quotes": "SELECT ?claim ?quote WHERE { ?claim prov:wasDerivedFrom ?ev . "
              "?ev oa:hasSelector [ oa:exact ?quote ] }",
    "triples-per-graph": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "ask-claims": "ASK { ?c a ag:Claim }",
    "construct-labels": "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l }",
}


@pytest.mark.parametrize("name", sorted(FIXED_QUERIES))
@pytest.mark.parametrize("inferred", [False, True], ids=["asserted", "inferred"])
def test_backends_answer_like_memory(backend_kg, kg, name, inferred):
    expected = normalized(kg.query(FIXED_QUERIES[name], inferred=inferred))
    assert expected not in ([], ["False"]), "the fixed query must find something to compare"
    assert normalized(backend_kg.query(FIXED_QUERIES[name], inferred=inferred)) == expected


def test_backends_have_the_same_graphs_stats_and_export(backend_kg, kg):
    assert backend_kg.asserted == kg.asserted and backend_kg.inferred == kg.inferred
    assert stats.compute(backend_kg) == stats.compute(kg)
    ours = export.export(backend_kg, "nq", inferred=True).decode()
    assert normalized(ours.splitlines()) == normalized(
        export.export(kg, "nq", inferred=True).decode().splitlines())


def test_backend_query_errors_are_query_errors(backend_kg):
    with pytest.raises(queries.QueryError):
        queries.run(backend_kg, "SELECT ?x WHERE { ?x ")


def test_directory_store_is_reused_until_the_inputs_change(mini, monkeypatch):
    folder = mini.cache_dir / "store"
    first = directory.build_directory(mini, folder)
    assert directory.current_build(folder) == first

    # Same inputs: reopening must not build the store again (nor run the pipeline).
    def no_build(*args):
        raise AssertionError("the directory store was rebuilt although its inputs did not change")
    monkeypatch.setattr(directory, "_build_in", no_build)
    monkeypatch.setattr(build, "build_quads", no_build)
    kg = store.load(mini.with_(store=str(folder)))
    assert bool(kg.query("ASK { ?c a ag:Claim }"))
    monkeypatch.undo()

    data = sorted(mini.data_dir.glob("*.ttl"))[0]
    data.write_text(data.read_text() + "\n# an edit changes the inputs' hash\n")
    second = directory.build_directory(mini, folder)
    assert second != first and directory.current_build(folder) == second
    assert sorted(p.name for p in folder.iterdir()) == [
        directory.NAMING_LOCK, "CURRENT", f"build-{second}"]


@pytest.mark.parametrize("backend", ["memory", "directory"])
def test_a_graph_s_version_is_the_build_it_opened_though_the_inputs_change_after(mini, backend):
    # An engine process started under a server (a standby) opened the build, then hashed the
    # inputs again for its version: a file edited in between (before `load` of the new state)
    # stamped the old build with the new version, and once that engine answered, /status
    # named the new build while every answer was the old one's.
    settings = mini.with_(store="memory" if backend == "memory" else str(mini.root / "store"))
    kg = store.load(settings)
    opened = build.input_hash(settings)[:32]
    data = sorted(mini.data_dir.glob("*.ttl"))[0]
    data.write_text(data.read_text() + "\n# an edit changes the inputs' hash\n")
    assert build.input_hash(settings)[:32] != opened
    assert backends.dataset_version(settings, kg) == opened
    again, version = backends.reopen_graph(settings)  # the last build, the new one not made
    assert version == backends.dataset_version(settings, again) == opened


@pytest.mark.parametrize("backend", ["memory", "directory"])
def test_an_engine_restarted_under_a_server_opens_the_build_it_chose(mini, backend,
                                                                    monkeypatch):
    # It chose the current inputs' build (made), then opened "the current build": a file
    # edited in between was built by the engine itself, and the server followed that build,
    # which no `load` had made.  Here the edit lands right after the choice.
    settings = mini.with_(store="memory" if backend == "memory" else str(mini.root / "store"))
    backends.prepare(settings)
    made = build.input_hash(settings)[:32]
    data = sorted(mini.data_dir.glob("*.ttl"))[0]
    hash_inputs = build.input_hash

    def edited_after(s):
        digest = hash_inputs(s)
        data.write_text(data.read_text() + "\n# edited while the engine starts\n")
        monkeypatch.setattr(build, "input_hash", hash_inputs)
        return digest

    def no_build(*args):
        raise AssertionError("an engine under a server ran the pipeline")
    monkeypatch.setattr(build, "input_hash", edited_after)
    monkeypatch.setattr(build, "build_quads", no_build)
    monkeypatch.setattr(directory, "_build_in", no_build)
    kg, version = backends.reopen_graph(settings)
    assert version == made == backends.dataset_version(settings, kg)
    assert bool(kg.query("ASK { ?c a ag:Claim }"))


def test_a_failed_build_leaves_the_previous_store_in_use(mini, monkeypatch):
    folder = mini.cache_dir / "store"
    first = directory.build_directory(mini, folder)
    data = sorted(mini.data_dir.glob("*.ttl"))[0]
    data.write_text(data.read_text() + "\n# changed\n")

    def half_fill(target, nquads):
        # Write part of the new store, then fail as a full disk or a crash would.
        target.add(ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("half")))
        raise OSError("simulated failure mid-build")
    monkeypatch.setattr(directory, "_fill", half_fill)
    with pytest.raises(OSError, match="mid-build"):
        directory.build_directory(mini, folder)
    assert directory.current_build(folder) == first
    assert not list(folder.glob(".tmp-*")), "the half-built store must be removed"
    reopened = ox.Store.read_only(str(folder / f"build-{first}"))
    assert not bool(reopened.query('ASK { GRAPH ?g { ?s ?p "half" } }'))
    assert bool(reopened.query("ASK { GRAPH ?g { ?c a <https://alliance-graph.example/ontology/Claim> } }"))


def _truncate_a_table(build: Path) -> None:
    table = max(build.glob("*.sst"), key=lambda f: f.stat().st_size)
    with table.open("r+b") as f:
        f.truncate(table.stat().st_size // 2)


def _lose_the_manifest(build: Path) -> None:
    for manifest in build.glob("MANIFEST-*"):
        manifest.unlink()


def _empty_the_build(build: Path) -> None:
    for entry in build.iterdir():
        entry.unlink()


def _overwrite_with_garbage(build: Path) -> None:
    # What a disk error or a hand edit leaves behind.
    for entry in build.iterdir():
        entry.write_bytes(b"garbage")


@pytest.mark.parametrize("damage", [_truncate_a_table, _lose_the_manifest, _empty_the_build,
                                    _overwrite_with_garbage])
@pytest.mark.parametrize("repair", ["open", "load"])
def test_a_build_that_no_longer_opens_is_built_again(mini, damage, repair):
    # `load` said the store served the build, while every command failed to open it
    # ("Corruption: Sst file size mismatch") until the folder was deleted by hand.
    folder = mini.cache_dir / "store"
    digest = directory.build_directory(mini, folder)
    claims = "ASK { GRAPH ?g { ?c a <https://alliance-graph.example/ontology/Claim> } }"
    damage(folder / f"build-{digest}")
    with pytest.raises(StoreError, match="builds it again from the inputs"):
        directory.open_build(folder, digest)
    if repair == "load":
        assert backends.load_into_store(mini.with_(store=str(folder))).endswith(digest)
        assert bool(directory.open_build(folder, digest).query(claims))
    else:
        assert bool(directory.open_directory(mini, folder).query(claims))
    assert directory.current_build(folder) == digest


_KILLED_BUILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from alliance_graph.store import directory
    from alliance_graph.settings import Settings

    def stuck_fill(target, nquads):
        target.bulk_load(path=str(nquads), format=directory.ox.RdfFormat.N_QUADS)
        print("half-built", flush=True)
        time.sleep(60)   # killed here, with the new store half written

    directory._fill = stuck_fill
    root = Path(sys.argv[1])
    settings = Settings(root=root, ontology_dir=root / "ontology", data_dir=root / "data",
                        cache_dir=root / "cache")
    directory.build_directory(settings, Path(sys.argv[2]))
""")


def test_what_a_command_killed_while_naming_its_build_left_is_removed_by_the_next(mini):
    # write_atomically's temporary CURRENT file, left by a kill before its rename, stayed
    # in the store folder for good: no clean-up looked for it.
    folder = mini.cache_dir / "store"
    settings = mini.with_(stale_cache_seconds=60)
    directory.build_directory(settings, folder)
    left, fresh = folder / ".CURRENT.0123456789ab.tmp", folder / ".CURRENT.ba9876543210.tmp"
    left.write_text("0" * 32 + "\n")  # however new: held by nobody, its writer is dead
    fresh.write_text("0" * 32 + "\n")  # another command's, being written now: held by it
    data = sorted(mini.data_dir.glob("*.ttl"))[0]
    data.write_text(data.read_text() + "\n# an edit changes the inputs' hash\n")
    with open(fresh, "rb") as writing:
        fcntl.flock(writing, fcntl.LOCK_EX)
        second = directory.build_directory(settings, folder)
    assert sorted(p.name for p in folder.iterdir()) == [
        fresh.name, directory.NAMING_LOCK, "CURRENT", f"build-{second}"]


def test_a_killed_build_leaves_the_previous_store_usable(mini):
    folder = mini.cache_dir / "store"
    first = directory.build_directory(mini, folder)
    data = sorted(mini.data_dir.glob("*.ttl"))[0]
    data.write_text(data.read_text() + "\n# changed\n")
    child = subprocess.Popen([sys.executable, "-c", _KILLED_BUILD, str(mini.root), str(folder)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "half-built"
        assert list(folder.glob(".tmp-*")), "the child should be writing a temporary store"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
    assert directory.current_build(folder) == first
    kg = store.load(mini.with_(store=str(folder)))
    # The edit is in the inputs, so load rebuilds (clearing the dead build's leftovers) ...
    assert bool(kg.query("ASK { ?c a ag:Claim }"))
    assert directory.current_build(folder) != first
    assert not list(folder.glob(".tmp-*"))


def test_a_folder_that_is_not_a_directory_store_is_refused_and_left_alone(mini, tmp_path):
    # A folder with someone else's build-* entry: old builds' clean-up deleted it.
    mine = tmp_path / "mine"
    (mine / "build-scripts").mkdir(parents=True)
    (mine / "build-scripts" / "deploy.sh").write_text("x")
    with pytest.raises(StoreError, match="is not an alliance-graph directory store"):
        directory.build_directory(mini, mine)
    assert (mine / "build-scripts" / "deploy.sh").read_text() == "x"
    # Another program's Oxigraph store: its own CURRENT file was overwritten, corrupting it.
    theirs = tmp_path / "theirs"
    other = ox.Store(str(theirs))
    other.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.Literal("c")))
    other.flush()
    del other
    with pytest.raises(StoreError, match="is not an alliance-graph directory store"):
        directory.build_directory(mini, theirs)
    assert len(ox.Store.read_only(str(theirs))) == 1


@pytest.mark.parametrize("spec", ["", " ", " memory", "memory ", "MEMORY", "ftp://x/y",
                                  "http:/localhost:7878/query", "localhost:7878/query", "~/s",
                                  # An address with no scheme, a scheme with no colon: each
                                  # was a folder, the command answering from a store built
                                  # here as if from the remote one.
                                  "127.0.0.1:7878/query", "10.0.0.5:8890", "[::1]:7878/query",
                                  "http//127.0.0.1:7878/query", "HTTPS//store.example/sparql"])
def test_a_store_value_that_is_likely_a_slip_is_refused(spec):
    # Each named a folder to make a store in (an empty one: the current folder).
    with pytest.raises(StoreError, match=re.escape(f"Settings(store={spec!r})")):
        backends.kind(spec)


@pytest.mark.parametrize("spec", ["./127.0.0.1:7878/query", "1.2.3.4", "http/data", "https"])
def test_a_folder_named_like_an_address_is_one_written_as_a_path(spec):
    assert backends.kind(spec) == "directory"


@pytest.mark.parametrize("spec", ["Memory", " x", "http://h:99999/q", "https://",
                                  "http://u:s3cret@h/q"])
def test_a_store_slip_names_the_setting_to_a_facade_caller_not_an_option(mini, spec):
    # ag.load(Settings(store="Memory")) was told of "--store 'Memory'", which it cannot give.
    with pytest.raises(ag.StoreError) as refused:
        ag.load(mini.with_(store=spec))
    said = str(refused.value)
    assert "Settings(store=" in said or "Settings.store " in said, said
    assert "--" not in said and "s3cret" not in said, said


def test_a_folder_another_program_uses_names_the_setting_to_a_facade_caller(mini, tmp_path):
    folder = tmp_path / "theirs"
    folder.mkdir()
    (folder / "notes.txt").write_text("x")
    with pytest.raises(ag.StoreError) as refused:
        ag.load(mini.with_(store=str(folder)))
    said = str(refused.value)
    assert "give Settings.store a new or empty folder" in said and "--" not in said, said


def test_a_build_that_does_not_open_names_the_call_that_builds_it_again(mini):
    folder = mini.cache_dir / "store"
    digest = directory.build_directory(mini, folder)
    _overwrite_with_garbage(folder / f"build-{digest}")
    with pytest.raises(StoreError) as refused:
        directory.open_build(folder, digest)
    said = str(refused.value)
    assert "alliance_graph.store.backends.load_into_store(settings) builds it again" in said
    assert "--store" not in said and "alliance-graph " not in said, said


def test_the_document_for_a_bulk_loader_says_which_setting_names_the_store(mini, tmp_path):
    said = backends.write_remote_document(mini, tmp_path / "all.nq")
    assert said.endswith("then point Settings.store at its query URL"), said


def test_the_document_for_a_bulk_loader_says_a_nan_virtuoso_cannot_keep(mini, tmp_path):
    # `load` into a Virtuoso refuses a NaN, which breaks its indexes; `load --nquads` wrote it
    # for a bulk loader without a word.
    with open(mini.ontology_dir / "core.ttl", "a", encoding="utf-8") as f:
        f.write('\nag: rdfs:comment "NaN"^^xsd:double .\n')
    said = str(backends.write_remote_document(mini, tmp_path / "all.nq"))
    assert said.endswith('the build holds NaN ("NaN"^^xsd:double in ontology/core.ttl), which '
                         "Virtuoso 7.2 cannot keep (inserting one breaks its indexes): leave it "
                         "out before loading the file into a Virtuoso"), said
    assert '"NaN"^^<http://www.w3.org/2001/XMLSchema#double>' in (tmp_path / "all.nq").read_text()


@pytest.mark.server
def test_an_empty_remote_store_names_the_call_that_fills_it(mini, empty_store):
    with pytest.raises(ag.StoreError) as refused:
        ag.load(mini.with_(store=empty_store.url))
    said = str(refused.value)
    assert "holds no alliance-graph graphs; fill it with alliance_graph.store.backends." \
           "load_into_store(settings)" in said and "--store" not in said, said


@pytest.mark.server
def test_an_empty_remote_store_is_named_without_its_query_string(mini, empty_oxigraph):
    # Its query string may hold a key: every other remote message leaves it out, this one
    # said the URL as given.
    with pytest.raises(ag.StoreError) as refused:
        ag.load(mini.with_(store=f"{empty_oxigraph}/query?key=secret"))
    said = str(refused.value)
    assert said.startswith(f"{empty_oxigraph}/query?... holds no alliance-graph graphs"), said
    # Nor does the line a load ends with, which `load` prints (a CI log keeps it): it said
    # "loaded 9 named graphs into http://.../query?key=secret".
    summary = backends.load_into_store(mini.with_(store=f"{empty_oxigraph}/query?key=secret"))
    assert summary.endswith(f"named graphs into {empty_oxigraph}/query?..."), summary


def test_first_runs_at_once_share_one_build(mini):
    # Two commands building the same inputs at once: the second rename found the first's
    # build in place and failed with "Directory not empty".
    folder = mini.root / "store"
    command = [sys.executable, "-m", "alliance_graph", "--project", str(mini.root),
               "--store", str(folder), "stats"]
    runs = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True) for _ in range(3)]
    results = [(run.communicate(timeout=300)[1], run.returncode)[::-1] for run in runs]
    assert all(code == 0 for code, _ in results), results
    assert [p.name for p in folder.iterdir() if p.name.startswith("build-")] \
        == [f"build-{directory.current_build(folder)}"]


@contextmanager
def another_build_waiting(mini, folder: Path, lock: str, monkeypatch):
    """Build ``mini`` into ``folder``, edit its inputs, start a build of the new inputs in a
    thread, and once it has made its temporary folder (under the naming lock) take the lock
    (``lock``: "exclusive", as a command naming its build holds it, or "shared", as one
    opening a build does) and wait until it is built and waits to be named.  Yield the first
    build's hash and the list the second's will be put in; then release the lock and let the
    second finish."""
    first = directory.build_directory(mini, folder)
    data = sorted(mini.data_dir.glob("*.ttl"))[0]
    data.write_text(data.read_text() + "\n# an edit changes the inputs' hash\n")
    done: list = []
    locked, real = threading.Event(), directory._build_in
    monkeypatch.setattr(directory, "_build_in",
                        lambda settings, tmp: (locked.wait(120), real(settings, tmp))[1])
    worker = threading.Thread(target=lambda: done.append(directory.build_directory(mini, folder)))
    worker.start()
    deadline = time.monotonic() + 120
    while not any(p.name.startswith(".tmp-") for p in folder.iterdir()):
        assert time.monotonic() < deadline and worker.is_alive()
        time.sleep(0.05)
    with directory._naming(folder, shared=lock == "shared"):
        locked.set()
        # Built (about a second), it waits for the lock: seen in /proc/locks, where a flock
        # waited for is listed with "->" (3 s were slept, a guess on a loaded machine).
        inode = os.stat(folder / directory.NAMING_LOCK).st_ino
        deadline = time.monotonic() + 120
        while not flock_waited_for(inode):
            assert time.monotonic() < deadline and worker.is_alive(), "the build never waited"
            time.sleep(0.05)
        yield first, done
    worker.join(120)


def flock_waited_for(inode: int) -> bool:
    """Whether a process waits to take a flock on the file of ``inode``, as /proc/locks says
    ("1: -> FLOCK  ADVISORY  WRITE pid major:minor:inode 0 EOF")."""
    with open("/proc/locks") as locks:
        return any(fields[1:3] == ["->", "FLOCK"] and fields[6].endswith(f":{inode}")
                   for fields in (line.split() for line in locks))


def test_naming_a_build_and_removing_the_others_waits_for_the_command_doing_it(mini,
                                                                              monkeypatch):
    # Two builds of different inputs finishing together could each remove the other's build,
    # leaving CURRENT naming a folder that was gone.  While one command names its build (it
    # holds the lock, here held by the test), another's finished build waits, unnamed.
    folder = mini.cache_dir / "store"
    with another_build_waiting(mini, folder, "exclusive", monkeypatch) as (first, done):
        assert directory.current_build(folder) == first and not done
        assert (folder / f"build-{first}").is_dir()
    assert done and directory.current_build(folder) == done[0] != first


@pytest.mark.parametrize("spec, says", [("http://[::1", "is not a valid URL"),
                                        ("http://h:99999/q", "is not a valid URL"),
                                        ("https://", "names no host")])
def test_a_store_url_that_does_not_parse_is_a_store_error(spec, says):
    with pytest.raises(StoreError, match=re.escape(says)):
        backends.kind(spec)


@pytest.mark.parametrize("spec", ["http://user:s3cret@127.0.0.1:7878/query",
                                  "https://user@example.org/sparql"])
def test_a_login_in_a_store_url_is_refused_without_showing_it(spec):
    # It was taken for a host name that did not resolve, the password in the message.
    with pytest.raises(StoreError, match="a login in the URL is not supported") as refused:
        backends.kind(spec)
    assert "s3cret" not in str(refused.value) and "user" not in str(refused.value)


def test_a_build_being_opened_is_not_removed_by_a_build_of_other_inputs(mini, monkeypatch):
    # Two projects sharing one folder: one removed the other's build while it was opened,
    # which RocksDB reported as "Corruption: ... .sst: No such file".  Opening holds the
    # naming lock shared (here held by the test), so the other's naming waits for it.
    folder = mini.cache_dir / "store"
    with another_build_waiting(mini, folder, "shared", monkeypatch) as (first, done):
        assert not done and (folder / f"build-{first}").is_dir()
        assert len(directory.open_build(folder, first)) > 0
    assert done and not (folder / f"build-{first}").is_dir()
    assert len(directory.open_directory(mini, folder)) > 0  # the new build, now in use


@pytest.mark.parametrize("kind", ["file", "device", "pipe"])
def test_a_store_that_is_a_file_is_said_to_be_one(mini, tmp_path, kind):
    # It was "[Errno 20] Not a directory: '.../aid.ttl/CURRENT'"; for --store /dev/null, or a
    # named pipe, it still was.
    afile = tmp_path / "a-file.ttl"
    if kind == "file":
        afile.write_text("# not a store\n")
    elif kind == "pipe":
        os.mkfifo(afile)
    else:
        afile = Path(os.devnull)
    with pytest.raises(StoreError, match=f"^{afile} is a file, not a folder for a directory "
                                         "store$"):
        directory.open_directory(mini, afile)


@pytest.mark.parametrize("backend", ["memory", "directory"])
def test_a_triple_two_files_state_is_one_triple_of_the_default_graph(mini, backend):
    # A query writing GRAPH (or FILTER EXISTS { GRAPH ?g {} }) ran over the list of file
    # graphs, which Oxigraph reads as a bag: a triple stated in two files came out twice
    # there, once otherwise, where SPARQL's default graph is the files' merge.
    (mini.data_dir / "second.ttl").write_text(
        "@prefix ag: <https://alliance-graph.example/ontology/> .\n"
        "@prefix src: <https://alliance-graph.example/id/source/> .\n"
        "src:test.txt a ag:SourceDocument .\n")
    settings = mini.with_(store="memory" if backend == "memory" else str(mini.root / "store"))
    kg = store.load(settings)
    count = "SELECT (COUNT(*) AS ?n) WHERE {{ ?s a ag:SourceDocument {} }}"
    for inferred in (False, True):
        counts = [int(next(iter(kg.query(count.format(extra), inferred=inferred)))["n"].value)
                  for extra in ("", "FILTER EXISTS { GRAPH ?g {} }")]
        assert counts == [1, 1]
    in_files = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a ag:SourceDocument } }"
    assert next(iter(kg.query(in_files)))["n"].value == "2"  # once in each file's graph
