"""The ``serve`` command: the endpoint and the site, or one request answered without a port.

Its options are read from ``ALLIANCE_GRAPH_*`` variables too, as the global ones are, for a
server started by a container or a systemd unit (``--port``: ``ALLIANCE_GRAPH_PORT``; the
command line wins: ``env_options.py``), and it logs to stderr (``--log-level``), which the
library never sets up.  Stopped by Ctrl-C once it serves, it says so on stderr, exit 0.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import signal
import sys
import threading

import click
from click.core import ParameterSource

from ..settings import CRASH_LEVELS, MOST_LEVELS, PROXY_HEADERS, Settings
from ..wording import command_line, speak_as
from . import crash_guard
from .env_options import FromEnvironment, option
from .main import (
    EXIT_NO,
    EXIT_OK,
    Seconds,
    fail,
    given_too,
    load_graph,
    main,
    stdout_open,
    who_gave,
)
from .param_types import Choice, Count, Port, Text

# Every line the server logs: its time, its level, the logger saying it (`waitress`: a request
# dropped for a client gone, a queue backing up; `alliance_graph....`; the app's).
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_LEVELS = ("debug", "info", "warning", "error")
# The addresses --host takes for the interfaces it listens on, said where none is given (`--host
# "$HOST"` with HOST unset was "cannot listen on  port 8000: not a host name ...").
_HOSTS = ("(127.0.0.1, the default; 0.0.0.0 for every IPv4 interface, :: for every IPv6 one, "
          "* for every interface of both)")


def _given_here(ctx: click.Context) -> dict[str, str]:
    """Return who gave each of the command's options that was given (``main.given_by``'s
    form): ``"option"``, or the variable that set it."""
    given = {}
    for param in ctx.command.params:
        source = ctx.get_parameter_source(param.name)
        if source is ParameterSource.COMMANDLINE:
            given[param.opts[0]] = "option"
        elif source is ParameterSource.ENVIRONMENT:
            given[param.opts[0]] = param.envvar
    return given


def _as_given(*flags: str) -> list[str] | None:
    """Return those of ``flags`` that were given, each as given: the option, or its variable
    (a usage error's ``param_hint``); None for none."""
    given = who_gave() or {}
    return [flag if given[flag] == "option" else given[flag]
            for flag in flags if flag in given] or None


@contextlib.contextmanager
def _logging(level: str):
    """Log what reaches ``level`` (a name of ``LOG_LEVELS``) to stderr, one line a record
    (``LOG_FORMAT``), while the command runs.

    Here, in the command, not in the library: a notebook or an embedding application keeps
    its own logging.  Undone at the end, for a caller running the command in its own process
    (a test)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root = logging.getLogger()
    before = root.level
    root.addHandler(handler)
    root.setLevel(level.upper())
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(before)


def _each(module: str, function: str):
    """Return a callback for a repeatable option: each value read by ``function`` of
    ``module`` (a ValueError its usage error), repeats dropped; None when it is not given (the
    settings' own).  Imported when the option is given: the help needs none of the server or
    the lexer."""
    def callback(ctx, param, values):
        if not values:
            return None
        read = getattr(importlib.import_module(module, __package__), function)
        try:
            return tuple(dict.fromkeys(map(read, values)))
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return callback


_proxy_addresses = _each("..web.client_share", "proxy_address")
_service_iris = _each("..query.guard", "service_iri")


def _served(parameter: str, *values) -> str:
    """Name a setting as `serve`'s processes do (``speak_as``): by serve's own options too."""
    return command_line(parameter, *values, given=who_gave(), serving=_variables())


def _unworkable(settings: Settings) -> None:
    """Refuse query bounds and SERVICE IRIs the server could not honour, as a usage error
    (exit 2) naming the options given as they were given (``_as_given``): bounds that let a
    query crash the engine or that no request could reach, and SERVICE calls over a store
    that cannot make them."""
    from ..query import bounds  # (imported at their use: the help needs neither)
    from ..store import backends
    limits = bounds.Bounds.from_settings(settings)
    problem = bounds.unsafe(limits)
    if problem is not None:
        raise click.BadParameter(problem.worded(_served), param_hint=_as_given(
            "--max-query-depth", "--max-query-elements"))
    if limits.max_bytes > settings.max_request_bytes:
        raise click.BadParameter(
            f"{limits.max_bytes:,} is more than a request may carry "
            f"({settings.max_request_bytes:,} bytes; past it the request is refused 413, its "
            "query unread), so no query would ever meet this limit",
            param_hint=_as_given("--max-query-bytes") or ["--max-query-bytes"])
    if settings.allowed_services and backends.kind(settings.store) != "remote":
        raise click.BadParameter(
            "only a remote store (--store http://...) can call a SERVICE: over a local store "
            f"({_served('settings.store', settings.store)}) the query engine is sandboxed and "
            "opens no network connection, so every SERVICE call would fail",
            param_hint=_as_given("--allow-service") or ["--allow-service"])


@main.command()
@option("--host", type=Text("no address is given", f"give the one to listen on {_HOSTS}"),
        help="Interface to listen on (default: 127.0.0.1; 0.0.0.0: every IPv4 "
                        "interface; ::, every IPv6 one, IPv6 only; *, every interface of both).")
@option("--port", type=Port(),
        help="Port to listen on (default: 8000; 0: a free one, which the server prints).")
@option("--workers", type=Count(), metavar="N",
              help="Queries evaluated at once, on the query engine's threads (default: 4).")
@option("--timeout", type=Seconds(), metavar="SECONDS",
              help="Seconds a query may run (default: 30).")
@option("--query-memory", "query_memory", type=Count(), metavar="MIB",
              help="MiB the query engine may grow by before the longest query is stopped "
                   "(default: 1024).")
@option("--max-result-bytes", "max_result_bytes", type=Count(),
              metavar="BYTES",
              help="Bytes an answer may take in the format asked for (default: 32 MiB).")
@option("--response-cache", "response_cache", type=Count(0),
              metavar="BYTES",
              help="Bytes of /sparql answers the server caches (default: 32 MiB; 0: off).")
@option("--request-timeout", "request_timeout",
              type=Seconds(), metavar="SECONDS",
              help="Seconds a request may take to arrive whole, from its first byte, or, "
                   "sent behind an answer on its connection, from that answer's end "
                   "(default: 30; 408 past it, but empty lines alone are closed unanswered).")
@option("--idle-timeout", "channel_timeout", type=Seconds(), metavar="SECONDS",
              help="Seconds a connection may wait for its client, neither sending nor reading, "
                   "before it is closed (default: 15).")
@option("--send-timeout", "send_timeout", type=Seconds(), metavar="SECONDS",
              help="Seconds a client may take to read an answer once it is on its way, "
                   "however steadily it reads (default: 300; its connection reset past it).")
@option("--connections-per-client", "connections_per_client", type=Count(), metavar="N",
              help="Connections one client address may hold open at once (default: 32; 503 "
                   "past it). Behind a reverse proxy, name it with --trusted-proxy.")
@option("--requests-per-client", "requests_per_client", type=Count(),
              metavar="N",
              help="Requests from one client address answered at once (default: 8, half the "
                   "front's threads; 429 past it). Behind a reverse proxy, name it with "
                   "--trusted-proxy.")
@option("--queries-per-client", "queries_per_client", type=Count(),
              metavar="N",
              help="Queries from one client address evaluated at once (default: all but one of "
                   "--workers; more wait, 429 past the time limit). Behind a reverse proxy, name "
                   "it with --trusted-proxy.")
@option("--light-seconds", "light_seconds", type=Seconds(zero=True), metavar="SECONDS",
              help="The last free engine thread and front thread are kept for a light client: "
                   "one whose requests took under this much time of late (halved every 5 "
                   "minutes; for the engine, half --timeout at most), so that a lookup is "
                   "answered while slow queries from many addresses hold the rest (default: "
                   f"{Settings.light_seconds:g}; 0 keeps none, as for one heavy user).")
@option("--trusted-proxy", "trusted_proxies", metavar="ADDRESS", multiple=True,
              type=Text("no address is given", "give the proxy's"), callback=_proxy_addresses,
              help="The address of a reverse proxy in front of the server: its requests are "
                   "counted for the client its forwarding headers name, and its connections "
                   "are not capped per address. Repeat it for each address the proxy may "
                   "connect from (127.0.0.1 and ::1 for a proxy_pass to localhost).")
@option("--proxy-headers", "trusted_proxy_headers",
              type=Choice(sorted(PROXY_HEADERS)),
              help="The headers --trusted-proxy sets: x-forwarded (X-Forwarded-For, -Host, "
                   "-Proto; the default) or forwarded (RFC 7239).")
@option("--connection-limit", "connection_limit", type=Count(), metavar="N",
              help="Connections open at once (default: 256); past it a newcomer takes the place "
                   "of the one that has waited longest for its client (503 if none has).")
@option("--max-query-bytes", "max_query_bytes", type=Count(),
              metavar="BYTES",
              help="Bytes (UTF-8) a query's text may take; a longer one is refused 400, "
                   f"unread by the engine (default: {Settings.max_query_bytes:,}).")
@option("--max-query-tokens", "max_query_tokens", type=Count(), metavar="N",
              help="Tokens (names, terms, punctuation) a query may hold, which bounds the "
                   f"checks' own work (default: {Settings.max_query_tokens:,}; 400 past it).")
@option("--max-query-depth", "max_query_depth", type=Count(), metavar="N",
              help="Brackets ({ ( [ << <<( {|) a query may have open at once "
                   f"(default: {Settings.max_query_depth}; 400 past it). The engine parses "
                   f"nesting recursively and crashed at {CRASH_LEVELS} levels: this and "
                   f"--max-query-elements together may be at most {MOST_LEVELS}.")
@option("--max-query-elements", "max_query_elements", type=Count(),
              metavar="N",
              help="Triple patterns, group keywords (FILTER, OPTIONAL, UNION, ...), operators, "
                   "collection members and DESCRIBE targets a query may hold (default: "
                   f"{Settings.max_query_elements}; 400 past it; VALUES rows and IN lists are "
                   "not counted). Each is a level of the engine's recursion, and planning time "
                   "grows steeply with them.")
@option("--allow-service", "allowed_services", metavar="IRI", multiple=True,
              type=Text("no IRI is given", "give one queries may call"), callback=_service_iris,
              help="A SERVICE IRI queries may call, written whole as they write it; repeat it "
                   "for each (default: none, 403 for every SERVICE, no outbound request). "
                   "Only a remote store (--store http://...) makes the call: over a local "
                   "store the query engine is sandboxed, opens no network connection, and "
                   "this option is refused.")
@option("--follow/--no-follow", default=True,
              help="Go on to each new build made in the --store (by load, or by a command "
                   "reading the graph once the files changed), queries under way finishing on "
                   "the old one (the default); --no-follow serves the build the server "
                   "started with.")
@option("--log-level", "log_level", type=Choice(LOG_LEVELS, case_sensitive=False),
        default="warning", show_default=False,
        help="What the server logs to stderr, one line each with its time and logger: "
             "warning (the default: warnings and errors, such as a queue of requests backing "
             "up), info (each request dropped because its client reset its connection too), "
             "debug, or error.")
@click.option("--get", "path", metavar="PATH",
              type=Text("no path is given", "give the path to ask for, such as / or "
                        "'/sparql?query=...'"),
              help="Answer one request for PATH (e.g. '/sparql?query=...') without opening a "
                   "port, following redirects: print the body, exit 1 on an error status.")
@click.pass_context
def serve(ctx, host, port, workers, timeout, query_memory, max_result_bytes,
          response_cache, request_timeout, channel_timeout, send_timeout, connections_per_client,
          requests_per_client,
          queries_per_client, light_seconds, trusted_proxies, trusted_proxy_headers,
          connection_limit,
          max_query_bytes, max_query_tokens, max_query_depth, max_query_elements,
          allowed_services, follow, log_level, path):
    """Serve the SPARQL endpoint at /sparql and the site (see docs/endpoint.md).

    Each option but --get may be given by the variable its help names instead (Env: ...);
    given both ways, the option wins."""
    # Its messages, its answers' and its processes' name each option as given: the option,
    # or the variable that set it.
    given_too(_given_here(ctx))
    if host is not None and host != host.strip():  # ALLIANCE_GRAPH_HOST="localhost " from a
        # unit's environment file: "cannot listen on localhost  port 8000: not a host name"
        raise click.BadParameter(f"{host!r} has spaces or a line end around it: give "
                                 f"{host.strip()}", param_hint=_as_given("--host"))
    ctx.with_resource(_logging(log_level))
    settings = ctx.obj.with_(host=host, port=port, workers=workers, query_timeout=timeout,
                              query_memory=query_memory << 20 if query_memory else None,
                              max_result_bytes=max_result_bytes,
                              response_cache_bytes=response_cache,
                              request_timeout=request_timeout,
                              channel_timeout=channel_timeout, send_timeout=send_timeout,
                              connections_per_client=connections_per_client,
                              requests_per_client=requests_per_client,
                              queries_per_client=queries_per_client,
                              light_seconds=light_seconds,
                              trusted_proxies=trusted_proxies,
                              trusted_proxy_headers=trusted_proxy_headers,
                              connection_limit=connection_limit,
                              max_query_bytes=max_query_bytes,
                              max_query_tokens=max_query_tokens,
                              max_query_depth=max_query_depth,
                              max_query_elements=max_query_elements,
                              allowed_services=allowed_services)
    _unworkable(settings)
    if not follow:
        settings = settings.with_(follow_poll=0)
    if path is not None:
        stdout_open()  # else the answer, made, had nowhere to go: a traceback (`>&-`)
        from werkzeug.test import ClientRedirectError

        from ..web.app import create_app
        # Its answer is the command's output: a refusal in it names the options given here
        # (`--max-query-depth`), as the server's do, not the library's settings.
        crash_guard.guarded("--get failed")  # the engine is in this process, not the server's
        kg = load_graph(settings)
        speak_as(who_gave(), _variables())
        try:
            # Redirects followed, as a browser or `curl -L` does: a graph's page
            # (/graph/data/aid.ttl), /ontology without its slash, an empty path, printed
            # werkzeug's "Redirecting..." page and exit 0 in place of what they name.
            response = create_app(settings, kg).test_client().get(path, follow_redirects=True)
            body = response.get_data()
        except ClientRedirectError as exc:  # a loop, or to another host: no answer here
            fail(f"--get {path}: {exc}")
        finally:
            speak_as(None)
        sys.stdout.buffer.write(body)
        if body and not body.endswith(b"\n") and sys.stdout.isatty():
            # On a terminal the prompt came on the answer's line (JSON ends with none); a file
            # or a pipe gets the body as the server sends it.
            sys.stdout.buffer.write(b"\n")
        sys.exit(EXIT_NO if response.status_code >= 400 else EXIT_OK)
    from ..store import backends
    from ..web import server  # waitress is imported only to serve
    # A store value that is a slip is refused here, in the command line's words: the build's
    # process says what stops it as the library does.
    backends.kind(settings.store)
    problem = server.prepare_elsewhere(settings, who_gave())
    if problem:
        fail(problem)

    def announce(listening):  # once listening, so a port in use is never announced
        for host, port in listening:
            click.echo(f"serving {endpoint_url(host, port)}{_only_ipv6(host, listening)}",
                       err=True)
    # Its refusals reach the operator who started it through HTTP answers and logs, not
    # through a command that words them: said in its options (`--max-result-bytes`), as is
    # its query engine's, where they named `Settings.max_result_bytes`.
    speak_as(who_gave(), _variables())
    interrupted = _ctrl_c()
    stopped = False  # as meant, by a stopping signal: returned, or a SIGTERM's SystemExit
    try:
        server.serve(settings, announce)
        stopped = True
    except server.ListenError as exc:
        fail(str(exc))
    except SystemExit:
        stopped = True
        raise
    finally:  # for a caller running the command in its own process (a test)
        speak_as(None)
        interrupted.close(stopped)
    if interrupted.seen:
        # Exit 0, a server stopped by its operator as meant; said, where it ended without a
        # word and the operator was left to wonder whether anything was lost.
        click.echo("stopped by Ctrl-C: nothing was lost (the server only reads the graph)",
                   err=True)


class _ctrl_c:
    """Note a Ctrl-C (SIGINT) while the server runs, raised on as Python's own handler does:
    the server takes it as its end and returns as if nothing happened (waitress ends its loop
    at a KeyboardInterrupt quietly), so ``seen`` is what tells it apart from another end."""

    def __init__(self):
        self.seen = False
        in_main = threading.current_thread() is threading.main_thread()
        # A SIGINT ignored stays so: a shell script's `serve &` is started so, that the
        # Ctrl-C its user gives the script's foreground group leaves it serving (and Python
        # then sets no handler of its own); raised on here, it stopped the server with it.
        ignored = in_main and signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        self._before = signal.signal(signal.SIGINT, self._note) \
            if in_main and not ignored else None

    def _note(self, signum, frame):
        self.seen = True
        raise KeyboardInterrupt

    def close(self, stopped: bool) -> None:
        """Set back the handler found; but the server ``stopped`` as meant, in the command's
        own process, ignore a Ctrl-C from here to its end: one landing as it ended made the
        stop "interrupted", exit 130 (``main._note_ctrl_c`` leaves it ignored)."""
        if self._before is not None:
            own = getattr(click.get_current_context().find_root().command, "own_process", False)
            signal.signal(signal.SIGINT, signal.SIG_IGN if stopped and own else self._before)


def _variables() -> dict[str, str]:
    """Return each of serve's options that a variable gives too, with its variable, for
    its messages to name one not given both ways (``wording.command_line``)."""
    return {param.opts[0]: param.envvar for param in serve.params
            if isinstance(param, FromEnvironment)}


def _only_ipv6(host: str, listening) -> str:
    """Return what to add to the line announcing ``host``: that :: takes no IPv4 client, when
    nothing else listens for one.  Users of other servers (gunicorn, uvicorn, Python's
    http.server) expect :: to take IPv4 too, through the IPv6 socket; waitress makes its IPv6
    sockets IPv6 only (IPV6_V6ONLY), and 127.0.0.1:8000 was refused without a word."""
    if host != "::" or any(":" not in other for other, _ in listening):
        return ""
    return " (IPv6 only: --host '*' listens on IPv4 too)"


def endpoint_url(host: str, port: int) -> str:
    """Return the endpoint's URL as a client writes it: an IPv6 address goes in brackets."""
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/sparql"
