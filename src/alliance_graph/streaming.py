"""The streaming build for large inputs: every step runs inside one Oxigraph store.

The default route (build.build_quads) holds every quad as a Python object, several times
over: about 13 GB for a million cited facts.  This route never does.  Oxigraph's bulk loader
parses each file straight into the store (the target directory store, or an in-memory one that
is then dumped to the N-Quads cache), and the later steps are SPARQL over that store:

1. load: one named graph per file; syntax errors keep their file:line:column, and ill-typed
   literals are found by a SELECT over the checked datatypes, so only candidate literals ever
   reach Python (and a file's text only when one is wrong, to find its line);
2. truthy triples: one INSERT with truthy.py's rule (preferred claims, else normal ones);
3. data checks: checks.run_checks over the same store, reading the texts for line numbers
   only if a check finds something;
4. closure: rules.infer_in_store over the reasoned graphs, into the inferred graph.

It gives the same quads as the default route (tests/test_streaming.py), with one difference on
malformed claims that the checks and shapes reject anyway: truthy.py reads one value per claim
field and one graph per claim, this INSERT reads all of them.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from . import checks, loading, rules
from .lines import LineIndex
from .namespaces import AG, RDF

# The plain triples the claims assert, as truthy.truthy_quads derives them: for each subject
# and predicate the preferred claims if there are any, else the normal ones; a claim needs a
# subject, predicate, object and rank (read from any graph) and its triple goes into the graph
# that types it as a claim.  The (subject, predicate) pairs with a preferred claim are a
# subquery joined once (a hash join): FILTER NOT EXISTS per normal claim took 231 s at 10 k
# facts, since Oxigraph evaluates it by scanning per row.
_CLAIM = f"""GRAPH ?g{{n}} {{{{ ?c{{n}} a <{AG.Claim}> }}}}
  GRAPH ?gs{{n}} {{{{ ?c{{n}} <{RDF.subject}> ?s }}}} GRAPH ?gp{{n}} {{{{ ?c{{n}} <{RDF.predicate}> ?p }}}}
  GRAPH ?go{{n}} {{{{ ?c{{n}} <{RDF.object}> ?o{{n}} }}}} GRAPH ?gr{{n}} {{{{ ?c{{n}} <{AG.rank}> ?rank{{n}} }}}}"""
TRUTHY_INSERT = f"""
INSERT {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{
  {_CLAIM.format(n="")}
  FILTER((isIRI(?s) || isBlank(?s)) && isIRI(?p))
  OPTIONAL {{ SELECT DISTINCT ?s ?p (true AS ?preferred) WHERE {{
    {_CLAIM.format(n="2")} FILTER(?rank2 = <{AG.PreferredRank}>) }} }}
  FILTER(?rank = <{AG.PreferredRank}> || (?rank = <{AG.NormalRank}> && !BOUND(?preferred)))
}}"""


def _candidate_literals(store: ox.Store, graph: ox.NamedNode):
    # Only literals of the datatypes loading.is_ill_typed checks, each once: a stream of
    # values, not of quads.
    datatypes = ", ".join(f"<{d}>" for d in sorted(loading.CHECKED_DATATYPES))
    query = (f"SELECT DISTINCT ?o WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} "
             f"FILTER(isLiteral(?o) && DATATYPE(?o) IN ({datatypes})) }}")
    return (row["o"] for row in store.query(query))


def load_file(store: ox.Store, path: Path, name: str) -> list[loading.Problem]:
    """Bulk-load one Turtle file into its named graph; return its syntax or literal problems."""
    graph = loading.graph_iri(name)
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
    except SyntaxError as exc:
        return [loading.syntax_problem(exc, name)]
    except OSError as exc:
        return [loading.Problem(name, None, f"cannot read file: {exc.strerror or exc}")]
    bad = [lit for lit in _candidate_literals(store, graph) if loading.is_ill_typed(lit)]
    if not bad:
        return []
    text = loading.read_text(path, name)
    return [loading.ill_typed_problem(lit, text, name) for lit in bad]


def load_files(store: ox.Store, paths: list[tuple[Path, str]]) -> None:
    """Load every (path, name) pair into ``store``; collect all problems before failing."""
    problems = [p for path, name in paths for p in load_file(store, path, name)]
    if problems:
        raise loading.LoadError(problems)


def add_truthy(store: ox.Store) -> None:
    """Insert the plain triples the claims assert, each into its claim's graph."""
    store.update(TRUTHY_INSERT)


class LazyLines:
    """A LineIndex over the input files that reads their texts only when first asked."""

    def __init__(self, paths: list[tuple[Path, str]]):
        self._paths = paths
        self._index: LineIndex | None = None

    def line_of(self, name: str, iri: str) -> int | None:
        if self._index is None:
            self._index = LineIndex({n: loading.read_text(p, n) for p, n in self._paths})
        return self._index.line_of(name, iri)


def build_into(store: ox.Store, paths: list[tuple[Path, str]], reasoned: list[str]) -> None:
    """Run the whole pipeline inside ``store``: load ``paths``, add the truthy triples, run
    the data checks, and infer the closure of the ``reasoned`` graph IRIs.

    Raises ``loading.LoadError`` listing each problem with its file and line.
    """
    load_files(store, paths)
    add_truthy(store)
    problems = checks.run_checks(store, LazyLines(paths), kinds=("data",))
    if problems:
        raise loading.LoadError(problems)
    rules.infer_in_store(store, reasoned)
