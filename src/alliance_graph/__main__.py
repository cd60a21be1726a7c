"""The ``alliance-graph`` command's entry (its console script) and ``python -m alliance_graph``.

Kept apart from ``cli/`` so that it runs before the command line's modules are imported.
"""

from __future__ import annotations

import sys


def run() -> None:
    """Run the command line, with two things settled before anything else.

    - Output that cannot fail on a file's name: a name that is not UTF-8 is held by Python
      as lone surrogates, which a UTF-8 locale's strict stream refused (a traceback in the
      middle of a report); each such byte is written as ``wording.shown`` writes it,
      ``bad\\xff.ttl``, on both streams, where standard error wrote "bad\\udcff.ttl" and
      standard output the raw byte, which a terminal shows as a replacement character.  Nor
      on a console of another encoding (latin-1, cp437): a character it cannot carry (the
      sources' en dashes and curly quotes, Hebrew) is written as its escape (``\u2013``),
      where the first one stopped the command on a traceback.
    - Ctrl-C while the modules load (about the first tenth of a second) ends the command as
      it does later, "interrupted" and exit 130, not with a traceback.
    """
    from .wording import SHOWN  # light: no RDF library is imported for it

    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors=SHOWN)
    try:
        from .cli import main
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
