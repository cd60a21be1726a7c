"""``POST /validate``: the dry run of ``alliance-graph validate`` over HTTP, and its form.

A proposal comes as a ``text/turtle`` body, or from the form at ``GET /validate`` (pasted text
or an uploaded file: given both, the file, and the page says so; its script refuses a proposal
over the limits before sending it).  It is written to a temporary folder of its own, outside
the project, validated by the same library function as the command line
(``validation.validate``), and the folder is removed: nothing is ever written into ``data/``.  The answer is the same report:
JSON by default, the W3C SHACL report graph for Turtle or JSON-LD clients, a page for browsers;
200 whether or not the proposal conforms.  A proposal that cannot be read is a 400 whose body
says ``line N: what is wrong``; one over ``max_proposal_bytes`` is a 413, read no further.

Validation takes seconds of pure Python (pyshacl), so each runs in a process of its own,
``alliance-graph validate --format json`` over the server's graph, never holding up the server's
threads, and stopped past ``validate_timeout`` seconds or ``validate_memory`` bytes; at most
``settings.validations`` run at once, and past that the answer is 503 with ``Retry-After``.
This process never parses the proposal: whether it is Turtle, and whether its prefixed names
expand too far (``proposals.expansion``), the validating process says.  The expansion check
ran here, a triple at a time (0.2 s for 5 MB), on the interpreter the front's threads share:
with two clients looking up /sparql while 5 MB were validated (2 CPUs, 12 rounds each, old and
new alternating), their lookups over 25 ms went from 43 in 13,371 to 18 in 11,155, the
slowest from 54 to 44 ms, and the POST from 1.31 to 0.90 s; for 5 MB that the check refuses,
the slowest lookup went from 154 to 47 ms.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from ..proc import rss_bytes
from ..query.refused import Refused
from ..store.backends import StoreError
from . import fields, negotiation
from .client_share import Shares, client_of
from .pages import safety

TURTLE_TYPES = {"text/turtle", "application/x-turtle"}
FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}
# What a report can be written as, in order of preference: JSON when anything goes.
OFFERS = [("json", ["application/json"]), ("html", ["text/html", "application/xhtml+xml"]),
          ("turtle", ["text/turtle", "application/x-turtle"]),
          ("jsonld", ["application/ld+json"])]
MEDIA = {"json": "application/json", "turtle": "text/turtle; charset=utf-8",
         "jsonld": "application/ld+json"}
# A form's boundaries and field names come on top of the proposal itself.
FORM_OVERHEAD = 64 * 1024
DEFAULT_NAME = "proposal.ttl"
RETRY_SECONDS = 5


@dataclasses.dataclass(frozen=True)
class Proposal:
    """What a request asks to validate: its bytes, the name its findings give it, and the
    text pasted in the form beside a file (which is validated instead of that text)."""

    data: bytes
    name: str
    unvalidated_text: str | None = None


def _read_proposal(limit: int) -> Proposal:
    """Return the proposal a request carries, or raise Refused."""
    fields.plain_body(request.environ)
    ctype = (request.mimetype or "").lower()
    length = request.content_length
    if ctype in TURTLE_TYPES:
        if length is not None and length > limit:
            raise _too_big(limit)
        proposal = Proposal(request.stream.read(limit + 1), DEFAULT_NAME)
        if len(proposal.data) > limit:
            raise _too_big(limit)
    elif ctype in FORM_TYPES:
        if length is None:
            raise Refused(411, "send a form with a Content-Length")
        if length > limit + FORM_OVERHEAD:
            raise _too_big(limit)
        proposal = _from_form(ctype, limit)
    else:
        raise Refused(415, "send the proposal as text/turtle, or as the form at /validate "
                           f"sends it (multipart/form-data), not {ctype or 'no content type'}")
    return proposal


def _check_readable(proposal: Proposal) -> None:
    """Raise Refused (400) for a proposal with nothing to validate.  Checked once the request
    is read, so that the page keeps the text pasted (it came back empty) and says which was
    validated.  What else makes it unreadable (its syntax, prefixes that expand too far) the
    validating process says: this process, whose threads answer everyone's requests, never
    parses a proposal."""
    if not proposal.data.strip():
        if proposal.unvalidated_text is not None:
            raise Refused(400, f"the file {proposal.name} is empty: choose the file to "
                               "validate, or no file to validate the text in the box")
        raise Refused(400, "the proposal is empty: send the Turtle to validate")


def _from_form(ctype: str, limit: int) -> Proposal:
    """Return the proposal a form carries (an uploaded ``file``, else pasted ``turtle``); 400
    for a form that carries neither, or cannot be read."""
    if ctype == "application/x-www-form-urlencoded":
        fields.form_charset(request.content_type or "")
        # Read as /sparql reads a form: werkzeug dropped a field that was not UTF-8, and the
        # proposal was then said to be empty.
        pasted = fields.parse_params(request.get_data(cache=False), "form body").get("turtle")
        upload = None
    else:
        # Flask's default for a pasted field is 500 kB; a proposal may be as big as a file.
        request.max_form_memory_size = limit + FORM_OVERHEAD
        upload = request.files.get("file")
        pasted = request.form.getlist("turtle")
    if upload is not None and upload.filename:
        # Text pasted as well is not validated: the page says so, and keeps it in its box.
        beside = pasted[0] if pasted and pasted[0].strip() else None
        proposal = Proposal(upload.read(limit + 1), _shown_name(upload.filename), beside)
    elif pasted:
        proposal = Proposal(pasted[0].encode("utf-8"), DEFAULT_NAME)
    elif upload is not None:
        proposal = Proposal(b"", DEFAULT_NAME)   # the form's file field, with no file chosen
    else:
        raise Refused(400, "the form carries no proposal: send it as a field named file (an "
                           "uploaded file) or turtle (pasted text); a multipart body must be "
                           "split by the boundary its Content-Type names")
    if len(proposal.data) > limit:
        raise _too_big(limit)
    return proposal


def _shown_name(filename: str) -> str:
    """Return the name a report gives an uploaded file: the last part of the name its browser
    sent (one on Windows may send C:\\Users\\...\\p.ttl), with each run of characters that
    are no letter, mark, digit, '.', '-' or '_' (spaces, quotes, controls, bidi overrides) made
    one '_'; DEFAULT_NAME when nothing is left.  Only shown, never a path: werkzeug's
    secure_filename kept ASCII alone, so "הצעה.ttl" was reported as "ttl"."""
    last = re.split(r"[/\\]", unicodedata.normalize("NFC", filename))[-1]
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" or c in ".-_" else " " for c in last)
    return re.sub(r" +", "_", kept).strip("._")[:255] or DEFAULT_NAME


def _too_big(limit: int) -> Refused:
    return Refused(413, f"a proposal may be at most {limit} bytes; split it into smaller files")


# Seconds between looks at a validating process's memory.
_POLL = 0.1


def _bounded(command: list[str], settings, env) -> subprocess.CompletedProcess:
    """Run ``command`` to its end and return what it did; stop it, and raise Refused (503),
    past ``settings.validate_timeout`` seconds or ``settings.validate_memory`` bytes."""
    deadline = time.monotonic() + settings.validate_timeout
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          stdin=subprocess.DEVNULL, env=env) as process:
        while True:
            try:
                out, err = process.communicate(timeout=_POLL)
                return subprocess.CompletedProcess(command, process.returncode, out, err)
            except subprocess.TimeoutExpired:
                pass
            if time.monotonic() > deadline:
                why = f"took longer than {settings.validate_timeout:g} s"
            elif rss_bytes(process.pid) > settings.validate_memory:
                why = f"needed more than {settings.validate_memory >> 20} MiB of memory"
            else:
                continue
            process.kill()
            process.communicate()
            raise Refused(503, f"validating {why} and was stopped; split the proposal")


def run(settings, data: bytes, name: str):
    """Validate ``data`` (Turtle) with the current graph, in a process of its own; return the
    report, its files shown as ``name``.  Raise ``Refused``: 400 when the proposal cannot be
    read, 503 when validating fails, takes longer than ``settings.validate_timeout`` or more
    memory than ``settings.validate_memory``."""
    from ..proposals import report as report_mod

    with tempfile.TemporaryDirectory(prefix="alliance-graph-validate-") as folder:
        path = Path(folder) / "proposal.ttl"
        path.write_bytes(data)
        command = [sys.executable, "-m", "alliance_graph", "--data", str(settings.data_dir),
                   "--ontology", str(settings.ontology_dir), "--sources",
                   str(settings.sources_dir), "--cache", str(settings.cache_dir), "--store",
                   settings.store, "validate", "--format", "json", "--max-findings",
                   str(settings.validate_max_findings), str(path)]
        done = _bounded(command, settings,
                        env={**os.environ, "ALLIANCE_GRAPH_PROJECT": str(settings.root)})
        if done.returncode == 2 and "error: could not validate:" in done.stderr:
            # The proposal cannot be read: its problems as "line N: message", the temporary
            # path being nothing the client sent.
            where = re.compile(rf"^{re.escape(str(path))}:(\d+)(?::\d+)?: ", re.M)
            problems = done.stderr.split("error: could not validate:", 1)[1].strip()
            problems = where.sub(r"line \1: ", problems).replace(f"{path}: ", "the proposal ")
            raise Refused(400, problems.replace(str(path), "the proposal"))
        if done.returncode not in (0, 1):
            # Its last line: the error it gave, or a failure's own message, never the
            # traceback above it.
            last = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
            raise Refused(503, f"validation failed: {last.removeprefix('error: ')[:500]}")
    report = report_mod.from_json(done.stdout)
    shown = lambda f: name if f == str(path) else f  # noqa: E731
    # A warning names the file as the command line does: here, by the name the client gave it,
    # not the temporary path (which the client never sent, and which says where it was kept).
    return dataclasses.replace(
        report, files=[shown(f) for f in report.files],
        findings=[dataclasses.replace(f, file=shown(f.file)) for f in report.findings],
        warnings=[w.replace(str(path), name) for w in report.warnings])


def _format() -> str | None:
    name = request.args.get("format")
    if name:
        return negotiation.by_parameter(name, OFFERS) or ("html" if name == "html" else None)
    return negotiation.choose(request.headers.get("Accept"), OFFERS)


def _page(settings, **values) -> str:
    """Return the form's page: its limits (which its script checks before sending), and
    ``values`` (a report or an error, the text for the box, the proposal validated)."""
    return render_template("validate.html", **{
        "report": None, "error": None, "text": "", "proposal": None, **values,
        "max_proposal_bytes": settings.max_proposal_bytes,
        "max_request_bytes": settings.max_request_bytes})


def _answer(fmt: str, settings, report=None, error: Refused | None = None, text: str = "",
            proposal: Proposal | None = None):
    if fmt == "html":
        status = error.status if error else 200
        return Response(_page(settings, report=report, error=error, text=text,
                              proposal=proposal), status)
    if error is not None:
        return Response(str(error).rstrip() + "\n", error.status, mimetype="text/plain",
                        headers={"Retry-After": str(RETRY_SECONDS)}
                        if error.status in (429, 503) else {})
    from ..proposals import report as report_mod

    if fmt == "jsonld":
        # Oxigraph writes the JSON-LD (rdflib's JSON-LD code goes through deprecated APIs).
        body = ox.serialize(ox.parse(report_mod.to_turtle(report), format=ox.RdfFormat.TURTLE),
                            format=ox.RdfFormat.JSON_LD)
    else:
        body = report_mod.render(report, fmt)
    return Response(body, 200, {"Content-Type": MEDIA[fmt], "Vary": "Accept"})


def create_blueprint(get_kg=None, settings=None) -> Blueprint:
    """Return the blueprint of ``/validate`` (``settings``: the app's when not given)."""
    bp = Blueprint("dry_run", __name__, template_folder="pages/templates")
    bp.after_request(safety.protect)
    get_settings = (lambda: settings) if settings is not None else \
        (lambda: current_app.extensions["alliance_graph"].settings)
    count = settings.validations if settings is not None else 1
    slots = bp.slots = threading.BoundedSemaphore(count)
    # One address's share: all but one slot, so that a client sending proposals one after
    # another for minutes leaves one to the others (client_share.py).
    shares = bp.shares = Shares(max(1, count - 1), "validations running")

    @bp.route("/validate", methods=["GET"])
    def form():
        return _page(get_settings())

    @bp.route("/validate", methods=["POST"])
    def validate():
        fmt = _format()
        if fmt is None:
            return Response("a report can be had as " + ", ".join(
                t for _, types in OFFERS for t in types[:1]) + "\n", 406, mimetype="text/plain")
        current = get_settings()
        text, proposal = "", None
        try:
            proposal = _read_proposal(current.max_proposal_bytes)
            # The box keeps what was pasted; else it shows the file validated.
            text = proposal.unvalidated_text or proposal.data.decode("utf-8", "replace")
            _check_readable(proposal)
            with shares.share(client_of(request.remote_addr)):
                if not slots.acquire(blocking=False):
                    raise Refused(503, "every validation slot is busy; try again in a few "
                                       "seconds")
                try:
                    report = run(current, proposal.data, proposal.name)
                finally:
                    slots.release()
        except Refused as exc:
            return _answer(fmt, current, error=exc, text=text, proposal=proposal)
        except StoreError as exc:
            return _answer(fmt, current, text=text, proposal=proposal,
                           error=Refused(503, f"the store could not be used: {exc}"))
        return _answer(fmt, current, report=report, text=text, proposal=proposal)

    return bp
