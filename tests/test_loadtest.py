"""The load script's arithmetic (its figures are printed, never asserted)."""

from __future__ import annotations

from scripts.loadtest import Result, closest


def test_percentiles():
    result = Result(latencies=[i / 1000 for i in range(1, 101)])
    assert round(result.percentile(50), 4) == 0.0505
    assert round(result.percentile(99), 4) == 0.0990


def test_rate():
    assert Result(count=50, seconds=2.0).rate == 25
    assert Result().rate == 0


def test_the_static_file_closest_in_size():
    files = [(100, "/static/a"), (5000, "/static/b"), (9000, "/static/c")]
    assert closest(files, 6000) == (5000, "/static/b")
    assert closest(files, 0) == (100, "/static/a")


def test_fresh_routes_get_a_new_query_every_time():
    from scripts.loadtest import NUMBERS, ROUTES, Route

    fresh = [route for route in ROUTES if route.fresh]
    assert {route.name for route in fresh} == {"embed, new", "api, new"}
    assert not Route("page", "/?spend=1").fresh
    first, second = (fresh[0].path.format(n=next(NUMBERS)) for _ in range(2))
    assert first != second


def test_the_nginx_run_uses_the_reference_config_with_local_places(tmp_path):
    from scripts.loadtest import nginx_config

    text = nginx_config(tmp_path, 8441, 8480, 8400)
    assert "server 127.0.0.1:8400;" in text
    assert "listen 127.0.0.1:8441 ssl http2;" in text
    for production_only in ("/etc/letsencrypt", "10.0.0.5", "/var/", "www-data", "[::]"):
        assert production_only not in text
    assert "proxy_cache roi;" in text  # the cache itself is the reference one
