"""What the built graph says of an evidence block about to be added: its passage cited
already, its node's name taken by another quote, its source declared by no source document;
and a quote starting or ending with white space (a paste's edge, cited with it).

``alliance-graph cite`` prints these as notes after the block, and ``ag.cite`` warns with
them (``CitationNote``): a notebook's user is told what the command's is.
"""

from __future__ import annotations

from ..clipping import clipped
from ..namespaces import PREFIX_IRIS
from ..rdf import turtle_string
from ..settings import Settings
from ..sources.citations import not_recorded
from ..store.errors import StoreError
from ..wording import Said, quoted
from . import context


def notes(settings: Settings, source: str, quote: str, name: str) -> list[str]:
    """Return what to tell the user of the evidence block ``ev:name`` citing ``quote`` in
    ``source``, against the built graph; nothing when no graph is built yet (``validate``
    builds it, and says the same as findings).  A note naming a parameter is a ``Said``, for
    the command line to word as its options."""
    cited_as, taken, declared = _citing(settings, source, quote, name)
    said = []
    if quote != quote.strip():
        # Verbatim, so cited as given; most often a paste's edge, which the quote then keeps.
        ends = "starts and ends" if quote[:1].isspace() and quote[-1:].isspace() else \
            "starts" if quote[:1].isspace() else "ends"
        said.append(f"the quote {ends} with white space, which the evidence quotes too: "
                    "leave it out unless the passage needs it")
    if declared and source not in declared:
        said.append(f"the graph declares no source document {quoted(source)}, only "
                    f"{', '.join(sorted(declared))}: evidence citing it is refused by validate "
                    f"unless the proposal declares it too (src:{source} a ag:SourceDocument, "
                    "with its ag:fileName, title, kind, SHA-256 and grade, as data/sources.ttl "
                    "does)")
    if declared.get(source) and (why := _not_recorded(settings, source, declared[source])):
        said.append(why)
    if taken is not None:
        said.append(Said(lambda n: (
            f"data/ has an evidence node ev:{name} already, quoting {taken}: this block would "
            f"add a second quote to it, which validate refuses; give {n('name')} another "
            "name")))
    for cited in cited_as:
        held = cited.rsplit("/", 1)[-1]
        if held == name:  # the very node data/ holds: the block restates it
            said.append(f"data/ holds this evidence node already (ev:{name}): a claim may "
                        "cite it as it is")
        else:
            said.append(f"this passage is already cited as ev:{held}: cite that one "
                        "(prov:wasDerivedFrom takes several) rather than a second evidence "
                        "node")
    return said


def _not_recorded(settings: Settings, source: str, recorded: str) -> str:
    """Say that ``source``'s file is not the text the graph records (its SHA-256 is not
    ``recorded``, ``citations.not_recorded``): the offsets computed from it do not hold in
    that text, and cite printed them without a word."""
    said = not_recorded(settings.sources_dir / source, recorded)
    return f"{said}; the offsets above are this file's, which validate refuses" if said else ""


def _citing(settings: Settings, source: str, quote: str,
            name: str) -> tuple[list[str], str | None, dict[str, str | None]]:
    """Return the IRIs of the built graph's evidence nodes quoting ``quote`` in ``source``,
    what its node ``ev:name`` quotes when that is another passage (else None): a name taken
    already, and the file names of the source documents it declares: a file of the sources
    folder that is none (the folder's README.md) is cited only with its declaration.

    Read from the build validation reads (``context.prebuilt``: the cached build, or the
    directory store of a large graph), not by loading the graph: citing must stay quick on a
    graph of a million facts.
    """
    try:
        built = context.prebuilt(settings)
    except (StoreError, OSError):
        return [], None, {}
    if built is None:
        return [], None, {}
    # Named as validate reads a source's name: its ag:fileName, else its IRI's last segment.
    # (Each with the SHA-256 the graph records of its text, or None.)
    declared = {r["file"].value if r["file"] is not None else
                r["source"].value.rsplit("/", 1)[-1]: r["sha"] and r["sha"].value
                for r in built.query(
        "SELECT ?source ?file ?sha WHERE { ?source a ag:SourceDocument "
        "OPTIONAL { ?source ag:fileName ?file } OPTIONAL { ?source ag:sha256 ?sha } }",
        prefixes=PREFIX_IRIS, use_default_graph_as_union=True)}
    rows = built.query(f"""SELECT DISTINCT ?evidence WHERE {{
        ?evidence a ag:Evidence ; oa:hasSource/ag:fileName {turtle_string(source)} ;
                  oa:hasSelector/oa:exact {turtle_string(quote)} }} ORDER BY ?evidence""",
                       prefixes=PREFIX_IRIS, use_default_graph_as_union=True)
    held = [r["evidence"].value for r in rows]
    node = PREFIX_IRIS["ev"] + name
    if node in held:
        return held, None, declared
    quoted_there = built.query(f"""SELECT ?file ?exact WHERE {{
        <{node}> a ag:Evidence ; oa:hasSelector/oa:exact ?exact .
        OPTIONAL {{ <{node}> oa:hasSource/ag:fileName ?file }} }} ORDER BY ?file ?exact LIMIT 1""",
                               prefixes=PREFIX_IRIS, use_default_graph_as_union=True)
    # The quote's first 60 characters, not 200: it is one part of a note that goes on to say
    # what to do, and 60 tell a quote from the others of its source.
    taken = next((clipped(r["exact"].value, 60, repr) + (f" in {r['file'].value}" if r["file"]
                                                      else "") for r in quoted_there), None)
    return held, taken, declared
