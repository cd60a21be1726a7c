"""The errors a store raises: it cannot be used, or it rejects a query."""


class StoreError(Exception):
    """The store could not be opened, reached, or filled, or it answered with an error."""


class QueryError(ValueError):
    """A query could not be parsed or evaluated; the message is the engine's (or the remote
    store's).  ``position``: the (line, column) of a syntax error, where one is known."""

    def __init__(self, message: str, position: tuple[int, int] | None = None):
        super().__init__(message)
        self.position = position
