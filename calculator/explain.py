"""The holdout planner in words: what a test could detect, how long proving the
lift and the break-even would take, and what follows. The result's summary
carries it, so every surface words it alike.

Every figure comes from the report; this module only rounds at display and
chooses the words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import model
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
        return _("under a week")
    text = about(weeks)
    return ngettext("about %(weeks)s week", "about %(weeks)s weeks", 1 if text == "1" else 2) % {
        "weeks": text
    }


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


def holdout_text(report: model.Report) -> HoldoutText:
    """The planner's section in plain words, figures rounded for display."""
    plan, results = report.holdout, report.results
    currency = report.inputs.currency
    # English says "an 8-week test" but "a 12-week test"; other languages
    # word the article (or none) in their own sentence.
    spoken_vowel = str(plan.weeks).startswith("8") or plan.weeks in (11, 18)
    values = {
        "purchases": number(plan.purchases_per_week),
        "weeks": plan.weeks,
        "split": _split(plan.share),
        "detectable": percent(plan.mde_cpa_gain),
    }
    if spoken_vowel:
        reach = (
            ngettext(
                "With about %(purchases)s Meta-driven purchases a week, an %(weeks)s-week "
                "%(split)s test could detect a fall in true CPA of %(detectable)s or more.",
                "With about %(purchases)s Meta-driven purchases a week, an %(weeks)s-week "
                "%(split)s test could detect a fall in true CPA of %(detectable)s or more.",
                plan.weeks,
            )
            % values
        )
    else:
        reach = (
            ngettext(
                "With about %(purchases)s Meta-driven purchases a week, a %(weeks)s-week "
                "%(split)s test could detect a fall in true CPA of %(detectable)s or more.",
                "With about %(purchases)s Meta-driven purchases a week, a %(weeks)s-week "
                "%(split)s test could detect a fall in true CPA of %(detectable)s or more.",
                plan.weeks,
            )
            % values
        )
    entered = report.cpa_gain_source == "entered"
    lift = percent(report.cpa_gain)
    if plan.weeks_for_expected is None:
        if entered:
            needed = _("With your %(lift)s there is no lift to prove.") % {"lift": lift}
        else:
            needed = _("With the estimated %(lift)s there is no lift to prove.") % {"lift": lift}
    else:
        values = {"lift": lift, "time": weeks_phrase(plan.weeks_for_expected)}
        if plan.weeks_for_breakeven is not None:
            values["breakeven"] = percent(results.breakeven_cpa_gain)
            values["breakeven_time"] = about_or_under(plan.weeks_for_breakeven)
            if entered:
                needed = (
                    _(
                        "Proving your %(lift)s would take %(time)s; proving the %(breakeven)s "
                        "break-even, %(breakeven_time)s."
                    )
                    % values
                )
            else:
                needed = (
                    _(
                        "Proving the estimated %(lift)s would take %(time)s; proving the "
                        "%(breakeven)s break-even, %(breakeven_time)s."
                    )
                    % values
                )
        elif entered:
            needed = _("Proving your %(lift)s would take %(time)s.") % values
        else:
            needed = _("Proving the estimated %(lift)s would take %(time)s.") % values
    return HoldoutText(reach, needed, _advice(report, currency), str(ASSUMPTIONS))


def _weeks(count: int) -> str:
    """'1 week', '3 weeks'."""
    return ngettext("%(count)s week", "%(count)s weeks", count) % {"count": count}


def about_or_under(weeks: float) -> str:
    if weeks < 0.5:
        return _("under a week")
    return _("about %(weeks)s") % {"weeks": about(weeks)}


ASSUMPTIONS = gettext_lazy(
    "This assumes independent purchases and a clean split of Meta-driven purchases between "
    "the arms (a geo split, for example). Real data is noisier, so these are lower bounds "
    "on the time needed."
)


def _advice(report: model.Report, currency: str) -> str:
    """What follows: the decision rests on cost and downside, or a test worth running."""
    plan, results = report.holdout, report.results
    breakeven = results.breakeven_cpa_gain
    if breakeven is None:
        return ""
    if breakeven == 0:
        return _(
            "CAPI costs nothing here, so there is no break-even to prove: a test would only "
            "measure how much it earns."
        )
    even = model.weeks_for(breakeven, plan.purchases_per_week, 0.5)
    if even is None or even > PRACTICAL_WEEKS:
        months = report.inputs.months
        return ngettext(
            "No practical test can show at your volume whether CAPI clears its break-even, "
            "so the decision rests on cost and downside: if it lowers your true CPA by "
            "nothing, you are out %(costs)s over %(months)s month, and in the worst tenth of "
            "the scenarios the net is %(worst)s or less.",
            "No practical test can show at your volume whether CAPI clears its break-even, "
            "so the decision rests on cost and downside: if it lowers your true CPA by "
            "nothing, you are out %(costs)s over %(months)s months, and in the worst tenth of "
            "the scenarios the net is %(worst)s or less.",
            months,
        ) % {
            "costs": money(results.total_cost, currency, cents=False),
            "months": months,
            "worst": money(report.uncertainty.net.p10, currency, cents=False),
        }
    values = {"weeks": _weeks(max(1, math.ceil(even)))}
    expected = model.weeks_for(report.cpa_gain, plan.purchases_per_week, 0.5)
    if expected is not None and expected <= PRACTICAL_WEEKS:
        values.update(confirm=_weeks(max(1, math.ceil(expected))), lift=percent(report.cpa_gain))
        text = (
            _(
                "A test is practical: a 50/50 split for %(weeks)s can show whether CAPI clears "
                "its break-even, and %(confirm)s whether it reaches %(lift)s."
            )
            % values
        )
    else:
        text = (
            _(
                "A test is practical: a 50/50 split for %(weeks)s can show whether CAPI clears "
                "its break-even."
            )
            % values
        )
    return text + " " + _("An even split needs the fewest weeks.")
