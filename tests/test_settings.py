"""Settings from the environment: loud on malformed values, safe in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from roi_site import settings

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k3y-for-the-deploy-check-" + "abcdefghij" * 4,
    "DJANGO_ALLOWED_HOSTS": "roi.example.com",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


class TestEnvHelpers:
    def test_bool_words(self, monkeypatch):
        for word, expected in [("1", True), ("yes", True), ("0", False), ("off", False)]:
            monkeypatch.setenv("X_FLAG", word)
            assert settings.env_bool("X_FLAG", default=not expected) is expected

    def test_bool_missing_takes_default(self, monkeypatch):
        monkeypatch.delenv("X_FLAG", raising=False)
        assert settings.env_bool("X_FLAG", default=True) is True

    def test_bool_malformed_fails_loudly(self, monkeypatch):
        monkeypatch.setenv("X_FLAG", "maybe")
        with pytest.raises(ImproperlyConfigured, match="X_FLAG must be 1 or 0"):
            settings.env_bool("X_FLAG", default=False)

    def test_list(self, monkeypatch):
        monkeypatch.setenv("X_LIST", " a.com, b.com ,,")
        assert settings.env_list("X_LIST", []) == ["a.com", "b.com"]


class TestProductionSettings:
    def test_deploy_check_is_clean(self):
        result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout

    def test_secret_key_is_required_without_debug(self):
        env = {**PRODUCTION, "DJANGO_SECRET_KEY": ""}
        result = manage("check", **env)
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY is required" in result.stderr

    def test_malformed_debug_stops_start_up(self):
        result = manage("check", DJANGO_DEBUG="perhaps")
        assert result.returncode != 0
        assert "DJANGO_DEBUG must be 1 or 0" in result.stderr

    def test_plain_http_behind_a_proxy(self):
        code = "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.DEBUG)"
        result = manage("shell", "-v", "0", "-c", code, DJANGO_HTTPS="0", **PRODUCTION)
        assert result.stdout.split() == ["False", "False"], result.stderr


class TestHttps:
    def test_production_redirects_to_https_and_pins_it(self):
        names = [
            "SECURE_SSL_REDIRECT",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_HSTS_SECONDS",
            "SECURE_PROXY_SSL_HEADER",
            "SECURE_REDIRECT_EXEMPT",
        ]
        code = f"from django.conf import settings as s; print([getattr(s, n) for n in {names}])"
        result = manage("shell", "-v", "0", "-c", code, **PRODUCTION)
        assert result.stdout.strip() == (
            "[True, True, True, 31536000, ('HTTP_X_FORWARDED_PROTO', 'https'), ['^healthz$']]"
        ), result.stderr

    def test_malformed_proxy_count_stops_start_up(self):
        result = manage("check", DJANGO_PROXY_COUNT="one")
        assert result.returncode != 0
        assert "DJANGO_PROXY_COUNT must be a whole number" in result.stderr

    def test_sign_in_limits_trust_the_same_proxies(self):
        """allauth reads its own setting for the client's address: the same count."""
        code = (
            "from allauth import app_settings as a; from django.conf import settings as s;"
            "print(s.PROXY_COUNT, a.TRUSTED_PROXY_COUNT, a.TRUSTED_CLIENT_IP_HEADER)"
        )
        for count in ("0", "1", "2"):
            result = manage("shell", "-v", "0", "-c", code, DJANGO_PROXY_COUNT=count)
            assert result.stdout.split() == [count, count, "None"], result.stderr

    def test_the_documented_proxy_appends_the_visitor_to_x_forwarded_for(self):
        """What DJANGO_PROXY_COUNT=1 counts on: every location nginx passes to the
        app appends the address it saw to the header, none replaces or drops it."""
        config = (ROOT / "deploy" / "nginx.conf").read_text()
        assert "DJANGO_PROXY_COUNT=1" in config
        assert (
            config.count("proxy_pass http://roi_app;")
            == config.count("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;")
            > 0
        )
        assert "real_ip_header" not in config


class TestPasswords:
    def test_django_checks_every_new_password_with_twelve_characters_at_least(self):
        from django.contrib.auth.password_validation import get_default_password_validators

        names = {type(v).__name__: v for v in get_default_password_validators()}
        assert set(names) == {
            "UserAttributeSimilarityValidator",
            "MinimumLengthValidator",
            "CommonPasswordValidator",
            "NumericPasswordValidator",
        }
        assert names["MinimumLengthValidator"].min_length == 12


class TestMail:
    """Development prints mail; production sends it by SMTP as the environment says."""

    CODE = (
        "from django.conf import settings as s; m = s.MAILERS['default'];"
        "print(m['BACKEND'].rsplit('.', 2)[-2]);"
        "o = m.get('OPTIONS', {}); print(o.get('host'), o.get('port'), o.get('use_tls'),"
        " o.get('use_ssl'), o.get('username'))"
    )

    def test_development_prints_mail(self):
        result = manage("shell", "-v", "0", "-c", self.CODE, DJANGO_DEBUG="1")
        assert result.stdout.split() == ["console", "None", "None", "None", "None", "None"]

    def test_production_reads_smtp_from_the_environment(self):
        env = {
            **PRODUCTION,
            "DJANGO_EMAIL_HOST": "smtp.example.com",
            "DJANGO_EMAIL_USER": "roi",
            "DJANGO_EMAIL_PASSWORD": "pw",
        }
        result = manage("shell", "-v", "0", "-c", self.CODE, **env)
        assert result.stdout.split() == ["smtp", "smtp.example.com", "587", "True", "False", "roi"]
        result = manage("shell", "-v", "0", "-c", self.CODE, DJANGO_EMAIL_PORT="465", **env)
        assert result.stdout.split() == ["smtp", "smtp.example.com", "465", "False", "True", "roi"]

    def test_production_without_a_host_uses_a_local_relay(self):
        result = manage("shell", "-v", "0", "-c", self.CODE, **PRODUCTION)
        assert result.stdout.split() == ["smtp", "localhost", "25", "False", "False"]  # no user


class TestRedis:
    def test_redis_url_makes_redis_the_default_cache(self):
        result = manage(
            "shell",
            "-c",
            "from django.core.cache import caches; d = caches['default']; "
            "print(type(d).__name__, d._servers)",
            REDIS_URL="redis://cache.internal:6379/3",
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.split("\n")[-2] == "RedisCache ['redis://cache.internal:6379/3']"

    def test_without_it_the_database_is_the_cache(self):
        result = manage(
            "shell", "-c", "from django.core.cache import caches; print(type(caches['default']))"
        )
        assert "DatabaseCache" in result.stdout

    def test_a_malformed_redis_url_stops_start_up(self):
        result = manage("check", REDIS_URL="cache.internal:6379")
        assert result.returncode != 0
        assert "REDIS_URL must be a redis://" in result.stderr
