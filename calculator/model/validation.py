"""Version 3's guards against inputs no store has (docs/model.md, "Validation").

A problem is keyed by the input a visitor should change, and carries a code
and the figures its message needs (the platform, the implied purchases N), so
that the form can word it in each of the site's languages. The model says
what is wrong; the form says it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .inputs import CHOICES_V3, LIMITS_V3, PLATFORMS, Inputs, prefixed
from .measurement import ROUTE_RECOVERY, Recovery, measure_platform, platforms_of, store_rates

# Optional choices: empty is a valid answer (no integration named, a route
# that follows `setup`).
OPTIONAL_CHOICES = ("integration", "google_route", "tiktok_route")
SEES_TOO_LITTLE = 0.2  # coverage below a fifth
AT_MOST_DOUBLE = 1.0  # server events more than doubling what a platform reports


@dataclass(frozen=True)
class Problem:
    """What is wrong with one input.

    ``code`` is one of:

    - ``out_of_range``: outside LIMITS_V3 (or not a whole number of cents);
    - ``below_match_before``: a match rate with server events below the one
      without;
    - ``unknown_choice``: not one of CHOICES_V3's words;
    - ``no_platform`` (key ``spend``): no platform has spend above 0;
    - ``required`` (key ``google_conversions`` / ``tiktok_conversions``): a
      platform with spend but no reported purchases;
    - ``above_orders`` (key ``orders``): ``platform`` implies ``n`` purchases,
      more than the store's orders;
    - ``sees_under_a_fifth`` / ``more_than_doubles`` (key ``orders``, without
      orders): ``platform`` would see under a fifth of the ``n`` purchases it
      drives, or server events would more than double what it reports.
    """

    code: str
    platform: str | None = None
    n: float | None = None

    def __str__(self) -> str:
        return self.code


class InvalidInputs(ValueError):
    """Inputs a model version refuses: ``problems`` maps each key to what is wrong."""

    def __init__(self, problems: Mapping[str, Any]):
        self.problems = dict(problems)
        super().__init__(f"invalid inputs: {self.problems}")


def field_problems(inputs: Inputs) -> dict[str, Problem]:
    """Each field against its own range or list, whatever the spend; then each
    platform's match rates against each other."""
    found = {}
    for name, limit in LIMITS_V3.items():
        value = getattr(inputs, name)
        if value is not None and not limit.admits(float(value)):
            found[name] = Problem("out_of_range")
    for platform in PLATFORMS:
        before, after = prefixed(platform, "match_before"), prefixed(platform, "match_after")
        if after not in found and getattr(inputs, after) < getattr(inputs, before):
            found[after] = Problem("below_match_before")
    for name, allowed in CHOICES_V3.items():
        value = getattr(inputs, name)
        if not (value is None and name in OPTIONAL_CHOICES) and value not in allowed:
            found[name] = Problem("unknown_choice")
    return found


def problems_v3(
    inputs: Inputs, table: Mapping[str, Recovery] = ROUTE_RECOVERY
) -> dict[str, Problem]:
    """Empty when version 3 can compute ``inputs``. Otherwise the fields' own
    problems, or else the first rule that fails: each rule checks Meta, Google
    and TikTok in that order before the next rule."""
    found = field_problems(inputs)
    if found:
        return found
    platforms = platforms_of(inputs, table)
    if not platforms:
        return {"spend": Problem("no_platform")}
    for pl in platforms:
        key = prefixed(pl.name, "conversions")
        if getattr(inputs, key) is None:
            return {key: Problem("required", pl.name)}
    rates = store_rates(inputs)
    measured = [
        (pl, measure_platform(pl, rates, list(pl.recovery), pl.match_after)) for pl in platforms
    ]
    orders = inputs.orders
    for pl, m in measured:
        if orders is not None and float(m.n) > orders:
            return {"orders": Problem("above_orders", pl.name, float(m.n))}
    for pl, m in measured:
        if orders is not None or not pl.serves:
            continue
        coverage = pl.reported / float(m.n)
        if coverage < SEES_TOO_LITTLE:
            return {"orders": Problem("sees_under_a_fifth", pl.name, float(m.n))}
        if float(m.after) / pl.reported - 1 > AT_MOST_DOUBLE:
            return {"orders": Problem("more_than_doubles", pl.name, float(m.n))}
    return {}
