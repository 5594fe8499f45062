"""The page's language: from the address, never from a cookie.

English pages live at the bare addresses, German, French and Spanish ones
under ``/de/``, ``/fr/`` and ``/es/``, so every language of every page has an
address of its own that caches, crawlers and shared links can keep apart.
Only the bare ``/`` (no query, or only an ad's click id and utm_ keys) asks
the browser: a visitor whose ``Accept-Language`` prefers German is sent to
``/de/`` once, with ``Vary: Accept-Language`` so that shared caches keep the
variants apart. The switcher's English link for that page carries
``?lang=en``, which is not negotiated, so a visitor who chose English stays
English without a cookie.

The embed takes ``lang=`` (an embed profile may fix its language instead),
and the API answers its error messages in the ``Accept-Language`` language
while its figures stay language-neutral.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    parse_accept_lang_header,
)

DEFAULT = settings.LANGUAGE_CODE
CODES = tuple(code for code, _ in settings.LANGUAGES)
PREFIXED = tuple(code for code in CODES if code != DEFAULT)
# The marker of the switcher's English link on the bare page: no negotiation.
CHOSEN = "lang"
# Seconds a shared cache may keep the bare page's redirect to a language.
REDIRECT_MAX_AGE = 300
BUILDER = "/embed/builder/"  # a page with prefixes, not the embed


def language_of_path(path: str) -> str | None:
    """'de' for '/de/...', None for an unprefixed (English) address."""
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in PREFIXED else None


def valid(code: str | None) -> str | None:
    """A supported language code, or None: 'de' and 'DE' give 'de', 'xx' None."""
    code = (code or "").strip().lower()
    return code if code in CODES else None


def from_accept_language(header: str) -> str:
    """The first supported language the browser asks for; English otherwise."""
    for code, _quality in parse_accept_lang_header(header or ""):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return DEFAULT


# Fetch metadata of a click inside the site: a visitor already on a page of
# ours, English included, has chosen its language, so the bare page answers
# in English instead of sending them back to their browser's language.
WITHIN_SITE = ("same-origin", "same-site")
# What the bare page's answer depends on, for caches.
NEGOTIATION_VARY = ("Accept-Language", "Sec-Fetch-Site")


# Keys that ad platforms and newsletters add to a link (with utm_*): the
# bare page with only these is still the bare page, so a visitor from a Meta
# ad or a post, whose link always carries fbclid, is asked too.
TRACKING_KEYS = frozenset(
    {"fbclid", "gclid", "gbraid", "wbraid", "msclkid", "ttclid", "twclid", "li_fat_id"}
)
MAX_TRACKING_QUERY = 2000


# A quick look first: most queries carry none of them.
TRACKING_HINT = re.compile(r"clid|utm_|li_fat_id")


def is_tracking(key: str) -> bool:
    return key in TRACKING_KEYS or key.startswith("utm_")


def without_tracking(query: str) -> str:
    """``query`` without an ad's click id or utm_ keys, the rest as written.

    Nothing reads them, so a page's bytes are the same with or without them
    (every click of an ad shares one cached copy), and its links in other
    languages do not pass one visitor's click on.
    """
    if not TRACKING_HINT.search(query):
        return query
    parts = query.split("&")
    return "&".join(p for p in parts if not is_tracking(unquote_plus(p.split("=", 1)[0])))


def _only_tracking(query: str) -> bool:
    """Nothing, or nothing but an ad's keys: a page's own query is never that."""
    return len(query) <= MAX_TRACKING_QUERY and not without_tracking(query)


def _negotiates(request: HttpRequest) -> bool:
    return (
        request.path_info == "/"
        and request.method in ("GET", "HEAD")
        and _only_tracking(request.META.get("QUERY_STRING", ""))
    )


def _arrives_from_outside(request: HttpRequest) -> bool:
    return request.headers.get("Sec-Fetch-Site", "") not in WITHIN_SITE


class LanguageMiddleware:
    """Activates the request's language (see the module's docstring); sets no cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        accept = request.headers.get("Accept-Language", "")
        negotiated = _negotiates(request)
        api = path.startswith("/api/")
        language = language_of_path(path)
        if language is None:
            if api:
                language = from_accept_language(accept)
            elif path.startswith("/embed/") and not path.startswith(BUILDER):
                language = valid(request.GET.get(CHOSEN)) or DEFAULT
            else:
                language = DEFAULT
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
            if not api and not response.has_header("Location"):
                response.headers.setdefault("Content-Language", translation.get_language())
        finally:
            # The thread serves its next request (or test) from a clean slate.
            translation.deactivate()
        if negotiated:
            patch_vary_headers(response, NEGOTIATION_VARY)
        elif api and response.status_code >= 400:
            patch_vary_headers(response, ("Accept-Language",))
        return response


class NegotiationMiddleware:
    """Sends a visitor who arrives at the bare ``/`` from outside to the page
    in their browser's language (see the module's docstring).

    Innermost, so that the redirect passes out through every other middleware
    and carries their headers (security, framing, the request log) as a page
    does."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _negotiates(request) and _arrives_from_outside(request):
            preferred = from_accept_language(request.headers.get("Accept-Language", ""))
            if preferred != DEFAULT:
                # The tracking keys go along, for the analytics of the page.
                query = request.META.get("QUERY_STRING", "")
                response = HttpResponseRedirect(f"/{preferred}/" + (f"?{query}" if query else ""))
                # Private: a shared cache that ignored Vary would send everyone
                # to one visitor's language; the English page it may keep.
                response["Cache-Control"] = f"private, max-age={REDIRECT_MAX_AGE}"
                patch_vary_headers(response, NEGOTIATION_VARY)
                return response
        return self.get_response(request)


def _address(request: HttpRequest, path: str, query: str) -> str:
    return request.build_absolute_uri(path + (f"?{query}" if query else ""))


def _query_for_languages(request: HttpRequest) -> str:
    """The query the page's other languages get. A page with a result passes
    its canonical query (``request.canonical_query``, set by the view): each
    language reads typed numbers by its own rules, so '1.500' typed on a German
    page must not reach the English one as typed. Never the English marker,
    nor an ad's click id: the page in another language is not that click."""
    canonical = getattr(request, "canonical_query", None)
    if canonical is not None:
        return canonical
    raw = without_tracking(request.META.get("QUERY_STRING", ""))
    pairs = parse_qsl(raw, keep_blank_values=True)
    return (
        raw
        if all(key != CHOSEN for key, _ in pairs)
        else urlencode([(key, value) for key, value in pairs if key != CHOSEN])
    )


def alternates(request: HttpRequest) -> list[dict[str, Any]]:
    """The page in every language, for hreflang links and the switcher; empty for
    an address that has one language only (the API, the embed, robots.txt)."""
    path = request.path_info
    query = _query_for_languages(request)
    english = translate_url(path, DEFAULT)
    with translation.override(DEFAULT):
        if translate_url(english, PREFIXED[0]) == english:
            return []
    current = translation.get_language()
    links = []
    for code, name in settings.LANGUAGES:
        with translation.override(DEFAULT):  # the English address resolves in English
            target = translate_url(english, code)
        own_query = query
        if code == DEFAULT and target == "/" and not query:
            own_query = urlencode({CHOSEN: DEFAULT})  # stays English, not negotiated
        links.append(
            {
                "code": code,
                "name": name,
                "url": _address(request, target, own_query),
                "hreflang_url": _address(request, target, query),
                "current": code == current,
            }
        )
    return links


def languages(request: HttpRequest) -> dict[str, Any]:
    """Template context: the page's language and its addresses in every language."""
    links = alternates(request)
    default = next((link for link in links if link["code"] == DEFAULT), None)
    return {
        "language_links": links,
        "x_default_url": default["hreflang_url"] if default else "",
    }
