"""The one error every store backend raises when it cannot be used."""


class StoreError(Exception):
    """The store could not be opened, reached, or filled, or it answered with an error."""
