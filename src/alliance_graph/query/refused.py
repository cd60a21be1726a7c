"""The one error for a request the service will not answer, with the HTTP status that says why.

Raised by the checks a query must pass, by the evaluation of a query (a syntax error, a result
too large, a failing remote store) and by the engine at its limits; the web layer sends its
status and message as a plain-text answer.
"""


class Refused(Exception):
    """A request the service will not answer; ``status`` is the HTTP status to send."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
