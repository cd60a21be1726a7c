"""A query the front has handed to the engine, as the supervisor (``client.py``) watches it:
when it started, its deadline, which engine answers it, and why it was stopped if it was."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(eq=False)
class Call:
    """One request lent an engine connection, until its answer is read."""

    started: float
    deadline: float
    limit: float
    generation: int
    blamed: str | None = None   # why this call's query was stopped, when it was


def blame_late(calls) -> None:
    """Say of each call past its deadline why its query is about to be stopped."""
    for c in calls:
        c.blamed = (f"the query ran longer than the {c.limit:g} s limit and was stopped; "
                    "narrow it or add a LIMIT")
