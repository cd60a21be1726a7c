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
