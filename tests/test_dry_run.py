"""POST /validate over real HTTP: the CLI's report, 4xx for what cannot be validated, no writes.

The server serves the shape fixtures' small base graph (a copy), so the fixtures that conform
with it, or do not, are the proposals.
"""

import concurrent.futures
import gzip
import hashlib
import html
import io
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace
from werkzeug.test import encode_multipart

import helpers
import servers

SHAPES = Path(__file__).parent / "fixtures" / "shapes"
PASSES = SHAPES / "domain.pass.ttl"
FAILS = SHAPES / "claim-evidence.fail.ttl"
BASE = SHAPES / "base"
SH = Namespace("http://www.w3.org/ns/shacl#")
BIN = Path(sys.executable).parent / "alliance-graph"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("dry-run")
    shutil.copytree(BASE, root / "data")
    return ["--data", str(root / "data"), "--cache", str(root / "cache")], root / "data"


@pytest.fixture(scope="module")
def endpoint(project, tmp_path_factory):
    options, _ = project
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    process = servers.start([str(BIN), *options, "serve", "--port", str(port)],
                            url + "/validate", tmp_path_factory.mktemp("log") / "serve.log",
                            timeout=180)
    yield url
    servers.stop(process)


def post(endpoint, body: bytes, content_type="text/turtle", accept=None, path="/validate"):
    headers = {"Content-Type": content_type}
    if accept:
        headers["Accept"] = accept
    request = urllib.request.Request(endpoint + path, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def data_snapshot(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_a_conforming_proposal(endpoint):
    status, headers, body = post(endpoint, PASSES.read_bytes())
    assert status == 200 and headers["Content-Type"] == "application/json"
    report = json.loads(body)
    assert report["conforms"] is True and report["files"] == ["proposal.ttl"]


def test_a_failing_proposal_is_200_with_the_clis_findings(endpoint, project):
    status, _, body = post(endpoint, FAILS.read_bytes())
    assert status == 200
    report = json.loads(body)
    assert report["conforms"] is False
    violation = next(f for f in report["findings"] if f["severity"] == "Violation")
    for key in ("message", "focus", "path", "value", "line", "shape"):
        assert key in violation
    assert violation["file"] == "proposal.ttl" and violation["line"] > 0
    # The same findings as `alliance-graph validate --format json`, file name aside.
    cli = subprocess.run([str(BIN), *project[0], "validate", "--format", "json", str(FAILS)],
                         capture_output=True, text=True)
    expected = json.loads(cli.stdout)["findings"]
    strip = lambda fs: sorted((f["severity"], f["message"], f["focus"], f["line"]) for f in fs)  # noqa: E731
    assert strip(report["findings"]) == strip(expected)


@pytest.mark.parametrize("accept, fmt", [("text/turtle", ox.RdfFormat.TURTLE),
                                         ("application/ld+json", ox.RdfFormat.JSON_LD)])
def test_rdf_clients_get_the_shacl_report_graph(endpoint, accept, fmt):
    status, headers, body = post(endpoint, FAILS.read_bytes(), accept=accept)
    assert status == 200 and headers["Content-Type"].startswith(accept)
    graph = Graph().parse(data=ox.serialize(ox.parse(body, format=fmt),
                                            format=ox.RdfFormat.N_TRIPLES), format="nt")
    report = next(graph.subjects(predicate=SH.conforms))
    assert graph.value(report, SH.conforms).toPython() is False
    assert len(list(graph.objects(report, SH.result))) >= 1


def test_bad_turtle_is_400_with_the_parsers_line_and_no_temporary_path(endpoint):
    status, headers, body = post(endpoint, b"@prefix ag: <https://alliance-graph.example/ontology/> .\n\nag:x ag:y .\n")
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    text = body.decode()
    assert text.startswith("line 3: ") and "/tmp" not in text and "proposal-" not in text


@pytest.mark.parametrize("body, ctype, status, words", [
    (b"", "text/turtle", 400, "empty"),
    (b"   \n", "text/turtle", 400, "empty"),
    (b"{}", "application/json", 415, "text/turtle"),
    # Read as UTF-8 whatever the client said, and then said to be no UTF-8 text (400).
    ("<urn:a> <urn:p> <urn:o> .\n".encode("utf-16"), "text/turtle; charset=utf-16", 415,
     "Turtle is UTF-8 (its registration says so), not utf-16: send the proposal in UTF-8"),
    ("<urn:a> <urn:p> \"caf\u00e9\" .\n".encode("latin-1"), 'text/turtle; charset="ISO-8859-1"',
     415, "not iso-8859-1: send the proposal in UTF-8"),
    # Said as "line 1: is a binary file", the file named by its place alone, no subject left.
    (b"\x00\x01binary", "text/turtle", 400,
     "line 1: the proposal is a binary file, not Turtle"),
    (b"\xff\xfe not utf-8", "text/turtle", 400, "line 1: the proposal is not valid UTF-8"),
    # Said as "the proposal: is ...", the temporary file's name replaced but not its colon.
    (b"# only a comment\n", "text/turtle", 400, "the proposal is empty: it states no triples"),
    ("<urn:a> <urn:p> <urn:o> .\n".encode("utf-16"), "text/turtle", 400,
     "the proposal is UTF-16 text: save it as UTF-8"),
    # UTF-16 holding no NUL byte (Hebrew alone) was described byte by byte as Windows-1252:
    # "byte 0xFF, the line's byte 1, is 'ÿ', ... in Windows-1252".
    ("\ufeffהצעהחדשה".encode("utf-16-le"), "text/turtle", 400,
     "(it is UTF-16 text, what Windows calls Unicode): save it as UTF-8"),
    ("הצעהחדשה".encode("utf-16-be"), "text/turtle", 400,
     "(it is UTF-16 text, what Windows calls Unicode): save it as UTF-8"),
    # A page saved from a browser was told "an IRI between < > is relative ... write the
    # project's names with their prefixes".
    (b"<!DOCTYPE html>\n<html><body>Iron Dome</body></html>\n", "text/turtle", 400,
     "the proposal is an HTML page (saved from a browser?), not Turtle"),
    # Forms that carry no proposal were all "the proposal is empty".
    (b"turtle=%ZZ%00\xff", "application/x-www-form-urlencoded", 400,
     "the form body is not valid UTF-8 (byte 13)"),
    (b"proposal=x", "application/x-www-form-urlencoded", 400, "the form carries no proposal"),
    (b'--x\r\nContent-Disposition: form-data; name="proposal"; filename="a.ttl"\r\n\r\n'
     b"x\r\n--x--\r\n", "multipart/form-data; boundary=x", 400, "a field named file"),
    (b'--x\r\nContent-Disposition: form-data; name="turtle"\r\n\r\nx\r\n--x--\r\n',
     "multipart/form-data; boundary=y", 400, "split by the boundary its Content-Type names"),
    # werkzeug's 413 said "The data value transmitted exceeds the capacity limit".
    (b"".join(b'--x\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nv\r\n' % i
              for i in range(1200)) + b"--x--\r\n", "multipart/form-data; boundary=x", 400,
     "the form has more than 1,000 parts; the form at /validate sends two"),
])
def test_what_cannot_be_validated_is_a_clear_4xx(endpoint, body, ctype, status, words):
    got, _, text = post(endpoint, body, ctype)
    assert got == status and words in text.decode(), text
    assert "the proposal:" not in text.decode()


@pytest.mark.parametrize("headers, body, status, words", [
    ({"Content-Type": "text/turtle", "Content-Encoding": "gzip"},
     gzip.compress(PASSES.read_bytes()), 415, "Content-Encoding gzip; this server reads bodies"),
    ({"Content-Type": "application/x-www-form-urlencoded; charset=utf-16"},
     "turtle=x".encode("utf-16"), 415, "a form is read as percent-encoded UTF-8, not utf-16"),
    ({"Content-Type": "application/x-www-form-urlencoded"}, b"a&" * 2000 + b"turtle=x", 400,
     "the form body has 2,001 fields (parts separated by &); at most 1,000 are read"),
], ids=["gzip", "utf-16-form", "many-fields"])
def test_a_body_read_as_sparql_reads_one_is_refused_as_sparql_refuses_it(endpoint, headers, body,
                                                                           status, words):
    # A gzip proposal was reported as a line of bad Turtle, a UTF-16 form as carrying no
    # proposal, and a form of millions of fields held a thread for seconds to say so.
    got, _, text = helpers.fetch(endpoint + "/validate", data=body, headers=headers)
    assert got == status and words in text.decode(), text


def test_over_the_servers_limit_is_413_without_reading_the_body(endpoint, settings):
    host, port = endpoint.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        # Announce a huge body and send none of it: the answer must not wait for it.
        sock.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\n"
                     b"Content-Length: %d\r\n\r\n" % (settings.max_request_bytes + 1))
        started = time.monotonic()
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413") and time.monotonic() - started < 10


def test_over_the_proposal_limit_is_413(kg, settings):
    from alliance_graph.web.app import create_app
    client = create_app(settings.with_(max_proposal_bytes=100), kg=kg).test_client()
    response = client.post("/validate", data=FAILS.read_bytes(), content_type="text/turtle")
    assert response.status_code == 413 and "100 bytes" in response.text


def test_a_body_without_length_is_read_no_further_than_the_limit(pages_kg, pages_settings):
    from alliance_graph.web.app import create_app
    client = create_app(pages_settings.with_(max_proposal_bytes=1000), kg=pages_kg).test_client()
    body = io.BytesIO(b"# a comment line\n" * 1000)
    response = client.post("/validate", input_stream=body, content_type="text/turtle",
                           headers={"Transfer-Encoding": "chunked"},
                           # what gunicorn says of a chunked body: it ends where the chunks do
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413 and "1000 bytes" in response.text
    assert body.tell() <= 1001 + 8192  # what was read: the limit and a buffer, not the rest


def test_nothing_is_written_into_data(endpoint, project):
    before = data_snapshot(project[1])
    for body in (PASSES.read_bytes(), FAILS.read_bytes(), b"not turtle at all ."):
        post(endpoint, body)
    assert data_snapshot(project[1]) == before


def test_the_form_page_and_a_form_post(endpoint):
    with urllib.request.urlopen(endpoint + "/validate", timeout=30) as response:
        page = response.read().decode()
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert 'enctype="multipart/form-data"' in page and 'name="turtle"' in page
    form = urllib.parse.urlencode({"turtle": FAILS.read_text()}).encode()
    status, headers, body = post(endpoint, form, "application/x-www-form-urlencoded",
                                 accept="text/html")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "does not conform" in body.decode()


def test_a_multipart_upload_is_reported_under_its_file_name(kg, settings):
    from alliance_graph.web.app import create_app
    client = create_app(settings, kg=kg).test_client()
    with FAILS.open("rb") as handle:
        response = client.post("/validate", data={"file": (handle, "my proposal.ttl")},
                               content_type="multipart/form-data")
    assert response.status_code == 200
    assert response.get_json()["files"] == ["my_proposal.ttl"]


def test_an_uploaded_file_keeps_a_name_in_any_script_and_loses_its_folders(kg, settings):
    # Regression: werkzeug's secure_filename kept ASCII alone, so a Hebrew file name was
    # reported as "ttl" (and a Windows path, C:\Users\me\p.ttl, as "CUsersmep.ttl").
    from alliance_graph.web import proposal_body
    from alliance_graph.web.app import create_app
    client = create_app(settings, kg=kg).test_client()
    response = client.post("/validate", data={"file": (FAILS.open("rb"), "הצעה.ttl")},
                           content_type="multipart/form-data")
    assert response.get_json()["files"] == ["הצעה.ttl"]
    for sent, shown in [("C:\\Users\\me\\p.ttl", "p.ttl"), ("../\u202eltt.ttl", "ltt.ttl"),
                        ('"><b>.ttl', "b_.ttl"),
                        ("my  proposal.ttl", "my_proposal.ttl"), ("...", "proposal.ttl")]:
        assert proposal_body.shown_name(sent) == shown, sent


def test_a_validation_past_its_time_is_stopped_and_frees_its_slot(kg, settings):
    # A 413 without Retry-After: sent again, the same proposal would be stopped again (a 503
    # with Retry-After told a client to do just that).
    from alliance_graph.web.app import create_app
    app = create_app(settings.with_(validate_timeout=0.01, validations=1), kg=kg)
    for _ in range(2):  # the second one finds the slot free again
        response = app.test_client().post("/validate", data=FAILS.read_bytes(),
                                          content_type="text/turtle")
        assert response.status_code == 413 and "longer than" in response.text
        assert "Retry-After" not in response.headers


def test_a_validation_past_its_memory_is_stopped_and_frees_its_slot(kg, settings):
    # Nothing bounded a validation's process but the machine: a 4.9 MB proposal of failing
    # claims took 1.9 GB, two at once twice that.  (Python alone holds more than 20 MiB.)
    from alliance_graph.web.app import create_app
    app = create_app(settings.with_(validate_memory=20 << 20, validations=1), kg=kg)
    for _ in range(2):
        response = app.test_client().post("/validate", data=FAILS.read_bytes(),
                                          content_type="text/turtle")
        assert response.status_code == 413, response.text
        assert "Retry-After" not in response.headers
        assert "needed more than 20 MiB of memory and was stopped" in response.text


def test_a_pasted_proposal_may_be_as_big_as_a_file(kg, settings):
    from alliance_graph.web.app import create_app
    client = create_app(settings, kg=kg).test_client()
    big = "# padding\n" * 80_000 + FAILS.read_text()   # 800 kB, over Flask's 500 kB default
    # Encoded here, in memory: the test client would spool a body this big to a file it
    # never closes.
    boundary, body = encode_multipart({"turtle": big})
    response = client.post("/validate", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200 and response.get_json()["conforms"] is False


def test_busy_slots_are_a_503_with_retry_after(kg, settings):
    # Retry-After is the time the last validation took here (about when a slot frees), 5 s
    # before one has run: it was 5 s whatever a validation took.
    from alliance_graph.web.app import create_app
    app = create_app(settings, kg=kg)
    slots = app.blueprints["dry_run"].slots

    def busy() -> str:
        held = 0
        while slots.acquire(blocking=False):
            held += 1
        try:
            response = app.test_client().post("/validate", data=FAILS.read_bytes(),
                                              content_type="text/turtle")
            assert response.status_code == 503 and "busy" in response.text
            return response.headers["Retry-After"]
        finally:
            for _ in range(held):
                slots.release()

    assert busy() == "5"
    started = time.monotonic()
    assert app.test_client().post("/validate", data=FAILS.read_bytes(),
                                  content_type="text/turtle").status_code == 200
    took = time.monotonic() - started
    assert 1 <= int(busy()) <= max(1, math.ceil(took))
    assert int(busy()) == max(1, math.ceil(app.blueprints["dry_run"].took))


def test_the_log_keeps_a_failures_cause_whole_and_bounded():
    # Each line of it (the log kept the first alone), clipped, its control characters escaped
    # (a line quoting a data file could rewrite the log's line), the first and last 100.
    from alliance_graph.web.dry_run import _logged
    cause = "\n".join(f"line {n}: \x1b[2J\r" + "x" * 5000 for n in range(300))
    lines = _logged(cause).split("\n    ")
    assert len(lines) == 201 and lines[100] == "... (100 lines left out)"
    assert lines[0].startswith("line 0: \\x1b[2J\\x0d") and lines[-1].startswith("line 299: ")
    assert all(len(line) < 2100 and line.isprintable() for line in lines)
    assert _logged("one\ntwo") == "one\n    two"


def test_a_client_running_its_share_of_validations_leaves_a_slot_to_the_others(kg, settings):
    # One client sending proposals for minutes held both slots: everyone else got 503.
    from alliance_graph.web.app import create_app
    app = create_app(settings.with_(validations=2), kg=kg)
    client = app.test_client()
    with app.blueprints["dry_run"].shares.share("127.0.0.1"):  # its one validation running
        mine = client.post("/validate", data=FAILS.read_bytes(), content_type="text/turtle")
        assert mine.status_code == 429 and mine.headers["Retry-After"]
        assert "its share of validations running at once (1)" in mine.text
        theirs = client.post("/validate", data=FAILS.read_bytes(), content_type="text/turtle",
                             environ_base={"REMOTE_ADDR": "127.0.0.2"})
        assert theirs.status_code == 200


def test_a_report_lists_at_most_its_limit_of_findings(endpoint):
    # A finding per triple: the front renders at most validate_max_findings (1,000) of them,
    # and says how many more there are, however large the proposal.
    body = "@prefix x: <http://x/> .\n" + "".join(f"x:a{i} x:b x:c{i} .\n" for i in range(1100))
    status, _, answer = post(endpoint, body.encode())
    assert status == 200
    report = json.loads(answer)
    assert len(report["findings"]) == 1000 and report["omitted"] >= 100
    assert report["conforms"] is False
    status, _, page = post(endpoint, body.encode(), accept="text/html")
    assert status == 200 and f"{report['omitted']} more finding(s) are not shown".encode() in page


def test_a_cut_report_counts_every_finding_in_its_verdict(kg, settings, monkeypatch):
    # 200,000 findings showed "does not conform (1000 violations)" and only a last line said
    # that 199,000 more were not shown.
    from alliance_graph.proposals import report as report_mod
    from alliance_graph.web import dry_run
    from alliance_graph.web.app import create_app
    finding = report_mod.Finding("Violation", "m", "urn:shape", "a shape", file="proposal.ttl")
    whole = report_mod.Report([finding] * 2000, ["proposal.ttl"])
    monkeypatch.setattr(dry_run, "run", lambda *_: report_mod.capped(whole, 1000))
    client = create_app(settings, kg=kg).test_client()
    page = client.post("/validate", data=FAILS.read_bytes(), content_type="text/turtle",
                       headers={"Accept": "text/html"}).text
    assert "does not conform</strong>\n  (2,000 violations; the 1,000 most severe are shown)" \
        in page
    assert "<h2>Violations (1,000 of 2,000 shown)</h2>" in page


def test_a_form_with_both_a_file_and_text_says_the_file_was_validated(kg, settings,
                                                                     monkeypatch):
    from alliance_graph.proposals import report as report_mod
    from alliance_graph.web import dry_run
    from alliance_graph.web.app import create_app
    validated = []
    monkeypatch.setattr(dry_run, "run", lambda _, data, name: validated.append((data, name))
                        or report_mod.Report([], [name]))
    client = create_app(settings, kg=kg).test_client()
    page = client.post("/validate", headers={"Accept": "text/html"},
                       content_type="multipart/form-data",
                       data={"turtle": "# my pasted text", "file": (io.BytesIO(b"# the file"),
                                                                   "mine.ttl")}).text
    assert validated == [(b"# the file", "mine.ttl")]
    assert "the file <bdi>mine.ttl</bdi>\n  was validated, not the text in the box" in page
    assert textarea(page) == "# my pasted text"  # kept as it was pasted
    # One of the two alone: nothing to say.
    page = client.post("/validate", headers={"Accept": "text/html"},
                       content_type="multipart/form-data",
                       data={"turtle": "", "file": (io.BytesIO(b"# the file"), "mine.ttl")}).text
    assert 'id="which"' not in page and textarea(page) == "# the file"


def test_the_form_carries_the_limits_its_script_checks(kg, settings):
    from alliance_graph.web.app import create_app
    page = create_app(settings, kg=kg).test_client().get("/validate").text
    assert f'data-max-proposal-bytes="{settings.max_proposal_bytes}"' in page
    assert f'data-max-request-bytes="{settings.max_request_bytes}"' in page
    assert f"at most {settings.max_proposal_bytes:,} bytes" in page
    assert "validate.js" in page


def prefix_bomb(namespace_chars: int, names: int) -> bytes:
    """A proposal whose one long prefix is repeated by every name: small as written, huge
    once each prefixed name is written out whole, as the parser writes it."""
    return (b"@prefix ag: <https://alliance-graph.example/ontology/> .\n"
            b"@prefix p: <http://example.org/" + b"a" * namespace_chars + b"#> .\n\n"
            b"p: p: p:" + b", p:" * names + b" .\n")


def test_a_proposal_whose_prefixes_expand_past_the_limit_is_refused_naming_the_prefix(
        kg, settings, monkeypatch):
    # Regression: 100 KB of Turtle (a prefix of 99,000 characters, 2,000 names) took the
    # validating process 1.2 GB, and the 5 MB a proposal may be would have taken hundreds of
    # GB. Refused before it is read whole, naming the prefix and its line: by the validating
    # process, the front never parsing a proposal (it did, a triple at a time, about 0.2 s
    # for 5 MB, holding the interpreter its threads share while everyone else's requests
    # waited).
    from alliance_graph.web.app import create_app
    client = create_app(settings, kg=kg).test_client()
    parsed = []
    parse = ox.parse
    monkeypatch.setattr(ox, "parse", lambda *a, **k: parsed.append(a[:1]) or parse(*a, **k))
    response = client.post("/validate", data=prefix_bomb(99_000, 2_000),
                           content_type="text/turtle")
    assert response.status_code == 400, response.text
    assert response.text.startswith("line 2: the prefix p: names an IRI of 99,020 characters")
    assert "more than 268,435,456 characters by its triple number 904" in response.text
    assert parsed == []  # in this process, the front's


NEW_ENTITY = """@prefix ag: <https://alliance-graph.example/ontology/> .
@prefix id: <https://alliance-graph.example/id/> .
@prefix claim: <https://alliance-graph.example/id/claim/> .
@prefix ev: <https://alliance-graph.example/id/evidence/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

claim:Zork-type a ag:Claim ; rdf:subject id:Zork ; rdf:predicate rdf:type ;
    rdf:object ag:State ; ag:rank ag:NormalRank ; prov:wasDerivedFrom ev:000-blue-flag .
claim:Zork-label a ag:Claim ; rdf:subject id:Zork ; rdf:predicate rdfs:label ;
    rdf:object "Zork" ; ag:rank ag:NormalRank ; prov:wasDerivedFrom ev:000-blue-flag .
"""


def test_the_reports_warnings_name_the_proposal_and_the_page_shows_them(kg, settings):
    # Regression: the warning that add would refuse a conforming proposal named the
    # server's temporary file (/tmp/alliance-graph-validate-.../proposal.ttl), and the form's
    # page showed no warning at all: "conforms", where the command line says WARNING.
    from alliance_graph.web.app import create_app
    client = create_app(settings, kg=kg).test_client()
    report = client.post("/validate", data=NEW_ENTITY, content_type="text/turtle").get_json()
    assert report["conforms"] is True
    refusal = next(w for w in report["warnings"] if w.startswith("add would refuse"))
    assert "proposal.ttl: no topic file" in refusal
    assert "alliance-graph-validate-" not in json.dumps(report)
    page = client.post("/validate", data={"turtle": NEW_ENTITY},
                       headers={"Accept": "text/html"}).text
    assert '<p class="warning"><strong>Warning:</strong> <bdi>add would refuse this' in page
    assert "alliance-graph-validate-" not in page


def test_a_proposal_refused_once_read_keeps_the_text_pasted(kg, settings):
    # Regression: an empty file chosen beside pasted text was "the proposal is empty", and
    # the page came back with an empty box: the text typed was lost, and nothing said that the
    # file was the one read. So did a proposal refused for its prefixes' expansion.
    from alliance_graph.web.app import create_app
    client = create_app(settings, kg=kg).test_client()
    pasted = "@prefix id: <https://alliance-graph.example/id/> .\nid:A id:b id:C .\n"
    response = client.post("/validate", data={"turtle": pasted,
                                              "file": (io.BytesIO(b""), "chosen.ttl")},
                           headers={"Accept": "text/html"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "the file chosen.ttl is empty: choose the file to validate" in response.text
    assert textarea(response.text) == pasted
    assert 'id="which"' in response.text
    bomb = prefix_bomb(99_000, 2_000).decode()
    page = client.post("/validate", data={"turtle": bomb}, headers={"Accept": "text/html"})
    assert page.status_code == 400 and "the prefix p: names an IRI" in page.text
    assert "p: p: p:, p:, p:" in page.text  # the text pasted, back in its box


def form(*parts: tuple[str, str | None, bytes]) -> tuple[bytes, str]:
    """Return a multipart body of ``parts`` (name, file name or None, content), in the order
    given (a browser sends the form's: the text box, then the file), and its Content-Type."""
    body = b"".join(b"--xyzzy\r\nContent-Disposition: form-data; name=\"%s\"%s\r\n\r\n%s\r\n"
                    % (name.encode(), b'; filename="%s"' % filename.encode() if filename
                       else b"", data) for name, filename, data in parts)
    return body + b"--xyzzy--\r\n", "multipart/form-data; boundary=xyzzy"


def textarea(page: str) -> str:
    """Return what the page's text box holds, as a browser reads it (HTML drops a line break
    right after the opening tag)."""
    text = html.unescape(page.split('<textarea id="turtle"', 1)[1].split(">", 1)[1]
                         .split("</textarea>", 1)[0])
    return text[1:] if text.startswith("\n") else text


@pytest.mark.parametrize("pasted", ["\n@prefix id: <https://alliance-graph.example/id/> .\n"
                                    'id:X id:y "never closed .\n', "\n\n# two\n"])
def test_a_proposal_kept_in_its_box_keeps_its_first_line_break(kg, settings, pasted):
    # HTML drops a line break right after <textarea>: a proposal starting with a blank line
    # came back a line short, and "line 3: Unexpected end of file" was line 2 of the box.
    from alliance_graph.web.app import create_app
    client = create_app(settings, kg=kg).test_client()
    page = client.post("/validate", headers={"Accept": "text/html"},
                       content_type="multipart/form-data", data={"turtle": pasted}).text
    assert textarea(page) == pasted


@pytest.mark.parametrize("parts, words", [
    ([("file", "a.ttl", b"#"), ("file", "b c.ttl", b"#")], "2 files (a.ttl, b_c.ttl)"),
    ([("file", f"{n}.ttl", b"#") for n in range(5)], "5 files (0.ttl, 1.ttl, 2.ttl, ...)"),
    ([("turtle", None, b"#"), ("turtle", None, b"#")], "2 texts in its field turtle"),
    ([("file", "a.ttl", b"#"), ("turtle", None, b"# x"), ("turtle", None, b"#")],
     "2 texts in its field turtle")])
def test_a_form_of_several_proposals_is_a_400_not_the_first_ones_report(endpoint, parts,
                                                                        words):
    # The first file (or text) alone was validated, and "conforms" said of the form: the
    # second, whatever it held, was never read.
    first = PASSES.read_bytes()
    body, ctype = form(*[(name, filename, first + data) for name, filename, data in parts])
    status, _, text = post(endpoint, body, ctype, accept="application/json")
    assert status == 400, text[:300]
    assert text.decode() == (f"the form carries {words}, and one proposal is validated at a "
                             "time: send each in a request of its own (alliance-graph validate "
                             "checks several files together)\n")
    form_body = urllib.parse.urlencode({"turtle": [first, first]}, doseq=True).encode()
    status, _, text = post(endpoint, form_body, "application/x-www-form-urlencoded")
    assert status == 400 and b"the form carries 2 texts in its field turtle" in text
    # A file and a blank text beside it, as the page's form sends them, are read as before.
    body, ctype = form(("turtle", None, b" "), ("turtle", None, b""), ("file", "a.ttl", first))
    assert post(endpoint, body, ctype, accept="application/json")[0] == 200


def test_a_graph_broken_under_a_running_server_is_a_503_that_names_nothing_of_the_server(
        tmp_path):
    # The server goes on serving the build it loaded; a validation builds the files as they
    # are now. A data file broken since was a 400, "line 3: ..." of data/base.ttl said as
    # the proposal's, for any proposal; then a 503 that told the client the server's files
    # and folders, absolute paths and all, with advice for the operator ("give another with
    # --ontology"). The client is now told only that the graph cannot be validated against;
    # the detail is in the server's log.
    data, ontology = tmp_path / "data", tmp_path / "ontology"
    shutil.copytree(BASE, data)
    shutil.copytree(Path(__file__).parent.parent / "ontology", ontology)
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    process = servers.start([str(BIN), "--data", str(data), "--ontology", str(ontology),
                             "--cache", str(tmp_path / "cache"), "serve", "--port", str(port)],
                            url + "/validate", log, timeout=180)
    said_503 = ("validation failed: the server's graph cannot be read to validate against "
                "(the proposal was not read); try again later, or tell the server's operator")
    try:
        good = (data / "base.ttl").read_bytes()
        (data / "base.ttl").write_bytes(good + b"\n@@@ not Turtle\n")
        (data / "zz.ttl").write_bytes(b"id:y\x00 a id:z .\n")
        for accept in ("application/json", "text/html"):
            status, headers, body = post(url, PASSES.read_bytes(), accept=accept)
            assert status == 503, body[:300]
            said = html.unescape(body.decode())
            assert said_503 in said and "base.ttl" not in said and "line " not in said
            assert headers["Retry-After"] == "60"  # the page's too (it had none)
        # Its whole cause, each broken file: the log kept the first line alone (base.ttl's).
        assert "POST /validate failed on the server's side: data/base.ttl:" in log.read_text()
        assert "\n    data/zz.ttl:1: is a binary file, not Turtle" in log.read_text()
        # Mended only by the operator: a fixed 5 s told clients to retry every 5 s.
        (data / "zz.ttl").unlink()
        (data / "base.ttl").write_bytes(good)
        # A folder gone: its absolute path, and the command line's advice, were the body.
        for folder, option in ((ontology, "--ontology"), (data, "--data")):
            folder.rename(folder.with_name("away"))
            try:
                status, headers, body = post(url, PASSES.read_bytes())
            finally:
                folder.with_name("away").rename(folder)
            assert (status, body.decode(), headers["Retry-After"]) == \
                (503, said_503 + "\n", "60")
            assert f"{folder} does not exist" in log.read_text() and option in log.read_text()
        assert post(url, PASSES.read_bytes())[0] == 200
        status, _, body = post(url, b"@prefix x: <y> .\nx:a x:b x:c .\n")
        assert status == 400 and body.startswith(b"line 1: ")  # the proposal's, as before
    finally:
        servers.stop(process)


def validating_children(parent: int | None = None) -> dict[int, int]:
    """Return the validating processes running (pid: parent's pid), of ``parent`` alone if
    given: those whose command line names a validation's temporary folder."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes()
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if b"alliance-graph-validate-" in command and parent in (None, ppid):
            found[int(entry.name)] = ppid
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="Linux's parent-death signal")
def test_a_validation_ends_with_the_server_killed_under_it(tmp_path):
    # The validating process outlived a server killed (kill -9), running on its own past
    # validate_timeout and validate_memory, which only the server enforced.
    import contextlib
    import os
    import signal
    import threading
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    process = servers.start([str(BIN), "--data", str(data), "--cache", str(tmp_path / "cache"),
                             "serve", "--port", str(port)], url + "/validate",
                            tmp_path / "serve.log", timeout=180)
    slow = b"@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n" + b"".join(
        b'[] rdfs:label "x%d" .\n' % i for i in range(40_000))   # about a minute's work

    def send():
        with contextlib.suppress(OSError):  # the server is killed under it
            post(url, slow)

    threading.Thread(target=send, daemon=True).start()
    children = {}
    try:
        deadline = time.monotonic() + 60
        while not (children := validating_children(process.pid)):
            assert time.monotonic() < deadline, "no validation started"
            time.sleep(0.1)
        process.kill()
        process.wait()
        deadline = time.monotonic() + 10
        while set(children) & set(validating_children()):
            assert time.monotonic() < deadline, "the validation ran on without its server"
            time.sleep(0.1)
    finally:
        servers.stop(process)
        for pid in set(children) & set(validating_children()):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize(("sent", "how"), [("SIGINT", "its operator's Ctrl-C"),
                                           ("SIGTERM", "SIGTERM"), ("SIGHUP", "SIGHUP")])
def test_a_ctrl_c_to_the_server_under_a_validation_is_no_failure_of_its_graph(tmp_path, sent,
                                                                               how):
    # A Ctrl-C (SIGINT to serve's process group) interrupts the validating process too: it
    # was logged "ERROR ... POST /validate failed on the server's side: interrupted", and the
    # client told, in "503 SERVICE UNAVAILABLE", that the server's graph could not be read.
    # A supervisor's SIGTERM to the group (systemd's stop) was so still, the process dying of
    # it read as a failure.  A closed terminal's SIGHUP killed the server: its client's
    # connection closed unanswered (RemoteDisconnected), the server ending -1.
    import contextlib
    import http.client
    import os
    import signal
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    port = servers.free_port()
    log = tmp_path / "serve.log"
    process = servers.start([str(BIN), "--data", str(data), "--cache", str(tmp_path / "cache"),
                             "serve", "--port", str(port), "--log-level", "info"],
                            f"http://127.0.0.1:{port}/validate", log, timeout=180,
                            preexec_fn=os.setpgrp)
    slow = b"@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n" + b"".join(
        b'[] rdfs:label "x%d" .\n' % i for i in range(40_000))
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("POST", "/validate", slow, {"Content-Type": "text/turtle"})
        deadline = time.monotonic() + 60
        while not validating_children(process.pid):
            assert time.monotonic() < deadline, "no validation started"
            time.sleep(0.05)
        os.killpg(process.pid, getattr(signal, sent))
        with contextlib.closing(connection):
            answer = connection.getresponse()
            said = answer.read().decode()
        assert (answer.status, answer.reason) == (503, "Service Unavailable"), said
        assert said.startswith(f"validation was interrupted: the server was stopped ({how})") \
            and "graph cannot be read" not in said
        assert process.wait(timeout=30) == 0
        logged = log.read_text()
        assert "ERROR" not in logged and "failed on the server's side" not in logged, logged
        assert "INFO alliance_graph.web.app: POST /validate was interrupted " \
            f"({'Ctrl-C' if sent == 'SIGINT' else sent})" in logged
    finally:
        servers.stop(process)


def test_a_ctrl_c_pressed_again_as_the_server_stops_leaves_its_clients_answered(tmp_path):
    # The second of a Ctrl-C pressed twice cut short waitress's wait for the requests running
    # to be answered: the validation's client had its connection closed unanswered
    # (RemoteDisconnected), not its 503.  Here the Ctrl-Cs go on until the answer comes.
    import signal
    import threading
    port = servers.free_port()
    process = servers.start([str(BIN), "--data", str(BASE), "--cache", str(tmp_path / "cache"),
                             "serve", "--port", str(port)], f"http://127.0.0.1:{port}/validate",
                            tmp_path / "serve.log", timeout=180, preexec_fn=os.setpgrp)
    slow = b"@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n" + b"".join(
        b'[] rdfs:label "x%d" .\n' % i for i in range(40_000))
    try:
        answered = threading.Event()
        answer = concurrent.futures.ThreadPoolExecutor(1).submit(
            lambda: (post(f"http://127.0.0.1:{port}", slow), answered.set())[0])
        deadline = time.monotonic() + 60
        while not validating_children(process.pid):
            assert time.monotonic() < deadline, "no validation started"
            time.sleep(0.02)
        os.killpg(process.pid, signal.SIGINT)
        while not answered.is_set() and process.poll() is None:
            os.kill(process.pid, signal.SIGINT)  # the server alone: its operator again
            answered.wait(0.005)
        status, _, said = answer.result(timeout=60)
        assert status == 503 and said.startswith(b"validation was interrupted: the server was "
                                                 b"stopped"), said
        assert process.wait(timeout=30) == 0
    finally:
        servers.stop(process)


def test_a_signal_to_the_validating_process_alone_is_no_stop_of_the_server(tmp_path):
    # `kill -INT <the validating process>` alone, the server going on, was answered "the
    # server was stopped (its operator's Ctrl-C)"; a SIGTERM so, "the server's graph cannot be
    # read" and an ERROR logged, and a SIGKILL (the out-of-memory killer's) or SIGHUP still
    # ("exit -9").  Neither was counted among /status's refusals.
    import signal
    port = servers.free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    process = servers.start([str(BIN), "--data", str(BASE), "--cache", str(tmp_path / "cache"),
                             "serve", "--port", str(port), "--log-level", "info"],
                            url + "/validate", log, timeout=180)
    slow = b"@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n" + b"".join(
        b'[] rdfs:label "x%d" .\n' % i for i in range(40_000))
    try:
        for count, sent in enumerate((signal.SIGINT, signal.SIGTERM, signal.SIGKILL,
                                      signal.SIGHUP), 1):
            before = set(validating_children(process.pid))
            answer = concurrent.futures.ThreadPoolExecutor(1).submit(post, url, slow)
            deadline = time.monotonic() + 60
            while not (children := set(validating_children(process.pid)) - before):
                assert time.monotonic() < deadline, "no validation started"
                time.sleep(0.02)
            os.kill(children.pop(), sent)
            status, headers, said = answer.result(timeout=60)
            assert status == 503 and said.decode().startswith(
                f"validation was interrupted: its process was stopped by a signal "
                f"({sent.name}) sent to it alone"), said
            assert "server goes on: send the proposal again" in said.decode()
            assert int(headers["Retry-After"]) >= 1
            with urllib.request.urlopen(url + "/status", timeout=30) as response:
                refused = json.load(response)["refused"]["503"]
            assert refused["a validating process stopped alone"] == count
        assert process.poll() is None  # the server goes on, and validates the next
        assert post(url, PASSES.read_bytes())[0] == 200
        logged = log.read_text()
        assert "ERROR" not in logged and "the server was stopped" not in logged, logged
        assert "INFO alliance_graph.web.app: POST /validate's validating process was stopped " \
            "by SIGTERM sent to it alone" in logged
        # The out-of-memory killer's signal, a warning; it was "ERROR ... exit -9".
        assert "WARNING alliance_graph.web.app: POST /validate's validating process was " \
            "stopped by SIGKILL sent to it alone (by an operator, or the kernel's " \
            "out-of-memory killer" in logged
    finally:
        servers.stop(process)



def test_a_validating_process_ended_in_its_start_by_a_ctrl_c_or_with_no_report_is_no_500(
        tmp_path, monkeypatch):
    # A CI run sent the Ctrl-C above while the validating process was still in Python's own
    # start, before any code of ours ran: it ends there with KeyboardInterrupt's traceback and
    # exit 1, which was read as a report of findings and failed to parse (a 500, "the server
    # failed to answer this request").  Made so every time here by a sitecustomize module that
    # does, in the validating process alone (the one run with -c), what a file tells it.
    site, mode = tmp_path / "site", tmp_path / "mode"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import os, sys\n"
        "if '-c' in sys.orig_argv:\n"
        f"    mode = open({str(mode)!r}).read()\n"
        "    if mode == 'interrupt':\n"
        "        raise KeyboardInterrupt\n"
        "    os._exit(1)\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        filter(None, [str(site), os.environ.get("PYTHONPATH")])))
    port = servers.free_port()
    log = tmp_path / "serve.log"
    process = servers.start([str(BIN), "--data", str(BASE), "--cache", str(tmp_path / "cache"),
                             "serve", "--port", str(port)],
                            f"http://127.0.0.1:{port}/validate", log)
    try:
        answers = []
        for said in ("interrupt", "exit"):
            mode.write_text(said)
            request = urllib.request.Request(f"http://127.0.0.1:{port}/validate",
                                             PASSES.read_bytes(),
                                             {"Content-Type": "text/turtle"})
            with pytest.raises(urllib.error.HTTPError) as raised:
                urllib.request.urlopen(request, timeout=60)
            answers.append((raised.value.code, raised.value.read().decode()))
            raised.value.close()
        (interrupted, interrupted_said), (no_report, no_report_said) = answers
        assert interrupted == 503 and interrupted_said.startswith("validation was interrupted")
        # Exit 1 and nothing written: no report to read, so no findings; the server's side.
        assert no_report == 503 and "cannot be read to validate against" in no_report_said
        assert "exit 1" in log.read_text()
    finally:
        servers.stop(process)


def test_a_file_over_the_limit_keeps_the_text_pasted_beside_it(endpoint, settings):
    # Regression: without the form's script, a file over the limit sent with pasted text
    # came back as a page with an empty box: the text typed was lost.
    pasted = PASSES.read_text().replace("\n", "\r\n")  # as a browser sends a text box
    body, ctype = form(("turtle", None, pasted.encode()),
                       ("file", "big.ttl", b"#" * (settings.max_proposal_bytes + 1)))
    assert len(body) <= settings.max_request_bytes  # what the front lets through to the app
    status, _, page = post(endpoint, body, ctype, accept="text/html")
    page = page.decode()
    assert status == 413
    assert (f"the file big.ttl is over the limit: a proposal may be at most "
            f"{settings.max_proposal_bytes} bytes; split it into smaller files, or choose no "
            "file to validate the text in the box (kept as it was pasted)") in page
    assert textarea(page) == pasted


def test_a_file_and_a_text_each_within_the_limit_are_one_form(endpoint, settings):
    # Regression: a form over the limit as a whole was refused as "a proposal may be at most
    # 5000000 bytes", though the file, which is what is validated, was far within it (and the
    # form's script, which checks each against the limit, had let it through).
    pasted = "# pasted, not validated\r\n" * 124_000                   # 3.1 MB
    chosen = b"# padding\n" * 200_000 + FAILS.read_bytes()             # 2 MB
    body, ctype = form(("turtle", None, pasted.encode()), ("file", "mine.ttl", chosen))
    # Over the limit and a form's overhead (64 KiB), where the old refusal began.
    assert settings.max_proposal_bytes + 65_536 < len(body) <= settings.max_request_bytes
    status, _, page = post(endpoint, body, ctype, accept="text/html")
    page = page.decode()
    assert status == 200 and "does not conform" in page
    assert "the file <bdi>mine.ttl</bdi>\n  was validated, not the text in the box" in page
    assert textarea(page) == pasted


def test_a_form_past_twice_the_limit_is_read_no_further_than_its_text(pages_kg, pages_settings):
    # Past a text and a file each at the limit (where max_request_bytes lets such a form
    # through), the form is read only as far as the text that comes before its file: kept
    # for the box, the file's content never read.
    from alliance_graph.web.app import create_app
    client = create_app(pages_settings.with_(max_proposal_bytes=1000), kg=pages_kg).test_client()

    def send(*parts):
        body, ctype = form(*parts)
        stream = io.BytesIO(body)
        response = client.post("/validate", input_stream=stream, content_type=ctype,
                               content_length=len(body), headers={"Accept": "text/html"})
        assert response.status_code == 413, response.text
        return response.text, stream.tell(), len(body)

    page, read, sent = send(("turtle", None, b"# mine\r\n<a:b> <a:c> <a:d> ."),
                            ("file", "big.ttl", b"#" * 2_000_000))
    assert "the file big.ttl is over the limit: a proposal may be at most 1000 bytes" in page
    assert textarea(page) == "# mine\r\n<a:b> <a:c> <a:d> ." and read < 100_000 < sent
    # The text after the file (no browser sends it so): not read, and said so.
    page, read, _ = send(("file", "big.ttl", b"#" * 2_000_000), ("turtle", None, b"# mine"))
    assert "came after the file in the request and was not read: it is not in the box" in page
    assert textarea(page) == "" and read < 100_000
    # The text itself past what is read back: said so, not put back.
    page, read, _ = send(("turtle", None, b"#" * 2_000_000), ("file", "", b""))
    assert "the pasted text is over the limit: a proposal may be at most 1000 bytes" in page
    assert "It is not back in the box: a form&#39;s text is read back only within the first " \
        "66,536 bytes of the request" in page
    assert textarea(page) == "" and read <= 66_536


def test_pasted_text_over_the_limit_comes_back_in_its_box_to_be_cut(pages_kg, pages_settings):
    from alliance_graph.web.app import create_app
    client = create_app(pages_settings.with_(max_proposal_bytes=1000), kg=pages_kg).test_client()
    body, ctype = form(("turtle", None, b"#" * 3000), ("file", "", b""))
    response = client.post("/validate", data=body, content_type=ctype,
                           headers={"Accept": "text/html"})
    assert response.status_code == 413
    assert "the pasted text is over the limit: a proposal may be at most 1000 bytes; split it " \
        "into smaller files" in response.text
    assert textarea(response.text) == "#" * 3000


def test_a_form_over_the_servers_limit_is_said_to_be(pages_kg, pages_settings):
    # Where no front refuses it first (waitress does): werkzeug's 413 said "The data value
    # transmitted exceeds the capacity limit".
    from alliance_graph.web.app import create_app
    client = create_app(pages_settings.with_(max_proposal_bytes=1000, max_request_bytes=50_000),
                        kg=pages_kg).test_client()
    body, ctype = form(("turtle", None, b"# mine"), ("file", "big.ttl", b"#" * 60_000))
    response = client.post("/validate", data=body, content_type=ctype)
    assert response.status_code == 413
    assert response.text == f"the request body is {len(body)} bytes, over the 50000-byte limit\n"


def test_a_report_too_big_for_the_front_is_refused_and_its_process_stopped(kg, settings,
                                                                          monkeypatch):
    # Regression: each finding repeats the IRIs and values it names, and a proposal of 110 KB
    # (400 claims named with a prefix of 99,000 characters) gave a report of 99 MB, which took
    # the server's front from 60 MB to 970 MB to show as a page. (The limit is made small
    # here: at 16 MiB the test would take as long.)
    from alliance_graph.web import validating_process
    from alliance_graph.web.app import create_app
    monkeypatch.setattr(validating_process, "MAX_REPORT_BYTES", 2**20)
    long = "http://example.org/" + "a" * 2000 + "#"
    body = f"@prefix p: <{long}> .\n" + "".join(f"p:a{i} p:b p:c{i} .\n" for i in range(300))
    client = create_app(settings, kg=kg).test_client()
    response = client.post("/validate", data=body, content_type="text/turtle")
    assert response.status_code == 413, (response.status_code, len(response.data))
    assert "Retry-After" not in response.headers  # the same proposal, sent again, would be too
    assert response.text.startswith("validating gave a report of more than 1 MiB (its findings "
                                     "repeat the IRIs and values they name")
    assert response.text.endswith("split the proposal\n")


def test_a_format_no_report_has_is_named_with_the_formats_there_are(kg, settings):
    from alliance_graph.web.app import create_app
    client = create_app(settings, kg=kg).test_client()
    response = client.post("/validate?format=pdf", data=PASSES.read_bytes(),
                           content_type="text/turtle")
    assert response.status_code == 406
    assert response.text == ("format 'pdf' cannot be produced here; choose one of: json, html, "
                             "turtle, jsonld\n")
    response = client.post("/validate", data=PASSES.read_bytes(), content_type="text/turtle",
                           headers={"Accept": "application/pdf"})
    assert response.status_code == 406 and response.text.startswith("a report can be had as ")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_utf16_file_comes_back_readable_in_the_box_to_validate_from_there(endpoint, encoding):
    # The page refused it (rightly: Turtle is UTF-8) and put its bytes in the box read as
    # UTF-8, a NUL between every two characters: nothing the user could validate again.
    written = PASSES.read_text("utf-8")
    body, ctype = form(("turtle", None, b""), ("file", "p.ttl", written.encode(encoding)))
    status, _, page = post(endpoint, body, ctype, accept="text/html")
    assert status == 400 and "is UTF-16 text" in page.decode()
    assert "Its text, read as UTF-16, is in the box: validate it from there" in \
        html.unescape(page.decode())
    assert textarea(page.decode()) == written
    again, ctype = form(("turtle", None, textarea(page.decode()).encode("utf-8")))
    status, _, report = post(endpoint, again, ctype)
    assert status == 200 and json.loads(report)["conforms"] is True


@pytest.mark.parametrize("body, title", [
    (PASSES, "Validate a proposal: conforms"),
    (FAILS, "Validate a proposal: does not conform"),
    (b"@prefix x: <urn:x> .\nx:a x:b .\n x:c", "Validate a proposal: could not be validated (400)"),
], ids=["conforms", "fails", "unreadable"])
def test_the_report_pages_title_says_its_verdict(endpoint, body, title):
    # Every answer's title was "Validate a proposal", the verdict said in the page only: a
    # screen reader, which reads the title as the page loads, said nothing of it.
    data = body.read_bytes() if isinstance(body, Path) else body
    _, _, page = post(endpoint, data, accept="text/html")
    assert f"<title>{title} · alliance-graph</title>" in page.decode()
