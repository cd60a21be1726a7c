"""The response cache: LRU within a byte budget that counts what its entries really cost."""

import tracemalloc

from alliance_graph.query.dataset import Dataset
from alliance_graph.web.response_cache import OVERHEAD, ResponseCache

ENTRY = 100 - OVERHEAD  # data bytes of an entry costing 100 bytes in all


def test_it_keeps_within_its_budget_lru_first_out():
    cache = ResponseCache(800)  # entries up to 100 bytes
    for i in range(10):
        cache.put((f"q{i}",), i, ENTRY)
    assert cache.size <= 800 and cache.get(("q0",)) is None and cache.get(("q9",)) == 9
    cache.get(("q3",))  # recently used: survives the next eviction
    cache.put(("new",), "n", ENTRY)
    assert cache.get(("q3",)) == 3 and cache.get(("q2",)) is None and len(cache) == 8
    cache.put(("huge",), "h", 500)  # over an eighth of the budget: not kept
    assert cache.get(("huge",)) is None
    assert ResponseCache(0).get(("q",)) is None


def test_the_memory_it_holds_stays_near_its_budget_with_many_small_answers():
    # The endpoint's own entries: (query text, dataset, format) -> (body, media type).
    budget = 2 * 2**20
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    cache = ResponseCache(budget)
    for i in range(50_000):
        text = f"SELECT ?l {{ <https://alliance-graph.example/id/E{i}> rdfs:label ?l }}"
        body = b'{"head":{"vars":["l"]},"results":{"bindings":[]}}'
        cache.put((text, Dataset(False, False), ("json",)),
                  (body, "application/sparql-results+json"), len(body) + len(text))
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert cache.size <= budget
    assert held < 1.5 * budget, f"{held} bytes held for a {budget}-byte budget"
