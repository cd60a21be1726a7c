"""``POST /validate``: the dry run of ``alliance-graph validate`` over HTTP, and its form.

A proposal comes as a ``text/turtle`` body, or from the form at ``GET /validate`` (pasted text
or an uploaded file: given both, the file, and the page says so; its script refuses a proposal
over the limits before sending it), read by ``proposal_body``.  It is written to a temporary
folder of its own, outside the project, validated by the same library function as the command
line (``validation.validate``), and the folder is removed: nothing is ever written into
``data/``.  The answer is the same report: JSON by default, the W3C SHACL report graph for
Turtle or JSON-LD clients, a page for browsers; 200 whether or not the proposal conforms.  A
proposal that cannot be read is a 400 whose body says ``line N: what is wrong``; one over
``max_proposal_bytes`` is a 413.

Validation takes seconds of pure Python (pyshacl), so each runs in a process of its own,
``alliance-graph validate --format json`` over the server's graph, never holding up the server's
threads, and stopped past ``validate_timeout`` seconds, ``validate_memory`` bytes or a report of
``validating_process.MAX_REPORT_BYTES``: a 413, as the proposal asks more than the server gives one, and sent again
it would be stopped again (a 503 with ``Retry-After`` told clients to send it again as it was).
A Ctrl-C (or SIGTERM, or a closed terminal's SIGHUP) to the server's process group interrupts
the validating process too: a 503 saying so, logged at INFO (``Interrupted``), not a failure of
the server's graph; a signal sent to the validating process alone (a ``kill``, the kernel's
out-of-memory killer's SIGKILL, logged as a WARNING), the server going on, a 503 asking for the
proposal again (``StoppedAlone``), the two told apart by whether the server's own signal came
(``stopping.py``).  A crash's signal (SIGSEGV, SIGABRT) is a failure.
At most ``settings.validations`` run at once, and past that the answer is 503 with
``Retry-After``: that one passes.
This process never parses the proposal: whether it is Turtle, and whether its prefixed names
expand too far (``proposals.expansion``), the validating process says.  The expansion check
ran here, a triple at a time (0.2 s for 5 MB), on the interpreter the front's threads share:
with two clients looking up /sparql while 5 MB were validated (2 CPUs, 12 rounds each, old and
new alternating), their lookups over 25 ms went from 43 in 13,371 to 18 in 11,155, the
slowest from 54 to 44 ms, and the POST from 1.31 to 0.90 s; for 5 MB that the check refuses,
the slowest lookup went from 154 to 47 ms.  Nor does this process read a report past
``validating_process.MAX_REPORT_BYTES``.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import re
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from ..clipping import clipped
from ..query.refused import Refused
from ..store.backends import StoreError
from ..utf16 import utf16_text
from . import (
    fields,
    negotiation,
    preconditions,
    proposal_body,
    retry_after,
    stopping,
    too_large,
    unread_sources,
    validating_process,
)
from .client_share import Shares, client_of
from .pages import errors, safety

# What a report can be written as, in order of preference: JSON when anything goes.
OFFERS = [("json", ["application/json"]), ("html", ["text/html", "application/xhtml+xml"]),
          ("turtle", ["text/turtle", "application/x-turtle"]),
          ("jsonld", ["application/ld+json"])]
MEDIA = {"json": "application/json", "turtle": "text/turtle; charset=utf-8",
         "jsonld": "application/ld+json"}
# Retry-After of a 503 or 429 before any validation has run here, to time one by.
RETRY_SECONDS = 5
# Retry-After of a 503 for a graph that cannot be read: it passes only once the operator has
# mended a file or put a folder back, minutes rather than seconds, and each attempt costs the
# server a validating process (about a second of a CPU, and a slot); a client retrying each
# minute as told costs it under 2 %.
BROKEN_RETRY_SECONDS = 60
# What the log keeps of a failure's cause: each line's first 2,000 characters, and the first
# and last 100 lines (a traceback's end, a list of broken files' start).
_LOGGED_LINE = 2000
_LOGGED_LINES = 100
# Control characters (but the tab) in a logged line, written escaped: a line quoting a data
# file could otherwise rewrite the log line it stands on (CR, ESC) or forge another.
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")

class ServerFailed(Refused):
    """503: the server's graph cannot be validated against, until its operator mends it."""

    def __init__(self):
        super().__init__(503, "validation failed: the server's graph cannot be read to "
                              "validate against (the proposal was not read); try again later, "
                              "or tell the server's operator",
                         cause="a graph that cannot be validated against")


class Interrupted(Refused):
    """503: the validating process was interrupted as the server was stopped (a Ctrl-C to the
    server's process group, or a SIGTERM to it): no failure of the server's, and no fault of
    the proposal's."""

    def __init__(self, how: str = "its operator's Ctrl-C"):
        super().__init__(503, f"validation was interrupted: the server was stopped ({how}) "
                              "while it ran, and the proposal was not validated; send it "
                              "again once the server answers again",
                         cause="a validation interrupted: the server stopping")


class StoppedAlone(Refused):
    """503: the validating process alone was stopped by a signal (``kill -INT <its pid>``), the
    server going on: sent again, the proposal is validated."""

    def __init__(self, name: str):
        super().__init__(503, f"validation was interrupted: its process was stopped by a "
                              f"signal ({name}) sent to it alone, and the proposal was not "
                              "validated; the server goes on: send the proposal again",
                         cause="a validating process stopped alone")


def _logged(detail: str) -> str:
    """Return ``detail`` as the log keeps it: every line, each clipped and its control
    characters escaped, on lines of its own indented under the record's first, at most the
    first and last ``_LOGGED_LINES`` of them."""
    lines = [_CONTROLS.sub(lambda m: f"\\x{ord(m[0]):02x}", clipped(line, _LOGGED_LINE))
             for line in detail.strip().split("\n")]
    if len(lines) > 2 * _LOGGED_LINES:
        lines[_LOGGED_LINES:-_LOGGED_LINES] = [
            f"... ({len(lines) - 2 * _LOGGED_LINES:,} lines left out)"]
    return "\n    ".join(lines)


def _server_failed(detail: str) -> Refused:
    """Log why a validation failed on the server's side (``detail``, whole: its graph's files
    no longer load, a folder is gone, the process crashed, its traceback); return the 503 the
    client gets.  The log kept only its first line (a file's error without the lines saying
    where, the last line of a traceback).

    The client is told only that the server's graph cannot be validated against: the detail
    named the server's absolute paths ("the data folder /srv/... does not exist") and gave
    advice for its operator ("give another with --data"), neither the client's to know or
    act on.  The operator finds it in the server's log."""
    current_app.logger.error("POST /validate failed on the server's side: %s", _logged(detail))
    return ServerFailed()


def run(settings, data: bytes, name: str):
    """Validate ``data`` (Turtle) with the current graph, in a process of its own; return the
    report, its files shown as ``name``.  Raise ``Refused``: 400 when the proposal cannot be
    read, 413 when validating takes longer than ``settings.validate_timeout``, more memory
    than ``settings.validate_memory`` or gives too big a report, 503 when it fails."""
    from ..proposals import report as report_mod

    with tempfile.TemporaryDirectory(prefix="alliance-graph-validate-") as folder:
        path = Path(folder) / "proposal.ttl"
        path.write_bytes(data)
        command = [sys.executable, "-c", validating_process.TIED, str(os.getpid()), "--data", str(settings.data_dir),
                   "--ontology", str(settings.ontology_dir), "--sources",
                   str(settings.sources_dir), "--cache", str(settings.cache_dir), "--store",
                   settings.store, "validate", "--format", "json", "--max-findings",
                   str(settings.validate_max_findings), str(path)]
        env = {**os.environ, "ALLIANCE_GRAPH_PROJECT": str(settings.root)}
        done = validating_process.bounded(command, settings, env, Path(folder))
        if done.returncode == 2 and "error: could not validate:" in done.stderr:
            # The proposal cannot be read: its problems as "line N: message", the temporary
            # path being nothing the client sent.
            where = re.compile(rf"^{re.escape(str(path))}:(\d+)(?::\d+)?: "
                               r"(?:(?=(?:is|holds|has) )())?", re.M)
            problems = done.stderr.split("error: could not validate:", 1)[1].strip()
            if not any(line.startswith(str(path)) for line in problems.splitlines()):
                # None of it the proposal's: the graph's own files no longer load (one broken
                # since the server started, which goes on serving the build it loaded).  It
                # was a 400, "could not be validated: data/aid.ttl:893:2: ...", as though the
                # client had sent that file and could mend it.
                raise _server_failed(problems)
            # A message whose subject is the file ("FILE:1: is a binary file") keeps one: it
            # was "line 1: is a binary file".
            problems = where.sub(lambda m: f"line {m[1]}: " + (
                "the proposal " if m[2] is not None else ""), problems)
            problems = problems.replace(f"{path}: ", "the proposal ")
            raise Refused(400, problems.replace(str(path), "the proposal"))
        stopped = validating_process.stopped_by(done)
        if stopped is not None:
            # A Ctrl-C to `serve` reaches its group, this process too: it was logged as an
            # ERROR, "failed on the server's side: interrupted", and the client told the graph
            # could not be read.  The process alone signalled (the server goes on) was told
            # "the server was stopped"; a SIGTERM, SIGHUP, SIGQUIT or SIGKILL, "the graph
            # cannot be read".
            if stopping.began():
                current_app.logger.info(
                    "POST /validate was interrupted (%s) before it ended; its client is "
                    "answered 503", "Ctrl-C" if stopped == signal.SIGINT else stopped.name)
                raise Interrupted("its operator's Ctrl-C" if stopped == signal.SIGINT
                                  else stopped.name)
            # A SIGKILL nobody sent by hand is the kernel's out-of-memory killer's: the operator
            # is warned (it was an ERROR, "failed on the server's side: exit -9").
            current_app.logger.log(
                logging.WARNING if stopped == signal.SIGKILL else logging.INFO,
                "POST /validate's validating process was stopped by %s sent to it alone%s; "
                "the server goes on, and its client is answered 503 to send the proposal "
                "again", stopped.name, " (by an operator, or the kernel's out-of-memory "
                "killer: see its log, dmesg)" if stopped == signal.SIGKILL else "")
            raise StoppedAlone(stopped.name)
        if done.returncode not in (0, 1) or not done.stdout.strip():
            # The error it gave, or a failure's traceback, for the log alone (ending 0 or 1
            # with no report is no way of the command's: there is nothing to read).
            raise _server_failed(done.stderr.strip().removeprefix("error: ")
                                 or f"exit {done.returncode}")
    report = report_mod.from_json(done.stdout)
    shown = lambda f: name if f == str(path) else f  # noqa: E731
    # A warning names the file as the command line does: here, by the name the client gave it,
    # not the temporary path (which the client never sent, and which says where it was kept).
    report = dataclasses.replace(
        report, files=[shown(f) for f in report.files],
        findings=[dataclasses.replace(f, file=shown(f.file)) for f in report.findings],
        warnings=[w.replace(str(path), name) for w in report.warnings])
    unread_sources.refuse(settings, report, _logged)
    return report


def _box_text(data: bytes) -> tuple[str, bool]:
    """Return a proposal's bytes as the page's box shows them, and whether they were read as
    UTF-16: UTF-8 text as it is; UTF-16 (what Windows saves as Unicode) read as such, so that
    the box, sent as UTF-8, validates; else a byte that is not UTF-8 shown as U+FFFD.  A UTF-16
    file came back as its bytes read as UTF-8, a NUL between every two characters.  (UTF-16 is
    looked for only in bytes that are not UTF-8: any text of even length reads as UTF-16, and
    this runs on the threads answering everyone's requests; UTF-16 of ASCII alone is UTF-8
    but for its NUL bytes.)"""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    utf16 = utf16_text(data) if text is None or "\x00" in text else None
    if utf16:
        return utf16, True
    return (data.decode("utf-8", "replace") if text is None else text), False


def _format() -> str | None:
    name = fields.single(request.args, "format")
    if name:
        return negotiation.by_parameter(name, OFFERS) or ("html" if name == "html" else None)
    return negotiation.choose(request.headers.get("Accept"), OFFERS)


def _page(settings, **values) -> str:
    """Return the form's page: its limits (which its script checks before sending), and
    ``values`` (a report or an error, the text for the box, the proposal validated)."""
    return render_template("validate.html", **{
        "report": None, "error": None, "text": "", "proposal": None, "unread": False, **values,
        "max_proposal_bytes": settings.max_proposal_bytes,
        "max_request_bytes": settings.max_request_bytes})


def _answer(fmt: str, settings, report=None, error: Refused | None = None, text: str = "",
            proposal: proposal_body.Proposal | None = None, retry: int = RETRY_SECONDS):
    # When to try again, on the page too (it had none: a script posting the form as a browser
    # does, or a proxy, was not told).
    # Each 429 and 503 counted by its cause for /status, where every other refusal is.
    headers = retry_after.headers(
        error.status, BROKEN_RETRY_SECONDS if isinstance(
            error, (ServerFailed, unread_sources.SourceUnreadable)) else retry,
        error.cause) if error else []
    if fmt == "html":
        status = error.status if error else 200
        # A form over a limit, none of it read: the page says how to get the text back.
        unread = status == 413 and proposal is None and not text
        return Response(_page(settings, report=report, error=error, text=text,
                              proposal=proposal, unread=unread), status, headers)
    if error is not None:
        return Response(str(error).rstrip() + "\n", error.status, mimetype="text/plain",
                        headers=headers)
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
    # Seconds the last validating process ran: about when a busy slot, or a client's share,
    # frees again, the Retry-After of their 503 and 429 (it was 5 s whatever one took).
    bp.took = None

    def retry(current) -> int:
        if bp.took is None:
            return RETRY_SECONDS
        return max(1, min(math.ceil(bp.took), math.ceil(current.validate_timeout)))

    @bp.before_app_request
    def refused_unread():
        # A request the front refused unread, over its limit (too_large.py), asked again
        # with nothing sent, for the site's page: the form's, or the error page elsewhere.
        asked = request.environ.get(too_large.ASKED)
        if asked is None:
            return None
        length, limit = asked
        said = (f"the request's body is {length:,} bytes, over" if length else
                "the request's body is over") + \
            f" this server's limit of {limit:,} bytes for a request, so none of it was read"
        if request.endpoint == "dry_run.form":
            return _answer("html", get_settings(), error=Refused(413, said))
        return errors.refusal(413, f"{said}: send less in one request")

    @bp.route("/validate", methods=["GET"])
    def form():
        return _page(get_settings())

    def refused_by_head() -> bool:
        try:
            proposal_body.check_head(get_settings().max_proposal_bytes)
        except Refused:
            return True
        return _format() is None

    @bp.route("/validate", methods=["POST"])
    @preconditions.head_checked(refused_by_head)
    def validate():
        fmt = _format()
        if fmt is None:
            # The name asked for, as /sparql says it: a 406 for ?format=pdf said only which
            # media types there are, not that the name was the trouble, nor the names.
            asked = fields.single(request.args, "format")
            if asked:
                said = f"format {clipped(asked, show=repr)} cannot be produced here; choose " \
                    "one of: " + ", ".join(name for name, _ in OFFERS)
            else:
                said = "a report can be had as " + ", ".join(types[0] for _, types in OFFERS)
            return Response(said + "\n", 406, mimetype="text/plain")
        current = get_settings()
        text, proposal, as_utf16 = "", None, False
        try:
            proposal = proposal_body.read(current.max_proposal_bytes)
            # The box keeps what was pasted; else it shows the file validated.
            text = proposal.unvalidated_text
            if text is None:
                text, as_utf16 = _box_text(proposal.data)
            proposal_body.check_readable(proposal)
            with shares.share(client_of(request.remote_addr)):
                if not slots.acquire(blocking=False):
                    raise Refused(503, "every validation slot is busy; try again in a few "
                                       "seconds", cause="validation slots busy")
                started = time.monotonic()
                try:
                    report = run(current, proposal.data, proposal.name)
                finally:
                    bp.took = time.monotonic() - started
                    slots.release()
        except Refused as exc:
            if isinstance(exc, proposal_body.FormTooBig) and exc.pasted is not None:
                text = exc.pasted  # the box keeps what was pasted, the file refused
            elif fmt == "html" and as_utf16:
                exc = Refused(exc.status, f"{exc}\nIts text, read as UTF-16, is in the box: "
                                          "validate it from there (the box is sent as UTF-8)")
            return _answer(fmt, current, error=exc, text=text, proposal=proposal,
                           retry=retry(current))
        except StoreError as exc:
            return _answer(fmt, current, text=text, proposal=proposal, retry=retry(current),
                           error=Refused(503, f"the store could not be used: {exc}",
                                                      cause="a store that cannot be used"))
        return _answer(fmt, current, report=report, text=text, proposal=proposal)

    return bp
