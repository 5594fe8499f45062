"""The lead form's token: signed, bound to one profile, valid for an hour.

The embed runs in other sites' frames where third-party cookies are blocked,
so there is no CSRF cookie to pair a token with. The token instead proves
that the form came from this server recently and for this profile. Its time
is rounded down to a five-minute step, so the embed page stays the same bytes
(and keeps its ETag) within a step.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing

STEP = 300
SALT = "calculator.agency.lead-form"


def make(slug: str, now: float | None = None) -> str:
    issued = int(time.time() if now is None else now) // STEP * STEP
    return signing.Signer(salt=SALT).sign(f"{slug}:{issued}")


def valid(token: str, slug: str, now: float | None = None) -> bool:
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return False
    token_slug, _, issued = value.rpartition(":")
    if token_slug != slug or not issued.isdigit():
        return False
    age = int(time.time() if now is None else now) - int(issued)
    return 0 <= age <= settings.LEAD_TOKEN_MAX_AGE
