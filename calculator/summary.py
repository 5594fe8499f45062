"""One result, in words and formatted figures, built once from the model's report.

The page, its live announcement, the social card, the share text, the oEmbed
title, the embed's messages and the CSV all read a ``Summary``, so that a
result says the same thing wherever it is seen. Nothing here computes a
figure: every number comes from ``roi.Report`` and is only worded and
rounded here. A pure module: no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import roi
from .explain import HoldoutText, holdout_text
from .formatting import chance, count, money, money_short, number, percent, rate
from .integrations import INTEGRATIONS

PRODUCT = "CAPI ROI calculator"
# A lift above this is not realistic: it is several times what Meta itself reports.
REALISTIC_GAIN = 0.5


@dataclass(frozen=True)
class Figure:
    """One headline figure: what it is, its value, its range and a note."""

    key: str
    label: str
    value: str
    range: str
    note: str
    brief: str = ""  # the note in a few words, for the social description


@dataclass(frozen=True)
class Summary:
    """The verdict, its sentences and every headline figure of one result."""

    verdict: str  # "clears", "short", "none" (no lift can pay) or "free" (nothing to pay)
    pays: bool  # whether the net is positive at the expected lift
    lead: str  # the headline before its figure
    figure: str  # the headline's figure ("1.24%"), or "" when it has none
    judgement: str  # the expected lift against the break-even
    chance: str  # how often it pays across the uncertainty draws
    lift_source: str  # where the expected lift comes from
    expected: str  # the expected fall in true CPA ("5%")
    expecting: str  # "You expect" (an entered lift) or "We estimate" (from the signal)
    figures: tuple[Figure, ...]
    inputs_line: str  # every input that shapes the result, in one line
    spend: str  # the monthly ad spend, as the card's footer names it
    currency: str
    warnings: tuple[str, ...] = field(default_factory=tuple)
    orders_sentence: str = ""  # how much of the store Meta drives, when orders are given
    sensitivity_note: str = ""  # why the inputs move profit as they do, from version 2
    holdout: HoldoutText | None = None  # can a holdout test prove it?

    @property
    def headline(self) -> str:
        return f"{self.lead} {self.figure}." if self.figure else f"{self.lead}."

    @property
    def sentences(self) -> str:
        """The verdict in full, as a paragraph."""
        return " ".join(p for p in (self.headline, self.judgement, self.chance) if p)

    def get(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)

    @property
    def announcement(self) -> str:
        """What a screen reader hears after each live update: short, no range."""
        monthly, roi_ = self.get("monthly_benefit"), self.get("roi")
        return (
            f"{self.headline} {self.judgement} "
            f"{monthly.label} {monthly.value}; {roi_.label} {roi_.value}."
        ).replace("  ", " ")

    @property
    def title(self) -> str:
        """The result named in a few words: share text, oEmbed and page title."""
        if self.verdict == "free":
            return "CAPI costs nothing here: any lower true CPA is profit"
        if self.verdict == "none":
            return "CAPI cannot pay for itself at these figures"
        outcome = "it pays" if self.verdict == "clears" else "it falls short"
        return (
            f"CAPI pays for itself if it cuts true CPA by {self.figure}; "
            f"{self.expected} {'estimated' if self.expecting == 'We estimate' else 'expected'}, "
            f"so {outcome}"
        )

    @property
    def description(self) -> str:
        """The social description: the verdict, then the figures a reader weighs."""
        monthly, roi_, payback = self.get("monthly_benefit"), self.get("roi"), self.get("payback")
        parts = [self.headline, self.judgement]
        parts.append(f"{monthly.label}: {monthly.value} ({monthly.brief}).")
        parts.append(f"{roi_.label}: {roi_.value} ({roi_.range}).")
        parts.append(f"{payback.label}: {payback.value}.")
        return " ".join(p for p in parts if p)


def _months(n: int) -> str:
    return f"{n} month{'s' if n != 1 else ''}"


def _verdict(report: roi.Report) -> str:
    results = report.results
    if results.total_cost == 0:
        return "free"
    if results.breakeven_cpa_gain is None:
        return "none"
    return "clears" if report.cpa_gain >= results.breakeven_cpa_gain else "short"


def _headline(report: roi.Report, verdict: str) -> tuple[str, str]:
    inputs, results = report.inputs, report.results
    if verdict == "free":
        return "CAPI costs nothing here, so any fall in your true cost per purchase is profit", ""
    if verdict == "none":
        if inputs.mode == "save":
            return (
                "CAPI cannot pay for itself here: even a 100% cut in cost per purchase "
                f"would not cover {money_short(results.total_cost, inputs.currency)} "
                "of costs",
                "",
            )
        return (
            f"With a {rate(inputs.margin)} margin, extra purchases earn nothing, so CAPI "
            "cannot pay for itself through more sales",
            "",
        )
    lead = "CAPI pays for itself if it lowers your true cost per purchase by"
    return lead, percent(results.breakeven_cpa_gain)


def _expecting(report: roi.Report) -> str:
    """How the verdict names the lift: the visitor's own figure, or our estimate."""
    return "We estimate" if report.cpa_gain_source == "signal" else "You expect"


def _judgement(report: roi.Report, verdict: str) -> str:
    results = report.results
    expected = f"{_expecting(report)} {percent(report.cpa_gain)}"
    if verdict == "clears":
        return f"{expected}, which clears that bar."
    if verdict == "short":
        beyond = ""
        if results.breakeven_cpa_gain > REALISTIC_GAIN:
            beyond = f"; more than a {percent(REALISTIC_GAIN)} improvement is not realistic"
        return f"{expected}, which falls short of it{beyond}."
    return f"{expected}."


def _chance(report: roi.Report) -> str:
    u, months = report.uncertainty, _months(report.inputs.months)
    scenarios = f"{number(u.draws)} scenarios of the uncertain rates"
    p = u.probability_positive
    if p >= 1:
        return f"It pays within {months} in all {scenarios}."
    if p <= 0:
        return f"It pays within {months} in none of the {scenarios}."
    return f"It pays within {months} in {chance(p)} of {scenarios}."


def _v2(report: roi.Report) -> roi.ResultsV2 | None:
    results = report.results
    return results if isinstance(results, roi.ResultsV2) else None


def _lift_source(report: roi.Report) -> str:
    """Where the lift every figure assumes comes from."""
    results = _v2(report)
    lift = percent(report.cpa_gain)
    if results is None:  # version 1: the lift was always the visitor's figure
        return f"{lift}, as you entered it; confirm it with a holdout test."
    signal = percent(results.signal_gain)
    if results.cpa_gain_source == "signal":
        measured = ", as Events Manager measured" if report.inputs.acr is not None else ""
        return (
            f"{lift}, estimated from the {signal} more purchase events Meta will match"
            f"{measured}; enter your own from a holdout test."
        )
    return (
        f"{lift}, as you entered it; the {signal} more purchase events Meta will match "
        f"suggest {percent(results.estimated_cpa_gain)}."
    )


def _orders_sentence(report: roi.Report) -> str:
    """'Meta drives about 584 of your 1,000 orders a month (58.4%).'"""
    results = _v2(report)
    if results is None or results.share_of_orders is None or report.inputs.orders is None:
        return ""
    return (
        f"Meta drives about {number(results.true_conversions)} of your "
        f"{number(report.inputs.orders)} orders a month ({percent(results.share_of_orders)})."
    )


# What each warning code means to a marketer; the API answers the codes.
WARNINGS = {
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


def _warnings(report: roi.Report) -> tuple[str, ...]:
    results = _v2(report)
    if results is None:
        return ()
    values = {
        "reported": number(results.reported_before),
        "true": number(results.true_conversions),
        "lift": percent(results.cpa_gain),
        "orders_hint": ", or enter your store's orders to test them"
        if report.inputs.orders is None
        else "",
    }
    return tuple(WARNINGS[code].format(**values) for code in results.warnings)


def _sensitivity_note(report: roi.Report) -> str:
    if _v2(report) is None:
        return ""
    return (
        "Consent refusals move profit because they make Meta's true business bigger (each "
        "reported purchase stands for more real ones), and CAPI recovers none of them. The "
        "other rates, recovery and the match rate move it through the extra signal CAPI "
        "sends, which the lift follows."
    )


def _band(band: roi.Band, fmt) -> str:
    if band.p10 is None or band.p90 is None:
        return ""
    return f"P10–P90: {fmt(band.p10)} to {fmt(band.p90)}"


def _figures(report: roi.Report, verdict: str) -> tuple[Figure, ...]:
    inputs, r, u = report.inputs, report.results, report.uncertainty
    c = inputs.currency

    def cash(value: float | None) -> str:
        return money_short(value, c)

    horizon = _months(inputs.months)
    if inputs.mode == "save":
        source = "as lower spend"
    else:
        extra = count(r.incremental_conversions)
        source = f"from {extra} extra purchase{'' if extra == '1' else 's'} a month"
    after = f"{cash(r.net_monthly)} after running costs"
    monthly = Figure(
        "monthly_benefit",
        "Monthly profit gain",
        cash(r.monthly_benefit),
        _band(u.monthly_benefit, cash),
        f"at full strength, {source}; {after}",
        after,
    )
    if verdict == "free":
        roi_ = Figure(
            "roi", f"ROI over {horizon}", "n/a", "no costs entered", "nothing to pay back"
        )
        payback = Figure(
            "payback", "Payback", "None needed", f"NPV {cash(r.npv)}", "no costs to recover"
        )
    else:
        roi_ = Figure(
            "roi",
            f"ROI over {horizon}",
            percent(r.roi),
            _band(u.roi, percent),
            f"net {cash(r.net)} on {cash(r.total_cost)} of costs",
        )
        paid = f"Month {r.payback_month}" if r.payback_month else f"Not within {horizon}"
        payback = Figure(
            "payback", "Payback", paid, f"NPV {cash(r.npv)}", f"at {rate(inputs.discount)} a year"
        )
    if r.total_cost == 0:
        spend_note = "no costs to cover"
    elif r.breakeven_spend is None:
        spend_note = "no spend breaks even: the lift earns nothing"
    else:
        spend_note = f"break-even spend {cash(r.breakeven_spend)} a month"
    net = Figure("net", f"Net over {horizon}", cash(r.net), _band(u.net, cash), spend_note)
    return (monthly, roi_, payback, net)


def inputs_line(inputs: roi.Inputs) -> str:
    """'$20,000 a month on Meta ads · 400 purchases · $80 orders · ...'."""
    c = inputs.currency
    parts = [
        f"{money(inputs.spend, c, cents=False)} a month on Meta ads",
        f"{number(inputs.conversions)} purchases reported",
        f"{money(inputs.aov, c, cents=inputs.aov != int(inputs.aov))} orders",
        f"{rate(inputs.margin)} margin",
    ]
    if inputs.consent:
        parts.append(f"{rate(inputs.consent)} refuse consent")
    if inputs.integration is not None:
        parts.append(INTEGRATIONS[inputs.integration].short)
    else:
        parts.append("backend events" if inputs.setup == "backend" else "relayed events")
    if inputs.cpa_gain is not None:
        parts.append(f"{rate(inputs.cpa_gain)} lower true CPA")
    else:
        parts.append("lift estimated from the signal")
    if inputs.orders is not None:
        parts.append(f"{number(inputs.orders)} orders in all")
    parts.append(
        f"{money(inputs.setup_cost, c, cents=False)} setup + "
        f"{money(inputs.monthly_cost, c, cents=False)} a month"
    )
    parts.append(f"over {_months(inputs.months)}")
    return " · ".join(parts)


def summarise(report: roi.Report) -> Summary:
    """The ``Summary`` of one report."""
    verdict = _verdict(report)
    lead, figure = _headline(report, verdict)
    return Summary(
        verdict=verdict,
        pays=report.results.net > 0,
        lead=lead,
        figure=figure,
        judgement=_judgement(report, verdict),
        chance=_chance(report),
        lift_source=_lift_source(report),
        expected=percent(report.cpa_gain),
        expecting=_expecting(report),
        figures=_figures(report, verdict),
        inputs_line=inputs_line(report.inputs),
        spend=money_short(report.inputs.spend, report.inputs.currency),
        currency=report.inputs.currency,
        warnings=_warnings(report),
        orders_sentence=_orders_sentence(report),
        sensitivity_note=_sensitivity_note(report),
        holdout=holdout_text(report),
    )


def _raw(value: float | int | None) -> str:
    """A number as data for scripts: full precision, '' for none."""
    return "" if value is None else repr(float(value))


def figures_data(report: roi.Report) -> dict[str, str]:
    """The headline figures as plain numbers (ratios as fractions), for the results'
    data attributes: the embed hands them to its host page without computing."""
    results = report.results
    return {
        "breakeven_cpa_gain": _raw(results.breakeven_cpa_gain),
        "monthly_benefit": _raw(results.monthly_benefit),
        "roi": _raw(results.roi),
        "payback_month": "" if results.payback_month is None else str(results.payback_month),
        "probability_positive": _raw(report.uncertainty.probability_positive),
        "currency": report.inputs.currency,
    }
