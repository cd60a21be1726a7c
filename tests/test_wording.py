"""Messages naming what their reader gives: the library's words, or another caller's."""

import functools
import io
import json
import os
import pickle
from pathlib import Path

import pytest

from alliance_graph import wording
from alliance_graph.store import backends
from alliance_graph.store.errors import StoreError
from alliance_graph.wording import Metavar, Said, command_line, parameter, worded

# Another caller's names for the parameters, as the command line gives them.
OTHER = {"fmt": "--format", "settings.store": "--store", "into": "--into"}


def other(name, *values):
    flag = OTHER.get(name, f"<{name}>")
    return " or ".join(f"{flag} {v}" for v in values) if values else flag


@pytest.mark.parametrize("name, values, says", [
    ("fmt", ("nt", "ttl"), "fmt='nt' or fmt='ttl'"),
    ("inferred", (True,), "inferred=True"),
    ("fmt", (), "fmt"),
    ("settings.store", ("Memory",), "Settings(store='Memory')"),
    ("settings.store", (), "Settings.store"),
    ("into", (Metavar("FILE"),), "into=FILE"),
    ("update(kg, queries_dir)", ("ignored",), "update(kg, queries_dir)"),
])
def test_the_library_names_a_parameter_as_its_caller_writes_it(name, values, says):
    assert parameter(name, *values) == says


def test_a_message_is_the_librarys_wording_and_another_callers_through_worded():
    message = Said(lambda n: f"{n('settings.store', 'x')}: give {n('into', Metavar('FILE'))}")
    assert message == "Settings(store='x'): give into=FILE"
    assert worded(message, other) == "--store x: give --into FILE"
    error = ValueError(message)
    assert str(error) == message and worded(error, other) == "--store x: give --into FILE"


def test_a_message_naming_nothing_is_the_same_in_every_callers_words():
    assert worded("plain", other) == "plain"
    assert worded(KeyError("k"), other) == str(KeyError("k"))
    assert worded(OSError(2, "gone"), other) == str(OSError(2, "gone"))


def test_a_message_copied_elsewhere_is_its_library_wording():
    # An error sent to another process (pickled) or written as JSON keeps the library's words.
    message = Said(lambda n: f"give {n('fmt', 'nt')}")
    copied = pickle.loads(pickle.dumps(ValueError(message)))
    assert str(copied) == "give fmt='nt'" and worded(copied, other) == "give fmt='nt'"
    assert json.loads(json.dumps({"m": message})) == {"m": "give fmt='nt'"}
    assert repr(Metavar("FILE")) == "FILE"


# -- a message said inside another keeps its wording ------------------------------------------

def store_slip(spec: str) -> StoreError:
    """Return the error the library raises for a ``Settings.store`` slip."""
    with pytest.raises(StoreError) as refused:
        backends.kind(spec)
    return refused.value


def test_a_message_formatted_inside_another_is_worded_with_it():
    # f"...: {why}" made a plain string of the inner message: the outer one was worded, and
    # the inner one said Settings(store='Memory') to the command line's user.
    slip = store_slip("Memory")
    outer = Said(lambda n, why=slip: f"the engine did not start: {why}; give {n('into', 'x')}")
    assert worded(outer, other) == ("the engine did not start: --store Memory: give memory "
                                    "(lower case), a folder, or a store's http:// or https:// "
                                    "query URL; give --into x")
    assert str(outer).startswith("the engine did not start: Settings(store='Memory'): give")
    assert str(slip).startswith("Settings(store='Memory')")  # outside it, the library's words


def test_an_error_raised_from_or_while_handling_one_says_its_message_in_the_same_words():
    # As engine/instance.py and store/remote.py raise a StoreError quoting another.
    for cause in (True, False):
        try:
            try:
                backends.kind("Memory")
            except StoreError as exc:
                if cause:
                    raise StoreError(f"the query engine did not start: {exc}") from exc
                raise StoreError(f"{exc} (and more)") from None
        except StoreError as exc:
            wrapped = exc
        assert "Settings(store='Memory')" in str(wrapped)
        said = worded(wrapped, other)
        assert "--store Memory: give memory (lower case)" in said, said
        assert "Settings" not in said, said


def test_a_string_made_while_handling_an_error_says_its_message_in_the_callers_words():
    slip = store_slip(" x")
    said = worded(f"could not validate:\n{slip}", other, slip)
    assert said == "could not validate:\n--store  x: give memory, a folder, or a store's " \
                   "http(s) URL (no spaces around it)"
    assert worded(f"could not validate: {slip}", other) == f"could not validate: {slip}"


@pytest.mark.parametrize("given, says", [
    (None, "--sources"),  # who gave what is not known
    ({"--sources": "option"}, "--sources"),
    ({"--sources": "ALLIANCE_GRAPH_SOURCES"}, "ALLIANCE_GRAPH_SOURCES"),
    ({}, "--sources or ALLIANCE_GRAPH_SOURCES"),  # neither: the default is in use
    ({"--store": "option"}, "--sources or ALLIANCE_GRAPH_SOURCES")])
def test_the_command_line_names_a_setting_as_its_user_gave_it(given, says):
    assert command_line("settings.sources_dir", given=given) == says
    assert command_line("sources_dir", given=given) == says  # sources.coverage's parameter


@pytest.mark.parametrize("given, says", [
    ({"--store": "option"}, "--store Memory"),
    ({"--store": "ALLIANCE_GRAPH_STORE"}, "ALLIANCE_GRAPH_STORE=Memory"),
    ({}, "--store Memory")])  # a value named is the one in effect: the option gives it
def test_a_value_is_named_where_the_user_gave_it(given, says):
    assert command_line("settings.store", "Memory", given=given) == says
    assert command_line("fmt", "nt", given=given) == "--format nt"  # no variable sets it


def test_a_process_speaking_the_command_line_says_every_said_so_until_told_otherwise():
    # serve's refusals reach its operator through HTTP answers, not a command that words
    # them: they named Settings.max_result_bytes to one who had given --max-result-bytes.
    said = Said(lambda n: f"at most 10 bytes ({n('settings.max_result_bytes')})")
    exc = ValueError(said)
    try:
        wording.speak_as({})
        assert wording.spoken() == {"given": {}, "serving": {}}
        assert str(said) == f"{said}" == str(exc) == "at most 10 bytes (--max-result-bytes)"
        wording.speak_as({"--store": "ALLIANCE_GRAPH_STORE"})
        assert str(Said(lambda n: n("settings.store"))) == "ALLIANCE_GRAPH_STORE"
        assert pickle.loads(pickle.dumps(said)) == "at most 10 bytes (Settings.max_result_bytes)"
        assert said.worded(other) == "at most 10 bytes (<settings.max_result_bytes>)"
    finally:
        wording.speak_as(None)
    assert wording.spoken() is None
    assert str(said) == "at most 10 bytes (Settings.max_result_bytes)"


def test_serves_options_not_given_are_named_with_their_variables_in_every_process_of_it():
    serving = {"--max-result-bytes": "ALLIANCE_GRAPH_MAX_RESULT_BYTES"}
    named = functools.partial(command_line, "settings.max_result_bytes", serving=serving)
    assert named(given={}) == "--max-result-bytes or ALLIANCE_GRAPH_MAX_RESULT_BYTES"
    assert named(given={"--max-result-bytes": "option"}) == "--max-result-bytes"
    assert named(given={"--max-result-bytes": "ALLIANCE_GRAPH_MAX_RESULT_BYTES"}) == \
        "ALLIANCE_GRAPH_MAX_RESULT_BYTES"
    assert named(100, given={}) == "--max-result-bytes 100"  # a value: the option, as written
    said = Said(lambda n: f"at most 10 bytes ({n('settings.max_result_bytes')})")
    try:
        wording.speak_as({}, serving)
        # As the query engine, a process of its own, is started to speak (SPOKEN_VARIABLE).
        spoken = json.loads(json.dumps(wording.spoken()))
        wording.speak_as(None)
        wording.speak_as(**spoken)
        assert str(said) == "at most 10 bytes (--max-result-bytes or " \
                            "ALLIANCE_GRAPH_MAX_RESULT_BYTES)"
    finally:
        wording.speak_as(None)


def test_a_setting_only_serve_sets_is_named_by_its_option_in_serve_and_by_nothing_elsewhere():
    # `query` checks a query against the library's bounds, which no option of its own sets:
    # its refusal named Settings.max_query_depth, and in serve's words it would name
    # --max-query-depth, which `query` does not take.
    said = Said(lambda n: f"the limit is 32{wording.aside(n('settings.max_query_depth'))}")
    assert str(said) == "the limit is 32 (Settings.max_query_depth)"
    assert command_line("settings.max_query_depth", given={}) == ""
    assert said.worded(lambda *named: command_line(*named, given={})) == "the limit is 32"
    assert command_line("settings.max_query_depth", given={}, serving={}) == \
        "--max-query-depth"
    assert command_line("settings.allowed_services", given={}) == "--allow-service"
    try:
        wording.speak_as({})
        assert str(said) == "the limit is 32 (--max-query-depth)"
    finally:
        wording.speak_as(None)


# A name that is not UTF-8, as Python holds it: each byte that does not decode a surrogate.
NOT_UTF8 = os.fsdecode(b"/tmp/caf\xe9/bad\xff\xfe.ttl")


@pytest.mark.parametrize("given", [NOT_UTF8, os.fsencode(NOT_UTF8), Path(NOT_UTF8)])
def test_a_name_not_utf8_is_shown_with_its_bytes_written_as_printf_reads_them(given):
    assert wording.shown(given) == "/tmp/caf\\xe9/bad\\xff\\xfe.ttl"
    assert wording.shown(f"error: no file {os.fsdecode(given)}") == \
        "error: no file /tmp/caf\\xe9/bad\\xff\\xfe.ttl"
    # Text that is already UTF-8 is left as it is.
    assert wording.shown("caf\u00e9 \u2013 \\udcff") == "caf\u00e9 \u2013 \\udcff"


def test_a_name_not_utf8_is_quoted_as_repr_quotes_with_its_bytes_shown():
    assert wording.quoted(os.fsdecode(b"bad\xff\xfe.txt")) == "'bad\\xff\\xfe.txt'"
    assert wording.quoted("it's\n") == '"it\'s\\n"'  # repr's quoting otherwise
    # A backslash of the name itself, which repr doubles, is no escape of a byte.
    assert wording.quoted("a\\udcff") == "'a\\\\udcff'"
    assert wording.quoted("a\\" + os.fsdecode(b"\xff")) == "'a\\\\\\xff'"


@pytest.mark.parametrize(("encoding", "written"), [
    ("utf-8", "bad\\xff.ttl \u2013 \u00e9".encode()),
    ("latin-1", b"bad\\xff.ttl \\u2013 \xe9"),
    ("ascii", b"bad\\xff.ttl \\u2013 \\xe9")])
def test_the_streams_error_handler_writes_a_name_as_shown_and_other_characters_escaped(
        encoding, written):
    # A strict stream refused the name (a traceback); standard error wrote "bad\udcff.ttl".
    text = os.fsdecode(b"bad\xff.ttl") + " \u2013 \u00e9"
    assert text.encode(encoding, wording.SHOWN) == written
    stream = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors=wording.SHOWN)
    stream.write(text)
    stream.flush()
    assert stream.buffer.getvalue() == written


def test_a_setting_read_from_a_variable_alone_is_named_by_it_never_by_an_option():
    # "(remote_max_answer_bytes)" told a user who had set ALLIANCE_GRAPH_REMOTE_MAX_ANSWER_BYTES
    # nothing; "--remote-timeout" would name an option no command takes.
    from alliance_graph.cli.main import main
    from alliance_graph.settings import ENVIRONMENT
    options = {flag for param in main.params for flag in param.opts}
    for field in ENVIRONMENT.values():
        flag = wording.OPTIONS.get(f"settings.{field}", "--" + field.replace("_", "-"))
        assert (f"settings.{field}" in wording.VARIABLE_ONLY) == (flag not in options), field
    assert command_line("settings.remote_timeout", given={}) == "ALLIANCE_GRAPH_REMOTE_TIMEOUT"
    assert command_line("settings.remote_max_answer_bytes", 10, given={}) == \
        "ALLIANCE_GRAPH_REMOTE_MAX_ANSWER_BYTES=10"


def test_printable_escapes_control_characters_but_line_feeds_and_tabs():
    assert wording.printable("a\x1b[31m\tb\nc\r\x7f\x9b\u00e9") == "a\\x1b[31m\tb\nc\\x0d\\x7f\\x9b\u00e9"


@pytest.fixture
def no_names_noted(monkeypatch):
    """The names noted by ``odd_names`` are the process's: here, only the test's own (other
    tests' commands, run in this process, noted theirs)."""
    monkeypatch.setattr(wording, "_ODD_NAMES", set())


def test_a_name_holding_a_control_character_is_shown_escaped_wherever_a_message_holds_it(
        no_names_noted):
    # A path holding a line break was written raw: one message on two lines.
    wording.odd_names("/tmp/out\nput/x.ttl", b"e\x1bsc.ttl", None)
    message = "cannot write /tmp/out\nput/x.ttl: the folder /tmp/out\nput is missing\ne\x1bsc.ttl"
    assert wording.shown(message) == ("cannot write /tmp/out\\nput/x.ttl: the folder "
                                      "/tmp/out\\nput is missing\ne\\x1bsc.ttl")


def test_a_text_longer_than_any_name_is_not_noted_as_one(no_names_noted):
    # A query given on the command line, lines and all, is no file's name.
    query = "SELECT ?label WHERE {\n  ?s rdfs:label ?label\n}" + " " * 255
    wording.odd_names(query)
    assert wording.shown(f"query failed: {query}") == f"query failed: {query}"


def test_a_part_of_line_breaks_alone_is_no_name(no_names_noted):
    # Noted (an argument "a/\n/b"), it had every line break of every later message escaped.
    wording.odd_names("a/\n/b", "\t \n")
    assert wording.shown("one\ntwo") == "one\ntwo"
