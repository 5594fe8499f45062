"""Security headers on every kind of page, the embed opt-out and the login throttle."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from calculator.http.security import permissions_policy
from calculator.http.throttle import client_address

ROUTES = ["/", "/api/v1/calculate", "/api/v1/calculate?spend=x", "/admin/login/", "/nowhere/"]


def directives(csp: str) -> dict[str, list[str]]:
    parts = (d.split() for d in csp.split(";") if d.strip())
    return {name: values for name, *values in parts}


@pytest.mark.django_db
class TestHeaders:
    @pytest.mark.parametrize("route", ROUTES)
    def test_strict_csp(self, client, route):
        csp = directives(client.get(route)["Content-Security-Policy"])
        assert csp["default-src"] == ["'self'"]
        assert csp["script-src"] == ["'self'"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["object-src"] == ["'none'"]
        for values in csp.values():
            assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(values)

    @pytest.mark.parametrize("route", ROUTES)
    def test_no_framing_no_sniffing_no_opener(self, client, route):
        response = client.get(route)
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"

    @pytest.mark.parametrize("route", ROUTES)
    def test_powerful_features_are_refused(self, client, route):
        policy = client.get(route)["Permissions-Policy"]
        features = dict(item.strip().split("=") for item in policy.split(","))
        for name in (
            "camera",
            "microphone",
            "geolocation",
            "payment",
            "usb",
            "interest-cohort",
            "browsing-topics",
        ):
            assert features[name] == "()"

    def test_the_policy_text(self):
        assert permissions_policy({"camera": [], "fullscreen": ["self"]}) == (
            "camera=(), fullscreen=(self)"
        )


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("boss", "boss@example.com", "correct horse battery")


def sign_in(client, password, username="boss", **extra):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, **extra
    )


class TestLoginThrottle:
    def test_a_good_password_signs_in(self, client, admin_user):
        assert sign_in(client, "correct horse battery").status_code == 302

    def test_too_many_failures_for_a_username_answer_429(self, client, admin_user, settings):
        settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "failures_per_username": 3}
        for _ in range(3):
            assert sign_in(client, "wrong").status_code == 200
        refused = sign_in(client, "correct horse battery")
        assert refused.status_code == 429
        assert "Too many failed sign-in attempts" in refused.content.decode()
        assert 0 < int(refused["Retry-After"]) <= settings.LOGIN_THROTTLE["window_seconds"]
        # Other users from elsewhere are not locked out with it.
        assert sign_in(client, "x", username="other", REMOTE_ADDR="10.0.0.9").status_code == 200

    def test_usernames_are_counted_regardless_of_case(self, client, admin_user, settings):
        settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "failures_per_username": 2}
        sign_in(client, "wrong", username="Boss", REMOTE_ADDR="10.0.0.1")
        sign_in(client, "wrong", username="BOSS", REMOTE_ADDR="10.0.0.2")
        assert sign_in(client, "wrong", REMOTE_ADDR="10.0.0.3").status_code == 429

    def test_too_many_failures_from_an_address_answer_429(self, client, admin_user, settings):
        settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "failures_per_address": 3}
        for name in ("a", "b", "c"):
            assert sign_in(client, "wrong", username=name).status_code == 200
        assert sign_in(client, "correct horse battery").status_code == 429
        assert sign_in(client, "correct horse battery", REMOTE_ADDR="10.1.1.1").status_code == 302

    def test_success_clears_the_username_count(self, client, admin_user, settings):
        settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "failures_per_username": 2}
        sign_in(client, "wrong")
        assert sign_in(client, "correct horse battery").status_code == 302
        client.logout()
        sign_in(client, "wrong")
        assert sign_in(client, "correct horse battery").status_code == 302

    def test_viewing_the_form_is_never_throttled(self, client, admin_user, settings):
        settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "failures_per_username": 1}
        sign_in(client, "wrong")
        assert client.get("/admin/login/").status_code == 200

    def test_garbage_posts_never_give_a_server_error(self, client, db):
        for data in ({}, {"username": "x" * 10_000, "password": ""}, {"username": ["a", "b"]}):
            assert client.post("/admin/login/", data).status_code in (200, 429)


class TestClientAddress:
    def request(self, rf, forwarded=None):
        extra = {"REMOTE_ADDR": "10.0.0.1"}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return rf.get("/", **extra)

    def test_without_proxies_forwarded_for_is_ignored(self, rf, settings):
        settings.PROXY_COUNT = 0
        assert client_address(self.request(rf, "6.6.6.6")) == "10.0.0.1"

    def test_behind_one_proxy_its_entry_counts_and_forged_ones_do_not(self, rf, settings):
        settings.PROXY_COUNT = 1
        assert client_address(self.request(rf, "6.6.6.6, 203.0.113.7")) == "203.0.113.7"

    def test_behind_two_proxies(self, rf, settings):
        settings.PROXY_COUNT = 2
        assert client_address(self.request(rf, "6.6.6.6, 203.0.113.7, 10.0.0.2")) == "203.0.113.7"

    def test_a_missing_header_falls_back_to_the_peer(self, rf, settings):
        settings.PROXY_COUNT = 1
        assert client_address(self.request(rf)) == "10.0.0.1"


@pytest.mark.django_db
class TestForeignHost:
    """A Host header outside ALLOWED_HOSTS, as scanners send all the time, gets
    a plain 400 on every page, never a 500 from an address built from it."""

    ROUTES = [
        "/",
        "/?spend=50000",
        "/method/",
        "/de/",
        "/fr/method/",
        "/embed/",
        "/embed/builder/",
        "/agency/",
        "/accounts/login/",
        "/nowhere/",
        "/healthz",
    ]

    @pytest.fixture
    def production(self, settings):
        settings.DEBUG = False
        return Client(raise_request_exception=False)

    @pytest.mark.parametrize("route", ROUTES)
    @pytest.mark.parametrize("host", ["evil.com", "evil.com:8080", "roi.example.com.evil.com"])
    def test_a_page_answers_400(self, production, route, host):
        response = production.get(route, HTTP_HOST=host)
        assert response.status_code == 400
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert "evil.com" not in response.content.decode()

    def test_the_page_says_why_in_the_address_language(self, production):
        response = production.get("/de/", HTTP_HOST="evil.com")
        assert response.status_code == 400
        page = response.content.decode()
        assert '<html lang="de">' in page
        assert "Fehler 400" in page

    def test_the_api_answers_400_in_its_own_shape(self, production):
        response = production.get("/api/v1/calculate?spend=5000", HTTP_HOST="evil.com")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["request"]

    def test_a_post_answers_400(self, production):
        response = production.post("/api/v1/links", {"query": "spend=5000"}, HTTP_HOST="evil.com")
        assert response.status_code == 400
