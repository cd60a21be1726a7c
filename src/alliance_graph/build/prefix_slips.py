"""Say a project prefix declared with another namespace once, on its declaration's line.

``@prefix oa: <http://www.w3.org/ns/oa/> .`` (a slash for the ``#``), ``@prefix prov:
<http://www.w3.org/ns/prov> .`` (the ``#`` left out), or ``@prefix prov: <prov> .`` under
``@base <http://www.w3.org/ns/>`` makes every ``oa:`` or ``prov:`` name of the file a term the
graph does not have: one slip was fifteen findings (each triple of an evidence block "not one
of an evidence node's properties", each selector's type uncited, ...), none on the line to
change, and of ``prov:`` none said a word of the prefix (the citation
``<http://www.w3.org/ns/provwasDerivedFrom>`` was told to be written "as a cited claim").
``slips`` finds each top-level declaration of a prefix the project names
(``namespaces.PREFIX_IRIS``: ``ag:``, ``oa:``, ``prov:``, ...) bound to another namespace that
the file's names use; the build's checks (``checks.run_checks``) and ``validate`` report it
on its line, in the words it was written in (``@prefix`` or SPARQL's ``PREFIX``), saying what
to write, and leave out the findings on the names it misread.
"""

from __future__ import annotations

from typing import NamedTuple

import pyoxigraph as ox

from ..clipping import bracketed, clipped
from ..namespaces import PREFIX_IRIS
from .lines import line_number
from .turtle_tokens import declarations

TITLE = "a project prefix declared with another namespace"
CHECK = "prefix-namespace"


class Slip(NamedTuple):
    """A project prefix declared with another namespace, and a name of the file it misread."""

    line: int
    keyword: str   # as written: @prefix, PREFIX, prefix
    prefix: str
    written: str   # between the < >
    read: str      # what the parser read it as: ``written`` against the base in effect
    meant: str     # the project's namespace
    misread: str   # an IRI of the file written in ``read``

    def message(self) -> str:
        """Return what to say of the slip, and the declaration to write instead: each value
        of the file it repeats ``clipped`` (a declaration of a 60,000-character IRI, or a
        name of 5 MB, was said whole, twice, its advice past it)."""
        local = self.misread[len(self.read):]
        end = " ." if self.keyword.startswith("@") else ""
        based = "" if self.read == self.written else \
            f" (read against the base as {bracketed(self.read)})"
        return (f"{self.keyword} {self.prefix}: {bracketed(self.written)}{based} is not the "
                f"namespace of {self.prefix}: (<{self.meant}>, as the data files declare it): "
                f"each {self.prefix}: name of this file is another term, which the graph does "
                f"not have ({clipped(f'{self.prefix}:{local}')} reads "
                f"{bracketed(self.misread)}); write {self.keyword} {self.prefix}: "
                f"<{self.meant}>{end}")


def slips(text: str, quads, declared: list[tuple] | None = None) -> list[Slip]:
    """Return the slips of ``text``: each declaration binding a project prefix to another
    namespace that an IRI of ``quads`` (the text's parse: its terms, and its literals'
    datatypes) is written in; ``declared``, the text's declarations if read already."""
    if "prefix" not in text.lower():
        return []
    iris = {t.value for q in quads for t in (q.subject, q.predicate, q.object)
            if isinstance(t, ox.NamedNode)}
    # A datatype's too: "2016"^^xsd:gYear under xsd: <...XMLSchema> (its # left out).
    iris |= {q.object.datatype.value for q in quads if isinstance(q.object, ox.Literal)}
    found = []
    for at, keyword, prefix, written, read in (declarations(text) if declared is None
                                                else declared):
        meant = PREFIX_IRIS.get(prefix or "")
        if meant is None or read == meant:
            continue
        misread = sorted(i for i in iris if i.startswith(read) and not i.startswith(meant))
        if misread:
            found.append(Slip(line_number(text, at), keyword, prefix, written, read, meant,
                              misread[0]))
    return found


def written(quads, wrong: list[Slip]) -> set[tuple[str, str]]:
    """Return (node, IRI) for each triple of ``quads`` stating of a node a property, a value or
    a datatype in a namespace the slips ``wrong`` misread: the node as term text (an IRI bare,
    a blank node ``_:id``), as a finding names its focus."""
    found = set()
    for q in quads:
        node = q.subject.value if isinstance(q.subject, ox.NamedNode) else f"_:{q.subject.value}"
        o = q.object
        for term in (q.predicate, o.datatype if isinstance(o, ox.Literal) else o):
            if isinstance(term, ox.NamedNode) and any(
                    term.value.startswith(s.read) and not term.value.startswith(s.meant)
                    for s in wrong):
                found.add((node, term.value))
    return found


def misread(focus, path, value, wrong: list[Slip], missing: str | None = None,
            stated: set[tuple[str, str]] = frozenset()) -> bool:
    """Return whether a finding is one the slips ``wrong`` caused: its focus, property or
    value (as term text: an IRI, a literal in N-Triples) is an IRI written in a wrong
    namespace; or its property, or the property it says its node does not have
    (``missing``: a claim "cites no evidence (prov:wasDerivedFrom)"), is one of a namespace
    meant that its node wrote misread (``stated``, from ``written``).  A finding on a node
    that did not write it is its own (a claim citing nothing at all, in the file of a prov:
    slip), and so is one naming a term under the prefix in its advice (two claims of one
    fact, "cite all its evidence on it (prov:wasDerivedFrom takes several)"): both were left
    out with the misread citations, the file told of its @prefix line alone."""
    terms = [t.strip("<>") for t in (focus, path, value) if t is not None]
    if value is not None and value.startswith('"') and value.endswith(">") and "^^<" in value:
        terms.append(value.rsplit("^^<", 1)[1][:-1])  # a literal's datatype
    if any(t.startswith(s.read) and not t.startswith(s.meant) for t in terms for s in wrong):
        return True
    node = None if focus is None else focus.strip("<>")
    return any((node, s.read + meant[len(s.meant):]) in stated
               for meant in (path, missing) if meant is not None
               for s in wrong if meant.startswith(s.meant))
