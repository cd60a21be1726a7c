"""What the front's listeners share of their connections (``connections.py``): how many are
counted, in all and per client address, and which are lingering, closed by the server while
their client may still be sending."""

from __future__ import annotations

from collections import Counter, OrderedDict


class Occupancy:
    """What the listeners of one server share: the connections counted, in all and per client
    address, and the connections lingering (``Channel.handle_close``), the oldest first."""

    def __init__(self):
        self.open = 0  # kept as connections come and go, not summed at each newcomer
        self.clients: Counter = Counter()
        # An OrderedDict, not a dict: taking its first item stays O(1) however many were
        # taken before (a dict's iteration skips each deleted entry at its front).
        self.lingering: OrderedDict = OrderedDict()  # connections.Channel: None

    def opened(self, client: str | None) -> None:
        self.open += 1
        self.clients[client] += 1

    def closed(self, client: str | None) -> None:
        self.open -= 1
        self.clients[client] -= 1
        if not self.clients[client]:
            del self.clients[client]  # the counter stays as small as the clients now
