"""Messages naming what their reader gives: the library's words, or another caller's."""

import json
import pickle

import pytest

from alliance_graph.wording import Metavar, Said, parameter, worded

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
