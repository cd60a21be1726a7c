"""Note the project names a query uses that the graph holds nowhere, and the name likely meant.

A class, property or entity misspelt in a query (``a ag:MissileDefenceSystem``,
``id:IronDom``, ``ag:participnt``) matches nothing: the answer is ``(0 rows)``, exit 0, and
nothing said why, where a proposal's misspelt name is told with the name meant
(``build.spelling``).  ``notes`` says each such name: ``query`` after the answer, on standard
error (the answer and the exit code stay as they were), ``ag.run`` as an
``AbsentNameWarning`` (it said nothing), both within what is left of the query's timeout
(``within``), and the query page under an empty answer (``POST /query/notes``,
``web/pages/query_notes.py``).  A name is noted if it is of the project's namespaces
(``ag:``, ``id:``, ``claim:``, ``ev:``, ``src:``, ``grade:``, by the query's own prefixes and
BASE where it declares them) and in no triple, asserted or inferred, with the closest name of
its namespace that is (an ``ag:`` name none is close to, with the term of the same local name
in another vocabulary the graph holds: ``ag:label``, ``rdfs:label``); not one a CONSTRUCT's
template writes, which is the answer's, nor one within a SERVICE, another store's.  A name
in a class's place (``a ag:Countrie``) or a property's (``?s ag:Rnk ?o``: ``name_places``) is offered a name of that kind, as the ontology
declares it, before one of neither kind, never one of the other (``ag:counters`` was offered
for ``a ag:Countrie``); a class's or a property's none is close to, the term aligned with
another vocabulary's spelt near it (``ag:State``, under ``schema:Country``; ``ag:attendees``,
``ag:participant`` under ``schema:attendee``: ``aligned_names``); one in both places or in
none (VALUES, FILTER), each kind's.  A graph a ``GRAPH`` names that the store holds not is noted too, with
the held one meant (``absent_graphs``).  Other
vocabularies' names (``schema:``, ``rdfs:``) are not looked at: the graph holds only the terms
of them it uses.
"""

from __future__ import annotations

import re
import weakref
from typing import NamedTuple
from urllib.parse import urljoin

import pyoxigraph as ox

from ..build.spelling import Names
from ..clipping import written
from ..lexer import tokenize
from ..namespaces import PREFIX_IRIS, shorten
from ..store.errors import QueryError, StoreError
from . import absent_graphs, aligned_names, name_places
from . import results as queries
from .refused import Refused

# The namespaces the project mints names in (not graph/: named graphs are in no triple).
_OWN = tuple(PREFIX_IRIS[p] for p in ("ag", "id", "claim", "ev", "src", "grade"))
# The most names of one namespace read to find the one meant (a remote store may hold millions).
_MOST_CANDIDATES = 100_000


def _names(text: str) -> dict[str, str]:
    """Return each project IRI ``text`` names (a prefixed name resolved by the query's own
    prefixes, else the project's, or an IRI, a relative one and a prefix's resolved against
    the query's BASE), with the name as written."""
    return _read(text).named


class _Read(NamedTuple):
    named: dict[str, str]  # each project IRI the query names: the name as written
    portable: set[str]  # those written with the project's own prefix (``id:IronDom``)
    places: dict[str, str | None]  # each IRI's place (``name_places``)
    graphs: dict[str, str]  # each IRI a GRAPH names: as written


def _read(text: str, tokens=None) -> _Read:
    """Return ``_names(text)``, those of them written with the project's own prefix for
    their namespace (``id:IronDom``), which a query of the project's prefixes may write so
    too, where the query writes each (``name_places``) and the graphs it names; ``tokens``:
    ``text``'s, where the caller has them."""
    declared: dict[str, str] = {}
    named: dict[str, str] = {}
    portable: set[str] = set()
    at: dict[int, str] = {}  # every name's IRI, by its token's place, for name_places
    base = None
    tokens = tokenize(text) if tokens is None else tokens
    template = _template(tokens)
    # A SERVICE's names and graphs are another store's: GRAPH <http://example.org/g> within
    # one was noted as a graph this store holds not.
    remote = name_places.blocks(tokens, "SERVICE")
    for i, token in enumerate(tokens):
        if i in template or i in remote:
            continue
        if token.kind == "IRIREF" and i and tokens[i - 1].text.upper() == "BASE":
            base = _resolved(base, token.text[1:-1])
        elif token.kind == "PNAME_NS" and i and tokens[i - 1].text.upper() == "PREFIX" \
                and i + 1 < len(tokens) and tokens[i + 1].kind == "IRIREF":
            declared[token.text[:-1]] = _resolved(base, tokens[i + 1].text[1:-1])
        elif token.kind == "PNAME_LN":
            prefix, local = token.text.split(":", 1)
            namespace = declared.get(prefix, PREFIX_IRIS.get(prefix))
            if namespace is not None:  # (an undeclared one fails the query before this)
                iri = at[i] = namespace + re.sub(r"\\(.)", r"\1", local)
                if named.setdefault(iri, token.text) == token.text and \
                        namespace == PREFIX_IRIS.get(prefix):
                    portable.add(iri)
        elif token.kind == "IRIREF" and "\\" not in token.text and \
                not (i >= 2 and tokens[i - 2].text.upper() == "PREFIX"):  # no name
            at[i] = _resolved(base, token.text[1:-1])
            named.setdefault(at[i], token.text)
    places, graphs = name_places.places(tokens, at)
    own = {iri: name for iri, name in named.items()
           if iri.startswith(_OWN) and iri not in graphs}
    return _Read(own, portable & set(own), places,
                 {iri: named[iri] for iri in graphs})


def _resolved(base: str | None, iri: str) -> str:
    """Return ``iri`` resolved against the query's ``base`` (RFC 3986), if relative and it
    has one."""
    return urljoin(base, iri) if base and not _SCHEME.match(iri) else iri


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _template(tokens) -> range:
    """Return the places of ``tokens`` in a CONSTRUCT's template (``CONSTRUCT { ... }``): the
    triples it writes, whose names are the answer's, not the graph's (a new ``ag:fundedTotal``
    was noted as in no triple of the graph); an empty range for none (``CONSTRUCT WHERE``'s
    pattern is matched against the graph)."""
    for i, token in enumerate(tokens):
        if token.kind == "NAME" and token.text.upper() == "CONSTRUCT" and \
                i + 1 < len(tokens) and tokens[i + 1].kind == "{":
            depth = 0
            for j in range(i + 1, len(tokens)):
                depth += {"{": 1, "}": -1}.get(tokens[j].kind, 0)
                if depth == 0:
                    return range(i + 1, j + 1)
            return range(i + 1, len(tokens))
    return range(0)


def _absent(kg, iris: list[str], written: dict[str, str] | None = None) -> list[str]:
    """Return those of ``iris`` that are in no triple of ``kg``, asserted or inferred, asked
    of ``_ASKED_BYTES`` of names at a time: in one query, a query of some 2,100 names (a
    VALUES list) asked of them in more than the query size limit, and none was noted.  An
    IRI ``written`` gives a prefixed name of the project's prefixes for is asked so: each
    query is lexed for its bounds (``queries.run``), and ``id:Made1`` is a fifth of
    ``<https://alliance-graph.example/id/Made1>``.  It names no graph (``per_file=False``):
    lexed again to find out, and by the guard made for a client's query, it was read three
    times a part."""
    written = written or {}
    found: list[str] = []
    for part in _parts([written.get(iri) or str(ox.NamedNode(iri)) for iri in iris]):
        answer = queries.run(kg, f"SELECT ?x WHERE {{ VALUES ?x {{ {' '.join(part)} }} "
                                 "FILTER NOT EXISTS { { ?x ?p ?o } UNION { ?s ?x ?o } UNION "
                                 "{ ?s ?p ?x } } }", inferred=True, per_file=False)
        found += [row["x"].value for row in queries.rows(answer)]
    return found


# How many bytes of names one query of ``_absent`` asks of (the query size limit is 100,000).
_ASKED_BYTES = 50_000


def _parts(written: list[str]) -> list[list[str]]:
    """Return ``written`` (names as SPARQL writes them) in parts of ``_ASKED_BYTES`` at most
    (a name longer alone)."""
    parts: list[list[str]] = [[]]
    size = 0
    for name in written:
        length = len(name.encode()) + 1
        if parts[-1] and size + length > _ASKED_BYTES:
            parts.append([])
            size = 0
        parts[-1].append(name)
        size += length
    return parts


def _namespace_of(iri: str) -> str:
    """Return the project namespace ``iri`` is in: the longest (``claim:`` before ``id:``)."""
    return max((ns for ns in _OWN if iri.startswith(ns)), key=len)


# The typed names of each namespace, by graph (its id, the entry dropped with the graph): the
# read listing them took 0.18 to 0.4 s at 100 k generated facts, on every ag.run naming a name
# the graph holds nowhere (ASK { id:X ?p ?o }, asking whether id:X is there: 1 ms without it).
# A loaded graph's answers do not change under it (a remote store's may: a name offered
# then is one it held), but a server's engine follows each build `load` makes, its graph the
# same object: the names are kept with the build they were read from (``_build``), and read
# again from the next (they were kept, and the query page said "id:FxState is in no triple of
# the graph: did you mean id:FxState?" once a build renamed it).  They are kept sorted
# (``Names``: 0.05 s to sort 100,000, which each call paid), each call searching with a
# budget of its own (``Names.fresh``): one shared would be spent for good by a graph's many runs.
_TYPED: dict[int, dict[tuple[str, str | None], Names]] = {}
_BUILDS: dict[int, str | None] = {}  # the build each graph's names in _TYPED were read from


def _build(kg) -> str | None:
    """Return the build ``kg`` answers from where an engine serves it (``engine.info``'s
    version, which changes as a server follows builds), else None (it does not change)."""
    info = getattr(getattr(kg, "engine", None), "info", None)
    return info.get("version") if isinstance(info, dict) else None


def _forget(key: int) -> None:
    _TYPED.pop(key, None)
    _BUILDS.pop(key, None)


def _typed_names(kg) -> dict[tuple[str, str | None], Names]:
    """Return the typed names of ``kg``'s build listed so far, by namespace and kind
    (``_listed``; kept while ``kg`` is, and answers from that build)."""
    key, build = id(kg), _build(kg)
    if key not in _TYPED:
        try:
            weakref.finalize(kg, _forget, key)
        except TypeError:  # an object no weak reference can follow: listed for this call
            return {}
    if key not in _TYPED or _BUILDS.get(key) != build:
        _TYPED[key], _BUILDS[key] = {}, build
    return _TYPED[key]


def _meant(kg, iri: str, names: dict, place: str | None = None) -> str | None:
    """Return the IRI of ``iri``'s namespace in ``kg`` whose local name is closest to its own,
    None when none is close: by ``spelling.Names``, as a proposal's slip is told, over the
    namespace's typed names (a class, a property, an entity: each has its type), listed once a
    namespace and graph (``_typed_names``) and sorted then, searched with a budget of each
    call's own (``names``).  A name in a class's or a property's ``place``
    (``name_places``) is looked for among the names of that kind first, then among those of
    neither kind, never among the other kind's: ``?s a ag:Countrie`` was offered
    ``ag:counters``, a property."""
    namespace = _namespace_of(iri)
    for kind in ((place, _NEITHER) if place in (name_places.CLASS, name_places.PROPERTY)
                 else (None,)):  # (BOTH: every name, as None)
        if (namespace, kind) not in names:
            names[namespace, kind] = _listed(kg, namespace, kind).fresh()
        found = names[namespace, kind].best(iri[len(namespace):])
        if found:
            return found
    return None


_NEITHER = "neither"  # names neither a class nor a property (an entity, a rank's value)


def _listed(kg, namespace: str, kind: str | None) -> Names:
    """Return the typed names of ``namespace`` in ``kg`` of ``kind`` (CLASS, PROPERTY,
    _NEITHER; None: all), listed once a graph's build."""
    listed = _typed_names(kg)
    if (namespace, None) not in listed:
        answer = queries.run(kg, (
            "SELECT DISTINCT ?x WHERE { ?x a ?type "
            f"FILTER(isIRI(?x) && STRSTARTS(STR(?x), {_literal(namespace)})) }} "
            f"LIMIT {_MOST_CANDIDATES}"))
        typed = {row["x"].value for row in queries.rows(answer)}
        # id:'s own names, not claim/ and evidence/ ones
        listed[namespace, None] = Names({t[len(namespace):]: t for t in typed
                                         if "/" not in t[len(namespace):]})
    if (namespace, kind) not in listed:
        every = listed[namespace, None].names
        kinds = _kinds(kg, namespace)
        listed[namespace, kind] = listed[namespace, None] if not kinds and kind == _NEITHER \
            else Names({local: iri for local, iri in every.items()
                        if kinds.get(iri, _NEITHER) == kind})  # (id:'s all neither: kept once)
    return listed[namespace, kind]


def _kinds(kg, namespace: str) -> dict[str, str]:
    """Return the names of ``namespace`` the ontology declares (or uses) as a class or a
    property, with which; a name both is neither's (read by the type's index: the classes
    and properties, not every typed node)."""
    answer = queries.run(kg, (
        "SELECT DISTINCT ?x ?kind WHERE { { ?x a ?type VALUES (?type ?kind) { "
        + " ".join(f"(<{t}> {_literal(k)})" for t, k in _DECLARED.items()) + " } } UNION "
        f"{{ ?x rdfs:subClassOf ?c BIND({_literal(name_places.CLASS)} AS ?kind) }} UNION "
        "{ ?x rdfs:subPropertyOf|rdfs:domain|rdfs:range ?c "
        f"BIND({_literal(name_places.PROPERTY)} AS ?kind) }} "
        f"FILTER(isIRI(?x) && STRSTARTS(STR(?x), {_literal(namespace)})) }}"))
    kinds: dict[str, str] = {}
    for row in queries.rows(answer):
        iri, kind = row["x"].value, row["kind"].value
        kinds[iri] = kind if kinds.get(iri, kind) == kind else _NEITHER
    return kinds


_OWL, _RDFS = PREFIX_IRIS["owl"], PREFIX_IRIS["rdfs"]
# The types that declare a class or a property.
_DECLARED = {_OWL + "Class": name_places.CLASS, _RDFS + "Class": name_places.CLASS,
             PREFIX_IRIS["rdf"] + "Property": name_places.PROPERTY,
             **{_OWL + t + "Property": name_places.PROPERTY for t in (
                 "Object", "Datatype", "Annotation", "Transitive", "Symmetric", "Asymmetric",
                 "Functional", "InverseFunctional", "Reflexive", "Irreflexive")}}


# The vocabularies whose terms the graph uses beside the project's (not xsd: datatypes).
_VOCABULARIES = tuple(PREFIX_IRIS[p] for p in ("rdfs", "rdf", "schema", "skos", "dcterms",
                                                "prov", "oa", "owl"))


def _elsewhere(kg, iris: list[str]) -> dict[str, str]:
    """Return, for each ``ag:`` name of ``iris`` (none of its namespace close), the term of
    another vocabulary of the same local name that the graph holds: ``ag:label`` was "a
    misspelt name matches nothing", where the graph's labels are ``rdfs:label``."""
    wanted = {}
    for iri in iris:
        if _namespace_of(iri) == PREFIX_IRIS["ag"]:
            for ns in _VOCABULARIES:
                if _valid(ns + iri[len(PREFIX_IRIS["ag"]):]):
                    wanted.setdefault(ns + iri[len(PREFIX_IRIS["ag"]):], iri)
    if not wanted:
        return {}
    held = set(wanted) - set(_absent(kg, list(wanted)))
    found: dict[str, str] = {}
    for term, iri in wanted.items():  # in _VOCABULARIES' order: rdfs:label before schema's
        if term in held:
            found.setdefault(iri, term)
    return found


def _literal(text: str) -> str:
    return str(ox.Literal(text))


class AbsentNameWarning(UserWarning):
    """A query names a project name the graph holds nowhere (``notes``: ``ag.run`` warns of
    each; ``warnings.filterwarnings("ignore", category=ag.AbsentNameWarning)`` silences it)."""


def notes(kg, text: str, meant: bool = True, searched: int | None = None,
          tokens=None) -> list[str]:
    """Return a note for each project name ``text`` uses that ``kg`` holds nowhere, naming
    the name meant where one is close (with ``meant``: finding it reads every typed name of
    the namespace), looked for among the first ``searched`` such names alone where given (the
    query page shows 20 and counts the rest: each search scans the namespace, in this
    process, held to no time limit); none where the graph cannot say (a remote store's
    refusal, an engine's limit: the answer already given stands).  ``tokens``: ``text``'s,
    where the caller has read them (the query page's bounds: ``bounds.tokens_within``).  The
    graphs its ``GRAPH`` names that the store holds not are noted first (``absent_graphs``)."""
    read = _read(text, tokens)
    named, portable = read.named, read.portable
    try:
        absent = _absent(kg, [iri for iri in named if _valid(iri)],
                         {iri: named[iri] for iri in portable}) if named else []
        names: dict = {}
        closest: dict[str, str | None] = {}
        for n, iri in enumerate(absent):
            if meant and (searched is None or n < searched):
                closest[iri] = _meant(kg, iri, names, read.places.get(iri))
        closest.update(_elsewhere(kg, [iri for iri, c in closest.items() if c is None]))
        said = {iri: shorten(c) for iri, c in closest.items() if c}
        for iri in [i for i, c in closest.items() if c is None]:  # ``aligned_names``
            said[iri] = aligned_names.offered(kg, iri, names, read.places.get(iri))
        graphs = absent_graphs.notes(kg, {iri: name for iri, name in read.graphs.items()
                                          if _valid(iri)}, meant, searched)
        return graphs + [f"{written(named[iri])} is in no triple of the graph" + (
            f": did you mean {said[iri]}?" if said.get(iri) else
            " (a misspelt name matches nothing)") for iri in absent]
    # Refused: an engine's EngineError (a limit, a closed engine) was raised from ag.run
    # after the answer, which was lost.
    except (QueryError, StoreError, Refused):
        return []


def meant(kg, iri: str) -> str | None:
    """Return the name of ``kg`` closest to ``iri``, a project name it holds nowhere (an
    entity page's 404: ``/id/irondome``, ``id:IronDome``), or None: none close, ``iri`` of no
    project namespace, or the graph unable to say.  A fragment is passed over: the project's
    names have none, and ``/id/IronDome%23overview`` (a link's '#' percent-encoded) was
    offered nothing, the name before it unsaid."""
    iri = iri.partition("#")[0]
    if not iri.startswith(_OWN) or iri in _OWN:
        return None
    try:
        return _meant(kg, iri, {})
    except (QueryError, StoreError, Refused):
        return None


def _valid(iri: str) -> bool:
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def within(kg, text: str, left: float | None, meant: bool = True) -> list[str]:
    """Return ``notes(kg, text, meant)``, or none if they are not made within ``left`` seconds
    (None: no limit), what is left of a query's own timeout: made after the answer and outside
    it, the first note read every typed name of its namespace (``ag.run`` under timeout=0.2
    returned after 0.79 s over 400,000 typed nodes; ``query --timeout`` alike)."""
    from ..waiting import TimedOut, at_once
    if left is None:
        return notes(kg, text, meant)
    try:  # what the notes read is kept with the graph as they end (``_typed_names``)
        return at_once(lambda: notes(kg, text, meant), left) if left > 0 else []
    except TimedOut:
        return []
