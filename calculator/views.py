"""Views: thin, they bind the form, ask the model, and render."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django_htmx.http import replace_url, reswap

from . import comparison, fields, model, results
from .forms import CalculatorForm
from .http.caching import cacheable
from .integrations import INTEGRATIONS
from .method import method_context
from .sharing import links
from .summary import summarise


def calculator_context(request: HttpRequest, query: Mapping[str, Any]) -> dict[str, Any]:
    """Form, report and everything the page shows for ``query``.

    The form reads numbers as the page's language types them ('30.000' is
    thirty thousand on a German page); its canonical query is the same in
    every language.
    """
    form = CalculatorForm(query, language=translation.get_language())
    report = model.report(form.inputs(), form.version) if form.is_valid() else None
    # Worded once: the results and the share tags both show it.
    summary = summarise(report) if report is not None else None
    currency = form.cleaned_data.get("currency") or model.DEFAULTS.currency
    share = links.share_context(request, form, summary, query)
    layout = fields.form_layout(form, currency)
    context: dict[str, Any] = {
        "form": form,
        "report": report,
        "share": share,
        "groups": layout.groups,
        "platform_groups": layout.platforms,
        "advanced_groups": layout.advanced,
        "advanced_open": bool(set(layout.advanced_names) & set(form.errors)),
        "carried": layout.carried,
        "advanced_changed": fields.changed_from_defaults(form, layout.advanced_names),
        # An htmx answer updates every shown field's message in the form.
        "swapped_fields": layout.every_field if request.htmx else [],
        "presets": fields.preset_links(),
        "hide": frozenset(),  # result sections to leave out; only the embed sets any
        # A link someone opens shows whose result it is until they change an input.
        "shared": share["is_result"] and not request.htmx,
    }
    if report is not None:
        context["query"] = form.canonical_query()
        if links.names_inputs(query):  # a result in other languages, as each reads it
            request.canonical_query = context["query"]
        context.update(results.results_context(report, summary))
        context["comparison"] = comparison.comparison(report, form)  # version 3 only
    return context


def render_calculator(
    request: HttpRequest,
    query: Mapping[str, Any],
    template: str = "calculator/page.html",
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The calculator for ``query``: the whole page, or for htmx only its results.

    An invalid htmx request swaps nothing but the field messages, so the last
    valid results stay on screen, marked as such. ``extra`` adds to the
    context (the embed's display options).
    """
    context = calculator_context(request, query)
    context.update(extra or {})
    if context.get("in_embed"):
        context["shared"] = False  # an embed's query is the agency's prefill, not a share
    if "platforms" in context["hide"]:
        keep_set_platforms(context)
    if not request.htmx:
        return render(request, template, context)
    response = render(request, "calculator/_calculator.html#results", context)
    if context["report"] is None:
        reswap(response, "none")
        replace_url(response, False)
    elif not context.get("in_embed"):
        # The address bar shows the result's link as it will be shared:
        # "30k" becomes 30000, and every input is named.
        replace_url(response, f"{reverse('calculator')}?{context['query']}")
    return response


def keep_set_platforms(context: dict[str, Any]) -> None:
    """A host fixed the platforms (an embed's ``hide=platforms``): the form shows
    only the platforms set, and an answer updates only their fields' messages."""
    unset = [group for group in context["platform_groups"] if not group.shown]
    names = {view.name for group in unset for view in (*group.fields, *group.more)}
    context["platform_groups"] = [group for group in context["platform_groups"] if group.shown]
    context["swapped_fields"] = [v for v in context["swapped_fields"] if v.name not in names]


METHOD_TITLE = format_lazy(
    "{} | {}", _("How the CAPI ROI calculator works"), _("CAPI ROI calculator")
)
METHOD_DESCRIPTION = _(
    "The method behind the CAPI ROI calculator: how tracking losses, Conversions API "
    "recovery, the performance lift, ROI, payback, NPV, break-evens and ranges are "
    "calculated, with sources."
)


# The htmx request gets the results partial: caches must tell it apart.
@cacheable(vary=["HX-Request"])
@require_safe
def calculator(request: HttpRequest) -> HttpResponse:
    return render_calculator(request, request.GET)


@cacheable()
@require_safe
def method(request: HttpRequest) -> HttpResponse:
    share = links.page_share(request, "method", METHOD_TITLE, METHOD_DESCRIPTION)
    context = {
        **method_context(),  # version 3, its figures read from the model
        "integrations": list(INTEGRATIONS.values()),  # version 2's, for older links
        "causes": results.recovery_by_cause(),
        "share": share,
        # The dated rates the typical costs are converted at (_rates.html).
        "rates": {
            "date": date.fromisoformat(model.costs.RATES_DATE),
            "source": model.costs.RATES_SOURCE,
            "per_dollar": [
                (code, rate) for code, rate in model.costs.USD_RATES.items() if code != "USD"
            ],
        },
    }
    return render(request, "calculator/method.html", context)


DAY = 86400
FAVICON = Path(settings.BASE_DIR) / "static" / "favicon.ico"  # static/favicon.svg at 16, 32, 48 px
# security.txt must name its own expiry (RFC 9116); it is written afresh, so
# it always looks half a year ahead.
SECURITY_TXT_LIFETIME = timedelta(days=182)


# What may stay as it is in a path or query string a redirect passes on.
URL_SAFE = "/=&%+;,:@!$'()*~.-_"


@cacheable(max_age=DAY)
@require_safe
def english_prefix(request: HttpRequest, rest: str = "") -> HttpResponse:
    """/en/… is where some sites and visitors look for English; English lives
    at the bare address. Only ever a path on this site: never //host."""
    path = "/" + quote(rest.lstrip("/\\"), safe=URL_SAFE)
    query = quote(request.META.get("QUERY_STRING", ""), safe=URL_SAFE)
    return HttpResponsePermanentRedirect(path + (f"?{query}" if query else ""))


def _plain_text(lines: list[str]) -> HttpResponse:
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def _absolute(request: HttpRequest, name: str) -> str:
    return request.build_absolute_uri(reverse(name))


@cacheable(max_age=DAY)
@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /api/",
        "Disallow: /admin/",
        "Disallow: /share/",
        # The share redirects of the other languages too (roi_site/urls.py).
        *(
            f"Disallow: /{code}/share/"
            for code, _ in settings.LANGUAGES
            if code != settings.LANGUAGE_CODE
        ),
        "",
        f"Sitemap: {_absolute(request, 'sitemap')}",
        "",
    ]
    return _plain_text(lines)


@cacheable(max_age=DAY)
@require_safe
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    """The site's own pages and the presets' results, each in every language with
    its alternates (hreflang): what a search engine should know."""
    pages = [
        ("calculator", ""),
        ("method", ""),
        ("embed-builder", ""),
        *(("calculator", query) for _, query in fields.preset_links()),
    ]
    every = []  # per page, (language, address) for each language
    for name, query in pages:
        versions = []
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                address = _absolute(request, name) + (f"?{query}" if query else "")
            versions.append((code, address))
        every.append(versions)
    # English first, then each language's pages, each naming all its versions.
    urls = [
        {"loc": versions[k][1], "alternates": versions}
        for k in range(len(settings.LANGUAGES))
        for versions in every
    ]
    return render(
        request, "sitemap.xml", {"urls": urls}, content_type="application/xml; charset=utf-8"
    )


@cacheable(max_age=DAY)
@require_safe
def security_txt(request: HttpRequest) -> HttpResponse:
    """RFC 9116: where to report a vulnerability."""
    expires = (timezone.now() + SECURITY_TXT_LIFETIME).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    lines = [
        f"Contact: {settings.SECURITY_CONTACT or 'mailto:security@' + request.get_host()}",
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: en",
        f"Canonical: {_absolute(request, 'security-txt')}",
        "",
    ]
    return _plain_text(lines)


@cacheable(max_age=DAY)
@require_safe
def favicon_ico(request: HttpRequest) -> HttpResponse:
    """For clients that ask for /favicon.ico whatever the page's <link rel="icon"> says."""
    return HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
