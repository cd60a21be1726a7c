"""Where the build places a finding (build/places.py), at the scale of a large file."""

from __future__ import annotations

import time

from alliance_graph.namespaces import turtle_prologue
from test_checks import found_in


def test_thousands_of_statements_of_one_node_are_each_placed_on_their_line_at_once():
    # Each finding went over every block of its node, then over their lines for its value:
    # 10,000 notes of one node written a line each took 37 s to place, 6,000 labels of one
    # node 16 s of `validate`.
    text = turtle_prologue() + "".join(f'id:IronDome ag:note "note {i}" .\n'
                                       for i in range(10_000))
    start = time.perf_counter()
    found = found_in(text, "uncited-triple-violation")
    assert time.perf_counter() - start < 8
    first = text.splitlines().index('id:IronDome ag:note "note 0" .') + 1
    assert sorted(p.line for p in found) == list(range(first, first + 10_000))


def test_a_value_is_placed_on_the_line_writing_it_not_on_one_holding_its_text():
    # "note 1" is in the text of "note 10", on the line before it: the value's own line.
    text = turtle_prologue() + ('id:IronDome ag:note "note 10" .\n'
                                'id:IronDome ag:note "note 1" .\n'
                                'id:IronDome ag:note "say \\"x\\"" .\n')
    lines = text.splitlines()
    found = {p.line for p in found_in(text, "uncited-triple-violation")}
    assert found == {lines.index(line) + 1 for line in lines if line.startswith("id:IronDome")}
