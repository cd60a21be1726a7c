"""`alliance-graph serve`'s options for the query checks (cli/serve_command.py): the bounds on
a query's text and the SERVICE IRIs a query may call reach the server, values it could not
honour are refused before it starts, and its refusals name the options its operator gives.

Before these options the bounds and the allow-list could be changed only from Python, and the
refusals named "Settings.max_query_depth" and "Settings.allowed_services" to curl's users."""

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

import servers
from alliance_graph.cli import main
from conftest import loaded_remote

COMMAND = str(Path(sys.executable).parent / "alliance-graph")
# Lowered far enough that small queries meet each bound, with no other bound met first.
BOUNDS = {"--max-query-bytes": 400, "--max-query-tokens": 40, "--max-query-depth": 4,
          "--max-query-elements": 12}


def ask(url: str, query: str) -> tuple[int, str]:
    """Return the status and body of the endpoint's answer to ``query``."""
    try:
        with urllib.request.urlopen(f"{url}/sparql?query={urllib.parse.quote(query)}",
                                    timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read().decode()


@pytest.fixture(scope="module")
def bounded(tmp_path_factory):
    """A real `serve` process on the shipped data with every bound lowered (BOUNDS)."""
    options = [str(part) for pair in BOUNDS.items() for part in pair]
    port, process = servers.serve_shipped(tmp_path_factory.mktemp("bounded") / "serve.log",
                                          *options)
    yield f"http://127.0.0.1:{port}"
    servers.stop(process)


# Each pair: the largest query the lowered bound lets through, and the smallest it refuses.
WITHIN_AND_PAST = {
    "--max-query-bytes": ['ASK { FILTER ("' + "x" * n + '" != "") }' for n in (375, 376)],
    "--max-query-tokens": ["SELECT * { VALUES ?x { " + "1 " * n + "} }" for n in (32, 33)],
    "--max-query-depth": ["ASK " + "{" * n + "}" * n for n in (4, 5)],
    # "{", FILTER and each "+".
    "--max-query-elements": ["ASK { FILTER (1" + " + 1" * n + " > 0) }" for n in (9, 10)],
}


@pytest.mark.server
@pytest.mark.parametrize("option", WITHIN_AND_PAST)
def test_each_bound_given_reaches_the_server_and_is_named_by_its_option(bounded, option):
    within, past = WITHIN_AND_PAST[option]
    status, body = ask(bounded, within)
    assert status == 200, body
    status, body = ask(bounded, past)
    assert status == 400, body
    assert f"the limit is {BOUNDS[option]:,} ({option})" in body and "Settings" not in body


@pytest.mark.server
def test_a_service_call_is_refused_naming_the_option_that_allows_it(bounded):
    status, body = ask(bounded, "ASK { SERVICE <https://example.org/sparql> { } }")
    assert status == 403, body
    assert "no SERVICE IRI is allowed by --allow-service" in body and "Settings" not in body


@pytest.mark.server
def test_an_allowed_service_is_called_through_a_remote_store_and_no_other(request, settings):
    loaded_remote(request, settings, "oxigraph")  # the shipped graph in the session's Oxigraph
    store = f"{request.getfixturevalue('oxigraph_server')}/query"

    def get(query: str) -> subprocess.CompletedProcess:
        return subprocess.run([COMMAND, "--store", store, "serve", "--allow-service", store,
                               "--get", "/sparql?query=" + urllib.parse.quote(query)],
                              capture_output=True, text=True, timeout=120)

    # The store makes the call, to itself: its answer comes from the service.
    done = get(f"SELECT ?n {{ SERVICE <{store}> {{ SELECT (COUNT(*) AS ?n) "
               "{ GRAPH ?g { ?c a ag:Claim } } } }")
    assert done.returncode == 0, done.stdout + done.stderr
    [row] = json.loads(done.stdout)["results"]["bindings"]
    assert int(row["n"]["value"]) > 100
    allowed = f"this endpoint calls only the SERVICE IRIs allowed by --allow-service: <{store}>"
    for other in (f"SERVICE <{store}/> {{ }}", "SERVICE <https://example.org/sparql> { }",
                  "SERVICE ?s { }"):
        done = get(f"ASK {{ {other} }}")
        assert done.returncode == 1 and allowed in done.stdout, done.stdout + done.stderr


@pytest.fixture
def run():
    def invoke(*args):
        return CliRunner().invoke(main, [str(a) for a in args])
    return invoke


@pytest.mark.parametrize("args, says", [
    (("--max-query-bytes", "0"), "0 is not in the range x>=1"),
    (("--max-query-tokens", "-5"), "-5 is not in the range x>=1"),
    (("--max-query-depth", "0"), "0 is not in the range x>=1"),
    (("--max-query-elements", "many"), "'many' is not a valid integer"),
    (("--light-seconds", "-1"), "-1.0 is not in the range x>=0"),
    (("--light-seconds", "nan"), "'nan' is not a number of seconds"),
    # More than a request may carry: never met, a slip.
    (("--max-query-bytes", "6000000"), "Invalid value for '--max-query-bytes': 6,000,000 is "
                                       "more than a request may carry (5,242,880 bytes"),
    # Past the depth that crashes the engine, whichever of the two is raised.
    (("--max-query-depth", "400"), "Invalid value for '--max-query-depth': a depth of 400 "
                                   "(--max-query-depth) and 100 elements (--max-query-elements) "
                                   "let a query be 500 levels of recursion deep in the engine"),
    (("--max-query-elements", "1000"), "Invalid value for '--max-query-elements': a depth of "
                                       "32 (--max-query-depth) and 1,000 elements"),
    (("--max-query-depth", "300", "--max-query-elements", "300"),
     "'--max-query-depth' / '--max-query-elements': a depth of 300"),
    (("--allow-service", "example.org/sparql"),
     "'example.org/sparql' is not an absolute http:// or https:// IRI naming a host"),
    (("--allow-service", "https://example.org/a b"), "holds ' ', which no IRI holds"),
    # The engine over a local store is sandboxed: no SERVICE call could be made.
    (("--allow-service", "https://example.org/sparql"),
     "only a remote store (--store http://...) can call a SERVICE: over a local store "
     "(--store memory) the query engine is sandboxed"),
])
def test_a_value_serve_could_not_honour_is_refused_before_it_starts(run, args, says):
    result = run("serve", *args)
    assert result.exit_code == 2 and says in result.output, result.output
    assert isinstance(result.exception, SystemExit)  # said, not a traceback


def test_the_crash_margin_is_said_by_the_command_itself_with_no_traceback():
    done = subprocess.run([COMMAND, "serve", "--max-query-depth", "1000"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "the two together may be at most 420" in done.stderr


def test_serve_get_names_the_options_given_in_the_answer_it_prints():
    # Its answer is the command's output: it named Settings.max_result_bytes to one who had
    # given --max-result-bytes, as the listening server no longer did.
    done = subprocess.run([COMMAND, "serve", "--max-result-bytes", "100", "--get",
                           "/sparql?query=" + urllib.parse.quote("SELECT * { ?s ?p ?o }")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("the result is larger than 100 bytes (--max-result-bytes)")
