"""The hostile requests of the fuzz suite (tests/test_fuzz.py): a fixed corpus and seeded
mutations, as raw HTTP so that malformed requests can be sent as they are.

Each request is ``(family, raw bytes)``; ``corpus(listener_port, seed, mutations)`` returns
them all.  The families follow issue 12: outbound fetch through SERVICE and FROM, oversized and
deeply nested queries, memory and time bombs, updates, bad UTF-8, page paths no IRI can hold,
malformed requests; plus seeded mutations of the catalogue's queries.
"""

from __future__ import annotations

import random
import urllib.parse
from pathlib import Path

QUERIES = Path(__file__).resolve().parents[1] / "queries"


def get(path: str, params: dict | None = None, headers: dict | None = None) -> bytes:
    """Return a raw GET request (the query string percent-encoded as UTF-8 unless bytes)."""
    query = "" if params is None else "?" + urllib.parse.urlencode(params)
    head = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    return f"GET {path}{query} HTTP/1.1\r\nHost: fuzz\r\n{head}Connection: close\r\n\r\n".encode()


def post(path: str, body: bytes, ctype: str, headers: dict | None = None) -> bytes:
    """Return a raw POST request with a correct Content-Length."""
    head = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    return (f"POST {path} HTTP/1.1\r\nHost: fuzz\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(body)}\r\n{head}Connection: close\r\n\r\n").encode() + body


def sparql(query: str, **params) -> bytes:
    return get("/sparql", {"query": query, **params})


def service_spellings(port: int) -> list[str]:
    """SERVICE and FROM as a text scanner misreads them, all aimed at the listener."""
    url = f"http://127.0.0.1:{port}"
    return [
        f"SELECT ?x {{ VALUES ?v {{ id:a\\# }} SERVICE <{url}/x> {{ ?x ?p ?o }} }}",
        f"PREFIX : <{url}/> SELECT ?x {{ SERVICE:q {{ ?x ?p ?o }} }}",
        f"SELECT ?x {{ VALUES ?s {{ <{url}/v> }} SERVICE?s {{ ?x ?p ?o }} }}",
        f"PREFIX : <{url}/> SELECT ?x FROM:name {{ ?x ?p ?o }}",
        f"SELECT * {{ SERVICE SILENT <{url}/s> {{ ?s ?p ?o }} }}",
        f"select * {{ service <{url}/lower> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SeRvIcE # comment\n <{url}/c> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ OPTIONAL {{ SERVICE <{url}/opt> {{ ?s ?p ?o }} }} }}",
        f"SELECT * {{ FILTER EXISTS {{ SERVICE <{url}/ex> {{ ?s ?p ?o }} }} }}",
        f"SELECT * {{ {{ SELECT * {{ SERVICE <{url}/sub> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * {{ ?s ?p ?o MINUS {{ SERVICE <{url}/m> {{ ?s ?p ?o }} }} }}",
        f"PREFIX s: <{url}/> SELECT * {{ SERVICE s:x {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE <{url}/\\u0041> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE\t<{url}/tab> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE<{url}/glued>{{ ?s ?p ?o }} }}",
        f"BASE <{url}/> SELECT * {{ SERVICE <relative> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{url}/from> {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}/named> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}/c> {{ ?s ?p ?o }} }}",
        f"ASK {{ SERVICE <{url}/ask> {{ ?s ?p ?o }} }}",
        f"LOAD <{url}/load>",
        # '<' after EXISTS { } is less-than to the engine; read as an IRI, the quote in it
        # hid the SERVICE call in a string (the sandbox alone stopped it).
        f"SELECT * {{ ?s ?p ?o BIND(EXISTS{{}}<?s+'>' AS ?z) SERVICE <{url}/exists> "
        "{ ?a ?b ?c } FILTER(') #' != '')\n} LIMIT 1",
        # "true1(" is true, 1 and a collection to the engine, '<...>' in it an IRI; read as a
        # call's arguments, '<' was less-than and the quote hid the call (the '<' refused it).
        f"SELECT * {{ ?s ?p (true1(?a<http://x/'>)) SERVICE <{url}/glued-number> {{}} #'\n}}",
        # And compact, with nothing ambiguous left to refuse: the comparison and the call.
        f"SELECT * {{ ?s ?p ?o FILTER(?o<'m'&&?o>'a') SERVICE <{url}/compact> {{ }} }}",
        # With a prefix holding FILTER declared, a name glued to FILTER is read by its place
        # in the triple; three places were misread, FILTER read as a verb's collection, and
        # the strings in it hid the call: after keywords glued to an undeclared prefix
        # ("trueas:x" is "true a s:x"), after a subject and a path's group, and after a
        # FILTER calling a function with no arguments.
        *(f"PREFIX filters: <http://e/> PREFIX s: <http://s/> SELECT * {{ {group} "
          f"filters:q {brackets} SERVICE <{url}/{name}> {{}} #'\n}}"
          for name, group, brackets in (
              ("glued", "trueas:x", "(?a<s:b&&'>'!=' ')"),
              ("path", "filters:p (s:a) ?o", "(?a<s:b&&'>'!=' ')"),
              ("no-arguments", "FILTERs:f() ?t", "(?a<s:b'>)"))),
        # FILTER glued to a prefix neither the query nor the engine knows is no verb where one
        # may follow: FILTER and a call, whose '<' and strings were read ahead as a collection's.
        f"PREFIX filters: <http://e/> SELECT * {{ ?s ?p ?o ; FILTERxsd:boolean (?a<xsd:b&&'>') "
        f"SERVICE <{url}/no-name> {{}} #')\n}}",
        # A sign, a space and a number are one member to the engine: the collection parses, and
        # its IRI's quote hid the call from the checks, which read "- 1" as an operator.
        f"PREFIX filters: <http://e/> SELECT * {{ ?s ?p ?o ; filters:p (?a - 1 <xsd:b'>) "
        f"SERVICE <{url}/sign> {{}} #')\n}}",
    ]


def nesting() -> list[str]:
    """Queries past the sizes that crashed Oxigraph, and shapes of the same kind."""
    return [
        "SELECT * " + "{" * 2200 + " ?s ?p ?o " + "}" * 2200,
        "SELECT * WHERE { ?s ?p ?o " + "FILTER(?o) " * 9300 + "}",
        "SELECT * WHERE { " + " ".join(f"?s{i} ?p ?o{i} ." for i in range(8100)) + " }",
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "?o" + ")" * 5000 + ") }",
        "SELECT * WHERE { " + "OPTIONAL { " * 3000 + "?s ?p ?o" + " }" * 3000 + " }",
        "SELECT * WHERE { ?s " + "/".join(["rdf:type"] * 10000) + " ?o }",
        "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 6000) + " }",
        "SELECT * WHERE { ?s ?p " + ", ".join(f"<urn:{i}>" for i in range(20000)) + " }",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o IN (" + ",".join(str(i) for i in range(30000)) + ")) }",
        "SELECT * WHERE { VALUES ?x { " + " ".join(f"<urn:{i}>" for i in range(40000)) + " } }",
        "SELECT * WHERE { ?s ?p [ " + "ag:p [ " * 3000 + "ag:p ?o" + " ]" * 3000 + " ] }",
        "SELECT * WHERE { ?s ?p ?o }" + " " * 2_000_000,
        "SELECT (" + "+".join(["1"] * 20000) + " AS ?x) {}",
        # Shapes the bounds misread once: a ')' in an IRI lowering the depth around it, and
        # numbers glued to keywords in one word, each a collection member to the engine.
        "SELECT * WHERE { FILTER(" + "<e:)>(" * 6500 + "1" + ")" * 6500 + ") }",
        "SELECT * WHERE { ?s ?p (" + "true1" * 10000 + ") }",
        # A local name holds one run of dots to the engine: each ".5" after it is a member.
        "SELECT * WHERE { ?s ?p (ag:a1" + ".5" * 20000 + ") }",
    ]


def bombs() -> list[str]:
    """Queries that only the time and memory limits stop (503 is their right answer)."""
    return [
        "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?f LIMIT 1",
        "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        "SELECT ?a (GROUP_CONCAT(?c) AS ?all) { ?a ?b ?c . ?d ?e ?f } GROUP BY ?a",
    ]


def updates() -> list[bytes]:
    """Updates in every way the protocol can carry them."""
    texts = ["INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DELETE WHERE { ?s ?p ?o }",
             "PREFIX x: <urn:> CLEAR ALL", "drop silent graph <urn:g>",
             "ASK {} ; INSERT DATA { <urn:a> <urn:b> <urn:c> }",
             "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"]
    out = [sparql(t) for t in texts]
    out += [post("/sparql", t.encode(), "application/sparql-update") for t in texts]
    out += [post("/sparql", urllib.parse.urlencode({"update": t}).encode(),
                 "application/x-www-form-urlencoded") for t in texts]
    return out


def bad_bytes() -> list[bytes]:
    """Bytes that are not UTF-8, percent-encoded and raw, in every place a query can be."""
    raw = [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80abc", b"\x00"]
    out = []
    for bad in raw:
        encoded = urllib.parse.quote_from_bytes(b"SELECT * { ?s ?p \"" + bad + b"\" }")
        out.append(b"GET /sparql?query=" + encoded.encode() + b" HTTP/1.1\r\nHost: f\r\n"
                   b"Connection: close\r\n\r\n")
        out.append(b"GET /sparql?query=ASK%7B%7D&format=" + bad + b" HTTP/1.1\r\nHost: f\r\n"
                   b"Connection: close\r\n\r\n")
        out.append(post("/sparql", b"ASK { ?s ?p \"" + bad + b"\" }", "application/sparql-query"))
        out.append(post("/sparql", b"query=" + encoded.encode(), "application/x-www-form-urlencoded"))
        out.append(b"GET /search?q=" + urllib.parse.quote_from_bytes(bad).encode()
                   + b" HTTP/1.1\r\nHost: f\r\nConnection: close\r\n\r\n")
        out.append(b"GET /id/" + urllib.parse.quote_from_bytes(bad).encode()
                   + b" HTTP/1.1\r\nHost: f\r\nConnection: close\r\n\r\n")
    return out


def paths() -> list[bytes]:
    """Page paths no IRI can hold, traversal, and odd methods."""
    odd = ["/id/%9D", "/id/a%0Cb", "/ontology/%0C", "/id/%00", "/id/%20x", "/id/%3Cscript%3E",
           "/id/" + "x" * 20000, "/id/../../etc/passwd", "/id/%2e%2e/%2e%2e/etc/passwd",
           "/ontology/..%2f..%2fsettings.py", "/static/../../../etc/passwd",
           "/id/source/%2e%2e", "/rdf-graphs?graph=javascript:alert(1)", "/rdf-graphs",
           "/rdf-graphs?graph=%FF", "/rdf-graphs?graph=" + "g" * 10000, "/dataset?format=%00",
           "/search?q=" + "(" * 5000, "/search?q=%22%5C", "/timeline?x=%FF", "/validate",
           "/?query=" + urllib.parse.quote("SELECT (IRI(\"javascript:alert(1)\") AS ?x) {}"),
           "/sparql?query=ASK%7B%7D&inferred=%FF&format=json", "/sparql?query=",
           "/sparql?default-graph-uri=not%20an%20iri&query=ASK%7B%7D",
           "/sparql?named-graph-uri=%3E&query=ASK%7B%7D", "/vocabulary.json?%FF=%FF"]
    out = [f"GET {p} HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n".encode() for p in odd]
    for method in ("PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "FOO"):
        out.append(f"{method} /sparql HTTP/1.1\r\nHost: f\r\nContent-Length: 0\r\n"
                   f"Connection: close\r\n\r\n".encode())
    return out


def malformed() -> list[bytes]:
    """Requests broken at the HTTP level."""
    return [
        b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: f\r\nAccept: " + b"x/y;q=" * 5000
        + b"\r\nConnection: close\r\n\r\n",
        b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: f\r\nAccept: ;;;,,,q=abc\r\n"
        b"Connection: close\r\n\r\n",
        b"POST /sparql HTTP/1.1\r\nHost: f\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: -5\r\nConnection: close\r\n\r\nASK {}",
        b"POST /sparql HTTP/1.1\r\nHost: f\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 99999999999999999999\r\nConnection: close\r\n\r\n",
        b"POST /sparql HTTP/1.1\r\nHost: f\r\nContent-Type: application/sparql-query\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nASK {}\r\n0\r\n\r\n",
        b"POST /sparql HTTP/1.1\r\nHost: f\r\nContent-Type: application/sparql-query\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n6\r\nASK {}\r\n0\r\n\r\n",
        b"POST /sparql HTTP/1.1\r\nHost: f\r\nContent-Type: \x00\xff\r\nContent-Length: 6\r\n"
        b"Connection: close\r\n\r\nASK {}",
        b"POST /validate HTTP/1.1\r\nHost: f\r\nContent-Type: text/turtle\r\nContent-Length: 12"
        b"\r\nConnection: close\r\n\r\n\x00\x01\x02binary!!",
        post("/validate", b"@prefix : <urn:> . :a :b " + b"[ :p " * 5000 + b"1" + b" ]" * 5000
             + b" .", "text/turtle"),
        post("/validate", b"@prefix : <urn:> . :a :b " + b"( " * 5000 + b")" * 5000 + b" .",
             "text/turtle"),
        post("/validate", b"this is not turtle {{{", "text/turtle"),
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/9.9\r\nHost: f\r\nConnection: close\r\n\r\n",
        b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n" + b"X-A: b\r\n" * 2000 + b"\r\n",
    ]


def mutations(seed: int, count: int) -> list[bytes]:
    """Seeded mutations of the catalogue's queries: cut, spliced, bytes flipped, tokens added."""
    rng = random.Random(seed)
    texts = [p.read_text(encoding="utf-8") for p in sorted(QUERIES.glob("*.rq"))]
    tokens = ["{", "}", "(", ")", "SERVICE", "GRAPH", "FROM", "<", ">", "\"", "'''", "#", "\\",
              "?x", "a", ";", ",", ".", "*", "|", "^", "!", "/", "+", "OPTIONAL", "UNION",
              "FILTER(", "<<", ">>", "{|", "|}", "\\u0000", "\u0000", "\ud7ff", "é", "%"]
    out = []
    for _ in range(count):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text) + 1)
            move = rng.random()
            if move < 0.3:
                text = text[:at]
            elif move < 0.6:
                text = text[:at] + rng.choice(tokens) + text[at:]
            elif move < 0.8:
                other = rng.choice(texts)
                text = text[:at] + other[rng.randrange(len(other) + 1):]
            else:
                text = text[:at] + chr(rng.randrange(1, 0x3000)) + text[at + 1:]
        out.append(sparql(text, format=rng.choice(["json", "xml", "csv", "tsv", "ttl", "nt"])))
    return out


def corpus(listener_port: int, seed: int = 12, count: int = 400) -> list[tuple[str, bytes]]:
    """Return every request of the suite, with its family."""
    families = {
        "service": [sparql(q) for q in service_spellings(listener_port)],
        "nesting": [post("/sparql", q.encode(), "application/sparql-query") for q in nesting()],
        "bomb": [sparql(q) for q in bombs()],
        # An IRI the query only names is no fetch: described from the graph (nothing), 200.
        "describe": [sparql(f"DESCRIBE <http://127.0.0.1:{listener_port}/d>")],
        "update": updates(),
        "utf8": bad_bytes(),
        "path": paths(),
        "malformed": malformed(),
        "mutation": mutations(seed, count),
    }
    return [(family, raw) for family, requests in families.items() for raw in requests]
