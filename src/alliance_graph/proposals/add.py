"""``add``: validate proposals and, only if they conform, merge their new facts into data/.

One workflow, one writer at a time: lock the data folder, finish whatever an interrupted add
left, validate the proposals against the graph as it is now, plan the new file texts, check
that each parses back, and commit them as one unit (``transaction``).  The lock is held from
the first read to the last rename, so a concurrent add waits and then sees this one's facts;
the commit itself waits for the commands reading the folder, and they for it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..build import loading
from ..project_files import turtle_files
from ..settings import SHIPPED, Settings
from ..wording import Metavar, Said
from . import context, merge, transaction, validation
from .inputs import Inputs
from .report import Report


@dataclass
class AddResult:
    """What ``add`` did: the validation report, the blocks added per file (None when the
    proposals do not conform, so nothing was written), and what an earlier add left to finish."""

    report: Report
    merged: merge.MergeResult | None
    settled: list[str] = field(default_factory=list)


def add(settings: Settings, paths: list[Path], into: Path | None = None,
        on_wait: Callable[[str], None] | None = None) -> AddResult:
    """Validate ``paths`` with the graph and, if they conform, merge them into the data folder.

    ``on_wait`` is told when another add holds the folder, or when the commit waits for the
    commands reading it.  Raises ``LoadError`` when a file cannot be read, ``MergeError`` when
    the facts have no file to go to, ``CommitError`` when the data files cannot be written.
    """
    data_dir = settings.data_dir
    if not data_dir.is_dir():
        raise transaction.CommitError(f"no data folder at {data_dir}")
    check_own_project(data_dir)  # before anything is written there, the lock file too
    check_not_inputs(settings, paths)
    merge.check_into(data_dir, into)  # before the wait for the lock and the validation
    check_new_topic(data_dir, into)
    with transaction.DataLock(data_dir, on_wait):
        settled = transaction.recover(data_dir, on_wait)
        # One prebuilt graph (None: the files) for both validating and finding what data/ holds.
        prebuilt = context.prebuilt(settings)
        read = Inputs(settings, list(paths))
        # Where the facts go is for the plan below to say (with --into, they have a place).
        report = validation.validate(settings, list(paths), prebuilt=prebuilt, inputs=read,
                                     placement=False)
        if not report.conforms:
            return AddResult(report, None, settled)
        # The texts validated, not the files again: one edited meanwhile would be merged
        # without ever being validated.
        new_texts, counts = merge.plan(data_dir, list(paths), into, prebuilt,
                                       texts=read.proposal_texts())
        for path, text in new_texts.items():
            try:
                # Never write what does not parse back (read past a byte-order mark, as the
                # loader reads the file); parsed only, its quads are not needed.
                loading.parse_turtle(text.removeprefix("\ufeff"), path.name, keep=False)
            except loading.LoadError as exc:
                raise merge.MergeError(f"the merged {path.name} would not parse, nothing "
                                       f"changed: {exc}") from exc
        transaction.commit(data_dir, new_texts, on_wait)
    return AddResult(report, merge.MergeResult({str(p): n for p, n in counts.items()}), settled)


# How alike a new topic file's name and a data file's must be (difflib's ratio of the names
# without .ttl, letter case ignored) for the new one to be taken for a slip: exercise and
# exercises (0.94), aids and aid (0.86), not notes and nato (0.67), nor events and entities.
_SLIP = 0.85


def check_new_topic(data_dir: Path, into: Path | str | None) -> None:
    """Raise ``MergeError`` when ``into`` names no file of ``data_dir`` but looks like a slip
    for one that is there: blank space at the start of its name (`--into " aid.ttl"`), or a
    name a letter or two from a data file's (``exercise.ttl`` beside ``exercises.ttl``,
    ``Aid.ttl`` beside ``aid.ttl``).  Such an add wrote a new topic file of that name, the
    facts apart from their entity's; a new file so named is taken once it exists (empty)."""
    if into is None:
        return
    name = Path(into).name
    if (Path(data_dir) / name).exists():
        return
    if name != name.strip():
        raise merge.MergeError(Said(lambda n: f"{n('into', str(into))}: the name begins with "
                                              "blank space, and no data file is so named; "
                                              f"give the name alone, such as {name.strip()}"))
    stems = {p.name[:-len(".ttl")].lower(): p.name for p in turtle_files(data_dir)}
    close = difflib.get_close_matches(name[:-len(".ttl")].lower(), list(stems), n=1,
                                      cutoff=_SLIP)
    if close:
        meant = stems[close[0]]
        raise merge.MergeError(Said(
            lambda n: f"{n('into', str(into))}: no data file is so named: did you mean "
                      f"{meant}? (to start a new topic file {name}, create it empty first: "
                      f"{Path(data_dir) / name})"))


def check_own_project(data_dir: Path) -> None:
    """Raise ``CommitError`` when ``data_dir`` is the graph an installed package carries
    (``SHIPPED``): the command run from any folder but a project's adds there, in
    site-packages, where the facts are shared by every user of the package and lost when it
    is installed again."""
    if Path(data_dir).resolve() != (SHIPPED / "data").resolve():
        return
    raise transaction.CommitError(Said(lambda n: (
        f"{data_dir} is the graph the installed package carries, not a project's: facts "
        "added there would be shared by everyone using the package and lost when it is "
        "installed again; add them to a project of your own "
        f"({n('settings.root', Metavar('DIR'))}: a folder holding ontology/ and data/, such "
        "as a checkout of the project), nothing was written")))


def check_not_inputs(settings: Settings, paths: list[Path]) -> None:
    """Raise ``MergeError`` for a proposal that is itself a file the graph is built from:
    written straight into data/, it is read by the build as it is, and add said "does not
    conform: nothing was added" of the findings every build then stopped on."""
    inputs = {p.resolve(): folder for folder in (settings.data_dir, settings.ontology_dir)
              for p in turtle_files(folder)}
    for path in paths:
        folder = inputs.get(Path(path).resolve())
        if folder is not None:
            raise merge.MergeError(
                f"{path} is a file of {folder} already, which the graph is built from as it "
                "is: add merges a proposal written outside it (move the file out of the "
                "folder and add it from there; `validate` checks it where it is)")
