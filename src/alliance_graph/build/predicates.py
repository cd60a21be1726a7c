"""Find where a line of a Turtle file writes a property as its predicate, in any spelling.

A finding on a node's property is placed on the line writing it (``lines.LineIndex``): after
the subject opening a block, first on a line, or after a ";", a "[" or a "{|".  Written
anywhere else it is a value: ``rdf:predicate ag:participant ;`` above the line
``ag:participant id:Israel ;`` was taken for that triple, a finding on it placed two lines up.

The spellings are compared with the line as text, not compiled into a pattern: a pattern of
each character of a name took Python's ``re`` 7 s a megabyte to compile, and a file naming a
property of 5 MB took 35 s to say where its finding was.
"""

from __future__ import annotations

import re

# The characters a prefixed name's local part may write escaped (``id:No\~Sea``).
_LOCAL_ESCAPES = "_~.!$&'()*+,;=/?#@%-"
# A local part as runs of other characters, each but the last ended by one of those.
_RUNS = re.compile(rf"([^{re.escape(_LOCAL_ESCAPES)}]*)([{re.escape(_LOCAL_ESCAPES)}]?)")
# Where a predicate may begin: after the subject opening a block (at the line's start only),
# or after a ";", a "[" or a "{|" and the blanks after them.
_SUBJECT = re.compile(r"\S+[ \t]+")
_BLANKS = re.compile(r"[ \t]*")
_OPENING = re.compile(r"(?:[;\[]|\{\|)[ \t]*")


def predicate_end(line: str, start: int, forms: tuple[str, ...]) -> int | None:
    """Return where the first of ``forms`` (a property's spellings: ``<iri>``, ``ag:rank``,
    ``a``) written as the predicate of ``line`` at or after ``start`` ends, or None: what
    searching it for the pattern ``(?:^\\S+[ \\t]+|(?:^|[;\\[]|\\{\\|)[ \\t]*)(?:forms)`` followed
    by a blank, ";", ",", ".", "]" or its end would find, each local name's escapable
    characters with or without their backslash."""
    for at in _places(line, start):
        for form in forms:  # each spelling where it may begin: no spelling scans the line
            end = _spelt_at(line, at, form)
            if end is not None and (end == len(line) or line[end].isspace()
                                    or line[end] in ";,.]"):
                return end
    return None


def _places(line: str, start: int):
    """Yield the places of ``line`` at or after ``start`` a predicate may begin, leftmost
    first, as a search tries them: one at a time, a line of a million ";" listed for none."""
    if start == 0:
        subject = _SUBJECT.match(line)
        if subject:
            yield subject.end()
        yield _BLANKS.match(line).end()
    for m in _OPENING.finditer(line, start):
        yield m.end()


def _spelt_at(line: str, at: int, form: str) -> int | None:
    """Return where ``form`` ends if ``line`` spells it at ``at``, a prefixed name's
    escapable characters each with or without a backslash; else None."""
    prefix, colon, local = form.partition(":")
    if form.startswith("<") or not colon:
        return at + len(form) if line.startswith(form, at) else None
    if not line.startswith(prefix + colon, at):
        return None
    at += len(prefix) + 1
    for run, escapable in _RUNS.findall(local):
        if not line.startswith(run, at):
            return None
        at += len(run)
        if escapable:
            if line.startswith("\\" + escapable, at):
                at += 2
            elif line.startswith(escapable, at):
                at += 1
            else:
                return None
    return at
