"""The engine in the answering process (engine/local.py: ``serve --get``, the tests' Flask
client): a query past the time limit is answered 503 at the limit, as the engine process
answers it, not when Oxigraph has finished it."""

import subprocess
import sys
import urllib.parse
from pathlib import Path

COMMAND = str(Path(sys.executable).parent / "alliance-graph")
# A cross product of every triple with itself, twice: far past any time limit.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_serve_get_answers_a_query_past_the_timeout_503_and_exits():
    # `serve --timeout 1 --get` on it ran until Oxigraph had counted the whole product
    # (hours), then said it was over 1 s: the in-process engine waited for the query on the
    # thread that asked, where nothing could stop it, nor Ctrl-C end the wait.  The generous
    # bound below only keeps a failing run from hanging the suite.
    try:
        done = subprocess.run([COMMAND, "serve", "--timeout", "1", "--get",
                               "/sparql?query=" + urllib.parse.quote(ENDLESS)],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=120)
    except subprocess.TimeoutExpired:
        raise AssertionError("serve --get went on past its 1 s limit") from None
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("the query ran longer than the 1 s limit and its answer "
                                   "was given up")
    assert "Traceback" not in done.stderr
