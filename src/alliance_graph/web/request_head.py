"""What the front refuses in a request's head as it arrives, before waitress takes it for a
request (``connections.py`` reads each connection with this ``Parser``):

- **Lines that end in a bare LF** (typed into nc, or a hand-made client): a 400 once the head
  has ended, where waitress, looking for CR LF CR LF only, waited for the request deadline;
  a head ended by LF CR LF (its last line's LF bare) was closed unanswered once idle.
- **A bare CR** (a CR followed by anything but LF) in the head, a 400 as soon as it arrives
  (RFC 9112, 2.2: the element is invalid): waitress read no line end in it, and the client
  (``get / HTTP/1.1\rHost: x\r\r``) heard nothing until its connection was closed once idle.
- **An HTTP version this server does not speak** and **a method it does not know**, once
  the request line has arrived (``request_line.py``): a 505 or a 400, and a 501.  A later
  minor version of HTTP/1 (``HTTP/1.2``) is read as HTTP/1.1, as RFC 9110 (2.5) asks.  And
  anything but empty lines (CR LF) before the request line, whitespace before its method
  included, a 400 as soon as it arrives (waitress stripped it all); the empty lines are the
  request's own (its deadline counts from the first; sent alone, closed unanswered at it), as
  many as a head may take, past that a 400 (``Parser._lead_received``).
- **A body framed two ways or in a way waitress reads otherwise than a proxy may**, a 400:
  Content-Length beside Transfer-Encoding (RFC 9112, 6.1); chunked named more than once
  (``chunked, chunked``: a sender must not apply it twice, 6.1, and waitress decoded it once
  where a proxy may decode it twice); Transfer-Encoding on an HTTP/1.0 request, whose framing
  RFC 9112 (6.1) says to treat as faulty (waitress ignored the header and read the body by
  its Content-Length, keeping a keep-alive connection open); a Transfer-Encoding field naming
  no coding, which waitress ignored, reading what followed the head as the next request
  (RFC 9112, 6.3: chunked is not its last coding, so a 400), and one whose last coding is
  not chunked (``chunked, gzip``), which waitress answered 501 where RFC 9112 (6.3) asks for a
  400.
- **An absolute-form target of another scheme than http and https, or with no host**
  (``GET ftp://h/sparql``, ``GET https:///sparql``), a 400: waitress took the first's host
  for the request's, and answered the second as addressed to its Host header.  So is a
  target that is no path beginning with "/" (``GET status``, ``GET %2Fstatus``), which was
  answered as ``/status``, and a "*" but an ``OPTIONS *``; and a target holding bytes that
  are not ASCII, told so with the target (waitress's "Bad URI"): ``request_target.py``.
- **A chunk's size line or a trailer over the head's limit** (``max_request_header_size``), a
  400: waitress kept each growing, searching it whole at each read, and 5 MB of one
  cost the front 6 s of CPU.
- **A chunk that takes a body over its limit**, a 413 as soon as its size is read; a chunk's
  size line or a trailer ended by a bare LF, a 400 (waitress waited for a CR LF that never
  came, and the connection was closed unanswered once idle).
- **An expectation other than 100-continue** (``Expect: 200-ok``, in any case), a 417
  (RFC 9110, 10.1.1): waitress ignored it and answered 200, the client's expectation unmet
  without a word.
- **A Connection field read as a list**: ``close`` among its options closes the connection
  after the answer (waitress took ``keep-alive, close`` for no close).
- **A Content-Length too long for Python to read as a number** (over 4,300 digits), or a
  target Python's URL parser refuses (``http://[::1/sparql``), a 400 where the connection was
  closed unanswered.

Each refusal closes the connection, so nothing after it is read as a request of its own.
"""

from __future__ import annotations

import re

from waitress.parser import (
    HEADER_FIELD_RE,
    HTTPRequestParser,
    ParsingError,
    TransferEncodingNotImplemented,
    get_header_lines,
    split_uri,
)
from waitress.utilities import (
    BadRequest,
    Error,
    RequestEntityTooLarge,
    RequestHeaderFieldsTooLarge,
    ServerNotImplemented,
)

from ..clipping import clipped
from . import head_refused, request_target
from .request_line import lead_refusal, line_refusal, method_char_refusal

# A request line of HTTP/1 with a minor version past 1, up to the end of the line.
_LATER_HTTP1 = re.compile(rb"\A([^\r\n]* HTTP/1\.)[2-9](?=\r?\n|\Z)")

# A head that may name a Transfer-Encoding field (any case), checked then field by field.
_TRANSFER_ENCODING = re.compile(rb"transfer-encoding", re.IGNORECASE)

# The end of a head as a reader taking a bare LF for a line end sees it: an empty line.
_LENIENT_HEAD_END = re.compile(rb"\n\r?\n")

# A CR that ends no line: followed by a byte other than LF (at a read's end, not yet known).
_BARE_CR = re.compile(rb"\r[^\n]")

# Where a request begins: past the blank lines a client may send before it.
_NOT_BLANK = re.compile(rb"[^\r\n]")


def _ends_in_bare_lf(head: bytes | bytearray, at: int = 0) -> bool:
    """Return True if ``head`` (from ``at``, past any blank lines before it, where no empty
    line ended before) has ended at an empty line that is not waitress's CR LF CR LF:
    ``\\n\\n``, ``\\r\\n\\n``, and ``\\n\\r\\n`` too, a last header line ending in a bare LF
    before the blank line's CR LF, which waitress never took for an end (the connection was
    closed unanswered when its client went idle)."""
    end = _LENIENT_HEAD_END.search(head, at)
    return end is not None and not (end.group() == b"\n\r\n"
                                    and head[end.start() - 1:end.start()] == b"\r")


class ExpectationFailed(Error):
    """417: the request expects something of the server that it does not do."""

    code = 417
    reason = "Expectation Failed"


def expectation_refusal(expect: str) -> Error | None:
    """Return the refusal of a request whose Expect field (its fields' values joined by
    commas, as waitress joins them) names an expectation other than 100-continue, or None."""
    unmet = [member for member in _members(expect) if member.lower() != "100-continue"]
    if not unmet:
        return None
    return ExpectationFailed(f"Expect: {clipped(unmet[0])}: this server meets no expectation but "
                             "100-continue (RFC 9110, 10.1.1); send the request without it")


def _members(field: str) -> list[str]:
    """Return the members of a list field's value (RFC 9110, 5.6.1), empty ones left out."""
    return [member for member in (m.strip(" \t") for m in field.split(",")) if member]


class Parser(HTTPRequestParser):
    """Waitress's request parser, refusing a head with bare LF line ends, an HTTP version
    other than 1, a request framed two ways, and a chunk that would take the body over its
    limit as soon as its size is read.

    The head is gathered here, and each read searched only where it may change what is
    found: its own bytes and the few before them that a line end, a bare CR or the head's
    end could straddle.  Waitress joins what it holds of a head to each read and searches the
    whole again for its end, and these checks did too (three searches and two copies): a head
    trickled a few bytes at a time cost work growing as the square of its length (64 KiB in
    pieces of 8 bytes: 0.74 s of the front's CPU).  Waitress is handed the head once it has
    ended or reached its limit, as one read after what came before it."""

    def __init__(self, adj):
        super().__init__(adj)
        self._arrived = bytearray()  # the head so far (appended to in place: no copy per read)
        self.lead: int | None = 0  # bytes of empty lines before the request (None: it has begun)
        self._line_ended = False  # the request line has ended (and was judged)
        self._method_ended = False  # the request line's method has ended (and was judged)
        self.unread = False  # refused by its head alone, its body not read (``head_refused``)

    def received(self, data):
        if self.body_rcv is None and not self.completed:
            taken = self._head_received(data)
            if taken is not None:
                return taken
        consumed = super().received(data)
        if self.unread and not self.completed:  # refused by its head: its body left unread,
            self.body_rcv, self.completed = None, True  # what came of it dropped
            return len(data)
        if isinstance(self.error, RequestHeaderFieldsTooLarge):
            # Said in HTTP/1.0, the version of waitress's stand-in request for a head at its
            # limit (the 414 and 431), where every other refusal is in HTTP/1.1 (RFC 9110, 2.5);
            # and a HEAD's, which carries no body (``tasks.bodiless``), a GET's.
            self.version, self.command = "1.1", self.asked()
        # An empty request (blank lines where one was awaited, which waitress skips) has no
        # command: read as one, it raised, and the connection was dropped unanswered.
        if self.completed and self.error is None and not self.empty \
                and self.command == "CONNECT":
            # Its target is an authority (host:port), which waitress read as a path: "404
            # nothing is served at /443".  A tunnel is a proxy's to open (RFC 9110, 9.3.6).
            self.error = ServerNotImplemented("CONNECT: this server is a SPARQL endpoint, not "
                                              "a proxy, and opens no tunnel")
            self.connection_close = True
        # Waitress counts a chunked body's bytes as they arrive: a chunk announced as
        # "FFFFFFFF" (or merely 6 MB) was waited for, the client told nothing until the request
        # deadline's 408 blamed it for being slow.  Like a Content-Length over the limit, it is
        # a 413 at once.
        receiver = self.body_rcv
        limit = self.adj.max_request_body_size
        if self.chunked and receiver is not None and not self.completed \
                and self.body_bytes_received + receiver.chunk_remainder >= limit:
            self.error = RequestEntityTooLarge(f"a chunk of {receiver.chunk_remainder:,} bytes "
                                               f"exceeds max_body of {limit}")
            self.completed = True
        # A chunk-size line (with its extensions) or a trailer longer than a head may be:
        # waitress keeps each growing until its CR LF comes, and it and the checks below
        # copy and search all of it again at each read, so 5 MB of one (within the body's
        # limit) took the front 6 s of CPU to read, where a body of 5 MB takes none.
        most = self.adj.max_request_header_size
        if self.chunked and receiver is not None and not self.completed \
                and max(len(receiver.control_line), len(receiver.trailer)) > most:
            what = "a chunk's size line" if receiver.control_line else "the trailer"
            # A 400: a 431 once the head has been read is taken for the URL's (``tasks.py``).
            self.error = BadRequest(f"{what} of the chunked body is over the limit of "
                                    f"{most:,} bytes for a request's head")
            self.completed = True
        # A chunk-size line, or the trailer, ended by a bare LF: waitress looks for CR LF
        # alone (a CR LF ends what it holds, so an LF in it is bare), and the client heard
        # nothing until its connection was closed once idle.
        if self.chunked and receiver is not None and not self.completed \
                and (b"\n" in receiver.control_line
                     or _ends_in_bare_lf(b"\r\n" + receiver.trailer)):
            self.error = BadRequest("the chunked body's lines end in a bare LF: end each "
                                    "chunk's size line, and the trailer, with CR LF (RFC 9112, "
                                    "7.1)")
            self.completed = True
        return consumed

    def _head_received(self, data: bytes) -> int | None:
        """Add ``data`` to the head and check what it completes; return the bytes consumed
        (all of it) if the head goes on, or was refused; None once it is ready for waitress
        (ended, or at its limit), which is then told what came before as it would have been."""
        if self.lead is not None:
            lead = self._lead_received(data)
            if lead is not None:
                return lead
        arrived, old = self._arrived, len(self._arrived)
        arrived += data
        if not self._method_ended:
            self._method_ended, refusal = method_char_refusal(arrived, old)
            if refusal is not None:
                return self.refuse(refusal, data)
        if not self._line_ended and (lf := arrived.find(b"\n", old)) >= 0:
            self._line_ended = True  # the request line, just ended
            line = bytes(arrived[:lf]).removesuffix(b"\r")
            refusal = line_refusal(line)
            if refusal is not None:
                return self.refuse(refusal, data)
        # Each search begins where a match could first hold a new byte (none held one
        # before, or the head would have been refused or ended): a bare CR the byte
        # before, an empty line's end (up to 3 bytes) two before, CR LF CR LF three.
        end = arrived.find(b"\r\n\r\n", max(0, old - 3))
        if _BARE_CR.search(arrived, max(0, old - 1),
                           len(arrived) if end < 0 else end + 4):
            return self.refuse(BadRequest("the request's head holds a bare CR: end each "
                                          "line, and the head, with CR LF (RFC 9112, 2.2)"),
                               data)
        if _ends_in_bare_lf(arrived, max(0, old - 2)):
            # A head whose lines end in a bare LF: waitress looks for CR LF CR LF only,
            # and the client waited for the request deadline's 408 with no word of what
            # was wrong.
            return self.refuse(BadRequest("the request's lines end in a bare LF: end each "
                                          "line, and the head, with CR LF (RFC 9112, 2.2)"),
                               data)
        if arrived.find(b"\r\n\r\n", max(0, old - 3)) < 0 \
                and len(arrived) < self.adj.max_request_header_size:
            return len(data)
        # Waitress reads the head from here, as if each read before had reached it.
        self.header_plus, self.header_bytes_received = bytes(arrived[:old]), old
        return None

    def _lead_received(self, data: bytes) -> int | None:
        """Read the empty lines (CR LF) before the request line: return the bytes consumed
        (all of ``data``, or the lead it ends: the channel hands back the rest), or None once
        the line begins at ``data``'s first byte.  Counted, not kept, all this request's own:
        waitress took each CR LF CR LF for an empty request, its parser copying what followed
        (a megabyte of them cost the front 12 s of CPU), and each reset the request's deadline
        (``connections.py``): one sent every second kept a connection for good."""
        begins = _NOT_BLANK.search(data)
        end = len(data) if begins is None else begins.start()
        # Empty lines only, then the method (``lead_refusal``), which waitress's lstrip did
        # not ask; a CR the last read ended with is judged again with what follows it.
        refusal = lead_refusal(b"\r" * (self.lead % 2) + data[:end + 1])
        if refusal is not None:
            return self.refuse(refusal, data)
        self.lead += end
        most = self.adj.max_request_header_size
        if self.lead >= most:
            return self.refuse(BadRequest(
                f"{self.lead:,} bytes of empty lines (CR LF) came before the request line, "
                f"more than a request's head may take ({most - 1:,} bytes): send the request "
                "line first"), data)
        if begins is None:
            return len(data)
        self.lead = None
        return end or None

    def refuse(self, error: Error, data: bytes) -> int:
        """End the request being read with ``error`` (answered, then the connection closed);
        return the bytes consumed: all of ``data``."""
        # A request of our own to answer in: the refusal is said in HTTP/1.1, whatever the
        # client sent, and no Host is needed for it; to a HEAD, with no body.
        self.parse_header(f"{self.asked()} / HTTP/1.1\r\n".encode())
        self.error = error
        self.completed = True
        return len(data)

    def asked(self) -> str:
        """Return the method of the request being read, as far as the front answers by it:
        HEAD (whose answer has no body, RFC 9110, 9.3.2), else GET.  A refusal answered a
        HEAD refused as it arrived (a bare CR, HTTP/2.0, a head over its limit, a 408) with
        a body, which a client keeping the connection read as its next answer's start."""
        return "HEAD" if self._arrived.startswith(b"HEAD ") else "GET"

    def parse_header(self, header_plus):
        # HTTP/1.2 and on: answered as HTTP/1.1 (RFC 9110, 2.5), where waitress fell back to
        # HTTP/1.0 and closed the connection after each answer.
        header_plus = _LATER_HTTP1.sub(rb"\g<1>1", header_plus, count=1)
        try:
            super().parse_header(header_plus)
        except TransferEncodingNotImplemented:
            _check_last_coding(header_plus)  # a 400 where the body's end cannot be told
            raise
        except ParsingError as exc:
            raise request_target.said(self, exc) from None
        except ValueError as exc:
            # A target Python's URL parser refuses ("http://[::1/sparql": an unclosed IPv6
            # address): the ValueError escaped waitress's parser, and the connection was closed
            # unanswered.
            target = getattr(self, "request_uri", "")
            try:
                split_uri(target.encode("latin-1"))
            except ValueError:
                raise ParsingError(f"the request's target {clipped(target, show=repr)} is not a "
                                   f"URL this server can read ({exc})") from None
            # Waitress reads Content-Length with int(), which refuses more than 4,300 digits:
            # the ValueError escaped the parser, and the connection was closed unanswered.
            length = self.headers.get("CONTENT_LENGTH", "")
            if self.chunked or not (length.isascii() and length.isdigit()):
                raise
            raise ParsingError(f"Content-Length is {len(length):,} digits long; a request "
                               f"body here is at most {self.adj.max_request_body_size:,} "
                               "bytes") from None
        if _TRANSFER_ENCODING.search(header_plus):  # (splitting every head cost 5 % of the front)
            _check_transfer_codings(header_plus)  # after waitress's, so its version answers
        request_target.check(self)
        # Content-Length beside Transfer-Encoding: waitress read the body by the latter and
        # kept the connection open, so what a proxy framing by the length took for the body
        # was read here as a second request (request smuggling).  RFC 9112, 6.1 allows a
        # refusal, and requires the connection closed: the refusal does both.
        if self.chunked and "CONTENT_LENGTH" in self.headers:
            raise ParsingError("a request may not carry both Content-Length and "
                               "Transfer-Encoding (RFC 9112, 6.1)")
        # Refused before its body is read or invited: the connection is closed after the 417.
        # Else 100-continue is met, however many times named (waitress compared the whole
        # field with "100-continue": named twice, the body was never invited, a 408).
        expect = self.headers.get("EXPECT", "")
        refusal = expectation_refusal(expect)
        if refusal is not None:
            self.error, self.completed, self.expect_continue = refusal, True, False
        elif self.version == "1.1":  # an HTTP/1.0 client's 100-continue is ignored (10.1.1)
            self.expect_continue = bool(_members(expect))
        _connection_options(self)
        head_refused.withhold(self)  # the app's refusal, not "100 Continue", if it refuses


def _connection_options(parser: HTTPRequestParser) -> None:
    """Read the Connection field as the list it is (RFC 9110, 7.6.1): waitress compared the
    whole value with "close", so ``keep-alive, close``, ``close, TE`` (libwww-perl's) or a
    second Connection field kept the connection open, where RFC 9112 (9.6) has the server
    close it after its answer and say so.  Said as waitress reads it: one option."""
    options = {option.lower() for option in _members(parser.headers.get("CONNECTION", ""))}
    if "close" in options:
        parser.headers["CONNECTION"], parser.connection_close = "close", True
    elif parser.version == "1.0" and "keep-alive" in options:
        parser.headers["CONNECTION"], parser.connection_close = "keep-alive", False


def _transfer_codings(header_plus: bytes) -> tuple[bytes, list[bytes] | None]:
    """Return a head's request line and the codings its Transfer-Encoding fields name (None
    with no such field), split into fields as waitress splits them (its own functions), so
    that both read the same."""
    first, _, rest = header_plus.partition(b"\r\n")
    codings = None
    for line in get_header_lines(rest):
        field = HEADER_FIELD_RE.match(line)
        if field is not None and field["name"].lower() == b"transfer-encoding":
            codings = (codings or []) + [c.strip(b" \t").lower()
                                         for c in field["value"].split(b",") if c]
    return first, codings


def _check_last_coding(header_plus: bytes) -> None:
    """Raise ParsingError for a head whose last transfer coding is not chunked
    (``chunked, gzip``, ``gzip``): the body's end cannot be told, and RFC 9112 (6.3) asks for a
    400 and the connection closed, where waitress answered 501 as for a coding it does not
    decode (``gzip, chunked`` still is one: the body is framed, its coding unknown).  Asked
    once waitress has refused a coding, having read the request line, so that the refusal is
    said in the request's version."""
    first, codings = _transfer_codings(header_plus)
    if codings and codings[-1] != b"chunked":
        raise ParsingError("chunked is not the last coding of Transfer-Encoding, so the "
                           "body's end cannot be told (RFC 9112, 6.3): send it chunked, or "
                           "with a Content-Length")


def _check_transfer_codings(header_plus: bytes) -> None:
    """Raise ParsingError for a head whose Transfer-Encoding waitress would read otherwise
    than a proxy in front may: chunked named more than once, or any on HTTP/1.0."""
    first, codings = _transfer_codings(header_plus)
    if codings is None:
        return
    if not any(codings):
        # "Transfer-Encoding:" with no coding: waitress read the body by Content-Length (none:
        # empty) and kept the connection, so the body was read as the next request, where a
        # proxy taking the field for chunked framed it otherwise.  Chunked is not its last
        # coding, so RFC 9112 (6.3) asks for a 400 and the connection closed.
        raise ParsingError("Transfer-Encoding names no coding: leave the field out and send "
                           "the body with a Content-Length, or name chunked (RFC 9112, 6.3)")
    if first.rstrip().endswith(b" HTTP/1.0"):
        raise ParsingError("an HTTP/1.0 request may not carry Transfer-Encoding (RFC 9112, 6.1):"
                           " send its body with a Content-Length, or send it in HTTP/1.1")
    if codings.count(b"chunked") > 1:
        raise ParsingError("Transfer-Encoding names chunked more than once; a body is chunked "
                           "once (RFC 9112, 6.1)")
