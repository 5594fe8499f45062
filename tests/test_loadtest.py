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
