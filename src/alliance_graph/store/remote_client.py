"""How a remote store is sent a request and its refusals read: the exchange, bounded by its
deadline and its answer's size (``remote_http``), each failure said in one line, as the
store's (``StoreError``) or, when the store says the query made it, the query's
(``QueryError``: ``virtuoso_errors``, ``oxigraph_errors``).  ``RemoteStore`` sends its
queries and updates through it.
"""

from __future__ import annotations

import http.client
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message

from ..wording import Said
from . import oxigraph_errors
from .errors import QueryError, StoreError
from .remote_http import OPENER, TooLarge, Watch, read_within
from .remote_messages import REJECTED, first_line, read_error, shown, unaddressed, unreachable
from .virtuoso_errors import of_the_query, refuse_partial


class StoreClient:
    """Sends requests to a remote store at ``query_url`` (and its ``update_url`` and
    ``graph_store_url``), within ``timeout`` seconds and ``max_answer_bytes``; ``anonymous``:
    its messages call it "the store", its address (and its host, in the store's own words)
    left out, since a server's clients read them in its 502s (``backends.reopen_graph``)."""

    query_url: str
    update_url: str
    graph_store_url: str | None
    names: dict[str, str]  # how a message names each URL (``RemoteStore``'s ``names``)
    timeout: float
    max_answer_bytes: int
    anonymous: bool
    _oxigraph: bool | None = None  # whether the store's answers so far were an Oxigraph's

    def from_oxigraph(self, headers, data: bytes = b"") -> bool:
        """Return whether an answer (its headers, its body) is an Oxigraph server's, as it
        tells (``oxigraph_errors.from_oxigraph``), else as the store's earlier answers told:
        behind a proxy writing its own ``Server``, an error's plain text tells nothing."""
        seen = oxigraph_errors.from_oxigraph(headers, data)
        if seen is not None:
            self._oxigraph = seen
        return bool(self._oxigraph)

    def named(self, url: str) -> str:
        """Return how a message names the store at ``url``: by its address, shown without a
        key (``remote_messages.shown``), or, anonymous, as "the store"."""
        return "the store" if self.anonymous else shown(url)

    def send(self, request: urllib.request.Request, timeout: float | None = None,
             rejected: type[Exception] = StoreError, tries: int = 5) -> tuple[Message, bytes]:
        """Send a request; return the answer's headers and body, or raise one-line errors.

        A 400 answer means the store refused the request itself, and so does a 500 that says
        the query made the error (``virtuoso_errors``, ``oxigraph_errors``): ``rejected`` is
        raised with its message (``QueryError`` for a query, so the user sees what to fix).
        ``tries``: how often a request the store rolled back in a deadlock is sent.
        """
        timeout = timeout or self.timeout
        url, deadline = self.named(request.full_url), time.monotonic() + timeout
        try:
            return self._send(request, url, timeout, deadline, rejected, tries)
        except (StoreError, QueryError) as exc:
            if not self.anonymous:
                raise
            # The store's own words (its error page, a proxy's, the OS's) may name its host.
            raise type(exc)(unaddressed(str(exc), self.query_url, self.update_url,
                                        self.graph_store_url)) from None

    def _send(self, request, url: str, timeout: float, deadline: float, rejected, tries: int):
        for attempt in range(tries):
            try:
                return self._send_once(request, url, timeout, deadline, rejected)
            except _Deadlocked as exc:
                # Virtuoso rolls back one of two transactions that deadlock (SQLSTATE 40001,
                # "SR172: Transaction deadlocked") and says to try it again: two loads taking
                # the lock at once got the error, not the other's name.
                if attempt == tries - 1 or time.monotonic() >= deadline:
                    raise StoreError(str(exc)) from None
                time.sleep(random.uniform(0.05, 0.25) * (attempt + 1))
        raise AssertionError("unreachable")

    def _send_once(self, request, url: str, timeout: float, deadline: float, rejected):
        with Watch(deadline) as watch:
            try:
                answer = self._exchange(request, url, timeout, deadline, rejected)
            except StoreError:
                # A connection not made by the deadline failed on its own: its words stand.
                if not watch.expired.is_set() or not watch.connected:
                    raise
            else:
                if not watch.expired.is_set():
                    return answer
        # Its sockets were shut at the deadline: what the exchange met then (an answer cut
        # short, a connection reset, an end read as the answer's end) is the time limit.
        raise StoreError(f"{url} did not answer within {timeout:g} s")

    def _exchange(self, request, url: str, timeout: float, deadline: float, rejected):
        try:
            with OPENER.open(request, timeout=timeout) as response:
                body = read_within(response, deadline, self.max_answer_bytes)
                refuse_partial(url, response.headers)
                return response.headers, body
        except TooLarge:
            most = self.max_answer_bytes
            raise StoreError(Said(lambda n: f"{url} sent an answer over {most:,} bytes "
                                            f"({n('settings.remote_max_answer_bytes')}): "
                                            "narrow the query")) from None
        except urllib.error.HTTPError as exc:
            with exc:  # its connection, closed now: an error kept (its context) held it open
                if 300 <= exc.code < 400 and exc.headers.get("Location"):
                    where = exc.headers["Location"]
                    try:
                        where = urllib.parse.urljoin(request.full_url, where)
                    except ValueError:  # "http://[bad": said as given, not a traceback
                        pass
                    where = "elsewhere" if self.anonymous else f"to {shown(first_line(where))}"
                    raise StoreError(f"{url} redirects {where} (HTTP {exc.code}): give the "
                                     "store's own URL") from None
                message = first_line(read_error(exc))
            if exc.code == 404 and request.full_url in (self.query_url, self.update_url):
                message += (" (nothing answers SPARQL at that path: is the URL the store's "
                            "SPARQL endpoint? An Oxigraph server's end in /query and /update, "
                            "a Virtuoso's in /sparql)")
            message += _not_for_queries(exc.code, request, self.query_url)
            if exc.code == 401:  # its login asked for (WWW-Authenticate), which is never sent
                message += (" (the store asks for a login, which alliance-graph does not "
                            "send: put the store behind a proxy on loopback that adds it)")
            # Oxigraph answers an error met evaluating a query with HTTP 500 and its message
            # as plain text; a proxy's own page (nginx's 502 when the store is down) is not.
            oxigraph = exc.code == 500 and exc.headers.get_content_type() == "text/plain" \
                and self.from_oxigraph(exc.headers)
            hint = "" if oxigraph_errors.of_the_query(message, oxigraph, request.data) \
                else of_the_query(message)
            if exc.code == 400:
                raise rejected(f"{REJECTED}{message}{hint or ''}") \
                    from None
            if hint is not None and rejected is not StoreError:  # a query's, not an update's
                raise rejected(f"the store could not evaluate the query: {message}{hint}") \
                    from None
            if exc.code == 500 and " 40001 " in f" {message} ":
                raise _Deadlocked(f"{url} answered HTTP {exc.code} {exc.reason}: {message}") \
                    from None
            # Through a proxy the environment names, its own refusal (a 403 of its rules, a
            # 502 when it cannot reach the store) read as the store's.
            proxy = self._proxy(request)
            scheme = urllib.parse.urlsplit(request.full_url).scheme
            through = f" (sent through {proxy}, which {scheme}_proxy names: its answer " \
                "may be the proxy's own; add the store's host to no_proxy to reach it " \
                "directly)" if proxy else ""
            said = f"{url} answered HTTP {exc.code} {exc.reason}: {message}" \
                f"{oxigraph_errors.the_stores(message, oxigraph)}{through}"
            code = exc.code  # (the lambda is called past this block, where exc is gone)
            raise StoreError(Said(lambda n: said + self._no_graph_store(code, request, n))) \
                from None
        except TimeoutError:
            raise StoreError(f"{url} did not answer within {timeout:g} s") from None
        except urllib.error.URLError as exc:
            # Sending fails so (urllib's URLError): connecting, or sending the request on.
            raise _failed(url, exc.reason, timeout, self._proxy(request)) from None
        except http.client.HTTPException as exc:  # a cut-short body, a garbled status line
            raise StoreError(f"{url} broke off its answer: {exc!r}") from None
        except OSError as exc:
            raise _failed(url, exc, timeout, self._proxy(request)) from None

    def _no_graph_store(self, code: int, request: urllib.request.Request, n) -> str:
        # The Graph Store URL derived beside /query is Oxigraph's; Fuseki and GraphDB take
        # N-Quads at other URLs (docs/stores.md), where the derived one answered 404 with
        # nothing said of the option to give.
        if code != 404 or request.full_url != self.graph_store_url:
            return ""
        return (f" (nothing takes a graph at that path: give the store's Graph Store URL "
                f"({n(self.names['graph_store_url'])}), or none "
                f"({n(self.names['graph_store_url'], '')}) to load "
                "through SPARQL Update)")

    def _proxy(self, request: urllib.request.Request) -> str | None:
        # urllib sends a request to the proxy its environment names (http_proxy,
        # https_proxy), the request's host then the proxy's; its address is not said to a
        # server's clients.
        if request.host == urllib.parse.urlsplit(request.full_url).netloc:
            return None
        return "a proxy" if self.anonymous else f"the proxy {request.host}"


def _failed(url: str, exc: BaseException, timeout: float, proxy: str | None) -> StoreError:
    """Return the failure of an exchange that ended on ``exc``: the store not reached
    (``remote_messages.unreachable``), through ``proxy`` if one was named, or, once
    connected, its answer not had."""
    watch = Watch.current.watch
    if isinstance(exc, TimeoutError) and watch.connected:  # a TLS handshake's too
        return StoreError(f"{url} did not answer within {timeout:g} s")
    if not watch.ready:
        return StoreError(unreachable(url, exc, timeout, proxy))
    # A store whose process ended mid-answer (killed, out of memory) was "cannot reach URL:
    # [Errno 104] Connection reset by peer", as if it had never been started.
    said = "its connection was reset" if isinstance(exc, ConnectionResetError) \
        else str(exc) or type(exc).__name__
    return StoreError(f"{url} broke off its answer: {said}")


def _not_for_queries(code: int, request: urllib.request.Request, query_url: str) -> str:
    """Return what to add to a refusal of a query sent to a query URL that is a store's update
    or Graph Store URL: given as the store, an Oxigraph server's /update answered "The URL
    query parameter update must be set", its /store HTTP 415 and Virtuoso's
    /sparql-graph-crud HTTP 406, with nothing said of the query URL to give."""
    path = urllib.parse.urlsplit(query_url).path
    end = path.rpartition("/")[2]
    if code not in (400, 405, 406, 415) or request.full_url != query_url \
            or end not in ("update", "store", "sparql-graph-crud"):
        return ""
    return (f" (a URL ending in /{end} is a store's "
            f"{'update' if end == 'update' else 'Graph Store'} endpoint, which takes no query: "
            "give its query URL, an Oxigraph server's ending in /query, a Virtuoso's in "
            "/sparql)")


class _Deadlocked(Exception):
    """The store rolled the request's transaction back in a deadlock: it may be sent again."""

