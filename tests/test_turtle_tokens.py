"""turtle_tokens: a Turtle text's tokens as finding a term's line reads them."""

from __future__ import annotations

from alliance_graph.build import turtle_tokens


def test_strings_and_comments_hide_the_terms_they_mention():
    text = '# id:A in a comment\nid:B ag:note "see id:A" .\n'
    assert [(kind, token) for _, kind, token in turtle_tokens.tokens(text)] == [
        ("name", "id:B"), ("name", "ag:note"), ("string", '"see id:A"'), ("name", ".")]


def test_a_name_stands_for_itself_and_its_escapes_undone():
    assert turtle_tokens.forms("name", "id:No\\~Sea.") == ["id:No\\~Sea", "id:No~Sea"]
    assert turtle_tokens.forms("iri", "<http://e/\\u0041>") == ["<http://e/\\u0041>",
                                                                "<http://e/A>"]
    assert turtle_tokens.forms("name", "...") == []


def test_a_string_token_writes_its_value():
    assert turtle_tokens.string_value('"a\\tb\\u00e9"') == "a\tb\u00e9"
    assert turtle_tokens.string_value("'''x\"y'''") == 'x"y'


# (text, the declarations it makes: offset, keyword, prefix or None for a base, IRI as written,
# as read against the base in effect)
DECLARATIONS = [
    ("@prefix ag: <https://e/o/> .\n", [(0, "@prefix", "ag", "https://e/o/", "https://e/o/")]),
    ("@base <http://a/> . @prefix x: <b/> . PREFIX y: <c> BASE <d/> @prefix z: <e> .",
     [(0, "@base", None, "http://a/", "http://a/"), (20, "@prefix", "x", "b/", "http://a/b/"),
      (38, "PREFIX", "y", "c", "http://a/c"), (52, "BASE", None, "http://a/d/", "http://a/d/"),
      (62, "@prefix", "z", "e", "http://a/d/e")]),
    ('id:A ag:note "x"@prefix .\n', []),                 # a language tag, not a keyword
    ('id:A ag:note """@prefix x: <a> .""" .\n', []),      # inside a string
    ("# @prefix x: <a> .\n", []),                         # inside a comment
    ("@PREFIX x: <a> .\n", []),                           # "@" keywords are lower case
    ("@prefix x: <a> .\nid:A a x:B .\n@prefix", [(0, "@prefix", "x", "a", "a")]),  # cut short
    ("@base", []),
]


def test_declarations_are_read_with_the_base_in_effect():
    for text, want in DECLARATIONS:
        assert list(turtle_tokens.declarations(text)) == want, text


def test_declarations_hold_a_few_tokens_not_the_files():
    """They were read from a list of every token of the file, about 100 bytes a token at once
    (40 MB for 100,000 one-line statements) for the few tokens after each keyword."""
    import tracemalloc
    text = "@prefix id: <https://e/id/> .\n" + "".join(
        f"id:T{i} id:p id:O{i} .\n" for i in range(100_000))
    tracemalloc.start()
    try:
        found = list(turtle_tokens.declarations(text))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found == [(0, "@prefix", "id", "https://e/id/", "https://e/id/")]
    assert peak < 1_000_000, peak
