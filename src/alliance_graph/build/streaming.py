"""The streaming build for large inputs: every step runs inside one Oxigraph store.

The default route (build.build_quads) holds every quad as a Python object, several times
over: about 13 GB for a million cited facts.  This route never does.  Oxigraph's bulk loader
parses each file straight into the store (the target directory store, or an in-memory one that
is then dumped to the N-Quads cache), and the later steps are SPARQL over that store:

1. load: one named graph per file, all files in one bulk load; each file's bytes are checked
   to be UTF-8 text before the parser reads them (``_is_text``), syntax errors keep their
   file:line:column, and literals of the checked datatypes are tested as they stream past
   (a file's text is read only when one is wrong, to find its line);
2. truthy triples: one SELECT with truthy.py's rule (preferred claims, else normal ones),
   bulk-loaded into the claims' graphs;
3. data checks: checks.run_checks over the same store, reading the texts for line numbers
   only if a check finds something;
4. closure: rules.infer_in_store over the reasoned graphs, into the inferred graph.

It gives the same quads as the default route (tests/test_streaming.py), with one difference on
malformed claims that the checks and shapes reject anyway: truthy.py reads one value per claim
field and one graph per claim, this SELECT reads all of them.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pyoxigraph as ox

from .. import rdf
from ..namespaces import AG, PREFIX_IRIS, RDF
from . import checks, datatype_hints, loading, rules
from .lines import LineIndex
from .problem_list import renamed

# The plain triples the claims assert, as truthy.truthy_quads derives them: for each subject
# and predicate the preferred claims if there are any, else the normal ones; a claim needs a
# subject, predicate, object and rank (read from any graph) and its triple goes into the graph
# that types it as a claim.  The (subject, predicate) pairs with a preferred claim are a
# subquery joined once (a hash join): FILTER NOT EXISTS per normal claim took 231 s at 10 k
# facts, since Oxigraph evaluates it by scanning per row.
_CLAIM = f"""GRAPH ?g{{n}} {{{{ ?c{{n}} a <{AG.Claim}> }}}}
  GRAPH ?gs{{n}} {{{{ ?c{{n}} <{RDF.subject}> ?s }}}} GRAPH ?gp{{n}} {{{{ ?c{{n}} <{RDF.predicate}> ?p }}}}
  GRAPH ?go{{n}} {{{{ ?c{{n}} <{RDF.object}> ?o{{n}} }}}} GRAPH ?gr{{n}} {{{{ ?c{{n}} <{AG.rank}> ?rank{{n}} }}}}"""
TRUTHY_SELECT = f"""
SELECT ?s ?p ?o ?g WHERE {{
  {_CLAIM.format(n="")}
  FILTER((isIRI(?s) || isBlank(?s)) && isIRI(?p))
  OPTIONAL {{ SELECT DISTINCT ?s ?p (true AS ?preferred) WHERE {{
    {_CLAIM.format(n="2")} FILTER(?rank2 = <{AG.PreferredRank}>) }} }}
  FILTER(?rank = <{AG.PreferredRank}> || (?rank = <{AG.NormalRank}> && !BOUND(?preferred)))
}}"""


# The datatypes of the numbers Turtle writes bare (42, 7.5, 1.5E3).
_NUMBERS = {PREFIX_IRIS["xsd"] + t for t in ("integer", "decimal", "double")}
_CLAIMS = datatype_hints.PREDICATE  # a claim's rdf:predicate, noted of a [ ] claim in passing

# How much of a file ``_is_text`` reads at a time.
_CHUNK = 1 << 20


def _is_text(turtle) -> bool:
    """Return True when an open file's bytes, from where it stands, are UTF-8 text with no NUL
    byte: what loading.read_text requires of a smaller input.

    Oxigraph's parser took a NUL or a byte that is not UTF-8 in a comment without a word, and
    in a term said it in its own words ("Invalid IRI code point", "Invalid UTF-8"), where the
    default route says "is a binary file, not Turtle (a NUL byte here)" with its line.  One
    pass in chunks (a search for NUL, and a decode only of chunks that are not ASCII) costs
    little beside the parse, and the file is in the OS's cache for it afterwards."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := turtle.read(_CHUNK):
            if b"\x00" in chunk:
                return False
            # An ASCII chunk after a sequence cut at the last one's end must go through too.
            if not chunk.isascii() or decoder.getstate()[0]:
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _parsed(path: Path, name: str, problems: list[loading.Problem],
            shapes: datatype_hints.Shapes | None = None):
    """Yield one file's quads as the parser reads them, noting its problems in ``problems``.

    Literals of the checked datatypes are tested as they stream past, each distinct one once
    (and an ill-typed one noted at each place it is written); the file's text is read only when one is wrong, to find its line (and ``shapes`` to say
    what its property takes, as the default route says it)."""
    graph, scoped = rdf.graph_iri(name), loading.blank_scope(name)
    verdicts, bad, rdf12, bracketed = {}, [], [], {}
    # Two numbers of one subject and property in a row, as "2,582" is read: the text is read
    # to tell that from "2, 582" (``loading.comma_problems``) only then.
    glued, last = False, None
    try:
        with open(path, "rb") as turtle:
            if not _is_text(turtle):
                # The default route's words and line, from its reading of the whole text.
                loading.read_text(path, name)
            turtle.seek(0)
            # A byte order mark is skipped, as loading.read_text does; the parser reads the
            # file itself (faster than through Python) when there is none.
            marked = turtle.read(3) == loading.UTF8_BOM
            triples = ox.parse(turtle if marked else None, format=ox.RdfFormat.TURTLE,
                               path=None if marked else str(path))
            for t in triples:
                o = t.object
                if isinstance(o, ox.Literal):
                    if o.datatype.value in _NUMBERS:
                        glued = glued or last == (t.subject, t.predicate)
                        last = (t.subject, t.predicate)
                    if o.datatype.value in loading.CHECKED_DATATYPES:
                        # Each written again is told again, on its own line, as the default
                        # route tells it: 2,000 claims of "2016"^^xsd:date were one problem.
                        wrong = verdicts.get(o)
                        if wrong is None:
                            wrong = verdicts[o] = loading.is_ill_typed(o)
                        if wrong:
                            bad.append(t)
                    if o.direction is not None and not rdf12:
                        rdf12.append(t)
                elif isinstance(o, ox.Triple) and not rdf12:
                    rdf12.append(t)
                elif t.predicate == _CLAIMS and datatype_hints.is_bracketed_claim(t):
                    bracketed[t.subject] = o  # the property a hint names (``told``)
                if isinstance(t.subject, ox.Triple) and not rdf12:
                    rdf12.append(t)
                yield ox.Quad(scoped(t.subject), t.predicate, scoped(o), graph)
    except SyntaxError as exc:
        # The text is read only now, as the default route reads it: a merge conflict's
        # marker named (the parser's words alone were "Invalid IRI code point ' '").
        try:
            problems.append(loading.syntax_refusal(exc, loading.read_text(path, name), name))
        except loading.LoadError:  # unreadable since: the parser's words, on its line
            problems.append(loading.syntax_problem(exc, name))
    except loading.LoadError as exc:
        problems.extend(exc.problems)
        return
    except OSError as exc:
        problems.append(loading.Problem(name, None, f"cannot read file: {exc.strerror or exc}"))
    if bad or rdf12 or glued:
        # The default route's refusals, on the line they find in the text: the graph is RDF
        # 1.1 (a triple term here went into the build, which a smaller input refused).
        text = loading.read_text(path, name)
        problems.extend(datatype_hints.told(loading.ill_typed_report(
            [t.object for t in bad], text, name), bad, shapes, text, bracketed) if bad else ())
        if rdf12:
            problems.append(loading.rdf12_problem(rdf12, text, name))
        problems.extend(loading.comma_problems(text, name) if glued else ())


def load_files(store: ox.Store, paths: list[tuple[Path, str]]) -> None:
    """Load every (path, name) pair into ``store``; collect all problems before failing.

    One bulk load for all the files, literals checked in passing: at 100 k facts in an on-disk
    store that is 15 s, where a load per file plus a SELECT of the candidate literals took 52 s
    (reading literals back out of RocksDB is the slow part)."""
    problems: list[loading.Problem] = []
    shapes = datatype_hints.Shapes(paths)  # read only for an ill-typed literal's hint
    store.bulk_extend(q for path, name in paths for q in _parsed(path, name, problems, shapes))
    if problems:
        raise loading.LoadError(problems)


def add_truthy(store: ox.Store) -> int:
    """Add the plain triples the claims assert, each into its claim's graph; return how many.

    Through the bulk loader, as rules.py adds the closure: an INSERT on an on-disk store would
    hold the whole change in one transaction in memory."""
    rows = store.query(TRUTHY_SELECT)
    return rules.add_all(store, (ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows))


def build_into(store: ox.Store, paths: list[tuple[Path, str]], reasoned: list[str],
               shown=lambda name: name) -> None:
    """Run the whole pipeline inside ``store``: load ``paths``, add the truthy triples, run
    the data checks, and infer the closure of the ``reasoned`` graph IRIs.

    Raises ``loading.LoadError`` listing each problem with its file and line, each file named
    by ``shown`` (from its graph's name).
    """
    try:
        load_files(store, paths)
    except loading.LoadError as exc:
        raise loading.LoadError(renamed(exc.problems, shown)) from None
    add_truthy(store)
    problems = checks.run_checks(
        store, LineIndex(lambda: {n: loading.read_text(p, n) for p, n in paths}),
        kinds=checks.BUILD, shown=shown)
    if problems:
        raise loading.LoadError(problems)
    rules.infer_in_store(store, reasoned)
