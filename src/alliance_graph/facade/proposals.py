"""The facade's proposals and citations: ``validate`` proposed facts, ``add`` them to the
data folder, ``cite`` a passage of a source text."""

from __future__ import annotations

from .arguments import folders_named, into_name, paths_given, settings_given


def validate(paths, settings=None):
    """Check proposed Turtle files (a path, or any iterable of them: str, bytes, Path) with the
    graph; return the report (``proposals.report.Report``): ``conforms``, ``findings`` (each
    with ``severity``, ``message``, ``file`` and ``line``), ``warnings`` (checks that could not
    run).  Findings are data, not errors: raises ``LoadError`` only for a proposal that cannot
    be read or parsed, ``NoGraphFound`` for settings naming no graph, ``Busy`` when an add
    keeps the data folder locked past the wait, TypeError or ValueError for ``paths`` that are
    no paths."""
    from ..build import data_folder
    from ..proposals.validation import validate as validate_files
    from ..settings import require_graph
    settings = settings_given(settings, "validate")
    require_graph(settings)  # as the command line does: an empty folder is no graph
    # The data files are read while no add renames them, as the command line reads them: a
    # report on some files before a commit and some after finds what neither state holds.
    try:
        with folders_named(settings), data_folder.reading(settings.data_dir):
            return validate_files(settings, paths_given(paths, "validate"))
    except KeyboardInterrupt:
        # Not re-raised as it came: its traceback ended deep in pyshacl or rdflib, which says
        # nothing of what was interrupted, nor whether anything was left half-written.
        raise KeyboardInterrupt("validate() was interrupted: it writes nothing in the project, "
                                "and a build it cut short is never used") from None


def add(paths, settings=None, into=None):
    """Validate proposed Turtle files (as ``validate`` takes them) and, only if they conform,
    merge them into the data folder (``settings.data_dir``): into the topic file ``into`` (a
    file name such as ``"aid.ttl"``), or by default the one describing their subjects.

    Return ``proposals.add.AddResult``: ``report`` (as ``validate``'s) and ``merged`` (what
    was added where; None when the proposal does not conform, and nothing was written).
    Raises as ``validate`` does, and ``MergeError`` for facts with no file to go to (or an
    ``into`` outside the data folder), ``CommitError`` for data files that cannot be
    written, TypeError for an ``into`` that is no file name."""
    from ..proposals.add import add as add_files
    from ..settings import require_graph
    settings = settings_given(settings, "add")
    require_graph(settings)  # as the command line does: an empty folder is no graph
    before = _data_files(settings.data_dir)
    try:
        with folders_named(settings):
            return add_files(settings, paths_given(paths, "add"), into_name(into))
    except KeyboardInterrupt:
        raise KeyboardInterrupt(_add_interrupted(settings.data_dir, before)) from None


def _data_files(data_dir) -> dict:
    """Return each data file's inode: a commit renames a new file over each file it changes."""
    files = data_dir.glob("*.ttl") if data_dir.is_dir() else ()
    return {path.name: path.stat().st_ino for path in files if path.exists()}


def _add_interrupted(data_dir, before: dict) -> str:
    """Return what an add interrupted by Ctrl-C did, once a commit past its journal is finished
    (``transaction.settle``): the notebook's next call, or a server, never sees it half done."""
    from ..proposals import transaction
    try:
        transaction.settle(data_dir, timeout=transaction.data_folder.READ_WAIT)
    except (OSError, transaction.CommitError, transaction.Busy) as exc:
        return (f"add() was interrupted in the middle of its commit, which could not be finished "
                f"now ({exc}): the next command or call reading {data_dir} finishes it")
    if _data_files(data_dir) != before:
        return (f"add() was interrupted once its commit was under way, and the commit was "
                f"finished: the proposal's facts are in {data_dir}")
    return f"add() was interrupted before its commit: nothing in {data_dir} changed"


def cite(source, quote, *, name=None, settings=None) -> str:
    """Return the Turtle evidence block citing ``quote``, verbatim, in the source file named
    ``source`` (a file of the sources folder, ``Settings.sources_dir``, by its name alone:
    ``"000_06b6882714cf1880.txt"``), with its offsets, as node ``ev:NAME`` for ``name``
    (default: the source's number and the quote's first words, ``000-negev-u-s-radar``); as
    ``alliance-graph cite`` prints it.

    Raises ``CiteError`` saying what is wrong: a name that is no local name, no sources folder,
    a path or no file of the folder as ``source``, a source that is not text, or (its
    ``QuoteNotFound``) a quote the text does not hold, with where it departs from the text.
    Warns (``CitationNote``) where the built graph cites the passage already, gives the name
    to another quote, or declares no such source document, as the command's notes say."""
    import os
    import warnings

    from ..proposals import citing
    from ..sources.citations import cite as cite_passage
    from ..sources.citations import evidence_name
    settings = settings_given(settings, "cite")
    if isinstance(source, (bytes, os.PathLike)):
        source = os.fsdecode(source)
    for what, given in (("source", source), ("quote", quote), ("name", name)):
        if not isinstance(given, str) and not (what == "name" and given is None):
            raise TypeError(f"cite() takes {what} as a string, not {type(given).__name__}")
    block = cite_passage(settings.sources_dir, source, quote, name)
    for note in citing.notes(settings, source, quote, name or evidence_name(source, quote)):
        warnings.warn(note, CitationNote, stacklevel=2)
    return block


class CitationNote(UserWarning):
    """What ``cite`` tells of the block it returns: its passage cited already, its name given
    to another quote, its source declared by no source document (``warnings`` shows each
    once; ``warnings.simplefilter("ignore", ag.CitationNote)`` silences them)."""
