"""Parse the Turtle files into quads, one named graph per file, failing early with file and line.

Oxigraph's parser does the parsing: it is fast and its syntax errors carry line and column.
Ill-typed literals (``"12x"^^xsd:integer``) parse fine in both Oxigraph and rdflib, so they are
checked here, after parsing, and reported with the line they sit on.
"""

from __future__ import annotations

import contextlib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ..clipping import clipped, literal_said
from ..project_files import turtle_files
from ..rdf import DATA, graph_iri, quiet_rdflib
from ..settings import MOST_PROBLEMS_SHOWN
from ..terminals import SKIP
from ..utf16 import utf16_said
from ..wording import printable
from . import data_folder
from .blank_names import blank_scope, written_label  # noqa: F401 (for the build's readers)
from .datatype_hints import Shapes, claims, told
from .hints import cut_short, directive_slip, encoding_hint, other_format
from .lines import BREAK, line_number, tag_line, triple_term_line
from .problem_list import listed
from .string_lines import StringLines
from .turtle_tokens import glued_numbers

# Datatypes whose values the engine computes with: a literal of one is valid when Oxigraph's
# own cast reads its lexical form (an XSD 1.1 parser), since a form it cannot read leaves
# YEAR(), comparisons and sums unbound in every query.  rdflib, asked before, let "2016-13"
# (a thirteenth month), "+2016" and "99" through as xsd:gYearMonth and xsd:gYear.
ENGINE_DATATYPES = {str(XSD) + t for t in (
    "integer", "decimal", "double", "float", "boolean", "date", "dateTime", "time", "gYear",
    "gYearMonth", "duration",
)}
# The integer types Oxigraph has no cast for: rdflib checks their forms and ranges.
CHECKED_DATATYPES = ENGINE_DATATYPES | {str(XSD) + t for t in (
    "nonNegativeInteger", "positiveInteger", "int", "long",
)}
# How a valid value of each is written, said with a literal that is not one.
FORMS = {"integer": "42", "decimal": "3800000000 or 7.5", "double": "1.5E3, INF, -INF or NaN",
         "float": "1.5E3, INF, -INF or NaN",
         "boolean": "true or false", "date": "2016-05-31", "dateTime": "2016-05-31T14:00:00Z",
         "time": "14:00:00", "gYear": "2016", "gYearMonth": "2016-05",
         "duration": "P10Y, P1Y6M or PT36H", "nonNegativeInteger": "0 or more",
         "positiveInteger": "1 or more", "int": "an integer of 32 bits",
         "long": "an integer of 64 bits"}
# XSD 1.1's forms of a double or a float.  Oxigraph's cast reads them as Rust does, "nan",
# "inf" and "Infinity" in any case too, which rdflib, Virtuoso and XSD itself refuse: in the
# graph, such a value is a number here and an error in the tools it is exported to.
_FLOATING = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[Ee][+-]?[0-9]+)?|[+-]?INF|NaN")
_FLOATING_TYPES = {str(XSD) + "double", str(XSD) + "float"}
_LEXICAL = ox.Variable("lexical")
_CASTS = {datatype: f"SELECT ?lexical (<{datatype}>(?lexical) AS ?value) {{}}"
          for datatype in ENGINE_DATATYPES}
_CASTER = ox.Store()  # empty: the casts read no data


@dataclass(frozen=True)
class Problem:
    """Something wrong with an input file, with where it is."""

    file: str
    line: int | None
    message: str
    column: int | None = None

    def __str__(self) -> str:
        """Return ``file:line:column: message``, each control character in it but the line
        feed and the tab written as its escape: a parser's message quotes the file's text
        (an ESC byte written there colored the terminal of whoever read the error)."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return printable(f"{where}: {self.message}")


class LoadError(Exception):
    """One or more input files could not be loaded; ``problems`` says which and where, all of
    them, and the text the first ``MOST_PROBLEMS_SHOWN`` (``problem_list.listed``)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(listed(problems, MOST_PROBLEMS_SHOWN))


UTF8_BOM = b"\xef\xbb\xbf"


def read_text(path: Path, name: str) -> str:
    """Return a file's text, or raise LoadError if it is not readable UTF-8 text."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError([Problem(name, None, f"cannot read file: {exc.strerror or exc}")]) from exc
    if b"\x00" in data:
        utf16 = utf16_said(data)
        if utf16:
            raise LoadError([Problem(name, None, utf16)])
        # Its line: one NUL in a text file (what a crash can leave) was said as "a binary
        # file", leaving the reader to search the whole file for it.
        line = line_number(data, data.index(b"\x00"))
        raise LoadError([Problem(name, line, "is a binary file, not Turtle (a NUL byte here)")])
    # A byte order mark, as some editors on Windows write, is no part of the Turtle: left in,
    # it was reported as "is not a valid subject" at 1:1, invisible in the message.
    data = data.removeprefix(UTF8_BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = line_number(data, exc.start)
        raise LoadError([Problem(name, line, "is not valid UTF-8 text"
                                 + encoding_hint(data, exc.start))]) from exc


def _parser_words(exc: SyntaxError) -> str:
    """Return an Oxigraph parser's message without the position it starts with, which a
    Problem shows."""
    message = re.sub(r"^Parser error (at line \d+ (between columns \d+ and \d+|column \d+)|"
                     r"between line \d+ column \d+ and line \d+ column \d+): ", "", str(exc))
    return re.sub(r" \(line \d+\)$| \([^()]*, line \d+\)$", "", message)


def syntax_problem(exc: SyntaxError, name: str, text: str = "") -> Problem:
    """Return the Problem a parser's SyntaxError describes, in file ``name`` (of ``text``)."""
    return Problem(name, *directive_slip(text, exc.lineno, exc.offset, _parser_words(exc)))


_TRAILING = re.compile(SKIP)  # after a file's last statement: blanks, comments (in linear time)


def _cut_short(exc: SyntaxError, text: str) -> tuple[int, int] | None:
    """Return (line, column just past it) of the last thing a text writes when the parser's
    error ends where the text does (nothing but blanks and comments after it), else None: a
    file cut short, whose last word the parser read as a slip ("ag is not a valid RDF
    object" of "ag:rank ag").  "Unexpected end of file" keeps its own words: a string, an
    IRI or a bracket opened and never closed."""
    if exc.end_lineno is None or exc.end_offset is None or \
            _parser_words(exc).startswith("Unexpected end of file"):
        return None
    lines = BREAK.split(text)
    if exc.end_lineno > len(lines):
        return None
    end = sum(len(m.group()) + len(line) for line, m in
              zip(lines[:exc.end_lineno - 1], BREAK.finditer(text))) + exc.end_offset - 1
    if not _TRAILING.fullmatch(text, min(end, len(text))):
        return None
    # The error of a file ending after a comment is on the line past it: said on the last
    # line writing something, where the statement stops.
    at = next((i for i in range(len(lines) - 1, -1, -1)
               if lines[i].strip() and not lines[i].strip().startswith("#")), 0)
    if exc.lineno == at + 1:
        return at + 1, exc.offset
    return at + 1, len(lines[at].rstrip()) + 1


def ill_typed_report(literals, text: str, name: str) -> list[Problem]:
    """Return the Problem of each ill-typed literal, on the line of ``text`` it is written
    (found through one index of the text's strings, however many there are)."""
    strings = StringLines(text)
    problems = []
    # A literal written again is told at each place in turn: 2,000 of one date were all told
    # on the line of its first.
    seen: dict[tuple[str, str], int] = {}
    for literal in literals:
        local = literal.datatype.value.removeprefix(str(XSD))
        key = (literal.value, literal.datatype.value)
        seen[key] = nth = seen.get(key, -1) + 1
        # A number written bare is no string: searched for as written (it had no line).
        line = strings.typed_line(*key, nth) or strings.line(literal.value)
        # Clipped (60,000 digits were said whole) and escaped as N-Triples writes it: a quote
        # in it read as its end ("a"b"), a line break split the problem over lines.
        value = literal_said(ox.Literal(literal.value))
        if local in _RANGED and _RANGED[local].fullmatch(literal.value.strip()):
            # A valid form the engine has no number for (it was "is not a valid xsd:integer").
            message = (f"{value} is an xsd:{local} past what the query engine "
                       f"computes with ({_RANGE[local][0]}): its sums and comparisons would be "
                       f"unbound; write it {_RANGE[local][1]}")
        else:
            message = (f"ill-typed literal {value} is not a valid xsd:{local}"
                       f" (written {FORMS[local]})")
            bare = literal.value.replace(",", "")  # "2,582": a thousands separator
            if bare != literal.value and not is_ill_typed(ox.Literal(bare, datatype=literal.datatype)):
                message += f": a number is written without commas, {clipped(bare)}"
        problems.append(Problem(name, line, message))
    return problems


# The forms of valid numbers that Oxigraph holds in fixed sizes, and the range of each.
_RANGED = {"integer": re.compile(r"[+-]?[0-9]+"),
           "decimal": re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")}
_RANGE = {"integer": ("64 bits, up to 9223372036854775807",
                      "as an xsd:decimal or xsd:double, or in a larger unit"),
          "decimal": ("about 1.7E20, to 18 decimal places",
                      "with fewer digits, as an xsd:double, or in a larger unit")}


# A line git writes into a file whose merge conflicted.
_CONFLICT = re.compile(r"^(?:<{7}|={7}|>{7})(?:[ \t].*)?$", re.M)


def syntax_refusal(exc: SyntaxError, text: str, name: str) -> Problem:
    """Return what to say of a syntax error in file ``name`` of ``text``: a merge conflict's
    first marker where the file holds one (the parser read "<<<<<<< HEAD" as an IRI holding a
    space), a file of another format (``hints.other_format``), a file cut short inside its
    last statement (``_cut_short``), else the parser's words (``syntax_problem``).  Both routes of a build and ``validate`` say it so."""
    conflict = _CONFLICT.search(text)
    if conflict:
        return Problem(name, line_number(text, conflict.start()), "a merge conflict's marker "
                       "(<<<<<<<, ======= or >>>>>>>): keep the side wanted, and delete the "
                       "other and the markers")
    # A whole file of another format (a JSON-LD export, a saved page): no line of it is the
    # one to fix, where the parser spoke of a character ("{ is not a valid subject ...").
    other = other_format(text, "every file of data/ and ontology/ is Turtle")
    if other:
        return Problem(name, None, other)
    cut = _cut_short(exc, text)
    if cut is not None:
        return Problem(name, *cut_short(text, *cut, _parser_words(exc)))
    return syntax_problem(exc, name, text)  # (a directive's slip said on its line)


def parse_turtle(text: str, name: str, keep: bool = True) -> list[ox.Quad]:
    """Parse Turtle text into quads in the file's named graph, or raise LoadError; not
    ``keep``ing them, only check that the build would take it (``add`` parsing a merged file
    back: building its quads to drop them was 1.4 s of adding one fact to a 14 MB file)."""
    try:
        parsed = ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=None)
        triples = list(parsed) if keep else [t for t in parsed if is_rdf12(t)]
    except SyntaxError as exc:
        raise LoadError([syntax_refusal(exc, text, name)]) from exc
    problem = rdf12_problem(triples, text, name)
    if problem is not None:
        raise LoadError([problem])
    glued = comma_problems(text, name)
    if glued:
        raise LoadError(glued)
    graph = graph_iri(name)
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples] if keep else []


# Where a comma may join two numbers: the text is read token by token only where one does.
_GLUED = re.compile(r"[0-9],[0-9]")


def comma_problems(text: str, name: str) -> list[Problem]:
    """Return a Problem for each number of ``text`` written with a comma (``oa:start 2,582``):
    two values to Turtle, 2 and 582, which the build let pass as two offsets."""
    if not _GLUED.search(text):
        return []
    problems = []
    for at, parts in glued_numbers(text):
        # Each said clipped (clipping.py): two of 60,000 digits were said whole, four times.
        written = clipped(",".join(parts))
        listed = f"{clipped(', '.join(parts[:-1]))} and {clipped(parts[-1])}"
        decimal = f", or {clipped('.'.join(parts))} for a decimal" if len(parts) == 2 \
            and parts[0].lstrip("+-").isdigit() else ""
        whole = clipped("".join(parts))
        problems.append(Problem(name, line_number(text, at), (
            f"{written} is read as {len(parts):,} numbers ({listed}): in Turtle a comma separates"
            f" values, and a number is written without one: write {whole}{decimal}")))
    return problems


def is_rdf12(t: ox.Triple) -> bool:
    """Return whether ``t`` holds an RDF 1.2 term: a triple term, a literal's base direction."""
    return isinstance(t.subject, ox.Triple) or isinstance(t.object, ox.Triple) \
        or isinstance(t.object, ox.Literal) and t.object.direction is not None


def rdf12_problem(triples, text: str, name: str) -> Problem | None:
    """Return the Problem of the first RDF 1.2 term (a triple term, a literal with a base
    direction) among ``triples``: the graph is RDF 1.1, claims are reified statements."""
    t = next((t for t in triples if is_rdf12(t)), None)
    if t is None:
        return None
    if isinstance(t.subject, ox.Triple) or isinstance(t.object, ox.Triple):
        return Problem(name, triple_term_line(text), "RDF 1.2 triple terms (<< ... >>) are not "
                       "used here: state a fact as a claim with rdf:subject, rdf:predicate and "
                       "rdf:object (docs/data-model.md)")
    spelled = f"@{t.object.language}--{t.object.direction}"
    return Problem(name, tag_line(text, spelled), f"a base direction ({spelled}) is RDF 1.2, "
                   "not used here: write the language tag alone")


def is_ill_typed(literal: ox.Literal) -> bool:
    """Return True when a literal's lexical form is not valid for its XSD datatype."""
    datatype = literal.datatype.value
    if datatype in _FLOATING_TYPES and not _FLOATING.fullmatch(literal.value):
        return True
    if datatype in ENGINE_DATATYPES:
        return not _engine_reads(literal.value, datatype)
    if datatype not in CHECKED_DATATYPES:
        return False
    with quiet_rdflib():  # a traceback for each ill-typed literal rdflib builds
        return bool(Literal(literal.value, datatype=URIRef(literal.datatype.value)).ill_typed)


def ill_typed_among(values, datatypes) -> dict[str, set[str]]:
    """Return, for each of ``datatypes``, those of lexical forms ``values`` that are ill-typed
    as it, as ``is_ill_typed`` says of each: the engine's casts a query per datatype over one
    store of them, where a query each (``_engine_reads``) was 0.6 s of the hints for 10,000."""
    values, store, has = set(values), ox.Store(), ox.NamedNode("urn:lexical")
    store.extend(ox.Quad(has, has, ox.Literal(v)) for v in values)  # as data: nothing escaped
    found = {}
    for d in datatypes:
        if d not in ENGINE_DATATYPES:
            found[d] = {v for v in values if is_ill_typed(ox.Literal(v, datatype=ox.NamedNode(d)))}
            continue
        rows = store.query(f"SELECT ?lexical (<{d}>(?lexical) AS ?value) {{ ?s {has} ?lexical }}")
        found[d] = {row["lexical"].value for row in rows if row["value"] is None} | {
            v for v in values if d in _FLOATING_TYPES and not _FLOATING.fullmatch(v)}
    return found


@functools.lru_cache(maxsize=65536)
def _engine_reads(lexical: str, datatype: str) -> bool:
    # Cached: a graph repeats its years and amounts, and each cast is a query (about 20 µs).
    row = next(iter(_CASTER.query(_CASTS[datatype], substitutions={_LEXICAL: ox.Literal(lexical)})))
    return row["value"] is not None


def ill_typed_problems(quads: list[ox.Quad], text: str, name: str,
                       shapes: Shapes | None = None) -> list[Problem]:
    """Return a Problem for every ill-typed literal among the quads, each saying what
    ``shapes`` say its property takes (``datatype_hints.told``)."""
    bad = [q for q in quads if isinstance(q.object, ox.Literal) and is_ill_typed(q.object)]
    return told(ill_typed_report([q.object for q in bad], text, name), bad, shapes, text,
                claims(quads)) if bad else []


def load_file(path: Path, name: str, shapes: Shapes | None = None) -> tuple[list[ox.Quad], str]:
    """Parse one Turtle file of a build and check its literals (an ill-typed one told what
    ``shapes`` say its property takes); return its quads (its blank nodes named by
    ``blank_scope``) and its text."""
    text = read_text(path, name)
    quads = parse_turtle(text, name)
    problems = ill_typed_problems(quads, text, name, shapes)
    if problems:
        raise LoadError(problems)
    scoped = blank_scope(name)
    return [ox.Quad(scoped(q.subject), q.predicate, scoped(q.object), q.graph_name)
            for q in quads], text


def load_files(paths: list[tuple[Path, str]]) -> tuple[list[ox.Quad], dict[str, str]]:
    """Load every (path, name) pair; collect all problems before failing.

    The files of a data folder (named ``data/<file>``: the folder's every Turtle file, as the
    build lists them) are read holding its readers' lock (``data_folder.reading``), so an
    ``add`` committing meanwhile is read whole or not at all; a file it added or removed
    since they were listed fails the load (listed again, they are read whole).
    """
    folders = sorted({path.parent for path, name in paths if name == f"{DATA}/{path.name}"})
    with contextlib.ExitStack() as held:
        for folder in folders:
            try:
                held.enter_context(data_folder.reading(folder))
            except (data_folder.Busy, data_folder.CommitError) as exc:
                raise LoadError([Problem(str(folder), None, str(exc))]) from exc
            except OSError as exc:  # its lock, or a journal a dead add left, unusable
                raise LoadError([Problem(str(folder), None, f"cannot be read: {exc}")]) from exc
            listed = {path.name for path, _ in paths if path.parent == folder}
            if {p.name for p in turtle_files(folder)} != listed:
                raise LoadError([Problem(str(folder), None, "its files changed while they were "
                                         "read (an add committed meanwhile): run it again")])
        return _load_each(paths)


def _load_each(paths: list[tuple[Path, str]]) -> tuple[list[ox.Quad], dict[str, str]]:
    quads: list[ox.Quad] = []
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    shapes = Shapes(paths)  # read only for an ill-typed literal's hint
    for path, name in paths:
        try:
            file_quads, texts[name] = load_file(path, name, shapes)
        except LoadError as exc:
            problems.extend(exc.problems)
            continue
        quads.extend(file_quads)
    if problems:
        raise LoadError(problems)
    return quads, texts

