"""The neighbourhood SVG: well-formed, escaped, labelled, and bounded in size."""

import xml.etree.ElementTree as ET

from alliance_graph.web.pages import diagram

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ET.fromstring(svg)


def edge_labels(root) -> list[str]:
    """Return each edge label's lines (one tspan per property) as they are drawn."""
    return [span.text for text in root.iter(SVG + "text") if text.get("class") == "edge-label"
            for span in text.iter(SVG + "tspan")]


def test_markup_in_labels_is_text_not_elements():
    svg = diagram.neighbourhood("<script>alert(1)</script>", [
        diagram.Edge("co-funded <b>by</b>", 'A "quoted" & <i>odd</i> name', "/id/x?a=1&b=2", False)])
    root = parse(svg)
    assert not list(root.iter(SVG + "script")) and not list(root.iter(SVG + "b"))
    texts = [t.text for t in root.iter(SVG + "text")]
    assert edge_labels(root) == ["co-funded <b>by</b>"]
    assert "<script>alert(1)</script>" in texts
    assert [a.get("href") for a in root.iter(SVG + "a")] == ["/id/x?a=1&b=2"]


def test_every_edge_has_a_line_a_label_and_a_node():
    edges = [diagram.Edge(f"p{i}", f"n{i}", f"/id/n{i}", i % 2 == 0) for i in range(5)]
    root = parse(diagram.neighbourhood("centre", edges))
    assert len(list(root.iter(SVG + "line"))) == 5
    assert edge_labels(root) == [f"p{i}" for i in range(5)]


def test_too_many_neighbours_are_counted_not_drawn():
    edges = [diagram.Edge("p", f"n{i}", None, False) for i in range(diagram.MAX_NEIGHBOURS + 3)]
    root = parse(diagram.neighbourhood("c", edges))
    assert len(list(root.iter(SVG + "line"))) == diagram.MAX_NEIGHBOURS
    assert any(t.text == "and 3 more links" for t in root.iter(SVG + "text"))


def test_no_edges_still_draws_the_entity():
    root = parse(diagram.neighbourhood("alone", []))
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
