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

A name in a property's place is compared so with the properties the ontology aligns
(``ag:participant rdfs:subPropertyOf schema:attendee``: ``?e ag:attendees ?x`` is offered
``ag:participant (a subproperty of schema:attendee)``), as it was not; ``owl:equivalentClass``
and ``owl:equivalentProperty`` are read too (``ag:Person owl:equivalentClass schema:Person``),
either way round.  A name in both places (``?s a ag:attendees . ?s ag:attendees ?o``) or in
neither (a VALUES block's, a FILTER's) is offered each kind's (``offered``): it was offered
nothing, its place unknown.
A target whose IRI ends in ``/`` or ``#`` has no local name: it was the empty name, and a
bare ``a ag:`` was offered whatever class stood under it.
"""

from __future__ import annotations

from ..build.spelling import Names
from ..namespaces import PREFIX_IRIS, shorten
from ..store.errors import QueryError, StoreError
from . import results as queries
from .name_places import CLASS, PROPERTY
from .refused import Refused

_AG = PREFIX_IRIS["ag"]
_RDFS, _OWL = PREFIX_IRIS["rdfs"], PREFIX_IRIS["owl"]
# Each project term with a term of another vocabulary it is aligned with, and how; an
# equivalence is read either way round (``schema:Person owl:equivalentClass ag:Person`` says
# what ``ag:Person owl:equivalentClass schema:Person`` does, and was not read: the alignments
# are not reasoned over).
_ALIGNED = ("SELECT DISTINCT ?c ?how ?super WHERE { { VALUES ?how { rdfs:subClassOf "
            "owl:equivalentClass rdfs:subPropertyOf owl:equivalentProperty } ?c ?how ?super } "
            "UNION { VALUES ?how { owl:equivalentClass owl:equivalentProperty } "
            "?super ?how ?c } "
            f'FILTER(isIRI(?super) && isIRI(?c) && STRSTARTS(STR(?c), "{_AG}") '
            f'&& !STRSTARTS(STR(?super), "{_AG}")) }}')
# The kind of name each alignment is of, and how it is said.
_HOW = {_RDFS + "subClassOf": (CLASS, "a subclass of"),
        _OWL + "equivalentClass": (CLASS, "the same as"),
        _RDFS + "subPropertyOf": (PROPERTY, "a subproperty of"),
        _OWL + "equivalentProperty": (PROPERTY, "the same as")}


def meant(kg, iri: str, read: dict, place: str = CLASS) -> tuple[str, str] | None:
    """Return, for ``iri`` (an ``ag:`` name in a class's or a property's ``place``, CLASS or
    PROPERTY, that no term of the project is close to), a project term aligned with the
    other vocabulary's term of that kind closest to it by spelling and what says so
    (``" (a subclass of schema:Country)"``), or None.  ``read`` keeps the alignments for the
    call's other names."""
    if not iri.startswith(_AG) or iri == _AG:  # (a bare ag: names no term)
        return None
    if "aligned" not in read:
        read["aligned"] = _aligned(kg)
    if place not in read["aligned"]:
        return None
    names, under = read["aligned"][place]
    local = names.best(iri[len(_AG):])
    if local is None:
        return None
    # Of schema:Country and dbo:Country alike, one, always the same: a prefix's first.
    parent = min(under[local], key=lambda p: (shorten(p).startswith("<"), p))
    terms = sorted(under[local][parent])
    said = f"{under[local][parent][terms[0]]} {shorten(parent)}"
    return terms[0], (f" ({said})" if len(terms) == 1 else
                      f" ({said}, as {', '.join(shorten(c) for c in terms[1:4])} are)")


def offered(kg, iri: str, read: dict, place: str | None) -> str | None:
    """Return what ``iri`` is offered, as a note says it (``ag:participant (a subproperty of
    schema:attendee)``): the term of ``place``'s kind (``meant``), or of each kind for a name
    in BOTH places or in none, joined by "or"; None for none."""
    kinds = (place,) if place in (CLASS, PROPERTY) else (CLASS, PROPERTY)
    offers = [found for kind in kinds if (found := meant(kg, iri, read, kind))]
    return " or ".join(shorten(term) + why for term, why in offers) or None


def _aligned(kg) -> dict:
    """Return, for each kind of term, the other vocabularies' local names (``Names``) and,
    for each, its IRIs and the project terms aligned with each (term -> how it is said)."""
    under: dict[str, dict[str, dict[str, dict[str, str]]]] = {}
    try:
        rows = queries.rows(queries.run(kg, _ALIGNED))
    except (QueryError, StoreError, Refused):  # the other names' notes stand: none here
        rows = []
    for row in rows:
        parent, (kind, said) = row["super"].value, _HOW[row["how"].value]
        local = _local(parent)
        if local:  # (an IRI ending in "/" or "#" names a vocabulary, no term of it)
            terms = under.setdefault(kind, {}).setdefault(local, {}).setdefault(parent, {})
            terms.setdefault(row["c"].value, said)
    return {kind: (Names({local: local for local in locals_}), locals_)
            for kind, locals_ in under.items()}


def _local(iri: str) -> str:
    """Return an IRI's local name: past its last '#' or '/'."""
    return iri[max(iri.rfind("#"), iri.rfind("/")) + 1:]
