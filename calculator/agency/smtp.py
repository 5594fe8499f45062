"""Django's SMTP backend, each connection within the send deadline
(settings.SEND_DEADLINE): a slow or stalled mail server holds a delivery
worker, or a request that sends mail, that long at most."""

from __future__ import annotations

import smtplib
import socket

from django.conf import settings
from django.core.mail.backends import smtp

from .deadline import Deadline


class _WithinDeadline:
    """An SMTP connection whose whole life (greeting, TLS, login, the message,
    QUIT) ends by settings.SEND_DEADLINE."""

    sock: socket.socket | None

    def __init__(self, *args, **kwargs):
        self.deadline = Deadline(settings.SEND_DEADLINE, lambda: self.sock)
        try:
            super().__init__(*args, **kwargs)  # connects and reads the greeting
        except BaseException:
            self.deadline.cancel()
            raise

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.deadline.cancel()


class _SMTP(_WithinDeadline, smtplib.SMTP):
    pass


class _SMTPSSL(_WithinDeadline, smtplib.SMTP_SSL):
    pass


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend, each connection within the send deadline: a slow
    mail server delays a delivery worker by SEND_DEADLINE at most."""

    @property
    def connection_class(self):
        return _SMTPSSL if self.use_ssl else _SMTP
