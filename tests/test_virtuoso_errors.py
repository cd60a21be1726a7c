"""Whose each of Virtuoso's errors is, the query's or the store's, by its SQL state
(store/virtuoso_errors.py); the messages are Virtuoso 7.2's own first lines."""

import pytest

from alliance_graph.store.virtuoso_errors import of_the_query


@pytest.mark.parametrize("message, hint", [
    ("Virtuoso 22012 Error SR084: Division by 0.", "at an error in an expression"),
    ("Virtuoso 2201B Error SR098: regexp error at '(' column 1 (missing ))",
     "at an error in an expression"),
    ("Virtuoso 37000 Error TR...: transitive start not given", "one end of a + or * path"),
    ("Virtuoso 37000 Error SP031: SPARQL compiler: Internal error: Built-in function is not "
     "implemented", "no BNODE()"),
    ("Virtuoso 22007 Error Function rdf_strlang_impl needs a valid language ID as its second "
     "argument", "STRLANG makes a tag of a language of two letters"),
    ("Virtuoso 42001 Error SR185: Undefined procedure DB.DBA.urn:x.", ""),
    ("Virtuoso S0022 Error SQ200: No column UID.", ""),
])
def test_an_error_of_the_querys_making_is_the_querys(message, hint):
    said = of_the_query(message)
    assert said is not None and hint in said and (said == "") == (hint == "")


@pytest.mark.parametrize("message", [
    "Virtuoso 40001 Error SR172: Transaction deadlocked",
    "Virtuoso 42000 Error SR186:SECURITY: No permission to execute procedure "
    "DB.DBA.SPARQL_INSERT_DICT_CONTENT with user ID 107, group ID 107",
    "Virtuoso 22023 Error SR353: Sorted TOP clause specifies more then 20000 rows to sort. "
    "Only 10000 are allowed.",
    "Virtuoso HTCLI Error HC001: Connection Error in HTTP Client",
    "The custom function <urn:f> is not supported",  # another store's: no SQL state
    "Proxy Error: Virtuoso 22012 Error SR084",  # a state not at the message's start
])
def test_the_stores_own_errors_stay_its_own(message):
    assert of_the_query(message) is None
