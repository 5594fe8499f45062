"""The holdout planner in words: what a test could detect, how long proving the
lift and the break-even would take, and what follows. The result's summary
carries it, so every surface words it alike.

Every figure comes from the report; this module only rounds at display and
chooses the words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import roi
from .formatting import money, number, percent, trimmed

# --- the holdout planner ------------------------------------------------------

PRACTICAL_WEEKS = 52  # a test longer than a year proves nothing in time to act on it


def about(weeks: float) -> str:
    """92.49 becomes '92', 437 '440', 1495.7 '1,500', 1.43 '1.4': no more digits
    than a plan has."""
    if weeks < 10:
        return trimmed(weeks, 1)
    if weeks < 100:
        rounded = round(weeks)
    elif weeks < 1000:
        rounded = round(weeks, -1)
    else:
        rounded = round(weeks, 2 - len(str(int(weeks))))  # two significant digits
    return number(rounded)


def weeks_phrase(weeks: float) -> str:
    """'about 92 weeks', 'about 1 week', 'under a week'."""
    if weeks < 0.5:
        return "under a week"
    text = about(weeks)
    return f"about {text} week{'' if text == '1' else 's'}"


def _article(number: int) -> str:
    """'an 8-week', 'an 11-week', 'a 12-week': by the sound of the number."""
    spoken_vowel = str(number).startswith("8") or number in (11, 18)
    return "An" if spoken_vowel else "A"


def _split(share: float) -> str:
    """The split as 'with CAPI/held out': 0.5 gives '50/50', 0.3 '70/30'."""
    held = round(share * 100, 2)
    return f"{trimmed(100 - held, 2)}/{trimmed(held, 2)}"


@dataclass(frozen=True)
class HoldoutText:
    reach: str  # what the chosen test could detect
    needed: str  # how long proving the lift and the break-even would take
    advice: str  # what follows from that
    assumptions: str


def holdout_text(report: roi.Report) -> HoldoutText:
    """The planner's section in plain words, figures rounded for display."""
    plan, results = report.holdout, report.results
    currency = report.inputs.currency
    reach = (
        f"With about {number(plan.purchases_per_week)} Meta-driven purchases a week, "
        f"{_article(plan.weeks).lower()} {plan.weeks}-week {_split(plan.share)} test could "
        f"detect a fall in true CPA of {percent(plan.mde_cpa_gain)} or more."
    )
    whose = "your" if report.cpa_gain_source == "entered" else "the estimated"
    if plan.weeks_for_expected is None:
        needed = f"With {whose} {percent(report.cpa_gain)} there is no lift to prove."
    else:
        lift = percent(report.cpa_gain)
        needed = f"Proving {whose} {lift} would take {weeks_phrase(plan.weeks_for_expected)}"
        if plan.weeks_for_breakeven is not None:
            breakeven = percent(results.breakeven_cpa_gain)
            needed += (
                f"; proving the {breakeven} break-even, {about_or_under(plan.weeks_for_breakeven)}"
            )
        needed += "."
    return HoldoutText(reach, needed, _advice(report, currency), ASSUMPTIONS)


def about_or_under(weeks: float) -> str:
    return "under a week" if weeks < 0.5 else f"about {about(weeks)}"


ASSUMPTIONS = (
    "This assumes independent purchases and a clean split of Meta-driven purchases between "
    "the arms (a geo split, for example). Real data is noisier, so these are lower bounds "
    "on the time needed."
)


def _advice(report: roi.Report, currency: str) -> str:
    """What follows: the decision rests on cost and downside, or a test worth running."""
    plan, results = report.holdout, report.results
    breakeven = results.breakeven_cpa_gain
    if breakeven is None:
        return ""
    if breakeven == 0:
        return (
            "CAPI costs nothing here, so there is no break-even to prove: a test would only "
            "measure how much it earns."
        )
    even = roi.weeks_for(breakeven, plan.purchases_per_week, 0.5)
    if even is None or even > PRACTICAL_WEEKS:
        months = report.inputs.months
        return (
            "No practical test can show at your volume whether CAPI clears its break-even, "
            "so the decision rests on cost and downside: if it lowers your true CPA by "
            f"nothing, you are out {money(results.total_cost, currency, cents=False)} over "
            f"{months} month{'s' if months != 1 else ''}, and in the worst tenth of the "
            f"scenarios the net is {money(report.uncertainty.net.p10, currency, cents=False)} "
            "or less."
        )
    weeks = max(1, math.ceil(even))
    text = (
        f"A test is practical: a 50/50 split for {weeks} week{'s' if weeks != 1 else ''} can "
        "show whether CAPI clears its break-even"
    )
    expected = roi.weeks_for(report.cpa_gain, plan.purchases_per_week, 0.5)
    if expected is not None and expected <= PRACTICAL_WEEKS:
        lift = percent(report.cpa_gain)
        confirm = max(1, math.ceil(expected))
        text += f", and {confirm} week{'s' if confirm != 1 else ''} whether it reaches {lift}"
    return text + ". An even split needs the fewest weeks."
