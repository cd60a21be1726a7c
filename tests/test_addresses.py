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
