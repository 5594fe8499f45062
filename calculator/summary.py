"""One result, in words and formatted figures, built once from the model's report.

The page, its live announcement, the social card, the share text, the oEmbed
title, the embed's messages and the CSV all read a ``Summary``, so that a
result says the same thing wherever it is seen. Nothing here computes a
figure: every number comes from ``model.Report`` and is only worded and
rounded here. Its one Django import is gettext: the words follow the active
language, with named placeholders so that each language orders them itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from . import model
from .explain import HoldoutText, holdout_text
from .formatting import chance, count, money, money_short, number, percent, rate
from .integrations import INTEGRATIONS

PRODUCT = gettext_lazy("CAPI ROI calculator")
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
    expecting: str  # "entered" (the visitor's lift) or "signal" (our estimate)
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
        if self.figure:
            return _("%(lead)s %(figure)s.") % {"lead": self.lead, "figure": self.figure}
        return _("%(lead)s.") % {"lead": self.lead}

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
            _("%(headline)s %(judgement)s %(monthly_label)s %(monthly)s; %(roi_label)s %(roi)s.")
            % {
                "headline": self.headline,
                "judgement": self.judgement,
                "monthly_label": monthly.label,
                "monthly": monthly.value,
                "roi_label": roi_.label,
                "roi": roi_.value,
            }
        ).replace("  ", " ")

    @property
    def title(self) -> str:
        """The result named in a few words: share text, oEmbed and page title."""
        if self.verdict == "free":
            return _("CAPI costs nothing here: any lower true CPA is profit")
        if self.verdict == "none":
            return _("CAPI cannot pay for itself at these figures")
        values = {"breakeven": self.figure, "lift": self.expected}
        estimated = self.expecting == "signal"
        if self.verdict == "clears":
            if estimated:
                return (
                    _(
                        "CAPI pays for itself if it cuts true CPA by %(breakeven)s; "
                        "%(lift)s estimated, so it pays"
                    )
                    % values
                )
            return (
                _(
                    "CAPI pays for itself if it cuts true CPA by %(breakeven)s; "
                    "%(lift)s expected, so it pays"
                )
                % values
            )
        if estimated:
            return (
                _(
                    "CAPI pays for itself if it cuts true CPA by %(breakeven)s; "
                    "%(lift)s estimated, so it falls short"
                )
                % values
            )
        return (
            _(
                "CAPI pays for itself if it cuts true CPA by %(breakeven)s; "
                "%(lift)s expected, so it falls short"
            )
            % values
        )

    @property
    def description(self) -> str:
        """The social description: the verdict, then the figures a reader weighs."""
        monthly, roi_, payback = self.get("monthly_benefit"), self.get("roi"), self.get("payback")
        parts = [self.headline, self.judgement]
        parts.append(
            _("%(label)s: %(value)s (%(note)s).")
            % {"label": monthly.label, "value": monthly.value, "note": monthly.brief}
        )
        parts.append(
            _("%(label)s: %(value)s (%(note)s).")
            % {"label": roi_.label, "value": roi_.value, "note": roi_.range}
        )
        parts.append(_("%(label)s: %(value)s.") % {"label": payback.label, "value": payback.value})
        return " ".join(p for p in parts if p)


def _months(n: int) -> str:
    return ngettext("%(count)s month", "%(count)s months", n) % {"count": n}


def _verdict(report: model.Report) -> str:
    results = report.results
    if results.total_cost == 0:
        return "free"
    if results.breakeven_cpa_gain is None:
        return "none"
    return "clears" if report.cpa_gain >= results.breakeven_cpa_gain else "short"


def _headline(report: model.Report, verdict: str) -> tuple[str, str]:
    inputs, results = report.inputs, report.results
    if verdict == "free":
        return _(
            "CAPI costs nothing here, so any fall in your true cost per purchase is profit"
        ), ""
    if verdict == "none":
        if inputs.mode == "save":
            return (
                _(
                    "CAPI cannot pay for itself here: even a 100%% cut in cost per purchase "
                    "would not cover %(costs)s of costs"
                )
                % {"costs": money_short(results.total_cost, inputs.currency)},
                "",
            )
        return (
            _(
                "With a %(margin)s margin, extra purchases earn nothing, so CAPI "
                "cannot pay for itself through more sales"
            )
            % {"margin": rate(inputs.margin)},
            "",
        )
    # The figure follows the lead in every language: the page sets it in bold.
    lead = _("CAPI pays for itself if it lowers your true cost per purchase by")
    return lead, percent(results.breakeven_cpa_gain)


def _expecting(report: model.Report) -> str:
    """Whose the lift is: the visitor's own figure ("entered"), or our estimate ("signal")."""
    return "signal" if report.cpa_gain_source == "signal" else "entered"


def _judgement(report: model.Report, verdict: str) -> str:
    results = report.results
    values = {"lift": percent(report.cpa_gain), "realistic": percent(REALISTIC_GAIN)}
    ours = _expecting(report) == "signal"
    if verdict == "clears":
        if ours:
            return _("We estimate %(lift)s, which clears that bar.") % values
        return _("You expect %(lift)s, which clears that bar.") % values
    if verdict == "short":
        if results.breakeven_cpa_gain > REALISTIC_GAIN:
            if ours:
                return (
                    _(
                        "We estimate %(lift)s, which falls short of it; more than a "
                        "%(realistic)s improvement is not realistic."
                    )
                    % values
                )
            return (
                _(
                    "You expect %(lift)s, which falls short of it; more than a "
                    "%(realistic)s improvement is not realistic."
                )
                % values
            )
        if ours:
            return _("We estimate %(lift)s, which falls short of it.") % values
        return _("You expect %(lift)s, which falls short of it.") % values
    if ours:
        return _("We estimate %(lift)s.") % values
    return _("You expect %(lift)s.") % values


def _chance(report: model.Report) -> str:
    u, months = report.uncertainty, _months(report.inputs.months)
    values = {"months": months, "draws": number(u.draws)}
    p = u.probability_positive
    if p >= 1:
        return _("It pays within %(months)s in all %(draws)s scenarios of the uncertain rates.") % (
            values
        )
    if p <= 0:
        return (
            _(
                "It pays within %(months)s in none of the %(draws)s scenarios of the "
                "uncertain rates."
            )
            % values
        )
    # A bounded share is a sentence of its own: "in under 1% of" is worded
    # differently from "in 81% of" in German and Spanish ("en menos del 1 %").
    if p < 0.01:
        return _(
            "It pays within %(months)s in under %(percent)s of %(draws)s scenarios of the "
            "uncertain rates."
        ) % {**values, "percent": percent(0.01, 0)}
    if p > 0.99:
        return _(
            "It pays within %(months)s in over %(percent)s of %(draws)s scenarios of the "
            "uncertain rates."
        ) % {**values, "percent": percent(0.99, 0)}
    return _(
        "It pays within %(months)s in %(chance)s of %(draws)s scenarios of the uncertain rates."
    ) % {**values, "chance": chance(p)}


def _v2(report: model.Report) -> model.ResultsV2 | None:
    results = report.results
    return results if isinstance(results, model.ResultsV2) else None


def _lift_source(report: model.Report) -> str:
    """Where the lift every figure assumes comes from."""
    results = _v2(report)
    lift = percent(report.cpa_gain)
    if isinstance(report.results, model.ResultsV3):
        return _(
            "%(lift)s on the purchases of the platforms that get server events, a share "
            "of what the one randomized study implies; enter your own from a holdout test."
        ) % {"lift": lift}
    if results is None:  # version 1: the lift was always the visitor's figure
        return _("%(lift)s, as you entered it; confirm it with a holdout test.") % {"lift": lift}
    values = {
        "lift": lift,
        "signal": percent(results.signal_gain),
        "estimate": percent(results.estimated_cpa_gain),
    }
    if results.cpa_gain_source == "signal":
        if report.inputs.acr is not None:
            return (
                _(
                    "%(lift)s, estimated from the %(signal)s more purchase events Meta will match, "
                    "as Events Manager measured; enter your own from a holdout test."
                )
                % values
            )
        return (
            _(
                "%(lift)s, estimated from the %(signal)s more purchase events Meta will match; "
                "enter your own from a holdout test."
            )
            % values
        )
    return (
        _(
            "%(lift)s, as you entered it; the %(signal)s more purchase events Meta will match "
            "suggest %(estimate)s."
        )
        % values
    )


def _orders_sentence(report: model.Report) -> str:
    """'Meta drives about 584 of your 1,000 orders a month (58.4%).'"""
    results = _v2(report)
    if results is None or results.share_of_orders is None or report.inputs.orders is None:
        return ""
    return _("Meta drives about %(driven)s of your %(orders)s orders a month (%(share)s).") % {
        "driven": number(results.true_conversions),
        "orders": number(report.inputs.orders),
        "share": percent(results.share_of_orders),
    }


# What each warning code means to a marketer; the API answers the codes.
WARNINGS = {
    "pixel_sees_under_a_fifth": gettext_lazy(
        "Meta sees under a fifth of the purchases it drives, by your loss rates: Ads "
        "Manager reports %(reported)s of about %(true)s a month. Every figure here scales "
        "with that guess, so check the consent and ad blocker rates."
    ),
    "pixel_sees_under_a_fifth/orders": gettext_lazy(
        "Meta sees under a fifth of the purchases it drives, by your loss rates: Ads "
        "Manager reports %(reported)s of about %(true)s a month. Every figure here scales "
        "with that guess, so check the consent and ad blocker rates, or enter your store's "
        "orders to test them."
    ),
    "lift_above_meta_average": gettext_lazy(
        "A %(lift)s fall in true cost per purchase is above the 13%% Meta reports for "
        "advertisers who chose CAPI themselves, itself an upper bound. Confirm it with a "
        "holdout test before you count on it."
    ),
}


def _warnings(report: model.Report) -> tuple[str, ...]:
    results = _v2(report)
    if results is None:
        return ()
    values = {
        "reported": number(results.reported_before),
        "true": number(results.true_conversions),
        "lift": percent(results.cpa_gain),
    }

    def text(code: str) -> str:
        if code == "pixel_sees_under_a_fifth" and report.inputs.orders is None:
            code += "/orders"  # no orders entered: suggest them as the test
        return str(WARNINGS[code]) % values

    return tuple(text(code) for code in results.warnings)


def _sensitivity_note(report: model.Report) -> str:
    if _v2(report) is None:
        return ""
    return _(
        "Consent refusals move profit because they make Meta's true business bigger (each "
        "reported purchase stands for more real ones), and CAPI recovers none of them. The "
        "other rates, recovery and the match rate move it through the extra signal CAPI "
        "sends, which the lift follows."
    )


def _band(band: model.Band, fmt) -> str:
    if band.p10 is None or band.p90 is None:
        return ""
    return _("P10–P90: %(low)s to %(high)s") % {"low": fmt(band.p10), "high": fmt(band.p90)}


def _figures(report: model.Report, verdict: str) -> tuple[Figure, ...]:
    inputs, r, u = report.inputs, report.results, report.uncertainty
    c = inputs.currency

    def cash(value: float | None) -> str:
        return money_short(value, c)

    horizon = _months(inputs.months)
    after = _("%(net)s after running costs") % {"net": cash(r.net_monthly)}
    if inputs.mode == "save":
        note = _("at full strength, as lower spend; %(after)s") % {"after": after}
    else:
        extra = count(r.incremental_conversions)
        note = ngettext(
            "at full strength, from %(extra)s extra purchase a month; %(after)s",
            "at full strength, from %(extra)s extra purchases a month; %(after)s",
            1 if extra == "1" else 2,
        ) % {"extra": extra, "after": after}
    monthly = Figure(
        "monthly_benefit",
        _("Monthly profit gain"),
        cash(r.monthly_benefit),
        _band(u.monthly_benefit, cash),
        note,
        after,
    )
    roi_label = _("ROI over %(horizon)s") % {"horizon": horizon}
    npv = _("NPV %(npv)s") % {"npv": cash(r.npv)}
    if verdict == "free":
        roi_ = Figure(
            "roi",
            roi_label,
            pgettext("no figure", "n/a"),
            _("no costs entered"),
            _("nothing to pay back"),
        )
        payback = Figure("payback", _("Payback"), _("None needed"), npv, _("no costs to recover"))
    else:
        roi_ = Figure(
            "roi",
            roi_label,
            percent(r.roi),
            _band(u.roi, percent),
            _("net %(net)s on %(costs)s of costs")
            % {"net": cash(r.net), "costs": cash(r.total_cost)},
        )
        if r.payback_month:
            paid = _("Month %(month)s") % {"month": r.payback_month}
        else:
            paid = _("Not within %(horizon)s") % {"horizon": horizon}
        payback = Figure(
            "payback",
            _("Payback"),
            paid,
            npv,
            _("at %(rate)s a year") % {"rate": rate(inputs.discount)},
        )
    if r.total_cost == 0:
        spend_note = _("no costs to cover")
    elif r.breakeven_spend is None:
        spend_note = _("no spend breaks even: the lift earns nothing")
    else:
        spend_note = _("break-even spend %(spend)s a month") % {"spend": cash(r.breakeven_spend)}
    net = Figure(
        "net",
        _("Net over %(horizon)s") % {"horizon": horizon},
        cash(r.net),
        _band(u.net, cash),
        spend_note,
    )
    return (monthly, roi_, payback, net)


def inputs_line(inputs: model.Inputs) -> str:
    """'$20,000 a month on Meta ads · 400 purchases · $80 orders · ...'."""
    c = inputs.currency
    parts = [
        _("%(spend)s a month on Meta ads") % {"spend": money(inputs.spend, c, cents=False)},
        # Version 3's other platforms, when the link names them.
        *(
            text % {"spend": money(spend, c, cents=False)}
            for spend, text in (
                (inputs.google_spend, _("%(spend)s a month on Google Ads")),
                (inputs.tiktok_spend, _("%(spend)s a month on TikTok ads")),
            )
            if spend
        ),
        _("%(count)s purchases reported") % {"count": number(inputs.conversions)},
        _("%(aov)s orders") % {"aov": money(inputs.aov, c, cents=inputs.aov != int(inputs.aov))},
        _("%(margin)s margin") % {"margin": rate(inputs.margin)},
    ]
    if inputs.consent:
        parts.append(_("%(rate)s refuse consent") % {"rate": rate(inputs.consent)})
    if inputs.integration in INTEGRATIONS:
        parts.append(str(INTEGRATIONS[inputs.integration].short))
    elif inputs.integration == "managed":  # version 3's managed service
        parts.append(_("managed service"))
    else:
        parts.append(_("backend events") if inputs.setup == "backend" else _("relayed events"))
    if inputs.cpa_gain is not None:
        parts.append(_("%(rate)s lower true CPA") % {"rate": rate(inputs.cpa_gain)})
    else:
        parts.append(_("lift estimated from the signal"))
    if inputs.orders is not None:
        parts.append(_("%(count)s orders in all") % {"count": number(inputs.orders)})
    parts.append(
        _("%(setup)s setup + %(monthly)s a month")
        % {
            "setup": money(inputs.setup_cost, c, cents=False),
            "monthly": money(inputs.monthly_cost, c, cents=False),
        }
    )
    parts.append(_("over %(months)s") % {"months": _months(inputs.months)})
    return " · ".join(parts)


def summarise(report: model.Report) -> Summary:
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
        # Version 3's holdout plans a test on the store's orders; its words come
        # with the page's version 3 wording.
        holdout=None if isinstance(report.results, model.ResultsV3) else holdout_text(report),
    )


# The platforms and their routes as a marketer names them.
PLATFORM_NAMES = {"meta": "Meta", "google": "Google Ads", "tiktok": "TikTok"}
ROUTE_WORDS = {
    "backend": gettext_lazy("From the store or CRM backend"),
    "relay": gettext_lazy("Browser tags relayed by a server container (sGTM)"),
    "gateway": gettext_lazy("Meta's Conversions API Gateway"),
    "none": gettext_lazy("No server events: the browser tag only"),
}


@dataclass(frozen=True)
class PlatformRow:
    """One platform of a version 3 result, as its table row shows it; ratios
    are fractions, for the templates' and the spreadsheet's own formats."""

    key: str
    name: str
    route: str
    reported_before: float
    reported_after: float
    coverage_before: float
    coverage_after: float
    cpa_gain: float  # the fall in true CPA counted
    monthly_benefit: float


def platform_rows(report: model.Report) -> list[PlatformRow]:
    """One row per platform of a version 3 result, Meta first; none before version 3."""
    if not isinstance(report.results, model.ResultsV3):
        return []
    return [
        PlatformRow(
            key,
            PLATFORM_NAMES[key],
            str(ROUTE_WORDS[p.route]),
            p.reported_before,
            p.reported_after,
            p.coverage_before,
            p.coverage_after,
            p.cpa_gain,
            p.monthly_benefit,
        )
        for key, p in report.results.platforms.items()
    ]


# The decision a verdict leads with, by how often the result pays across the
# uncertainty draws: a clear majority either way, or too close to call.
PAYS_AT, FAILS_AT = 0.7, 0.3


def decision(report: model.Report) -> str:
    """'pays', 'does-not-pay' or 'uncertain', as `#verdict`'s data-decision says."""
    p = report.uncertainty.probability_positive
    if p >= PAYS_AT:
        return "pays"
    if p <= FAILS_AT:
        return "does-not-pay"
    return "uncertain"


def figures_message(report: model.Report) -> dict[str, float | int | str | None]:
    """The headline figures as numbers (ratios as fractions), null where one does
    not exist: what the embed posts to its host page without computing
    (static/js/embed-frame.js reads them from the results' data)."""
    results = report.results
    return {
        "breakeven_cpa_gain": results.breakeven_cpa_gain,
        "monthly_benefit": results.monthly_benefit,
        "roi": results.roi,
        "payback_month": results.payback_month,
        "probability_positive": report.uncertainty.probability_positive,
        "currency": report.inputs.currency,
    }


def _raw(value: float | int | str | None) -> str:
    """A figure as text for machines: full precision, '' for none."""
    if value is None:
        return ""
    if isinstance(value, str | int):
        return str(value)
    return repr(float(value))


def figures_data(report: model.Report) -> dict[str, str]:
    """The same figures as text, for the fields of a webhook's form."""
    return {key: _raw(value) for key, value in figures_message(report).items()}
