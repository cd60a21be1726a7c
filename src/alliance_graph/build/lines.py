"""Find the line of a file on which a node is described, for error reports.

Parsers do not keep line numbers per triple, so the line is found in the text: the first line
that starts with the node's name (a subject block, as the files are laid out), otherwise the
first line that mentions it.  Names are tried as written: full ``<IRI>`` or any ``prefix:local``
the file's own ``@prefix`` lines allow.
"""

from __future__ import annotations

import re

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.M | re.I)


class LineIndex:
    """Answer "on which line of which file is this node?" over the loaded texts."""

    def __init__(self, texts: dict[str, str]):
        self._texts = texts
        self._prefixes = {name: _PREFIX.findall(text) for name, text in texts.items()}

    def spellings(self, name: str, iri: str) -> list[str]:
        """Return the ways a file may write ``iri``: ``<iri>`` and its prefixed names."""
        forms = [f"<{iri}>"]
        for prefix, ns in self._prefixes.get(name, []):
            local = iri[len(ns):]
            # A local name cannot hold an unescaped "/" or "#": no file writes it that way.
            if ns and iri.startswith(ns) and local and not set(local) & {"/", "#"}:
                forms.append(f"{prefix}:{local}")
        return forms

    def line_of(self, name: str, iri: str) -> int | None:
        """Return the 1-based line in file ``name`` where ``iri`` is described, if found."""
        text = self._texts.get(name)
        if text is None:
            return None
        forms = self.spellings(name, iri)
        for form in forms:
            m = re.search(rf"^{re.escape(form)}(?=[\s;,.])", text, re.M)
            if m:
                return text.count("\n", 0, m.start()) + 1
        for form in forms:
            m = re.search(rf"{re.escape(form)}(?=[\s;,.\]])", text)
            if m:
                return text.count("\n", 0, m.start()) + 1
        return None

    def locate(self, iri: str, prefer: str | None = None) -> tuple[str | None, int | None]:
        """Return (file, line) where ``iri`` is described, trying file ``prefer`` first."""
        names = ([prefer] if prefer in self._texts else []) + list(self._texts)
        for name in names:
            line = self.line_of(name, iri)
            if line is not None:
                return name, line
        return prefer, None
