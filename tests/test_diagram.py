"""The neighbourhood SVG: well-formed, escaped, labelled, and bounded in size."""

import xml.etree.ElementTree as ET

import pytest

from alliance_graph.web.pages import diagram

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ET.fromstring(svg)


def edge_labels(root) -> list[str]:
    """Return each edge label's lines (one tspan per property) as they are drawn."""
    return [span.text for text in root.iter(SVG + "text") if text.get("class") == "edge-label"
            for span in text.iter(SVG + "tspan")]


# The two layouts of one drawing: two columns, and one for a phone's width.
DRAWINGS = pytest.mark.parametrize("draw", [diagram.neighbourhood, diagram.narrow],
                                   ids=["wide", "narrow"])


def edge_lines(root) -> list:
    """Return the lines drawn for edges (the narrow layout's line down its side is none)."""
    return [line for line in root.iter(SVG + "line") if "spine" not in line.get("class")]


@DRAWINGS
def test_markup_in_labels_is_text_not_elements(draw):
    svg = draw("<script>alert(1)</script>", [
        diagram.Edge("co-funded <b>by</b>", 'A "quoted" & <i>odd</i> name', "/id/x?a=1&b=2", False)])
    root = parse(svg)
    assert not list(root.iter(SVG + "script")) and not list(root.iter(SVG + "b"))
    texts = [t.text for t in root.iter(SVG + "text")]
    assert edge_labels(root) == ["co-funded <b>by</b>"]
    assert "<script>alert(1)</script>" in texts
    assert [a.get("href") for a in root.iter(SVG + "a")] == ["/id/x?a=1&b=2"]


@DRAWINGS
def test_every_edge_has_a_line_a_label_and_a_node(draw):
    edges = [diagram.Edge(f"p{i}", f"n{i}", f"/id/n{i}", i % 2 == 0) for i in range(5)]
    root = parse(draw("centre", edges))
    assert len(edge_lines(root)) == 5
    assert [a.get("href") for a in root.iter(SVG + "a")] == [f"/id/n{i}" for i in range(5)]
    assert edge_labels(root) == [f"p{i}" for i in range(5)]


@DRAWINGS
def test_too_many_neighbours_are_counted_not_drawn(draw):
    edges = [diagram.Edge("p", f"n{i}", None, False) for i in range(diagram.MAX_NEIGHBOURS + 3)]
    root = parse(draw("c", edges))
    assert len(edge_lines(root)) == diagram.MAX_NEIGHBOURS
    assert any(t.text == "and 3 more links" for t in root.iter(SVG + "text"))


@DRAWINGS
def test_no_edges_still_draws_the_entity(draw):
    root = parse(draw("alone", []))
    assert [t.text for t in root.iter(SVG + "text")] == ["alone"]


def test_one_node_per_neighbour_with_its_property_labels_joined():
    from alliance_graph.web.pages.diagram import Edge, merged
    edges = [Edge("co-funded by", "United States", "/id/UnitedStates", False),
             Edge("jointly developed with", "United States", "/id/UnitedStates", False),
             Edge("co-funded by", "United States", "/id/UnitedStates", False),
             Edge("counters", "rockets", "/id/Rockets", False),
             Edge("supported by", "United States", "/id/UnitedStates", True)]
    assert merged(edges) == [
        Edge("co-funded by\njointly developed with", "United States", "/id/UnitedStates", False),
        Edge("counters", "rockets", "/id/Rockets", False),
        Edge("supported by", "United States", "/id/UnitedStates", True)]


def test_a_merged_edge_draws_one_line_per_property():
    edges = [diagram.Edge("co-funded by", "US", "/id/US", False),
             diagram.Edge("developed with", "US", "/id/US", False)]
    root = parse(diagram.neighbourhood("Iron Dome", edges))
    assert len(list(root.iter(SVG + "line"))) == 1
    assert edge_labels(root) == ["co-funded by", "developed with"]


def test_the_narrow_drawing_stacks_its_neighbours_within_its_width():
    # Two columns, 760 units wide, were scaled to a phone's 320 px: text 5 px high. The narrow
    # layout is drawn at its own width: every box inside it, each under the one before.
    long = "A neighbour named at length, past any clip"
    edges = [diagram.Edge("first property\nsecond property\nthird", f"{long} {i}", None, i % 2)
             for i in range(diagram.MAX_NEIGHBOURS)]
    root = parse(diagram.narrow(long, edges))
    assert root.get("width") == str(diagram.NARROW_WIDTH)
    boxes = [(float(r.get("x")), float(r.get("y")), float(r.get("width")), float(r.get("height")))
             for r in root.iter(SVG + "rect")]
    assert len(boxes) == diagram.MAX_NEIGHBOURS + 1
    assert all(0 <= x and x + w <= diagram.NARROW_WIDTH for x, _, w, _ in boxes)
    # The entity's box first, at the top; each neighbour's below the one before, with room
    # for its three lines of labels between them.
    assert all(b[1] >= a[1] + a[3] + 3 * diagram.LINE for a, b in zip(boxes, boxes[1:]))
