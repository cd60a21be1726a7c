"""Which source files are not the texts the graph records (sources/recorded.py), over real
files; `check`'s report of them is tests/test_graph_commands.py's."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

from alliance_graph.namespaces import PREFIX_IRIS
from alliance_graph.sources.recorded import unrecorded

AG, SRC = PREFIX_IRIS["ag"], PREFIX_IRIS["src"]
GRAPH = ox.NamedNode("https://alliance-graph.example/graph/data/sources.ttl")


def source(name: str, digest: str, file_name: str | None = None) -> list[ox.Quad]:
    node = ox.NamedNode(SRC + name)
    quads = [ox.Quad(node, ox.NamedNode(AG + "sha256"), ox.Literal(digest), GRAPH)]
    if file_name:
        quads.append(ox.Quad(node, ox.NamedNode(AG + "fileName"), ox.Literal(file_name), GRAPH))
    return quads


def test_an_edited_file_is_said_and_the_recorded_one_or_one_not_there_is_not(tmp_path):
    text = b"The recorded text.\n"
    recorded = hashlib.sha256(text).hexdigest()
    (tmp_path / "a.txt").write_bytes(text)
    (tmp_path / "b.txt").write_bytes(b"The recorded text, edited.\n")
    quads = (source("a.txt", recorded) + source("bee", recorded, "b.txt")
             + source("gone.txt", recorded) + source("bee", recorded, "b.txt"))
    found = unrecorded(quads, tmp_path)
    assert [(q.subject.value, said) for q, said in found] == [
        (SRC + "bee", f"b.txt is not the text the graph records (its SHA-256 is not "
                      f"{recorded}): it was edited, or is another copy")]
