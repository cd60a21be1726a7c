"""Say which term or node a misspelt name in a proposal, or in a data file, meant.

A class or property the ontology does not declare is most often a slip of the keyboard
(``ag:rnk``, ``a ag:Clam``, ``ag:participnt``) or of a prefix declaration (``@prefix ag:
<https://alliance-graph.example/ontology#>``), and a node nothing describes one of a name
typed again (``id:BlueFlg``, ``ev:000-blue-flg``).  The checks report what the slip breaks
(an unknown property, a triple no claim states, a rank that is none, an entity with no type,
a citation of no evidence); ``hints`` and ``node_hints`` find what was meant, which
``hinted`` adds to those findings: the ontology's term of the same namespace whose name is
closest (or the term of that name in a namespace a character or two apart), the graph's node
of the same namespace whose name is closest.  ``validate`` asks it of a proposal's findings,
the build of its own (``checks.run_checks``), the data files standing for the proposal.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import re

import pyoxigraph as ox
from rdflib.namespace import RDF

from ..clipping import bracketed, bracketed_apart

RDF_TYPE = str(RDF.type)
_TYPE = ox.NamedNode(RDF_TYPE)
_PREDICATE = ox.NamedNode(str(RDF.predicate))
_SUBJECT = ox.NamedNode(str(RDF.subject))
_OBJECT = ox.NamedNode(str(RDF.object))
# A term's namespace and local name: split after its last '/' or '#'.
_SPLIT = re.compile(r"^(.*[/#])([^/#]*)$")
# How alike two names must be (difflib's ratio, letter case ignored) to be offered: ag:rnk
# for ag:rank (0.86), ag:participnt for ag:participant (0.96), not ag:note for ag:rank (0.5).
_CLOSE = 0.75
# Past this many rdf:type statements in the graph, no node is offered for a misspelt one.
NODE_LIMIT = 200_000
# Past this many characters, a name or namespace is offered nothing: difflib reads the name
# compared into a table and compares it in time growing with both lengths (a misspelt node
# of 5 MB took 6 s to be offered one of 5 MB), and a name pasted at such length is no slip
# of the keyboard.
_LONGEST = 1_000


def _split(iri: str) -> tuple[str, str]:
    found = _SPLIT.match(iri)
    return (found.group(1), found.group(2)) if found else (iri, "")


def _claims(quads) -> dict:
    """Return each subject of ``quads`` with its properties (one value each: a claim's
    rdf:subject, rdf:predicate and rdf:object)."""
    claims: dict = {}
    for q in quads:
        claims.setdefault(q.subject, {})[q.predicate] = q.object
    return claims


def named(quads) -> set[str]:
    """Return the IRIs ``quads`` name, in any place."""
    return {t.value for q in quads for t in (q.subject, q.predicate, q.object)
            if isinstance(t, ox.NamedNode)}


# The names a misspelt one is compared with, at most: in a namespace of more, those beside it
# in alphabetical order and beside it read backwards (a slip keeps the name's start or its
# end: id:BlueFlg sorts beside id:BlueFlag, id:Exercse2999 backwards beside id:Exercise2999);
# and the comparisons (difflib's, 2 to 4 microseconds each) one namespace's names make in
# all, past which a name is offered nothing.  Each name was compared with every node of its
# namespace: 3,000 names nothing types among 3,000 typed nodes took 17 s, and a graph of
# 200,000 nodes would take a second a name.
CANDIDATES = 1_200
COMPARISONS = 1_000_000


class Names:
    """The names of one namespace (name: IRI), sorted once, for ``best`` to say which one
    each misspelt name meant, each name searched for once.  ``others`` for names of the
    namespace searched itself (a node's), whose own name is no slip for it; a term of a
    namespace a character off is meant by its very name in this one (``ontology#rank``)."""

    def __init__(self, names: dict[str, str], others: bool = False):
        self.names = names
        self._others = others
        # Letter case ignored first (ag:claim is ag:Claim), then heeded to choose among
        # names alike but for it.
        self._lower: dict[str, list[str]] = {}
        for name in names:
            self._lower.setdefault(name.lower(), []).append(name)
        self._sorted = sorted(self._lower)
        self._backwards = sorted(n[::-1] for n in self._lower)
        # And each without its first character, and read backwards without its last: a slip at
        # each end (claim:sraelNATOJointTrainingExercises-labe) sorts beside neither of the
        # above, and was offered the wrong claim (...-type).
        self._tails = sorted((n[1:], n) for n in self._lower)
        self._heads = sorted((n[-2::-1], n) for n in self._lower)
        self._found: dict[str, str | None] = {}
        self._left = COMPARISONS

    def best(self, local: str) -> str | None:
        """Return the IRI of the name closest to ``local``, if close (``_CLOSE``), other than
        ``local`` itself; none for a name past ``_LONGEST``, nor once the namespace's
        ``COMPARISONS`` are spent."""
        if local not in self._found:
            self._found[local] = None if len(local) > _LONGEST else self._search(local)
        return self._found[local]

    def _search(self, local: str) -> str | None:
        candidates = self._candidates(local)
        if len(candidates) > self._left:
            return None
        self._left -= len(candidates)
        close = difflib.get_close_matches(local.lower(), candidates, n=1, cutoff=_CLOSE)
        if not close:
            return None
        alike = [n for n in self._lower[close[0]] if not (self._others and n == local)]
        best = max(alike, key=lambda n: (difflib.SequenceMatcher(None, local, n).ratio(), n))
        return self.names[best]

    def _candidates(self, local: str) -> list[str]:
        """Return the lower-case names that may be ``_CLOSE`` to ``local``: every name, or in
        a namespace of more than ``CANDIDATES``, as many beside it alphabetically and read
        backwards; of them, those of a length it can be as alike as that to (the shorter of
        two at least 0.6 of the longer: twice the matched characters over both lengths)."""
        key = local.lower()
        if len(self._sorted) <= CANDIDATES:
            found = self._sorted
        else:
            # 500 each in the two first orders, 50 in each of the other four: the one meant
            # sorts next to a slip at its far end, within a few names.
            side = CANDIDATES // 48
            found = list(dict.fromkeys(
                _beside(self._sorted, key, side * 10)
                + [n[::-1] for n in _beside(self._backwards, key[::-1], side * 10)]
                + [n for tail in (key, key[1:]) for _, n in _beside(self._tails, (tail,), side)]
                + [n for head in (key[::-1], key[-2::-1])
                   for _, n in _beside(self._heads, (head,), side)]))
        size = len(key)
        return [n for n in found if size * 0.6 <= len(n) <= size / 0.6
                and not (self._others and self._lower[n] == [local])]


def _beside(ordered: list, key, side: int) -> list:
    """Return the ``side`` entries of sorted ``ordered`` before where ``key`` sorts, and after."""
    at = bisect.bisect_left(ordered, key)
    return ordered[max(0, at - side):at + side]


def hints(ontology: list[ox.Quad], proposal: list[ox.Quad]) -> dict[str, str]:
    """Return, for each term a ``proposal`` quad uses as a class or property (its predicate,
    an rdf:type, a claim's rdf:predicate) or names in one of the ontology's namespaces, and
    that no ``ontology`` quad names, the IRI of the ontology term it most likely meant; a term
    with no close match is left out.  A property is matched with the names of properties
    (lower-case first letter, as ``ag:rank``), a class with those of classes (``ag:Rank``)."""
    known = named(ontology)
    by_namespace: dict[str, dict[str, str]] = {}
    for iri in known:
        namespace, local = _split(iri)
        if local:
            by_namespace.setdefault(namespace, {})[local] = iri
    used: dict[str, str | None] = {}  # a term and what it is used as: "property", "class"
    for q in proposal:
        used[q.predicate.value] = "property"
        if isinstance(q.object, ox.NamedNode) and q.predicate in (_TYPE, _PREDICATE):
            used.setdefault(q.object.value, "class" if q.predicate == _TYPE else "property")
    for claim in _claims(proposal).values():  # a claim typing its subject names a class
        if claim.get(_PREDICATE) == _TYPE and isinstance(claim.get(_OBJECT), ox.NamedNode):
            used.setdefault(claim[_OBJECT].value, "class")
    for q in proposal:
        for term in (q.subject, q.object):
            if isinstance(term, ox.NamedNode) and _split(term.value)[0] in by_namespace:
                used.setdefault(term.value, None)
    found, indexes = {}, {}
    for iri in sorted(set(used) - known):
        meant = _closest(iri, used[iri], by_namespace, indexes)
        if meant is not None:
            found[iri] = meant
    return found


XSD = "http://www.w3.org/2001/XMLSchema#"
# The XML Schema datatypes RDF 1.1 uses (RDF 1.1 Concepts, 5.1).
_XSD_TYPES = {XSD + n: n for n in (
    "string", "boolean", "decimal", "integer", "double", "float", "date", "time", "dateTime",
    "dateTimeStamp", "gYear", "gMonth", "gDay", "gYearMonth", "gMonthDay", "duration",
    "yearMonthDuration", "dayTimeDuration", "byte", "short", "int", "long", "unsignedByte",
    "unsignedShort", "unsignedInt", "unsignedLong", "positiveInteger", "nonNegativeInteger",
    "negativeInteger", "nonPositiveInteger", "hexBinary", "base64Binary", "anyURI", "language",
    "normalizedString", "token", "NMTOKEN", "Name", "NCName")}
# A literal as a finding's value gives it: "2029"^^<http://www.w3.org/2001/XMLSchema#gyear>.
_DATATYPE = re.compile(r"\^\^<([^<>]*)>$")


def datatype_hints(proposal: list[ox.Quad]) -> dict[str, str]:
    """Return, for each datatype of the XML Schema namespace that a ``proposal`` literal is
    typed with and that is no XML Schema datatype (``xsd:gyear``), the datatype it most
    likely meant (``xsd:gYear``).  Such a literal is no ill-typed one to a parser (its
    datatype is one it does not know), so the shapes said only that the value is not of the
    property's datatype, the slip unnamed."""
    found, names = {}, Names({n: iri for iri, n in _XSD_TYPES.items()})
    for q in proposal:
        datatype = q.object.datatype.value if isinstance(q.object, ox.Literal) else ""
        if datatype.startswith(XSD) and datatype not in _XSD_TYPES and datatype not in found:
            meant = names.best(datatype[len(XSD):])
            if meant is not None:
                found[datatype] = meant
    return found


def _closest(iri: str, kind: str | None, by_namespace: dict[str, dict[str, str]],
             indexes: dict) -> str | None:
    """Return the known term ``iri`` (used as a ``kind`` of term) most likely meant: of its
    own namespace by its name, or of the namespace closest to its own (``ontology#`` for
    ``ontology/``) by the same name.  ``indexes`` keeps each namespace's ``Names`` (and each
    namespace's closest) for the next term."""
    namespace, local = _split(iri)
    if not local or len(namespace) > _LONGEST:
        return None
    if namespace not in by_namespace:
        if ("namespace", namespace) not in indexes:
            close = difflib.get_close_matches(namespace, list(by_namespace), n=1, cutoff=0.9)
            indexes["namespace", namespace] = close[0] if close else None
        namespace = indexes["namespace", namespace]
        if namespace is None:
            return None
    if (namespace, kind) not in indexes:
        names = by_namespace[namespace]
        if kind is not None:  # properties by the names of properties, classes by classes'
            kept = {n: i for n, i in names.items() if n[:1].islower() == (kind == "property")}
            names = kept or names
        indexes[namespace, kind] = Names(names)
    return indexes[namespace, kind].best(local)


def node_hints(terms, graph: ox.Store, proposal: list[ox.Quad]) -> dict[str, str]:
    """Return, for each IRI of ``terms`` (the findings' entities and values) that names a
    node the graph outside the ``proposal`` does not describe, nor the proposal types (with
    rdf:type, or a claim: a new node), the described node whose IRI is closest
    (``id:BlueFlg``: ``id:BlueFlag``; ``ev:000-blue-flg``: ``ev:000-blue-flag``; a note on
    ``claim:BlueFlag-participant-UnitedState``: the claim of data/ ending in ``States``).  ``graph`` holds the graph, the proposal's own graphs, and what
    is derived from them, or only the rest of the graph (the prebuilt store).

    The candidates are the typed nodes of the term's namespace.  A graph of more than
    ``NODE_LIMIT`` rdf:type statements (inferred ones too: a claim has two) gets no node
    hints: listing every node took 8 s at a million claims, 0.7 s at 150,000, and a hint
    chosen among some of them may be the wrong node.
    """
    own = {q.graph_name for q in proposal}
    # A node the proposal types is new; one it only adds to (a note on a claim of data/, as
    # README's amendments are written) is the graph's, or a slip for one of its names.
    described = {q.subject.value for q in proposal
                 if isinstance(q.subject, ox.NamedNode) and q.predicate == _TYPE}
    described |= {c[_SUBJECT].value for c in _claims(proposal).values()
                  if c.get(_PREDICATE) == _TYPE and isinstance(c.get(_SUBJECT), ox.NamedNode)}
    unknown: dict[str, list[str]] = {}
    for term in sorted(set(terms) - described):
        namespace, local = _split(term)
        if local and not any(q.graph_name not in own
                             for q in graph.quads_for_pattern(ox.NamedNode(term), None, None)):
            unknown.setdefault(namespace, []).append(term)
    if not unknown:
        return {}
    typed = list(itertools.islice(graph.quads_for_pattern(None, _TYPE, None), NODE_LIMIT + 1))
    if len(typed) > NODE_LIMIT:
        return {}
    by_namespace: dict[str, dict[str, str]] = {}
    by_local: dict[str, set[str]] = {}  # a name, and the nodes of any namespace it ends
    for iri in described | {q.subject.value for q in typed if isinstance(q.subject, ox.NamedNode)}:
        namespace, local = _split(iri)
        if namespace in unknown and local:
            by_namespace.setdefault(namespace, {})[local] = iri
        by_local.setdefault(local, set()).add(iri)
    found = {}
    for namespace, missing in unknown.items():
        names = Names(by_namespace.get(namespace, {}), others=True)
        for term in missing:
            meant = names.best(_split(term)[1])
            # Else the one node of that very name in another namespace: a source file named
            # by its path (<file:///.../000_x.txt>, a relative <000_x.txt>) for src:000_x.txt.
            elsewhere = by_local.get(_split(term)[1], set()) - {term}
            if meant is None and len(elsewhere) == 1:
                meant = next(iter(elsewhere))
            if meant is not None:
                found[term] = meant
    return found


# What a hint says of a node nothing describes, between its name and the one meant.
NOT_IN_GRAPH = " is not in the graph: did you mean "


def said(terms: dict[str, str], nodes: dict[str, str],
         datatypes: dict[str, str] | None = None) -> dict[str, str]:
    """Return what to say of each misspelt term: ``terms`` from ``hints``, ``nodes`` from
    ``node_hints``, ``datatypes`` from ``datatype_hints``, each a term and the IRI it most
    likely meant."""
    found = {term: f"{bracketed(term)} is no XML Schema datatype: did you mean <{meant}>?"
             for term, meant in (datatypes or {}).items()}
    # A term of the file, and a node meant, are said clipped: a misspelt name of 60,000
    # characters was said whole in each finding naming it.  Told apart where they differ past
    # what a clipped name shows: two of 300 characters read the same.
    for term, meant in terms.items():
        namespace = _split(meant)[0]
        where = "" if _split(term)[0] == namespace else \
            f" (its namespace is {bracketed(namespace)}: see the file's @prefix lines)"
        term_said, meant_said = bracketed_apart(term, meant)
        found[term] = (f"{term_said} is not a term of the ontology: did you mean "
                       f"{meant_said}{where}?")
    for term, meant in nodes.items():
        term_said, meant_said = bracketed_apart(term, meant)
        found[term] = f"{term_said}{NOT_IN_GRAPH}{meant_said}?"
    return found


def hinted(message: str, focus: str | None, path: str | None, value: str | None,
           found: dict[str, str]) -> str:
    """Return a finding's ``message`` with what ``found`` (``said``) says of each misspelt
    term among its focus, property and value, or as it is when none is."""
    hints = said_of((focus, path, value), found)
    if not hints:
        return message
    # A message ending with the term it names, "(<ag:rnk>)", has it named by its hint there.
    named = re.search(r" \(<([^<>\s]+)>\)$", message)
    if named and named.group(1) in found and found[named.group(1)] in hints:
        message = message[:named.start()]
    return f"{message} ({'; '.join(hints)})"


def said_of(terms, found: dict[str, str]) -> list[str]:
    """Return what ``found`` (``said``) says of each misspelt term among ``terms`` (IRIs, or
    literals as term text, whose datatype is looked at), each once."""
    named = []
    for term in terms:
        typed = _DATATYPE.search(term) if term else None  # a literal's datatype
        named += [term, typed.group(1) if typed else None]
    return [found[t] for t in dict.fromkeys(named) if t in found]
