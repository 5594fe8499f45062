"""A wall-clock deadline for a whole network exchange: a webhook's or an email's.

A socket timeout bounds each read, not the exchange: a receiver that sends
one byte every few seconds keeps every read short and the sender waiting for
ever. When the deadline passes, the socket is shut down from a timer thread,
which ends whatever read or write is blocked on it at once.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable

# How often the timer looks again for a socket that was not open yet when the
# time ran out (it is being connected): the exchange ends as soon as it is.
_RECHECK_SECONDS = 0.1


class Deadline:
    """Shuts down ``current_socket()`` once ``seconds`` have passed, until cancelled.

    Use as a context manager around the exchange; ``expired`` says whether the
    time ran out, so that the error it caused can say so.
    """

    def __init__(self, seconds: float, current_socket: Callable[[], socket.socket | None]):
        self.seconds = seconds
        self.expired = False
        self._current_socket = current_socket
        self._done = threading.Event()
        self._timer = self._start(seconds)

    def _start(self, seconds: float) -> threading.Timer:
        timer = threading.Timer(seconds, self._expire)
        timer.daemon = True
        timer.start()
        return timer

    def _expire(self) -> None:
        if self._done.is_set():
            return
        self.expired = True
        sock = self._current_socket()
        if sock is None:
            self._timer = self._start(_RECHECK_SECONDS)
            return
        # The plain socket's shutdown, also under TLS: it wakes the reader with
        # an end of stream and leaves the TLS object to its thread.
        with contextlib.suppress(OSError):  # closed already
            socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._done.set()
        self._timer.cancel()

    def __enter__(self) -> Deadline:
        return self

    def __exit__(self, *exc_info) -> None:
        self.cancel()
