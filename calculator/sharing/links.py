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
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from calculator import model
from calculator.forms import CalculatorForm
from calculator.summary import PRODUCT, Summary

CARD_WIDTH, CARD_HEIGHT = 1200, 630

GENERIC_TITLE = format_lazy("{} | {}", _("Does Meta's Conversions API pay?"), PRODUCT)
GENERIC_DESCRIPTION = _(
    "An honest ROI calculator for Meta's Conversions API: measurement recovery "
    "kept apart from real performance lift, with ranges."
)
GENERIC_IMAGE_ALT = _("CAPI ROI calculator: does Meta's Conversions API pay for you?")


def result_title(summary: Summary) -> str:
    return f"{summary.title} | {PRODUCT}"


NETWORKS = ("linkedin", "x", "email")


def share_links(url: str, title: str) -> dict[str, str]:
    """The address of each network's share dialog for ``url``."""
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
    return any(key in query for key in (*model.INPUT_KEYS, "v"))


def share_context(
    request: HttpRequest,
    form: CalculatorForm,
    summary: Summary | None,
    query: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The `share` template variable: the title, description, card and links of a page.

    The bare page and an invalid query (``summary`` None) get the generic
    card; a valid query that sets inputs gets the card of its result, worded
    from its ``summary``. ``query`` defaults to the request's own; a short
    link passes its stored one.
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
    if summary is not None and names_inputs(query):
        canonical = form.canonical_query()
        description = summary.description
        context.update(
            is_result=True,
            title=result_title(summary),
            inputs_line=summary.inputs_line,
            description=description,
            # A result is its own page: search engines and shares name its link.
            canonical_url=f"{home}?{canonical}",
            page_url=f"{home}?{canonical}",
            query=canonical,
            image_url=request.build_absolute_uri(f"{reverse('card')}?{canonical}"),
            image_alt=gettext("CAPI ROI calculator result: %(description)s")
            % {"description": description},
        )
    if summary is not None:
        # Every result can be shared, the bare page's too: through /share/,
        # which makes the short link and opens the network's dialog with it.
        canonical = form.canonical_query()
        context["links"] = {
            network: f"{reverse('share', args=[network])}?{canonical}" for network in NETWORKS
        }
        context["result_query"] = canonical
        # The result's own address, which a printed report names.
        context["result_url"] = f"{home}?{canonical}"
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
