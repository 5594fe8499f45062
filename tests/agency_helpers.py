"""Agencies, profiles and lead posts for the agency tests."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from calculator.agency import tokens
from calculator.models import EmbedProfile

ORIGIN = "http://testserver"
SAME_ORIGIN = {"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"}
QUERY = "spend=20000&conversions=400&v=1"


def make_agency(email: str, password: str = "a-long-pass-phrase-42"):
    user = get_user_model().objects.create_user(username=email, email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_profile(owner, slug: str, **fields) -> EmbedProfile:
    values = {
        "slug": slug,
        "agency_name": f"Agency {slug}",
        "owner": owner,
        "lead_capture": True,
        "privacy_url": f"https://{slug}.example/privacy",
        "notify_email": f"sales@{slug}.example",
    } | fields
    return EmbedProfile.objects.create(**values)


def lead_post(client, slug: str, headers=SAME_ORIGIN, htmx: bool = False, **fields):
    data = {
        "email": "visitor@shop.example",
        "name": "Vera Visitor",
        "consent": "on",
        "website": "",
        "token": tokens.make(slug),
        "q": QUERY,
    } | fields
    if htmx:
        headers = {**headers, "HX-Request": "true"}
    return client.post(f"/embed/{slug}/lead/", data, headers=headers)
