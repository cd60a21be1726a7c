"""What of a graph RDF/XML cannot write, said for the user: the export's reasons for refusing.

RDF/XML writes a predicate (and a class, as a typed node) as an element name: a namespace and
a local part that is an XML name, which no RDF/XML syntax name may be; and XML 1.0 has no way
to carry some characters.  ``export`` writes RDF/XML, reads it back as an XML parser does
(``xml_check``), and only when that fails, or Oxigraph's writer refuses, asks ``not_written``
why, so that the refusal names the IRI or the value to change.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from ..clipping import bracketed, clipped
from ..namespaces import RDF
from .network import NOT_XML

# An IRI that does not end in an XML name ("…/", "…#", "…?x=1") has no namespace and local
# part to split into, and Oxigraph then writes an element no XML parser reads.
_NAME_START = ("A-Z_a-z\xc0-\xd6\xd8-\xf6\xf8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d"
               "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
               "\U00010000-\U000effff")
# Read from the IRI's end: the characters of a name it ends in, and whether one may begin a
# name.  A search for "a name, then the end" tried every position, each running on to the end
# (a property of 60,000 characters: 19 to 55 s of CPU before the export was refused).
_NAME_TAIL = re.compile(f"[{_NAME_START}\\-.0-9\xb7\u0300-\u036f\u203f\u2040]*")
_STARTS_NAME = re.compile(f"[{_NAME_START}]")
_TYPE = ox.NamedNode(str(RDF.type))
# RDF/XML's own names, which no property element may have (its grammar's coreSyntaxTerms,
# rdf:Description, rdf:li and oldTerms): Oxigraph's writer refuses a triple with one of the
# others (an OSError, which the command line took for a file that could not be used), and
# writes the old terms, as properties and as classes, as elements every RDF/XML parser refuses
# (which ``xml_check`` finds).
_OLD_TERMS = {ox.NamedNode(str(RDF[n])) for n in ("aboutEach", "aboutEachPrefix", "bagID")}
_RESERVED = _OLD_TERMS | {ox.NamedNode(str(RDF[n])) for n in (
    "RDF", "ID", "about", "parseType", "resource", "nodeID", "datatype", "Description", "li")}


def _terms(term):
    """Yield ``term`` and, for a triple term, the terms inside it."""
    yield term
    if isinstance(term, ox.Triple):
        for part in (term.subject, term.predicate, term.object):
            yield from _terms(part)


def not_written(triples) -> str:
    """Return what in ``triples`` RDF/XML cannot carry, said for the user ("" if nothing)."""
    for t in triples:
        for inner in _terms(t):
            if not isinstance(inner, ox.Triple):
                continue
            typed = inner.predicate == _TYPE and inner.object in _OLD_TERMS
            if typed or inner.predicate in _RESERVED:
                iri, what = (inner.object, "class") if typed else (inner.predicate, "property")
                return (f"the IRI {bracketed(iri.value)} is one of RDF/XML's own syntax names, so "
                        f"RDF/XML cannot write it as a {what}")
            named = [inner.predicate] + ([inner.object] if inner.predicate == _TYPE else [])
            for iri in named:
                if isinstance(iri, ox.NamedNode) and not ends_in_xml_name(iri.value):
                    return (f"the IRI {bracketed(iri.value)} does not end in an XML name, so RDF/XML "
                            "cannot write it as a property or class")
            bad = isinstance(inner.object, ox.Literal) and NOT_XML.search(inner.object.value)
            if bad:
                char = bad.group()
                return (f"a value of {clipped(str(inner.subject))} holds the character U+{ord(char):04X}, "
                        "which XML 1.0 cannot carry")
    return ""


def ends_in_xml_name(iri: str) -> bool:
    """Whether ``iri`` ends in an XML name, which RDF/XML can split it at: the name
    characters it ends in hold one that may begin a name."""
    return _STARTS_NAME.search(_NAME_TAIL.match(iri[::-1]).group()) is not None
