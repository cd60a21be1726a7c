"""What `alliance-graph query` is given (cli/query_text.py): a query past the size bound is
refused before it is read whole, in words its user can act on."""

import pytest
from click.testing import CliRunner

from alliance_graph.cli import main


@pytest.fixture
def run():
    def invoke(*args, input=None):
        return CliRunner().invoke(main, [str(a) for a in args], input=input)
    return invoke


def test_a_query_past_the_size_bound_names_no_setting_its_user_cannot_set(run, tmp_path):
    # It named Settings.max_query_bytes, which no option or variable of `query` sets (and
    # `serve --max-query-bytes` bounds the server's queries, not this command's).
    path = tmp_path / "huge.rq"
    path.write_bytes(b"ASK {} #" + b"x" * 100_000)
    result = run("query", path)
    assert (result.exit_code, result.stderr) == (1, (
        f"error: query failed: the query file {path} is more than 100,000 bytes long; the "
        "limit is 100,000\n"))
    stdin = run("query", "-", input=b"ASK {} #" + b"x" * 100_000)
    assert (stdin.exit_code, stdin.stderr) == (1, (
        "error: query failed: the query on standard input is more than 100,000 bytes long; "
        "the limit is 100,000\n"))
