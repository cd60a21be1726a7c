"""The errors a store raises: it cannot be used, or it rejects a query."""


class StoreError(Exception):
    """The store could not be opened, reached, or filled, or it answered with an error."""


class QueryError(ValueError):
    """A query could not be parsed or evaluated; the message is the engine's (or the remote
    store's)."""
