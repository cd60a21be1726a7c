"""``bom=true`` at ``/sparql``: a CSV or TSV answer begun with a UTF-8 byte order mark.

Excel on Windows reads a CSV file without one in the system's code page, so non-ASCII names
came out garbled, while ``alliance-graph query --bom`` (CSV and TSV) and ``/dataset``'s
``&bom=true`` gave one and ``/sparql`` had no way to ask.  None stays the default: Python's
csv module, pandas and rdflib read the mark as part of the first column's name.  The mark is
counted within ``settings.max_result_bytes`` (422 past it, as any answer over it), and is in
the answer's ETag and cache entry (``protocol.answer`` keys them by ``bom``); asked of an
answer in another format, or said neither yes nor no, it is a 400 (``fields.said_yes``, as
``/dataset`` reads it).
"""

from __future__ import annotations

import codecs
import shutil
import tempfile

from ..engine.wire import Spooled, SpoolFailed
from ..query import limits
from ..query.refused import Refused
from .fields import said_yes

MARK = codecs.BOM_UTF8
# The formats a mark begins, as ``query --bom`` gives one.
MARKED = ("csv", "tsv")


def asked(params) -> bool:
    """Return whether a request's parameters ask for the mark (no ``bom``: no); 400 for a
    value saying neither yes nor no.  Read so by /sparql and /dataset's network CSVs."""
    return said_yes(params, "bom", "to begin a CSV or TSV with a UTF-8 byte order mark (for "
                    "Excel)", "to leave it out (for Gephi 0.9, Python's csv, pandas, rdflib)")


def taking(bom: bool, formats: list) -> list:
    """Return ``formats`` (negotiated, the first the one asked for); refuse (400) ``bom``
    for an answer asked for in a format other than CSV or TSV."""
    if bom and formats[0].name not in MARKED:
        raise Refused(400, "bom applies to CSV and TSV answers (format=csv or format=tsv), not "
                           f"to {formats[0].media_type}: leave bom out, or ask for CSV or TSV")
    return formats


def marked(body: bytes | Spooled, fmt, bom: bool, limit: int) -> bytes | Spooled:
    """Return ``body`` (an answer in ``fmt``) begun with the mark where ``bom`` asks for one
    and it is CSV or TSV (an answer written in another, which CSV could not carry, gets none);
    refuse it (422) if the mark takes it over ``limit`` bytes.  A spooled body is copied into
    a temporary file of its own behind the mark (Spooled's file is read from its start)."""
    if not bom or fmt.name not in MARKED:
        return body
    try:
        limits.within(len(body) + len(MARK), limit)
    except limits.TooManyResults as exc:
        if isinstance(body, Spooled):
            body.close()
        raise Refused(422, str(exc)) from exc
    if not isinstance(body, Spooled):
        return MARK + body
    with body.file:
        try:
            file = tempfile.TemporaryFile()
            file.write(MARK)
            shutil.copyfileobj(body.rewound(), file)
        except OSError as exc:  # the temporary folder full: a 503, as a spooled dump's
            raise Refused(503, SpoolFailed(exc).said()) from exc
    return Spooled(file, len(body) + len(MARK))
