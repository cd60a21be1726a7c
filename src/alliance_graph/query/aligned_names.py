"""Offer the project's class aligned with another vocabulary's class a misspelt one is close to.

``?s a ag:Countrie`` was offered nothing: no class of the ontology is spelt near it (the
project says ``ag:State``), and another vocabulary's term was looked for by its exact local name
alone (``absent_names._elsewhere``).  The ontology's alignments say which of its classes
another vocabulary's class stands over (``ag:State rdfs:subClassOf schema:Country``), so a
name in a class's place no project class is close to is compared with those vocabularies'
class names, and the project's classes under the closest are offered: ``ag:State (a subclass
of schema:Country)``.  Only those alignments are read (a few dozen triples, by the
``rdfs:subClassOf`` index, however many names the store holds), once a call of the notes;
a store unable to give them (a remote one's error, an answer over its client's bytes) gives
no offer, where it lost every note of the query.
"""

from __future__ import annotations

from ..build.spelling import Names
from ..namespaces import PREFIX_IRIS, shorten
from ..store.errors import QueryError, StoreError
from . import results as queries
from .refused import Refused

_AG = PREFIX_IRIS["ag"]
# Each project class with a class of another vocabulary it is a subclass of.
_ALIGNED = ("SELECT DISTINCT ?c ?super WHERE { ?c rdfs:subClassOf ?super "
            f'FILTER(isIRI(?super) && STRSTARTS(STR(?c), "{_AG}") '
            f'&& !STRSTARTS(STR(?super), "{_AG}")) }}')


def meant(kg, iri: str, read: dict) -> tuple[str, str] | None:
    """Return, for ``iri`` (an ``ag:`` name in a class's place that no class of the project
    is close to), a project class under the other vocabulary's class closest to it by
    spelling and what says so (``" (a subclass of schema:Country)"``), or None.  ``read``
    keeps the alignments for the call's other names."""
    if not iri.startswith(_AG):
        return None
    if "aligned" not in read:
        under: dict[str, dict[str, set[str]]] = {}
        try:
            rows = queries.rows(queries.run(kg, _ALIGNED))
        except (QueryError, StoreError, Refused):  # the other names' notes stand: none here
            rows = []
        for row in rows:
            parent = row["super"].value
            under.setdefault(_local(parent), {}).setdefault(parent, set()).add(row["c"].value)
        read["aligned"] = (Names({local: local for local in under}), under)
    names, under = read["aligned"]
    local = names.best(iri[len(_AG):])
    if local is None:
        return None
    # Of schema:Country and dbo:Country alike, one, always the same: a prefix's first.
    parent = min(under[local], key=lambda p: (shorten(p).startswith("<"), p))
    classes = sorted(under[local][parent])
    return classes[0], (f" (a subclass of {shorten(parent)})" if len(classes) == 1 else
                        f" (a subclass of {shorten(parent)}, as "
                        f"{', '.join(shorten(c) for c in classes[1:4])} are)")


def _local(iri: str) -> str:
    """Return an IRI's local name: past its last '#' or '/'."""
    return iri[max(iri.rfind("#"), iri.rfind("/")) + 1:]
