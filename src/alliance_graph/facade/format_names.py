"""The format a name given for one plainly means, among those offered: ``json`` for JSON-LD,
``rdf`` for RDF/XML, ``n-triples`` for nt.  One home for ``export(kg, "json")`` and the
command line's ``--format`` alike: the library said "unknown export format 'json'", and
click "'json' is not one of ...", a list to read through for the name written otherwise."""

from __future__ import annotations

import re
from collections.abc import Iterable

# The names people write for a format (lower case, without '-', '_', '/', '.' or spaces),
# and the formats each means, each by its names (Turtle is ttl and turtle), the first offered
# said: csv means both CSV exports.
_TURTLE = ("ttl", "turtle")
_SPOKEN = {
    "json": ("jsonld",), "jsonld": ("jsonld",), "ld": ("jsonld",),
    "rdf": ("xml",), "rdfxml": ("xml",), "owl": ("xml",), "xml": ("xml",),
    "ntriples": ("nt",), "ntriple": ("nt",), "nt": ("nt",),
    "nquads": ("nq",), "nquad": ("nq",), "nq": ("nq",),
    "turtle": (_TURTLE,), "ttl": (_TURTLE,), "n3": (_TURTLE,),
    "csv": ("nodes-csv", "edges-csv"),
    "srj": ("json",), "sparqljson": ("json",), "srx": ("xml",), "sparqlxml": ("xml",),
    # The query's table is its plain text ("--format text" was given no hint), and stats'
    # plain text its table.
    "text": ("table",), "txt": ("table",), "plain": ("table", "text"), "table": ("text",),
}
_WRITTEN = re.compile(r"[-_/. ]")
# The names of SPARQL's results formats, meant only where they are offered (a query's
# --format, which offers tsv): export's xml is RDF/XML and stats' json its figures, and
# `export --format srx` was asked "did you mean xml?".
_RESULTS = {"srj", "sparqljson", "srx", "sparqlxml"}


def meant(name: str, offered: Iterable[str]) -> list[str]:
    """Return the formats among ``offered`` that ``name``, refused as none of them, plainly
    means (both CSV exports for ``csv``); [] where none is plain."""
    offered = [str(o).lower() for o in offered]
    written = _WRITTEN.sub("", name.lower())
    if written in _RESULTS and "tsv" not in offered:
        return []
    found = []
    for names in _SPOKEN.get(written, ()):
        found += [n for n in ((names,) if isinstance(names, str) else names) if n in offered][:1]
    return found


def said(names: list[str]) -> str:
    """Return "did you mean X?" (or "X or Y?") of ``meant``'s names."""
    return f"did you mean {' or '.join(names)}?"
