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

import copy
import difflib
import re

import pyoxigraph as ox
from rapidfuzz import fuzz, process
from rdflib.namespace import RDF

from ..clipping import bracketed, bracketed_apart

RDF_TYPE = str(RDF.type)
_TYPE = ox.NamedNode(RDF_TYPE)
_PREDICATE = ox.NamedNode(str(RDF.predicate))
_SUBJECT = ox.NamedNode(str(RDF.subject))
_OBJECT = ox.NamedNode(str(RDF.object))
# How alike two names must be (difflib's ratio, letter case ignored) to be offered: ag:rnk
# for ag:rank (0.86), ag:participnt for ag:participant (0.96), not ag:note for ag:rank (0.5).
_CLOSE = 0.75
# Past this many characters, a name or namespace is offered nothing: difflib reads the name
# compared into a table and compares it in time growing with both lengths (a misspelt node
# of 5 MB took 6 s to be offered one of 5 MB), and a name pasted at such length is no slip
# of the keyboard.
_LONGEST = 1_000


def _split(iri: str) -> tuple[str, str]:
    """Return ``iri``'s namespace and local name: split after its last '/' or '#'."""
    # Not a pattern: a check of 100,000 findings split 600,000 IRIs, 0.9 s of its 2.6 s of
    # hints by ^(.*[/#])([^/#]*)$.
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    return (iri[:cut], iri[cut:]) if cut else (iri, "")


_PARTS = {_SUBJECT, _PREDICATE, _OBJECT}


def _claims(quads) -> dict:
    """Return each subject of ``quads`` with its rdf:subject, rdf:predicate and rdf:object
    (one value each), those it has."""
    claims: dict = {}
    for q in quads:
        # Those alone: every statement of every node was filed (0.9 s a check of 100,000).
        if q.predicate in _PARTS:
            claims.setdefault(q.subject, {})[q.predicate] = q.object
    return claims


def named(quads) -> set[str]:
    """Return the IRIs ``quads`` name, in any place."""
    return {t.value for q in quads for t in (q.subject, q.predicate, q.object)
            if isinstance(t, ox.NamedNode)}


# The names a misspelt one is compared with: every name of its namespace that rapidfuzz's indel
# ratio (twice the longest common subsequence over both lengths, which difflib's ratio is at
# most: its matching blocks are one common subsequence) puts at _CLOSE or more, best first,
# wherever the slip sorts; difflib ranks them, down to the first whose indel ratio is below
# the best difflib ratio found (none after it can be as alike), so the name offered is the
# one comparing with every name would offer.  It was chosen among the 1,200 names beside the
# slip alphabetically and read backwards, and a slip just inside both ends sorted beside none
# of them (27 of 40 such at 10,000 claims missed, 34 of 40 at a million).  Bounds per
# namespace: COMPARISONS by difflib (2 to 4 microseconds each; 3,000 names nothing types
# among 3,000 typed nodes took 17 s compared with every node), and SCANNED names read by
# rapidfuzz (about 70 ns each, in C: a million names 0.07 s a slip; counted once per 64
# characters of the slip), past either of which a name is offered nothing.
COMPARISONS = 1_000_000
SCANNED = 300_000_000


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
        self._found: dict[str, str | None] = {}
        self._left = COMPARISONS
        self._scans = SCANNED

    def fresh(self) -> Names:
        """Return these names, sorted as they are, with budgets and answers of their own: one
        for each use of names kept longer than it (a server's, whose requests would otherwise
        spend one budget for good and leave each client's names kept)."""
        other = copy.copy(self)
        other._found, other._left, other._scans = {}, COMPARISONS, SCANNED
        return other

    def best(self, local: str) -> str | None:
        """Return the IRI of the name closest to ``local``, if close (``_CLOSE``), other than
        ``local`` itself; none for a name past ``_LONGEST``, nor once the namespace's
        ``COMPARISONS`` or ``SCANNED`` are spent."""
        if local not in self._found:
            self._found[local] = None if len(local) > _LONGEST else self._search(local)
        return self._found[local]

    def _search(self, local: str) -> str | None:
        key = local.lower()
        cost = len(self._sorted) * (1 + len(key) // 64)
        if cost > self._scans:
            return None
        self._scans -= cost
        # Just under _CLOSE: a ratio of exactly 0.75 may come back as 74.99999.
        hits = process.extract(key, self._sorted, scorer=fuzz.ratio, processor=None,
                               score_cutoff=_CLOSE * 100 - 1e-6, limit=None)
        if not hits:
            return None  # and no difflib table made of the name (0.7 s a 100,000 names)
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(key)
        best, ratio = None, _CLOSE
        for name, score, _ in hits:
            if score / 100 < ratio - 1e-9:
                break  # nor any after it: each is at most as alike to difflib
            if self._others and self._lower[name] == [local]:
                continue
            if self._left == 0:
                return None  # the one meant may be past those compared
            self._left -= 1
            matcher.set_seq1(name)
            alike = matcher.ratio()
            # Of two as alike, the later in alphabetical order: difflib's own choice.
            if (alike, name) > (ratio, best or ""):
                best, ratio = name, alike
        if best is None:
            return None
        alike = [n for n in self._lower[best] if not (self._others and n == local)]
        chosen = alike[0] if len(alike) == 1 else \
            max(alike, key=lambda n: (difflib.SequenceMatcher(None, local, n).ratio(), n))
        return self.names[chosen]


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
    # Each IRI split once: a check of 100,000 findings split ag:NormalRank 100,000 times.
    for iri in {t.value for q in proposal for t in (q.subject, q.object)
                if isinstance(t, ox.NamedNode)} - set(used):
        if _split(iri)[0] in by_namespace:
            used[iri] = None
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

    The candidates are the typed nodes of the term's namespace, however many (``Names``).
    Past 200,000 rdf:type statements none was offered (listing them took 8 s at a million
    claims); a million nodes now take about 7 s to list and index, once per check or
    validation with a misspelt node, and 0.1 to 0.4 s a slip.
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
    by_namespace: dict[str, dict[str, str]] = {}
    # A missing name, and the nodes of any namespace it ends.
    by_local: dict[str, set[str]] = {_split(t)[1]: set() for m in unknown.values() for t in m}
    for iri in described | _typed(graph):
        namespace, local = _split(iri)
        if namespace in unknown and local:
            by_namespace.setdefault(namespace, {})[local] = iri
        if local in by_local:
            by_local[local].add(iri)
    found = {}
    for namespace, missing in unknown.items():
        names = Names(by_namespace.get(namespace, {}), others=True)
        for term in missing:
            meant = names.best(_split(term)[1])
            # Else the one node of that very name in another namespace: a source file named
            # by its path (<file:///.../000_x.txt>, a relative <000_x.txt>) for src:000_x.txt.
            elsewhere = by_local[_split(term)[1]] - {term}
            if meant is None and len(elsewhere) == 1:
                meant = next(iter(elsewhere))
            if meant is not None:
                found[term] = meant
    return found


def _typed(graph: ox.Store) -> set[str]:
    """Return the IRIs of the nodes ``graph`` types."""
    return {q.subject.value for q in graph.quads_for_pattern(None, _TYPE, None)
            if isinstance(q.subject, ox.NamedNode)}


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
