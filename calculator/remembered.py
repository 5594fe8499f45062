"""Translations looked up once per language and message, then remembered.

A result page asks Django for about 320 translations: every
``{% translate %}`` and every lazy label turned into text. Each lookup reads
the thread's active language and searches up to four catalog dictionaries,
about 2 µs, 0.55 ms of a 7 ms page. The answer cannot change while the
process runs (catalogs load once; a changed catalog in development makes new
translation objects), so it is kept on the active translation object itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import _trans, trans_real

# The messages are the code's and templates' own strings, a few thousand at
# most; the bound keeps any caller translating text of its own from growing
# the memory without end.
LIMIT = 20_000


def _memo_of(active: Any) -> dict:
    memo = active.__dict__.get("_remembered")
    if memo is None:
        memo = active.__dict__["_remembered"] = {}
    return memo


def _active() -> Any:
    """The translation object Django's gettext would use now, if it has one yet."""
    return getattr(trans_real._active, "value", None) or trans_real._default


def remember(key: Any, produce: Callable[..., Any], *args: Any) -> Any:
    """What ``produce(*args)`` gives in the active language, worked out once per ``key``."""
    active = _active()
    if active is None:  # before the first lookup set up the default
        return produce(*args)
    memo = _memo_of(active)
    try:
        return memo[key]
    except KeyError:
        result = produce(*args)
        if len(memo) < LIMIT:
            memo[key] = result
        return result


def remembering(lookup):
    """``lookup`` (Django's gettext) with its answers kept per translation object."""

    def gettext(message):
        # A template's literal is a SafeString, equal to the plain string but
        # answered with a SafeString: the tuple keeps the two apart.
        key = message if type(message) is str else (message,)
        return remember(key, lookup, message)

    gettext.remembers = True
    return gettext


def remember_translations() -> None:
    """Install the remembering gettext for every caller: code, lazy strings and
    templates all reach Django's through ``django.utils.translation``."""
    if not getattr(_trans.gettext, "remembers", False):
        _trans.gettext = remembering(trans_real.gettext)
