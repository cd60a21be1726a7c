"""Time a build refusing N distinct ill-typed dates, with the shapes' hints and without.

One data file of N claims, each ``ag:asOf "<year>-<n>"^^xsd:date`` (none a date, some a
valid xsd:gYearMonth: told to write that), and, for the hints, one shapes file saying
ag:asOf takes an xsd:date, xsd:gYearMonth or xsd:gYear (build/datatype_hints.py).  Prints
the seconds of each build (the default route) to its refusal.

    python bench/ill_typed_hints.py 10000
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from alliance_graph.build import loading
from alliance_graph.build import pipeline as build
from alliance_graph.settings import Settings

PREFIXES = ("@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
            "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
            "@prefix ag: <https://alliance-graph.example/ontology/> .\n")
SHAPES = PREFIXES + ("<urn:shape> a sh:NodeShape ; sh:targetClass ag:Claim ; sh:property [\n"
                     "  sh:path ag:asOf ; sh:or ( [ sh:datatype xsd:date ]\n"
                     "  [ sh:datatype xsd:gYearMonth ] [ sh:datatype xsd:gYear ] ) ] .\n")


def timed(root: Path, count: int, hinted: bool) -> float:
    """Return the seconds a build of ``count`` ill-typed dates takes to be refused."""
    (root / "ontology").mkdir(parents=True)
    (root / "data").mkdir()
    if hinted:
        (root / "ontology" / "shapes.ttl").write_text(SHAPES)
    (root / "data" / "dates.ttl").write_text(PREFIXES + "".join(
        f'<urn:c{i}> a ag:Claim ; ag:asOf "{2000 + i % 7}-{i}"^^xsd:date .\n'
        for i in range(count)))
    settings = Settings(root=root, ontology_dir=root / "ontology", data_dir=root / "data",
                        cache_dir=root / "cache")
    loading._engine_reads.cache_clear()  # each build casts its values anew, as a process does
    start = time.perf_counter()
    try:
        build.build_quads(settings)
    except loading.LoadError as refused:
        assert len(refused.problems) == count
        return time.perf_counter() - start
    raise AssertionError("the build took what it should have refused")


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for hinted in (False, True):
            seconds = timed(Path(folder) / str(hinted), count, hinted)
            print(f"{count:,} ill-typed dates, {'with' if hinted else 'without'} hints: "
                  f"{seconds:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
