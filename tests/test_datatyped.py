"""datatyped: a value of another datatype than its shape's is told how to be written."""

from __future__ import annotations

from alliance_graph.namespaces import turtle_prologue
from alliance_graph.proposals import validation

FOUNDED = """
claim:FxFounded-type a ag:Claim ;
    rdf:subject id:FxFounded ;
    rdf:predicate rdf:type ;
    rdf:object ag:State ;
    ag:rank ag:NormalRank ;
    prov:wasDerivedFrom ev:000-mnna .

claim:FxFounded-label a ag:Claim ;
    rdf:subject id:FxFounded ;
    rdf:predicate rdfs:label ;
    rdf:object "Founded" ;
    ag:rank ag:NormalRank ;
    prov:wasDerivedFrom ev:000-mnna .

claim:FxFounded-foundingDate a ag:Claim ;
    rdf:subject id:FxFounded ;
    rdf:predicate ag:foundingDate ;
    rdf:object VALUE ;
    ag:rank ag:NormalRank ;
    prov:wasDerivedFrom ev:000-mnna .
"""


def findings(settings, kg, tmp_path, value: str):
    text = turtle_prologue() + FOUNDED.replace("VALUE", value)
    proposal = tmp_path / "founded.ttl"
    proposal.write_text(text, encoding="utf-8")
    found = validation.validate(settings, [proposal], prebuilt=kg.store).findings
    return text, [f for f in found if f.shape.endswith("/actor-foundingDate")]


def test_a_year_written_as_a_string_is_told_its_datatype(settings, kg, tmp_path):
    # "ag:foundingDate is at most one xsd:date, xsd:gYearMonth or xsd:gYear literal." of
    # "1948": read as a count, and neither the value's datatype nor the form to write named.
    text, [finding] = findings(settings, kg, tmp_path, '"1948"')
    assert finding.message.endswith(
        '("1948" is a plain string: write "1948"^^<http://www.w3.org/2001/XMLSchema#gYear>)')
    assert finding.line == text.splitlines().index('    rdf:object "1948" ;') + 1


def test_a_value_of_no_form_the_shape_takes_is_told_the_forms(settings, kg, tmp_path):
    _, [finding] = findings(settings, kg, tmp_path, '"May 1948"@en')
    assert finding.message.endswith(
        '("May 1948"@en is a string tagged @en; an <http://www.w3.org/2001/XMLSchema#date> is '
        "written 2016-05-31, an <http://www.w3.org/2001/XMLSchema#gYearMonth> is written "
        "2016-05, an <http://www.w3.org/2001/XMLSchema#gYear> is written 2016)"), \
        finding.message


def test_a_value_the_shape_takes_is_said_as_it_was(settings, kg, tmp_path):
    _, found = findings(settings, kg, tmp_path, '"1948"^^xsd:gYear')
    assert found == []


def test_an_ill_typed_value_is_one_finding_though_rdflib_rewrites_it(settings, kg, tmp_path):
    # "1948-05-14"^^xsd:dateTime, which Oxigraph does not read, rdflib reads as midnight and
    # wrote "1948-05-14T00:00:00": the shape's finding on that value was not taken for one on
    # an ill-typed literal, and was a second finding, on the claim's first line.
    text, found = findings(settings, kg, tmp_path, '"1948-05-14"^^xsd:dateTime')
    assert found == [], [(f.line, f.message) for f in found]
    proposal = tmp_path / "founded.ttl"
    report = validation.validate(settings, [proposal], prebuilt=kg.store)
    [ill_typed] = [f for f in report.findings if f.shape.endswith("/ill-typed-literal")]
    assert ill_typed.line == text.splitlines().index(
        '    rdf:object "1948-05-14"^^xsd:dateTime ;') + 1


ASOF = """
claim:BlueFlag-participant-UnitedStates a ag:Claim ;
    rdf:subject id:BlueFlag ;
    rdf:predicate ag:participant ;
    rdf:object id:UnitedStates ;
    ag:rank ag:NormalRank ;
    ag:asOf VALUE ;
    prov:wasDerivedFrom ev:000-blue-flag .
"""


def ill_typed_finding(settings, kg, tmp_path, value: str):
    text = turtle_prologue() + ASOF.replace("VALUE", value)
    proposal = tmp_path / "as-of.ttl"
    proposal.write_text(text, encoding="utf-8")
    [finding] = validation.validate(settings, [proposal], prebuilt=kg.store).findings
    assert finding.shape.endswith("/ill-typed-literal"), finding
    assert finding.line == text.splitlines().index(f"    ag:asOf {value} ;") + 1
    return finding


def test_an_ill_typed_value_is_told_the_datatype_its_shape_takes(settings, kg, tmp_path):
    # "2021-05-01"^^xsd:dateTime for ag:asOf was told "(written 2016-05-31T14:00:00Z)": the
    # form of an xsd:dateTime, which the shape, taking dates, refuses in turn.
    finding = ill_typed_finding(settings, kg, tmp_path, '"2021-05-01"^^xsd:dateTime')
    assert finding.message == (
        'ill-typed literal "2021-05-01" is not a valid xsd:dateTime, and ag:asOf takes an '
        'xsd:date, xsd:gYearMonth or xsd:gYear: write "2021-05-01"^^xsd:date'), finding.message
    assert finding.path == "https://alliance-graph.example/ontology/asOf"
    assert finding.focus == "https://alliance-graph.example/id/claim/BlueFlag-participant-UnitedStates"
    assert finding.value == '"2021-05-01"^^<http://www.w3.org/2001/XMLSchema#dateTime>'


def test_an_ill_typed_value_of_no_form_the_shape_takes_is_told_the_forms(settings, kg, tmp_path):
    finding = ill_typed_finding(settings, kg, tmp_path, '"May 2021"^^xsd:dateTime')
    assert finding.message.endswith(
        "and ag:asOf takes an xsd:date, xsd:gYearMonth or xsd:gYear (an xsd:date is written "
        "2016-05-31, an xsd:gYearMonth is written 2016-05, an xsd:gYear is written 2016)"), \
        finding.message
    assert "T14:00:00Z" not in finding.message


def test_an_ill_typed_value_of_a_datatype_the_shape_takes_is_told_its_form(settings, kg, tmp_path):
    finding = ill_typed_finding(settings, kg, tmp_path, '"2021-13-01"^^xsd:date')
    assert finding.message == 'ill-typed literal "2021-13-01" is not a valid xsd:date ' \
        "(written 2016-05-31)"


def test_an_ill_typed_value_valid_as_another_datatype_the_shape_takes_is_told_to_write_it(
        settings, kg, tmp_path):
    # A year and month written as a date: told only how a date is written, as though the day
    # were what it lacked, where ag:asOf takes an xsd:gYearMonth as it is.
    finding = ill_typed_finding(settings, kg, tmp_path, '"2021-05"^^xsd:date')
    assert finding.message == (
        'ill-typed literal "2021-05" is not a valid xsd:date (written 2016-05-31), and ag:asOf '
        'takes an xsd:gYearMonth too: write "2021-05"^^xsd:gYearMonth'), finding.message


def test_an_ill_typed_claim_value_names_the_entity_and_property(settings, kg, tmp_path):
    text, found = findings(settings, kg, tmp_path, '"1948-05"^^xsd:dateTime')
    assert found == []
    report = validation.validate(settings, [tmp_path / "founded.ttl"], prebuilt=kg.store)
    [ill_typed] = [f for f in report.findings if f.shape.endswith("/ill-typed-literal")]
    assert ill_typed.message.endswith(
        'ag:foundingDate takes an xsd:date, xsd:gYearMonth or xsd:gYear: write '
        '"1948-05"^^xsd:gYearMonth'), ill_typed.message
    assert ill_typed.focus == "https://alliance-graph.example/id/FxFounded"


# A selector's offset written as 60,000 digits (983 with leading zeros): an integer's text.
DIGITS = "0" * 59_997 + "983"
START = "\nev:000-blue-flag oa:hasSelector [ a oa:TextPositionSelector ; oa:start VALUE ; " \
    "oa:end 1136 ] .\n"


def start_finding(settings, kg, tmp_path, value: str, shape: str):
    proposal = tmp_path / "start.ttl"
    proposal.write_text(turtle_prologue() + START.replace("VALUE", value), encoding="utf-8")
    found = validation.validate(settings, [proposal], prebuilt=kg.store).findings
    [finding] = [f for f in found if f.shape.endswith(shape)]
    return finding


def test_a_long_value_of_another_datatype_is_told_its_datatype_clipped(settings, kg, tmp_path):
    # The value and the literal to write were said whole: a message of 120 KB.
    finding = start_finding(settings, kg, tmp_path, f'"{DIGITS}"', "/position-start")
    assert finding.message.endswith(
        f'("{"0" * 200}…" (60,000 characters) is a plain string: write '
        f'"{"0" * 200}…"^^<http://www.w3.org/2001/XMLSchema#integer> (60,000 characters))'), \
        finding.message[-600:]
    assert len(finding.message) < 1_000
    assert finding.value == f'"{DIGITS}"'  # the node whole, for the JSON and Turtle reports


def test_a_long_ill_typed_value_is_told_the_datatype_to_write_clipped(settings, kg, tmp_path):
    # "write 000...983", the value to write, was said whole: 60 KB.
    finding = start_finding(settings, kg, tmp_path, f'"{DIGITS}"^^xsd:date',
                            "/ill-typed-literal")
    assert finding.message.endswith(
        f'and oa:start takes an xsd:integer: write "{"0" * 200}…"^^xsd:integer '
        "(60,000 characters)"), finding.message[-600:]
    assert len(finding.message) < 1_000


def test_an_ill_typed_value_no_shape_refuses_is_told_what_the_shapes_take(settings, kg,
                                                                           tmp_path):
    # A claim not typed ag:Claim (or any node no shape targets): no shape refused its
    # "2021-05"^^xsd:date, and it was told how a date is written only, without the
    # "ag:validUntil takes an xsd:gYearMonth too" a claim's value is told.
    proposal = tmp_path / "untyped.ttl"
    proposal.write_text(turtle_prologue() + '\nclaim:Untyped ag:validUntil "2021-05"^^xsd:date ;'
                        '\n    ag:validFrom "May 2021"^^xsd:dateTime .\n', encoding="utf-8")
    found = validation.validate(settings, [proposal], prebuilt=kg.store).findings
    said = sorted(f.message for f in found if f.shape.endswith("/ill-typed-literal"))
    assert said == [
        'ill-typed literal "2021-05" is not a valid xsd:date (written 2016-05-31), and '
        'ag:validUntil takes an xsd:gYearMonth too: write "2021-05"^^xsd:gYearMonth',
        'ill-typed literal "May 2021" is not a valid xsd:dateTime, and ag:validFrom takes an '
        'xsd:date, xsd:gYearMonth or xsd:gYear (an xsd:date is written 2016-05-31, an '
        'xsd:gYearMonth is written 2016-05, an xsd:gYear is written 2016)'], said
