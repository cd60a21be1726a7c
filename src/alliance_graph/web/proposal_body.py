"""Read the proposal a ``POST /validate`` carries: a Turtle body, or the form's file or pasted
text, within ``max_proposal_bytes`` (``limit``).

A body over the limit is refused (413) from its ``Content-Length`` before any of it is read (one
without a length is read no further than the limit), but a form's: the form at ``/validate``
sends its text box and its file together, and the page that refuses a file over the limit keeps
the text pasted beside it (it came back empty, the text typed lost).  A form of at most twice
the limit (a text and a file each at the limit) is read whole, the file's content going to a
temporary file; a larger one (only where ``max_request_bytes`` allows it) is read no further
than its text, which a browser sends before the file (``_leading_fields``).  Nothing here parses
the Turtle: the validating process does (``dry_run.run``).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.sansio.multipart import NEED_DATA, Data, Epilogue, Field, File, MultipartDecoder

from ..clipping import clipped
from ..query.refused import Refused
from . import fields
from .echoed import typed

TURTLE_TYPES = {"text/turtle", "application/x-turtle"}
FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}
# A form's boundaries and field names come on top of the proposal itself.
FORM_OVERHEAD = 64 * 1024
DEFAULT_NAME = "proposal.ttl"


@dataclasses.dataclass(frozen=True)
class Proposal:
    """What a request asks to validate: its bytes, the name its findings give it, and the
    text pasted in the form beside a file (which is validated instead of that text)."""

    data: bytes
    name: str
    unvalidated_text: str | None = None


def read(limit: int) -> Proposal:
    """Return the proposal a request carries, or raise Refused."""
    ctype = check_head(limit)
    if ctype in TURTLE_TYPES:
        proposal = Proposal(request.stream.read(limit + 1), DEFAULT_NAME)
        if len(proposal.data) > limit:
            raise _too_big(limit)
        return proposal
    length = request.content_length
    if ctype == "multipart/form-data" and length > 2 * limit + FORM_OVERHEAD:
        # Past a file and a text each at the limit: one of them is over it.
        filename, pasted = _leading_fields(limit + FORM_OVERHEAD)
        if pasted is not None and len(pasted.encode("utf-8")) > limit:
            filename = None  # the text is over the limit (whatever the file's size)
        raise _form_too_big(limit, filename, pasted)
    return _from_form(ctype, limit)


def check_head(limit: int) -> str:
    """Return the proposal's media type, or raise Refused for what the request's head alone
    refuses, none of the body read: a content coding, a type or a charset not read here, a
    form with no Content-Length, a length over the limit (but a multipart form's, whose
    fields ``read`` looks at to say which is over it)."""
    fields.plain_body(request.environ)
    ctype = (request.mimetype or "").lower()
    length = request.content_length
    if ctype in TURTLE_TYPES:
        charset = fields.charset(request.content_type or "")
        if not fields.utf8(charset):
            # As /sparql refuses a query so sent: its bytes were read as UTF-8 all the same,
            # and said to be no UTF-8 text, as if the client had not said what they were.
            raise Refused(415, "Turtle is UTF-8 (its registration says so), not "
                               f"{clipped(charset)}: send the proposal in UTF-8")
        if length is not None and length > limit:
            raise _too_big(limit)
    elif ctype in FORM_TYPES:
        if length is None:
            raise Refused(411, "send a form with a Content-Length")
        if request.max_content_length is not None and length > request.max_content_length:
            # (waitress refuses such a body before the app sees it; another server may not,
            # and werkzeug's own 413 then spoke of "the capacity limit")
            raise Refused(413, f"the request body is {length} bytes, over the "
                               f"{request.max_content_length}-byte limit")
        if ctype != "multipart/form-data" and length > limit + FORM_OVERHEAD:
            raise _too_big(limit)
    else:
        sent = typed(request.headers.get("Content-Type", "")).split(";", 1)[0].strip().lower()
        raise Refused(415, "send the proposal as text/turtle, or as the form at /validate "
                           f"sends it (multipart/form-data), not {clipped(sent) or 'no content type'}")
    return ctype


def check_readable(proposal: Proposal) -> None:
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
        upload, chosen = None, []
    else:
        # Flask's default for a pasted field is 500 kB; a proposal may be as big as a file,
        # and one over the limit is kept for its box.  (The body is at most twice the limit:
        # a file's content goes to a temporary file, and of it no more than the limit and a
        # byte is read.)
        request.max_form_memory_size = 2 * limit + FORM_OVERHEAD
        try:
            upload = request.files.get("file")
            chosen = [f.filename for f in request.files.getlist("file") if f.filename]
            pasted = request.form.getlist("turtle")
        except RequestEntityTooLarge:  # werkzeug's 413 said "exceeds the capacity limit"
            raise Refused(400, f"the form has more than {request.max_form_parts:,} parts; "
                               "the form at /validate sends two") from None
    _one_of_each(chosen, [p for p in pasted or () if p.strip()])
    if upload is not None and upload.filename:
        # Text pasted as well is not validated: the page says so, and keeps it in its box.
        beside = pasted[0] if pasted and pasted[0].strip() else None
        proposal = Proposal(upload.read(limit + 1), shown_name(upload.filename), beside)
        if len(proposal.data) > limit:
            raise _form_too_big(limit, upload.filename, pasted[0] if pasted else "")
    elif pasted:
        proposal = Proposal(pasted[0].encode("utf-8"), DEFAULT_NAME)
        if len(proposal.data) > limit:
            raise _form_too_big(limit, None, pasted[0])
    elif upload is not None:
        proposal = Proposal(b"", DEFAULT_NAME)   # the form's file field, with no file chosen
    else:
        raise Refused(400, "the form carries no proposal: send it as a field named file (an "
                           "uploaded file) or turtle (pasted text); a multipart body must be "
                           "split by the boundary its Content-Type names")
    if len(proposal.data) > limit:
        raise _too_big(limit)
    return proposal


def _one_of_each(chosen: list[str], pasted: list[str]) -> None:
    """Refuse (400) a form carrying several files, or several texts, to validate: the first
    alone was validated, and its report read as the others' too (``curl -F file=@a.ttl -F
    file=@b.ttl`` said "conforms" of a.ttl, whatever b.ttl held)."""
    if len(chosen) > 1:
        names = ", ".join(clipped(shown_name(name)) for name in chosen[:3])
        several = f"{len(chosen)} files ({names}{', ...' if len(chosen) > 3 else ''})"
    elif len(pasted) > 1:
        several = f"{len(pasted)} texts in its field turtle"
    else:
        return
    raise Refused(400, f"the form carries {several}, and one proposal is validated at a time: "
                       "send each in a request of its own (alliance-graph validate checks "
                       "several files together)")


def shown_name(filename: str) -> str:
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


class FormTooBig(Refused):
    """A form over the limit (413), with the text pasted in it where it was read (``pasted``,
    None when it was not), for the page to put back in its box."""

    def __init__(self, message: str, pasted: str | None):
        super().__init__(413, message)
        self.pasted = pasted


def _form_too_big(limit: int, filename: str | None, pasted: str | None) -> FormTooBig:
    """Return the refusal of a form over ``limit``: its file ``filename`` is over it (None:
    its pasted text is), and ``pasted`` is the text for the box (None: it was not read)."""
    said = f"a proposal may be at most {limit} bytes; split it into smaller files"
    if filename is None:
        said = f"the pasted text is over the limit: {said}"
        if pasted is None:
            said += (f". It is not back in the box: a form's text is read back only within "
                     f"the first {limit + FORM_OVERHEAD:,} bytes of the request")
        return FormTooBig(said, pasted)
    said = f"the file {shown_name(filename)} is over the limit: {said}"
    if pasted is None:
        said += (". Text pasted beside it, if any, came after the file in the request and "
                 "was not read: it is not in the box")
    elif pasted.strip():
        said += ", or choose no file to validate the text in the box (kept as it was pasted)"
    return FormTooBig(said, pasted)


def _leading_fields(budget: int) -> tuple[str | None, str | None]:
    """Return the name of a multipart form's ``file`` and the text of its ``turtle`` field
    found before the file's content (None for either not found), reading no more of the body
    than that, and at most ``budget`` bytes of it.

    For a form over the limit: a browser sends the fields in the form's order, the text box
    before the file, so the text pasted is read back for the page without the file's content
    being read (waitress has already read the body, at most ``max_request_bytes``, into its
    buffer: a larger one never reaches the app)."""
    boundary = request.mimetype_params.get("boundary", "")
    if not boundary:
        return None, None
    decoder = MultipartDecoder(boundary.encode("latin-1", "replace"), max_parts=16)
    filename = pasted = field = None
    parts: list[bytes] = []
    read = 0
    try:
        while True:
            event = decoder.next_event()
            if event is NEED_DATA:
                # (werkzeug takes a read of 0 bytes for a client gone: a 400)
                chunk = request.stream.read(min(2**16, budget - read)) if read < budget else b""
                if not chunk:
                    break
                read += len(chunk)
                decoder.receive_data(chunk)
            elif isinstance(event, File) and event.name == "file":
                filename = event.filename
                break
            elif isinstance(event, (Field, File)):
                field, parts = event.name, []
            elif isinstance(event, Data) and field == "turtle" and pasted is None:
                parts.append(event.data)
                if not event.more_data:
                    pasted = b"".join(parts).decode("utf-8", "replace")
            elif isinstance(event, Epilogue):
                break
    except (ValueError, RequestEntityTooLarge):  # a part without a name, too many parts
        pass
    return filename, pasted
