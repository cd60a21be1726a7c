"""The one error for a request the service will not answer, with the HTTP status that says why.

Raised by the checks a query must pass, by the evaluation of a query (a syntax error, a result
too large, a failing remote store) and by the engine at its limits; the web layer sends its
status and message as a plain-text answer.
"""


class Refused(Exception):
    """A request the service will not answer; ``status`` is the HTTP status to send.  A 429 or
    503 says when to come back: ``retry``, the seconds it knows (its message states them), and
    ``cause``, what it is counted as (``/status``); the web layer fills in what it leaves out
    (``web/retry_after.py``).  ``again``: False where the same request sent again fails the
    same way (a query stopped at a limit it had whole, "narrow it"), a 503 saying no when."""

    def __init__(self, status: int, message: str, retry: float | None = None,
                 cause: str | None = None, again: bool = True):
        super().__init__(message)
        self.status = status
        self.retry = retry
        self.cause = cause
        self.again = again

    def known(self) -> dict:
        """Return what it knows of when to come back, as ``retry_after.headers`` takes it."""
        return {"retry": self.retry, "cause": self.cause, "again": self.again}
