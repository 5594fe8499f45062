from __future__ import annotations

import os

import pytest
from hypothesis import settings

# In CI the examples are derandomized, so a run can be repeated exactly;
# locally each run explores new ones.
settings.register_profile(
    "ci", max_examples=60, deadline=None, derandomize=bool(os.environ.get("CI"))
)
settings.load_profile("ci")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Agency tests make and sign in users all the time: with the production
    hasher (PBKDF2, a million rounds) each user costs 0.7 s. MD5 keeps the
    same code paths at a fraction of the cost; it is never a site setting."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_card_cache(settings):
    """Each test draws its own cards, in memory: none kept from another test,
    and no database needed. Tests of the shared table point "cards" back at it."""
    from django.core.cache import caches

    settings.CACHES = {
        **settings.CACHES,
        "cards": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    caches["cards"].clear()
