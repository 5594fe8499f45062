from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from hypothesis import settings

from calculator import model

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


@dataclass(frozen=True)
class Defaults:
    """The result at the default inputs, worked by hand in docs/model.md: the
    figures many tests look for on a page, in an answer or in the model."""

    inputs: model.Inputs = model.DEFAULTS
    # N = 400 / (f0 · 0.85), f0 = 0.95 · 0.92 · (1 − 0.30 · 0.20) · 0.98
    true_purchases: float = 584.4881
    # g = 1,800 / (N · 80 · 0.40 · Σw), p* = g / (1 + g)
    breakeven_cpa_gain: float = 0.012397
    breakeven_text: str = "1.24%"


@pytest.fixture
def defaults() -> Defaults:
    return Defaults()
