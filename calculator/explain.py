"""Words for what model version 2 adds to a result: where the lift comes from,
how much of the store Meta drives, and what makes a result doubtful.

Every figure comes from the report; this module only rounds at display and
chooses the words. A version 1 report has none of these figures, so each
function answers nothing for it and its page reads as it always did.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import roi
from .formatting import number, percent

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
    }
