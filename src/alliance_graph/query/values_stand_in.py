"""A query with its VALUES rows stood in for, so that Oxigraph reads it without evaluating it.

Before a query goes to a remote store, Oxigraph reads it on a store holding nothing
(``dialect.read_as_oxigraph``).  It plans the query then, its function calls included, and
evaluates at once what it must to return: an ASK's first row, and the rows an aggregate,
GROUP BY, ORDER BY or MINUS gathers, which over nothing come from the query's own VALUES
(two VALUES of 1,000 values each: 0.1-0.2 s, a third made it hours), and the store then
evaluated them again.  pyoxigraph 0.5 has no reading that parses and plans alone; but a
VALUES of one row of UNDEF yields the plan the query has (never an empty one, which Oxigraph
drops, and the calls with it), with a row to evaluate, and its rows, read apart in a SELECT
that nothing evaluates until its rows are read, give the errors its rows make.
"""

from __future__ import annotations

from ..sparql import Token


def stand_ins(text: str, tokens: list[Token], form: int) -> tuple[str, str] | None:
    """Return ``text`` with each VALUES' rows one row of UNDEF, and a SELECT of its VALUES
    alone (each as written, in a UNION) after its prologue (the text before its
    ``form``-th token, the query form); None when it holds no VALUES, or one the tokens do
    not read as VALUES vars ``{`` ... ``}``."""
    blocks = []
    for at, token in enumerate(tokens):
        if token.kind == "NAME" and token.text.upper() == "VALUES":
            block = _block(tokens, at)
            if block is None:
                return None
            blocks.append(block)
    if not blocks:
        return None
    query, alone, end = [], [], 0
    for values, opening, closing, width in blocks:
        row = "UNDEF" if width is None else f"({' '.join(['UNDEF'] * width)})"
        query += [text[end:opening.start + 1], f" {row} "]
        end = closing.start
        alone.append("{ " + text[values.start:closing.start + 1] + " }")
    query.append(text[end:])
    prologue = text[:tokens[form].start]
    return "".join(query), f"{prologue}SELECT * WHERE {{ {' UNION '.join(alone)} }}"


def _block(tokens: list[Token], at: int) -> tuple[Token, Token, Token, int | None] | None:
    """Return the VALUES at ``at``: its token, its rows' ``{`` and ``}``, and how many
    variables it names in brackets (None: one, without)."""
    after = tokens[at + 1:at + 2]
    if after and after[0].kind == "VAR":
        width, brace = None, at + 2
    elif after and after[0].kind == "NIL":  # VALUES () { () ... }
        width, brace = 0, at + 2
    elif after and after[0].kind == "(":
        close = next((n for n in range(at + 2, len(tokens)) if tokens[n].kind != "VAR"), None)
        if close is None or tokens[close].kind != ")":
            return None
        width, brace = close - at - 2, close + 1
    else:
        return None
    if brace >= len(tokens) or tokens[brace].kind != "{":
        return None
    closing = next((n for n in range(brace + 1, len(tokens)) if tokens[n].kind in ("{", "}")), None)
    if closing is None or tokens[closing].kind != "}":
        return None
    return tokens[at], tokens[brace], tokens[closing], width
