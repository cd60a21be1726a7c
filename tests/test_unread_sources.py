"""``POST /validate`` of a proposal quoting a source text the server cannot read
(``web/unread_sources.py``): a real server over HTTP."""

import shutil

import servers
from helpers import FIXTURE_BASE, ROOT

CITED = "000_06b6882714cf1880.txt"  # the source the fixtures' evidence quotes
PROPOSAL = ROOT / "tests" / "fixtures" / "shapes" / "evidence-credibility.fail.ttl"


# A second evidence node, quoting a source whose name is a link to nothing.
GONE = """
ev:fx-gone a ag:Evidence ;
    oa:hasSource src:zz-gone.txt ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "Iron Dome" ] .
"""


def test_a_source_the_server_cannot_read_is_said_with_the_proposals_findings(
        sources_dir, tmp_path):
    # It was 503 "validation failed: the server's graph cannot be read to validate against
    # (the proposal was not read)": the wrong reason, and none of the proposal's findings.
    sources = tmp_path / "sources"
    sources.mkdir()
    for name in (CITED, "001_b9e5a7348fac2993.txt"):
        shutil.copy(sources_dir / name, sources / name)
    (sources / CITED).write_bytes(b"caf\xe9 " + (sources / CITED).read_bytes())
    (sources / "zz-gone.txt").symlink_to(tmp_path / "gone.txt")  # a path of the server's
    shutil.copytree(FIXTURE_BASE, tmp_path / "data")  # the server locks its data folder
    url, server = servers.serve_validating(tmp_path / "data", sources, tmp_path / "serve.log")
    try:
        refused, body = servers.refused(url, PROPOSAL.read_bytes() + GONE.encode())
        # A proposal with no other finding is not said to conform: its quotes went unchecked.
        alone, alone_body = servers.refused(url, (PROPOSAL.parent / "claims.pass.ttl")
                                            .read_bytes())
    finally:
        servers.stop(server)
    assert refused.code == 503, body
    assert refused.headers["Retry-After"] == "60", body  # as a graph that cannot be read
    assert body.startswith(f"validation could not be finished: the server's source text {CITED} "
                           "cannot be read as a text: it is not UTF-8 text (byte 3, 0xe9, does "
                           "not decode); no quote or offset of it was checked; the server's "
                           "source text zz-gone.txt cannot be read as a text: it is a symbolic "
                           "link to a file, which does not exist; no quote or offset of it was "
                           "checked; tell the server's operator"), body
    assert "proposal.ttl:24: ag:credibility is at most one Admiralty credibility" in body, body
    assert str(tmp_path) not in body, body
    assert alone.code == 503 and alone_body.endswith(
        "The proposal's other findings:\nnone\n"), alone_body
    assert f"found source texts in {sources} that cannot be read" in \
        (tmp_path / "serve.log").read_text(), "the operator's log names the folder"
