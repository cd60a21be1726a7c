"""Which source files are not the texts the graph records (sources/recorded.py), over real
files; `check`'s report of them is tests/test_graph_commands.py's."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from alliance_graph.cli import main
from alliance_graph.namespaces import PREFIX_IRIS
from alliance_graph.sources.recorded import unrecorded

ROOT = Path(__file__).parents[1]

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
    assert [(q.subject.value, said, unreadable) for q, said, unreadable in found] == [
        (SRC + "bee", f"b.txt is not the text the graph records (its SHA-256 is not "
                      f"{recorded}): it was edited, or is another copy", False)]


def test_a_source_that_cannot_be_read_as_a_text_is_said_with_why(tmp_path):
    # check passed a recorded source whose file was a folder, a link to nothing, or not UTF-8
    # (cite, validate and coverage refuse each) without a word: it hashed what it could read
    # and passed over the rest.  A name the folder lacks is still passed over.
    recorded = hashlib.sha256(b"The recorded text.\n").hexdigest()
    (tmp_path / "a.txt").write_bytes(b"The recorded \xff text.\n")
    (tmp_path / "b.txt").mkdir()
    (tmp_path / "c.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "d.txt").write_bytes("The recorded text.\n".encode("utf-16"))
    quads = [q for name in ("a.txt", "b.txt", "c.txt", "d.txt", "gone.txt")
             for q in source(name, recorded)]
    found = unrecorded(quads, tmp_path)
    assert all(unreadable for _, _, unreadable in found)
    said = {q.subject.value.rsplit("/", 1)[1]: why for q, why, _ in found}
    what = "cannot be read as the text the graph records: it is"
    assert said == {
        "a.txt": f"a.txt {what} not UTF-8 text (byte 13, 0xff, does not decode)",
        "b.txt": f"b.txt {what} a folder, not a text file",
        "c.txt": f"c.txt {what} a symbolic link to {tmp_path / 'nowhere.txt'}, which does "
                 "not exist",
        "d.txt": f"d.txt {what} not UTF-8 text (it is UTF-16 text, what Windows calls "
                 "Unicode): save it as UTF-8"}


def one_source_project(folder: Path) -> None:
    """Write a project of one source document, ``a.txt``, recorded as the text ``x``, with
    the shipped ontology, and an empty sources folder ``texts`` beside it."""
    shutil.copytree(ROOT / "ontology", folder / "ontology")
    (folder / "data").mkdir()
    (folder / "data" / "sources.ttl").write_text(
        "@prefix ag: <https://alliance-graph.example/ontology/> .\n"
        "@prefix src: <https://alliance-graph.example/id/source/> .\n\n"
        'src:a.txt a ag:SourceDocument ;\n    ag:fileName "a.txt" ;\n'
        f'    ag:sha256 "{hashlib.sha256(b"x").hexdigest()}" .\n', "utf-8")
    (folder / "texts").mkdir()


def test_check_says_a_source_it_cannot_read_and_fails(tmp_path):
    # The real command over a project of one source document, its text a folder: exit 1,
    # the finding on the source's ag:sha256 line, no traceback.
    one_source_project(tmp_path)
    (tmp_path / "texts" / "a.txt").write_bytes(b"\xc3")  # a character cut at the file's end
    result = CliRunner().invoke(main, [str(a) for a in (
        "--project", tmp_path, "--cache", tmp_path / "cache", "--sources", tmp_path / "texts",
        "check")])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    said = [line for line in result.output.splitlines() if "a.txt cannot" in line]
    assert said == [f"{tmp_path / 'data' / 'sources.ttl'}:6: a.txt cannot be read as the text the graph records: "
                    "it is not UTF-8 text (byte 0, 0xc3, does not decode); cite, validate and "
                    "coverage refuse this file, and no quote of it can be checked "
                    "[source-unreadable]"], result.output


def _as_another_user(run):
    """Return what ``run()`` returns when run by a user the files' permissions bind: a child
    forked and set to ``nobody`` where the tests run as root (as CI's do: root reads any
    file, so a mode of 000 binds nobody), the test's own process otherwise.  The child
    imports nothing after it drops root: the interpreter's own files may lie where nobody
    may go (a pyenv under /root), so ``run`` is called once before, as root, for its imports."""
    if os.geteuid() != 0:
        return run()
    run()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop root, run, send the answer, and end without cleaning up
        try:
            os.close(read)
            os.setgid(65534)
            os.setuid(65534)
            os.write(write, json.dumps(run()).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(answer)


def test_a_source_or_a_folder_its_user_may_not_read_is_said_not_raised():
    # Permissions were never tried, the tests running as root, and a folder its user may
    # list but not enter makes ``path.exists()`` raise PermissionError, not return False.
    # A file the user may not read is a finding on its line; a folder the user may not enter
    # stops the command with exit 2 saying which file (and no finding: it is not the data's).
    # (Not under pytest's tmp_path: its folders are root's alone, 0700.)
    with tempfile.TemporaryDirectory() as folder:
        _said_not_raised(Path(folder))


def _said_not_raised(tmp_path: Path) -> None:
    one_source_project(tmp_path)
    texts = tmp_path / "texts"
    (texts / "a.txt").write_bytes(b"x")
    for folder in (tmp_path, tmp_path / "ontology", tmp_path / "data"):
        folder.chmod(0o777)  # the child writes the build's cache beside the project
    for file in (tmp_path / "ontology").iterdir():
        file.chmod(0o644)

    def check():
        result = CliRunner().invoke(main, [str(a) for a in (
            "--project", tmp_path, "--cache", tmp_path / "cache", "--sources", texts, "check")])
        return [result.exit_code, result.output, repr(result.exception)]

    (texts / "a.txt").chmod(0o000)
    texts.chmod(0o755)
    code, output, exception = _as_another_user(check)
    assert code == 1 and "Traceback" not in output, (output, exception)
    assert "data/sources.ttl:6: a.txt cannot be read as the text the graph records: it is a " \
           "file that cannot be read (Permission denied)" in output, output
    texts.chmod(0o744)  # its names may be listed, its files not reached
    code, output, exception = _as_another_user(check)
    texts.chmod(0o755)
    assert code == 2 and "Traceback" not in output, (output, exception)
    assert f"error: a file or folder could not be used: {texts / 'a.txt'}: Permission " \
           f"denied; {texts} is the sources folder (--sources)" in output, output
