"""The query catalogue: every manifest entry answers as reviewed, and the manifest is complete."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from alliance_graph.build import file_locks
from alliance_graph.cli import main
from alliance_graph.query import catalogue, catalogue_lock, compare
from alliance_graph.settings import Settings
from helpers import results_held

QUERIES = Settings().queries_dir
ENTRIES = catalogue.read_manifest(QUERIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_query_answers_as_reviewed(backend_kg, entry):
    # Every backend (memory, directory, remote stores) must give the reviewed answer.
    kind, actual = catalogue.run(backend_kg, entry)
    assert entry.result == catalogue.result_path(entry.query, kind), \
        f"{entry.name} is a {kind.upper()} query but its manifest result is {entry.result.name}"
    expected = catalogue.read_expected(entry.result)
    problems = compare.differences(actual, expected, ordered=entry.ordered())
    assert not problems, (f"{entry.name}: the graph no longer answers as reviewed "
                          "(alliance-graph catalogue --update, then review the diff):\n"
                          + "\n".join(problems))


SELECTS = [e for e in ENTRIES if e.result.suffix == ".srj"
           and "results" in catalogue.read_expected(e.result)]


@pytest.mark.parametrize("entry", SELECTS, ids=[e.name for e in SELECTS])
def test_a_reviewed_answer_lists_each_row_once(entry):
    # A repeated row is a join that matches one thing twice (a symmetric link written both
    # ways, say): it says nothing more and makes counts of the rows wrong.
    rows = compare.solutions(catalogue.read_expected(entry.result))
    repeated = {row for row in rows if rows.count(row) > 1}
    assert not repeated, f"{entry.name} repeats {len(repeated)} row(s), e.g. {sorted(repeated)[0]}"


def test_manifest_lists_every_query_and_nothing_else():
    listed = {e.query.name for e in ENTRIES}
    on_disk = {p.name for p in catalogue.query_files(QUERIES)}
    assert listed == on_disk, (f"not in manifest: {sorted(on_disk - listed)}; "
                               f"listed but missing: {sorted(listed - on_disk)}")
    assert len(ENTRIES) == len(listed), "a query is listed twice"
    results = {p.name for p in QUERIES.glob("*.srj")} | {p.name for p in QUERIES.glob("*.ttl")}
    assert results - {catalogue.MANIFEST} == {e.result.name for e in ENTRIES}


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_manifest_entry_matches_query_header(entry):
    assert (entry.title, entry.comment) == catalogue.header(entry.query)
    text = entry.text()
    # Catalogue queries must run on any store, so they declare every prefix they use.
    for prefix in ("ag:", "id:", "rdf:", "rdfs:", "oa:", "prov:", "dcterms:", "skos:", "xsd:"):
        body = "\n".join(line for line in text.splitlines()
                         if not line.lstrip().startswith("#"))
        if f" {prefix}" in body or f"({prefix}" in body or f"/{prefix}" in body:
            assert f"PREFIX {prefix}" in text, f"{entry.name} uses {prefix} undeclared"


# String functions that read a term's text: a query choosing rows by the words of an IRI or
# label (cyber-cooperation kept facts whose IRIs held "cyber") misses what the graph links and
# takes in what a name happens to hold; it follows the graph's links instead.
TEXT_MATCH = re.compile(r"\b(CONTAINS|STRSTARTS|STRENDS|REGEX|STRAFTER|STRBEFORE)\s*\(\s*"
                        r"(LCASE\s*\(\s*|UCASE\s*\(\s*)?STR\s*\(", re.IGNORECASE)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_no_query_chooses_rows_by_the_text_of_a_term(entry):
    body = "\n".join(line.split("#", 1)[0] if line.lstrip().startswith("#") else line
                     for line in entry.text().splitlines())
    assert not TEXT_MATCH.search(body), (
        f"{entry.name} reads the text of a term ({TEXT_MATCH.search(body)[0]}...): follow the "
        "graph's links (a class, a property, an entity) instead")


HEADER_CASES = [
    ("# Title\n# What it answers.\n\nSELECT * {}", ("Title", "What it answers.")),
    ("# Title\n# Two lines\n# of comment.\nASK {}", ("Title", "Two lines of comment.")),
]


@pytest.mark.parametrize("text, expected", HEADER_CASES)
def test_header(tmp_path, text, expected):
    (tmp_path / "q.rq").write_text(text, encoding="utf-8")
    assert catalogue.header(tmp_path / "q.rq") == expected


@pytest.mark.parametrize("text", ["SELECT * {}", "# Title only\nSELECT * {}", "# Title\n#\n"])
def test_header_missing_is_an_error(tmp_path, text):
    (tmp_path / "q.rq").write_text(text, encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError):
        catalogue.header(tmp_path / "q.rq")


ORDER_CASES = [
    ("SELECT ?s { ?s ?p ?o } ORDER BY ?s", True),
    ("SELECT ?s { ?s ?p ?o }\norder by desc(?s) LIMIT 3", True),
    ("SELECT ?s { { SELECT ?s { ?s ?p ?o } ORDER BY ?s LIMIT 1 } }", False),
    ("# ORDER BY in a comment\nSELECT ?s { ?s ?p ?o }", False),
    ('SELECT ?s { ?s ?p "ORDER BY" }', False),
    # A "#" in an IRI was taken for a comment, hiding the ORDER BY after it; a VALUES block
    # after ORDER BY was taken for a subquery's closing brace.
    ("SELECT ?s { ?s a <http://example.org/ns#Thing> } ORDER BY ?s", True),
    ("SELECT ?s { ?s ?p ?o } ORDER BY ?s VALUES ?s { <urn:a> }", True),
    ("SELECT ?s { ?s ?p 'ORDER BY' } # ORDER BY ?s", False),
]


@pytest.mark.parametrize("text, ordered", ORDER_CASES)
def test_has_order_by(text, ordered):
    assert catalogue.has_order_by(text) is ordered


def _order_variables(node) -> set | None:
    """Return the variables the outermost ORDER BY of an algebra expression sorts by, or None."""
    if isinstance(node, CompValue):
        if node.name == "OrderBy":
            return set(_variables(node.expr))
        children = node.values()
    elif isinstance(node, (list, tuple)):
        children = node
    else:
        return None
    return next((found for child in children
                 if (found := _order_variables(child)) is not None), None)


def _variables(node):
    if isinstance(node, Variable):
        yield node
    elif isinstance(node, (CompValue, list, tuple)):
        for child in node.values() if isinstance(node, CompValue) else node:
            yield from _variables(child)


ORDERED = [e for e in ENTRIES if e.ordered()]


@pytest.mark.parametrize("entry", ORDERED, ids=[e.name for e in ORDERED])
def test_an_ordered_query_sorts_by_every_variable_it_projects(entry):
    # Rows an ORDER BY leaves tied come in the store's own order, and an ordered answer is
    # compared row by row: a tie on a column left out passes on one store and fails on another.
    algebra = prepareQuery(entry.text()).algebra
    unsorted = [str(v) for v in algebra["PV"] if v not in _order_variables(algebra)]
    assert unsorted == [], f"{entry.name} orders by none of {unsorted}: add them last"


def test_update_writes_results_and_manifest(tmp_path, kg):
    (tmp_path / "count.rq").write_text(
        "# Count\n# How many claims.\nPREFIX ag: <https://alliance-graph.example/ontology/>\n"
        "SELECT (COUNT(*) AS ?n) WHERE { ?c a ag:Claim }\n", encoding="utf-8")
    (tmp_path / "yes.rq").write_text("# Yes\n# Always true.\nASK {}\n", encoding="utf-8")
    catalogue.update(kg, tmp_path)
    entries = catalogue.read_manifest(tmp_path)
    assert [(e.name, e.title, e.result.name) for e in entries] == [
        ("count", "Count", "count.srj"), ("yes", "Yes", "yes.srj")]
    assert json.loads(Path(tmp_path / "yes.srj").read_text())["boolean"] is True


SMALL = {  # a catalogue of each form: SELECT, ASK and CONSTRUCT
    "count": "# Count\n# How many claims.\nPREFIX ag: <https://alliance-graph.example/ontology/>\n"
             "SELECT (COUNT(*) AS ?n) WHERE { ?c a ag:Claim }\n",
    "yes": "# Yes\n# Always true.\nASK {}\n",
    "card": "# Card\n# One triple.\nCONSTRUCT { <urn:a> <urn:b> <urn:c> } WHERE {}\n",
}


@pytest.fixture
def small(tmp_path, kg) -> Path:
    """A queries folder of the SMALL catalogue, its answers and manifest written."""
    for name, text in SMALL.items():
        (tmp_path / f"{name}.rq").write_text(text, encoding="utf-8")
    catalogue.update(kg, tmp_path)
    return tmp_path


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_update_writes_nothing_when_one_query_fails(small, kg):
    # The graph answers differently now (here: the reviewed answers are stale), and one query
    # does not parse: the others' answers must not be rewritten without the manifest.
    (small / "count.srj").write_text('{"head": {"vars": ["n"]}, "results": {"bindings": []}}')
    (small / "zz-bad.rq").write_text("# Bad\n# x\nSELECT * WHERE {\n", encoding="utf-8")
    before = _contents(small)
    with pytest.raises(catalogue.CatalogueError, match=r"zz-bad\.rq:3:16: the query does not parse"):
        catalogue.update(kg, small)
    assert _contents(small) == before  # nothing written, and no temporary file left over


def test_update_writes_and_names_only_the_files_that_change(small, kg):
    # Each answer was written, and said written, whether or not it had changed: the command
    # line said 'wrote' of every file, where README promises the ones that differ.
    assert catalogue.update(kg, small) == []
    (small / "count.srj").write_text('{"head": {"vars": ["n"]}, "results": {"bindings": []}}')
    (small / "yes.rq").write_text("# Yes\n# Now a graph.\nCONSTRUCT WHERE {}\n", encoding="utf-8")
    changed = catalogue.update(kg, small)
    assert sorted(p.name for p in changed) == [
        "count.srj", "manifest.ttl", "yes.srj", "yes.ttl"]  # yes.srj removed, yes.ttl new
    assert not (small / "yes.srj").exists() and (small / "yes.ttl").exists()


def test_update_refuses_a_folder_without_queries(tmp_path, kg):
    with pytest.raises(catalogue.CatalogueError, match="no .rq query files"):
        catalogue.update(kg, tmp_path)
    assert not (tmp_path / catalogue.MANIFEST).exists()


@pytest.mark.parametrize("file, data, says", [
    ("manifest.ttl", b"garbage {\n", r"manifest\.ttl:1:1: garbage is not a valid subject"),
    ("manifest.ttl", b"# ok\n\xff\n", r"manifest\.ttl:2: not UTF-8 text \(byte 5\)"),
    ("card.ttl", b"garbage {\n", r"card\.ttl:1:1: "),
    ("count.srj", b"garbage\n", r"count\.srj:1:1: not JSON"),
    ("count.srj", b"\xff", r"count\.srj:1: not UTF-8 text \(byte 0\)"),
    ("count.srj", b"{}", r"count\.srj: not a SPARQL JSON results document"),
    ("count.srj", b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": 1}]}}',
     r"count\.srj: not a SPARQL JSON results document: binding 1"),
    ("count.rq", b"SELECT * WHERE {\n", r"count\.rq:1:16: the query does not parse"),
    # What the parser expected, said short by the one reading of its message, whole: a cut at
    # the first class (", [") dropped the one that says a number was wanted.
    ("count.rq", b"SELECT * WHERE { ?s ?p ?o } LIMIT x\n",
     r"count\.rq:1:35: the query does not parse: expected one of .*\['0'\.\.='9'\]$"),
    ("count.rq", b"# caf\xe9\n", r"count\.rq:1: not UTF-8 text"),
])
def test_a_damaged_catalogue_file_is_named_with_its_line(small, kg, file, data, says):
    (small / file).write_bytes(data)
    with pytest.raises(catalogue.CatalogueError, match=says) as raised:
        catalogue.check(kg, small)
    assert str(small / file) in str(raised.value) and "\n" not in str(raised.value)


@pytest.mark.parametrize("missing", ["folder", "manifest"])
def test_a_missing_catalogue_names_the_path(small, kg, missing):
    gone = small if missing == "folder" else small / catalogue.MANIFEST
    shutil.rmtree(gone) if missing == "folder" else gone.unlink()
    with pytest.raises(catalogue.CatalogueError) as raised:
        catalogue.check(kg, small)
    assert str(gone) in str(raised.value)


@pytest.mark.parametrize("text", ["", "# nothing but a comment\n",
                                  "<> a <http://www.w3.org/2001/sw/DataAccess/tests/"
                                  "test-manifest#Manifest> .\n"])
def test_a_manifest_listing_no_query_is_an_error(small, kg, text):
    (small / catalogue.MANIFEST).write_text(text, encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match="lists no queries"):
        catalogue.check(kg, small)


def test_a_query_that_changed_form_is_a_difference_not_a_crash(small, kg):
    (small / "yes.srj").write_text('{"head": {"vars": ["n"]}, "results": {"bindings": []}}')
    found = dict(catalogue.check(kg, small))
    assert found["yes"] == ["expected SELECT results, got ASK results"]
    assert found["count"] == [] and found["card"] == []


def test_a_manifest_listing_no_query_names_the_call_that_writes_it(small, kg):
    # "(`alliance-graph catalogue --update` writes it ...)" was said to a library caller too.
    (small / catalogue.MANIFEST).write_text("", encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError) as refused:
        catalogue.read_manifest(small)
    said = str(refused.value)
    assert "(alliance_graph.query.catalogue.update(kg, queries_dir) writes it" in said, said
    assert "--update" not in said and "alliance-graph " not in said


@pytest.mark.parametrize("text", ["# New\n# A new query.\nASK {}\n",
                                  "# Broken\n# Does not parse.\nSELECT * WHERE { ?s }\n"])
def test_a_query_missing_from_the_manifest_is_a_failure_not_a_pass(small, kg, text):
    # Added beside the others without catalogue --update, it passed as checked, unrun: every
    # entry "ok" and exit 0, even for a query that does not parse.
    (small / "new.rq").write_text(text, encoding="utf-8")
    found = dict(catalogue.check(kg, small))
    assert all(not found[name] for name in SMALL)
    assert found["new"] == ["new.rq is not in manifest.ttl, so no reviewed answer checks it: "
                            "alliance_graph.query.catalogue.update(kg, queries_dir) writes its "
                            "answer and lists it, for you to review"]


def test_the_command_names_its_own_option_for_an_unlisted_query(small, tmp_path):
    (small / "new.rq").write_text("# New\n# A new query.\nASK {}\n", encoding="utf-8")
    project = tmp_path / "project"
    for folder in ("ontology", "data"):  # the session's build cache has their graph
        shutil.copytree(QUERIES.parent / folder, project / folder)
    shutil.copytree(small, project / "queries", ignore=shutil.ignore_patterns("project"))
    result = CliRunner().invoke(main, ["--project", str(project), "catalogue"])
    assert result.exit_code == 1, result.output
    assert ("FAIL new\n     new.rq is not in manifest.ttl, so no reviewed answer checks it: "
            "`alliance-graph catalogue --update` writes its answer and lists it, for you to "
            "review\n") in result.output


@pytest.mark.parametrize("folder", ["My Documents", "caf\u00e9 #1 100%", "a%20b"])
def test_a_catalogue_in_a_folder_whose_name_an_iri_escapes_is_read(tmp_path, kg, folder):
    # The manifest's files are IRIs made from the folder's file: URI, where a space is %20:
    # the catalogue of a project in "My Documents" looked for "My%20Documents/count.srj",
    # "cannot be read: No such file or directory", and so did every command reading it.
    queries = tmp_path / folder / "queries"
    queries.mkdir(parents=True)
    for name, text in SMALL.items():
        (queries / f"{name}.rq").write_text(text, encoding="utf-8")
    catalogue.update(kg, queries)
    assert [e.query for e in catalogue.read_manifest(queries)] == [
        queries / f"{name}.rq" for name in sorted(SMALL)]
    assert catalogue.check(kg, queries) == [(name, []) for name in sorted(SMALL)]


def test_a_construct_of_rdf12_terms_is_named_not_a_traceback(small, kg):
    # Its answer, compared as an rdflib graph, failed in rdflib's N-Triples reader: a
    # ParserError's traceback on the command line, naming no file.
    (small / "reifies.rq").write_text(
        "# Reifies\n# A claim as a triple term.\n"
        "CONSTRUCT { <urn:c> <urn:reifies> <<( <urn:s> <urn:p> <urn:o> )>> } WHERE {}\n",
        encoding="utf-8")
    before = _contents(small)
    with pytest.raises(catalogue.CatalogueError) as refused:
        catalogue.update(kg, small)
    assert str(refused.value).startswith(
        f"{small / 'reifies.rq'}: its answer cannot be kept as a reviewed graph: rdflib has "
        "no term for an RDF 1.2 triple term, as <<( <urn:s> <urn:p> <urn:o> )>>")
    assert _contents(small) == before
    assert results_held(refused.value) == []



@pytest.mark.parametrize("bound, says", [
    ("<<( <urn:s> <urn:p> <urn:o> )>>", "an RDF 1.2 triple term"),
    ('"x"@ar--rtl', "a literal with a base direction (--rtl)")])
def test_a_select_of_rdf12_terms_is_refused_not_kept_as_reviewed(small, kg, bound, says):
    # update wrote the triple term's answer, which every check then refused: "not a SPARQL
    # JSON results document: binding 1 is not an object of terms ..."; a direction was passed
    # over by the comparison, so --ltr agreed with a review of --rtl.
    query = small / "terms.rq"
    query.write_text(f"# Terms\n# An RDF 1.2 term.\nSELECT ?t WHERE {{ BIND({bound} AS ?t) }}\n",
                     encoding="utf-8")
    before = _contents(small)
    said = (f"{query}: its answer cannot be kept as a reviewed answer: row 1 binds ?t to "
            f"{says}, which the catalogue does not compare")
    with pytest.raises(catalogue.CatalogueError, match=re.escape(said)):
        catalogue.update(kg, small)
    assert _contents(small) == before
    with pytest.raises(catalogue.CatalogueError, match=re.escape(said)) as refused:
        catalogue.run(kg, catalogue.Entry("terms", "Terms", "", query, small / "terms.srj"))
    assert results_held(refused.value) == []


def test_files_saved_with_a_byte_order_mark_are_read_as_their_text(small, kg):
    # A .rq saved by an editor writing UTF-8 with a byte-order mark was refused, "the first
    # line must be a '# Title' comment", which it was; a reviewed .srj, as "not JSON".
    for path in small.iterdir():
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert catalogue.check(kg, small) == [(name, []) for name in sorted(SMALL)]
    catalogue.update(kg, small)
    assert catalogue.check(kg, small) == [(name, []) for name in sorted(SMALL)]


@pytest.mark.parametrize("kind", ["pipe", "folder"])
def test_update_refuses_an_answer_that_is_no_file_before_writing_any(small, kg, kind):
    # A named pipe where an answer goes was waited on for good (`catalogue --update` hung),
    # and a folder stopped the update once the answers before it were written.
    import os
    import threading
    answer = small / "yes.srj"
    answer.unlink()
    os.mkfifo(answer) if kind == "pipe" else answer.mkdir()
    (small / "card.ttl").write_text("stale")  # before yes.srj: it would be written first
    before = {p.name: p.read_bytes() for p in small.iterdir() if p.is_file()}
    raised = []

    def update():
        try:
            catalogue.update(kg, small)
        except catalogue.CatalogueError as exc:
            raised.append(str(exc))

    worker = threading.Thread(target=update, daemon=True)
    worker.start()
    worker.join(30)
    if worker.is_alive():
        os.close(os.open(answer, os.O_WRONLY | os.O_NONBLOCK))  # lets the reader go
        worker.join(30)
        pytest.fail("the update waited on the named pipe")
    assert raised == [f"{answer}: is not a regular file: a catalogue file is a text file; "
                      f"move it out of {small}"]
    assert {p.name: p.read_bytes() for p in small.iterdir() if p.is_file()} == before


def test_update_that_cannot_write_one_answer_changes_none(tmp_path):
    # Each answer was written in turn: a write failing part-way (a full disk; here a
    # file-size limit under the real command) left the answers before it rewritten and
    # those after it, and the manifest, as they were, though the update is all or nothing.
    import resource
    import subprocess
    import sys
    project = tmp_path / "project"
    shutil.copytree(Path(__file__).parent / "fixtures" / "shapes" / "base", project / "data")
    shutil.copytree(Settings().ontology_dir, project / "ontology")
    queries = project / "queries"
    queries.mkdir()
    (queries / "count.rq").write_text("# Count\n# How many.\nSELECT (COUNT(*) AS ?n) "
                                      "WHERE { ?s ?p ?o }\n", encoding="utf-8")
    (queries / "zall.rq").write_text("# All\n# Every triple.\nCONSTRUCT { ?s ?p ?o } "
                                     "WHERE { ?s ?p ?o }\n", encoding="utf-8")
    command = [str(Path(sys.executable).parent / "alliance-graph"), "--project", str(project),
               "--sources", str(Settings().sources_dir), "--cache", str(tmp_path / "cache"),
               "catalogue", "--update"]
    subprocess.run(command, check=True, capture_output=True)  # the graph built, cached
    assert (queries / "zall.ttl").stat().st_size > 64 * 1024
    for stale in ("count.srj", "zall.ttl"):  # count.srj is written first, zall.ttl next
        (queries / stale).write_text("stale\n")
    before = _contents(queries)

    def limited():  # zall.ttl's answer is more than the limit, count.srj's far less
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    done = subprocess.run(command, capture_output=True, text=True, preexec_fn=limited)
    assert done.returncode == 2, done
    assert _contents(queries) == before  # count.srj too, and no temporary file left
    assert done.stderr == (f"error: {queries / 'zall.ttl'}: could not be written (File too "
                           "large); no answer was changed, nor the manifest\n")
    assert done.stdout == ""
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.stdout.splitlines() == [f"wrote {queries / 'count.srj'}",
                                        f"wrote {queries / 'zall.ttl'}"], done
    # The old answers kept until every rename was done (atomic.replace_all) are gone.
    assert not [p.name for p in queries.iterdir() if p.name.startswith(".")]


# Run as a process the test kills (SIGKILL) at its second rename of an answer into queries/:
# the new texts written, the old ones kept, one answer renamed.
_KILLED_MID_RENAMES = """
import os, signal, sys
from alliance_graph.cli import main
real, renames = os.replace, []
def replace(source, target):
    if os.path.basename(os.path.dirname(target)) == "queries":
        renames.append(target)
        if len(renames) == 2:
            os.kill(os.getpid(), signal.SIGKILL)
    return real(source, target)
os.replace = replace
main()
"""


def _counting_project(tmp_path: Path) -> tuple[Path, list[str]]:
    """Return a project of the shape fixtures' data and three queries counting its triples,
    and the options of a command run on it (its own cache)."""
    project = tmp_path / "project"
    shutil.copytree(Path(__file__).parent / "fixtures" / "shapes" / "base", project / "data")
    shutil.copytree(Settings().ontology_dir, project / "ontology")
    queries = project / "queries"
    queries.mkdir()
    for name in ("a", "b", "c"):
        (queries / f"{name}.rq").write_text(f"# {name}\n# Count.\nSELECT (COUNT(*) AS ?{name}) "
                                            "WHERE { ?s ?p ?o }\n", encoding="utf-8")
    return project, ["--project", str(project), "--cache", str(tmp_path / "cache")]


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_what_a_killed_update_left_is_removed_by_the_next(tmp_path):
    # A catalogue --update killed between keeping the old answers and renaming the new ones
    # left .NAME.srj.<random>.tmp and .NAME.srj.old<random>.tmp in queries/, and no later
    # update removed them; then one did, once they were a minute old: run again at once, the
    # next update left them (another update might have been writing them).
    import subprocess
    import sys
    project, options = _counting_project(tmp_path)
    queries = project / "queries"
    options += ["catalogue", "--update"]
    command = [str(Path(sys.executable).parent / "alliance-graph"), *options]
    subprocess.run(command, check=True, capture_output=True)
    answers = _contents(queries)
    for name in ("a", "b", "c"):
        (queries / f"{name}.srj").write_text("{}\n")
    killed = subprocess.run([sys.executable, "-c", _KILLED_MID_RENAMES, *options],
                            capture_output=True)
    assert killed.returncode == -9, killed
    left = _hidden(queries)
    assert len(left) == 5, left  # three new texts (one renamed), three old ones (one a copy)
    # A user's own files that merely look alike: each was taken for an update's and removed.
    mine = [".notes.ttl.mine.tmp", ".count.srj.backup.tmp", ".a.srj.old.tmp"]
    for name in mine:
        (queries / name).write_text("mine\n")
    done = subprocess.run(command, capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, ""), done  # the lock died with its holder
    assert _hidden(queries) == sorted(mine)
    for name in mine:
        (queries / name).unlink()
    assert _contents(queries) == answers
    assert subprocess.run([*command[:-1]], capture_output=True, text=True).returncode == 0


# Run as `alliance-graph` with the renames into queries/ paced as a slow disk would: PACE lists
# the seconds to wait before each (after them, none).  Each run waits for the other in the
# folder MET once its answers are ready, before it writes any, so that the two write at once.
_PACED = """
import os, sys, time
from alliance_graph.cli import main
from alliance_graph.query import catalogue
real, pace = os.replace, [float(s) for s in os.environ["PACE"].split(",")]
def replace(source, target):
    if os.path.basename(os.path.dirname(target)) == "queries" and pace:
        time.sleep(pace.pop(0))
    return real(source, target)
os.replace = replace
manifest_text, met = catalogue.manifest_text, os.environ["MET"]
def meeting(*args):
    open(os.path.join(met, str(os.getpid())), "w").close()
    deadline = time.monotonic() + 60
    while len(os.listdir(met)) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    return manifest_text(*args)
catalogue.manifest_text = meeting
main()
"""


def test_two_updates_at_once_leave_the_answers_of_one(tmp_path):
    # Two catalogue --update of one folder at once (a hook and a user) each renamed its answers
    # in, in turn: the folder ended with some answers of one and some of the other.  Now the
    # second waits for the first's writing, then writes the answers that differ from it.
    import os
    import subprocess
    import sys
    project, options = _counting_project(tmp_path)
    queries = project / "queries"
    fewer = tmp_path / "fewer"  # the data less one evidence node: other counts
    fewer.mkdir()
    text = (project / "data" / "base.ttl").read_text("utf-8")
    (fewer / "base.ttl").write_text(text[:text.index("# A second node for ev:fx-base")]
                                    + text[text.index("claim:FxState-type"):], "utf-8")
    runs = [[*options, "catalogue", "--update"],
            [*options, "--data", str(fewer), "catalogue", "--update"]]
    answers = []
    for run in runs:  # each alone: its answers, and its graph built, cached
        subprocess.run([str(Path(sys.executable).parent / "alliance-graph"), *run],
                       check=True, capture_output=True)
        answers.append(_contents(queries))
    assert answers[0] != answers[1] and not _hidden(queries)
    for name in ("a", "b", "c"):
        (queries / f"{name}.srj").write_text("{}\n")
    # Unlocked, the first would rename a.srj after the second, b.srj and c.srj before it.
    (tmp_path / "met").mkdir()
    both = [subprocess.Popen([sys.executable, "-c", _PACED, *run], env={
        **os.environ, "PACE": pace, "MET": str(tmp_path / "met")}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True) for run, pace in zip(runs, ["1", "0,2"])]
    ended = [(process.wait(120), *process.communicate()) for process in both]
    assert [code for code, _, _ in ended] == [0, 0], ended
    assert _contents(queries) in answers and not _hidden(queries)
    waited = f"waiting for another update of the catalogue to finish writing {queries} ...\n"
    assert sorted(err for _, _, err in ended) == ["", waited], ended
    for _, out, _ in ended:  # each wrote every answer: the first over the stale ones, the
        assert out.splitlines() == [f"wrote {queries / n}.srj" for n in "abc"]  # second over its


def test_an_update_waits_a_minute_for_another_then_names_the_folder(small, kg, monkeypatch):
    # A stopped update (Ctrl-Z) holds the lock for good: the next waits WRITE_WAIT, then says so.
    monkeypatch.setattr(catalogue_lock, "WRITE_WAIT", 0.3)
    (small / "count.srj").write_text("{}\n")
    before, said = _contents(small), []
    with catalogue_lock.writing(small):
        with pytest.raises(catalogue.CatalogueError) as refused:
            catalogue.update(kg, small, on_wait=said.append)
        assert _contents(small) == before
    assert str(refused.value) == (f"{small}: another update of the catalogue has been writing "
                                  "it for 0.3 s (a stopped one?): nothing was written; run it "
                                  "again once that one has ended")
    assert said == [f"waiting for another update of the catalogue to finish writing {small} ..."]


def test_a_check_reads_the_answers_before_an_updates_renames_or_after_them(small, kg):
    # A check read the answers one by one as an update renamed them one by one: between two
    # renames it compared the graph with a set of answers no update wrote.
    import threading
    right = (small / "count.srj").read_bytes()
    waiting, found = threading.Event(), []
    with catalogue_lock.writing(small):  # an update between its renames
        (small / "count.srj").write_text('{"head": {"vars": ["n"]}, "results": {"bindings": []}}')
        reader = threading.Thread(target=lambda: found.extend(
            catalogue.check(kg, small, on_wait=lambda message: waiting.set())))
        reader.start()
        assert waiting.wait(30)
        (small / "count.srj").write_bytes(right)  # its last rename
    reader.join(30)
    assert found == [("card", []), ("count", []), ("yes", [])]


def test_without_file_locks_an_update_spares_the_hidden_files_of_the_last_minute(small, kg,
                                                                                  monkeypatch):
    # A file system without flock (some network and FUSE ones) answers ENOLCK: updates there
    # go on unlocked, as before the lock, and a hidden file younger than STALE_SECONDS may be
    # another update's, being written.
    import errno
    import os
    import time

    def no_locks(fd, operation):
        raise OSError(errno.ENOLCK, "No locks available")
    monkeypatch.setattr(file_locks.fcntl, "flock", no_locks)
    young, old = small / ".count.srj.0123456789ab.tmp", small / ".card.ttl.old0123456789ab.tmp"
    for hidden in (young, old):
        hidden.write_text("{}\n")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    (small / "count.srj").write_text("{}\n")
    assert catalogue.update(kg, small) == [small / "count.srj"]
    assert _hidden(small) == [young.name]
    assert catalogue_lock.STALE_SECONDS == 60.0
    assert [problems for _, problems in catalogue.check(kg, small)] == [[], [], []]
