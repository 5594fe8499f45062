"""Logs as one JSON object per line on stdout, and a line for each request.

One object per line lets any log collector parse the fields without a
pattern. Query strings never reach the log: they are the visitor's text, can
be huge, and a short link's query is all a result says about a business.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

REQUEST_FIELDS = ("method", "path", "status", "duration_ms")
MAX_PATH = 200
MAX_METHOD = 16

request_logger = logging.getLogger("roi_site.request")


class JsonFormatter(logging.Formatter):
    """timestamp, level, logger, message, the request fields if any, the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # ASCII with escapes: a hostile path cannot break the line or the terminal.
        return json.dumps(entry, default=str)


class RequestLogMiddleware:
    """Logs method, path (without the query), status and duration of each request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - start) * 1000, 2)
        path = request.path[:MAX_PATH]
        # Load balancers probe every few seconds; only a failing probe is news.
        if path == "/healthz" and response.status_code == 200:
            return response
        method = request.method[:MAX_METHOD] if request.method else ""
        status = response.status_code
        request_logger.info(
            "%s %s %s",
            method,
            path,
            status,
            extra={"method": method, "path": path, "status": status, "duration_ms": duration_ms},
        )
        return response
