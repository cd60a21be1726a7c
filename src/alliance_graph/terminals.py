"""The SPARQL grammar's terminals as one regular expression, as Oxigraph (pyoxigraph 0.5) reads
them: ``lexer.tokenize`` matches them one after another and follows the context where the
grammar needs it (``<`` as less-than or an IRI)."""

from __future__ import annotations

import re

# PN_CHARS_BASE and friends (grammar rules 164-173), as regular-expression classes.
_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF"
         "\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD"
         "\U00010000-\U000EFFFF")
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + "\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
# Oxigraph's local name holds one run of dots at most (its rule 169): "ex:a.b.c" is "ex:a.b"
# and ".c" to it, and "ex:a1.5.5.5" is "ex:a1.5", ".5" and ".5", each a collection's member.
_LOCAL = (f"(?:[{_CHARS_U}:0-9]|{_PLX})(?:[{_CHARS}:]|{_PLX})*"
          f"(?:\\.+(?:[{_CHARS}:]|{_PLX})+)?")
_VARNAME = f"[{_CHARS_U}0-9][{_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"\\[tbnrf\\\"']"
_EXPONENT = r"[eE][+-]?[0-9]+"

# Punctuation and operators, longest first where one is the start of another.
PUNCTUATION = ("<<(", ")>>", "<<", ">>", "{|", "|}", "^^", "&&", "||", "!=", "<=", ">=",
               "{", "}", "(", ")", "[", "]", ".", ",", ";", "*", "/", "+", "-", "!", "=",
               "<", ">", "^", "|", "?", "~")

# In the order tried: the frequent first, and where one terminal can begin another (a word
# and a prefixed name, an IRI and '<', a number and '.' or a sign) the longer one first.
_TERMINALS = [
    ("VAR", f"[?$]{_VARNAME}"),
    # A keyword or 'a' followed by nothing a prefixed name could continue with: the common
    # case, read without trying a prefixed name first.
    ("NAME", f"[A-Za-z][A-Za-z0-9_]*(?![{_CHARS}.:])"),
    ("PNAME", f"(?:(?>[{_BASE}][{_CHARS}.]*)(?<!\\.))?:(?:{_LOCAL})?"),
    ("IRIREF", f'<(?:[^\\x00-\\x20<>"{{}}|^`\\\\]|{_UCHAR})*>'),
    ("STRING_LITERAL_LONG2", f'"""(?:(?:"|"")?(?:[^"\\\\]|{_ECHAR}|{_UCHAR}))*"""'),
    ("STRING_LITERAL_LONG1", f"'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR}|{_UCHAR}))*'''"),
    ("STRING_LITERAL2", f'"(?:[^"\\\\\\n\\r]|{_ECHAR}|{_UCHAR})*"'),
    ("STRING_LITERAL1", f"'(?:[^'\\\\\\n\\r]|{_ECHAR}|{_UCHAR})*'"),
    ("NIL", r"\([ \t\r\n]*\)"),
    ("ANON", r"\[[ \t\r\n]*\]"),
    ("DOUBLE", f"[+-]?(?:[0-9]+\\.[0-9]*{_EXPONENT}|\\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT})"),
    ("DECIMAL", r"[+-]?[0-9]*\.[0-9]+"),
    ("INTEGER", r"[+-]?[0-9]+"),
    ("BLANK_NODE_LABEL", f"_:[{_CHARS_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?"),
    ("LANGTAG", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?"),
    ("WORD", r"[A-Za-z][A-Za-z0-9_]*"),  # a word followed by '.', '-', ... ('true.'): NAME
    ("PUNCT", "|".join(re.escape(p) for p in PUNCTUATION)),
    ("ERROR", r"[^ \t\r\n#]"),  # any other character but whitespace and '#' (see SKIP)
]
# Whitespace (rule 162: space, tab, CR, LF, nothing else) and comments before each token.
# Written so that no part can match the same text two ways: a failed match backtracks in
# linear time, never exponentially, whatever the input.  Also the gap a pattern on a query's
# raw text allows between two words, and what may follow a Turtle file's last statement
# (``build/loading``; its '#' escaped, for re.VERBOSE too): written there (\s|#[^\n\r]*)*, a
# run of '#' could be cut into comments 2**n ways, and a valid query of IRI, 40 '#' and no
# '(' held the engine's lock for hours.
SKIP = r"[ \t\r\n]*(?:\#[^\r\n]*(?:[\r\n][ \t\r\n]*|\Z))*"
# The compiled patterns, each made the first time it is asked for (``__getattr__``).
_PATTERNS = {
    # END matches where only whitespace and comments are left, so a match never fails: a
    # failed match would make ``finditer`` retry at every later offset (quadratic in a long
    # tail).
    "MASTER": lambda: re.compile(SKIP + "(?:" + "|".join(
        f"(?P<{n}>{p})" for n, p in _TERMINALS) + r"|(?P<END>\Z))"),
    # The same without prefixed names, for the rest of a run of name characters that a
    # prefixed name already failed to start (see ``lexer.tokenize``).
    "NO_PNAME": lambda: re.compile(SKIP + "(?:" + "|".join(
        f"(?P<{n}>{p})" for n, p in _TERMINALS if n != "PNAME") + r"|(?P<END>\Z))"),
    "RUN": lambda: re.compile(f"(?>[{_CHARS}.]*)"),
    "BASE_CHAR": lambda: re.compile(f"[{_BASE}]"),
}
# Group numbers to terminal names (the terminals' patterns have no capturing groups).
KINDS = [""] + [name for name, _ in _TERMINALS] + ["END"]
NO_PNAME_KINDS = [""] + [name for name, _ in _TERMINALS if name != "PNAME"] + ["END"]


def __getattr__(name: str):
    """Return the compiled pattern ``name`` (``MASTER``, ``NO_PNAME``, ``RUN``, ``BASE_CHAR``),
    compiling it the first time it is asked for: compiled at import, the four took 40 ms of
    every command's start, the help's too, where a module imported this one for ``SKIP``
    (``build/loading``) or the lexer was imported and never run; and ``NO_PNAME`` is needed
    only past a name that failed to be a prefixed name."""
    if name not in _PATTERNS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    pattern = globals()[name] = _PATTERNS[name]()  # asked again, found without this call
    return pattern
