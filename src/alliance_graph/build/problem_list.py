"""The text of a failed build's problems: the first few, then how many more and of what kinds.

A build stopping on 200,000 repeats of one ill-typed date printed 200,000 lines, in every
command that builds (check, query, serve, export, ...).  The text lists the first ``most``
problems, each a line, and says the rest in one line, as ``validate --max-findings`` says the
findings it leaves out; the list itself stays whole on the ``LoadError`` for library callers.
"""

from __future__ import annotations

import re

from ..wording import printable

# What varies between problems of one kind: a quoted value, a number (a line, a count).  Each
# run is one character class, ended by its own quote: linear in the message.
_VARYING = re.compile(r'"[^"\n]*"|[0-9]+')
# How many files not named above the last line names.
_FILES_NAMED = 3


def kind(message: str) -> str:
    """Return ``message`` with its quoted values and numbers blanked: ``"2016" is not a valid
    xsd:date`` and ``"1999-13" is not a valid xsd:date`` are of one kind."""
    return _VARYING.sub("…", message)


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
