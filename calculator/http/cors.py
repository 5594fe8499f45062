"""HTTP rules shared by the site's public answers."""

from __future__ import annotations

from django.http import HttpResponseBase

# The API, the embed, its loader and oEmbed are read by other sites' pages:
# any origin may read them (none carries a cookie or anything per visitor).
ANY_ORIGIN = {"Access-Control-Allow-Origin": "*"}


def readable_by_any_site(response: HttpResponseBase) -> HttpResponseBase:
    """Let any web page's script read ``response``."""
    for header, value in ANY_ORIGIN.items():
        response[header] = value
    return response
