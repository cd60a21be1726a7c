"""The errors a store raises: it cannot be used, or it rejects a query."""

from pathlib import Path


class StoreError(Exception):
    """The store could not be opened, reached, or filled, or it answered with an error."""


class QueryError(ValueError):
    """A query could not be parsed or evaluated; the message is the engine's (or the remote
    store's).  ``position``: the (line, column) of a syntax error, where one is known."""

    def __init__(self, message: str, position: tuple[int, int] | None = None):
        super().__init__(message)
        self.position = position


def damaged(nquads: Path, why: str) -> StoreError:
    """Remove a file of the build cache that does not parse (a disk's error, a hand's edit:
    it is derived from the inputs, which are the truth) and return the error saying so."""
    nquads.unlink(missing_ok=True)
    return StoreError(f"the build cache {nquads} was damaged ({why}); it is removed, and the "
                      "command run again builds it anew")
