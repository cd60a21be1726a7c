"""The terminals' patterns (terminals.py) compiled when first used, not at import: the lexer's
cases are tests/test_sparql.py's."""

import subprocess
import sys

PATTERNS = ("MASTER", "NO_PNAME", "RUN", "BASE_CHAR")


def compiled_after(code: str) -> list[str]:
    """Return which patterns a fresh interpreter that ran ``code`` holds compiled."""
    shown = subprocess.run([sys.executable, "-c", f"""{code}
import alliance_graph.terminals as terminals
print(" ".join(name for name in {PATTERNS!r} if name in vars(terminals)))
"""], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    return shown.stdout.split()


def test_a_module_reading_skip_alone_compiles_no_pattern():
    # Compiled at import, the four took 40 ms of each command's start, the help's too, where
    # the Turtle loader imported the module for SKIP, a string.
    assert compiled_after("import alliance_graph.build.loading") == []


def test_each_pattern_is_compiled_when_first_asked_for_and_kept():
    import alliance_graph.terminals as terminals

    for name in PATTERNS:
        first = getattr(terminals, name)
        assert first.pattern and getattr(terminals, name) is first
    assert compiled_after("import alliance_graph.lexer as lexer\n"
                          "lexer.tokenize('SELECT * { ?s a ?o }')") == ["MASTER"]


def test_importing_the_brackets_compiles_no_pattern():
    # brackets.py imported MASTER by name, which compiled it (25 ms) for every importer of the
    # lexer: serve's help, the remote store's client, cite's notes.
    assert compiled_after("import alliance_graph.brackets") == []
