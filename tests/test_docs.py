"""The README stays in step with the CLI, the catalogue, the Makefile and CI."""

import dataclasses
import functools
import re
import textwrap
from pathlib import Path

import pytest

from alliance_graph.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_is_in_the_reference_table(command):
    assert re.search(rf"^\| `alliance-graph (\[[^]]*\] )?{command}\b", README, re.M), \
        f"`alliance-graph {command}` is missing from README's command reference"


@pytest.mark.parametrize("option", [p.opts[0] for p in main.params if p.opts[0].startswith("--")
                                    and p.name != "version"])
def test_every_group_option_is_documented(option):
    assert f"`{option}" in README


def test_catalogue_names_in_readme_exist():
    names = set(re.findall(r"alliance-graph query ([a-z0-9-]+)\b", README))
    assert names, "README shows catalogue queries by name"
    missing = [n for n in names if not (ROOT / "queries" / f"{n}.rq").is_file()]
    assert not missing, f"README names catalogue queries that do not exist: {missing}"


def test_the_two_fresh_machine_commands_exist_and_ci_runs_the_test_one():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run", "test"):
        assert f"make {target}" in README
        assert re.search(rf"^{target}:", makefile, re.M)
    assert re.search(r"^make test$", (ROOT / ".ci" / "run").read_text(), re.M)


@pytest.mark.parametrize("page", [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))],
                         ids=lambda p: p.name)
def test_every_link_to_a_file_of_the_project_leads_to_one(page):
    # A link is relative to the page that holds it: docs/stores.md linked "docs/benchmarks.md".
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        path = target.split("#", 1)[0]
        if not path or re.match(r"[a-z]+:", path):  # an anchor on the page, or a URL
            continue
        assert (page.parent / path).exists(), f"{page.name} links to {target}, which is missing"


def _docs(name: str) -> str:
    return (ROOT / "docs" / name).read_text(encoding="utf-8")


def test_pages_says_how_many_validations_run_at_once_as_settings_has_it():
    # pages.md said 'at most workers - 1 run at once' in flock slots, long after POST /validate
    # came to run Settings.validations at once, one address all but one of them.
    from alliance_graph.settings import Settings
    text = " ".join(_docs("pages.md").split())
    assert f"`validations` ({Settings().validations}) run at once" in text
    assert "workers - 1" not in text and "flock" not in text


def test_remote_stores_figures_of_the_shipped_graph_are_the_memory_stores(kg):
    # The table of what Virtuoso answers differently gives the local stores' answers on the
    # shipped data; its count of data/aid.ttl's triples had stayed at 890 as the file grew.
    import alliance_graph as ag
    text = " ".join(_docs("remote-stores.md").split())
    said = re.search(r"`FROM <aid\.ttl>` with `named-graph-uri` alone: the file's ([\d,]+) "
                     r"triples", text)
    counted = ag.rows(ag.run(kg, "SELECT (COUNT(*) AS ?n) FROM "
                                 "<https://alliance-graph.example/graph/data/aid.ttl> "
                                 "{ ?s ?p ?o }"))[0]["n"].value
    assert said and int(said[1].replace(",", "")) == int(counted)
    graphs = len(ag.rows(ag.run(kg, "SELECT ?g WHERE { GRAPH ?g {} }")))
    assert f"| the {graphs} named graphs |" in text
    described = len(ag.run(kg, "DESCRIBE id:IronDome"))
    assert f"| its {described} outgoing triples |" in text
    labels = len(ag.rows(ag.run(kg, "SELECT ?label WHERE { ?s rdfs:label ?label }")))
    assert f"over the labels: no rows, where the others keep all {labels})" in text
    # What a load puts into a store was counted on the build of 18 111 quads and stayed so
    # as the data grew (50 114 quads in the store, 13 892 asserted): the three copies of the
    # asserted triples and two of the inferred, and the rows of the OFFSET 10 Virtuoso cuts.
    asserted = int(ag.rows(ag.run(kg, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"))[0]["n"].value)
    inferred = int(ag.rows(ag.run(kg, "SELECT (COUNT(*) AS ?n) { GRAPH "
                                      "<https://alliance-graph.example/graph/inferred> "
                                      "{ ?s ?p ?o } }"))[0]["n"].value)
    build, stored = asserted + inferred, 3 * asserted + 2 * inferred

    def spaced(n: int) -> str:
        return f"{n:,}".replace(",", " ")
    assert (f"for the shipped build {spaced(stored)} quads, where the build itself is "
            f"{spaced(build)} ({spaced(asserted)} asserted triples and {spaced(inferred)} "
            f"inferred), `graph/asserted` {spaced(asserted)} and `graph/asserted-and-inferred` "
            f"{spaced(build)}") in text
    assert f"(9 990 of {spaced(asserted - 10)} for `SELECT ?s WHERE" in text


def test_endpoint_quotes_the_refusal_of_service_as_serve_words_it(endpoint):
    # endpoint.md quoted '(no SERVICE IRI is allowed by --allow-service)', where serve names
    # the option and its variable when neither was given (a796ccc).
    import urllib.error
    import urllib.parse
    import urllib.request
    text = " ".join(_docs("endpoint.md").split())
    quoted = re.search(r"with none given, [^`]*`(this endpoint makes no outbound requests[^`]*)`",
                       text)
    query = urllib.parse.quote("SELECT * { SERVICE <http://x.example/> { ?s ?p ?o } }")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{endpoint}/sparql?query={query}", timeout=30)
    assert refused.value.code == 403
    assert quoted and quoted[1] in refused.value.read().decode()


def test_stores_says_the_main_layouts_sort_runs_as_layout_has_them():
    # stores.md said the main layout was sorted 'in runs of two million lines' long after the
    # runs came to be counted in bytes (MAIN_RUN_BYTES, 320 MiB: 45e2f2d).
    from alliance_graph.store.layout import MAIN_RUN_BYTES
    text = " ".join(_docs("stores.md").split())
    said = re.search(r"\*\*Memory store\.\*\*[^(]*\(in runs of `layout\.MAIN_RUN_BYTES` "
                     r"\(([\d,]+) MiB\)", text)
    assert said, "stores.md says how the main layout's lines are sorted, in runs of N MiB"
    assert int(said[1].replace(",", "")) << 20 == MAIN_RUN_BYTES
    assert "two million lines" not in text


def test_data_models_examples_give_what_their_data_files_hold():
    # The worked example showed claim:IronDome-coFundedBy-UnitedStates citing ev:000-iron-dome
    # alone, 'in data/missile-defense.ttl', where the file cites 001 and 002 too. A block said
    # to be from a data file gives, for each node and property it shows, the file's values (a
    # literal shortened with '...' aside).
    import rdflib
    prefixes = "".join(sorted({line + "\n" for path in (ROOT / "data").glob("*.ttl")
                               for line in path.read_text(encoding="utf-8").splitlines()
                               if line.startswith("@prefix")}))
    text = _docs("data-model.md")
    checked = 0
    for block in re.finditer(r"```turtle\n(.*?)```", text, re.S):
        paragraph = text[:block.start()].rstrip().rsplit("\n\n", 1)[-1]
        named = re.findall(r"In\s+`(data/[\w.-]+\.ttl)`", paragraph)
        if not named:
            continue
        shown = rdflib.Graph().parse(data=prefixes + block[1], format="turtle")
        held = rdflib.Graph().parse(ROOT / named[-1], format="turtle")
        for node, prop in {(s, p) for s, p in shown.subject_predicates()
                           if isinstance(s, rdflib.URIRef)}:
            values = {o for o in shown.objects(node, prop) if not isinstance(o, rdflib.BNode)}
            if any(isinstance(o, rdflib.Literal) and "..." in o for o in values):
                continue
            assert values == {o for o in held.objects(node, prop)
                              if not isinstance(o, rdflib.BNode)}, \
                f"data-model.md gives {node.n3(shown.namespace_manager)} " \
                f"{prop.n3(shown.namespace_manager)} otherwise than {named[-1]} does"
        checked += 1
    assert checked >= 3, "data-model.md quotes its worked examples from the data files"


def test_readme_says_what_the_installed_package_carries_as_pyproject_has_it():
    # README said only that the package 'carries the graph', and a user of it met 'no source
    # texts at .../site-packages/alliance_graph/shared/sources' at the first cite: the wheel
    # carries the folders pyproject's package-data names, and no source texts.
    import tomllib
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = sorted(name.rsplit(".", 1)[1] for name in
                     data["tool"]["setuptools"]["package-data"]
                     if name.startswith("alliance_graph.shipped."))
    text = " ".join(README.split())
    said = re.search(r"`pip install \.`: the package carries the graph \(its ([^)]*)\)", text)
    assert said, "README says which folders the installed package carries"
    assert sorted(re.findall(r"`(\w+)/`", said[1])) == shipped
    assert "sources" not in shipped
    assert re.search(r"It carries no source texts[^.]*`--sources DIR` or `ALLIANCE_GRAPH_SOURCES`",
                     text)


def _anchors(page: Path) -> set[str]:
    """Return the anchors GitHub makes of a page's headings (lower case, punctuation dropped,
    spaces as dashes, a repeated one numbered), code blocks aside."""
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)
    anchors, seen = set(), {}
    for heading in re.findall(r"^#{1,6} +(.+?) *$", text, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        anchors.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
        seen[slug] = seen.get(slug, 0) + 1
    return anchors


@pytest.mark.parametrize("page", [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))],
                         ids=lambda p: p.name)
def test_every_anchor_a_page_links_to_is_a_heading_of_its_page(page):
    # The file check above reads no anchor: a heading renamed leaves its links leading to the
    # top of the page.
    for target in re.findall(r"\]\(([^)\s]*#[^)\s]+)\)", page.read_text(encoding="utf-8")):
        path, anchor = target.split("#", 1)
        if re.match(r"[a-z]+:", path):
            continue
        linked = page.parent / path if path else page
        assert anchor in _anchors(linked), f"{page.name} links to {target}, no heading of it"


def test_validation_names_every_field_of_the_json_report():
    # The JSON report's fields were listed in pages.md alone, and eight of its findings'
    # eleven (file, shape_name and component missing); validation.md, the command's own page,
    # named none. Its 'The report' section names them all.
    import json

    from alliance_graph.proposals.report import Finding, Report, to_json
    finding = Finding("Violation", "m", "https://x.example/s", "s", file="p.ttl", line=1)
    written = json.loads(to_json(Report([finding], ["p.ttl"])))
    section = _docs("validation.md").split("## The report", 1)
    assert len(section) == 2, "validation.md has a section on the report"
    named = set(re.findall(r"`(\w+)`", section[1].split("\n## ", 1)[0]))
    missing = (set(written) | set(written["findings"][0])) - named
    assert not missing, f"validation.md's 'The report' does not name {sorted(missing)}"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_option_of_a_command_is_in_its_reference_row(command):
    # The table is checked for its commands and the group's options; an option added to a
    # command (serve has 27) could go unlisted. One of its names will do (-o, --no-follow).
    row = re.search(rf"^\| `alliance-graph (?:\[[^]]*\] )?{command}\b(.*?)` \|", README, re.M)
    missing = [p.opts[0] for p in main.commands[command].params
               if p.opts[0].startswith("-") and p.opts[0] != "--help"
               and not any(re.search(rf"{re.escape(name)}\b", row[1])
                           for name in p.opts + p.secondary_opts)]
    assert not missing, f"README's row of {command} does not list {missing}"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_the_formats_a_reference_row_lists_are_the_ones_its_command_takes(command):
    # export --format turtle was refused where query's took it: a row listing the names as
    # each command takes them keeps two commands' differences in sight.
    import click
    row = re.search(rf"^\| `alliance-graph (?:\[[^]]*\] )?{command}\b(.*?)` \|", README, re.M)
    for param in main.commands[command].params:
        listed = re.search(rf"{re.escape(param.opts[0])} ([\w\\|-]+)", row[1])
        if isinstance(param.type, click.Choice) and listed and "|" in listed[1]:
            assert listed[1].split("\\|") == list(param.type.choices), (command, param.opts)


def test_architecture_gives_no_count_of_the_suite_that_goes_stale():
    # architecture.md said the quick run was 'about 3,750 of the 4,350 tests' when the suite
    # had 5,408 (4,711 of them quick): a count of the suite is stale at the next commit, and
    # counting it here would collect the whole suite. A count said of a past run may stay.
    text = " ".join(_docs("architecture.md").split())
    assert not re.search(r"[\d,]+ of the [\d,]+ tests", text)
    assert '-m "not server and not browser"' in text


def test_every_module_architecture_names_is_one_of_the_package():
    # A module moved or renamed (the absent-name notes went from cli/ to query/) leaves the
    # module map naming a file that is gone: each name.py it gives, alone or under its folder,
    # is a module of the package (or a test or bench script it names).
    text = _docs("architecture.md")
    package = ROOT / "src" / "alliance_graph"
    modules = {p.relative_to(package).as_posix() for p in package.rglob("*.py")}
    scripts = {name for folder in ("tests", "bench") for p in (ROOT / folder).rglob("*.py")
               for name in (p.name, p.relative_to(ROOT).as_posix())}
    named = set(re.findall(r"(?<![\w/.-])((?:\w+/)*\w+\.py)\b", text))
    assert len(named) > 100
    gone = sorted(n for n in named if n not in modules and n not in scripts
                  and not any(m.endswith("/" + n) for m in modules))
    assert not gone, f"docs/architecture.md names modules that do not exist: {gone}"


_UNITS = {"": 1, " s": 1, " ms": 0.001, " minutes": 60, " KiB": 1 << 10, " MiB": 1 << 20,
          " GiB": 1 << 30, " MB": 10 ** 6}


def _module_constants(imported: dict | None = None) -> dict[str, set[tuple[str, float]]]:
    """Return each upper-case name a module of the package sets to a number, with its module's
    name: ``{"SORTED_MAX": {("entity", 2000)}, ...}``; a name one module imports from another
    (``PAGE = MAX_INCOMING``) is read through on a second pass, given the first's."""
    import ast
    found: dict[str, set[tuple[str, float]]] = {}
    for path in (ROOT / "src" / "alliance_graph").rglob("*.py"):
        names: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and imported:
                names.update({a.asname or a.name: next(iter(imported[a.name]))[1]
                              for a in node.names if len(imported.get(a.name, ())) == 1})
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)):
                continue
            try:
                value = eval(compile(ast.Expression(node.value), str(path), "eval"),
                             {"__builtins__": {}}, dict(names))
            except Exception:  # noqa: BLE001 - anything but plain arithmetic is no figure
                continue
            names[node.targets[0].id] = value
            if node.targets[0].id.isupper() and type(value) in (int, float):
                found.setdefault(node.targets[0].id, set()).add((path.stem, value))
    return found


def _figures_said(pattern: str) -> tuple[int, list[str]]:
    """Return how many figures of the docs' settings and constants ``pattern`` finds (its groups
    ``module``, ``name``, ``figure`` and ``unit``), and those that are not the code's value."""
    import dataclasses

    from alliance_graph.settings import Settings
    defaults = {f.name: getattr(Settings(), f.name) for f in dataclasses.fields(Settings)}
    constants = _module_constants(_module_constants())
    checked, wrong = 0, []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = " ".join(page.read_text(encoding="utf-8").split())
        for said in re.finditer(pattern, text):
            module, name = said["module"], said["name"]
            value = float(said["figure"].replace(",", "")) * _UNITS[said["unit"] or ""]
            if module in (None, "Settings", "settings") and name in defaults:
                values = {defaults[name]}
            elif name in constants:
                values = {v for stem, v in constants[name] if module in (None, stem)}
            else:
                continue
            checked += 1
            if value not in values:
                wrong.append(f"{page.name}: {said[0]} where the code has {sorted(values)}")
    return checked, wrong


def test_each_setting_and_constant_a_doc_gives_a_value_has_that_value():
    # A figure given beside its name (`SORTED_MAX` (2,000), `validations` (2),
    # `Settings.max_nesting` (10,000), `max_result_bytes` (32 MiB)) is the one a reader
    # changes or relies on; each is compared with the code's, so a default changed in the
    # code fails here until the doc says it.
    # Also beside its option, either way round: `query_memory` (`--query-memory`, 1 GiB),
    # `--idle-timeout` (`channel_timeout`, 15 s).
    checked, wrong = _figures_said(r"(?P<option>`--[\w-]+` \()?`(?:(?P<module>\w+)\.)?(?P<name>\w+)`"
                                   r"(?(option), | \((?:`--[\w-]+`, )?)"
                                   r"(?P<figure>[\d,.]*\d)(?P<unit> s| minutes| [KMG]iB| MB)?[),;]")
    assert checked >= 20, "the docs give the figures of settings and constants by name"
    assert not wrong, wrong


def test_readme_lists_every_extension_export_reads_a_format_from():
    # README's export row named .nt, .nq/.nquads, .jsonld/.json-ld and .graphml as the
    # extensions that choose a format, where -o graph.trig, .rdf, .xml, .owl and .json each
    # choose one too (the tour's own `--format trig -o graph.trig` needs no --format).
    from alliance_graph.query.export import formats_named_by
    row = re.search(r"^\| `alliance-graph export .*?else in the format FILE's extension names "
                    r"\(([^)]*)\)", README, re.M)
    assert row, "README's export row says which extensions name a format"
    listed = set(re.findall(r"`\.([\w-]+)`", row[1]))
    common = {"ttl", "turtle", "nt", "ntriples", "nq", "nquads", "trig", "jsonld", "json-ld",
              "json", "rdf", "xml", "owl", "graphml", "n3", "txt", "csv"}
    named = {e for e in common | listed if len(formats_named_by(f"graph.{e}")) == 1}
    assert listed - {"csv"} == named
    assert len(formats_named_by("graph.csv")) == 2 and "csv" in listed


def test_validation_gives_the_longest_shipped_texts_as_the_graph_holds_them(kg):
    # The shapes' table measures the 2,000-character limit against the longest texts of the
    # shipped data, which grow as facts are added.
    import alliance_graph as ag
    text = " ".join(_docs("validation.md").split())
    said = re.search(r"The longest shipped texts are a note of (\d+) characters, a disagreement "
                     r"note of (\d+), a quote of (\d+) and a claim value of (\d+)", text)
    assert said, "validation.md gives the longest shipped texts"
    def longest(pattern: str) -> int:
        return int(ag.rows(ag.run(kg, f"SELECT (MAX(STRLEN(STR(?text))) AS ?n) WHERE {{ {pattern} "
                                      "FILTER(isLiteral(?text)) }"))[0]["n"].value)
    assert [int(n) for n in said.groups()] == [
        longest("?s ag:note ?text"), longest("?s ag:disagreementNote ?text"),
        longest("?s oa:exact ?text"), longest("?s a ag:Claim ; rdf:object ?text")]


def test_pages_names_the_editors_pinned_versions_as_package_json_has_them():
    # pages.md names each package the editor bundle pins, with its version: a bump of
    # editor/package.json leaves the page naming the old one.
    import json
    package = json.loads((ROOT / "editor" / "package.json").read_text(encoding="utf-8"))
    text = " ".join(_docs("pages.md").split())
    said = re.search(r"`editor/package\.json` pins (.*?) to bundle them", text)
    assert said, "pages.md says which versions editor/package.json pins"
    named = dict(re.findall(r"`?([@\w/.-]+?)`? (\d+\.\d+\.\d+)", said[1]))
    assert named == {**package["dependencies"], **package["devDependencies"]}


def test_readmes_load_row_says_what_load_does_with_the_default_store():
    # The row said load builds 'into a directory store, or push it to a remote SPARQL store',
    # where with the default store (memory) it builds the cache the memory store loads at
    # start ('built .cache/build-....nq and main-....nq'), as README's own 'load after add' has
    # it, and --nquads writes a file instead of pushing.
    row = re.search(r"^\| `alliance-graph \[--store [^]]*\] load [^|]*` \| ([^|]*) \|$", README,
                    re.M)
    assert row, "README's reference has a row for load"
    assert "for `memory` (the default) the build cache it loads at start" in row[1]
    assert "a directory store" in row[1] and "remote SPARQL store" in row[1]
    assert "`--nquads FILE`" in row[1]
    # And its --help, which still said "a directory store, or push it to a remote store".
    assert "for memory (the default) the build cache it loads at start" in \
        " ".join(main.commands["load"].help.split())


def test_stats_help_names_the_dataset_version_as_readmes_row_does():
    # The row gave the dataset version first, which --help left out.
    row = re.search(r"^\| `alliance-graph stats\b.*?` \| (.*) \|$", README, re.M)
    assert "the dataset version (as in ETags)" in row[1]
    assert "the dataset version (as in ETags)" in " ".join(main.commands["stats"].help.split())


def test_readmes_check_row_names_the_checks_check_runs():
    # The row said check runs 'every *-violation.rq check', where it ran those of the data,
    # build and ontology folders alone; it names the folders checks.KINDS runs, and a folder
    # of checks it left out would be named nowhere.
    from alliance_graph.build import checks
    folders = {p.name for p in (ROOT / "src" / "alliance_graph" / "build" / "violations")
               .iterdir() if p.is_dir() and any(p.glob("*-violation.rq"))}
    row = re.search(r"^\| `alliance-graph check` \| ([^|]*) \|$", README, re.M)
    assert row, "README's reference has a row for check"
    assert set(re.findall(r"`(?:violations/)?(\w+)/`", row[1])) == set(checks.KINDS) == folders
    assert "every `*-violation.rq`" not in README


def test_every_variable_the_command_line_reads_is_in_readme():
    # README lists the variables beside the group's options ('..._REMOTE_TIMEOUT'); one added
    # to settings.ENVIRONMENT could go unlisted, as an option could.
    from alliance_graph.settings import ENVIRONMENT
    text = " ".join(README.split())
    missing = [v for v in ENVIRONMENT
               if f"`{v}`" not in text and f"`..._{v.removeprefix('ALLIANCE_GRAPH_')}`" not in text]
    assert not missing, f"README does not name {missing}"


def test_every_option_of_serve_but_get_has_the_variable_endpoint_names_it_by():
    # endpoint.md: "Each option of `serve` but `--get` may be given by a variable named after
    # it ...: `ALLIANCE_GRAPH_` and the option in capitals, dashes as underscores" (the
    # container example relies on it); an option declared another way would have none.
    text = " ".join(_docs("endpoint.md").split())
    assert "Each option of `serve` but `--get` may be given by a variable named after it" in text
    wrong = [(param.opts, param.envvar) for param in main.commands["serve"].params
             if param.opts != ["--get"] and param.envvar != "ALLIANCE_GRAPH_" +
             param.opts[0].removeprefix("--").upper().replace("-", "_")]
    assert not wrong, f"serve's options without the variable named after them: {wrong}"


def _keys(value) -> set[str]:
    """Return every key of a JSON value's objects, however deep."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    return set()


def test_endpoints_status_row_names_every_field_status_answers(endpoint):
    # The row said what /status tells in words, and its engine's `restarting`, `workers` and
    # `standby` (whether a twin waits to take over) were named nowhere: a field added to
    # status.py went unsaid. The row names each key of the answer, as written.
    import json
    import urllib.request
    row = re.search(r"^\| `GET /status` \| (.*) \|$", _docs("endpoint.md"), re.M)
    assert row, "endpoint.md's table of paths has a row for GET /status"
    with urllib.request.urlopen(f"{endpoint}/status", timeout=30) as answer:
        status = json.load(answer)
    missing = sorted(k for k in _keys(status) if f"`{k}`" not in row[1])
    assert not missing, f"endpoint.md's /status row does not name {missing}"


def test_pages_gives_the_shipped_source_pages_sizes_as_the_server_serves_them(endpoint,
                                                                               sources_dir):
    # The source pages' sizes are given as today's, and had stayed at 171, 78, 132, 69 and
    # 66 KB as the data grew (by up to 5 %: 81, 72 and 67 KB for 000, 002 and 001). A figure
    # within 3 % of the page holds: a fact added moves a page by a few hundred bytes.
    import urllib.request
    text = " ".join(_docs("pages.md").split())
    said = re.search(r"today's(?:, in KB of 1,000 bytes)?\): (.*?)\. Most of what is left", text)
    assert said, "pages.md gives the sizes of the shipped sources' pages"
    sizes = re.findall(r"\b(\d{3}) \d+(?: KB)? → (\d+) KB", said[1])
    # The pages show the texts, so their sizes are those of a server that has them.
    files = {path.name[:3]: path.name for path in sources_dir.glob("*.txt")}
    assert sorted(name for name, _ in sizes) == sorted(files)
    for name, kb in sizes:
        with urllib.request.urlopen(f"{endpoint}/id/source/{files[name]}", timeout=60) as page:
            served = len(page.read())
        assert abs(served - int(kb) * 1000) <= served * 0.03, \
            f"pages.md gives source {name}'s page as {kb} KB, where it is {served} bytes"


def _shell_commands(page: Path) -> list[str]:
    """Return the commands of a page's ``sh`` blocks as their words: a line continued by a
    backslash, or by a quotation left open (a query over several lines), joined to the next, a
    comment after ``#`` dropped."""
    import shlex
    commands = []
    for block in re.findall(r"^ *```sh\n(.*?)^ *```", page.read_text(encoding="utf-8"),
                            re.S | re.M):
        pending = ""
        for line in block.replace("\\\n", " ").splitlines():
            pending += line + "\n"
            lexer = shlex.shlex(pending, posix=True, punctuation_chars="|")
            lexer.whitespace_split, lexer.commenters = True, "#"
            try:
                words = list(lexer)
            except ValueError:  # no closing quotation yet
                continue
            pending = ""
            if words:
                commands.append(words)
        assert not pending, f"{page.name}: a quotation is never closed: {pending!r}"
    return commands


def _readme_proposal() -> str:
    """Return README's proposal.ttl as step 2 has it written: the data files' prefixes, then
    its claim."""
    prefixes = sorted({line for path in (ROOT / "data").glob("*.ttl")
                       for line in path.read_text(encoding="utf-8").splitlines()
                       if line.startswith("@prefix")})
    [claim] = re.findall(r"Write `proposal\.ttl`.*?```turtle\n(.*?)```", README, re.S)
    return "\n".join(prefixes) + "\n\n" + "\n".join(line.strip() for line in claim.splitlines())


_CURLS = [(page.name, words) for page in [ROOT / "README.md", ROOT / "docs" / "endpoint.md",
                                          ROOT / "docs" / "pages.md", ROOT / "docs" / "stores.md"]
          for words in _shell_commands(page) if words[0] == "curl"]


@pytest.mark.parametrize("page, words", _CURLS, ids=[f"{p}-{i}" for i, (p, _) in
                                                     enumerate(_CURLS)])
def test_every_curl_of_the_docs_is_answered_as_printed(endpoint, tmp_path, page, words):
    # The curl lines were read by eye alone: each is sent, as written, to a server on the
    # shipped data, and must be answered 200 (a piped one as the text says it prints).
    import urllib.parse
    import urllib.request
    assert len(_CURLS) >= 5, "the docs show curl lines"
    words, piped = (words[:words.index("|")], words[words.index("|") + 1:]) \
        if "|" in words else (words, [])
    headers, data, method, url = {}, None, None, None
    arguments = iter(words[1:])
    for word in arguments:
        if word == "-H":
            name, value = next(arguments).split(":", 1)
            headers[name] = value.strip()
        elif word == "--data-urlencode":
            name, value = next(arguments).split("=", 1)
            data = f"{name}={urllib.parse.quote(value, safe='')}".encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif word == "--data-binary":
            file = next(arguments).removeprefix("@")
            assert file == "proposal.ttl", f"{page}: curl sends {file}, which no step writes"
            data = _readme_proposal().encode()
        elif word in ("-s", "-sI", "-I"):
            method = "HEAD" if "I" in word else method
        else:
            assert word.startswith("http://127.0.0.1:8000/") and url is None, (page, word)
            url = endpoint + word.removeprefix("http://127.0.0.1:8000")
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.status == 200
        body = answer.read()
        if piped:
            # `| grep -i '^link'`: the shipped graph's descriptions fit one page, and the text
            # says the command prints nothing here.
            assert piped == ["grep", "-i", "^link"], (page, piped)
            assert answer.headers.get("Link") is None
        elif url.endswith("/validate"):
            # README's proposal restates a fact of data/: it conforms ("nothing new").
            assert b'"conforms": true' in body or b"sh:conforms true" in body, body
        else:
            assert body.strip(), (page, words)


_COMMAND_LINES = [(page.name, words) for page in [
    ROOT / "README.md", *(ROOT / "docs" / name for name in (
        "endpoint.md", "stores.md", "pages.md", "validation.md", "benchmarks.md", "catalogue.md"))]
    for words in _shell_commands(page)]
_ALLIANCE_GRAPH = [(page, dict(w.split("=", 1) for w in words[:i]),
                    [w for w in words[i + 1:] if w != "&"])
                   for page, words in _COMMAND_LINES
                   for i in [next((i for i, w in enumerate(words)
                                   if not re.match(r"[A-Z_]+=", w)), len(words))]
                   # the synopsis of serve, `[--port 8000]`, is held by the next test
                   if words[i:i + 1] == ["alliance-graph"]
                   and not any(w.startswith("[") for w in words)]


@pytest.mark.parametrize("page, variables, args", _ALLIANCE_GRAPH,
                         ids=[f"{p}-{i}" for i, (p, _, _) in enumerate(_ALLIANCE_GRAPH)])
def test_every_command_line_of_the_docs_is_one_the_command_reads(monkeypatch, page, variables,
                                                                  args):
    # A command copied from a page must name options and values the command takes, and the
    # variables set before it (ALLIANCE_GRAPH_WORKERS=8) values they take: each is read by the
    # command line's own parser (nothing run), as `alliance-graph` would read it.
    import click
    assert len(_ALLIANCE_GRAPH) >= 20, "the docs show alliance-graph command lines"
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    try:
        context = main.make_context("alliance-graph", list(args))
        # The command and its arguments: Click 8.2 to 8.x keeps the command's name apart
        # (``protected_args``, whose reading warns, an error here), Click 9 in ``args``.
        rest = [*getattr(context, "_protected_args", ()), *context.args]
        command = main.commands[rest[0]]
        command.make_context(command.name, rest[1:], parent=context)
    except click.ClickException as refused:
        pytest.fail(f"{page}: alliance-graph {' '.join(args)}: {refused.format_message()}")


@pytest.mark.parametrize("page", ["catalogue.md", "benchmarks.md"])
def test_the_loops_over_the_catalogue_run_every_query_as_printed(page):
    # Both timed `query NAME --format csv` of every queries/*.rq: the two CONSTRUCT queries
    # exit 2 (a graph has no CSV), and the loop's figures held two errors.
    from click.testing import CliRunner
    loops = re.findall(r"for q in queries/\*\.rq; do .*? query \$\(basename \$q \.rq\)([^;>]*)",
                       (ROOT / "docs" / page).read_text(encoding="utf-8"), re.S)
    assert loops, f"{page} has no loop over the catalogue"
    for options in loops:
        for query in sorted((ROOT / "queries").glob("*.rq")):
            done = CliRunner().invoke(main, ["query", query.stem, *options.split()])
            assert done.exit_code == 0, (page, query.name, done.output)


def test_endpoints_synopsis_of_serve_gives_the_options_defaults():
    # The synopsis at the top of endpoint.md writes `[--workers 4]`: each option it shows is
    # one of serve's, and a value it shows is the default serve --help gives.
    import click
    synopsis = re.search(r"^alliance-graph serve (\[.*?)\n(?!\s+\[)", _docs("endpoint.md"),
                         re.M | re.S)
    assert synopsis, "endpoint.md opens with the synopsis of serve"
    shown = re.findall(r"\[(--[\w-]+)(?: ([^]\s]+))?", synopsis[1])
    options = {name: param for param in main.commands["serve"].params for name in param.opts}
    assert len(shown) >= 10
    for option, value in shown:
        assert option in options, f"endpoint.md's synopsis shows {option}, which serve lacks"
        if value and not value.isupper():
            default = re.search(r"\(default: ([^;)]+)", " ".join(options[option].help.split()))
            assert default and default[1].replace(",", "") == value, \
                f"endpoint.md's synopsis shows [{option} {value}], where serve --help says " \
                f"{default[0] if default else 'no default'}"
            assert isinstance(options[option], click.Option)


@pytest.mark.parametrize("text", [args[1] for page, _, args in _ALLIANCE_GRAPH
                                  if args[0] == "query" and " " in args[1]],
                         ids=lambda text: text.split("WHERE")[0].strip()[:40])
def test_every_query_the_docs_print_runs_on_the_shipped_graph_with_an_answer(kg, text):
    # A query written out in a command (not a catalogue name) is one an analyst copies: it
    # runs with the project's prefixes undeclared, as the text says, and answers something.
    import alliance_graph as ag
    assert ag.rows(ag.run(kg, text)), f"no rows for {text!r}"


def test_readmes_stats_row_names_every_field_stats_writes():
    # The row listed the dataset version, triples, claims, evidence, sources and classes;
    # stats printed how many claims are contested, and its JSON each named graph's triples,
    # which the row did not say. It names every field of the JSON.
    import dataclasses

    from alliance_graph.query.stats import Stats
    row = re.search(r"^\| `alliance-graph stats\b.*?` \| (.*) \|$", README, re.M)
    missing = [f.name for f in dataclasses.fields(Stats) if f"`{f.name}`" not in row[1]]
    assert not missing, f"README's stats row does not name {missing}"


@functools.cache
def _names_of_modules() -> dict[str, set[str]]:
    """Return, for each module name of the package (its file's stem), the names its modules of
    that name define or import, at any depth (functions, classes, methods, assignments)."""
    import ast
    names: dict[str, set[str]] = {}
    for path in (ROOT / "src" / "alliance_graph").rglob("*.py"):
        defined = names.setdefault(path.stem, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defined.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                for target in getattr(node, "targets", [getattr(node, "target", None)]):
                    defined.add(getattr(target, "id", getattr(target, "attr", "")))
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                defined.update(alias.asname or alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("page", [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))],
                         ids=lambda p: p.name)
def test_every_module_name_a_doc_gives_is_defined_there(page):
    # endpoint.md sent the reader to `connections.FairDispatcher`, which moved to dispatch.py
    # when connections.py was split (5661f22): a `module.name` of the package a page gives
    # must be a name that module defines.
    modules = _names_of_modules()
    files = {"json", "js", "py", "css", "html", "txt", "ttl", "nq", "md", "rq", "srj", "lock",
             "mjs", "ini", "toml", "cfg", "png", "log", "tmp", "trig", "nt", "csv", "graphml", "rs"}
    text = page.read_text(encoding="utf-8")
    wrong = sorted({f"{module}.{name}" for module, name in
                    re.findall(r"`(?:[\w/]+/)?(\w+)\.(\w+)(?:\(|`)", text)
                    if module in modules and name not in files and name not in modules[module]})
    assert not wrong, f"{page.name} names what its module does not define: {wrong}"


def test_each_figure_given_before_a_settings_name_has_that_value():
    # The figures the test above reads follow their name, `SORTED_MAX` (2,000); as many come
    # first, the name in brackets after them: "1,000 rows (`SHOWN_ROWS` in `views.py`)",
    # "50 ms (`engine_poll`)", "32 different words (`MAX_WORDS`; ...". Those were unread.
    checked, wrong = _figures_said(r"\b(?P<figure>\d[\d,.]*\d|\d)"
                                   r"(?P<unit> s| ms| minutes| [KMG]iB| MB)?"
                                   r"(?: [a-z]+){0,3} \([^()`]*?`(?:(?P<module>\w+)\.)?"
                                   r"(?P<name>\w+)`(?: in `[\w/.]+`)?[;,)]")
    assert checked >= 5, "the docs give figures before the names of settings and constants"
    assert not wrong, wrong


def test_endpoints_status_row_says_what_serve_get_answers(kg):
    # serve --get runs the engine in its own process: /status gives no pid and no sandbox
    # ("in-process engine: not sandboxed"), which the row, saying the pid is none only while
    # an engine restarts, did not tell.
    import json

    from click.testing import CliRunner
    row = re.search(r"^\| `GET /status` \| (.*) \|$", _docs("endpoint.md"), re.M)[1]
    result = CliRunner().invoke(main, ["serve", "--get", "/status"])
    assert result.exit_code == 0, result.output
    status = json.loads(result.stdout)
    assert status["engine"]["pid"] is None and "not sandboxed" in status["sandbox"]
    assert "none while it is `restarting` and under `serve --get`" in row
    assert "(`serve --get`'s engine, in its own process, has none)" in row


def test_each_figure_a_doc_gives_beside_an_option_is_its_default():
    # `--workers` (4), `--max-query-bytes` (100,000), `--light-seconds` (2 s): an option's
    # default given beside it is held to the one its --help gives, as settings' are above (a
    # default derived from another, "all but one of --workers", is no figure to compare).
    helps: dict[str, set[str]] = {}
    for command in main.commands.values():
        for param in command.params:
            for default in re.findall(r"\(default: ([\d,.]+)", " ".join((getattr(
                    param, "help", "") or "").split())):
                for name in param.opts:
                    helps.setdefault(name, set()).add(default.replace(",", ""))
    checked, wrong = 0, []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = " ".join(page.read_text(encoding="utf-8").split())
        for said in re.finditer(r"`(--[\w-]+)`(?: \(`\w+`\))? \((\d[\d,.]*)[ ),;]", text):
            if said[1] in helps:
                checked += 1
                if said[2].replace(",", "") not in helps[said[1]]:
                    wrong.append(f"{page.name}: {said[0]} where --help says {helps[said[1]]}")
    assert checked >= 8, "the docs give options' defaults beside them"
    assert not wrong, wrong


def test_endpoint_gives_the_catalogues_largest_query_as_the_bounds_count_it():
    # endpoint.md said the catalogue's largest query had 38 elements, where the bounds as they
    # count now (the section lists what changed in the counting) give it 35. The figures are
    # the least --max-query-depth and --max-query-elements each catalogue query passes.
    from alliance_graph.query.bounds import Bounds, tokens_within
    from alliance_graph.query.refused import Refused

    def least(text: str, bound: str) -> int:
        low, high = 1, 1000
        while low < high:
            middle = (low + high) // 2
            try:
                tokens_within(text, Bounds(**{"max_depth": 1000, "max_elements": 1000,
                                              bound: middle}))
                high = middle
            except Refused:
                low = middle + 1
        return low
    said = re.search(r"The catalogue's largest query has depth (\d+) and (\d+) elements",
                     " ".join(_docs("endpoint.md").split()))
    assert said, "endpoint.md gives the catalogue's largest query's depth and elements"
    texts = [path.read_text(encoding="utf-8") for path in (ROOT / "queries").glob("*.rq")]
    assert (int(said[1]), int(said[2])) == (max(least(t, "max_depth") for t in texts),
                                            max(least(t, "max_elements") for t in texts))


def test_endpoint_counts_the_families_the_bounds_tests_run():
    # endpoint.md said the tests run the largest allowed query of 53 families, where
    # test_guard runs 57 (its ALL: the crashing families, the slow ones, the long argument
    # lists and the mix), taken from there, the module that builds them.
    from test_guard import ALL
    said = re.search(r"The tests run the largest query each bound allows for (\d+) families",
                     " ".join(_docs("endpoint.md").split()))
    assert said and int(said[1]) == len(ALL)


def test_readmes_cite_row_gives_the_rule_names_are_held_to():
    # The row gave NAME as "letters, digits, `_`, `-`, `.`", and `cite ... --name -x`, `x.`
    # or `café` was refused: the letters are ASCII's, and a name neither starts with `-` or
    # `.` nor ends with `.` (sources.citations.LOCAL_NAME_RULE).
    from alliance_graph.sources.citations import is_local_name
    row = re.search(r"^\| `alliance-graph cite\b.*?` \| (.*) \|$", README, re.M)[1]
    assert ("NAME: ASCII letters, digits, `_`, `-` and `.`, not starting with `-` or `.` nor "
            "ending with `.`") in row
    assert is_local_name("000_blue-flag.2") and is_local_name("Az09")
    assert not any(map(is_local_name, ["-x", ".x", "x.", "café", "a b", ""]))


def _bench_options(script: str) -> set[str]:
    """Return the options a bench script's argparse parser adds (read from its source)."""
    import ast
    tree = ast.parse((ROOT / "bench" / f"{script}.py").read_text(encoding="utf-8"))
    return {arg.value for call in ast.walk(tree) if isinstance(call, ast.Call)
            and getattr(call.func, "attr", "") == "add_argument"
            for arg in call.args if isinstance(arg, ast.Constant)
            and str(arg.value).startswith("--")}


def test_every_option_a_doc_gives_a_bench_script_is_one_it_takes():
    # The benchmarks' command lines are not run here (they take minutes to hours); each option
    # a page gives one (`bench/run.py --sizes 10000 --requests 50`, `add_10k.py`'s `--facts`,
    # `--depth`) must be one the script's parser adds.
    checked, wrong = 0, []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8").replace("\\\n", " ")
        for said in re.finditer(r"(?:bench/|\.\./\.venv/bin/python )(\w+)\.py((?: +[^\s`|)]+)*)",
                                text):
            # Its comment's options too: "# or --send nothing", "# --facts, --depth to ...".
            for option in re.findall(r"(?<![\w-])(--[a-z][\w-]*)", said[2]):
                checked += 1
                if option not in _bench_options(said[1]):
                    wrong.append(f"{page.name}: bench/{said[1]}.py {option}")
    assert checked >= 30, "the docs give the benchmarks' command lines"
    assert not wrong, f"options the scripts do not take: {wrong}"


def test_readme_names_every_error_the_package_raises():
    # README listed the library's errors and said `help(ag)` lists them all, leaving out
    # ag.LoadError (a data file's broken Turtle: ag.load raised it, file and line) and
    # ag.StoreError (a store that cannot be used): each exception and warning class the package
    # exports is named in README as `ag.Name`.
    import alliance_graph as ag
    exported = [name for name in dir(ag) if name[:1].isupper()
                and isinstance(getattr(ag, name), type)
                and issubclass(getattr(ag, name), BaseException)]
    assert "LoadError" in exported and "StoreError" in exported
    missing = [name for name in exported if f"`ag.{name}`" not in README]
    assert not missing, f"README does not name {missing}"


def test_readmes_python_block_shows_every_function_of_the_package():
    # README's notebook block showed load, run, rows and export; ag.validate and ag.add, the
    # dry run and the merge of a proposal, were named only as taking `settings`, with nothing
    # of what they return. The block parses, uses only what the package has, and shows each of
    # its functions but those the prose after it calls (`ag.to_rdflib(result)`, `ag.cite(...)`).
    import ast

    import alliance_graph as ag
    from alliance_graph.proposals.add import AddResult
    from alliance_graph.proposals.report import Report
    # The notebook block, and the proposal's two steps where the README has written one (the
    # notebook block, run as printed, has no proposal.ttl: tests/test_install.py runs it).
    blocks = [textwrap.dedent(b) for b in re.findall(r"```python\n(.*?)```", README, re.S)]
    assert len(blocks) == 2
    used = {node.attr for block in blocks for node in ast.walk(ast.parse(block))
            if isinstance(node, ast.Attribute) and getattr(node.value, "id", "") == "ag"}
    functions = {name for name in dir(ag) if not name.startswith("_")
                 and callable(getattr(ag, name)) and not isinstance(getattr(ag, name), type)}
    assert used <= set(dir(ag))
    assert {"validate", "add"} <= used
    assert not [name for name in functions - used if f"`ag.{name}(" not in README]
    # What the comments say the two return.
    for cls, fields in ((Report, ("conforms", "findings")), (AddResult, ("report", "merged"))):
        assert set(fields) <= {f.name for f in dataclasses.fields(cls)} | set(dir(cls))


def test_every_option_a_doc_gives_a_command_inline_is_one_it_takes():
    # The prose gives commands inline as well (`serve --allow-service IRI`, `alliance-graph
    # validate --max-findings N`, `load --nquads remote.nq`): each option is one the command
    # (or the group before it) takes, as the sh blocks' command lines are held above.
    group = {name for param in main.params for name in param.opts + param.secondary_opts}
    checked, wrong = 0, []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = re.sub(r"^ *```.*?^ *```", "", page.read_text(encoding="utf-8"),
                      flags=re.S | re.M)
        for span in re.findall(r"`([^`]+)`", " ".join(text.split())):
            words = span.split("|")[0].split()  # `... | wc -c`: what follows is another's
            if words[:1] == ["alliance-graph"]:
                words = words[1:]
            elif not (len(words) > 1 and words[0] in main.commands and words[1][:1] == "-"):
                continue
            named = [word for word in words if word in main.commands]
            if not named:
                continue
            takes = group | {"--help"} | {name for param in main.commands[named[0]].params
                                          for name in param.opts + param.secondary_opts}
            for option in re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", " ".join(words)):
                checked += 1
                if option not in takes:
                    wrong.append(f"{page.name}: `{span}` ({option})")
    assert checked >= 50, "the docs give commands with their options inline"
    assert not wrong, wrong


def test_every_variable_a_doc_names_is_one_something_reads():
    # README is held to name every variable the command line reads; the other way round, a
    # variable a page names (ALLIANCE_GRAPH_FOLLOW, ..._CHROMIUM) must be read by the command
    # line (settings.ENVIRONMENT, an option's envvar), the package, or the tests.
    from alliance_graph.settings import ENVIRONMENT
    read = set(ENVIRONMENT) | {name for command in main.commands.values()
                               for param in command.params
                               for name in ([param.envvar] if isinstance(param.envvar, str)
                                            else param.envvar or [])}
    code = " ".join(path.read_text(encoding="utf-8")
                    for folder in ("src", "tests") for path in (ROOT / folder).rglob("*.py")
                    if path.name != "test_docs.py")  # this file names them all
    named = {name for page in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
             for name in re.findall(r"ALLIANCE_GRAPH_[A-Z_]*[A-Z]",
                                    page.read_text(encoding="utf-8"))}
    assert len(named) >= 15
    missing = sorted(name for name in named - read if not re.search(rf"\b{name}\b", code))
    assert not missing, f"the docs name variables nothing reads: {missing}"


def test_pages_gives_the_ranges_of_the_properties_search_reads_as_descriptions(kg):
    # pages.md said search reads as descriptions every property of range rdf:langString, where
    # the ontology gives none that range (the data's strings are plain, xsd:string) and
    # search.py reads both: the page names the ranges the query reads, and the properties it
    # gives as examples are of them.
    import alliance_graph as ag
    from alliance_graph.web.pages import search
    [pattern] = [p for kind, p in search._BRANCHES if kind == 2]
    ranges = set(re.search(r"VALUES \?range \{ ([^}]*) \}", pattern)[1].split())
    text = " ".join(_docs("pages.md").split())
    said = re.search(r"3\. descriptions: .*? every property the ontology gives a string range, "
                     r"(.*?) \((.*?)\), its prose;", text)
    assert said, "pages.md says which properties search reads as descriptions"
    assert set(re.findall(r"`(\w+:\w+)`", said[1])) == ranges
    examples = re.findall(r"`(ag:\w+)`", said[2])
    values = " ".join(ranges)
    held = {row["p"].value for row in ag.rows(ag.run(
        kg, f"SELECT ?p WHERE {{ VALUES ?range {{ {values} }} ?p rdfs:range ?range }}"))}
    assert examples and {e.replace("ag:", "https://alliance-graph.example/ontology/")
                         for e in examples} <= held
