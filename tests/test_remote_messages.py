"""A remote store's refusals as the user reads them (store/remote_messages.py); against real
Oxigraph and Virtuoso servers in test_remote.py."""

import pytest

from alliance_graph.store.remote_messages import first_line, shown, unaddressed, unshifted


@pytest.mark.parametrize("message, said", [
    # The prologue of prefixes is 800 characters long, on the query's first line.
    ("error at 1:821: expected '}'", "error at 1:21: expected '}'"),
    ("Lexical error at line 1, column 838.", "Lexical error at line 1, column 38."),
    ("error at 2:5: expected '}'", "error at 2:5: expected '}'"),  # lines stay the user's
    ("error at 1:400: in the prologue", "error at 1:400: in the prologue"),  # not the user's
    ("SP030: SPARQL compiler, line 1: syntax error", "SP030: SPARQL compiler, line 1: syntax error"),
])
def test_a_place_on_the_first_line_is_told_as_the_user_wrote_it(message, said):
    assert unshifted(message, 800) == said


def test_a_message_is_its_first_line_that_says_something_and_no_longer_than_the_limit():
    assert first_line("\n  \n  SR186: No permission \n trace") == "SR186: No permission"
    assert first_line("") == "(no message)"
    assert first_line("x" * 400, limit=10) == "xxxxxxxxxx… (400 characters)"


@pytest.mark.parametrize("message, said", [
    # Oxigraph's parser breaks its list over lines: the first alone ended inside a class.
    ("error at 1:9: expected one of DESCRIBE, ['0'..='9'], ['A' ..= 'Z' | 'a' ..= 'z'\n"
     "| '\\u{00F8}'..='\\u{02FF}' | '\\u{0370}'..='\\u{037D}'], ['_'], [_]",
     "error at 1:9: expected one of DESCRIBE, ['0'..='9'], ['_'], [_], or 1 more"),
    # Virtuoso's query after a blank line, a stack trace's indented frames: not its message.
    ("Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error at '?' before '}'\n\n"
     "SPARQL query:\nSELECT ?",
     "Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error at '?' before '}'"),
    ("java.lang.IllegalStateException: closed\n\tat org.store.Query.run(Query.java:12)",
     "java.lang.IllegalStateException: closed"),
    ("Parse error:\nunexpected '}' at line 1, column 20", "Parse error: unexpected '}' at line 1, "
                                                       "column 20"),
])
def test_a_message_is_its_first_line_with_the_lines_going_on_from_it(message, said):
    assert first_line(message) == said


@pytest.mark.parametrize("url, said", [
    ("http://127.0.0.1:7878/query", "http://127.0.0.1:7878/query"),
    ("https://store.example/sparql?api_key=SECRET", "https://store.example/sparql?..."),
    ("http://[::1]:8890/sparql?key=SECRET#part", "http://[::1]:8890/sparql?..."),
    ("http://user:SECRET@store.example/sparql", "http://store.example/sparql"),
    ("http://[bad/x?key=SECRET", "http://[bad/x"),  # a Location no parser reads
])
def test_a_store_s_url_is_named_without_what_may_hold_a_key(url, said):
    # Messages named the store by its whole URL: a key in its query string was shown to
    # every client of the endpoint (its 502 says the store's failure) and in every log.
    assert shown(url) == said


@pytest.mark.parametrize("message, said", [
    ("cannot reach http://store.internal:8890/sparql: certificate is not valid for "
     "'store.internal'", "cannot reach the store: certificate is not valid for "
                         "'the store's host'"),
    ("http://store.internal:8890/sparql?... answered HTTP 502 Bad Gateway: no upstream "
     "store.internal:8890", "the store answered HTTP 502 Bad Gateway: no upstream the "
                            "store's host"),
    # Another host, or one that only begins or ends as the store's does, is not the store's.
    ("see store.internal.example and my-store.internal", "see store.internal.example and "
                                                         "my-store.internal"),
])
def test_a_message_for_a_servers_clients_says_not_where_the_store_lives(message, said):
    # A server's 502 named its store's host and path ("cannot reach http://10.0.0.5:8890/
    # sparql: ...") to any client asking while the store was down.
    assert unaddressed(message, "http://user:key@store.internal:8890/sparql?key=1") == said


def test_a_host_of_one_label_is_left_in_the_stores_words():
    # A compose file's service name: "virtuoso" made Virtuoso's own "Virtuoso 37000 Error"
    # "the store's host 37000 Error", and "store" made "the store" "the the store's host".
    message = ("http://virtuoso:8890/sparql answered HTTP 500: Virtuoso 37000 Error SP031 at "
               "virtuoso:8890")
    assert unaddressed(message, "http://virtuoso:8890/sparql") == (
        "the store answered HTTP 500: Virtuoso 37000 Error SP031 at the store's host")
    assert unaddressed("the store rejected the request: no store", "http://store/sparql") == \
        "the store rejected the request: no store"
