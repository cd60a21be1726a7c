"""What an option a command does not have was meant as, where that is plain: one of its
choices written as an option (``stats --json`` for ``--format json``: click offered
"Did you mean '--output'?" of ``export --ttl``), or a long option written with one dash
(``query -format csv``, which click reads as the short options ``-f -o -r ...`` run
together, refusing "No such option '-f'", a letter the user never typed alone).
"""

from __future__ import annotations

import click


def option_meant(command: click.Command, option: str, args: list[str]) -> str | None:
    """Return what to say of ``option``, which ``command`` refused, given the command line's
    ``args``: the option and choice it writes, or the option its one dash stands for; None
    where neither is plain."""
    if option.startswith("--"):
        word = option[2:].lower()
        for param in command.params:
            if isinstance(param, click.Option) and isinstance(param.type, click.Choice):
                choices = {str(c).lower(): c for c in param.type.choices}
                if word in choices:
                    return (f"{option} is no option of {command.name}: did you mean "
                            f"{max(param.opts, key=len)} {choices[word]}?")
        return None
    # The word click read its first letter from: "-format", "-format=csv".
    glued = next((a for a in args if a.startswith(option) and not a.startswith("--")
                  and len(a.split("=")[0]) > 2), None)
    if glued is None:
        return None
    name = "-" + glued.split("=")[0]
    if any(name in param.opts for param in command.params):
        return f"{glued} is no option of {command.name}: a long option takes two dashes, {name}"
    return None
