"""characters: a data file's pasted look-alike character, and its byte of another encoding than
UTF-8, are named with what to type instead, on both routes of a build as in a proposal."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from alliance_graph.build import characters, loading, streaming
from alliance_graph.build.loading import LoadError

PREFIXES = ("@prefix ag: <https://alliance-graph.example/ontology/> .\n"
            "@prefix id: <https://alliance-graph.example/id/> .\n\n")
CURLY = ("('\u201c' is U+201C LEFT DOUBLE QUOTATION MARK, a curly quotation mark (a word "
         "processor's): Turtle's strings are written between straight quotes, \" or ')")
CP1252 = ("is not valid UTF-8 text (byte 0x92, the line's byte 27, is '\u2019', U+2019 RIGHT "
          "SINGLE QUOTATION MARK, in Windows-1252: the file was saved in another encoding than "
          "UTF-8; save it as UTF-8)")


def default_route(path):
    loading.load_files([(path, "data/aid.ttl")])


def streaming_route(path):
    streaming.load_files(ox.Store(), [(path, "data/aid.ttl")])


@pytest.mark.parametrize("build", [default_route, streaming_route])
@pytest.mark.parametrize("written, said", [
    ('id:FxState ag:note \u201cx\u201d .\n', f"data/aid.ttl:4:20: '\u201c' is not allowed at "
                                             f"the beginning of a prefix name {CURLY}"),
    ('id:FxState ag:note "Israel\u2019s note" .\n', f"data/aid.ttl:4: {CP1252}"),
])
def test_a_data_file_is_told_what_a_proposal_is(tmp_path, build, written, said):
    # The build said "'“' is not allowed at the beginning of a prefix name" and "is not valid
    # UTF-8 text" with its line alone, where validate named the character and the byte, and
    # said what to type instead.
    path = tmp_path / "aid.ttl"
    path.write_bytes((PREFIXES + written).encode("cp1252" if "\u2019" in written else "utf-8"))
    with pytest.raises(LoadError) as refused:
        build(path)
    assert [str(p) for p in refused.value.problems] == [said]


def test_only_a_character_past_plain_ascii_is_named():
    assert characters.named("'x' is not allowed") == "'x' is not allowed"
    assert characters.named("'\u200b' is not allowed").endswith(
        "('\\u200b' is U+200B ZERO WIDTH SPACE, a space Turtle does not read as one (pasted "
        "from a web page or a word processor): retype it as a plain space)")


def test_a_byte_of_no_windows_1252_character_is_named_with_its_column():
    # 0x81 is no character of Windows-1252; lines end at a carriage return too.
    assert characters.encoding_hint(b"ab\rc\x81", 4) == \
        " (byte 0x81, the line's byte 2): save it as UTF-8"
    assert characters.encoding_hint(b"ab", 2) == ""
