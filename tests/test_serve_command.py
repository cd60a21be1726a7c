"""`alliance-graph serve`'s options for the query checks (cli/serve_command.py): the bounds on
a query's text and the SERVICE IRIs a query may call reach the server, values it could not
honour are refused before it starts, and its refusals name the options its operator gives.

Before these options the bounds and the allow-list could be changed only from Python, and the
refusals named "Settings.max_query_depth" and "Settings.allowed_services" to curl's users.

Each option is read from a variable too (``--port``: ``ALLIANCE_GRAPH_PORT``), for a container
or a systemd unit, and the refusals of a value a variable gave name the variable; and the
command logs to stderr at ``--log-level``.  Before, only the global options had variables, and
a request dropped for a client that reset its connection was logged where nobody saw it."""

import contextlib
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

import helpers
import servers
from alliance_graph import wording
from alliance_graph.cli import env_options, main, serve_command
from alliance_graph.web import server
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
    (("--max-query-elements", "many"), "'many' is not a valid whole number"),
    (("--light-seconds", "-1"), "'-1' is not a number of seconds from 0"),
    (("--light-seconds", "nan"), "'nan' is not a number of seconds"),
    # More than a request may carry: never met, a slip.
    (("--max-query-bytes", "6000000"), "Invalid value for '--max-query-bytes': 6,000,000 is "
                                       "more than a request may carry (5,242,880 bytes"),
    # Past the depth that crashes the engine, whichever of the two is raised.
    (("--max-query-depth", "400"), "Invalid value for '--max-query-depth': a depth of 400 "
                                   "(--max-query-depth) and 100 elements (--max-query-elements or "
                                   "ALLIANCE_GRAPH_MAX_QUERY_ELEMENTS) let a query be 500 levels of recursion deep in the engine"),
    (("--max-query-elements", "1000"), "Invalid value for '--max-query-elements': a depth of "
                                       "32 (--max-query-depth or ALLIANCE_GRAPH_MAX_QUERY_DEPTH) and "
                                       "1,000 elements"),
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


# "inf" (or "1e400", past a float's range) was taken as seconds: --idle-timeout inf stopped the
# server's start with a traceback (OverflowError: waitress keeps its seconds as an int), the
# others served with no limit, where the variables of the global options and ag.load refuse it.
@pytest.mark.parametrize("flag", ["--timeout", "--request-timeout", "--idle-timeout",
                                  "--send-timeout", "--light-seconds"])
@pytest.mark.parametrize("value", ["inf", "1e400"])
@pytest.mark.parametrize("given", ["option", "variable"])
def test_seconds_that_are_not_finite_are_refused_before_serve_starts(flag, value, given):
    variable = env_options.variable(flag)
    args, env = (["serve", flag, value], {}) if given == "option" else \
        (["serve"], {variable: value})
    # --get: the old code answered it (exit 0) rather than serve on a port.
    result = CliRunner().invoke(main, [*args, "--get", "/status"], env=env)
    named = f"'{flag}'" if given == "option" else f"'{variable}'"
    assert result.exit_code == 2 and f"Invalid value for {named}: '{value}' is not a finite " \
        "number of seconds" in result.output, result.output
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
    assert done.returncode == 1, done.stdout[:300] + done.stderr
    assert done.stdout.startswith("the result is larger than 100 bytes (--max-result-bytes)")


def environment(flag: str) -> str:
    """Return the variable named after the option ``flag``, as the brief for them says."""
    return "ALLIANCE_GRAPH_" + flag.removeprefix("--").upper().replace("-", "_")


def test_each_option_of_serve_has_a_variable_named_after_it_in_its_help(run):
    shown = " ".join(run("serve", "--help").output.split())
    flags = [param.opts[0] for param in main.commands["serve"].params
             if param.opts[0] != "--get"]  # a request to answer, not a setting of the server
    assert {"--port", "--max-query-bytes", "--trusted-proxy", "--log-level"} <= set(flags)
    for flag in flags:
        assert f"Env: {environment(flag)}" in shown, flag
    assert "Env: ALLIANCE_GRAPH_GET" not in shown


@pytest.fixture
def serve_in_process(monkeypatch):
    """Return a function running `serve` in process up to the server's start, with what the
    server would have been given: its settings, who gave each option (as the process
    preparing its graph is told), and what its engine processes are told to say
    (``wording.spoken``).  No server starts, nor a process preparing its graph."""
    seen = {}

    def prepare(settings, given):
        seen["given"] = given

    def serve(settings, announce):
        seen.update(settings=settings, spoken=wording.spoken())

    monkeypatch.setattr(server, "prepare_elsewhere", prepare)
    monkeypatch.setattr(server, "serve", serve)

    def invoke(*args, env):
        seen.clear()
        return CliRunner().invoke(main, ["serve", *args], env=env), seen
    return invoke


@pytest.fixture
def started(serve_in_process):
    """Return a function running `serve` in process (``serve_in_process``) that must reach
    the server's start, and returning what the server would have been given."""
    def invoke(*args, env):
        result, seen = serve_in_process(*args, env=env)
        assert result.exit_code == 0, result.output
        return seen
    return invoke


def test_variables_give_serves_options_and_the_command_line_wins(started):
    seen = started("--port", "9000", "--max-query-bytes", "800", env={
        "ALLIANCE_GRAPH_PORT": "8123", "ALLIANCE_GRAPH_MAX_QUERY_BYTES": "900",
        "ALLIANCE_GRAPH_HOST": "0.0.0.0", "ALLIANCE_GRAPH_WORKERS": "2",
        "ALLIANCE_GRAPH_TIMEOUT": "7.5", "ALLIANCE_GRAPH_QUERY_MEMORY": "512",
        "ALLIANCE_GRAPH_PROXY_HEADERS": "forwarded", "ALLIANCE_GRAPH_FOLLOW": "false",
        # A repeatable option's variable is a space-separated list, as click reads one.
        "ALLIANCE_GRAPH_TRUSTED_PROXY": "127.0.0.1 ::1",
        # A blank variable sets nothing, as a blank global one.
        "ALLIANCE_GRAPH_CONNECTION_LIMIT": " "})
    settings = seen["settings"]
    assert (settings.port, settings.max_query_bytes) == (9000, 800)
    assert (settings.host, settings.workers, settings.query_timeout) == ("0.0.0.0", 2, 7.5)
    assert settings.query_memory == 512 << 20 and settings.follow_poll == 0
    assert settings.trusted_proxies == ("127.0.0.1", "::1")
    assert settings.trusted_proxy_headers == "forwarded"
    assert settings.connection_limit == serve_command.Settings.connection_limit
    # Who gave each, for the build's process and the engine's to name it so too.
    assert seen["given"]["--port"] == "option"
    assert seen["given"]["--host"] == "ALLIANCE_GRAPH_HOST"
    assert seen["given"]["--trusted-proxy"] == "ALLIANCE_GRAPH_TRUSTED_PROXY"
    assert "--connection-limit" not in seen["given"]
    assert seen["spoken"]["given"] == seen["given"]
    # And each of serve's options with its variable, to name one nobody gave both ways.
    assert seen["spoken"]["serving"]["--connection-limit"] == "ALLIANCE_GRAPH_CONNECTION_LIMIT"


@pytest.mark.parametrize("env, says", [
    ({"ALLIANCE_GRAPH_PORT": "eighty"}, "'ALLIANCE_GRAPH_PORT': 'eighty' is not a port"),
    ({"ALLIANCE_GRAPH_TIMEOUT": "nan"}, "'ALLIANCE_GRAPH_TIMEOUT': 'nan' is not a number"),
    # click listed an empty value first among the words it takes (", 0, 1, f, ...").
    ({"ALLIANCE_GRAPH_FOLLOW": "maybe"}, "'ALLIANCE_GRAPH_FOLLOW': 'maybe' is not true or "
                                         "false: give one of 0, 1, f, false, n, no, off, on"),
    ({"ALLIANCE_GRAPH_LOG_LEVEL": "loud"}, "'ALLIANCE_GRAPH_LOG_LEVEL': 'loud' is not one of"),
    # Each of the list is read: the one that is no address is named.
    ({"ALLIANCE_GRAPH_TRUSTED_PROXY": "127.0.0.1 proxy"},
     "'ALLIANCE_GRAPH_TRUSTED_PROXY': 'proxy' is not an IP address"),
    ({"ALLIANCE_GRAPH_MAX_QUERY_BYTES": "6000000"},
     "'ALLIANCE_GRAPH_MAX_QUERY_BYTES': 6,000,000 is more than a request may carry"),
    ({"ALLIANCE_GRAPH_MAX_QUERY_DEPTH": "400"},
     "'ALLIANCE_GRAPH_MAX_QUERY_DEPTH': a depth of 400 (ALLIANCE_GRAPH_MAX_QUERY_DEPTH) and "
     "100 elements (--max-query-elements or ALLIANCE_GRAPH_MAX_QUERY_ELEMENTS)"),
    ({"ALLIANCE_GRAPH_ALLOW_SERVICE": "https://example.org/sparql",
      "ALLIANCE_GRAPH_STORE": "memory"},
     "'ALLIANCE_GRAPH_ALLOW_SERVICE': only a remote store (--store http://...) can call a "
     "SERVICE: over a local store (ALLIANCE_GRAPH_STORE=memory)"),
])
def test_a_bad_value_from_a_variable_is_a_usage_error_naming_the_variable(
        serve_in_process, env, says):
    result, seen = serve_in_process(env=env)
    assert not seen  # refused before the server is started
    assert result.exit_code == 2 and f"Invalid value for {says}" in result.output, result.output
    assert "Invalid value for '--" not in result.output  # not the option, which nobody gave
    assert isinstance(result.exception, SystemExit)


def test_serve_get_names_the_variable_that_set_a_limit_and_the_option_given_over_it():
    def get(*options):
        return subprocess.run(
            [COMMAND, "serve", *options, "--get",
             "/sparql?query=" + urllib.parse.quote("SELECT * { ?s ?p ?o }")],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "ALLIANCE_GRAPH_MAX_RESULT_BYTES": "100"})

    done = get()
    assert done.returncode == 1, done.stdout[:300] + done.stderr
    assert done.stdout.startswith(
        "the result is larger than 100 bytes (ALLIANCE_GRAPH_MAX_RESULT_BYTES)")
    done = get("--max-result-bytes", "200")
    assert done.returncode == 1, done.stdout[:300] + done.stderr
    assert done.stdout.startswith("the result is larger than 200 bytes (--max-result-bytes)")


def test_serve_names_a_limit_nobody_set_by_its_option_and_its_variable_both():
    # The default is in force: the operator may raise it either way, as a global option's
    # message says (`--sources or ALLIANCE_GRAPH_SOURCES`); it named the option alone.
    deep = "ASK " + "{" * 40 + "}" * 40
    done = subprocess.run([COMMAND, "serve", "--get",
                           "/sparql?query=" + urllib.parse.quote(deep)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout[:300] + done.stderr
    assert "the limit is 32 (--max-query-depth or ALLIANCE_GRAPH_MAX_QUERY_DEPTH)" \
        in done.stdout, done.stdout


LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (\w+) ([\w.]+): (.*)")


@pytest.mark.parametrize("level, shown", [(None, {"WARNING"}), ("info", {"INFO", "WARNING"}),
                                          ("ERROR", set())])
def test_serve_logs_to_stderr_at_its_level_and_leaves_logging_as_it_found_it(
        monkeypatch, level, shown):
    loading = serve_command.load_graph

    def load_graph(settings):  # as the server's front logs them
        logging.getLogger("waitress").info("Client disconnected while serving /sparql")
        logging.getLogger("waitress.queue").warning("Task queue depth is 3")
        return loading(settings)

    monkeypatch.setattr(serve_command, "load_graph", load_graph)
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    result = CliRunner().invoke(main, ["serve", "--get", "/status"],
                                env={"ALLIANCE_GRAPH_LOG_LEVEL": level})
    assert result.exit_code == 0, result.output
    lines = [LINE.fullmatch(line) for line in result.stderr.splitlines()]
    assert all(lines), result.stderr  # one line each, with its time and logger
    assert {line[1] for line in lines} == shown
    said = {line[1]: (line[2], line[3]) for line in lines}
    if "INFO" in shown:
        assert said["INFO"] == ("waitress", "Client disconnected while serving /sparql")
    if "WARNING" in shown:
        assert said["WARNING"] == ("waitress.queue", "Task queue depth is 3")
    # The library's own logging is left unconfigured: the command undid what it set up.
    assert (list(root.handlers), root.level) == before


@pytest.mark.server
def test_a_server_set_up_by_variables_logs_a_request_dropped_for_its_client(
        tmp_path, monkeypatch):
    # The process started inherits these; the --port serve_shipped gives wins over this one.
    for flag, value in {"--port": "1", "--log-level": "info", "--workers": "3",
                        "--queries-per-client": "1", "--timeout": "2",
                        "--max-result-bytes": "5000"}.items():
        monkeypatch.setenv(environment(flag), value)
    log = tmp_path / "serve.log"
    port, process = servers.serve_shipped(log)
    try:
        # Its engine's refusal names the variable, as the operator gave the limit.
        status, body = ask(f"http://127.0.0.1:{port}", "SELECT * { ?s ?p ?o }")
        assert status == 422 and "(ALLIANCE_GRAPH_MAX_RESULT_BYTES)" in body, body[:300]
        # Three heavy queries take the engine's three threads to the time limit; a lookup
        # waits for one, and its client resets: it is dropped, and the log says so.
        busy = [helpers.sent(port, f"127.0.1.{k}", helpers.request(helpers.HEAVY))
                for k in range(1, 4)]
        helpers.loaded(port, "queries", "running", 3)  # not slept on: a guess load outlasts
        gone = helpers.sent(port, "127.0.1.11", helpers.request(helpers.LOOKUP))
        # Read by the server before the reset (one read with its request is never queued),
        # and waiting for a thread.
        helpers.read_by_server(gone)
        helpers.loaded(port, "queries", "waiting for a slot", 1)
        helpers.reset(gone)
        assert set(sum(map(helpers.statuses, busy), [])) == {503}
        deadline = time.monotonic() + 10
        while "Client disconnected" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        servers.stop(process)
    dropped = [line for line in log.read_text().splitlines() if "Client disconnected" in line]
    assert len(dropped) == 1, log.read_text()
    assert LINE.fullmatch(dropped[0])
    assert dropped[0].endswith(" INFO waitress: Client disconnected while serving /sparql")


# A redirect's answer was printed as it came: werkzeug's "Redirecting..." page, exit 0, in place
# of a graph's Turtle (/graph/data/..., 303 to the Graph Store), of the ontology's page (/ontology,
# 308 to its slash) or of the query page (an empty path, 308 to /; now a usage error, as every
# empty option value is: test_an_empty_get_path_is_a_usage_error_saying_so).
@pytest.mark.parametrize("path, begins", [
    ("/graph/data/missile-defense.ttl", "@prefix "),
    ("/ontology", "<!doctype html>"),
])
def test_get_follows_a_redirect_to_what_it_names(path, begins):
    result = CliRunner().invoke(main, ["serve", "--get", path])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(begins) and "Redirecting..." not in result.stdout, \
        result.stdout[:300]


@pytest.mark.parametrize("host", ["", " "])
def test_an_empty_host_is_refused_before_serve_starts(host):
    # `--host "$HOST"` with HOST unset: "cannot listen on  port 8000: not a host name or
    # address this machine resolves, or not a port (0 to 65535)", after the build.
    result = CliRunner().invoke(main, ["serve", "--host", host, "--port", "1"])
    blank = f"only white space, {host!r}" if host else "the option is empty"
    assert result.exit_code == 2 and result.output.endswith(
        f"Error: Invalid value for '--host': no address is given ({blank}): give the one to "
        "listen on (127.0.0.1, the default; 0.0.0.0 for every IPv4 interface, :: for every IPv6 "
        "one, * for every interface of both)\n"), result.output
    assert isinstance(result.exception, SystemExit)  # said, not a traceback


@pytest.mark.parametrize("args, env, named", [
    (["--host", "localhost "], {}, "'--host'"),
    ([], {"ALLIANCE_GRAPH_HOST": "::1\n"}, "'ALLIANCE_GRAPH_HOST'")])
def test_a_host_with_spaces_around_it_is_refused_before_serve_starts(args, env, named):
    # "cannot listen on localhost  port 8000: not a host name or address this machine
    # resolves", after the build, the space unseen.
    result = CliRunner().invoke(main, ["serve", *args, "--port", "1"], env=env)
    host = args[1] if args else env["ALLIANCE_GRAPH_HOST"]
    assert result.exit_code == 2 and result.output.endswith(
        f"Error: Invalid value for {named}: {host!r} has spaces or a line end around it: give "
        f"{host.strip()}\n"), result.output


def _free_on_both() -> int:
    """Return a port nothing listens on, in IPv4 or IPv6, right now."""
    while True:
        port = servers.free_port()
        with contextlib.suppress(OSError), socket.socket(socket.AF_INET6) as probe:
            probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            probe.bind(("::", port))
            return port


def _answers(family: int, address: str, port: int) -> bool:
    """Return whether the endpoint answers an ASK over ``family`` at ``address``."""
    with socket.socket(family) as sock:
        sock.settimeout(60)
        try:
            sock.connect((address, port))
        except ConnectionRefusedError:
            return False
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n"
                     b"Connection: close\r\n\r\n")
        return sock.recv(20).startswith(b"HTTP/1.1 200")


def test_the_help_of_host_says_which_families_each_wildcard_takes(run):
    # `--host ::` listens on IPv6 alone, where gunicorn, uvicorn and http.server take IPv4
    # through it too; the help said only "Interface to listen on".
    shown = " ".join(run("serve", "--help").output.split())
    assert "0.0.0.0: every IPv4 interface; ::, every IPv6 one, IPv6 only; *, every " \
           "interface of both" in shown, shown


@pytest.mark.server
@pytest.mark.skipif(not servers.ipv6_loopback(), reason="this machine has no IPv6")
@pytest.mark.parametrize("host, ready, ipv4, announced", [
    # 127.0.0.1 was refused by a server announcing "serving http://[::]:PORT/sparql" alone.
    ("::", "[::1]", False, ["http://[::]:{}/sparql (IPv6 only: --host '*' listens on IPv4 "
                            "too)"]),
    ("*", "127.0.0.1", True, ["http://0.0.0.0:{}/sparql", "http://[::]:{}/sparql"])])
def test_each_wildcard_host_serves_the_families_it_announces(tmp_path, host, ready, ipv4,
                                                              announced):
    port, log = _free_on_both(), tmp_path / "serve.log"
    process = servers.start([COMMAND, "serve", "--host", host, "--port", str(port)],
                            f"http://{ready}:{port}/sparql?query=ASK%7B%7D", log)
    try:
        said = log.read_text()
        for line in announced:
            assert f"serving {line.format(port)}\n" in said, said
        assert _answers(socket.AF_INET6, "::1", port)
        assert _answers(socket.AF_INET, "127.0.0.1", port) is ipv4
    finally:
        servers.stop(process)


@pytest.mark.server
def test_ctrl_c_in_a_terminal_stops_serve_without_a_traceback(tmp_path):
    # A terminal's Ctrl-C signals its whole foreground process group: the engine, a child of
    # the same group, was interrupted too and printed two tracebacks ending in a socket's
    # read, under the server's last line.
    # It then ended, exit 0, without a word: it says it stopped, and that nothing was lost.
    log = tmp_path / "serve.log"
    port, process = servers.serve_shipped(log, preexec_fn=os.setsid)
    try:
        assert ask(f"http://127.0.0.1:{port}", "ASK {}")[0] == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=30) as answer:
            assert answer.status == 200
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(30) == 0
    finally:
        servers.stop(process)
    said = log.read_text()
    assert "Traceback" not in said and "KeyboardInterrupt" not in said, said
    assert said.splitlines()[-1] == ("stopped by Ctrl-C: nothing was lost (the server only "
                                     "reads the graph)"), said


@pytest.mark.server
def test_a_ctrl_c_as_serve_ends_its_server_stopped_leaves_its_exit_0():
    # Its server stopped as meant, the handler set back to Python's, a Ctrl-C landing as the
    # command ended (here as it says it stopped) made it "interrupted", exit 130.  The moment
    # is held: standard error is a pipe filled before the first Ctrl-C, so the server's last
    # line waits to be written, and the second Ctrl-C is sent once it does.
    reader, writer = os.pipe()
    port = servers.free_port()
    process = subprocess.Popen([COMMAND, "serve", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=writer)
    try:
        with os.fdopen(reader, "rb") as said:
            os.set_blocking(reader, False)
            assert helpers.until(lambda: process.poll() is not None
                                 or _answers(socket.AF_INET, "127.0.0.1", port), 180)
            said.read()  # ("serving ...")
            # Filled through a description of its own: one made non-blocking here would be
            # the server's too, its write refused (EAGAIN), not waiting.
            filler = os.open(f"/proc/self/fd/{writer}", os.O_WRONLY | os.O_NONBLOCK)
            with contextlib.suppress(BlockingIOError):
                while True:
                    os.write(filler, b"." * 4096)
            os.close(filler)
            os.close(writer)
            process.send_signal(signal.SIGINT)
            # Blocked writing to descriptor 2 (its syscall: write, 1, on 0x2).
            assert helpers.until(lambda: Path(f"/proc/{process.pid}/syscall").read_text()
                                 .startswith("1 0x2 "), 30)
            process.send_signal(signal.SIGINT)
            os.set_blocking(reader, True)
            lines = said.read().lstrip(b".").decode().splitlines()
        assert process.wait(30) == 0, lines
    finally:
        servers.stop(process)
    assert lines == ["stopped by Ctrl-C: nothing was lost (the server only reads the graph)"]


@pytest.mark.server
def test_a_serve_started_with_ctrl_c_ignored_keeps_serving_through_one(tmp_path):
    # A shell script's `alliance-graph serve &` starts with SIGINT ignored, so that the Ctrl-C
    # its user gives the script leaves it serving: serve set its own handler over the ignored
    # one (to say "stopped by Ctrl-C") and stopped with the script.
    def ignoring():
        os.setsid()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    log = tmp_path / "serve.log"
    port, process = servers.serve_shipped(log, preexec_fn=ignoring)
    try:
        os.killpg(process.pid, signal.SIGINT)
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=30) as answer:
            assert answer.status == 200
    finally:
        servers.stop(process)
    assert "Ctrl-C" not in log.read_text(), log.read_text()


@pytest.mark.parametrize("path", ["", "  "])
def test_an_empty_get_path_is_a_usage_error_saying_so(path):
    # `serve --get "$P"` with P unset answered the site's front page, exit 0, where every
    # other empty argument or option value is a usage error (README's exit codes).
    done = subprocess.run([sys.executable, "-m", "alliance_graph", "serve", "--get", path],
                          capture_output=True, text=True, timeout=300)
    blank = "the option is empty" if not path else f"only white space, {path!r}"
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.endswith(
        f"Error: Invalid value for '--get': no path is given ({blank}): give the path to ask "
        "for, such as / or '/sparql?query=...'\n"), done.stderr
