"""A validation report as a contributor reads it: the text form's findings."""

from alliance_graph.proposals.report import Finding, Report, to_json, to_text

AG = "https://alliance-graph.example/ontology/"


def finding(message: str, value: str | None = None) -> Finding:
    return Finding("Violation", message, AG + "shape", "a shape",
                   focus="https://alliance-graph.example/id/claim/X", path=AG + "validFrom",
                   value=value, file="proposal.ttl", line=17)


def test_the_text_report_writes_the_iris_of_messages_and_values_as_prefixed_names():
    # "triple with https://alliance-graph.example/ontology/validFrom is not stated ..." and
    # "2028"^^<http://www.w3.org/2001/XMLSchema#integer> beside text that says xsd:gYear.
    report = Report([finding(f"triple with {AG}validFrom is not stated by any claim in this "
                             "file: write it as a cited claim",
                             '"2028"^^<http://www.w3.org/2001/XMLSchema#integer>'),
                     finding("value of http://www.w3.org/1999/02/22-rdf-syntax-ns#object has "
                             "the language tag; see <https://example.org/elsewhere#x>.")],
                    files=["proposal.ttl"])
    text = to_text(report)
    assert "proposal.ttl:17: triple with ag:validFrom is not stated by any claim" in text
    assert 'value: "2028"^^xsd:integer' in text
    assert "value of rdf:object has the language tag" in text
    assert "<https://example.org/elsewhere#x>" in text  # no project prefix: as it was
    # Machine-read forms keep the IRIs whole.
    assert f"{AG}validFrom" in to_json(report)
