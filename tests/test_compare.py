"""Comparing an answer with its reviewed answer (query/compare.py)."""

from alliance_graph.query import compare


def _doc(*rows, names=("x",)):
    return {"head": {"vars": list(names)}, "results": {"bindings": list(rows)}}


ONE = {"x": {"type": "literal", "value": "1", "datatype": compare.XSD + "integer"}}
ONE_DECIMAL = {"x": {"type": "literal", "value": "1.0", "datatype": compare.XSD + "decimal"}}
TWO = {"x": {"type": "uri", "value": "https://alliance-graph.example/id/Two"}}


def test_differences_unordered_ignores_row_order_but_counts_duplicates():
    assert compare.differences(_doc(ONE, TWO), _doc(TWO, ONE), ordered=False) == []
    assert compare.differences(_doc(ONE, ONE), _doc(ONE), ordered=False)


def test_differences_ordered_compares_order():
    assert compare.differences(_doc(ONE, TWO), _doc(ONE, TWO), ordered=True) == []
    assert compare.differences(_doc(ONE, TWO), _doc(TWO, ONE), ordered=True)


def test_differences_compares_numbers_by_value():
    assert compare.differences(_doc(ONE_DECIMAL), _doc(ONE), ordered=False) == []
    assert compare.differences(_doc(TWO), _doc(ONE), ordered=False)
