"""What values a ``Settings`` field may take beyond its type's: a number of its kind, not below
what it may be, and a tuple not a lone string.  ``Settings.__post_init__`` asks it of every
instance, so a library caller's slip is told as the command line's options tell it."""

from __future__ import annotations

from dataclasses import fields
from numbers import Integral, Real


def check_values(settings) -> None:
    """Raise TypeError naming a number setting given what is no number of its kind, and
    ValueError for one below what it may be:
    Settings(query_memory="1G") was built, and ag.load(settings, timeout=5) stopped its query
    engine on a traceback (ValueError: invalid literal for int()) and said "the query engine
    did not start: the engine connection closed mid-message"."""
    for field in fields(settings):
        if field.type.startswith("tuple") and isinstance(getattr(settings, field.name), str):
            # trusted_proxies="127.0.0.1" was kept as a str, and read a character at a time
            value = getattr(settings, field.name)
            raise TypeError(f"Settings({field.name}=...) takes a tuple of strings, such as "
                            f"({value!r},), not the string {value!r}")
        if field.type not in ("int", "float"):
            continue
        value = getattr(settings, field.name)
        kind, said = (Integral, "a whole number (an int)") if field.type == "int" else \
            (Real, "a number (an int or a float)")
        if isinstance(value, bool) or not isinstance(value, kind):
            raise TypeError(f"Settings({field.name}=...) takes {said}, not {value!r}")
        # No size, count or time is below 0 (0 is "none" or "off" where it means anything);
        # Settings(workers=0) answered every query "all 0 query slots stayed busy".
        if field.name in _ABOVE_ZERO:
            if not value > 0:  # NaN too
                raise ValueError(f"Settings({field.name}=...) takes {said} above 0, not "
                                 f"{value!r}")
            continue
        least = 1 if field.name in _AT_LEAST_ONE else 0
        if not value >= least:  # NaN too
            raise ValueError(f"Settings({field.name}=...) takes {said} of at least {least}, "
                             f"not {value!r}")


# The number settings of which 0 would mean nothing could be done at all.
_AT_LEAST_ONE = frozenset({"workers", "http_threads", "connection_limit", "validations"})
# The times of which 0 would mean none at all, as the command line's options refuse it
# (``cli/param_types.Seconds``): Settings(send_timeout=0) reset every answer at the first idle
# check, query_timeout=0 stopped every query, engine_poll=0 had the watcher spin.
_ABOVE_ZERO = frozenset({"remote_timeout", "remote_load_timeout", "query_timeout",
                         "engine_poll", "engine_start_timeout", "channel_timeout",
                         "request_timeout", "send_timeout", "use_half_life",
                         "validate_timeout"})
