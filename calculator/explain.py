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
TWO_YEARS = 104  # past this a version 2 plan says no test can show the lift


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
    reach: str  # what the chosen test could detect (version 3: how long to show it pays)
    needed: str  # how long proving the lift and the break-even would take
    advice: str  # what follows from that
    assumptions: str
    detail: str = ""  # a figure too large to lead with, for a disclosure


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
            values["breakeven_time"] = weeks_phrase(plan.weeks_for_breakeven)
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
    detail = ""
    if plan.weeks_for_expected is not None and plan.weeks_for_expected > TWO_YEARS:
        # A figure of decades is no plan: say so, and keep the figure at hand.
        needed = _("No test at your volume can show this lift: it would take over two years.")
        detail = _("The statistical floor alone is %(time)s.") % {
            "time": weeks_phrase(plan.weeks_for_expected)
        }
    return HoldoutText(reach, needed, _advice(report, currency), str(ASSUMPTIONS), detail)


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


# --- version 3: a test on the store's own orders -----------------------------

LONGEST_WEEKS = 26  # past half a year, no test at the store's volume can show it
SHORTEST_DAYS = 15  # a daily-data test needs at least this long


def at_least(weeks: float) -> str:
    """'at least 15 days' under that floor, else 'at least 9 weeks' (rounded up)."""
    if weeks * 7 <= SHORTEST_DAYS:
        return _("at least %(days)s days") % {"days": SHORTEST_DAYS}
    whole = math.ceil(weeks)
    return ngettext("at least %(weeks)s week", "at least %(weeks)s weeks", whole) % {"weeks": whole}


PRACTICAL_MINIMUMS = gettext_lazy(
    "In practice a test also needs at least 20 regions, a pre-period four to five times "
    "as long as the test, at least 15 days of daily data and one full purchase cycle; keep "
    "learning periods, such as Google's 14-day trial for new conversion sources, out of "
    "the window."
)
ASSUMPTIONS_V3 = gettext_lazy(
    "These are floors: they count your orders as independent, while regions add noise of "
    "their own, often several times over at high volume."
)
ASSUMPTIONS_V3_NO_ORDERS = gettext_lazy(
    "These are floors: they count your orders as independent, while regions add noise of "
    "their own. Without your store's orders they count only the platforms' purchases, so "
    "enter your orders for a closer figure."
)


def _clear_breakeven(report: model.Report) -> tuple[str, str]:
    """The lead: how long until a test shows the lift clears the break-even;
    and the figure itself when it is too long to lead with."""
    plan, results = report.holdout, report.results
    breakeven = results.breakeven_cpa_gain
    values = {"breakeven": percent(breakeven), "lift": percent(plan.expected_cpa_gain)}
    if breakeven == 0:
        if plan.weeks_for_expected is None:
            return _(
                "It costs nothing here, and no lift is expected, so there is nothing to test."
            ), ""
        if plan.weeks_for_expected > LONGEST_WEEKS:
            return (
                _(
                    "It costs nothing here, so there is no break-even to clear, and no test at "
                    "your volume can show the expected %(lift)s: it would take more than "
                    "%(longest)s weeks."
                )
                % {**values, "longest": LONGEST_WEEKS},
                _("The statistical floor alone is %(time)s.")
                % {"time": weeks_phrase(plan.weeks_for_expected)},
            )
        return (
            _(
                "It costs nothing here, so there is no break-even to clear: a holdout test on "
                "your store's orders would need %(time)s to show the expected %(lift)s."
            )
            % {**values, "time": at_least(plan.weeks_for_expected)},
            "",
        )
    weeks = plan.weeks_to_clear_breakeven
    if weeks is None:
        return (
            _(
                "The expected %(lift)s does not clear the %(breakeven)s break-even, so no test "
                "can show that it pays."
            )
            % values,
            "",
        )
    if weeks > LONGEST_WEEKS:
        return (
            _(
                "No test at your volume can show this: showing that the lift clears the "
                "%(breakeven)s break-even would take more than %(longest)s weeks."
            )
            % {**values, "longest": LONGEST_WEEKS},
            _("The statistical floor alone is %(time)s.") % {"time": weeks_phrase(weeks)},
        )
    return (
        _(
            "A holdout test on your store's orders needs %(time)s to show that the expected "
            "%(lift)s clears the %(breakeven)s break-even."
        )
        % {**values, "time": at_least(weeks)},
        "",
    )


def holdout_text_v3(report: model.Report) -> HoldoutText | None:
    """Version 3's planner in words: led by the weeks to show the lift clears
    the break-even, 'at least', never under 15 days, and 'no test at your
    volume can show this' past 26 weeks; the chosen test's reach and cost in
    money; the practical minimums."""
    plan = report.holdout
    if plan is None or report.results.breakeven_cpa_gain is None:
        return None
    lead, detail = _clear_breakeven(report)
    currency = report.inputs.currency
    reach = ngettext(
        "Holding out %(share)s of your orders for %(weeks)s week would detect a fall in true "
        "cost per purchase of %(detectable)s or more, and cost about %(cost)s of the gain the "
        "held-out orders forgo.",
        "Holding out %(share)s of your orders for %(weeks)s weeks would detect a fall in true "
        "cost per purchase of %(detectable)s or more, and cost about %(cost)s of the gain the "
        "held-out orders forgo.",
        plan.weeks,
    ) % {
        "weeks": plan.weeks,
        "share": percent(plan.share, 0),
        "detectable": percent(plan.mde_cpa_gain),
        "cost": money(plan.test_cost, currency, cents=False),
    }
    assumptions = ASSUMPTIONS_V3 if report.inputs.orders is not None else ASSUMPTIONS_V3_NO_ORDERS
    return HoldoutText(lead, reach, str(PRACTICAL_MINIMUMS), str(assumptions), detail)
