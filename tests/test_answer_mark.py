"""bom=true's mark (web/answer_mark.py) on an answer the engine sent in a temporary file."""

import codecs
import tempfile

import pytest

from alliance_graph.engine.wire import Spooled
from alliance_graph.query.refused import Refused
from alliance_graph.query.results import RESULT_FORMATS
from alliance_graph.web import answer_mark


def spooled(data: bytes) -> Spooled:
    file = tempfile.TemporaryFile()
    file.write(data)
    return Spooled(file, len(data))


def test_a_spooled_answer_is_marked_in_a_file_of_its_own_within_the_limit():
    # An answer over wire.SPOOL_BYTES comes as a file, which the server sends from: the mark
    # goes before it there too, counted as the bytes held in memory are (protocol tests).
    data = b"x\r\n" + b"a" * 100_000 + b"\r\n"
    body = answer_mark.marked(spooled(data), RESULT_FORMATS["tsv"], True, len(data) + 3)
    assert isinstance(body, Spooled) and len(body) == len(data) + 3
    assert body.read() == codecs.BOM_UTF8 + data
    with pytest.raises(Refused) as refused:
        answer_mark.marked(spooled(data), RESULT_FORMATS["csv"], True, len(data) + 2)
    assert refused.value.status == 422
    plain = spooled(data)  # JSON, or no bom: the body as it came
    assert answer_mark.marked(plain, RESULT_FORMATS["json"], True, 10) is plain
    plain.close()
