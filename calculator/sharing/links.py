"""What a result looks like when it is shared: its link, title, card and share links.

A result's identity is its canonical query: every input in a fixed order plus
the model version. The page, the card image and the short links all key on
it, so the same inputs always give the same link, the same card and the same
short code, and a link keeps the numbers of the model version it names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from django.http import HttpRequest
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from calculator import model
from calculator.forms import FORM_KEYS, CalculatorForm
from calculator.summary import PRODUCT, Summary

CARD_WIDTH, CARD_HEIGHT = 1200, 630

GENERIC_TITLE = format_lazy("{} | {}", _("Does server-side tracking pay?"), PRODUCT)
GENERIC_DESCRIPTION = _(
    "An honest ROI calculator for Meta's Conversions API: measurement recovery "
    "kept apart from real performance lift, with ranges."
)
GENERIC_IMAGE_ALT = _("CAPI ROI calculator: does Meta's Conversions API pay for you?")


def result_title(summary: Summary) -> str:
    return f"{summary.title} | {PRODUCT}"


NETWORKS = ("linkedin", "x", "email")

# A host page: the page of another site that shows a profile's embed, as the
# loader (static/js/embed.js) reports it. Its links to a result open that page
# with the result's query, so an agency's visitors stay on the agency's site.
HOST_KEY = "host"
MAX_HOST = 500


def clean_host(url: str) -> str | None:
    """The host page as links use it (an absolute http(s) address without a
    fragment, user or password, or the result keys of a query it carried), or
    None for anything else."""
    if not url or len(url) > MAX_HOST or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", _own_pairs(parts.query), ""))


def _own_pairs(query: str) -> str:
    """The host page's own query, without any result key: those are the result's."""
    keys = {*FORM_KEYS, "v"}
    return urlencode([(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in keys])


def host_link(host: str, canonical: str) -> str:
    """The result of ``canonical`` on the host page: its own query first, then the result's."""
    joiner = "&" if urlsplit(host).query else "?"
    return f"{host}{joiner}{canonical}" if canonical else host


def hosted_query(canonical: str, host: str) -> str:
    """What a short link made on a host page stores: the result's canonical query
    and the host page, so that the link opens the result there."""
    return f"{canonical}&{urlencode({HOST_KEY: host})}"


def hosted_target(stored: str) -> str | None:
    """Where a short link's stored query sends its visitor: the host page with the
    result, for a link made on one; None for a link that opens on this site."""
    pairs = parse_qsl(stored, keep_blank_values=True)
    hosts = [value for key, value in pairs if key == HOST_KEY]
    if len(hosts) != 1 or clean_host(hosts[0]) is None:
        return None
    return host_link(clean_host(hosts[0]), urlencode([p for p in pairs if p[0] != HOST_KEY]))


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
    on_host = getattr(request, "on_host", None)
    if on_host is not None and summary is not None:
        _on_host(context, on_host, form.canonical_query(), summary)
    return context


@dataclass(frozen=True)
class OnHost:
    """A result shown in a profile's embed on a host page: the page, and where the
    embed makes the short links that open it. The embed sets it as
    ``request.on_host`` before it renders."""

    host: str
    short_api: str = ""  # empty: the API's, whose short links open this site


def _on_host(context: dict[str, Any], on_host: OnHost, canonical: str, summary: Summary) -> None:
    """Every link to the result opens it on the host page: the link to copy, the
    short link, and the networks' dialogs, opened with the host page's link
    straight away (a short link of ours would send the visitor here first)."""
    url = host_link(on_host.host, canonical)
    context["page_url"] = url
    if on_host.short_api:
        context["short_api"] = on_host.short_api
    context["links"] = share_links(url, result_title(summary))


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
