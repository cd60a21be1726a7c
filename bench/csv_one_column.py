"""What a one-column CSV answer costs by each of ``csv_results.write``'s routes.

    .venv/bin/python bench/csv_one_column.py [--rows 1000000] [--runs 3]

A synthetic in-memory store of ``--rows`` subjects, each with an IRI, a literal and, for two
subjects in three, a value: a literal quoted in CSV (it holds a comma, a double quote, or an
empty line) for one in ten of those.  Each answer of one column is written into a
``limits.Bounded`` buffer, as the endpoint writes it, by Oxigraph's writer alone (the bytes
are not all right: an empty row is an empty line), by Python's writer (``write`` with
``oxigraph=False``, the route a one-column answer always took), and by Oxigraph's writer
through ``EmptyRowsQuoted`` (``oxigraph=True``); the best of ``--runs`` wall times is shown
with the bytes written, and whether the last two routes wrote the same bytes.
"""

from __future__ import annotations

import argparse
import time

import pyoxigraph as ox

from alliance_graph.query import csv_results, limits

E = "http://e/"
QUERIES = {
    "IRIs, none empty": f"SELECT ?s {{ ?s <{E}label> ?l }}",
    "plain literals, none empty": f"SELECT ?l {{ ?s <{E}label> ?l }}",
    "a third unbound": f"SELECT ?v {{ ?s <{E}label> ?l OPTIONAL {{ ?s <{E}value> ?v }} }}",
}


def synthetic(rows: int) -> ox.Store:
    """Return the store: ``rows`` subjects with a label and, two in three, a value."""
    store = ox.Store()
    label, value = ox.NamedNode(E + "label"), ox.NamedNode(E + "value")

    def quads():
        for i in range(rows):
            subject = ox.NamedNode(f"{E}s{i}")
            yield ox.Quad(subject, label, ox.Literal(f"label {i}"))
            if i % 3:
                text = (f"v{i}" if i % 10 else f'a, "b" {i}' if i % 20 else f"line\r\n\r\n{i}")
                yield ox.Quad(subject, value, ox.Literal(text))
    store.bulk_extend(quads())
    return store


def timed(store: ox.Store, text: str, route: str, runs: int) -> tuple[float, bytes]:
    """Return the best wall time of ``runs`` writes of ``text``'s answer by ``route``, and the
    bytes written."""
    best, data = float("inf"), b""
    for _ in range(runs):
        out = limits.Bounded(1 << 40)
        start = time.perf_counter()
        result = store.query(text)
        if route == "oxigraph alone":
            result.serialize(out, format=ox.QueryResultsFormat.CSV)
        else:
            csv_results.write(result, out, oxigraph=route == "EmptyRowsQuoted")
        best = min(best, time.perf_counter() - start)
        data = out.value()
    return best, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    store = synthetic(args.rows)
    print(f"{args.rows:,} rows, best of {args.runs}")
    for name, text in QUERIES.items():
        written = {}
        for route in ["oxigraph alone", "python", "EmptyRowsQuoted"]:
            seconds, written[route] = timed(store, text, route, args.runs)
            print(f"  {name:28} {route:16} {seconds:6.3f} s  {len(written[route]):>11,} bytes")
        same = written["python"] == written["EmptyRowsQuoted"]
        print(f"  {name:28} python and EmptyRowsQuoted wrote the same bytes: {same}")


if __name__ == "__main__":
    main()
