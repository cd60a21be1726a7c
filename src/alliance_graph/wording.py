"""Messages that name what their reader gives: a library caller's parameters, or the command
line's options for the same things.

A message telling its reader what to change names it as that reader gives it: ``fmt='nt'``,
``into=FILE`` or ``Settings(store='x')`` to a caller of the library (a notebook, the facade),
``--format nt``, ``--into FILE`` or ``--store x`` to the command line's user.  The library
writes such a message once, as a function of a namer (``Said``): ``str()`` of it is the
library's wording, ``worded(message, name)`` another caller's, the command line passing its
own namer.  A namer is called ``name(parameter, *values)``: ``parameter`` is a keyword of the
function raising (``fmt``, ``into``), a field of its settings (``settings.store``), or a call
written as a library caller writes it (``update(kg, queries_dir)``).

A message is often said inside another (``f"could not validate: {exc}"``), where Python makes
a plain string of it.  It keeps its wording there in two ways, so that no call site has to
remember to: formatted inside a ``Said`` being worded, it is worded with it (``str()`` of a
``Said``, or of an exception raised with one, is the wording in effect); and an exception's
message that quotes a ``Said`` of an exception it was raised from, or while handling
(``__cause__``/``__context__``), is worded with that one's wording in its place (``worded``;
the command line also passes the exception it is handling, for its own f-strings).

The command line reads some settings from ``ALLIANCE_GRAPH_*`` variables too
(``settings.ENVIRONMENT``): its namer (``command_line``, given what the user gave) names the
option the user gave, the variable that set the value, or, where neither was given, both
(``point --sources or ALLIANCE_GRAPH_SOURCES at a copy``).

A file's name that is not UTF-8 reaches a message as Python holds it, each byte that does not
decode a lone surrogate (``bad\\udcff.ttl``): ``shown`` writes each such byte as ``\\xff``
(``bad\\xff.ttl``, which bash and zsh read back as ``$'bad\\xff.ttl'``), the command line
applying it to every message it prints (``SHOWN``, its streams' error handler) and to the
file names of the reports it writes as JSON or Turtle.
"""

from __future__ import annotations

import codecs
import os
import re
import shlex
import threading
from collections.abc import Mapping
from pathlib import Path

__all__ = ["SHOWN", "Said", "Metavar", "aside", "command_line", "folder_of", "no_names",
           "odd_names", "os_error", "parameter", "quoted", "shown", "speak_as", "spoken", "worded"]


# The namer of the ``Said.worded`` call in progress on this thread, if any: a ``Said`` (or an
# exception raised with one) formatted inside another's message is said in the same words.
_in_effect = threading.local()
# Who gave what, for a process that speaks the command line's words throughout (``speak_as``):
# ``serve``'s, whose refusals over HTTP (and its query engine's, in a process of its own) named
# ``Settings.max_result_bytes`` to the operator who had started it with ``--max-result-bytes``.
_spoken: dict | None = None
_serving: dict[str, str] = {}
_process_namer = None
# How a process passes ``speak_as`` on to a child it starts (the query engine).
SPOKEN_VARIABLE = "_ALLIANCE_GRAPH_SPOKEN"


class Said(str):
    """A message in the library's words, which ``worded`` says in another caller's.

    ``say`` returns the message given a namer; the string itself is ``say(parameter)``.  A
    ``Said`` is an ``str`` everywhere else (raised in any exception, joined, written as JSON);
    copied to another process (pickled) it is its library wording.  ``str()`` and
    ``format()`` of it give the wording in effect: the library's, or, inside the message of a
    ``Said`` being worded, that one's."""

    def __new__(cls, say):
        said = super().__new__(cls, say(parameter))
        said._say = say
        return said

    def worded(self, name) -> str:
        """Return the message with ``name(parameter, *values)`` naming the parameters, and
        every ``Said`` its message formats named so too."""
        outer = getattr(_in_effect, "name", None)
        _in_effect.name = name
        try:
            return str(self._say(name))  # a Said returned whole is worded too
        finally:
            _in_effect.name = outer

    def __str__(self) -> str:
        name = getattr(_in_effect, "name", None) or _process_namer
        return str.__str__(self) if name is None else self._say(name)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __reduce__(self):
        return str, (str.__str__(self),)


class Metavar(str):
    """A value standing for the one to give (``FILE``, ``DIR``): written bare, not quoted."""

    def __repr__(self) -> str:
        return str(self)


def parameter(name: str, *values) -> str:
    """Name a parameter as a library caller writes it given ``values``: ``inferred=True``,
    ``fmt='nt' or fmt='ttl'``, a settings field as ``Settings(store='x')``; with no values, its
    name (``fmt``, ``Settings.store``) or the call it is part of, as written."""
    if "(" in name:  # a call: written as the caller writes it, the values its arguments'
        return name
    field = name.removeprefix("settings.")
    if field == name:
        return " or ".join(f"{name}={v!r}" for v in values) if values else name
    return " or ".join(f"Settings({field}={v!r})" for v in values) if values \
        else f"Settings.{field}"


def _said(message):
    """Return the ``Said`` a message is, or an exception is raised with; else None."""
    said = message.args[0] if isinstance(message, BaseException) and len(message.args) == 1 \
        else message
    return said if isinstance(said, Said) else None


def _quoted(exception: BaseException | None) -> list[Said]:
    """Return the ``Said`` messages of ``exception`` and of those it was raised from or while
    handling, nearest first."""
    found, seen = [], set()
    while exception is not None and id(exception) not in seen:
        seen.add(id(exception))
        if (said := _said(exception)) is not None:
            found.append(said)
        exception = exception.__cause__ or exception.__context__
    return found


def worded(message, name, handling: BaseException | None = None) -> str:
    """Return ``message`` (a string, or an exception raised with one) in the words of
    ``name``'s caller where it is a ``Said``, else as ``str()`` gives it, with the library
    wording of any ``Said`` it quotes, of an exception it was raised from or while handling
    (or of ``handling``, the one its maker was handling), in ``name``'s words."""
    if (said := _said(message)) is not None:
        return said.worded(name)
    text = str(message)
    within = message.__cause__ or message.__context__ if isinstance(message, BaseException) \
        else None
    for quoted in _quoted(within) + _quoted(handling):
        library = str.__str__(quoted)
        if library in text:
            text = text.replace(library, quoted.worded(name))
    return text


# What the library's messages name, as the command line gives it (``command_line``): the
# option for a parameter or a settings field, the command for a library call.  Here rather than
# in cli/: `serve` prepares its graph in a child process of web/, which words its errors so too.
OPTIONS = {"fmt": "--format", "settings.validate_max_findings": "--max-findings",
           "settings.root": "--project", "settings.data_dir": "--data", "settings.ontology_dir": "--ontology",
           "settings.sources_dir": "--sources", "sources_dir": "--sources",
           "settings.cache_dir": "--cache", "settings.allowed_services": "--allow-service",
           "settings.store_update_url": "--update-url",
           "settings.store_graph_store_url": "--graph-store-url"}
# Settings only `serve` has options for whose refusals other commands give too: `query` checks
# a query against the library's bounds (``query.bounds``), which no option of its own sets.
# The command line names them by serve's options in serve's processes (``speak_as``), and by
# nothing elsewhere (``aside``): naming --max-query-depth to a user of `query`, which has no
# such option, or Settings.max_query_depth, which no command reads, would tell them nothing.
SERVE_ONLY = frozenset(f"settings.max_query_{bound}"
                       for bound in ("bytes", "tokens", "depth", "elements"))
# Settings the command line reads from a variable alone, having no option for them: named by
# the variable (``ALLIANCE_GRAPH_REMOTE_TIMEOUT``), never by an option nobody can give.
VARIABLE_ONLY = frozenset({"settings.remote_timeout", "settings.remote_max_answer_bytes"})
COMMANDS = {"alliance_graph.store.backends.load_into_store(settings)":
            "alliance-graph --store {} load",
            "alliance_graph.query.catalogue.update(kg, queries_dir)":
            "alliance-graph catalogue --update",
            "ag.cite(source, quote)": "alliance-graph cite"}


def command_line(parameter: str, *values, given: Mapping[str, str] | None = None,
                 serving: Mapping[str, str] | None = None) -> str:
    """Name what a library message names (``wording.parameter``'s signature) as the command
    line gives it: ``--format nt or --format ttl`` for ``fmt='nt' or fmt='ttl'``, ``--inferred``
    for ``inferred=True``, ``--store x`` for ``Settings(store='x')``, the command for a call.

    ``given`` maps each option the user gave (``--sources``) to ``"option"``, or to the
    variable that gave its value (``ALLIANCE_GRAPH_SOURCES``); with it, a setting the command
    line also reads from a variable is named as the user gave it, and one the user gave
    neither way (its default) by the option and the variable both, where no value is named:
    ``--sources or ALLIANCE_GRAPH_SOURCES``.  Without it (who gave what is not known), the
    option.

    ``serving``, in serve's processes (``speak_as``), maps each of serve's options to the
    variable that gives it too (``--max-result-bytes``: ``ALLIANCE_GRAPH_MAX_RESULT_BYTES``),
    for one not given to be named both ways, as a global one is.  A setting only `serve` sets
    (``SERVE_ONLY``) is named by its option where serving, else by nothing: an empty string,
    which ``aside`` leaves out of a message."""
    if parameter in SERVE_ONLY and serving is None:
        return ""
    if parameter in COMMANDS:
        return f"`{COMMANDS[parameter].format(*map(shlex.quote, map(str, values)))}`"
    if "(" in parameter:  # a call with no command of its own: the library's words are right
        return parameter
    if parameter in VARIABLE_ONLY:
        from .settings import ENVIRONMENT  # here: settings imports this (via project_files)
        name = next(v for v, field in ENVIRONMENT.items() if f"settings.{field}" == parameter)
        return " or ".join(f"{name}={shlex.quote(str(v))}" for v in values) if values else name
    flag = OPTIONS.get(parameter) or \
        "--" + parameter.removeprefix("settings.").replace("_", "-")
    how = None if given is None else given.get(flag)
    if how not in (None, "option"):  # set by this variable
        return " or ".join(f"{how}={shlex.quote(str(v))}" for v in values) if values else how
    variable = variables().get(flag) or (serving or {}).get(flag)
    if how is None and given is not None and not values and variable:
        return f"{flag} or {variable}"
    return " or ".join(flag if v is True else f"{flag} {shlex.quote(str(v))}"
                       for v in values) if values else flag


def speak_as(given: Mapping[str, str] | None,
             serving: Mapping[str, str] | None = None) -> None:
    """Make every ``Said`` of this process say the command line's words (``command_line``
    given ``given``, who gave what, and ``serving``, serve's own options and their variables)
    wherever it is made a string: for ``serve``, whose refusals reach its operator through
    HTTP answers and logs, not through a caller that words them.  None: the library's words
    again."""
    global _spoken, _serving, _process_namer
    _spoken = None if given is None else dict(given)
    _serving = dict(serving or {})
    _process_namer = None if given is None else \
        (lambda parameter, *values: command_line(parameter, *values, given=_spoken,
                                                 serving=_serving))


def aside(name: str) -> str:
    """Return `` (name)``, to follow what a message says of a setting its reader may change,
    or nothing where the reader's namer names none (``SERVE_ONLY`` outside `serve`)."""
    return f" ({name})" if name else ""


def spoken() -> dict | None:
    """Return what ``speak_as`` was given in this process, as its keyword arguments (None: the
    library's words), for a child process to be started speaking the same
    (``SPOKEN_VARIABLE``)."""
    return None if _spoken is None else {"given": dict(_spoken), "serving": dict(_serving)}


def variables() -> dict[str, str]:
    """Return the environment variable the command line reads for each option that has one
    (``--sources``: ``ALLIANCE_GRAPH_SOURCES``), from ``settings.ENVIRONMENT``."""
    from .settings import ENVIRONMENT  # here: settings imports this (via project_files)

    return {OPTIONS.get(f"settings.{field}", "--" + field.replace("_", "-")): variable
            for variable, field in ENVIRONMENT.items()}


# The settings' folders a file that cannot be used may lie in, and what each is (``folder_of``).
FOLDERS = {"cache_dir": "cache", "store": "store", "data_dir": "data",
           "ontology_dir": "ontology", "sources_dir": "sources"}


def folder_of(settings, filename) -> Said | None:
    """Return what to add to the OS's error about ``filename`` when it lies in (else on the
    way to: a folder's parents are made with it) a folder the settings give: "/x is the cache
    folder (Settings.cache_dir)", the setting named by its reader; else None."""
    if not isinstance(filename, (str, os.PathLike)):
        return None
    path = Path(os.fsdecode(filename)).absolute()
    folders = {field: Path(getattr(settings, field)).absolute() for field in FOLDERS
               if field != "store" or
               not settings.store.startswith(("memory", "http://", "https://"))}
    for inside in (lambda folder: path == folder or folder in path.parents,
                   lambda folder: path in folder.parents):
        for field, folder in folders.items():
            if inside(folder):
                return Said(lambda n, field=field, folder=folder: (
                    f"{folder} is the {FOLDERS[field]} folder ({n(f'settings.{field}')})"))
    return None


def os_error(exc: OSError) -> str:
    """Return what an OSError says as the OS says it, "/x/cache: Not a directory", where Python
    writes "[Errno 20] Not a directory: '/x/cache'" (a quoted repr, and its number); an error
    of two files (a rename), or one saying itself otherwise, as Python writes it."""
    if exc.filename is None or not exc.strerror or exc.filename2 is not None \
            or type(exc).__str__ is not OSError.__str__:
        return str(exc)
    return f"{os.fsdecode(exc.filename)}: {exc.strerror}"


# A byte of a name that is not UTF-8, as Python holds it (errors="surrogateescape").
_UNDECODED = re.compile("[\udc80-\udcff]+")


def shown(text) -> str:
    """Return ``text`` (a message, or a path as ``str``, ``bytes`` or ``os.PathLike``) as
    people read it and can type: each byte of a name that did not decode as UTF-8, held by
    Python as a lone surrogate (``\\udcff``), written ``\\xff``, as ``printf`` and bash's
    ``$'...'`` read it; each name noted by ``odd_names`` with its control characters so
    (``a\\nb``).  (A name written with a backslash itself reads the same; such names are
    rare, and the message stays one a reader follows.)"""
    if isinstance(text, (bytes, os.PathLike)):
        text = os.fsdecode(text)
    text = str(text)
    for name in sorted(_ODD_NAMES, key=len, reverse=True):  # (a copy: noted on any thread)
        text = text.replace(name, _ODD_CHARACTER.sub(_escape, name))
    return _UNDECODED.sub(lambda m: "".join(f"\\x{ord(c) - 0xDC00:02x}" for c in m.group()),
                          text)


# Names of files and folders holding a control character, a line feed or a tab too: a message
# naming one (`export -o $'out\\nx/a.ttl'`) was written as it came, one message on two lines,
# or sent the terminal a command (ESC).  Noted where the names come in (``odd_names``): the
# command line's arguments and variables, and the Turtle files a folder holds; a message,
# whose own line ends are meant, is written with these escaped wherever it holds them.
_ODD_NAMES: set[str] = set()
_ODD_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f]")
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(match: re.Match) -> str:
    return _ESCAPES.get(match.group(), f"\\x{ord(match.group()):02x}")


def odd_names(*paths) -> None:
    """Note each name in ``paths`` (str, bytes or os.PathLike; None is skipped) holding a
    control character, for ``shown`` to write escaped (``a\\nb``) wherever a message holds it."""
    for path in paths:
        if path is None:
            continue
        text = os.fsdecode(path) if isinstance(path, (bytes, os.PathLike)) else str(path)
        _ODD_NAMES.update(_odd_parts(text))


def no_names(*texts: str) -> None:
    """Forget the parts ``odd_names`` noted of each of ``texts``, an argument read as a text,
    not a name: a query given on the command line, whose lines a message repeating it wrote
    escaped ("SELECT ?s WHERE {\\n ...") when it was under 255 bytes, as short as a name."""
    for text in texts:
        _ODD_NAMES.difference_update(_odd_parts(text))


def _odd_parts(text: str) -> set[str]:
    """Return the parts of a path ``text`` that are names holding a control character."""
    # No name is longer than 255 bytes (a longer part is a query's text), and a part of
    # control characters and spaces alone ("\n") is none: noted, it had every line break of
    # every later message written escaped.
    if not _ODD_CHARACTER.search(text):
        return set()
    return {part for part in text.split(os.sep) if _ODD_CHARACTER.search(part)
            and len(os.fsencode(part)) <= 255 and _ODD_CHARACTER.sub("", part).strip()}


# A control character but the line feed and the tab (C0, DEL, C1).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Return ``text`` with each control character but the line feed and the tab written as
    its escape (``\\x1b``).  A refusal echoing what a request carried (a graph's name ``ESC [
    31 m``) would otherwise send a command to the terminal of whoever reads it."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


# The same byte in ``repr``'s text ("\\udcff"), not after a backslash ``repr`` doubled.
_REPR_UNDECODED = re.compile(r"(?<!\\)((?:\\\\)*)\\udc([89a-f][0-9a-f])")


def quoted(text) -> str:
    """Return ``repr`` of a name (``str``, ``bytes`` or ``os.PathLike``), quoted with its
    control characters escaped, with each byte that is not UTF-8 written as ``shown`` writes
    it: 'bad\\xff.txt', where ``repr`` wrote 'bad\\udcff.txt'."""
    if isinstance(text, (bytes, os.PathLike)):
        text = os.fsdecode(text)
    return _REPR_UNDECODED.sub(r"\1\\x\2", repr(str(text)))


def _shown_errors(exc: UnicodeError):
    """Write what a stream's encoding cannot carry: a byte of a name as ``shown`` writes it,
    any other character as its escape (``\\u2013`` on a latin-1 console)."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    part = exc.object[exc.start:exc.end]
    return "".join(shown(c) if _UNDECODED.match(c) else c.encode("ascii", "backslashreplace")
                   .decode("ascii") for c in part), exc.end


# The error handler the command line's output streams write with (``__main__``): a strict
# stream refused a name that is not UTF-8 (a traceback), Python's default for standard error
# wrote it "\udcff", and standard output its raw byte, which a terminal shows as "\ufffd".
SHOWN = "alliance_graph.shown"
# The attribute of an OSError naming the stream whose write failed ("standard output"), set
# where the command line writes it (``__main__``): the OS names no file for a descriptor.
STREAM = "alliance_graph_stream"
codecs.register_error(SHOWN, _shown_errors)
