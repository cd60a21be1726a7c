"""The text of a failed build's problems: the first few, then how many more and of what kinds.

A build stopping on 200,000 repeats of one ill-typed date printed 200,000 lines, in every
command that builds (check, query, serve, export, ...).  The text lists the first ``most``
problems, each a line, and says the rest in one line, as ``validate --max-findings`` says the
findings it leaves out; the list itself stays whole on the ``LoadError`` for library callers.
"""

from __future__ import annotations

import dataclasses
import re

from ..wording import printable

# What varies between problems of one kind: a quoted value, a number (a line, a count).  A
# value is quoted as N-Triples writes it, its quotes escaped ("a\"b"): read to the first quote,
# each such value was a kind of its own.  A quote no other closes is matched to the line's end
# (its numbers blanked) rather than not at all: each escaped quote after it was then tried as
# a start anew, to the line's end (10,000 took 1.2 s, 40,000 19 s).  The two alternatives
# inside the quotes begin with different characters (a backslash, anything else).
_VARYING = re.compile(r'"(?:[^"\\\n]|\\.)*(")?|[0-9]+')
_NUMBER = re.compile("[0-9]+")


def _blanked(match: re.Match) -> str:
    text = match.group()
    if text[0] != '"' or match.group(1):
        return "…"
    return _NUMBER.sub("…", text)  # a quote left open: the rest of the line as written


# How many files not named above the last line names.
_FILES_NAMED = 3


def kind(message: str) -> str:
    """Return ``message`` with its quoted values and numbers blanked: ``"2016" is not a valid
    xsd:date`` and ``"1999-13" is not a valid xsd:date`` are of one kind."""
    return _VARYING.sub(_blanked, message)


def listed(problems, most: int) -> str:
    """Return ``problems`` a line each (``str`` of each), the first ``most`` of them, and a last
    line saying how many more there are, of how many kinds (and how many of those not among
    the lines above), in which files not named above."""
    lines = [str(p) for p in problems[:most]]
    rest = problems[most:]
    if not rest:
        return "\n".join(lines)
    shown = {kind(p.message) for p in problems[:most]}
    kinds = {kind(p.message) for p in rest}
    new = len(kinds - shown)
    said = f"{len(kinds):,} kind(s), " + (f"{new:,} not among those above" if new else
                                          "each like one above")
    named = {p.file for p in problems[:most]}
    files = list(dict.fromkeys(p.file for p in rest if p.file not in named))
    if files:
        more = f" and {len(files) - _FILES_NAMED:,} more" if len(files) > _FILES_NAMED else ""
        said += f"; also in {', '.join(files[:_FILES_NAMED])}{more}"
    # A file's name as each problem's line writes it (``Problem.__str__``): escapes shown.
    return "\n".join(lines + [printable(f"... and {len(rest):,} more problem(s) not shown "
                                        f"({said})")])


def renamed(problems: list, shown) -> list:
    """Return ``problems`` (``loading.Problem``) each with its file named by ``shown`` (from
    the graph's name, ``data/aid.ttl``, to where its reader opens it: ``pipeline.shown_names``)."""
    return [dataclasses.replace(p, file=shown(p.file)) for p in problems]
