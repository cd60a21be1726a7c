"""What a query's text says before any engine reads it: whether it names graphs itself.

Shared by the store, which sends a query that names graphs (GRAPH, FROM [NAMED], SERVICE) to
the per-file layout (``store/graph.py``), and by the query checks (``query/guard.py``).
"""

from __future__ import annotations

import re

# Comments, strings (long ones first) and IRIs: their contents are never keywords.
_MASK = re.compile(r"""'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|"""
                   r"""<[^<>"{}|^`\\\s]*>|\#[^\n]*""", re.S)
_NAMES_GRAPHS = re.compile(r"(?i)(?<![\w:?$])(GRAPH|FROM|SERVICE)(?![\w-])")


def uses_dataset(text: str) -> bool:
    """Return True when a query names graphs itself (GRAPH, FROM [NAMED] or SERVICE).

    Over-approximates (a prefixed name like ``graph:x`` counts): a query routed to the
    per-file store for nothing still gets the same answers, only at the list's speed.
    """
    return bool(_NAMES_GRAPHS.search(_MASK.sub(" ", text)))
