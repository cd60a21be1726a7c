"""The ``alliance-graph`` command's entry (its console script) and ``python -m alliance_graph``.

Kept apart from ``cli/`` so that it runs before the command line's modules are imported; so
what a module of the installation not importing is said as is here (``unimportable``), for
the start and for each command (``cli/command_list.py``).
"""

from __future__ import annotations

# Nothing but modules Python has loaded before any code of ours runs (``sys`` and ``io`` are
# its own start's): a Ctrl-C landing while this module is imported, outside ``run``, is a
# KeyboardInterrupt's traceback, so the start's imports are made in ``run``, where it is
# caught (this module's imports of wording and pathlib took 16 ms, a traceback in one Ctrl-C
# of three sent in the command's first tenth of a second).
import io
import sys


class _Stdout(io.FileIO):
    """Standard output's file, whose failed writes say whose they were (``STREAM``): the OS
    names no file for a write to a descriptor, so `export > /dev/full` was "a file or folder
    could not be used: [Errno 28] No space left on device", said like a full cache folder."""

    def write(self, data):
        try:
            return super().write(data)
        except OSError as exc:
            from .wording import STREAM  # (imported by ``run``, before any write)
            setattr(exc, STREAM, "standard output")
            raise


def _own_stdout(stdout):
    """Return ``stdout`` written through ``_Stdout``, buffered and configured as it was;
    ``stdout`` itself when it is no descriptor's (closed, ``>&-``: None)."""
    buffer = getattr(stdout, "buffer", None)
    try:
        fd = stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return stdout
    stdout.flush()
    raw = _Stdout(fd, "wb", closefd=False)
    # PYTHONUNBUFFERED (python -u) gives standard output no buffer: its text goes out at once.
    return io.TextIOWrapper(raw if isinstance(buffer, io.FileIO) else io.BufferedWriter(raw),
                            encoding=stdout.encoding, errors=stdout.errors,
                            line_buffering=stdout.line_buffering,
                            write_through=getattr(stdout, "write_through", False))


def import_failure(exc: Exception) -> str | None:
    """Return what ``exc`` says of the module whose import raised it, its file and line, or
    None when no import did: rdflib's parser raises SyntaxError for bad Turtle, the work of a
    command whose modules are in, which a reinstall does not mend.  Any error a module's own
    code raises as it is imported is so (a dependency's ``NameError`` or ``RuntimeError`` was
    a traceback, exit 1, where its SyntaxError was a line, exit 2).

    Compiling a module's file raises it with the file's place, under the import system's
    frames (``importlib.import_module``), or, where Python drops those (an ``import``
    statement), from that statement; a module's own code raises it under that module's
    frame (``<module>``).
    """
    import dis  # (only for this)

    tb, last, running = exc.__traceback__, None, None
    while tb is not None:
        if tb.tb_frame.f_code.co_name == "<module>":
            running = tb  # the innermost module being imported
        tb, last = tb.tb_next, tb
    if last is None:
        return None
    code = last.tb_frame.f_code
    statement = dis.opname[code.co_code[last.tb_lasti]] == "IMPORT_NAME"
    if isinstance(exc, SyntaxError) and exc.filename and (
            statement or code.co_filename.startswith("<frozen importlib")):
        return (f"{_module_of(exc.filename)}, at {exc.filename}:{exc.lineno}, is not valid "
                f"Python: {exc.msg}")
    name = next((i.argval for i in dis.get_instructions(code) if i.offset == last.tb_lasti),
                "") if statement else ""
    if isinstance(exc, SyntaxError) and name:
        # No file said (null bytes in it: "source code string cannot contain null bytes"):
        # the module the statement imports, where the one importing it was named.
        above = " (or a package it is in)" if "." in name else ""
        return (f"{name}{above}, imported at {code.co_filename}:{last.tb_lineno}, is not "
                f"valid Python: {exc.msg}")
    if running is not None:
        file = running.tb_frame.f_code.co_filename
        return f"{_module_of(file)}, at {file}:{running.tb_lineno}: {type(exc).__name__}: {exc}"
    return None


def _module_of(filename: str) -> str:
    """Return the module file ``filename`` holds, named from the folder of Python's path it
    is in (the longest), else the file's own name."""
    from pathlib import Path
    path = Path(filename)
    for folder in sorted((Path(p or ".").absolute() for p in sys.path),
                         key=lambda p: -len(str(p))):
        if path.suffix == ".py" and path.is_relative_to(folder):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if parts:
                return ".".join(parts)
    return path.stem


def unimportable(exc: Exception) -> str:
    """Return what the command line says of a module of the installation not importing."""
    said = None if isinstance(exc, ImportError) else import_failure(exc)
    return (f"a module it needs not importing ({said or exc}): reinstall alliance-graph (pip "
            "install --force-reinstall alliance-graph; in a checkout, pip install -e .)")


def run() -> None:
    """Run the command line, with four things settled before anything else.

    - Output that cannot fail on a file's name: a name that is not UTF-8 is held by Python
      as lone surrogates, which a UTF-8 locale's strict stream refused (a traceback in the
      middle of a report); each such byte is written as ``wording.shown`` writes it,
      ``bad\\xff.ttl``, on both streams, where standard error wrote "bad\\udcff.ttl" and
      standard output the raw byte, which a terminal shows as a replacement character.  Nor
      on a console of another encoding (latin-1, cp437): a character it cannot carry (the
      sources' en dashes and curly quotes, Hebrew) is written as its escape (``\u2013``),
      where the first one stopped the command on a traceback.
    - A failed write to standard output (full, or gone) saying so (``_Stdout``).
    - Ctrl-C while the modules load (about the first tenth of a second), or while these are
      settled (it was a traceback from ``reconfigure``), ends the command as it does later,
      "interrupted" and exit 130, not with a traceback.
    - A module the command line needs not importing (click missing, or not Python) said in a
      line, exit 2, as a command's are (``cli/command_list.py``): it was a traceback.
    """
    try:
        from .wording import SHOWN

        for stream in (sys.stdout, sys.stderr):
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(errors=SHOWN)
        sys.stdout = _own_stdout(sys.stdout)
        from .cli import main
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except Exception as exc:  # (raised importing, here)
        if not isinstance(exc, ImportError) and import_failure(exc) is None:
            raise
        sys.stderr.write(f"error: alliance-graph could not start, {unimportable(exc)}\n")
        sys.exit(2)
    main()


if __name__ == "__main__":
    run()
