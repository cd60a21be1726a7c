"""The directory store's folder as a careless user or an unlucky machine leaves it: what it
holds damaged, what it is on full or read-only, and its errors said in one line."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys

import pytest

from alliance_graph.build import pipeline as build
from alliance_graph.store import directory


@pytest.mark.parametrize("garbled", [b"\xff\xfe\n", b"\0" * 33, b"../../etc\n", b"",
                                     b"0123456789abcdef0123456789ABCDEF\n"])
def test_a_garbled_current_file_names_no_build_and_is_written_again(mini, garbled):
    # A CURRENT of bytes not ASCII (a crash, a disk error) was a UnicodeDecodeError: a
    # traceback from every command using the store.
    folder = mini.cache_dir / "store"
    digest = directory.build_directory(mini, folder)
    (folder / directory.CURRENT).write_bytes(garbled)
    assert directory.current_build(folder) is None
    assert directory.build_directory(mini, folder) == digest
    assert directory.current_build(folder) == digest


def _file_size_limit(limit: int):
    def limited():  # a full disk, as a write sees it (EFBIG rather than ENOSPC)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return limited


@pytest.mark.parametrize("command", ["load", "stats"])
def test_a_full_disk_names_the_file_it_could_not_write_and_leaves_nothing(mini, command):
    # The cache's N-Quads could not be written: `load` said "cannot write memory: File too
    # large" (the store setting, whatever it was), and other commands named no file at all.
    done = subprocess.run(
        [sys.executable, "-m", "alliance_graph", "--ontology", mini.ontology_dir, "--data",
         mini.data_dir, "--cache", mini.cache_dir, command],
        capture_output=True, text=True, timeout=120, preexec_fn=_file_size_limit(4096))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert f"{mini.cache_dir}/build-" in done.stderr and "File too large" in done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert list(mini.cache_dir.iterdir()) == []


def test_a_full_disk_under_the_store_names_its_setting(mini, tmp_path):
    # The store engine's own error (RocksDB: "IO error: ... File too large") names no folder
    # as Python's do, so no setting was named either: the store folder and --store are now.
    build.cached_build(mini)  # the cache written: the store's files are what the disk refuses
    store = tmp_path / "store"
    done = subprocess.run(
        [sys.executable, "-m", "alliance_graph", "--ontology", mini.ontology_dir, "--data",
         mini.data_dir, "--cache", mini.cache_dir, "--store", store, "stats"],
        capture_output=True, text=True, timeout=120, preexec_fn=_file_size_limit(4096))
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith(f"error: a file or folder could not be used: {store}: ")
    assert done.stderr.rstrip().endswith(f"; {store} is the store folder (--store)")
    assert list(store.iterdir()) == []
