"""How the page arranges the form and words the results.

The numbers all come from the model; this module only groups fields,
names presets and chooses the words of the headline.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from . import charts, explain, roi

# Common fields up front, in the order a marketer thinks of them.
GROUPS = [
    ("Your business", ["spend", "conversions", "orders", "aov", "margin", "currency"]),
    ("Tracking loss today", ["consent", "adblock", "safari"]),
    ("What CAPI changes", ["setup", "cpa_gain", "mode"]),
    ("Costs and horizon", ["setup_cost", "monthly_cost", "months"]),
]
ADVANCED_GROUPS = [
    ("More tracking loss", ["att", "itp", "connectivity"]),
    ("Matching and measurement", ["match_before", "match_after", "acr", "lift_slope"]),
    ("Timing and money", ["ramp", "discount"]),
    ("Holdout test", ["holdout_weeks", "holdout_share"]),
]

# Why each default is what it is, and where it comes from.
SOURCES = {
    "consent": "Default 0%, for stores outside the EU. The EU preset uses 40%: a 2026 consent "
    "benchmark (JustRelate) saw 52% of EU sessions refuse statistics tracking.",
    "adblock": "Default 8%. Surveys put blocker use near 30% (eyeo 2023; GWI 2024), but most "
    "default lists block the Pixel weakly (Wills & Uzunoglu, 2016).",
    "safari": "Default 30%. StatCounter: Safari is about 22% of US desktop and 25% of global "
    "mobile page views.",
    "att": "Default 5%. ATT opt-in rates differ by denominator (Flurry 2021, AppsFlyer 2022), "
    "and Meta models part of the loss itself (AEM).",
    "itp": "Default 20%. WebKit caps script-set cookies at 7 days (ITP 2.1) and at 24 hours "
    "after a decorated link such as fbclid (ITP 2.2).",
    "connectivity": "Default 2%: Pixel events lost to slow pages and failed requests.",
    "match_before": "Default 85%: with 92% after, the signal gain lands at Meta's own ACR "
    "medians (23–39%). Vendors claim 50–65% for the Pixel alone and 80–90% with CAPI "
    "(unaudited): 60% → 80% would mean 53% more reported purchases, above Meta's medians.",
    "match_after": "Default 92%, with hashed email, phone, external_id, fbp and fbc sent "
    "from the server.",
    "acr": "Meta's Events Manager shows it for a running CAPI setup; example medians are "
    "23.3% (Search) and 39.1% (Purchase). Leave empty to estimate.",
    "ramp": "Default 1 month: the lift reaches full strength in month 2.",
    "discount": "Default 10% a year, for the NPV.",
    "holdout_weeks": "Default 8 weeks, about two months: long enough to even out weekly "
    "swings, short enough to wait for.",
    "holdout_share": "Default 50%: an even split needs the fewest weeks.",
    "cpa_gain": "Empty by default: estimated from the signal. Meta reports 13% better cost "
    "per result for Pixel + CAPI, self-selected and measured on reported results: an upper "
    "bound.",
    "lift_slope": "Default 20. Meta's 13% better cost per result sits beside a median 39% "
    "more purchase events, a slope of about 33; those advertisers chose CAPI themselves, so "
    "the default takes a bit over half of it. The estimate is capped at 25%.",
}

# Version 1 has no estimate: an old link's page words its lift field as it did.
V1_CPA_GAIN = (
    "How much cheaper each real purchase becomes. Meta's 13% is an upper bound; confirm "
    "it with a holdout test.",
    "Default 5%. Meta reports 13% better cost per result for Pixel + CAPI, self-selected "
    "and measured on reported results: an upper bound.",
)

UNITS = {"money": None, "%": "%", "count": "purchases", "months": "months"}

PRESETS = [
    (
        "US store, Shopify's native CAPI",
        {
            "spend": 15000,
            "conversions": 350,
            "aov": 75,
            "safari": 35,
            "setup_cost": 250,
            "monthly_cost": 0,
            "match_after": 90,
        },
    ),
    (
        "EU store behind a consent banner",
        {
            "spend": 12000,
            "conversions": 260,
            "aov": 70,
            "currency": "EUR",
            "consent": 40,
            "safari": 28,
        },
    ),
    (
        "Server-side GTM relay",
        {"setup": "relay", "setup_cost": 2500, "monthly_cost": 80, "match_after": 90},
    ),
    (
        "High-spend DTC brand",
        {
            "spend": 250000,
            "conversions": 3500,
            "aov": 110,
            "margin": 45,
            "safari": 40,
            "setup_cost": 15000,
            "monthly_cost": 1500,
        },
    ),
]


@dataclass(frozen=True)
class FieldView:
    """One form field, with everything its template needs worked out once."""

    name: str
    id: str
    label: str
    unit: str
    value: str
    hint: str
    source: str
    errors: list[str]
    choices: list[tuple[str, str]]

    def html(self) -> SafeString:
        """The field's markup: label with unit, input, hint with source, message.

        Built here rather than in a template because the page has 22 fields
        and the template engine spent a third of the page's render time on
        them. format_html escapes every value, the visitor's text included.
        """
        invalid = mark_safe(' aria-invalid="true"') if self.errors else ""
        described = f"{self.name}-hint {self.name}-error"
        if self.choices:
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (key, mark_safe(" selected") if key == self.value else "", text)
                    for key, text in self.choices
                ),
            )
            control = format_html(
                '<select id="{}" name="{}" aria-describedby="{}"{}>{}</select>',
                self.id,
                self.name,
                described,
                invalid,
                options,
            )
        else:
            control = format_html(
                '<input id="{}" name="{}" type="text" inputmode="decimal" autocomplete="off" '
                'spellcheck="false" value="{}" aria-describedby="{}"{}>',
                self.id,
                self.name,
                self.value,
                described,
                invalid,
            )
        unit = format_html(' <span class="field__unit">({})</span>', self.unit) if self.unit else ""
        source = (
            format_html(' <span class="field__source">{}</span>', self.source)
            if self.source
            else ""
        )
        return format_html(
            '<div class="field{}">\n<label class="field__label" for="{}">{}{}</label>\n{}\n'
            '<p class="field__hint" id="{}-hint">{}{}</p>\n'
            '<p class="field__error" id="{}-error">{}</p>\n</div>',
            " field--error" if self.errors else "",
            self.id,
            self.label,
            unit,
            control,
            self.name,
            self.hint,
            source,
            self.name,
            " ".join(self.errors),
        )


def field_views(form, names: list[str], currency: str) -> list[FieldView]:
    """Plain values for the field template: the form page renders 22 of them, and
    resolving bound-field attributes in the template costs more than the rest of it.

    Only the inputs the form's model version reads: an old link's page does not
    offer fields its version would ignore."""
    views = []
    keys = form.model_keys
    for name in names:
        if name not in keys:
            continue
        bound = form[name]
        field = bound.field
        unit = getattr(field, "unit", "")
        unit_text = {"%": "%", "money": currency, "months": "months", "weeks": "weeks"}.get(
            unit, ""
        )
        hint = " ".join(
            part
            for part in (
                field.help_text,
                f"Allowed: {field.range_text}." if hasattr(field, "range_text") else "",
            )
            if part
        )
        value = bound.value()
        source = SOURCES.get(name, "")
        if name == "cpa_gain" and "lift_slope" not in keys:
            help_text, source = V1_CPA_GAIN
            hint = f"{help_text} Allowed: {field.range_text}."
        views.append(
            FieldView(
                name=name,
                id=bound.id_for_label,
                label=str(bound.label),
                unit=unit_text,
                value="" if value is None else str(value),
                hint=hint,
                source=source,
                errors=list(bound.errors),
                choices=list(getattr(field, "choices", [])),
            )
        )
    return views


def preset_links() -> list[tuple[str, str]]:
    """(label, query string) for each preset; a preset is only a link."""
    return [(label, urlencode(values)) for label, values in PRESETS]


@dataclass(frozen=True)
class Headline:
    breakeven: float | None  # fraction, the CPA gain at which net = 0
    expected: float  # fraction, the lift the figures assume (entered or estimated)
    verdict: str  # "clears", "short", "none"


def headline(report: roi.Report) -> Headline:
    be = report.results.breakeven_cpa_gain
    expected = report.cpa_gain
    if be is None:
        verdict = "none"
    elif expected >= be:
        verdict = "clears"
    else:
        verdict = "short"
    return Headline(be, expected, verdict)


def _raw(value: float | int | None) -> str:
    """A number as data for scripts: full precision, '' for none."""
    return "" if value is None else repr(float(value))


def figures(report: roi.Report) -> dict[str, str]:
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


def results_context(report: roi.Report) -> dict[str, object]:
    """Everything the results partial shows beyond the report itself."""
    currency = report.inputs.currency
    rows = charts.loss_rows(report)
    return {
        **explain.context(report),
        "headline": headline(report),
        "figures": figures(report),
        "loss_rows": rows,
        "lost_total": sum(row.lost for row in rows),
        "recoverable_total": sum(row.recoverable for row in rows),
        "losses_chart": mark_safe(
            charts.losses_chart(rows).svg(
                "losses", "Lost purchases by cause, recoverable and not recoverable"
            )
        ),
        "cashflow_chart": mark_safe(
            charts.cashflow_chart(report.results, currency).svg(
                "cash", "Cumulative cash flow by month"
            )
        ),
        "cash_rows": list(
            zip(
                range(len(report.results.cash_flows)),
                report.results.cash_flows,
                report.results.cumulative,
                strict=True,
            )
        ),
        "tornado_chart": mark_safe(
            charts.tornado_chart(report, currency).svg(
                "tornado", "Sensitivity of net profit to each uncertain input"
            )
        ),
    }
