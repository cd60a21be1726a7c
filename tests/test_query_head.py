"""What of a query's POST its head alone refuses (web/query_head.py), judged before its body."""

from __future__ import annotations

import pytest

from alliance_graph.query.refused import Refused
from alliance_graph.web import query_head


@pytest.mark.parametrize("ctype", ["application/sparql-query", "Application/SPARQL-Query; "
                                   "charset=utf-8", "application/x-www-form-urlencoded"])
def test_a_query_s_types_are_taken(ctype):
    assert query_head.post_type({"CONTENT_TYPE": ctype}, {}) == ctype.split(";")[0].lower()


@pytest.mark.parametrize("environ, args, status", [
    ({"CONTENT_TYPE": "text/plain"}, {}, 415),
    ({}, {}, 415),
    ({"CONTENT_TYPE": "application/sparql-query; charset=latin-1"}, {}, 415),
    ({"CONTENT_TYPE": "application/sparql-query", "HTTP_CONTENT_ENCODING": "gzip"}, {}, 415),
    ({"CONTENT_TYPE": "application/sparql-update"}, {}, 403),
    ({"CONTENT_TYPE": "application/sparql-query"}, {"query": ["ASK {}"]}, 400),
])
def test_what_the_head_alone_refuses(environ, args, status):
    # These were judged inside /sparql's reading of the body; the front asks them too, before
    # it invites a body (web/head_refused.py).
    with pytest.raises(Refused) as refused:
        query_head.post_type(environ, args)
    assert refused.value.status == status
