"""The query page's list of the catalogue's examples, written once per listing of them.

With 20,000 queries in ``queries/`` the page's list (an option and a link for each) took
0.15 s to write at every request, though it changes only with the folder: it is kept under
the number of the listing it was written from (``service_description.Examples.listed``).
"""

from __future__ import annotations

import weakref

from flask import get_template_attribute
from markupsafe import Markup

from ..service_description import Examples

# Each follower's last listing: (its number, its examples, the options and the links).  Weak:
# a follower ``Examples.of`` no longer keeps (an app of another folder, in a test or a
# notebook) takes its list with it.
_written: weakref.WeakKeyDictionary[Examples, tuple[int, list[dict], Markup, Markup]] = \
    weakref.WeakKeyDictionary()


def written(follower: Examples) -> tuple[list[dict], Markup, Markup]:
    """Return the examples ``follower`` lists now, and their options and links as markup."""
    number, examples = follower.listed()
    kept = _written.get(follower)
    if kept is None or kept[0] != number:
        # Written by two requests at once now and then: the same markup, kept once.
        kept = (number, examples,
                get_template_attribute("example_list.html", "options")(examples),
                get_template_attribute("example_list.html", "links")(examples))
        _written[follower] = kept
    return kept[1:]
