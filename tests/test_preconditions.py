"""A request's preconditions for the site's own files, judged in RFC 9110's order, and for
answers with no tag, over HTTP (``web/preconditions.py``)."""

from __future__ import annotations

import pytest

from helpers import fetch

STYLE = "/static/pages/pages.css"
LONG_AGO = "Mon, 01 Jan 1990 00:00:00 GMT"


@pytest.fixture(scope="module")
def style(endpoint):
    """The style sheet's URL, ETag and Last-Modified, from one plain GET."""
    status, headers, body = fetch(endpoint + STYLE)
    assert status == 200 and body
    return endpoint + STYLE, headers["ETag"], headers["Last-Modified"]


def test_a_failed_if_match_is_a_plain_412_not_the_file(style):
    # It was "412 PRECONDITION FAILED" holding all 12 KB of the file, as text/css.
    url, tag, modified = style
    status, headers, body = fetch(url, headers={"If-Match": '"another"'})
    assert status == 412 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert body == f"If-Match names no tag of this file: its tag is {tag}\n".encode()
    assert (headers["ETag"], headers["Last-Modified"]) == (tag, modified)
    assert headers["X-Content-Type-Options"] == "nosniff"  # the server's headers, as any answer
    # A Range did not stop it being read: werkzeug sent the range (206) of a file not asked for.
    status, _, body = fetch(url, headers={"If-Match": f"W/{tag}", "Range": "bytes=0-9"})
    assert status == 412 and body.startswith(b"If-Match names no tag")


def test_if_unmodified_since_is_read(style):
    # A file modified after the date was sent, 200: the header was not read.
    url, tag, modified = style
    status, _, body = fetch(url, headers={"If-Unmodified-Since": LONG_AGO})
    assert status == 412 and body.startswith(b"the file was modified after the "
                                             b"If-Unmodified-Since date")
    assert fetch(url, headers={"If-Unmodified-Since": modified})[0] == 200
    # If-Match, when given, is read in its place (RFC 9110, 13.2.2).
    assert fetch(url, headers={"If-Match": tag, "If-Unmodified-Since": LONG_AGO})[0] == 200


def test_a_matching_if_none_match_is_a_304_whatever_if_match_says(style):
    # An If-Match that held made werkzeug forget the If-None-Match: the file again, 200.
    url, tag, modified = style
    for given in ({"If-Match": tag, "If-None-Match": tag}, {"If-None-Match": f'"x", W/{tag}'},
                  {"If-None-Match": "*"}, {"If-Match": "*", "If-Modified-Since": modified}):
        status, headers, body = fetch(url, headers=given)
        assert (status, body, headers["ETag"]) == (304, b"", tag), given
    # An If-None-Match naming another tag wins over a date that would say unchanged.
    assert fetch(url, headers={"If-None-Match": '"x"', "If-Modified-Since": modified})[0] == 200


@pytest.mark.parametrize("path", ["/id/IronDome", "/status", "/sparql", "/search?q=iron"])
def test_an_answer_with_no_tag_is_judged_as_a_query_answer_made_anew_is(endpoint, path):
    # Each was the page, 200, to If-Match naming a tag and to If-None-Match: *, where a
    # query's answer made anew (no tag) is a 412 and a 304.
    status, headers, body = fetch(endpoint + path, headers={"If-Match": '"x"'})
    assert status == 412 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert body == b"If-Match names no tag of this answer: its answer is made anew each time " \
                   b"and has no tag\n"
    status, _, body = fetch(endpoint + path, headers={"If-None-Match": "*"})
    assert (status, body) == (304, b"")
    assert fetch(endpoint + path, headers={"If-Match": "*", "If-None-Match": '"x"'})[0] == 200
    # A query's answer made anew judges its own, before it is made: no 304 for it.
    now = "/sparql?query=SELECT%20(NOW()%20AS%20%3Fn)%20%7B%7D"
    assert fetch(endpoint + now, headers={"If-None-Match": "*"})[0] == 200


def test_an_if_modified_since_in_the_future_is_ignored(style):
    # 2099 was a 304 (werkzeug took it as a date the file was not modified after): a date later
    # than the server's time is invalid and the field ignored (RFC 9110, 13.1.3).
    url, tag, modified = style
    status, headers, body = fetch(url, headers={"If-Modified-Since": "Thu, 01 Jan 2099 "
                                                                      "00:00:00 GMT"})
    assert (status, headers["ETag"]) == (200, tag) and body == fetch(url)[2]
    assert fetch(url, headers={"If-Modified-Since": modified})[0] == 304  # a past one still is


@pytest.mark.parametrize("path", [STYLE, "/status", "/sparql?query=ASK%7B%7D"])
def test_a_star_is_the_whole_field_or_no_tag_on_every_path(endpoint, path):
    # RFC 9110's grammar is "*" / #entity-tag: a '*' among tags (or W/*) is none.  A file,
    # judged by werkzeug's reading, ignored it (200, 412); a page, /status and a query's answer
    # (protocol) took it as '*' (304, and an If-Match passed: 200).
    for star in ('"x", *', "W/*"):
        assert fetch(endpoint + path, headers={"If-None-Match": star})[0] == 200, (path, star)
        assert fetch(endpoint + path, headers={"If-Match": star})[0] == 412, (path, star)
    assert fetch(endpoint + path, headers={"If-None-Match": " * "})[0] == 304
    assert fetch(endpoint + path, headers={"If-Match": "*"})[0] == 200


@pytest.mark.parametrize("path, body, content_type", [
    ("/query/notes", b"query=ASK%7B%3Fs%20a%20ag%3AClam%7D", "application/x-www-form-urlencoded"),
    ("/validate", b"<urn:a> <urn:b> <urn:c> .", "text/turtle"),
])
def test_a_posts_answer_made_anew_is_judged_as_a_query_made_anew_is(endpoint, path, body,
                                                                    content_type):
    # POST /query/notes and POST /validate answered 200 whatever If-Match named, where a POST
    # to /sparql of a query made anew (no tag) is a 412 for it.
    now = b"query=SELECT%20(NOW()%20AS%20%3Fn)%20%7B%7D"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, said = fetch(endpoint + "/sparql", data=now, headers={**form, "If-Match": '"x"'})
    assert status == 412, said
    sent = {"Content-Type": content_type, "Accept": "application/json"}
    status, headers, said = fetch(endpoint + path, data=body, headers={**sent, "If-Match": '"x"'})
    assert (status, said) == (412, b"If-Match names no tag of this answer: its answer is made "
                                   b"anew each time and has no tag\n")
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    if path == "/query/notes":  # (a validation takes 1.7 s over the shipped graph)
        assert fetch(endpoint + path, data=body, headers={**sent, "If-Match": "*"})[0] == 200
    # Judged before the body is read: a 412 costs no validation; a body over the server's
    # limit, refused before it is read, stays a 413.
    status, _, said = fetch(endpoint + path, data=b"x" * 6_000_000,
                            headers={**sent, "If-Match": '"x"'})
    assert status == 413, said


@pytest.mark.parametrize("path, sent, status", [
    ("/validate", {"Content-Type": "image/png"}, 415),
    ("/validate", {"Content-Type": "text/turtle; charset=latin-1"}, 415),
    ("/validate", {"Content-Type": "text/turtle", "Accept": "image/png"}, 406),
    ("/query/notes", {"Content-Type": "text/turtle"}, 415),
    ("/query/notes", {"Content-Type": "application/x-www-form-urlencoded",
                      "Content-Encoding": "gzip"}, 415),
])
def test_a_refusal_of_the_posts_head_comes_before_its_412(endpoint, path, sent, status):
    # Each was a 412 for If-Match: "x", where /sparql says its 415 and 406 first, as RFC 9110
    # (13.2.1) has a server ignore preconditions its answer without them would not reach.
    for if_match in ({"If-Match": '"x"'}, {}):
        got, _, said = fetch(endpoint + path, data=b"<urn:a> <urn:b> <urn:c> .",
                             headers={**sent, **if_match})
        assert got == status, (sent, if_match, said)
    # A proposal over the server's limit for one (5,000,000 bytes), within a request's: 413.
    if path == "/validate":
        got, _, said = fetch(endpoint + path, data=b"#" * 5_100_000,
                             headers={"Content-Type": "text/turtle", "If-Match": '"x"'})
        assert got == 413, said
