"""Say a project prefix declared with another namespace once, on its ``@prefix`` line.

``@prefix oa: <http://www.w3.org/ns/oa/> .`` (a slash for the ``#``) or ``@prefix prov:
<http://www.w3.org/ns/prov> .`` (the ``#`` left out) makes every ``oa:`` or ``prov:`` name of
the proposal a term the graph does not have: one slip was fifteen findings (each triple of an
evidence block "not one of an evidence node's properties", each selector's type uncited, ...),
none on the line to change, and of ``prov:`` none said a word of the prefix (the citation
``<http://www.w3.org/ns/provwasDerivedFrom>`` was told to be written "as a cited claim").
``slips`` finds each declaration of a prefix the project names (``namespaces.PREFIX_IRIS``:
``ag:``, ``oa:``, ``prov:``, ...) bound to another namespace that the proposal's names use;
``validation`` reports it on its line, saying what to write, and leaves out the findings on
the names it misread.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from ..build.lines import line_number
from ..namespaces import PREFIX_IRIS
from . import placement

TITLE = "a project prefix declared with another namespace"
_DECLARATION = re.compile(r"(?i)@?prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>")
_LINE = re.compile(r"^[ \t]*(?:@prefix|PREFIX)\s", re.M | re.I)


def slips(text: str, quads: list[ox.Quad]) -> list[tuple[int, str, str, str, str]]:
    """Return (line, prefix, namespace written, the project's, an IRI misread) for each
    top-level declaration of ``text`` binding a project prefix to another namespace that an
    IRI of ``quads`` (the text's parse) is written in."""
    last = max((m.start() for m in _LINE.finditer(text)), default=None)
    layout = placement.scan(text, last) if last is not None else None
    if layout is None:
        return []
    iris = {t.value for q in quads for t in (q.subject, q.predicate, q.object)
            if isinstance(t, ox.NamedNode)}
    # A datatype's too: "2016"^^xsd:gYear under xsd: <...XMLSchema> (its # left out).
    iris |= {q.object.datatype.value for q in quads if isinstance(q.object, ox.Literal)}
    found = []
    for start, _ in layout.directives:
        m = _DECLARATION.match(text, start)
        if m is None or m[1] not in PREFIX_IRIS or m[2] == PREFIX_IRIS[m[1]]:
            continue
        written, meant = m[2], PREFIX_IRIS[m[1]]
        misread = sorted(i for i in iris if i.startswith(written) and not i.startswith(meant))
        if misread:
            found.append((line_number(text, start), m[1], written, meant, misread[0]))
    return found


def message(prefix: str, written: str, meant: str, misread: str) -> str:
    """Return what a slip of ``slips`` says."""
    local = misread[len(written):]
    return (f"@prefix {prefix}: <{written}> is not the namespace of {prefix}: "
            f"(<{meant}>, as the data files declare it): each {prefix}: name of this file is "
            f"another term, which the graph does not have ({prefix}:{local} reads "
            f"<{misread}>); write @prefix {prefix}: <{meant}> .")


def misread(focus, path, value, wrong: list[tuple[str, str]]) -> bool:
    """Return whether a finding is one the slips ``wrong`` ((written, meant) pairs) caused:
    its focus, property or value is an IRI written in a wrong namespace, or its property is
    one of a namespace meant (an evidence node "needs exactly one oa:hasSource", which the
    file wrote, misread)."""
    terms = [t.strip("<>") for t in (focus, path, value) if t is not None]
    if value is not None and value.startswith('"') and value.endswith(">") and "^^<" in value:
        terms.append(value.rsplit("^^<", 1)[1][:-1])  # a literal's datatype
    return any(t.startswith(w) and not t.startswith(m) for t in terms for w, m in wrong) or \
        any(path is not None and path.startswith(m) for _, m in wrong)
