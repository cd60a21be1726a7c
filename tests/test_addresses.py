"""A remote store's URLs checked before anything is sent (store/addresses.py): its update and
Graph Store URLs as its query URL is."""

import pytest

from alliance_graph.store.errors import StoreError
from alliance_graph.store.remote import RemoteStore

QUERY = "http://127.0.0.1:7878/query"


@pytest.mark.parametrize("given, said", [
    ({"update_url": "127.0.0.1:7878/update"},
     "update_url='127.0.0.1:7878/update' is not an http:// or https:// URL"),
    ({"graph_store_url": "http//127.0.0.1:7878/store"},
     "graph_store_url='http//127.0.0.1:7878/store' is not an http:// or https:// URL"),
    ({"update_url": "http://h:99999/update"}, "update_url='http://h:99999/update' is not a "
                                              "valid URL"),
    ({"graph_store_url": "https:///store"}, "graph_store_url='https:///store' names no host"),
    ({"update_url": "http://u:s3cret@h/update"}, "update_url http://h...: a login in the URL"),
])
def test_a_slip_in_an_update_or_graph_store_url_is_refused_naming_it(given, said):
    # Unchecked, `load` made the build, then said "cannot reach 127.0.0.1:7878/update:
    # unknown url type: 127.0.0.1".
    with pytest.raises(StoreError) as refused:
        RemoteStore(QUERY, **given)
    assert str(refused.value).startswith(said) and "s3cret" not in str(refused.value)


def test_derived_or_no_graph_store_url_is_no_slip():
    store = RemoteStore(QUERY, graph_store_url="")
    assert (store.update_url, store.graph_store_url) == ("http://127.0.0.1:7878/update", None)
    assert RemoteStore(QUERY).graph_store_url == "http://127.0.0.1:7878/store"


@pytest.mark.parametrize("query_url, update_url, graph_store_url", [
    ("http://h:7878/query", "http://h:7878/update", "http://h:7878/store"),
    # A gateway's key goes with them: read as no /query, `load` sent the build as updates to
    # the query URL ("The URL query parameter query must be set").
    ("https://h/ds/query?key=k", "https://h/ds/update?key=k", "https://h/ds/store?key=k"),
    ("http://h/query#top", "http://h/update", "http://h/store"),
    ("http://h/sparql", "http://h/sparql", None),
    ("http://h/query/", "http://h/query/", None),
])
def test_the_update_and_graph_store_urls_are_derived_beside_query(query_url, update_url,
                                                                    graph_store_url):
    store = RemoteStore(query_url)
    assert (store.update_url, store.graph_store_url) == (update_url, graph_store_url)
