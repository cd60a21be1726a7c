"""``POST /validate`` of a proposal quoting a source text the server cannot read as a text.

A source file of the server's that is not UTF-8 (or unreadable, or a folder) stopped the
validating process, and its client was answered 503 "the server's graph cannot be read to
validate against (the proposal was not read)": the wrong reason, and none of the proposal's
findings.  The validation now goes on past it (``proposals.quotes``, a ``source-unreadable``
finding on each evidence node quoting it, the file named by its name alone in the validating
process); here that finding is the server's fault, not the proposal's: a 503 saying which
source and why, with the proposal's other findings, ``Retry-After`` as for a graph that cannot
be read (it passes once the operator mends the file).  The operator's log names the folder.
"""

from __future__ import annotations

import dataclasses

from flask import current_app

from ..query.refused import Refused


class SourceUnreadable(Refused):
    """503: a source text the server holds cannot be read as a text, so the quotes citing it
    were not checked; the proposal's other findings follow its reason."""

    def __init__(self, said: list[str], rest: str):
        super().__init__(503, "validation could not be finished: " + "; ".join(said) +
                         "; tell the server's operator (until the file is mended, the proposal "
                         "meets the same)\nThe proposal's other findings:\n" + rest,
                         cause="a source text that cannot be read")


def refuse(settings, report, logged) -> None:
    """Raise ``SourceUnreadable`` for a ``report`` finding source texts of the server's that
    cannot be read; log them first, with the sources folder, for the operator (``logged``
    writes each line as the log keeps it)."""
    from ..proposals import quotes
    from ..proposals import report as report_mod
    unread = str(report_mod.CHECK[quotes.UNREADABLE])
    said = sorted({str(f.message) for f in report.findings if f.shape == unread})
    if not said:
        return
    current_app.logger.error("POST /validate found source texts in %s that cannot be read: %s",
                             settings.sources_dir, logged("\n".join(said)))
    rest = dataclasses.replace(report, findings=[f for f in report.findings
                                                 if f.shape != unread])
    # None else: "proposal.ttl: conforms" said of a proposal whose quotes were not checked.
    raise SourceUnreadable(said, report_mod.to_text(rest) if rest.findings else "none")
