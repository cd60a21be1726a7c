"""What a request sends beside its path: the fields of its query string or form, and its body.

Shared by ``/sparql`` (``protocol.py``), ``/validate`` (``dry_run.py``) and the app's check of
every query string.  Each bound here is there because a request within the size limits cost
the front far more than its size without it: fields are counted before any is decoded, and
percent escapes decoded a slice at a time.  Bodies are read as sent (never decompressed) and,
where text, as UTF-8.
"""

from __future__ import annotations

import encodings
import re
import urllib.parse
from encodings.aliases import aliases

from ..clipping import apart, clipped
from ..query.bounds import too_long
from ..query.refused import Refused
from .echoed import typed

# Fields a URL's query string or a form body may carry: the protocol has six names, a few of
# them repeatable (a graph per named-graph-uri).  Each field costs the front memory and time
# holding the interpreter: a 5 MB form of "a&a&a..." was 2.6 million fields, 20 s and 200 MB
# a request, and sixteen of them at once took the front to 3.3 GB and stalled every client.
MAX_PARAMS = 1000
# Percent escapes are decoded this many bytes at a time: urllib makes an object of every
# escape, and a 5 MB value of them decoded whole took 380 MB for its 1.7 MB of text.
_DECODE_SLICE = 1 << 16
# A "%" that begins no escape (two hex digits).  urllib and werkzeug keep it as text, so that
# /search?q=%zz searched for "%zz", and a mistyped escape was answered as if meant.
_BAD_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_BOM = "\ufeff".encode()
# What a query's text begins with (a form's fields never do): a comment, or the keyword of a
# prologue or a query form, in any case.
_QUERY_TEXT = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:#|(?:PREFIX|BASE|VERSION|SELECT|ASK|CONSTRUCT|"
                         rb"DESCRIBE)\b)", re.IGNORECASE)
# A quoted string of a header field's parameter (RFC 9110, 5.6.4), which may hold a comma.
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"?')


def _unescaped(raw: bytes) -> bytes:
    """Return a form field's bytes with ``+`` and its percent escapes decoded, a slice at a
    time (never cutting an escape in two)."""
    raw = raw.replace(b"+", b" ")
    if b"%" not in raw:
        return raw
    out, start = bytearray(), 0
    while start < len(raw):
        end = start + _DECODE_SLICE
        if end < len(raw):
            cut = raw.rfind(b"%", end - 2, end)
            end = cut if cut > start else end
        out += urllib.parse.unquote_to_bytes(raw[start:end])
        start = end
    return bytes(out)


def parse_params(data: bytes, where: str, most: int | None = None) -> dict[str, list[str]]:
    """Return the parameters of a URL query string or form body (blank values kept), as
    ``urllib.parse.parse_qs`` reads them; 400 when they are not UTF-8, rather than run a query
    with replacement characters in it, when there are more than ``MAX_PARAMS``, when one
    holds a "%" that begins no escape, rather than read it as text as urllib does, or, before
    it is decoded, when a name or value is more than ``most`` bytes long decoded (a query
    over ``max_query_bytes``: 5 MB of "%41%41..." was decoded, 0.4 s of the front's time,
    to be refused for its length)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(400, f"the {where} is not valid UTF-8 (byte {exc.start}); "
                           "percent-encode its text as UTF-8") from exc
    fields = data.count(b"&") + 1
    if fields > MAX_PARAMS:
        raise Refused(400, f"the {where} has {fields:,} fields (parts separated by &); at most "
                           f"{MAX_PARAMS:,} are read: the SPARQL protocol needs a few")
    params: dict[str, list[str]] = {}
    for field in data.split(b"&"):
        if not field:
            continue
        name, _, value = field.partition(b"=")
        _escapes_whole(where, name, value)
        if most is not None:
            _within(where, name, value, most)
        try:
            pair = [_unescaped(part).decode("utf-8") for part in (name, value)]
        except UnicodeDecodeError as exc:  # a %XX escape: exc.start counts in the decoded field
            raise Refused(400, f"the {where} has a percent-encoded value that is not valid "
                               f"UTF-8 (its byte {exc.start}); percent-encode its text as "
                               "UTF-8") from exc
        params.setdefault(pair[0], []).append(pair[1])
    return params


def query_form(body: bytes, most: int | None) -> dict[str, list[str]]:
    """Return the fields of a /sparql form body (``parse_params``), refusing (400) one that is
    a query's text sent as a form, as ``curl --data 'SELECT ...'`` sends it: it was read as a
    field named by the query, and answered "the request carries no query"."""
    form = parse_params(body, "form body", most)
    if not ({"query", "update"} & form.keys()) and _QUERY_TEXT.match(body):
        raise Refused(400, "the form body holds no query= field: it reads as a query's text, "
                           "sent as a form (curl --data's default type); send the text as "
                           "application/sparql-query (curl -H 'Content-Type: application/"
                           "sparql-query' --data-binary @query.rq), or in the field query= "
                           "(curl --data-urlencode 'query=...')")
    return form


def no_form(body: bytes) -> bytes:
    """Return an application/sparql-query body, refusing (400) one that is a form (``query=``
    then the query, as ``curl -H 'Content-Type: application/sparql-query' --data-urlencode
    query=...`` sends it): it was parsed as a query, "'query' begins no SPARQL query"."""
    if body.removeprefix(_BOM).lstrip().startswith(b"query="):
        raise Refused(400, "the body is a form (query=...) but is sent as application/"
                           "sparql-query, which is the query's text alone: send the form as "
                           "application/x-www-form-urlencoded, or the text alone")
    return body


def _escapes_whole(where: str, name: bytes, value: bytes) -> None:
    """Refuse (400) a field whose name or value holds a "%" beginning no escape, naming the
    field and the escape."""
    for part, of in ((name, None), (value, name)):
        bad = _BAD_ESCAPE.search(part)
        if bad is None:
            continue
        if of is None:
            said = "a parameter's name"
        else:
            shown = _unescaped(of).decode("utf-8", "replace")  # shown, not read
            said = f"the parameter {clipped(shown, 60, repr)}"
        escape = part[bad.start():bad.start() + 3].decode("utf-8", "replace")
        # Refused, not kept as text as Oxigraph's server keeps it: a form sent as typed
        # (curl --data) is read with its "+" as spaces and its "%20" as one, the query changed
        # silently; this "%" is the one sign of that the server can see.
        advice = ("; a form's values are percent-encoded, and one sent as typed has its "
                  "\"+\" read as a space too: let the client encode the value (curl "
                  "--data-urlencode)" if where == "form body" else "")
        if advice and of == b"query":  # /validate's form carries a proposal, no query
            advice += ", or POST the query as application/sparql-query"
        raise Refused(400, f"the {where} has a malformed percent escape in {said}: "
                           f"{escape!r} at its character {bad.start() + 1} as sent; \"%\" begins an "
                           f"escape of two hex digits: write a percent sign as %25{advice}")


def _within(where: str, name: bytes, value: bytes, most: int) -> None:
    """Refuse (400) a field whose name or value is more than ``most`` bytes long decoded, as
    the checks refuse a query over ``max_query_bytes`` (a byte-order mark before a query is
    not part of it): its length is known from its escapes, each three bytes sent for one."""
    for part, what in ((name, f"a parameter's name in the {where}"), (value, None)):
        size = len(part) - 2 * part.count(b"%")  # every "%" begins an escape (_escapes_whole)
        if size <= most:
            continue
        if what is None:  # the value: its name is within the bound, checked first
            named = _unescaped(name).decode("utf-8", "replace")
            what = "the query" if named == "query" else f"the parameter {clipped(named, 60, repr)}"
            size -= 3 * (named == "query" and _unescaped(value[:9]).startswith(_BOM))
        if size > most:
            raise Refused(400, too_long(what, size, most))


def plain_body(environ) -> None:
    """Refuse (415) a request body sent in a content coding (gzip, deflate, br, ...): bodies are
    read as sent, and one read as such was a 400 that blamed its bytes for not being UTF-8,
    or was run, a coding named and not applied.  Never decoded here: a few kilobytes of gzip
    can stand for gigabytes."""
    sent = typed(environ.get("HTTP_CONTENT_ENCODING") or "")
    if any(c.strip().lower() not in ("", "identity") for c in sent.split(",")):
        raise Refused(415, f"the request body is sent with Content-Encoding "
                           f"{clipped(sent.strip())}; this server "
                           "reads bodies as they are, uncompressed: send it without a content "
                           "coding")


def form_charset(content_type: str) -> None:
    """Refuse (415) a form whose Content-Type names a charset other than UTF-8: its fields are
    read as percent-encoded UTF-8 (a UTF-16 form was said to carry no query)."""
    named = charset(content_type)
    if not utf8(named):
        raise Refused(415, f"a form is read as percent-encoded UTF-8, not {clipped(named)}: "
                           "send its fields in UTF-8")


def read_body(environ, limit: int) -> bytes:
    """Return the request body, refusing (413) one over ``limit`` bytes before reading it."""
    length = environ.get("CONTENT_LENGTH") or ""
    stream = environ["wsgi.input"]
    if length:
        if not length.isdigit():
            raise Refused(400, f"Content-Length {clipped(length, show=repr)} is not a number of "
                               "bytes")
        if int(length) > limit:
            raise Refused(413, f"the request body is {length} bytes, over the {limit}-byte limit")
        return stream.read(int(length))
    if not environ.get("wsgi.input_terminated"):
        return b""
    # No length: a chunked body, which the server (waitress, werkzeug's test client) ends.
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise Refused(413, f"the request body is over the {limit}-byte limit")
    return data


def one_content_type(content_type: str) -> None:
    """Refuse (400) a Content-Type of more than one value: two header fields, which the server
    joins with a comma (a media type holds none outside a quoted string).  They were read as
    one type, "application/sparql-query, text/plain", and refused as unsupported, 415, the
    client told its own type was not the one it sent."""
    if "," in _QUOTED.sub("", content_type):
        raise Refused(400, f"the request has more than one Content-Type "
                           f"({clipped(typed(content_type))}): "
                           "send one")


def body_unread(environ) -> None:
    """Refuse (400) a GET or HEAD with a body: its query is read from its URL.  A body was
    dropped unread, and a query sent in it (``curl -X GET --data-urlencode query=...``) was
    answered with the service description, 200, as if no query had been asked."""
    length = environ.get("CONTENT_LENGTH") or ""
    if length.isdigit() and int(length) > 0:
        method = environ["REQUEST_METHOD"]
        raise Refused(400, f"a {method} request carries its query in the URL (?query=...), and "
                           f"its body is not read: send the query in the URL (curl -G "
                           "--data-urlencode 'query=...'), or POST the body")


def charset(content_type: str) -> str | None:
    """Return a Content-Type's charset parameter, lower-cased (None without one, or with an
    empty one: "charset=" names no other encoding, and was refused as "not : send ...").
    Refuse (415) two that differ: ``charset=utf-8;charset=utf-16`` was read as its first,
    where either may be what the body is in."""
    named: dict[str, str] = {}  # by the encoding each names (utf8 is utf-8)
    for param in typed(content_type).split(";")[1:]:
        key, _, value = param.partition("=")
        value = value.strip().strip('"').lower()
        if key.strip().lower() == "charset" and value:
            named.setdefault(_encoding(value), value)
    if len(named) > 1:
        first, second = apart(*list(named.values())[:2])
        raise Refused(415, f"the Content-Type names two charsets, {first} and {second}, and the "
                           "body can be in one: name one (UTF-8)")
    return next(iter(named.values()), None)


def utf8(named: str | None) -> bool:
    """Return whether a body whose Content-Type names the charset ``named`` (``charset``'s;
    None: none) is read as UTF-8: one of UTF-8's names or ASCII's (a subset), by the encoding
    each names.  They were four names: ``charset=ascii;charset=us-ascii``, two names of one
    encoding, was refused (415, "not ascii") and the other order read, ``utf_8`` refused and
    ``utf-8;charset=utf_8`` read."""
    return named is None or _encoding(named) in ("utf_8", "ascii")


def _encoding(name: str) -> str:
    """Return the codec a charset ``name`` names (``utf8``, ``UTF-8``: ``utf_8``), by the
    aliases Python's codec search reads, or ``name`` as normalized.  Not ``codecs.lookup``:
    its search keeps every name it did not find, for good (``encodings._cache``), and a
    client sending a new charset with each request grew the server's memory without end."""
    normalized = encodings.normalize_encoding(name.lower())
    return aliases.get(normalized) or aliases.get(normalized.replace(".", "_")) or normalized


def format_values(params) -> list[str]:
    """Return the formats a request's parameters name, in the order sent (``negotiation``
    uses the first it knows): ``format``'s, else ``output``'s, Fuseki's name for it, which
    SPARQLWrapper sends too.  A blank value names nothing (``format=&output=csv`` is CSV).
    ``params`` maps names to lists of values, as ``parse_params`` gives them, or is a
    werkzeug MultiDict."""
    return [v for v in _values(params, "format") if v] or \
        [v for v in _values(params, "output") if v]


def single(params, name: str, default: str | None = None) -> str | None:
    """Return the value of the single-valued parameter ``name`` (``default`` without it), as
    ``format_values`` takes ``params``: every page's and JSON endpoint's reader of one value
    (an example's name, a search's text, a page number, a format) reads it here.  Given twice
    with different values it is refused (400), as ``/sparql`` refuses two queries: the first
    was read and the second dropped without a word, where the command line keeps the last
    (click's way).  The same value repeated says one thing, and is read."""
    values = _values(params, name)
    if not values:
        return default
    other = next((v for v in values if v != values[0]), None)
    if other is not None:
        # Said apart: two values alike in their first 60 characters were both said as those
        # 60 and an ellipsis, "different values" that read the same.
        first, second = apart(values[0], other, repr, 60)
        raise Refused(400, f"{name} given twice, with different values ({first} and "
                           f"{second}): give it once")
    return values[0]


def _values(params, name: str) -> list[str]:
    """Return the values of ``name`` in ``params``: a werkzeug MultiDict, or a mapping of
    names to lists of values, as ``parse_params`` gives them."""
    return params.getlist(name) if hasattr(params, "getlist") else params.get(name, [])


# How a yes-or-no parameter (``inferred``, ``bom``) may say yes (an HTML checkbox sends "on")
# and no.
_YES_NO = {"true": True, "1": True, "yes": True, "on": True,
           "false": False, "0": False, "no": False, "off": False}


def inferred(params) -> bool:
    """Return whether a request's parameters ask for the inferred graph (no ``inferred``: no),
    as ``format_values`` takes ``params``.  A value saying neither yes nor no, an empty one,
    and values saying both are refused (400): any value but the four yeses read as no, so
    ``inferred=ture`` and ``?default&inferred`` (a flag, as ``default`` is one) were answered
    without the inferred graph, as though it had been left out, and ``inferred=true&inferred=
    false`` by the first alone."""
    return said_yes(params, "inferred", "to add the inferred graph", "to leave it out")


def said_yes(params, name: str, yes: str, no: str) -> bool:
    """Return whether ``params`` say yes to the parameter ``name`` (absent: no); refuse (400)
    a value saying neither, or values saying both, telling what ``yes`` and ``no`` do."""
    said = {v: _YES_NO.get(v.strip().lower()) for v in _values(params, name)}
    unread = [v for v, meant in said.items() if meant is None]
    if unread:
        raise Refused(400, f"{name}={clipped(unread[0])} says neither yes nor no: give "
                           f"{name}=true {yes}, or {name}=false (or no {name}) {no}")
    if len(set(said.values())) > 1:
        raise Refused(400, f"{name} is given both true and false: give it once")
    return any(said.values())
