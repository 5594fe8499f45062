"""Limits' windows end when they say: counters, the short-link limit and the admin lockout."""

from __future__ import annotations

import json
import os
import time

import pytest
from django.contrib.auth.models import User

from calculator.http import ratelimit
from calculator.models import RateCounter

pytestmark = pytest.mark.django_db

START = 1_800_000_000.25  # a fixed moment, not on a whole second


class Clock:
    def __init__(self, monkeypatch) -> None:
        self.now = START
        monkeypatch.setattr(ratelimit, "clock", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


class TestCounter:
    def test_events_count_in_one_window_that_later_events_never_extend(self, clock):
        assert ratelimit.hit("k", 60) == ratelimit.Window(1, START + 60)
        clock.advance(59.9)
        assert ratelimit.hit("k", 60) == ratelimit.Window(2, START + 60)
        clock.advance(0.1)  # the window's end: a new one starts
        assert ratelimit.hit("k", 60) == ratelimit.Window(1, START + 120)

    def test_peek_counts_nothing_and_sees_no_ended_window(self, clock):
        assert ratelimit.peek("k") is None
        ratelimit.hit("k", 60)
        assert ratelimit.peek("k") == ratelimit.Window(1, START + 60)
        assert ratelimit.peek("k") == ratelimit.Window(1, START + 60)
        clock.advance(60)
        assert ratelimit.peek("k") is None

    def test_keys_are_counted_apart_and_reset_alone(self, clock):
        ratelimit.hit("a", 60)
        ratelimit.hit("a", 60)
        ratelimit.hit("b", 60)
        ratelimit.reset("a")
        assert ratelimit.peek("a") is None
        assert ratelimit.peek("b").count == 1

    def test_over_limit_answers_the_seconds_until_the_window_ends(self, clock):
        assert [ratelimit.over_limit("k", 2, 3600) for _ in range(2)] == [None, None]
        clock.advance(2734.5)
        assert ratelimit.over_limit("k", 2, 3600) == 866  # 865.5 s left, rounded up
        clock.advance(865.4)
        assert ratelimit.over_limit("k", 2, 3600) == 1
        clock.advance(0.1)
        assert ratelimit.over_limit("k", 2, 3600) is None

    def test_long_keys_are_counted_by_their_digest(self, clock):
        long_a, long_b = "x" * 300 + "a", "x" * 300 + "b"
        assert ratelimit.hit(long_a, 60).count == 1
        assert ratelimit.hit(long_a, 60).count == 2
        assert ratelimit.hit(long_b, 60).count == 1
        assert all(len(key) <= 200 for key in RateCounter.objects.values_list("key", flat=True))

    def test_ended_windows_are_purged(self, clock, monkeypatch):
        monkeypatch.setattr(ratelimit, "PURGE_CHANCE", 1.0)
        ratelimit.hit("old", 60)
        clock.advance(61)
        ratelimit.hit("new", 60)
        assert list(RateCounter.objects.values_list("key", flat=True)) == ["new"]


def post_link(client, spend):
    return client.post(
        "/api/v1/links", json.dumps({"query": f"spend={spend}"}), content_type="application/json"
    )


class TestShortLinkWindow:
    def test_a_429_names_the_moment_the_next_link_is_allowed(self, client, clock, settings):
        settings.SHORT_LINKS_PER_HOUR = 2
        assert post_link(client, 1).status_code == 201
        clock.advance(600)
        assert post_link(client, 2).status_code == 201
        clock.advance(1800)
        refused = post_link(client, 3)
        assert refused.status_code == 429
        wait = int(refused["Retry-After"])
        assert wait == 1200
        clock.advance(wait - 1)
        assert post_link(client, 3).status_code == 429  # refusals never extend the window
        clock.advance(1)
        assert post_link(client, 3).status_code == 201


@pytest.fixture
def admin_user():
    return User.objects.create_superuser("boss", "boss@example.com", "correct horse battery")


def sign_in(client, password):
    return client.post("/admin/login/", {"username": "boss", "password": password})


class TestAdminLockout:
    def test_the_lockout_lasts_fifteen_minutes_from_the_first_failure(
        self, client, clock, admin_user, settings
    ):
        assert settings.LOGIN_THROTTLE["window_seconds"] == 15 * 60
        limit = settings.LOGIN_THROTTLE["failures_per_username"]
        for _ in range(limit):
            assert sign_in(client, "wrong").status_code == 200
            clock.advance(60)
        clock.advance(14 * 60 - limit * 60 - 1)  # 13:59 after the first failure ...
        refused = sign_in(client, "correct horse battery")
        assert refused.status_code == 429
        assert refused["Retry-After"] == "61"
        assert "Try again in 2 minutes" in refused.content.decode()
        clock.advance(60)  # 14:59
        assert sign_in(client, "correct horse battery").status_code == 429
        clock.advance(1)  # 15:00: the window is over
        assert sign_in(client, "correct horse battery").status_code == 302


@pytest.fixture
def redis_cache(settings):
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("TEST_REDIS_URL is not configured in CI")
        pytest.skip("TEST_REDIS_URL is not configured")
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url},
    }
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


class TestRedis:
    """With Redis as the default cache, counters live there, with its own expiry."""

    def test_counts_windows_and_resets(self, redis_cache):
        first = ratelimit.hit("k", 2)
        assert first.count == 1
        assert ratelimit.hit("k", 2) == ratelimit.Window(2, first.ends)
        assert ratelimit.peek("k") == ratelimit.Window(2, first.ends)
        assert RateCounter.objects.count() == 0  # nothing went to the database
        ratelimit.reset("k")
        assert ratelimit.peek("k") is None
        assert ratelimit.hit("k", 2).count == 1

    def test_a_window_ends_when_it_says(self, redis_cache):
        ratelimit.hit("k", 1)
        assert ratelimit.over_limit("k", 1, 1) == 1
        time.sleep(1.05)
        assert ratelimit.over_limit("k", 1, 1) is None
        assert ratelimit.peek("k").count == 1
