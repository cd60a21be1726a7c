"""Answer one query: evaluate it over the graphs it asked for, bound its size, write its bytes.

The query engine process (``engine/worker.py``) and the in-process engine of the tests and of
``serve --get`` both call ``answer``, so they give the same bytes and the same errors.  What a
query sees travels as a ``Dataset`` of plain strings, since it crosses a process boundary.
"""

from __future__ import annotations

import traceback
from xml.parsers import expat

import pyoxigraph as ox

from ..sparql import syntax_error
from ..store.errors import StoreError
from . import blank_labels, csv_results, dialect, limits, used_prefixes
from . import results as queries
from .dataset import Dataset
from .refused import Refused
from .results import GRAPH_FORMATS, RESULT_FORMATS, Format
from .xml_check import XmlCheck


def run(kg, text: str, dataset: Dataset, prefixes: dict | None):
    """Return Oxigraph's result for ``text`` over ``dataset``; raise Refused (with the HTTP
    status that says why) when it cannot be had."""
    try:
        # A remote store is sent only what Oxigraph runs, refused as Oxigraph says (read
        # calling no SERVICE: the store makes the calls).
        if not isinstance(kg.main, ox.Store):
            dialect.read_as_oxigraph(text, prefixes)
        return kg.query(text, prefixes=prefixes or None, **dataset.arguments())
    except SyntaxError as exc:  # the parser's
        said = syntax_error(text, str(exc), prefixes or (), dialect.reads(prefixes or None))[0]
        raise Refused(400, f"query failed: {said}") from exc
    except queries.QueryError as exc:  # a remote store's
        raise Refused(400, f"query failed: {exc}") from exc
    except (OSError, RuntimeError) as exc:  # Oxigraph's evaluation errors
        raise Refused(400, f"query failed: query evaluation failed: {exc}") from exc
    except StoreError as exc:  # a remote store that is down or failing: not the client's fault
        raise Refused(502, f"the store behind this service failed: {exc}") from exc


def answer(kg, text: str, dataset: Dataset, formats: list[Format], max_bytes: int,
           prefixes: dict | None) -> tuple[bytes, Format]:
    """Evaluate, bound and serialize a query; return its bytes and the format written.

    ``formats`` are the client's, best first (``negotiation.pick_formats``), negotiated from
    the query's form as the checks read it; a result of the other kind is written in that
    kind's default format rather than refused.  An answer a format cannot carry (RDF/XML,
    JSON-LD, SPARQL XML: ``Format.carries_all``) is evaluated again and written in the next
    one; when none is left it is refused (406), unless the query itself failed, as a format
    that carries every answer shows (400).  An answer over ``max_bytes`` is refused (422),
    never cut short.  A refusal holds no result (``cleared``).
    """
    try:
        return _answer(kg, text, dataset, formats, max_bytes, prefixes)
    except Refused as exc:
        cleared(exc)
        raise


def cleared(exc: BaseException | None) -> None:
    """Clear the frames a refusal, and the exceptions it was raised from, passed through.

    They held the query's result, which pyoxigraph forbids dropping on another thread; a
    refusal kept in a reference cycle (a test's ``pytest.raises``, a notebook's last
    traceback) held it until the garbage collector ran, on whatever thread ran it then
    ("PyQueryTriples is unsendable, but is being dropped on another thread": a later test
    failed, an engine connection's thread complained and leaked it)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__


def _answer(kg, text: str, dataset: Dataset, formats: list[Format], max_bytes: int,
            prefixes: dict | None) -> tuple[bytes, Format]:
    """``answer``'s work, its refusals raised with the result in their frames."""
    # Asked only of a SELECT written as CSV: whether Oxigraph's writer writes it right.
    plain = lambda: csv_results.oxigraph_writes(
        kg, text, [*(prefixes or {}).values(), *(dataset.default or ()), *(dataset.named or ())])
    # Why the first format could not carry it, as text: the exception itself, kept here, held
    # this frame and, through its traceback, the result, in a reference cycle that only the
    # garbage collector broke, on whatever thread it ran.
    first: str | None = None
    # A label BNODE("a:b") made was written _:a:b in Turtle (read as _:a and :b): relabelled,
    # Python then seeing each triple (0.42 -> 0.63 s of CPU for 200,000), where it may be.
    labels = blank_labels.made_by(text)
    for fmt in formats:
        try:
            return _written(run(kg, text, dataset, prefixes), fmt, max_bytes, plain, labels)
        except Uncarried as exc:
            first = first or str(exc)
    assert first is not None  # the last format tried carries every answer, or raised
    # Every format tried may fail on this answer: written in one that carries all, the query's
    # own failure (an evaluation error streamed with the rows) says itself.
    result = run(kg, text, dataset, prefixes)
    _written(result, GRAPH_FORMATS["nt"] if queries.kind_of(result) == "graph"
             else RESULT_FORMATS["json"], max_bytes, plain)
    raise Refused(406, first)


class Uncarried(Exception):
    """The answer cannot be written in a format that does not carry every answer."""

    def __init__(self, fmt: Format, reason: str):
        other = "Turtle or N-Triples" if fmt.for_graphs else "JSON"
        super().__init__(f"the answer cannot be written as {fmt.media_type} ({reason}); ask "
                         f"for another format, such as {other}")


def _written(result, fmt: Format, max_bytes: int, plain,
             labels: bool = False) -> tuple[bytes, Format]:
    """Return ``result`` written in ``fmt`` (or its kind's default) and the format written;
    raise Uncarried when that format cannot carry it, Refused for any other failure.  A
    SELECT's CSV is written by ``csv_results.write``, by Oxigraph's writer where ``plain()``
    says it writes the query's terms right; a graph's blank nodes relabelled (``labels``:
    ``blank_labels.made_by``)."""
    kind = queries.kind_of(result)
    if kind != "graph" and fmt.for_graphs:
        fmt = RESULT_FORMATS["json"]
    elif kind == "graph" and not fmt.for_graphs:
        fmt = GRAPH_FORMATS["turtle"]
    try:
        if fmt.name == "csv" and kind == "select":
            out = limits.Bounded(max_bytes)
            csv_results.write(result, out, oxigraph=plain())
            data = out.value()
        else:
            data = used_prefixes.written(blank_labels.carried(result) if labels and kind ==
                                         "graph" else result, fmt.oxigraph, max_bytes)
        if fmt.oxigraph in _XML:
            data, problem = readable_xml(data, fmt.oxigraph == ox.RdfFormat.RDF_XML)
            if problem:
                raise Uncarried(fmt, f"{problem}: it holds a character or an IRI XML cannot "
                                     "carry")
            # A carriage return written &#13; counts as sent: 200 of them took an answer
            # bounded at 605 bytes to 1,401.
            limits.within(len(data), max_bytes)
    except limits.TooManyResults as exc:
        raise Refused(422, str(exc)) from exc
    except (OSError, RuntimeError) as exc:  # evaluation errors surface while rows are written
        if not fmt.carries_all:  # ... or this format's writer refused the answer
            raise Uncarried(fmt, str(exc)) from exc
        raise Refused(400, f"query failed: query evaluation failed: {exc}") from exc
    except StoreError as exc:
        raise Refused(502, f"the store behind this service failed: {exc}") from exc
    return data, fmt


_XML = (ox.QueryResultsFormat.XML, ox.RdfFormat.RDF_XML)


def xml_kept(data: bytes) -> bytes:
    """Return (a piece of) XML with each raw carriage return written ``&#13;``: raw, every
    parser reads it back as a line feed (XML normalizes line ends); as a character reference
    it survives, in text and attribute values alike."""
    return data.replace(b"\r", b"&#13;")


def xml_reader():
    """Return an XML parser reading as RDF/XML and SPARQL XML readers do: with namespaces
    ("p:" is a name to plain XML 1.0 but no qualified name).  ``Parse`` raises ExpatError."""
    return expat.ParserCreate(namespace_separator=" ")


def readable_xml(data: bytes, names: bool = True) -> tuple[bytes, str | None]:
    """Return XML as Oxigraph wrote it, made to read back the same (``xml_kept``), and why
    no parser reads it (None if one does): Oxigraph writes a literal's control characters as
    they are (XML 1.0 has no way to carry them) and a property IRI ending in "/" or "#" as an
    element with no local name.  ``names``: the XML is RDF/XML, whose element names come
    from the data (SPARQL results XML's are its own), and one of RDF/XML's old terms is
    XML no RDF/XML parser reads.  A scan finds what can be wrong (``xml_check``), and only
    then does expat read the whole, to say why in its words."""
    data = xml_kept(data)
    try:
        XmlCheck(names).feed(data, True)
    except expat.ExpatError as refused:
        try:
            xml_reader().Parse(data, True)
        except expat.ExpatError as exc:
            return data, str(exc)
        if refused.code is None:  # not expat's: an RDF/XML old term (``xml_check``)
            return data, str(refused)
    return data, None


def well_formed_xml(data: bytes, fmt: Format) -> bytes:
    """Return ``readable_xml``'s bytes, or refuse (406) XML no parser reads: a client must
    never get that as a 200."""
    data, problem = readable_xml(data, fmt.oxigraph == ox.RdfFormat.RDF_XML)
    if problem:
        raise Refused(406, str(Uncarried(fmt, f"{problem}: it holds a character or an IRI XML "
                                              "cannot carry")))
    return data
