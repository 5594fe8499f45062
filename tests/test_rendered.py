"""Answers rendered once and kept: the same request gets the same bytes, and
nothing of one visitor, an old profile or another variant ever comes back."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from calculator import views
from calculator.http import rendered
from calculator.models import EmbedDailyStat, EmbedProfile
from calculator.sharing import card
from calculator.sharing import views as sharing_views


@pytest.fixture
def renders(monkeypatch):
    """Counts the page, embed and result renders (the calculator's context)."""
    calls = []
    real = views.calculator_context

    def counting(request, query):
        calls.append(request.get_full_path())
        return real(request, query)

    monkeypatch.setattr(views, "calculator_context", counting)
    return calls


@pytest.fixture
def shared(settings, db):
    """The database cache every worker and server shares."""
    settings.RENDERED_CACHE = "rendered"
    settings.RENDERED_PAGES_SHARED = True
    caches["rendered"].clear()


def another_worker():
    """A fresh process: nothing in its own LRU."""
    rendered.LOCAL.clear()


@pytest.mark.parametrize("url", ["/", "/?spend=50000&v=2", "/embed/?spend=9000&theme=dark"])
def test_a_repeated_page_is_rendered_once_with_the_same_bytes_and_headers(client, renders, url):
    first = client.get(url)
    second = client.get(url)
    assert renders == [url]
    assert first.content == second.content
    for header in ("ETag", "Cache-Control", "Content-Security-Policy", "Vary", "Content-Type"):
        assert first.get(header) == second.get(header)
    assert first.get("X-Frame-Options") == second.get("X-Frame-Options")


def test_each_variant_is_rendered_for_itself(client, renders):
    page = client.get("/?spend=50000")
    partial = client.get("/?spend=50000", HTTP_HX_REQUEST="true")
    other = client.get("/?spend=50001")
    spelled = client.get("/?spend=50000.0")
    assert len(renders) == 4
    assert page.content != partial.content
    assert b"50001" in other.content
    assert b"50001" not in page.content
    assert client.get("/?spend=50000", HTTP_HX_REQUEST="true").content == partial.content
    assert spelled.status_code == 200
    assert len(renders) == 4


@pytest.mark.parametrize("path", ["/", "/?spend=50000", "/de/?spend=50000", "/embed/?spend=9000"])
def test_every_click_of_an_ad_shares_the_pages_kept_answer(client, renders, path):
    """Nothing reads an ad's click id or utm_ keys: each click gets the bytes
    the page has without them, rendered once for all."""
    join = "&" if "?" in path else "?"
    plain = client.get(path, HTTP_SEC_FETCH_SITE="same-origin")
    clicks = [
        client.get(f"{path}{join}fbclid=IwAR{n}&utm_source=meta", HTTP_SEC_FETCH_SITE="same-origin")
        for n in range(3)
    ]
    assert len(renders) == 1
    assert all(click.content == plain.content for click in clicks)
    assert b"IwAR" not in plain.content


def test_the_key_names_host_language_htmx_and_extra(settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["testserver", "example.org"]
    factory = RequestFactory()
    base = rendered.response_key(factory.get("/?spend=1"))
    assert base == rendered.response_key(factory.get("/?spend=1"))
    variants = [
        rendered.response_key(factory.get("/?spend=2")),
        rendered.response_key(factory.get("/embed/?spend=1")),
        rendered.response_key(factory.get("/?spend=1", HTTP_HX_REQUEST="true")),
        rendered.response_key(factory.get("/?spend=1", HTTP_HOST="example.org")),
        rendered.response_key(factory.get("/?spend=1", secure=True)),
        rendered.response_key(factory.get("/?spend=1"), extra=["revision-2"]),
    ]
    # For the coming translations: the active language.
    monkeypatch.setattr(translation, "get_language", lambda: "de")
    variants.append(rendered.response_key(factory.get("/?spend=1")))
    assert len({base, *variants}) == len(variants) + 1


def test_the_api_answer_is_kept(client, renders, monkeypatch):
    calls = []
    real = rendered.roi.report

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr("calculator.api.views.roi.report", counting)
    first = client.get("/api/v1/calculate?spend=30000")
    second = client.get("/api/v1/calculate?spend=30000")
    assert len(calls) == 1
    assert first.json() == second.json()
    assert second["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/v1/calculate?spend=-1").status_code == 400


def test_other_workers_take_it_from_the_shared_cache(client, renders, shared):
    first = client.get("/?consent=40")
    another_worker()
    second = client.get("/?consent=40")
    assert renders == ["/?consent=40"]
    assert first.content == second.content


@pytest.mark.parametrize("status", [400, 404, 500, 301])
def test_only_a_200_is_kept(status):
    produced = []

    def produce():
        produced.append(status)
        return HttpResponse(b"no", status=status)

    for _ in range(2):
        rendered.respond(RequestFactory().get("/?spend=1"), produce)
    assert len(produced) == 2


def test_an_invalid_query_shows_its_message_each_time(client):
    first = client.get("/?margin=140")
    assert first.content == client.get("/?margin=140").content
    assert b"140" in first.content


@pytest.mark.parametrize(
    "spoil",
    [
        lambda r, resp: resp.set_cookie("visitor", "1"),
        lambda r, resp: resp.__setitem__("Vary", "Cookie"),
        lambda r, resp: setattr(r, "session", type("S", (), {"accessed": True})()),
        lambda r, resp: r.META.__setitem__("CSRF_COOKIE_NEEDS_UPDATE", True),
    ],
    ids=["set-cookie", "vary-cookie", "session-read", "csrf-token"],
)
def test_nothing_of_one_visitor_is_kept(spoil):
    produced = []

    def produce(request):
        response = HttpResponse(b"for one visitor")
        spoil(request, response)
        produced.append(response)
        return response

    for _ in range(2):
        request = RequestFactory().get("/?spend=1")
        rendered.respond(request, lambda request=request: produce(request))
    assert len(produced) == 2


def test_a_kept_answer_has_no_cookie(client):
    client.cookies["sessionid"] = "stale"
    client.get("/embed/?spend=4000")
    again = client.get("/embed/?spend=4000")
    assert not again.cookies
    assert "Set-Cookie" not in again


def test_a_kept_embed_may_still_be_framed_and_read(client):
    client.get("/embed/?spend=7000")
    again = client.get("/embed/?spend=7000")
    assert "X-Frame-Options" not in again
    assert "frame-ancestors *" in again["Content-Security-Policy"]
    assert again["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_a_profile_embed_counts_every_view_and_shows_an_edit_at_once(client, renders, shared):
    profile = EmbedProfile(slug="acme", agency_name="Acme Growth", accent="#0b57b8")
    profile.full_clean()
    profile.save()
    first = client.get("/embed/acme/?spend=6000")
    another_worker()
    client.get("/embed/acme/?spend=6000")
    client.get("/embed/acme/?spend=6000")
    assert len(renders) == 1
    client.get("/embed/acme/?spend=6500", HTTP_HX_REQUEST="true")
    client.get("/embed/acme/?spend=6500", HTTP_HX_REQUEST="true")
    stat = EmbedDailyStat.objects.get(profile=profile)
    assert (stat.views, stat.calculations) == (3, 2)

    profile.agency_name = "Acme Growth Partners"
    profile.save()
    edited = client.get("/embed/acme/?spend=6000")
    assert len(renders) == 3
    assert b"Acme Growth Partners" in edited.content or edited.content != first.content


def test_the_revision_follows_every_field():
    profile = EmbedProfile(slug="acme", agency_name="Acme")
    before = profile.revision
    profile.powered_by = False
    assert profile.revision != before


def test_a_card_is_drawn_once_for_every_worker(client, shared, monkeypatch):
    drawn = []
    real = card.render_result

    def counting(report):
        drawn.append(report)
        return real(report)

    monkeypatch.setattr(card, "render_result", counting)
    url = client.get("/card.png?spend=12000").url
    first = client.get(url)
    second = client.get(url)
    another_worker()
    third = client.get(url)
    assert len(drawn) == 1
    assert first.content == second.content == third.content
    assert first["Content-Type"] == "image/png"
    assert third["ETag"] == first["ETag"]


def test_a_repeated_card_is_answered_without_reading_its_query_again(client, monkeypatch):
    url = client.get("/card.png?spend=12500").url
    first = client.get(url)
    forms = []
    real = sharing_views.CalculatorForm

    def counting(*args, **kwargs):
        forms.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(sharing_views, "CalculatorForm", counting)
    again = client.get(url)
    held = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert forms == []
    assert again.content == first.content
    for header in ("ETag", "Cache-Control", "Content-Type"):
        assert again[header] == first[header]
    assert held.status_code == 304
    assert held["ETag"] == first["ETag"]
    assert held.content == b""


def test_the_lru_keeps_the_recent_and_bounds_the_bytes():
    lru = rendered.LRU(entries=2, size=400)
    lru.set("a", "A", 50)
    lru.set("b", "B", 50)
    assert lru.get("a") == "A"  # now the most recent
    lru.set("c", "C", 50)
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == ("A", None, "C")
    lru.set("big", "X", 101)  # over a quarter of the bytes: not kept
    assert lru.get("big") is None
    lru.set("d", "D", 90)
    lru.set("e", "E", 90)
    assert lru.get("c") is None


def test_without_redis_pages_stay_in_each_worker_and_cards_are_shared(client, renders, db):
    assert not settings.RENDERED_PAGES_SHARED  # no REDIS_URL in the tests
    client.get("/?spend=32000")
    another_worker()
    client.get("/?spend=32000")
    assert len(renders) == 2
    url = client.get("/card.png?spend=32000").url
    client.get(url)
    assert caches[settings.RENDERED_CACHE].get(card.kept_key(url.split("?", 1)[1]))


def test_a_failing_shared_cache_costs_a_render_not_the_answer(client, renders, monkeypatch):
    class Broken:
        def get(self, key):
            raise ConnectionError("cache down")

        def set(self, key, value, timeout):
            raise ConnectionError("cache down")

    monkeypatch.setattr(rendered._Shared, "_cache", staticmethod(lambda: Broken()))
    assert client.get("/?spend=31000").status_code == 200
    another_worker()
    assert client.get("/?spend=31000").status_code == 200
    assert len(renders) == 2


@pytest.mark.django_db
def test_rendered_answers_have_a_table_of_their_own(settings):
    from django.db import connection

    assert settings.CACHES["rendered"]["LOCATION"] != settings.CACHES["default"]["LOCATION"]
    assert "rendered_cache" in connection.introspection.table_names()


@pytest.fixture
def redis_rendered(settings):
    """The rendered answers in Redis, as with REDIS_URL (CI starts a server)."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("TEST_REDIS_URL is not configured in CI")
        pytest.skip("TEST_REDIS_URL is not configured")
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    settings.CACHES = {**settings.CACHES, "rendered": {**redis, "KEY_PREFIX": "rendered"}}
    settings.RENDERED_CACHE = "rendered"
    settings.RENDERED_PAGES_SHARED = True
    caches["rendered"].clear()
    yield caches["rendered"]
    caches["rendered"].clear()


def test_with_redis_pages_and_cards_are_shared_by_every_worker(client, renders, redis_rendered):
    first = client.get("/embed/?spend=8800")
    another_worker()
    assert client.get("/embed/?spend=8800").content == first.content
    assert len(renders) == 1
    url = client.get("/card.png?spend=8800").url
    image = client.get(url).content
    another_worker()
    assert redis_rendered.get(card.kept_key(url.split("?", 1)[1])) == image
    assert client.get(url).content == image


def test_a_kept_copy_expires(monkeypatch):
    lru = rendered.LRU(entries=4, size=1000)
    now = [1000.0]
    monkeypatch.setattr(rendered.time, "monotonic", lambda: now[0])
    lru.set("a", "A", 10, seconds=300)
    now[0] += 299
    assert lru.get("a") == "A"
    now[0] += 2
    assert lru.get("a") is None


@pytest.mark.django_db
def test_a_lead_form_is_never_older_than_its_token_step(client, renders, monkeypatch):
    from calculator.agency import tokens
    from tests.agency_helpers import make_agency, make_profile

    make_profile(make_agency("owner@acme.example"), "acme")
    now = [tokens.STEP * 1000 + 10.0]
    monkeypatch.setattr(tokens.time, "time", lambda: now[0])
    first = client.get("/embed/acme/?spend=5100")
    assert client.get("/embed/acme/?spend=5100").content == first.content
    assert len(renders) == 1
    now[0] += tokens.STEP  # the next step: a new token, so a new render
    later = client.get("/embed/acme/?spend=5100")
    assert len(renders) == 2
    assert later.content != first.content


@pytest.mark.parametrize(
    "url", ["/?spend=50000", "/embed/?spend=9000", "/api/v1/calculate?spend=7000"]
)
def test_a_kept_answer_is_gzipped_once_and_sent_to_whoever_accepts_it(client, monkeypatch, url):
    import gzip

    from calculator.http import compression

    made = []
    real = compression.compress_string

    def counting(content, **kwargs):
        made.append(len(content))
        return real(content, **kwargs)

    monkeypatch.setattr(compression, "compress_string", counting)
    plain = client.get(url)
    assert made == []  # nothing gzipped for a client that does not take it
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    second = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert len(made) == 1  # for the first client that takes it, never again
    assert first.content == second.content
    assert first["Content-Encoding"] == second["Content-Encoding"] == "gzip"
    assert gzip.decompress(second.content) == plain.content
    assert int(second["Content-Length"]) == len(second.content)
    assert "Content-Encoding" not in plain
    for answer in (second, plain):
        assert "Accept-Encoding" in answer["Vary"]
    # The gzipped bytes are another representation of the same answer: a weak
    # ETag with the same tag, which revalidates either way.
    assert second["ETag"] == "W/" + plain["ETag"]
    for tag in (second["ETag"], plain["ETag"]):
        again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=tag)
        assert again.status_code == 304
        assert again.content == b""


def test_only_a_body_that_gzip_shortens_is_gzipped():
    from calculator.http.compression import gzipped

    html = [("Content-Type", "text/html; charset=utf-8")]
    assert gzipped(b"x" * 199, html) is None
    assert gzipped(b"x" * 400, html) is not None
    assert gzipped(b"x" * 400, [("Content-Type", "image/png")]) is None
    assert gzipped(b"x" * 400, [*html, ("Content-Encoding", "br")]) is None
    assert gzipped(os.urandom(400), html) is None  # gzip would only make it longer


def test_the_apis_figures_are_kept_once_for_every_language(client):
    """A 200 is the same in every language: one kept answer. A refusal is
    worded in the asker's language and never kept."""
    rendered.LOCAL.clear()
    answers = [
        client.get("/api/v1/calculate?spend=3000", HTTP_ACCEPT_LANGUAGE=language)
        for language in ("en", "de", "fr", "es")
    ]
    assert len({answer.content for answer in answers}) == 1
    assert len(rendered.LOCAL._items) == 1
    refusals = [
        client.get("/api/v1/calculate?spend=-1", HTTP_ACCEPT_LANGUAGE=language).content
        for language in ("en", "de")
    ]
    assert refusals[0] != refusals[1]
    assert len(rendered.LOCAL._items) == 1
