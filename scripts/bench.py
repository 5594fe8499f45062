"""Benchmark: scripts/bench [--quick]

Prints the time of one deterministic calculation, of one uncertainty and
sensitivity run, the rate of in-process API requests, the time to render a
page, to draw one social card, and to answer the same embed and card again.
Figures, not pass/fail: the tests never time anything. How a repeated embed
compares with a static file from the same server is scripts/load's
(--nginx: as deployed, with nginx's cache in front).
"""

from __future__ import annotations

import io
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

# Run as a file (scripts/bench.py): the project's packages are one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def per_call(func: Callable[[], object], repeat: int, rounds: int = 5) -> float:
    """Best-of-rounds median seconds per call."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            func()
        samples.append((time.perf_counter() - start) / repeat)
    return min(samples)


def wsgi_getter(application: Callable) -> Callable[[str], tuple[int, dict[str, str], bytes]]:
    """GET through the WSGI application, as gunicorn calls it: Django's test
    client would add its own work to every request (it connects signal
    handlers and keeps each rendered template's context)."""

    def get(url: str) -> tuple[int, dict[str, str], bytes]:
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "localhost",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
        }
        started = []
        body = b"".join(application(environ, lambda *response: started.append(response)))
        status, headers = started[0][:2]
        return int(status.split()[0]), dict(headers), body

    return get


def timed(get: Callable, urls: list[str], language: str | None = None) -> list[float]:
    """Seconds each URL took to answer 200 (in ``language``, when given).

    Each URL is new to the process, as a new result is to every cache."""
    times = []
    for url in urls:
        start = time.perf_counter()
        status, headers, _ = get(url)
        times.append(time.perf_counter() - start)
        assert status == 200
        if language is not None:
            assert headers["Content-Language"] == language
    return times


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roi_site.settings")
    scratch = None
    if "DATABASE_URL" not in os.environ:  # a throwaway database, with its cache tables
        scratch = tempfile.TemporaryDirectory()
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch.name}/bench.sqlite3"
    import django

    django.setup()
    if scratch is not None:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
    logging.disable(logging.INFO)  # one log line a request would flood the figures
    from roi_site import worker

    worker.prepare()  # as a web worker starts (roi_site/wsgi.py)
    from django.core.handlers.wsgi import WSGIHandler
    from django.utils import translation

    from calculator import model
    from calculator.sharing import card
    from calculator.summary import summarise

    inputs = model.DEFAULTS  # the current version's: the lift estimated from the signal
    scale = 1 if quick else 10
    exact = per_call(lambda: model.compute_v2(inputs), 200 * scale)
    # Both, as a report computes them.
    ranged = per_call(
        lambda: (model.uncertainty_v2(inputs), model.sensitivity_v2(inputs)), 20 * scale
    )
    old = model.DEFAULTS_V1
    ranged_v1 = per_call(lambda: (model.uncertainty_v1(old), model.sensitivity_v1(old)), 20 * scale)
    # Version 3: Meta alone, and Meta with Google Ads and TikTok (the store's
    # rows of draws are shared, so three platforms must not cost three times one).
    three = replace(
        inputs, google_spend=10000, google_conversions=300, tiktok_spend=4000, tiktok_conversions=50
    )
    model_v3 = {
        label: (
            per_call(lambda x=x: model.compute_v3(x), 200 * scale),
            per_call(lambda x=x: (model.uncertainty_v3(x), model.sensitivity_v3(x)), 20 * scale),
        )
        for label, x in (("one platform", inputs), ("three platforms", three))
    }
    get = wsgi_getter(WSGIHandler())
    latencies = timed(get, [f"/api/v1/calculate?spend={20000 + i}" for i in range(40 * scale)])
    page_times = timed(get, [f"/?conversions={400 + i}" for i in range(20 * scale)])
    print(f"deterministic calculation: {exact * 1e6:8.1f} µs   (target < 100 µs)")
    draws = model.DRAWS
    print(f"uncertainty + sensitivity: {ranged * 1e3:8.2f} ms   (target < 2 ms, {draws:,} draws)")
    print(f"  the same, model version 1: {ranged_v1 * 1e3:6.2f} ms   (links made before version 2)")
    for label, (exact_v3, ranged_v3) in model_v3.items():
        print(
            f"model version 3, {label + ':':16} {exact_v3 * 1e6:6.1f} µs exact, "
            f"{ranged_v3 * 1e3:5.2f} ms uncertainty + sensitivity"
        )
    report = model.report(inputs)
    drawing = per_call(lambda: card.render_result(report), 5 * scale)
    print(
        f"API, in process:           {1 / statistics.mean(latencies):8.0f} requests/s  "
        f"(median {statistics.median(latencies) * 1e3:.2f} ms, one thread)"
    )
    print(
        f"full page, server render:  {statistics.median(page_times) * 1e3:8.2f} ms median "
        f"(target < 6 ms; p90 {statistics.quantiles(page_times, n=10)[-1] * 1e3:.2f} ms)"
    )
    print(f"social card, 1200x630 PNG: {drawing * 1e3:8.2f} ms   (drawing only, model excluded)")
    # Figures in German are written by CLDR's patterns, English by plain
    # string formatting: the German page must not be slower to write.
    words = {}
    for offset, language in enumerate(("en", "de"), start=1):
        with translation.override(language):
            words[language] = per_call(lambda: summarise(report), 20 * scale)
            # The page's own address in the language (the address sets it).
            path = "/" if language == "en" else f"/{language}/"
            urls = [f"{path}?conversions={400 + 1000 * offset + i}" for i in range(20 * scale)]
            times = timed(get, urls, language)
        print(
            f"  page in {language!r}: {statistics.median(times) * 1e3:8.2f} ms median; "
            f"its words and figures (summary) {words[language] * 1e3:.3f} ms"
        )
    # The same URL again: the app renders it again (nginx or a CDN answers
    # repeats in production); the card is drawn once and then read from the
    # cards cache (a database table here, as in production without Redis).
    page_url = "/embed/?spend=20000&theme=dark"
    get(page_url)
    again = per_call(lambda: get(page_url), 20 * scale)
    card_url = get("/card.png?spend=20000")[1]["Location"]
    assert get(card_url)[0] == 200
    card_again = per_call(lambda: get(card_url), 20 * scale)
    print(f"same embed URL again:      {again * 1e3:8.2f} ms   (rendered again, in process)")
    print(f"same social card again:    {card_again * 1e3:8.2f} ms   (from the cards cache)")


if __name__ == "__main__":
    main(sys.argv[1:])
