"""One result, in words and formatted figures, built once from the model's report.

The page, its live announcement, the social card, the share text, the oEmbed
title, the embed's messages, the emails and the CSV all read a ``Summary``,
so that a result says the same thing wherever it is seen. Nothing here
computes a figure: every number comes from ``model.Report`` and is only
worded and rounded here. Its one Django import is gettext: the words follow
the active language, with named placeholders so that each language orders
them itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from . import model
from .explain import HoldoutText, holdout_text, holdout_text_v3
from .formatting import chance, count, money, money_short, number, percent, rate, ratio, trimmed
from .integrations import INTEGRATIONS

PRODUCT = gettext_lazy("CAPI ROI calculator")
# A lift above this is not realistic: it is several times what Meta itself reports.
REALISTIC_GAIN = 0.5
# ROI is a multiple from ten times the costs; past a hundred times (costs under
# 1% of the benefit) a figure means nothing more than "over 100×".
ROI_MULTIPLE_FROM, ROI_CEILING = 10, 100

# The platforms and their routes as a marketer names them.
PLATFORM_NAMES = model.PLATFORM_NAMES


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
    """The decision, its sentences and every headline figure of one result."""

    decision: str  # "pays", "uncertain" or "does-not-pay": by the chance it pays
    verdict: str  # "clears", "short", "none" (no lift can pay) or "free" (nothing to pay)
    pays: bool  # whether the net is positive at the expected lift
    net: str  # the net over the horizon, signed ("+$3,100")
    monthly_net: str  # a month at full strength after running costs, signed
    chance_short: str  # "pays in 81% of scenarios", for the card's footer
    horizon: str  # "12 months"
    support: str  # the break-even against the estimate, in a sentence
    figure: str  # the break-even ("1.24%"), or "" when there is none
    chance: str  # how often it pays across the draws, under the assumed ranges
    lift_source: str  # where the expected lift comes from
    expected: str  # the expected fall in true CPA ("5%")
    expecting: str  # "entered" (the visitor's lift) or "signal" (our estimate)
    figures: tuple[Figure, ...]
    inputs_line: str  # every input that shapes the result, in one line
    spend: str  # the monthly ad spend, as the card's footer names it
    currency: str
    warnings: tuple[str, ...] = field(default_factory=tuple)
    orders_sentence: str = ""  # how much of the store the platforms claim, when orders are given
    sensitivity_note: str = ""  # why consent moves profit, when it does
    spend_note: str = ""  # why spend does not move the benefit in mode "more"
    attribution_note: str = ""  # the lift counts attributed purchases as caused
    true_note: str = ""  # what "true" purchases and cost per purchase mean
    holdout: HoldoutText | None = None  # can a holdout test prove it?
    lift_parts: tuple[str, ...] = ()  # version 3: the lift, platform by platform
    platforms: str = "Meta"  # the result's platforms, named: "Meta, Google Ads and TikTok"

    @property
    def decision_text(self) -> str:
        """'Likely worth it', 'Too close to call' or 'Not worth it at your volume'."""
        return str(DECISIONS[self.decision])

    @property
    def over_horizon(self) -> str:
        """'+$3,100 over 12 months'."""
        return _("%(net)s over %(horizon)s") % {"net": self.net, "horizon": self.horizon}

    @property
    def headline(self) -> str:
        """The decision and the net: 'Likely worth it: +$3,100 over 12 months'."""
        return _("%(decision)s: %(amount)s") % {
            "decision": self.decision_text,
            "amount": self.over_horizon,
        }

    @property
    def sentences(self) -> str:
        """The verdict in full, as a paragraph."""
        return " ".join(p for p in (self.headline + ".", self.support, self.chance) if p)

    def get(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)

    @property
    def by_key(self) -> dict[str, Figure]:
        """The figures by key, for templates: ``summary.by_key.roi.value``."""
        return {f.key: f for f in self.figures}

    @property
    def announcement(self) -> str:
        """What a screen reader hears after each live update: short, no range."""
        monthly, roi_ = self.get("monthly_benefit"), self.get("roi")
        return (
            _("%(headline)s. %(judgement)s %(monthly_label)s %(monthly)s; %(roi_label)s %(roi)s.")
            % {
                "headline": self.headline,
                "judgement": self.support,
                "monthly_label": monthly.label,
                "monthly": monthly.value,
                "roi_label": roi_.label,
                "roi": roi_.value,
            }
        ).replace("  ", " ")

    @property
    def title(self) -> str:
        """The result named in a few words, with its platforms: share text,
        oEmbed and page title."""
        return _("Server-side tracking for %(platforms)s — %(headline)s") % {
            "platforms": self.platforms,
            "headline": self.headline,
        }

    @property
    def description(self) -> str:
        """The social description: the support, the chance, then the figures a reader weighs."""
        monthly, roi_, payback = self.get("monthly_benefit"), self.get("roi"), self.get("payback")
        parts = [self.support, self.chance]
        parts.append(
            _("%(label)s: %(value)s (%(note)s).")
            % {"label": monthly.label, "value": monthly.value, "note": monthly.brief}
        )
        parts.append(
            _("%(label)s: %(value)s (%(note)s).")
            % {"label": roi_.label, "value": roi_.value, "note": roi_.range or roi_.note}
        )
        parts.append(_("%(label)s: %(value)s.") % {"label": payback.label, "value": payback.value})
        return " ".join(p for p in parts if p)


def _months(n: int) -> str:
    return ngettext("%(count)s month", "%(count)s months", n) % {"count": n}


def signed_money(value: float, currency: str) -> str:
    """A net with its sign: '+$3,100', '−$2,400', '$0'."""
    text = money_short(value, currency)
    return f"+{text}" if round(value) > 0 else text


# The decision the verdict leads with, by how often the result pays across the
# uncertainty draws: a clear majority either way, or too close to call.
PAYS_AT, FAILS_AT = 0.7, 0.3
DECISIONS = {
    "pays": gettext_lazy("Likely worth it"),
    "uncertain": gettext_lazy("Too close to call"),
    "does-not-pay": gettext_lazy("Not worth it at your volume"),
}


def decision(report: model.Report) -> str:
    """'pays', 'does-not-pay' or 'uncertain', as `#verdict`'s data-decision says."""
    p = report.uncertainty.probability_positive
    if p >= PAYS_AT:
        return "pays"
    if p <= FAILS_AT:
        return "does-not-pay"
    return "uncertain"


def _v3(report: model.Report) -> model.ResultsV3 | None:
    results = report.results
    return results if isinstance(results, model.ResultsV3) else None


def _verdict(report: model.Report) -> str:
    results = report.results
    if results.breakeven_cpa_gain is None:
        return "none"
    if results.total_cost == 0:
        return "free"
    return "clears" if report.cpa_gain >= results.breakeven_cpa_gain else "short"


def _expecting(report: model.Report) -> str:
    """Whose the lift is: the visitor's own figure ("entered"), or our estimate ("signal")."""
    return "entered" if report.cpa_gain_source == "entered" else "signal"


def _pool_names(report: model.Report) -> list[str]:
    """The platforms of a version 3 pool (those that get server events), by name."""
    results = _v3(report)
    if results is None:
        return []
    return [PLATFORM_NAMES[k] for k, p in results.platforms.items() if p.route != "none"]


def _joined(names: list[str]) -> str:
    """'Meta', 'Meta and Google Ads', 'Meta, Google Ads and TikTok'."""
    if len(names) < 2:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _support(report: model.Report, verdict: str) -> str:
    """The break-even against the estimate: 'It pays if it lowers your true
    cost per purchase by 1.24%; the evidence suggests about 2.6%.'"""
    inputs, results = report.inputs, report.results
    if verdict == "none":
        if _v3(report) is not None and not _pool_names(report):
            return _(
                "Your integration sends server events to none of the platforms you advertise "
                "on, so its costs buy nothing."
            )
        if inputs.mode == "save":
            return _(
                "Even a 100%% cut in cost per purchase would not cover %(costs)s of costs."
            ) % {"costs": money_short(results.total_cost, inputs.currency)}
        return _(
            "With a %(margin)s margin, extra purchases earn nothing, so server events cannot "
            "pay for themselves through more sales."
        ) % {"margin": rate(inputs.margin)}
    lift = percent(report.cpa_gain)
    if verdict == "free":
        if _expecting(report) == "entered":
            return _(
                "It costs nothing here, so any fall in your true cost per purchase is profit; "
                "you expect %(lift)s."
            ) % {"lift": lift}
        return _(
            "It costs nothing here, so any fall in your true cost per purchase is profit; "
            "the evidence suggests about %(lift)s."
        ) % {"lift": lift}
    values = {"breakeven": percent(results.breakeven_cpa_gain), "lift": lift}
    names = _pool_names(report)
    entered = _expecting(report) == "entered"
    if len(names) > 1:
        values["platforms"] = _joined(names)
        if entered:
            text = _(
                "It pays if it lowers your true cost per purchase by %(breakeven)s across "
                "%(platforms)s; you expect %(lift)s over the same purchases."
            )
        else:
            text = _(
                "It pays if it lowers your true cost per purchase by %(breakeven)s across "
                "%(platforms)s; the evidence suggests about %(lift)s over the same purchases."
            )
    elif entered:
        text = _(
            "It pays if it lowers your true cost per purchase by %(breakeven)s; you expect "
            "%(lift)s."
        )
    else:
        text = _(
            "It pays if it lowers your true cost per purchase by %(breakeven)s; the evidence "
            "suggests about %(lift)s."
        )
    text %= values
    v3 = _v3(report)
    if v3 is not None and len(v3.platforms) == 1:
        # One platform: where its lift comes from belongs in the same sentence.
        (key, p), share = next(iter(v3.platforms.items())), _shares(report)
        clause = _study_clause(p, share[key])
        if clause:
            text = f"{text[:-1]} {clause}" if text.endswith(".") else f"{text} {clause}"
    if v3 is not None and "breakeven_above_ceiling" in v3.warnings:
        text += " " + _("Even the whole effect the study measured would not pay this back.")
    elif v3 is None and results.breakeven_cpa_gain > REALISTIC_GAIN:
        text += " " + _("More than a %(realistic)s improvement is not realistic.") % {
            "realistic": percent(REALISTIC_GAIN)
        }
    return text


def _study_clause(p: model.PlatformResults, share: float) -> str:
    """How a lone platform's lift relates to the randomized study, to end the
    verdict's sentence: '(half of what the one randomized study implies, 5.28%).'"""
    values = {"anchor": percent(p.lift_ceiling), "share": rate(share)}
    if p.route == "none" or p.cpa_gain_source == "entered":
        return _("(the whole effect the study measured would be %(anchor)s here).") % values
    if share == 0:
        return _("(no lift counted: set a share of the study's or a measured figure).")
    if share == 50:
        return _("(half of what the one randomized study implies, %(anchor)s).") % values
    return _("(%(share)s of what the one randomized study implies, %(anchor)s).") % values


def _chance(report: model.Report) -> str:
    u, months = report.uncertainty, _months(report.inputs.months)
    values = {"months": months, "draws": number(u.draws)}
    p = u.probability_positive
    if p >= 1:
        return (
            _("It pays within %(months)s in all %(draws)s scenarios, under the assumed ranges.")
            % values
        )
    if p <= 0:
        return (
            _("It pays within %(months)s in none of %(draws)s scenarios, under the assumed ranges.")
            % values
        )
    # A bounded share is a sentence of its own: "in under 1% of" is worded
    # differently from "in 81% of" in German and Spanish ("en menos del 1 %").
    if p < 0.01:
        return _(
            "It pays within %(months)s in under %(percent)s of %(draws)s scenarios, under the "
            "assumed ranges."
        ) % {**values, "percent": percent(0.01, 0)}
    if p > 0.99:
        return _(
            "It pays within %(months)s in over %(percent)s of %(draws)s scenarios, under the "
            "assumed ranges."
        ) % {**values, "percent": percent(0.99, 0)}
    return _(
        "It pays within %(months)s in %(chance)s of %(draws)s scenarios, under the assumed ranges."
    ) % {**values, "chance": chance(p)}


def _chance_short(report: model.Report) -> str:
    p = report.uncertainty.probability_positive
    if 0 < p < 0.01:
        return _("pays in under %(percent)s of scenarios") % {"percent": percent(0.01, 0)}
    if 0.99 < p < 1:
        return _("pays in over %(percent)s of scenarios") % {"percent": percent(0.99, 0)}
    return _("pays in %(chance)s of scenarios") % {"chance": chance(p)}


def _v2(report: model.Report) -> model.ResultsV2 | None:
    results = report.results
    return results if isinstance(results, model.ResultsV2) else None


def _platform_lift(key: str, p: model.PlatformResults, share: float) -> str:
    """One platform's lift and where it comes from, version 3."""
    values = {
        "platform": PLATFORM_NAMES[key],
        "lift": percent(p.cpa_gain),
        "anchor": percent(p.lift_ceiling),
        "share": rate(share),
    }
    if p.route == "none":
        return _("%(platform)s: no server events, so no lift.") % values
    if p.cpa_gain_source == "entered":
        return (
            _(
                "%(platform)s: %(lift)s, as you entered it; the whole effect the study measured "
                "would be %(anchor)s here."
            )
            % values
        )
    if share == 50:
        return (
            _(
                "%(platform)s: about %(lift)s, half of what the one randomized study implies "
                "(%(anchor)s)."
            )
            % values
        )
    return (
        _(
            "%(platform)s: about %(lift)s, %(share)s of what the one randomized study implies "
            "(%(anchor)s)."
        )
        % values
    )


def _no_study(p: model.PlatformResults, share: float) -> bool:
    """A platform served, with its lift estimated at a share of 0: no evidence."""
    return p.route != "none" and p.cpa_gain_source != "entered" and share == 0


def _shares(report: model.Report) -> dict[str, float]:
    return {
        k: getattr(report.inputs, model.prefixed(k, "lift_share")) for k in report.results.platforms
    }


def _lift_parts(report: model.Report) -> tuple[str, ...]:
    """Each platform's lift in a sentence; those with no randomized study
    share one ("Google Ads and TikTok: no lift counted, ...")."""
    results = _v3(report)
    if results is None:
        return ()
    shares = _shares(report)
    parts = [
        _platform_lift(key, p, shares[key])
        for key, p in results.platforms.items()
        if not _no_study(p, shares[key])
    ]
    unstudied = [PLATFORM_NAMES[k] for k, p in results.platforms.items() if _no_study(p, shares[k])]
    if unstudied:
        parts.append(_unstudied(unstudied))
    return tuple(parts)


def _unstudied(names: list[str]) -> str:
    return ngettext(
        "%(platforms)s: no lift counted, as no randomized study exists for it. Set a share or "
        "enter a measured figure.",
        "%(platforms)s: no lift counted, as no randomized study exists for them. Set a share "
        "or enter a measured figure.",
        len(names),
    ) % {"platforms": _joined(names)}


def _lift_source(report: model.Report) -> str:
    """Where the lift every figure assumes comes from."""
    results = _v2(report)
    lift = percent(report.cpa_gain)
    if _v3(report) is not None:
        return " ".join(_lift_parts(report))
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
    orders = report.inputs.orders
    v3 = _v3(report)
    if v3 is not None and orders is not None:
        return " ".join(
            _("%(platform)s claims about %(driven)s of your %(orders)s orders a month (%(share)s).")
            % {
                "platform": PLATFORM_NAMES[key],
                "driven": number(p.true_conversions),
                "orders": number(orders),
                "share": percent(p.share_of_orders),
            }
            for key, p in v3.platforms.items()
        )
    results = _v2(report)
    if results is None or results.share_of_orders is None or orders is None:
        return ""
    return _("Meta drives about %(driven)s of your %(orders)s orders a month (%(share)s).") % {
        "driven": number(results.true_conversions),
        "orders": number(orders),
        "share": percent(results.share_of_orders),
    }


def _true_note(report: model.Report) -> str:
    if _v3(report) is None and report.model_version == 1:
        return ""
    return _(
        "“True” purchases are those a platform would attribute if it saw every purchase, and "
        "the true cost per purchase is its spend divided by them: that is attribution, not "
        "proof that the ads caused each sale."
    )


def _attribution_note(report: model.Report) -> str:
    if _v3(report) is None or report.inputs.mode != "more":
        return ""
    return _(
        "The lift is applied to the purchases the platforms attribute, as if the ads caused "
        "each one; where attribution counts purchases the ads did not cause, the money here "
        "is overstated."
    )


def _spend_note(report: model.Report) -> str:
    if report.inputs.mode != "more" or report.results.breakeven_cpa_gain is None:
        return ""
    return _(
        "Taken as more purchases, the gain follows the purchases the platforms attribute, "
        "your order value and margin, not your spend: a cheaper purchase buys more of them "
        "for the same budget. Spend moves the result when the gain is taken as lower spend."
    )


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

# Version 3's codes: per platform (named), then the store's.
WARNINGS_V3 = {
    "pixel_sees_under_a_fifth": gettext_lazy(
        "%(platform)s sees under a fifth of the purchases it drives, by your loss rates: it "
        "reports %(reported)s of about %(true)s a month. Every figure scales with that guess, "
        "so check the consent and ad blocker rates, or enter your store's orders."
    ),
    "recovery_above_evidence": gettext_lazy(
        "Server events would raise what %(platform)s reports by %(recovered)s, above every "
        "figure Meta publishes for its own measured gains. Check the loss rates."
    ),
    "lift_above_ceiling": gettext_lazy(
        "A %(lift)s fall in true cost per purchase on %(platform)s is beyond the %(anchor)s "
        "the one randomized study implies here. Confirm it with a holdout test before you "
        "count on it."
    ),
    "claims_most_orders": gettext_lazy(
        "%(platform)s claims %(share)s of your orders. So much is rare outside single-channel "
        "stores: view-through attribution makes ads managers claim purchases they did not "
        "drive, and the money here grows with that claim."
    ),
    "reported_roas_implausible": gettext_lazy(
        "Check spend and purchases for %(platform)s: it would be reporting a %(cpa)s cost per "
        "purchase (ROAS %(roas)s), which rarely belongs together with this spend."
    ),
    "acr_above_modelled_losses": gettext_lazy(
        "The measured additional conversions are more than your loss rates explain, so the "
        "calculator raised Meta's true purchases to %(true)s to match them."
    ),
    "platforms_claim_more_than_orders": gettext_lazy(
        "Your platforms together claim more purchases than your store takes. They claim some "
        "of the same orders, so their lifts overlap and the money here may be overstated."
    ),
    "breakeven_above_ceiling": gettext_lazy(
        "Even the whole effect the one randomized study measured would not pay this back at "
        "your volume."
    ),
    "setup_serves_no_platform": gettext_lazy(
        "This integration sends server events to none of the platforms you advertise on, so "
        "its costs buy nothing. Choose one that covers them."
    ),
}


def _warnings_v3(report: model.Report, results: model.ResultsV3) -> tuple[str, ...]:
    c = report.inputs.currency
    texts = []
    for key, p in results.platforms.items():
        values = {
            "platform": PLATFORM_NAMES[key],
            "reported": number(p.reported_before),
            "true": number(p.true_conversions),
            "recovered": percent(p.recovered_share),
            "lift": percent(p.cpa_gain),
            "anchor": percent(p.lift_ceiling),
            "share": percent(p.share_of_orders),
            "cpa": money(p.reported_cpa_before, c),
            "roas": ratio(p.reported_roas_before),
        }
        texts.extend(str(WARNINGS_V3[code]) % values for code in p.warnings)
    # The break-even above the study's whole effect is said in the verdict itself.
    texts.extend(
        str(WARNINGS_V3[code]) for code in results.warnings if code != "breakeven_above_ceiling"
    )
    return tuple(texts)


def _roas_check_v2(report: model.Report) -> str:
    """Version 3's `reported_roas_implausible`, said on a version 2 link too."""
    results = report.results
    roas = getattr(results, "reported_roas_before", None)
    if roas is None or 0.25 <= roas <= 25:
        return ""
    return str(WARNINGS_V3["reported_roas_implausible"]) % {
        "platform": "Meta",
        "cpa": money(results.reported_cpa_before, report.inputs.currency),
        "roas": ratio(roas),
    }


def _warnings(report: model.Report) -> tuple[str, ...]:
    v3 = _v3(report)
    if v3 is not None:
        return _warnings_v3(report, v3)
    roas = _roas_check_v2(report)
    results = _v2(report)
    if results is None:
        return (roas,) if roas else ()
    values = {
        "reported": number(results.reported_before),
        "true": number(results.true_conversions),
        "lift": percent(results.cpa_gain),
    }

    def text(code: str) -> str:
        if code == "pixel_sees_under_a_fifth" and report.inputs.orders is None:
            code += "/orders"  # no orders entered: suggest them as the test
        return str(WARNINGS[code]) % values

    return (*(text(code) for code in results.warnings), *((roas,) if roas else ()))


def _sensitivity_note(report: model.Report) -> str:
    """Why consent moves profit, only where it does: version 2 on, consent above 0."""
    if report.model_version < 2 or not report.inputs.consent:
        return ""
    return _(
        "Consent refusals move profit because they make the platforms' true business bigger "
        "(each reported purchase stands for more real ones), and server events recover none "
        "of them. The other rates, recovery and the match rate move it through the extra "
        "signal server events send, which the lift follows."
    )


def _band(band: model.Band, fmt, value: float | None = None) -> str:
    """'P10–P90: $122 to $761', and why, when the estimate itself lies outside
    its range: the uncertain rates can only move it one way from there."""
    if band.p10 is None or band.p90 is None:
        return ""
    text = _("P10–P90: %(low)s to %(high)s") % {"low": fmt(band.p10), "high": fmt(band.p90)}
    if value is not None and value > band.p90:
        text += " " + _(
            "(your estimate is above this range: the uncertain rates, at an end of their "
            "range, can only lower it)"
        )
    elif value is not None and value < band.p10:
        text += " " + _(
            "(your estimate is below this range: the uncertain rates, at an end of their "
            "range, can only raise it)"
        )
    return text


def roi_text(roi: float | None, total_benefit: float, total_cost: float) -> str:
    """ROI as a percentage up to ten times the costs, then as a multiple, and
    'over 100×' when the costs are under 1% of the benefit."""
    if roi is None:
        return pgettext("no figure", "n/a")
    if total_cost > 0 and total_benefit > ROI_CEILING * total_cost:
        return _("over %(multiple)s×") % {"multiple": number(ROI_CEILING)}
    if roi >= ROI_MULTIPLE_FROM:
        return _("%(multiple)s×") % {"multiple": trimmed(roi, 1)}
    return percent(roi)


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
        _band(u.monthly_benefit, cash, r.monthly_benefit),
        note,
        after,
    )
    roi_label = _("ROI over %(horizon)s") % {"horizon": horizon}
    npv = _("NPV %(npv)s") % {"npv": cash(r.npv)}
    if r.total_cost == 0:
        # Nothing to pay back: one wording on every surface.
        roi_ = Figure(
            "roi",
            roi_label,
            pgettext("no figure", "n/a"),
            "",
            _("nothing to pay back: it costs nothing"),
        )
        payback = Figure("payback", _("Payback"), _("None needed"), npv, _("no costs to recover"))
    else:
        band = u.roi
        roi_ = Figure(
            "roi",
            roi_label,
            roi_text(r.roi, r.total_benefit, r.total_cost),
            "" if band.p10 is None else _band(band, percent),
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
        _band(u.net, cash, r.net),
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
    inputs, results = report.inputs, report.results
    v3 = _v3(report)
    return Summary(
        decision=decision(report),
        verdict=verdict,
        pays=results.net > 0,
        net=signed_money(results.net, inputs.currency),
        monthly_net=signed_money(results.net_monthly, inputs.currency),
        chance_short=_chance_short(report),
        horizon=_months(inputs.months),
        support=_support(report, verdict),
        figure="" if results.breakeven_cpa_gain is None else percent(results.breakeven_cpa_gain),
        chance=_chance(report),
        lift_source=_lift_source(report),
        expected=percent(report.cpa_gain),
        expecting=_expecting(report),
        figures=_figures(report, verdict),
        inputs_line=inputs_line(inputs),
        spend=money_short(total_spend(inputs), inputs.currency),
        currency=inputs.currency,
        warnings=_warnings(report),
        orders_sentence=_orders_sentence(report),
        sensitivity_note=_sensitivity_note(report),
        spend_note=_spend_note(report),
        attribution_note=_attribution_note(report),
        true_note=_true_note(report),
        holdout=holdout_text(report) if v3 is None else holdout_text_v3(report),
        lift_parts=_lift_parts(report),
        platforms=_joined(
            [PLATFORM_NAMES[key] for key in v3.platforms] if v3 is not None else ["Meta"]
        ),
    )


def total_spend(inputs: model.Inputs) -> float:
    """The monthly spend of every platform the inputs name."""
    return inputs.spend + (inputs.google_spend or 0) + (inputs.tiktok_spend or 0)


ROUTE_WORDS = {
    "backend": gettext_lazy("From the store or CRM backend"),
    "relay": gettext_lazy("Browser tags relayed by a server container (sGTM)"),
    "gateway": gettext_lazy("Meta's Conversions API Gateway"),
    "none": gettext_lazy("Not covered by this integration: the browser tag only"),
}
# What an integration must send with each purchase so that the platform counts
# a purchase seen by both its browser tag and the server once.
DEDUPLICATION_KEYS = {"meta": "event_id", "google": "transaction_id", "tiktok": "event_id"}


@dataclass(frozen=True)
class PlatformRow:
    """One platform of a version 3 result, as its table shows it; ratios are
    fractions, for the templates' and the spreadsheet's own formats."""

    key: str
    name: str
    route: str
    reported_before: float
    reported_after: float
    coverage_before: float
    coverage_after: float
    cpa_gain: float  # the fall in true CPA counted
    monthly_benefit: float
    reported_cpa_before: float = 0.0
    reported_cpa_after: float = 0.0
    true_cpa_before: float = 0.0
    true_cpa_after: float = 0.0
    lift_source: str = ""
    dedup_key: str = ""
    served: bool = True
    true_purchases: float = 0.0


def platform_rows(report: model.Report) -> list[PlatformRow]:
    """One row per platform of a version 3 result, Meta first; none before version 3."""
    results = _v3(report)
    if results is None:
        return []
    shares = _shares(report)
    parts = {
        key: _unstudied([PLATFORM_NAMES[key]])
        if _no_study(p, shares[key])
        else _platform_lift(key, p, shares[key])
        for key, p in results.platforms.items()
    }
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
            p.reported_cpa_before,
            p.reported_cpa_after,
            p.true_cpa_before,
            p.true_cpa_after,
            parts[key],
            DEDUPLICATION_KEYS[key],
            p.route != "none",
            p.true_conversions,
        )
        for key, p in results.platforms.items()
    ]


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
