"""A query's form read as the engine reads it, from its tokens (store/query_form.py)."""

import pyoxigraph as ox
import pytest

from alliance_graph.sparql import tokenize
from alliance_graph.store.query_form import form_of, update_of


@pytest.mark.parametrize("text, form", [
    ("SELECT * {}", "SELECT"),
    # Glued to what follows: Oxigraph matches keywords with no word boundary.
    ("SELECTDISTINCT ?x { VALUES ?x { 1 } }", "SELECT"),
    ("selectreduced*{}", "SELECT"),
    ("SELECT*{}", "SELECT"),
    ("ASKWHERE{}", "ASK"),
    ("CONSTRUCTWHERE{?s ?p ?o}", "CONSTRUCT"),
    ("DESCRIBE<urn:x>", "DESCRIBE"),
    # After the prologue, however written; a comment a CR alone ends, as the engine ends it.
    ('PREFIXex:<urn:>VERSION"1.2"BASE<urn:b>ASK{}', "ASK"),
    ("# a note\rCONSTRUCT WHERE {}", "CONSTRUCT"),
    # The outer query's form, not a subquery's.
    ("SELECTDISTINCT ?n { { SELECT (COUNT(*) AS ?n) {} } }", "SELECT"),
])
def test_the_form_is_the_engine_s(text, form):
    at, found = form_of(tokenize(text))
    assert found == form and text[tokenize(text)[at].start:].upper().startswith(form)
    kinds = {"SELECT": ox.QuerySolutions, "ASK": ox.QueryBoolean}
    assert isinstance(ox.Store().query(text), kinds.get(form, ox.QueryTriples))


@pytest.mark.parametrize("text", ["", "# nothing", "PREFIX ex: <urn:>", "DEFINE x SELECT * {}",
                                  "INSERT DATA {}"])
def test_no_form_is_none(text):
    assert form_of(tokenize(text)) is None


@pytest.mark.parametrize("text, word", [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "INSERT"),
    ("PREFIX ex: <urn:>\ndropsilent graph ex:g", "dropsilent"),
    ("BASE <urn:> WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
    ("SELECT * {}", None),
    ("# INSERT\nASK {}", None),
    ("", None),
])
def test_an_update_is_told_by_its_first_word_as_the_engine_reads_it(text, word):
    update = update_of(tokenize(text))
    assert (update and update.text) == word
