"""Logs are one JSON object per line, with request fields and no query strings."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from calculator.http.logs import JsonFormatter

from .test_settings import manage


def record(message: str, *args, **extra) -> logging.LogRecord:
    rec = logging.LogRecord("roi.test", logging.WARNING, __file__, 1, message, args, None)
    rec.__dict__.update(extra)
    return rec


class TestJsonFormatter:
    def test_a_line_is_one_json_object(self):
        line = JsonFormatter().format(record("hello %s", "world"))
        entry = json.loads(line)
        assert entry["message"] == "hello world"
        assert entry["level"] == "WARNING"
        assert entry["logger"] == "roi.test"
        assert entry["timestamp"].endswith("+00:00")

    def test_hostile_text_stays_on_one_line(self):
        line = JsonFormatter().format(record("a\nb\r\x1b[31m\u2028"))
        assert "\n" not in line
        assert "\r" not in line
        assert "\x1b" not in line
        assert line.isascii()
        assert json.loads(line)["message"] == "a\nb\r\x1b[31m\u2028"

    def test_a_traceback_is_a_field(self):
        try:
            raise ValueError("boom")
        except ValueError:
            rec = record("failed")
            rec.exc_info = sys.exc_info()
        entry = json.loads(JsonFormatter().format(rec))
        assert "ValueError: boom" in entry["exception"]


@pytest.mark.django_db
class TestRequestLog:
    def entries(self, caplog) -> list[dict]:
        formatter = JsonFormatter()
        return [
            json.loads(formatter.format(r)) for r in caplog.records if r.name == "roi_site.request"
        ]

    def test_each_request_logs_method_path_status_and_duration(self, client, caplog):
        with caplog.at_level(logging.INFO):
            client.get("/api/v1/calculate?spend=x")
        (entry,) = self.entries(caplog)
        assert entry["method"] == "GET"
        assert entry["path"] == "/api/v1/calculate"
        assert entry["status"] == 400
        assert isinstance(entry["duration_ms"], float)
        assert entry["duration_ms"] >= 0

    def test_query_strings_are_left_out(self, client, caplog):
        with caplog.at_level(logging.INFO):
            client.get("/?spend=secret-figure&consent=40")
        assert "secret-figure" not in caplog.text
        assert self.entries(caplog)[0]["path"] == "/"

    def test_long_paths_are_cut(self, client, caplog):
        with caplog.at_level(logging.INFO):
            client.get("/" + "a" * 5000)
        assert len(self.entries(caplog)[0]["path"]) == 200

    def test_healthy_probes_are_not_logged(self, client, caplog):
        with caplog.at_level(logging.INFO):
            client.get("/healthz")
        assert self.entries(caplog) == []


def test_the_site_logs_json_lines_to_stdout():
    code = "import logging; logging.getLogger('roi.check').warning('started %s', 1)"
    result = manage("shell", "-v", "0", "-c", code)
    lines = result.stdout.splitlines()
    assert lines, result.stderr
    entry = json.loads(lines[-1])
    assert entry["logger"] == "roi.check"
    assert entry["message"] == "started 1"
