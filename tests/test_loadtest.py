"""The load script's arithmetic (its figures are printed, never asserted)."""

from __future__ import annotations

from calculator.loadtest import Result, closest


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
    from calculator.loadtest import NUMBERS, ROUTES, Route

    fresh = [route for route in ROUTES if route.fresh]
    assert {route.name for route in fresh} == {"embed, new", "api, new"}
    assert not Route("page", "/?spend=1").fresh
    first, second = (fresh[0].path.format(n=next(NUMBERS)) for _ in range(2))
    assert first != second
