"""Rendered answers kept for reuse: the same request gets the same bytes, drawn once.

A result's page, embed and JSON are a pure function of the request's URL and
a few request headers, so a worker that has rendered one keeps its bytes: in
a small per-process LRU first (no network, no unpickling of large objects),
then in Django's shared cache (``CACHES["rendered"]``: a database table of
its own, or Redis with ``REDIS_URL``),
which every worker and server reads (pages only with Redis: see
settings.RENDERED_PAGES_SHARED). The social card is kept the same way.

What goes into a key is everything that changes the bytes: the scheme and
host (absolute links in the page), the path and the exact query (the
canonical query, the model version and the display options are all in it;
two spellings of one result may echo different text in the form; a view may
leave out keys nothing reads, such as an ad's click id), htmx or
not, the active language, the embed profile's revision, and the site's
release (so a deploy never serves a previous release's markup).

Nothing per visitor is ever stored: an answer that sets a cookie, varies on
the cookie, reads the session or carries a CSRF token or a CSP nonce is
served as rendered and not kept.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import has_vary_header

from calculator import roi
from calculator.http.caching import KEPT_MARKS, etag_of, per_visitor
from calculator.http.compression import KeptGzip, accepts_gzip, gzipped

logger = logging.getLogger(__name__)

# Seconds a rendered answer stays in the shared cache: as long as the HTTP
# caches may keep it (caching.DEFAULT_MAX_AGE), so a release reaches every
# visitor within the same five minutes whichever cache answers.
SHARED_SECONDS = 300
# A card's bytes depend only on its canonical query and the card's design.
CARD_SECONDS = 30 * 24 * 3600


class LRU:
    """A small thread-safe least-recently-used map, bounded by entries and bytes;
    an entry also expires, so nothing outlives what the shared cache would keep."""

    def __init__(self, entries: int, size: int):
        self.entries, self.size = entries, size
        self._items: OrderedDict[str, tuple[int, Any, float]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[2] < time.monotonic():  # as old as the shared copy may be
                self._bytes -= self._items.pop(key)[0]
                return None
            self._items.move_to_end(key)
            return item[1]

    def set(self, key: str, value: Any, size: int, seconds: float = 300) -> None:
        if size > self.size // 4:  # one huge answer must not empty the LRU
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[0]
            self._items[key] = (size, value, time.monotonic() + seconds)
            self._bytes += size
            while len(self._items) > self.entries or self._bytes > self.size:
                _, (dropped, _value, _expires) = self._items.popitem(last=False)
                self._bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


# Per process: a few hundred answers, at most 32 MB.
LOCAL = LRU(entries=512, size=32 * 1024 * 1024)


class _Shared:
    """The shared cache, where a failure costs a render, never a visitor's answer."""

    @staticmethod
    def _cache():
        return caches[getattr(settings, "RENDERED_CACHE", "rendered")]

    def get(self, key: str) -> Any:
        try:
            return self._cache().get(key)
        except Exception:  # noqa: BLE001 - down, full or locked: render instead
            logger.warning("shared cache unavailable for a read", exc_info=True)
            return None

    def set(self, key: str, value: Any, seconds: int) -> None:
        try:
            self._cache().set(key, value, seconds)
        except Exception:  # noqa: BLE001 - the answer is served all the same
            logger.warning("shared cache unavailable for a write", exc_info=True)


SHARED = _Shared()


def release() -> str:
    """What the site's markup follows from besides the request: the model
    version new results get and the static files' manifest. (A card's bytes
    follow its design too: sharing/card.py keys them with it.)"""
    global _RELEASE
    if _RELEASE is None:
        manifest = b""
        try:
            from django.contrib.staticfiles.storage import staticfiles_storage

            with staticfiles_storage.open("staticfiles.json") as file:
                manifest = file.read()
        except Exception:  # noqa: BLE001 - no manifest (development): the code alone
            manifest = b""
        text = f"{roi.CURRENT_VERSION}|{getattr(settings, 'RELEASE', '')}|"
        _RELEASE = hashlib.sha256(text.encode() + manifest).hexdigest()[:16]
    return _RELEASE


_RELEASE: str | None = None


def fetch(key: str, produce: Callable[[], bytes], seconds: int = CARD_SECONDS) -> bytes:
    """Bytes for ``key``: from this process, else the shared cache, else ``produce``."""
    found = LOCAL.get(key)
    if found is not None:
        return found
    found = SHARED.get(key)
    if found is None:
        found = produce()
        SHARED.set(key, found, seconds)
    LOCAL.set(key, found, len(found), seconds=min(seconds, SHARED_SECONDS))
    return found


def response_key(
    request: HttpRequest,
    extra: Iterable[str] = (),
    query: Callable[[str], str] | None = None,
    by_language: bool = True,
) -> str:
    raw = request.META.get("QUERY_STRING", "")
    parts = [
        release(),
        request.scheme,
        request.get_host(),
        request.path,
        raw if query is None else query(raw),
        "htmx" if request.headers.get("HX-Request") == "true" else "page",
        (translation.get_language() or "") if by_language else "",
        *extra,
    ]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.has_header("Set-Cookie")
        and not has_vary_header(response, "Cookie")
        and not per_visitor(request, response)
    )


def _frozen(response: HttpResponse) -> dict[str, Any]:
    content = response.content
    return {
        "content": content,
        "headers": list(response.items()),
        "charset": response.charset,
        "marks": {mark: getattr(response, mark) for mark in KEPT_MARKS if hasattr(response, mark)},
        # Computed once rather than on every answer: the ETag's digest here,
        # the gzipped body on the first request that takes it (see respond).
        "etag": etag_of(content),
    }


def _thawed(frozen: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(frozen["content"], charset=frozen["charset"])
    for header, value in frozen["headers"]:
        response[header] = value
    for mark, value in frozen["marks"].items():
        setattr(response, mark, value)
    # .get: a copy an earlier release put in the shared cache has no digest.
    response.content_etag = frozen.get("etag")
    if frozen.get("gzipped") is not None:
        response.kept_gzip = KeptGzip(len(frozen["content"]), frozen["gzipped"])
    return response


def respond(
    request: HttpRequest,
    produce: Callable[[], HttpResponse],
    extra: Iterable[str] = (),
    query: Callable[[str], str] | None = None,
    by_language: bool = True,
) -> HttpResponse:
    """The response ``produce`` renders for this request, rendered once per key.

    Only GET and HEAD answers are kept; ``extra`` adds to the key what the URL
    does not say (an embed profile's revision); ``query``, given, is the part
    of the query string that can change the bytes (the view knows which keys
    nothing reads); ``by_language=False`` for answers whose kept (200) bytes
    are the same in every language, as the API's figures are.
    """
    if request.method not in ("GET", "HEAD"):
        return produce()
    key = response_key(request, extra, query, by_language)
    shared = settings.RENDERED_PAGES_SHARED
    frozen = LOCAL.get(key)
    if frozen is None:
        frozen = SHARED.get(key) if shared else None
        if frozen is None:
            response = produce()
            if not _storable(request, response):
                return response
            frozen = _frozen(response)
            if shared:
                SHARED.set(key, frozen, SHARED_SECONDS)
        LOCAL.set(key, frozen, len(frozen["content"]), seconds=SHARED_SECONDS)
    if "gzipped" not in frozen and accepts_gzip(request):
        # Once per answer and process, and only when a client takes gzip: a
        # client that does not (a script, a load test) pays nothing for it.
        # Kept in this process's copy only; the LRU counts the plain body,
        # which the gzipped one adds a fifth or so to.
        frozen["gzipped"] = gzipped(frozen["content"], frozen["headers"])
    return _thawed(frozen)


def cached(
    extra: Callable[..., Iterable[str]] | None = None,
    query: Callable[[str], str] | None = None,
    by_language: bool = True,
) -> Callable:
    """View decorator: ``respond`` around the view."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            more = extra(request, *args, **kwargs) if extra else ()
            return respond(
                request, lambda: view(request, *args, **kwargs), more, query, by_language
            )

        return wrapped

    return decorator
