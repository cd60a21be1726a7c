"""The front assembled: waitress's servers over our connections (``connections.py``), one per
address the host names, sharing the fair thread dispatcher (``dispatch.py``), the counts and
the request wrappers (the Host check, the shares per client, the reverse proxies trusted).
"""

from __future__ import annotations

from waitress.adjustments import Adjustments
from waitress.server import MultiSocketServer

from ..settings import Settings
from . import head_refused
from .client_share import Shares, requests_shared
from .connections import Server
from .dispatch import FairDispatcher, dispatched_client
from .forwarding import forwarded
from .hosts import one_host
from .occupancy import Occupancy
from .protocol import wsgi_error
from .slashes import one_leading_slash


def create_server(application, *, request_timeout: float, send_timeout: float,
                  connections_per_client: int, requests_per_client: int,
                  proxies: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset()),
                  light: float = Settings.light_seconds,
                  half_life: float = Settings.use_half_life, **adjustments):
    """Return a server for ``application`` listening where ``adjustments`` (waitress's) say,
    as ``waitress.create_server`` does for TCP, with the deadlines, the caps per client (on
    connections here, on requests being answered in ``client_share.py``), the Host check and
    the reverse ``proxies`` trusted (their addresses and headers, ``client_share.trusted_proxies``)."""
    # The forwarding headers are ours to read (``forwarded``), not waitress's: its refusal of
    # a malformed one is a page of its own.
    adj = Adjustments(**adjustments, clear_untrusted_proxy_headers=False)
    # A request expecting "100 Continue" that the app refuses by its head is answered at once
    # (``head_refused``); not behind a trusted proxy, nor under a URL prefix of waitress's,
    # where the path the app answers for is not the head's.
    if hasattr(application, "url_map") and not proxies[0] and not adj.url_prefix:
        adj.refused_unread = head_refused.judge(application)
    # The limit is kept by Channel, which makes room for a newcomer; waitress's own stops
    # accepting, so it is set beyond ours, for the connections being refused or closed.
    limit = adj.connection_limit
    adj.connection_limit = limit + 2 * connections_per_client + 16
    socket_map: dict = {}
    # ``light``, ``half_life``: who may take the last free thread (dispatch.FairDispatcher).
    dispatcher = FairDispatcher(dispatched_client(proxies), reserve=1 if adj.threads > 1 else 0,
                                light=light, half_life=half_life)
    dispatcher.set_thread_count(adj.threads)
    occupancy = Occupancy()
    # The engine's queue (app.py's Service.queries) ranks its waiters by their clients'
    # requests here too: a flood's queries waiting for a thread are out of its sight.
    service = getattr(application, "extensions", {}).get("alliance_graph")
    if service is not None:
        service.queries.front = dispatcher.asks
        service.threads = dispatcher  # its load, for /status
        dispatcher.closing.append(service.queries.close)
    # A host name may stand for several addresses (IPv4 and IPv6): one listener each, in one
    # loop, sharing the threads and the counts.
    application = forwarded(requests_shared(one_host(one_leading_slash(application)),
                                            Shares(requests_per_client,
                                                   "requests being answered"), wsgi_error,
                                            proxied=bool(proxies[0])),
                            *proxies)
    servers: list = []
    for family, kind, proto, address in adj.listen:
        if servers and address[1] == 0:
            # Port 0 on several addresses (--host '*' or localhost): each socket got a port
            # of its own, so the one announced for IPv4 was not IPv6's.  The first one's is
            # asked for on the others, as a client of either family expects.
            address = (address[0], int(servers[0].effective_port), *address[2:])
        servers.append(Server(application, map=socket_map, dispatcher=dispatcher, adj=adj,
                              sockinfo=(family, kind, proto, address),
                              request_timeout=request_timeout, send_timeout=send_timeout,
                              connections_per_client=connections_per_client,
                              connection_limit=limit, occupancy=occupancy,
                              proxies=proxies[0]))
    if len(servers) == 1:
        return servers[0]
    return MultiSocketServer(socket_map, adj, [(s.effective_host, s.effective_port)
                                               for s in servers], dispatcher, servers[0].log_info)
