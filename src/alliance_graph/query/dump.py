"""A Graph Store read or the dataset dump, written where the store is, within the answers' size.

The front read every quad of the graphs asked for as Python objects, merged them and wrote
them: at 100 k facts one file's graph (17 MB of Turtle) took the front from 53 to 766 MB in
6–8 s and the whole dataset to 1.1 GB, memory it kept (docs/endpoint.md has the run).  Here the engine writes the bytes from
its store as Oxigraph iterates (the graphs read as one are Oxigraph's own union of them, each
triple once), and the front relays them, as it relays query answers: a large one comes into a
temporary file that the HTTP server sends from (``engine.wire.Spooled``), so the front never
holds it whole; a dump over ``Settings.max_result_bytes`` is refused (422) like any answer,
`alliance-graph export` writing it whole.  In Turtle and TriG a name Oxigraph ends in an
escaped dot (``id:Corp\\.``, which rdflib refuses) is written as its IRI (``used_prefixes.written``).
"""

from __future__ import annotations

import pyoxigraph as ox

from ..wording import Said
from . import limits, used_prefixes
from .answer import Uncarried, cleared, readable_xml
from .refused import Refused
from .results import Format

_UNION = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def dump(kg, graphs: list[str], fmt: Format, as_one: bool, max_bytes: int):
    """Return the quads of the named ``graphs`` written in ``fmt`` (bytes); raise Uncarried
    when the format cannot carry them (RDF/XML), Refused (422) past ``max_bytes``.  Written by
    an engine process, a large dump comes in a temporary file instead (``engine.wire.Spooled``,
    not named here: this layer is below the engine's), for the caller to send from and close.

    ``as_one``: the graphs are read as one graph, their merge, which a quad format writes in
    the default graph; else each quad stays in its graph (a quad format; a triple format
    writes the merge whatever ``as_one`` says).  ``kg`` is a graph in this process, or the
    engine's graph of another, which writes the dump in the engine (``EngineGraph.dump``).
    A refusal holds no query result: the 422's frames held the CONSTRUCT's, which the garbage
    collector dropped on another thread, a refusal kept in a cycle (``answer.cleared``).
    """
    written_elsewhere = getattr(kg, "dump", None)
    if written_elsewhere is not None:
        return written_elsewhere(graphs, fmt.name, as_one, max_bytes)
    try:
        return _written(kg, graphs, fmt, as_one, max_bytes)
    except (Refused, Uncarried) as exc:
        cleared(exc)
        raise


def _written(kg, graphs: list[str], fmt: Format, as_one: bool, max_bytes: int) -> bytes:
    """``dump``'s work in this process, its refusals raised with the result in their frames."""
    names = [ox.NamedNode(g) for g in graphs]
    quads = fmt.oxigraph in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)
    try:
        if as_one or not quads:
            triples = kg.store.query(_UNION, default_graph=names) if names else []
            items = (ox.Quad(*t, ox.DefaultGraph()) for t in triples) if quads else triples
        else:
            items = (q for g in names for q in kg.store.quads_for_pattern(None, None, None, g))
        data = used_prefixes.written(items, fmt.oxigraph, max_bytes)
        if fmt.oxigraph == ox.RdfFormat.RDF_XML:
            data, problem = readable_xml(data)
            if problem:
                raise Uncarried(fmt, f"{problem}: it holds a character or an IRI XML cannot "
                                     "carry")
            limits.within(len(data), max_bytes)  # a carriage return written &#13; counts
    except limits.TooManyResults as exc:
        # Every graph, each in its own (/dataset), is the dataset: "the graph" named none.
        what = "the dataset" if quads and not as_one and len(names) > 1 else "the graph"
        raise Refused(422, Said(lambda n: (
            f"{what} is larger than {max_bytes:,} bytes, the largest answer this server "
            f"gives ({n('settings.max_result_bytes')}): `alliance-graph export` writes it "
            "whole, or a CONSTRUCT query reads a part"))) from exc
    except (OSError, RuntimeError) as exc:  # the writer refused what its format cannot carry
        if fmt.carries_all:
            raise
        raise Uncarried(fmt, str(exc)) from exc
    return data
