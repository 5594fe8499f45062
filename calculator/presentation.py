"""How the page arranges the form and words the results.

The numbers all come from the model and their words from ``summary``; this
module only groups fields, names presets and hands the templates what they
place.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlencode

from django.utils import translation
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import charts, formatting, roi
from .forms import COSTS
from .integrations import INTEGRATIONS, typical_cost
from .summary import Summary, figures_message, summarise

# Common fields up front, in the order a marketer thinks of them.
GROUPS = [
    (
        gettext_lazy("Your business"),
        ["spend", "conversions", "orders", "aov", "margin", "currency"],
    ),
    (gettext_lazy("Tracking loss today"), ["consent", "adblock", "safari"]),
    (gettext_lazy("What CAPI changes"), ["integration", "cpa_gain", "mode"]),
    (gettext_lazy("Costs and horizon"), ["setup_cost", "monthly_cost", "months"]),
]
ADVANCED_GROUPS = [
    (gettext_lazy("More tracking loss"), ["att", "itp", "connectivity"]),
    (
        gettext_lazy("Matching and measurement"),
        ["match_before", "match_after", "acr", "lift_slope"],
    ),
    (gettext_lazy("Timing and money"), ["ramp", "discount"]),
    (gettext_lazy("Holdout test"), ["holdout_weeks", "holdout_share"]),
]

# Why each default is what it is, and where it comes from.
SOURCES = {
    # xgettext:no-python-format
    "consent": gettext_lazy(
        "Default 0%, for stores outside the EU. The EU preset uses 40%: a 2026 consent "
        "benchmark (JustRelate) saw 52% of EU sessions refuse statistics tracking."
    ),
    # xgettext:no-python-format
    "adblock": gettext_lazy(
        "Default 8%. Surveys put blocker use near 30% (eyeo 2023; GWI 2024), but most "
        "default lists block the Pixel weakly (Wills & Uzunoglu, 2016)."
    ),
    # xgettext:no-python-format
    "safari": gettext_lazy(
        "Default 30%. StatCounter: Safari is about 22% of US desktop and 25% of global "
        "mobile page views."
    ),
    # xgettext:no-python-format
    "att": gettext_lazy(
        "Default 5%. ATT opt-in rates differ by denominator (Flurry 2021, AppsFlyer 2022), "
        "and Meta models part of the loss itself (AEM)."
    ),
    # xgettext:no-python-format
    "itp": gettext_lazy(
        "Default 20%. WebKit caps script-set cookies at 7 days (ITP 2.1) and at 24 hours "
        "after a decorated link such as fbclid (ITP 2.2)."
    ),
    # xgettext:no-python-format
    "connectivity": gettext_lazy(
        "Default 2%: Pixel events lost to slow pages and failed requests."
    ),
    # xgettext:no-python-format
    "match_before": gettext_lazy(
        "Default 85%: with 92% after, the signal gain lands at Meta's own ACR "
        "medians (23–39%). Vendors claim 50–65% for the Pixel alone and 80–90% with CAPI "
        "(unaudited): 60% → 80% would mean 53% more reported purchases, above Meta's medians."
    ),
    # xgettext:no-python-format
    "match_after": gettext_lazy(
        "Default 92%, with hashed email, phone, external_id, fbp and fbc sent from the server."
    ),
    # xgettext:no-python-format
    "acr": gettext_lazy(
        "Meta's Events Manager shows it for a running CAPI setup; example medians are "
        "23.3% (Search) and 39.1% (Purchase). Leave empty to estimate."
    ),
    # xgettext:no-python-format
    "ramp": gettext_lazy("Default 1 month: the lift reaches full strength in month 2."),
    # xgettext:no-python-format
    "discount": gettext_lazy("Default 10% a year, for the NPV."),
    # xgettext:no-python-format
    "holdout_weeks": gettext_lazy(
        "Default 8 weeks, about two months: long enough to even out weekly "
        "swings, short enough to wait for."
    ),
    # xgettext:no-python-format
    "holdout_share": gettext_lazy("Default 50%: an even split needs the fewest weeks."),
    # xgettext:no-python-format
    "cpa_gain": gettext_lazy(
        "Empty by default: estimated from the signal. Meta reports 13% better cost "
        "per result for Pixel + CAPI, self-selected and measured on reported results: an upper "
        "bound."
    ),
    # xgettext:no-python-format
    "lift_slope": gettext_lazy(
        "Default 20. Meta's 13% better cost per result sits beside a median 39% "
        "more purchase events, a slope of about 33; those advertisers chose CAPI themselves, "
        "so the default takes a bit over half of it. The estimate is capped at 25%."
    ),
}

# Version 1 has no estimate: an old link's page words its lift field as it did.
V1_CPA_GAIN = (
    gettext_lazy(
        # xgettext:no-python-format
        "How much cheaper each real purchase becomes. Meta's 13% is an upper bound; confirm "
        "it with a holdout test."
    ),
    gettext_lazy(
        # xgettext:no-python-format
        "Default 5%. Meta reports 13% better cost per result for Pixel + CAPI, self-selected "
        "and measured on reported results: an upper bound."
    ),
)


PRESETS = [
    (
        gettext_lazy("US store, Shopify's native CAPI"),
        {
            "spend": 15000,
            "conversions": 350,
            "aov": 75,
            "safari": 35,
            "integration": "shopify",
            "match_after": 90,
        },
    ),
    (
        gettext_lazy("EU store behind a consent banner"),
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
        gettext_lazy("Server-side GTM relay"),
        {"integration": "sgtm_hosted", "match_after": 90},
    ),
    (
        gettext_lazy("High-spend DTC brand"),
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


# Field markup by everything it is made of (FieldView.html); a few thousand
# fields' markup is a few megabytes at most.
_FIELD_MARKUP: dict[tuple, SafeString] = {}
FIELD_MARKUP_KEPT = 4096


_LAST_SUMMARY = threading.local()


def summary_of(report: roi.Report) -> Summary:
    """``summarise(report)``, remembered per thread for its last report (by
    identity) and language: a page reads one report's summary for its
    results and again for its share tags, and each one formats some hundred
    figures."""
    last, language = _LAST_SUMMARY, translation.get_language()
    if getattr(last, "report", None) is not report or last.language != language:
        last.summary = summarise(report)
        last.report, last.language = report, language
    return last.summary


NUMBER_INPUT = (
    ("type", "text"),
    ("inputmode", "decimal"),
    ("autocomplete", "off"),
    ("spellcheck", "false"),
)


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
    placeholder: str = ""
    # Per choice, data attributes for the page's script: an integration's typical costs.
    option_data: dict[str, dict[str, str]] = field(default_factory=dict)
    # The start of the hint's and message's ids, where a page has two forms
    # with the same field names (the builder's "b-spend"); else the name.
    slot: str = ""
    # A text input's attributes besides its id, name and value: a number's
    # unless given (the lead form's email address has its own).
    input_attrs: tuple[tuple[str, str], ...] = NUMBER_INPUT

    def html(self) -> SafeString:
        """The field's markup, made once for each distinct field and kept: a
        new result changes one or two of the page's 22 fields, so the others'
        markup is the same as on the last page. The key is every attribute
        the markup is made of (the translated words among them) and the
        active language."""
        key = self._identity()
        markup = _FIELD_MARKUP.get(key)
        if markup is None:
            markup = self.markup()
            if len(_FIELD_MARKUP) >= FIELD_MARKUP_KEPT:  # bounded: start afresh
                _FIELD_MARKUP.clear()
            _FIELD_MARKUP[key] = markup
        return markup

    def _identity(self) -> tuple:
        return (
            translation.get_language(),
            self.name,
            self.id,
            self.label,
            self.unit,
            self.value,
            self.hint,
            self.source,
            tuple(self.errors),
            tuple(self.choices),
            self.placeholder,
            tuple((key, tuple(data.items())) for key, data in self.option_data.items()),
            self.slot,
            self.input_attrs,
        )

    def error_html(self, swap: bool = False) -> SafeString:
        """The field's message slot; ``swap`` marks it for htmx to replace the
        page's own out of band, when a new result arrives."""
        return format_html(
            '<p class="field__error" id="{}-error"{}>{}</p>',
            self.slot or self.name,
            mark_safe(' data-hx-swap-oob="true"') if swap else "",
            " ".join(self.errors),
        )

    def markup(self) -> SafeString:
        """The field's markup: label with unit, input, hint with source, message.

        Made afresh: ``html()`` keeps it instead, except for the lead form,
        whose values are a visitor's address and name.

        Built here rather than in a template because the page has 22 fields
        and the template engine spent a third of the page's render time on
        them. format_html escapes every value, the visitor's text included.
        """
        invalid = mark_safe(' aria-invalid="true"') if self.errors else ""
        slot = self.slot or self.name
        described = f"{slot}-hint {slot}-error"
        if self.choices:
            options = format_html_join(
                "",
                '<option value="{}"{}{}>{}</option>',
                (
                    (
                        key,
                        mark_safe(" selected") if key == self.value else "",
                        format_html_join(
                            "", ' data-{}="{}"', self.option_data.get(key, {}).items()
                        ),
                        text,
                    )
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
            placeholder = (
                format_html(' placeholder="{}"', self.placeholder) if self.placeholder else ""
            )
            control = format_html(
                '<input id="{}" name="{}"{} value="{}"{} aria-describedby="{}"{}>',
                self.id,
                self.name,
                format_html_join("", ' {}="{}"', self.input_attrs),
                self.value,
                placeholder,
                described,
                invalid,
            )
        unit = format_html(' <span class="field__unit">({})</span>', self.unit) if self.unit else ""
        source = (
            format_html(' <span class="field__source" id="{}-source">{}</span>', slot, self.source)
            if self.source
            else ""
        )
        return format_html(
            '<div class="field{}">\n<label class="field__label" for="{}">{}{}</label>\n{}\n'
            '<p class="field__hint" id="{}-hint">{}{}</p>\n{}\n</div>',
            " field--error" if self.errors else "",
            self.id,
            self.label,
            unit,
            control,
            slot,
            self.hint,
            source,
            self.error_html(),
        )


def chosen_integration(form) -> str:
    """The integration the form shows: the chosen one, or for a link made before
    the question was asked, the one that matches its setup."""
    data = getattr(form, "cleaned_data", {})
    if data.get("integration"):
        return data["integration"]
    raw = form["integration"].value()
    if isinstance(raw, str) and raw in INTEGRATIONS:
        return raw
    return "sgtm_self" if data.get("setup") == "relay" else "custom"


def typical_text(value: float) -> str:
    """A typical cost as a placeholder and hint show it: plain digits on English
    pages ('1500'), the language's grouping elsewhere ('1.500', '1 500'), which
    that page's form reads back as the same amount."""
    if formatting.active_locale() is None:
        return roi.format_number(value)
    return formatting.number(value, 0 if float(value).is_integer() else 2)


def _cost_source(integration: str, name: str, currency: str) -> str:
    item = INTEGRATIONS[integration]
    typical = typical_cost(integration, name)
    amount = typical_text(typical)
    return _("Typical for %(integration)s: %(amount)s %(currency)s. %(source)s") % {
        "integration": item.short,
        "amount": amount,
        "currency": currency,
        "source": item.source,
    }


def _typed_value(form, name: str, integration: str | None) -> str:
    """A cost field's text: empty (showing the typical cost as its placeholder)
    when the cost is the integration's typical one, so that choosing another
    integration fills in that one's; what the visitor typed otherwise."""
    value = form[name].value()
    data = getattr(form, "cleaned_data", {})
    if name in form.errors or value in (None, ""):
        return "" if value is None else str(value)
    if integration and data.get(name) == typical_cost(integration, name):
        return ""
    return str(value)


@dataclass(frozen=True)
class FieldWords:
    """What a field shows that depends on the page's language only."""

    label: str
    hint: str
    choices: tuple[tuple[str, str], ...]
    option_data: dict[str, dict[str, str]]


def _field_words(form, name: str) -> FieldWords:
    field_ = form.fields[name]
    # The typing (how the language writes numbers) words the allowed range.
    key = (type(form), name, translation.get_language(), getattr(field_, "typing", None))
    words = _FIELD_WORDS.get(key)
    if words is None:
        words = _worded(form[name])
        _FIELD_WORDS[key] = words  # bounded: fields × languages × typings
    return words


def _worded(bound) -> FieldWords:
    """A field's label, hint, choices and choice data, worded in the active language:
    the same on every page in that language, so they are worded once and kept."""
    field_ = bound.field
    hint = " ".join(
        str(part)
        for part in (
            field_.help_text,
            _("Allowed: %(range)s.") % {"range": field_.range_text}
            if hasattr(field_, "range_text")
            else "",
        )
        if part
    )
    option_data: dict[str, dict[str, str]] = {}
    if bound.name == "integration":
        option_data = {
            key: {
                "setup-cost": typical_text(item.setup_cost),
                "monthly-cost": typical_text(item.monthly_cost),
                "short": str(item.short),
            }
            for key, item in INTEGRATIONS.items()
        }
    return FieldWords(
        label=str(bound.label),
        hint=hint,
        choices=tuple((key, str(text)) for key, text in getattr(field_, "choices", [])),
        option_data=option_data,
    )


_FIELD_WORDS: dict[tuple, FieldWords] = {}


def unit_text(unit: str | None, currency: str) -> str:
    """A field's unit as its label (and the CSV's row label) shows it: '%', the
    currency or the time word; a count needs none."""
    if unit == "money":
        return currency
    if unit == "months":
        return _("months")
    if unit == "weeks":
        return _("weeks")
    return unit if unit == "%" else ""


def field_views(form, names: list[str], currency: str) -> list[FieldView]:
    """Plain values for the field template: the form page renders 22 of them, and
    resolving bound-field attributes in the template costs more than the rest of it.

    Only the inputs the form's model version reads: an old link's page does not
    offer fields its version would ignore."""
    views = []
    integration = chosen_integration(form)
    explicit = bool(getattr(form, "cleaned_data", {}).get("integration"))
    keys = form.model_keys
    for name in names:
        if name == "integration" and name not in keys:
            name = "setup"  # a version 1 link: the setup as it was chosen then
        if name not in keys:
            continue
        bound = form[name]
        field_ = bound.field
        unit = getattr(field_, "unit", "")
        unit_words = unit_text(unit, currency)
        words = _field_words(form, name)
        hint = words.hint
        value = bound.value()
        text = "" if value is None else str(value)
        source = str(SOURCES.get(name, ""))
        placeholder = ""
        option_data: dict[str, dict[str, str]] = {}
        if name in COSTS:
            text = _typed_value(form, name, integration if explicit else None)
            placeholder = typical_text(typical_cost(integration, name))
            source = _cost_source(integration, name, currency)
        elif name == "integration":
            text = integration
            option_data = words.option_data
        if name == "cpa_gain" and "lift_slope" not in keys:
            help_text, source = (str(text) for text in V1_CPA_GAIN)
            hint = _("%(help)s Allowed: %(range)s.") % {
                "help": help_text,
                "range": field_.range_text,
            }
        views.append(
            FieldView(
                name=name,
                id=bound.id_for_label,
                label=words.label,
                unit=unit_words,
                value=text,
                hint=hint,
                source=source,
                errors=list(bound.errors),
                choices=list(words.choices),
                placeholder=placeholder,
                option_data=option_data,
            )
        )
    return views


@dataclass(frozen=True)
class CauseRecovery:
    label: str
    backend: float
    relay: float


def recovery_by_cause() -> dict[str, CauseRecovery]:
    """Each loss cause by its name, with the share of it CAPI recovers from a
    backend and from a relay, as the current model version reckons."""
    table = roi.recovery_rates()
    return {
        cause: CauseRecovery(
            str(charts.CAUSE_LABELS[cause]),
            getattr(table["backend"], cause),
            getattr(table["relay"], cause),
        )
        for cause in roi.CAUSES
    }


def swapped_messages(groups: list[tuple[str, list[FieldView]]]) -> SafeString:
    """The message slot of every field in ``groups``, for htmx to swap into
    the form out of band."""
    return mark_safe("\n".join(view.error_html(swap=True) for _, views in groups for view in views))


def changed_from_defaults(form, names: list[str]) -> int:
    """How many of ``names`` the visitor set away from their defaults (or got wrong)."""
    data = getattr(form, "cleaned_data", {})
    changed = 0
    for name in names:
        differs = name in data and data[name] != getattr(roi.DEFAULTS, name)
        if name in form.errors or differs:
            changed += 1
    return changed


# A preset's query is the same in every language: encoded once.
_PRESET_QUERIES = [(label, urlencode(values)) for label, values in PRESETS]


def preset_links() -> list[tuple[str, str]]:
    """(label, query string) for each preset; a preset is only a link."""
    return [(str(label), query) for label, query in _PRESET_QUERIES]


def live_line(summary: Summary) -> str:
    """The one-line result kept in view beside the form while it is edited."""
    roi_, net = summary.get("roi"), summary.get("net")
    if summary.verdict == "free":
        return _("Costs nothing: any lower CPA is profit. %(label)s: %(value)s") % {
            "label": net.label,
            "value": net.value,
        }
    if summary.verdict == "none":
        return _("Cannot pay for itself. %(label)s: %(value)s") % {
            "label": roi_.label,
            "value": roi_.value,
        }
    values = {"breakeven": summary.figure, "lift": summary.expected, "roi": roi_.value}
    ours = summary.expecting == "signal"
    if summary.verdict == "clears":
        if ours:
            return _("Pays: break-even %(breakeven)s, we estimate %(lift)s. ROI %(roi)s") % values
        return _("Pays: break-even %(breakeven)s, you expect %(lift)s. ROI %(roi)s") % values
    if ours:
        return (
            _("Falls short: break-even %(breakeven)s, we estimate %(lift)s. ROI %(roi)s") % values
        )
    return _("Falls short: break-even %(breakeven)s, you expect %(lift)s. ROI %(roi)s") % values


# The three data tables under the charts are the page's longest loops (a row
# per month, up to 60): written here in one pass, they cost a fraction of the
# template engine's per-variable work. Each cell is written as the template
# wrote it: localised by the page's language, then escaped (html.escape is
# what Django's escape calls, without its lazy-string wrapper on every cell).


def _table_rows(rows) -> SafeString:
    """<tr>s of a data table; each row's first cell is its header."""
    return mark_safe(
        "".join(
            '<tr><th scope="row">'
            + escape(str(head))
            + "</th>"
            + "".join("<td>" + escape(cell) + "</td>" for cell in cells)
            + "</tr>"
            for head, *cells in rows
        )
    )


def loss_table_rows(rows) -> SafeString:
    """The rows of the lost-purchases table."""
    return _table_rows(
        (
            row.label,
            formatting.number(row.lost, 1),
            formatting.percent(row.rate, 0),
            formatting.number(row.recoverable, 1),
        )
        for row in rows
    )


def cashflow_table_rows(report: roi.Report) -> SafeString:
    """The rows of the monthly cash-flow table."""
    currency = report.inputs.currency
    return _table_rows(
        (
            localize(m.month),
            formatting.money(m.cash_flow, currency, cents=False),
            formatting.money(m.cumulative, currency, cents=False),
        )
        for m in report.months
    )


def _swing_end(swing, value: float | None) -> str:
    # The recovery swing is a factor (×0.5); the others are percentages.
    if swing.input == "recovery":
        return "×" + localize(value)
    return "—" if value is None else formatting.rate(value)


def sensitivity_table_rows(named_swings, currency: str) -> SafeString:
    """The rows of the sensitivity table: (name, swing) pairs."""
    return _table_rows(
        (
            name,
            _swing_end(swing, swing.low_value),
            _swing_end(swing, swing.high_value),
            formatting.money(swing.net_low, currency, cents=False),
            formatting.money(swing.net_high, currency, cents=False),
        )
        for name, swing in named_swings
    )


def results_context(report: roi.Report) -> dict[str, object]:
    """Everything the results partials show: the summary, the charts and tables."""
    currency = report.inputs.currency
    rows = charts.loss_rows(report)
    summary = summary_of(report)
    # The model's swings with their names in the page's language.
    named_swings = [(charts.sensitivity_label(swing), swing) for swing in report.sensitivity]
    return {
        "summary": summary,
        "live_line": live_line(summary),
        "figures": json.dumps(figures_message(report), allow_nan=False),
        "loss_table": loss_table_rows(rows),
        "cashflow_table": cashflow_table_rows(report),
        "sensitivity_table": sensitivity_table_rows(named_swings, currency),
        "lost_total": sum(row.lost for row in rows),
        "recoverable_total": sum(row.recoverable for row in rows),
        "losses_chart": mark_safe(
            charts.losses_chart(rows).svg(
                "losses", _("Lost purchases by cause, recoverable and not recoverable")
            )
        ),
        "cashflow_chart": mark_safe(
            charts.cashflow_chart(report.results, currency).svg(
                "cash", _("Cumulative cash flow by month")
            )
        ),
        "tornado_chart": mark_safe(
            charts.tornado_chart(report, currency).svg(
                "tornado", _("Sensitivity of net profit to each uncertain input")
            )
        ),
    }
