"""What values a Settings field may take (``setting_values.check_values``), asked of every
Settings: a library caller's slip refused as the command line's options refuse it."""

import re

import pytest

from alliance_graph.settings import Settings


@pytest.mark.parametrize("field, given, said", [
    ("query_memory", "1G", "a whole number (an int)"),
    ("max_result_bytes", 1e6, "a whole number (an int)"),
    ("port", True, "a whole number (an int)"),
    ("query_timeout", "5", "a number (an int or a float)")])
def test_a_number_setting_given_no_number_of_its_kind_is_a_type_error_naming_it(field, given,
                                                                               said):
    # Settings(query_memory="1G") was built, and ag.load(settings, timeout=5) stopped its
    # engine on a traceback and said "the query engine did not start: the engine connection
    # closed mid-message".
    with pytest.raises(TypeError, match=re.escape(f"Settings({field}=...) takes {said}, not "
                                                  f"{given!r}")):
        Settings(**{field: given})
    with pytest.raises(TypeError, match=re.escape(f"Settings({field}=...)")):
        Settings().with_(**{field: given})
    assert Settings(query_timeout=5).query_timeout == 5  # an int is a number of seconds


@pytest.mark.parametrize("field, given, said", [
    ("workers", 0, "a whole number (an int) of at least 1"),
    ("max_result_bytes", -5, "a whole number (an int) of at least 0"),
    ("query_timeout", float("nan"), "a number (an int or a float) above 0"),
    ("query_timeout", 0, "a number (an int or a float) above 0"),
    ("send_timeout", 0, "a number (an int or a float) above 0"),
    ("channel_timeout", 0.0, "a number (an int or a float) above 0"),
    ("engine_poll", -1, "a number (an int or a float) above 0")])
def test_a_number_setting_below_what_it_may_be_is_a_value_error_naming_it(field, given, said):
    # Settings(workers=0) answered every query "all 0 query slots stayed busy for the whole
    # time limit"; a negative size or a NaN time was taken as given; send_timeout=0 (which
    # the command line refuses) reset every answer at the first idle check.
    with pytest.raises(ValueError, match=re.escape(f"Settings({field}=...) takes {said}, not "
                                                   f"{given!r}")):
        Settings(**{field: given})
    assert Settings(port=0, response_cache_bytes=0, follow_poll=0).port == 0  # 0 means one


@pytest.mark.parametrize("field", ["trusted_proxies", "allowed_services", "unreasoned_files"])
def test_a_string_given_for_a_tuple_of_them_is_a_type_error_naming_it(field):
    # Settings(trusted_proxies="127.0.0.1") kept the str, which its readers took a character
    # at a time ("1", "2", "7", ...); unreasoned_files="shapes.ttl" matched any name in it.
    with pytest.raises(TypeError, match=re.escape(
            f"Settings({field}=...) takes a tuple of strings, such as ('x',), not the string "
            "'x'")):
        Settings(**{field: "x"})
    assert Settings(**{field: ("x",)}).to_json()[field] == ["x"]
