"""What a result looks like when it is shared: its link, title, card and share links.

A result's identity is its canonical query: every input in a fixed order plus
the model version. The page, the card image and the short links all key on
it, so the same inputs always give the same link, the same card and the same
short code, and a link keeps the numbers of the model version it names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from django.http import HttpRequest
from django.urls import reverse

from . import formatting, roi
from .forms import CalculatorForm

PRODUCT = "CAPI ROI calculator"
CARD_WIDTH, CARD_HEIGHT = 1200, 630

GENERIC_TITLE = f"Does Meta's Conversions API pay? | {PRODUCT}"
GENERIC_DESCRIPTION = (
    "An honest ROI calculator for Meta's Conversions API: measurement recovery "
    "kept apart from real performance lift, with ranges."
)
GENERIC_IMAGE_ALT = f"{PRODUCT}: does Meta's Conversions API pay for you?"

# The card's font (Pillow's bundled Aileron) has no €, £ or ¥ glyphs, so the
# card writes those currencies as their code rather than as a missing glyph.
# Everything else uses the page's symbols (formatting.CURRENCY_SYMBOLS).
PLAIN_SYMBOLS = {"USD": "$", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$"}


SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"))


def _grouped(number: float, compact: bool) -> str:
    """12345.6 becomes '12,346'; with ``compact``, 58448814064 becomes '58.4B'.

    The card has room for a few characters only, so it shortens millions and up.
    """
    if compact:
        # Compare after rounding, so 999.96M reads '1.0B', not '1,000M'.
        for scale, suffix in SCALES:
            # Millions start at a million: '999,999' fits the card and is exact.
            if number >= scale or (scale > SCALES[-1][0] and round(number / scale, 1) >= 1):
                shortened = number / scale
                text = f"{shortened:,.0f}" if round(shortened, 1) >= 100 else f"{shortened:.1f}"
                return f"{text}{suffix}"
    return f"{round(number):,}"


def format_money(
    value: float,
    currency: str,
    *,
    signed: bool = False,
    plain: bool = False,
    compact: bool = False,
) -> str:
    """A whole amount with its currency: 984.4 USD becomes '$984', 12345 EUR '€12,345'.

    ``signed`` adds '+' before a gain; ``plain`` avoids the symbols the card's
    font cannot draw ('EUR 12,345'); ``compact`` shortens millions ('$1.5M').
    """
    amount = round(value)
    sign = "-" if amount < 0 else ("+" if signed and amount > 0 else "")
    digits = _grouped(abs(amount), compact)
    if plain:
        before, after = PLAIN_SYMBOLS.get(currency, f"{currency} "), ""
    else:
        before, after = formatting.CURRENCY_SYMBOLS.get(currency, ("", f" {currency}"))
    return f"{sign}{before}{digits}{after}"


def format_percent(fraction: float | None, *, compact: bool = False) -> str:
    """A ratio as the page shows it: 0.0124 becomes '1.24%', 3.19 '319%'.

    ``compact`` shortens the thousands a card has no room for ('12.3K%'
    would read badly, so only from 1,000%: '1,038%' stays). An ASCII minus,
    which every font draws.
    """
    if fraction is None:
        return "n/a"
    size = abs(fraction * 100)
    if compact and size >= 1e6:
        return ("-" if fraction < 0 else "") + _grouped(size, compact) + "%"
    return formatting.percent(fraction).replace(formatting.MINUS, "-")


def breakeven_sentence(report: roi.Report) -> str:
    """The lead figure in words a marketer can judge."""
    gain = report.results.breakeven_cpa_gain
    if gain is None:
        return "No realistic fall in the true cost per purchase makes CAPI pay at these figures"
    if gain == 0:
        return "CAPI costs nothing here, so any fall in the true cost per purchase is profit"
    return (
        f"CAPI pays for itself if it lowers your true cost per purchase by {format_percent(gain)}"
    )


def payback_text(report: roi.Report) -> str:
    month = report.results.payback_month
    if month is None:
        return f"No payback within {report.inputs.months} months"
    return f"Pays back in month {month}"


def roi_text(report: roi.Report, *, dash: str = "–") -> str:
    """'319% ROI over 12 months (P10–P90: 45%–590%)'."""
    results, band = report.results, report.uncertainty.roi
    if results.roi is None:
        return "no cost, so no ROI"
    text = f"{format_percent(results.roi)} ROI over {report.inputs.months} months"
    if band.p10 is not None and band.p90 is not None:
        low, high = format_percent(band.p10), format_percent(band.p90)
        text += f" (P10{dash}P90: {low} to {high})"
    return text


def result_description(report: roi.Report) -> str:
    """The card's description: break-even, monthly profit gain, ROI, payback."""
    currency = report.inputs.currency
    monthly = format_money(report.results.monthly_benefit, currency, signed=True)
    after_costs = format_money(report.results.net_monthly, currency, signed=True)
    return (
        f"{breakeven_sentence(report)}. "
        f"At a {format_percent(report.cpa_gain)} improvement: {monthly} "
        f"profit a month ({after_costs} after running costs), {roi_text(report)}. "
        f"{payback_text(report)}."
    )


def result_title(report: roi.Report) -> str:
    gain = report.results.breakeven_cpa_gain
    if gain is None or gain == 0:
        return f"{breakeven_sentence(report)} | {PRODUCT}"
    return f"CAPI pays for itself at a {format_percent(gain)} lower true CPA | {PRODUCT}"


def share_links(url: str, title: str) -> dict[str, str]:
    """Plain links that open each network's share dialog; no script needed."""
    return {
        "linkedin": "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
        "x": "https://x.com/intent/post?" + urlencode({"text": title, "url": url}),
        # mailto wants %20, not '+', for spaces (RFC 6068).
        "email": "mailto:?"
        + urlencode({"subject": title, "body": f"{title}\n\n{url}"}, quote_via=quote),
    }


def names_inputs(query: Mapping[str, Any]) -> bool:
    """Whether a query sets any input or the version, so it shows a specific result.

    ``/?utm_source=x`` or ``/?fbclid=...`` is the bare page shared, not a result.
    """
    return any(key in query for key in (*roi.INPUT_KEYS, "v"))


def share_context(
    request: HttpRequest,
    form: CalculatorForm,
    report: roi.Report | None,
    query: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The `share` template variable: the title, description, card and links of a page.

    The bare page and an invalid query get the generic card; a valid query
    that sets inputs gets the card of its result. ``query`` defaults to the
    request's own; a short link passes its stored one.
    """
    query = request.GET if query is None else query
    home = request.build_absolute_uri(reverse("calculator"))
    context: dict[str, Any] = {
        "product": PRODUCT,
        "is_result": False,
        "title": GENERIC_TITLE,
        "description": GENERIC_DESCRIPTION,
        "canonical_url": home,
        "page_url": home,
        "query": "",
        "image_url": request.build_absolute_uri(reverse("card")),
        "image_alt": GENERIC_IMAGE_ALT,
        "image_width": CARD_WIDTH,
        "image_height": CARD_HEIGHT,
        "short_api": request.build_absolute_uri(reverse("api-links")),
    }
    if report is not None and names_inputs(query):
        canonical = form.canonical_query()
        description = result_description(report)
        context.update(
            is_result=True,
            title=result_title(report),
            description=description,
            page_url=f"{home}?{canonical}",
            query=canonical,
            image_url=request.build_absolute_uri(f"{reverse('card')}?{canonical}"),
            image_alt=f"{PRODUCT} result: {description}",
        )
    context["links"] = share_links(context["page_url"], context["title"])
    # oEmbed discovery: a CMS given this page's link asks there for the embed.
    context["oembed_url"] = (
        request.build_absolute_uri(reverse("oembed"))
        + "?"
        + urlencode({"url": context["page_url"], "format": "json"})
    )
    return context


def page_share(request: HttpRequest, name: str, title: str, description: str) -> dict[str, Any]:
    """The `share` variable of a page of the site other than a result: its own title,
    description and address, with the generic card (no oEmbed: it is not a result)."""
    url = request.build_absolute_uri(reverse(name))
    return {
        "product": PRODUCT,
        "title": title,
        "description": description,
        "canonical_url": url,
        "page_url": url,
        "image_url": request.build_absolute_uri(reverse("card")),
        "image_alt": GENERIC_IMAGE_ALT,
        "image_width": CARD_WIDTH,
        "image_height": CARD_HEIGHT,
    }
