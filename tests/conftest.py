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
def fresh_rendered_cache(settings):
    """Each test renders its own answers: none kept from another test, whose
    settings or data may differ. Tests of sharing across workers point
    RENDERED_CACHE at the database cache themselves."""
    from django.core.cache import caches

    from calculator.http import rendered

    settings.CACHES = {
        **settings.CACHES,
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.RENDERED_CACHE = "local"
    rendered.LOCAL.clear()
    caches["local"].clear()
    yield
    rendered.LOCAL.clear()
