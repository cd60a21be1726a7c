"""Reading a query string or form: as urllib reads it, within bounds on its fields and memory."""

import http.client
import tracemalloc
import urllib.error
import urllib.parse
import urllib.request

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder

import servers
from alliance_graph.query.refused import Refused
from alliance_graph.web import fields, protocol


def test_a_long_run_of_percent_escapes_is_decoded_in_little_memory():
    # Decoded whole by urllib, a 5 MB value of escapes took 380 MB for 1.7 MB of text; a
    # thread per request, the front grew by gigabytes.
    text = "ASK { FILTER(\"é\" != \"x\") }" * 40000 + "\u20ac"
    form = b"query=" + "".join(f"%{b:02X}" for b in text.encode()).encode() + b"+&format=csv"
    tracemalloc.start()
    try:
        params = fields.parse_params(form, "form body")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert params == {"query": [text + " "], "format": ["csv"]}
    assert peak < 8 * len(form), f"{peak:,} bytes to decode a {len(form):,}-byte form"


@pytest.mark.parametrize("form", ["a=1&b=&&c&=d&a=2", "q=a+b%2Bc%26d%3De", "x=%41%2541",
                                  "%C3%A9=%E2%82%AC", "q=100%25", ""])
def test_fields_are_read_as_urllib_reads_them(form):
    expected: dict = {}
    for name, value in urllib.parse.parse_qsl(form, keep_blank_values=True):
        expected.setdefault(name, []).append(value)
    assert fields.parse_params(form.encode(), "form body") == expected


def test_fields_are_counted_before_any_is_decoded():
    form = b"query=ASK%7B%7D" + b"&%ff" * fields.MAX_PARAMS
    with pytest.raises(Refused, match=f"has {fields.MAX_PARAMS + 1:,} fields"):
        fields.parse_params(form, "form body")
    assert len(fields.parse_params(b"a&" * (fields.MAX_PARAMS - 1) + b"a", "form body")["a"]) \
        == fields.MAX_PARAMS


@pytest.mark.parametrize("form, says", [
    (b"query=" + b"%41" * 1_700_000, "the query is 1,700,000 bytes long"),
    (b"format=csv&query=" + b"a+" * 60_000, "the query is 120,000 bytes long"),
    (b"%71uery=%EF%BB%BF" + b"a" * 100_001, "the query is 100,001 bytes long"),  # query
    (b"query=ASK%7B%7D&default-graph-uri=" + b"%C3%A9" * 60_000,
     "the parameter 'default-graph-uri' is 120,000 bytes long"),
    (b"%41" * 100_001 + b"=1", "a parameter's name in the form body is 100,001 bytes long"),
])
def test_a_field_over_the_query_bytes_is_refused_before_it_is_decoded(form, says, monkeypatch):
    # 5 MB of "%41..." was decoded (0.4 s of the front's time, holding the interpreter) to
    # be refused by the checks for its length: its length is known from its escapes.
    decoded = []
    unescaped = fields._unescaped
    monkeypatch.setattr(fields, "_unescaped", lambda raw: decoded.append(len(raw)) or
                        unescaped(raw))
    with pytest.raises(Refused) as refused:
        fields.parse_params(form, "form body", 100_000)
    assert refused.value.status == 400
    assert str(refused.value).startswith(says) and "the limit is 100,000" in str(refused.value)
    assert max(decoded, default=0) < 100


def test_a_query_of_the_most_bytes_is_read_whole_a_byte_order_mark_not_counted():
    for query in (b"%41" * 100_000, b"%EF%BB%BF" + b"%41" * 100_000,
                  b"\xef\xbb\xbf" + b"A" * 100_000):
        text = fields.parse_params(b"query=" + query, "form body", 100_000)["query"][0]
        assert text.removeprefix("\ufeff") == "A" * 100_000
    with pytest.raises(Refused, match="the query is 100,001 bytes long"):
        fields.parse_params(b"query=%EF%BB%BF" + b"%41" * 100_001, "form body", 100_000)
    assert fields.parse_params(b"turtle=" + b"%41" * 100_001, "form body")  # no bound given


def test_a_long_form_query_is_refused_by_sparql_as_the_checks_refuse_it(monkeypatch):
    decoded = []
    unescaped = fields._unescaped
    monkeypatch.setattr(fields, "_unescaped", lambda raw: decoded.append(len(raw)) or
                        unescaped(raw))
    body = b"query=" + b"%41" * 1_000_000
    environ = EnvironBuilder(method="POST", data=body,
                             content_type="application/x-www-form-urlencoded").get_environ()
    with pytest.raises(Refused, match="the query is 1,000,000 bytes long") as refused:
        protocol.read_request(environ, 5 * 2**20, 100_000)
    assert refused.value.status == 400 and max(decoded, default=0) < 100


@pytest.mark.parametrize("size", [fields._DECODE_SLICE - 1, fields._DECODE_SLICE,
                                  fields._DECODE_SLICE + 1])
def test_an_escape_at_a_slice_boundary_is_decoded_whole(size):
    for prefix in (b"", b"a", b"ab"):
        form = b"q=" + prefix + b"%41" * size + b"%C3%A9"
        assert fields.parse_params(form, "x") == {"q": [prefix.decode() + "A" * size + "é"]}


@pytest.mark.parametrize("form, says", [
    ("q=%zz", "in the parameter 'q': '%zz' at its character 1 as sent"),
    ("query=ASK%7B%7D&q=100%", "in the parameter 'q': '%' at its character 4 as sent"),
    ("x=%41%4", "in the parameter 'x': '%4' at its character 4 as sent"),
    ("q%4=1", "in a parameter's name: '%4' at its character 2 as sent"),
    ("%C3%A9=%E2%82%A", "in the parameter 'é': '%A' at its character 7 as sent"),
])
def test_a_percent_that_begins_no_escape_is_a_400_naming_the_field(form, says):
    # urllib (and werkzeug) keep it as text: /search?q=%zz searched for "%zz".
    with pytest.raises(Refused) as refused:
        fields.parse_params(form.encode(), "URL's query string")
    assert refused.value.status == 400
    assert str(refused.value).startswith(f"the URL's query string has a malformed percent "
                                         f"escape {says}; "), str(refused.value)
    assert str(refused.value).endswith("write a percent sign as %25")


BIN = servers.BIN / "alliance-graph"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """A real server on the shipped graph."""
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    process = servers.start([str(BIN), "serve", "--port", str(port)], url + "/status",
                            tmp_path_factory.mktemp("fields") / "serve.log", timeout=180)
    yield url
    servers.stop(process)


def fetch(url: str, data: bytes | None = None) -> tuple[int, str]:
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if data else {}
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.parametrize("path, field", [
    ("/search?q=%zz", "q"), ("/search?q=Iron%20Dome%", "q"), ("/sparql?query=%zz", "query"),
    ("/sparql?query=ASK%7B%7D&format=%j", "format"), ("/timeline?page=1%", "page"),
    ("/?x=%zz", "x"), ("/status?a=%2", "a")])
def test_every_page_answers_a_malformed_escape_400_naming_the_field(endpoint, path, field):
    # /search?q=%zz was a 200 searching for the text "%zz"; /sparql?query=%zz a syntax error
    # of the query's, which it did not write.
    status, body = fetch(endpoint + path)
    assert status == 400, body
    assert f"malformed percent escape in the parameter '{field}'" in body, body


def test_a_form_with_a_malformed_escape_is_a_400_naming_the_field(endpoint):
    status, body = fetch(endpoint + "/sparql", b"query=ASK%7B%7D&default-graph-uri=%G1")
    assert status == 400, body
    assert "the form body has a malformed percent escape in the parameter " \
           "'default-graph-uri'" in body, body


def test_a_form_sent_as_typed_is_told_to_encode_the_whole_value():
    # curl --data 'query=... "50%" ...': "write a percent sign as %25" led to a query that
    # still lost every "+" to a space (1+1 read as "1 1"), the form never encoded.
    with pytest.raises(Refused) as refused:
        fields.parse_params(b'query=SELECT (1+1 AS ?n) { BIND("50%" AS ?x) }', "form body")
    assert str(refused.value).endswith(
        "write a percent sign as %25; a form's values are percent-encoded, and one sent as "
        "typed has its \"+\" read as a space too: let the client encode the value (curl "
        "--data-urlencode), or POST the query as application/sparql-query"), refused.value
    # A form carrying no query (/validate's turtle=) is not told to POST one.
    with pytest.raises(Refused) as refused:
        fields.parse_params(b"turtle=ex:a ex:b \"50%\" .", "form body")
    assert str(refused.value).endswith("let the client encode the value (curl "
                                       "--data-urlencode)"), refused.value


def sent(endpoint: str, method: str, path: str, body: bytes, headers: dict) -> tuple[int, str]:
    """Return the status and body of one request sent as given (duplicate headers too:
    ``headers`` maps a name to its values)."""
    connection = http.client.HTTPConnection(endpoint.removeprefix("http://"), timeout=30)
    try:
        connection.putrequest(method, path)
        for name, values in {"Content-Length": [str(len(body))], **headers}.items():
            for value in values:
                connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


FORM = {"Content-Type": ["application/x-www-form-urlencoded"]}


@pytest.mark.parametrize("method, path", [("GET", "/sparql"), ("GET", "/sparql?query=ASK%7B%7D"),
                                          ("HEAD", "/sparql")])
def test_a_get_with_a_body_is_a_400_not_the_service_description(endpoint, method, path):
    # curl -X GET --data-urlencode query=... sends the query in a GET's body: it was dropped
    # unread, and the answer was the service description (or the URL's query), 200.
    status, body = sent(endpoint, method, path, b"query=SELECT+*+%7B%3Fs+%3Fp+%3Fo%7D", FORM)
    assert status == 400, body
    assert method == "HEAD" or body.startswith(f"a {method} request carries its query in the "
                                               "URL (?query=...), and its body is not read"), body
    assert sent(endpoint, method, path, b"", FORM)[0] == 200


def test_two_content_types_are_a_400_saying_so(endpoint):
    # Joined as "application/sparql-query, text/plain", and refused 415 as a type the client
    # had not sent.
    status, body = sent(endpoint, "POST", "/sparql", b"ASK {}", {
        "Content-Type": ["application/sparql-query", "application/sparql-query"]})
    assert (status, body) == (400, "the request has more than one Content-Type (application/"
                                   "sparql-query, application/sparql-query): send one\n")
    # A comma inside a quoted parameter is no second type.
    assert sent(endpoint, "POST", "/sparql", b"ASK {}", {
        "Content-Type": ['application/sparql-query; x="a,b"']})[0] == 200


@pytest.mark.parametrize("ctype, body", [
    ("application/sparql-query; charset=", b"ASK {}"),
    ('application/sparql-query; charset=""', b"ASK {}"),
    ("application/x-www-form-urlencoded; charset", b"query=ASK+%7B%7D"),
])
def test_an_empty_charset_names_no_other_encoding(endpoint, ctype, body):
    # Refused 415 as "... is UTF-8, not : send the query in UTF-8".
    status, said = sent(endpoint, "POST", "/sparql", body, {"Content-Type": [ctype]})
    assert status == 200 and '"boolean":true' in said, said


@pytest.mark.parametrize("body", [b"ASK {}", b"SELECT * { FILTER(1 = 1) }",
                                  b"PREFIX ex: <urn:x#>\nASK { }", b"select+*+%7B%7D"])
def test_a_query_sent_as_a_form_as_curl_data_sends_it_is_told_so(endpoint, body):
    # curl --data 'SELECT ...' sends the text as a form: "the request carries no query".
    status, said = sent(endpoint, "POST", "/sparql", body, FORM)
    assert status == 400 and said.startswith("the form body holds no query= field: it reads "
                                             "as a query's text, sent as a form"), said
    assert "application/sparql-query" in said and "--data-urlencode" in said


def test_a_form_sent_as_a_direct_query_is_told_so(endpoint):
    # curl -H 'Content-Type: application/sparql-query' --data-urlencode 'query=ASK {}':
    # "'%' (U+0025 PERCENT SIGN) starts no SPARQL token here".
    status, said = sent(endpoint, "POST", "/sparql", b"query=ASK%20%7B%7D",
                        {"Content-Type": ["application/sparql-query"]})
    assert (status, said) == (400, "the body is a form (query=...) but is sent as application/"
                                   "sparql-query, which is the query's text alone: send the "
                                   "form as application/x-www-form-urlencoded, or the text "
                                   "alone\n")
    # Nor is a form without a query taken for one (format=csv alone, as before).
    assert sent(endpoint, "POST", "/sparql", b"format=csv", FORM) == \
        (400, "the request carries no query\n")


def test_well_formed_escapes_are_read_as_before(endpoint):
    status, body = fetch(endpoint + "/sparql?query=ASK%7B%7D&x=100%25")
    assert status == 200 and '"boolean":true' in body.replace(" ", ""), body
    assert fetch(endpoint + "/search?q=Iron%20Dome")[0] == 200


@pytest.mark.parametrize("params, expected", [
    ({"format": ["csv"], "output": ["json"]}, ["csv"]),
    ({"format": ["", "nt"], "output": ["json"]}, ["nt"]),
    ({"format": [""], "output": ["json", "xml"]}, ["json", "xml"]),
    ({"query": ["ASK {}"]}, []),
])
def test_format_values_are_formats_then_outputs_blank_ones_naming_nothing(params, expected):
    assert fields.format_values(params) == expected
    assert fields.format_values(MultiDict([(k, v) for k, vs in params.items() for v in vs])) \
        == expected


@pytest.mark.parametrize("path, name", [
    ("/?example=timeline&example=sources", "example"), ("/?query=ASK{}&query=ASK{}%20", "query"),
    ("/search?q=iron&q=dome", "q"), ("/search?q=iron&limit=1&limit=2", "limit"),
    ("/timeline?page=1&page=2", "page"), ("/id/IronDome?format=nt&format=turtle", "format"),
    ("/id/IronDome?format=nt&page=1&page=2", "page"),
    ("/validate?format=json&format=text", "format"),
])
def test_a_page_parameter_given_twice_with_different_values_is_a_400_naming_it(endpoint, path,
                                                                               name):
    # The first was read and the second dropped without a word, where the command line keeps
    # the last of an option given twice and /sparql refuses two queries.
    data = b"turtle=" if path.startswith("/validate") else None
    status, body = fetch(endpoint + path, data)
    assert status == 400, body
    assert body.startswith(f"{name} given twice, with different values ("), body
    assert body.endswith("): give it once\n"), body


@pytest.mark.parametrize("path", ["/search?q=iron&q=iron", "/timeline?page=1&page=1",
                                  "/id/IronDome?format=nt&format=nt"])
def test_a_page_parameter_repeated_with_its_value_is_read(endpoint, path):
    status, body = fetch(endpoint + path)
    assert status == 200, body


def test_a_graph_s_iri_passes_every_parameter_on_to_its_read(endpoint):
    # Each was sent on as its first value alone: format=zzz&format=nt was a 400 naming zzz,
    # where the read itself, as /sparql, answers in the first format it knows.
    status, body = fetch(endpoint + "/graph/data/aid.ttl?format=zzz&format=nt")
    assert status == 200 and body.startswith("<https://alliance-graph.example/"), body[:300]


def test_single_reads_one_value_from_either_kind_of_parameters():
    for params in ({"a": ["x", "x"]}, MultiDict([("a", "x"), ("a", "x")])):
        assert fields.single(params, "a") == "x"
        assert fields.single(params, "b", "d") == "d"
    with pytest.raises(Refused, match=r"^a given twice, with different values \('x' and ''\)"):
        fields.single({"a": ["x", "x", ""]}, "a")


def test_two_long_values_alike_in_their_start_are_said_apart(endpoint):
    # Alike in their first 60 characters, both were said as those 60 and an ellipsis:
    # "different values ('aaa…' (101 characters) and 'aaa…' (101 characters))".
    status, body = fetch(endpoint + "/search?q=" + "a" * 100 + "X&q=" + "a" * 100 + "Y")
    assert status == 400 and len(body) < 300, body
    assert "X' (101 characters) and '" in body and "Y' (101 characters)): give it once" in body
    status, body = fetch(endpoint + "/timeline?page=" + "1" * 5000 + "&page=" + "1" * 5001)
    assert status == 400 and len(body) < 300 and "(5,000 characters) and" in body, body


@pytest.mark.parametrize("ctype, body", [
    ("application/sparql-query;charset=utf-8;charset=utf-16", b"ASK {}"),
    ("application/x-www-form-urlencoded; charset=utf-8; Charset=\"UTF-16\"", b"query=ASK+%7B%7D"),
])
def test_a_charset_given_twice_with_different_values_is_refused_naming_both(endpoint, ctype,
                                                                            body):
    # charset=utf-8;charset=utf-16 was answered, the first taken: the body may be in either.
    status, said = sent(endpoint, "POST", "/sparql", body, {"Content-Type": [ctype]})
    assert (status, said) == (415, "the Content-Type names two charsets, utf-8 and utf-16, and "
                                   "the body can be in one: name one (UTF-8)\n")
    # The same one twice says one thing.
    status, said = sent(endpoint, "POST", "/sparql", body, {
        "Content-Type": [ctype.replace("16", "8")]})
    assert status == 200 and '"boolean":true' in said, said
    status, said = sent(endpoint, "POST", "/sparql", body, {  # two names of UTF-8
        "Content-Type": [ctype.replace("utf-16", "utf8").replace("UTF-16", "UTF8")]})
    assert status == 200 and '"boolean":true' in said, said


@pytest.mark.parametrize("ctype, body", [
    ("application/sparql-query", b"ASK {}"),
    ("application/x-www-form-urlencoded", b"query=ASK+%7B%7D"),
])
def test_a_charset_is_judged_by_the_encoding_it_names_in_any_order(endpoint, ctype, body):
    # charset=ascii;charset=us-ascii (one encoding) was refused, 'not ascii', and the other
    # order read; utf_8 alone refused and utf-8;charset=utf_8 read: four names were read.
    for charsets in (("ascii", "us-ascii"), ("us-ascii", "ascii"), ("utf_8",),
                     ("utf-8", "utf_8"), ("UTF8",)):
        given = ctype + "".join(f";charset={c}" for c in charsets)
        status, said = sent(endpoint, "POST", "/sparql", body, {"Content-Type": [given]})
        assert status == 200 and '"boolean":true' in said, (given, said)
    status, said = sent(endpoint, "POST", "/sparql", body, {
        "Content-Type": [ctype + ";charset=latin1"]})
    assert status == 415 and "not latin1" in said, said


def test_a_charset_name_never_seen_is_judged_without_keeping_it():
    # The encoding a charset names was found by codecs.lookup, whose search keeps each name it
    # does not find for good (encodings._cache): a client sending a new charset with every
    # request grew the server's memory without end.  A thousand such names keep nothing.
    import encodings

    names = [f"x-charset-{n}-" + "y" * 200 for n in range(1000)]
    before = len(encodings._cache)
    assert not any(fields.utf8(fields.charset(f"application/sparql-query; charset={name}"))
                   for name in names)
    assert len(encodings._cache) == before
    assert all(fields.utf8(name) for name in ("UTF-8", "utf8", "u8", "US-ASCII", "646",
                                              "ANSI_X3.4-1968", "cp65001"))
