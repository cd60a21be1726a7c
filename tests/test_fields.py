"""Reading a query string or form: as urllib reads it, within bounds on its fields and memory."""

import tracemalloc
import urllib.parse

import pytest

from alliance_graph.query.refused import Refused
from alliance_graph.web import fields


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


@pytest.mark.parametrize("form", ["a=1&b=&&c&=d&a=2", "q=a+b%2Bc%26d%3De", "x=%41%4", "x=%zz%",
                                  "%C3%A9=%E2%82%AC", ""])
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


@pytest.mark.parametrize("size", [fields._DECODE_SLICE - 1, fields._DECODE_SLICE,
                                  fields._DECODE_SLICE + 1])
def test_an_escape_at_a_slice_boundary_is_decoded_whole(size):
    for prefix in (b"", b"a", b"ab"):
        form = b"q=" + prefix + b"%41" * size + b"%C3%A9"
        assert fields.parse_params(form, "x") == {"q": [prefix.decode() + "A" * size + "é"]}
