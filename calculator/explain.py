"""Words for what model version 2 adds to a result: where the lift comes from,
how much of the store Meta drives, and what makes a result doubtful.

Every figure comes from the report; this module only rounds at display and
chooses the words. A version 1 report has none of these figures, so each
function answers nothing for it and its page reads as it always did.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import roi
from .formatting import money, number, percent

# What each warning code means to a marketer; the API answers the codes.
WARNING_TEXT = {
    "pixel_sees_under_a_fifth": (
        "Meta sees under a fifth of the purchases it drives, by your loss rates: Ads "
        "Manager reports {reported} of about {true} a month. Every figure here scales with "
        "that guess, so check the consent and ad blocker rates{orders_hint}."
    ),
    "lift_above_meta_average": (
        "A {lift} fall in true cost per purchase is above the 13% Meta reports for "
        "advertisers who chose CAPI themselves, itself an upper bound. Confirm it with a "
        "holdout test before you count on it."
    ),
}


def _v2(report: roi.Report) -> roi.ResultsV2 | None:
    results = report.results
    return results if isinstance(results, roi.ResultsV2) else None


def expected_phrase(report: roi.Report) -> str:
    """How the verdict names the lift: the visitor's own figure, or our estimate."""
    return "We estimate" if report.cpa_gain_source == "signal" else "You expect"


@dataclass(frozen=True)
class LiftSource:
    lift: str  # '4.89%'
    signal: str  # '24.5%'
    estimated: str  # the estimate, also shown beside an entered figure
    source: str  # 'signal' or 'entered'
    measured: bool  # the signal gain is Events Manager's measured figure


def lift_source(report: roi.Report) -> LiftSource | None:
    """Where the lift every figure assumes comes from, rounded for display."""
    results = _v2(report)
    if results is None:
        return None
    return LiftSource(
        lift=percent(results.cpa_gain),
        signal=percent(results.signal_gain),
        estimated=percent(results.estimated_cpa_gain),
        source=results.cpa_gain_source,
        measured=report.inputs.acr is not None,
    )


def orders_sentence(report: roi.Report) -> str | None:
    """'Meta drives about 584 of your 1,000 orders (58%).' None without orders."""
    results = _v2(report)
    if results is None or results.share_of_orders is None or report.inputs.orders is None:
        return None
    return (
        f"Meta drives about {number(results.true_conversions)} of your "
        f"{number(report.inputs.orders)} orders a month ({percent(results.share_of_orders)})."
    )


def warnings(report: roi.Report) -> list[str]:
    """Each warning code of the result in a marketer's words, figures filled in."""
    results = _v2(report)
    if results is None:
        return []
    values = {
        "reported": number(results.reported_before),
        "true": number(results.true_conversions),
        "lift": percent(results.cpa_gain),
        "orders_hint": ", or enter your store's orders to test them"
        if report.inputs.orders is None
        else "",
    }
    return [WARNING_TEXT[code].format(**values) for code in results.warnings]


def csv_rows(report: roi.Report) -> list[tuple[str, str]]:
    """The lift a version 2 result used and where it came from, for the CSV."""
    results = _v2(report)
    if results is None:
        return []
    return [
        ("signal_gain", repr(results.signal_gain)),
        ("estimated_cpa_gain", repr(results.estimated_cpa_gain)),
        ("cpa_gain_used", repr(results.cpa_gain)),
        ("cpa_gain_source", results.cpa_gain_source),
        ("warnings", " ".join(results.warnings)),
    ]


def context(report: roi.Report) -> dict[str, object]:
    """What the version 2 partials of the results show."""
    return {
        "expected_phrase": expected_phrase(report),
        "lift_source": lift_source(report),
        "orders_sentence": orders_sentence(report),
        "warning_texts": warnings(report),
        "tornado_v2": _v2(report) is not None,
        "holdout": holdout_text(report),
    }


# --- the holdout planner ------------------------------------------------------

PRACTICAL_WEEKS = 52  # a test longer than a year proves nothing in time to act on it


def about(weeks: float) -> str:
    """92.49 becomes '92', 437 '440', 1495.7 '1,500', 1.43 '1.4': no more digits
    than a plan has."""
    if weeks < 10:
        return f"{round(weeks, 1):g}"
    if weeks < 100:
        rounded = round(weeks)
    elif weeks < 1000:
        rounded = round(weeks, -1)
    else:
        rounded = round(weeks, 2 - len(str(int(weeks))))  # two significant digits
    return f"{int(rounded):,}"


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
    return f"{100 - held:g}/{held:g}"


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
