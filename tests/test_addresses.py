"""A remote store's URLs checked before anything is sent (store/addresses.py): its update and
Graph Store URLs as its query URL is."""

import pytest

from alliance_graph.store import backends
from alliance_graph.store.errors import StoreError
from alliance_graph.store.remote import RemoteStore
from test_remote import answering, reply

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


@pytest.mark.parametrize("url, said", [
    # urllib strips the spaces around a URL: another name for the same store.
    ("http://127.0.0.1:7878/query ", "holds a space or a control character"),
    # ... and refused one inside it once sent: "broke off its answer: InvalidURL(...)".
    ("http://127.0.0.1:7878/ query", "holds a space or a control character"),
    ("http://127.0.0.1:7878/qu\x1bery", "holds a space or a control character"),
    # Read as no port: "cannot reach ...:0/query: nothing listens at 127.0.0.1:80".
    ("http://127.0.0.1:0/query", "names port 0"),
])
def test_a_store_url_urllib_would_send_otherwise_is_refused(url, said):
    with pytest.raises(StoreError, match=said):
        backends.kind(url)
    with pytest.raises(StoreError, match=f"update_url=.* {said}"):
        RemoteStore(QUERY, update_url=url)


def test_a_store_under_a_path_that_is_not_ascii_is_sent_its_path_escaped():
    # Sent as given, the request failed as a traceback: UnicodeEncodeError: 'ascii' codec.
    asked = []

    def respond(handler):
        asked.append(handler.path)
        reply(handler, 200, "application/sparql-results+json", b'{"head":{},"boolean":true}')

    with answering(respond) as url:
        store = RemoteStore(url.replace("/query", "/données/query?clé=1"))
        assert bool(store.select("ASK {}", [])) and store.update_url.endswith("/update?cl%C3%A9=1")
    assert asked == ["/donn%C3%A9es/query?cl%C3%A9=1"]


def test_a_scheme_in_capitals_is_a_scheme():
    # Refused as "not an http:// or https:// URL", as Settings once refused a store's.
    store = RemoteStore(QUERY, update_url="HTTP://h/update", graph_store_url="Https://h/store")
    assert (store.update_url, store.graph_store_url) == ("http://h/update", "https://h/store")


@pytest.mark.parametrize("field, value, library, command_line", [
    ("store_update_url", "127.0.0.1:7878/update",
     "Settings(store_update_url='127.0.0.1:7878/update') is not an http:// or https:// URL",
     "--update-url 127.0.0.1:7878/update is not an http:// or https:// URL"),
    ("store_graph_store_url", "https:///store",
     "Settings(store_graph_store_url='https:///store') names no host",
     "--graph-store-url https:///store names no host"),
])
def test_a_slip_in_a_url_the_settings_give_names_the_setting(field, value, library,
                                                             command_line):
    # A notebook's Settings(store_update_url=...) was refused as "update_url='...'", the
    # parameter of RemoteStore, which its user never wrote; the command line names its option.
    from alliance_graph import Settings
    from alliance_graph.cli.main import said
    settings = Settings(store=QUERY, **{field: value})
    with pytest.raises(StoreError) as refused:
        RemoteStore.from_settings(settings)
    assert str(refused.value).startswith(library)
    assert said(refused.value).startswith(command_line)

