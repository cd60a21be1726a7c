"""Telling UTF-16 text from other bytes that are not UTF-8 (utf16.py)."""

import pytest

from alliance_graph import utf16


@pytest.mark.parametrize("text, encoding", [
    ("\ufeffהצעהחדשה", "utf-16-le"),                # a byte order mark, no NUL byte
    ("\ufeffGlobal Firepower", "utf-16-be"),
    ('id:X ag:note "תרגיל גמיש" .\n', "utf-16-le"),  # no mark: one script's block and ASCII
    ("Missile defense cooperation\n", "utf-16-be"),
])
def test_utf16_text_is_read_back_in_its_byte_order(text, encoding):
    assert utf16.utf16_text(text.encode(encoding)) == text.removeprefix("\ufeff")


@pytest.mark.parametrize("data", [
    'id:FxState ag:note "Israel\u2019s note" .\n'.encode("cp1252"),
    "Israel\u2019s".encode("cp1252"),                  # even length, read two bytes at a time
    "\u00e9t\u00e9 caf\u00e9 na\u00efve".encode("latin-1"),
    b"\xff\xfe\x00",                                   # a mark, then half a character
])
def test_other_encodings_are_not_taken_for_utf16(data):
    assert not utf16.is_utf16(data)
