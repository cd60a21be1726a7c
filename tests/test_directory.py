"""The directory store's folder as a careless user or an unlucky machine leaves it: what it
holds damaged, what it is on full or read-only, and its errors said in one line."""

from __future__ import annotations

import pytest

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
