"""Webhook delivery: signed JSON to an agency's own address, never to ours.

An agency types the URL, so it is hostile until shown otherwise: the host
must resolve only to public addresses (no loopback, private, link-local,
multicast or reserved range), checked when the URL is saved and again right
before each send, and the connection goes to the address that was checked,
so a DNS answer that changes in between (rebinding) cannot redirect it.
Redirects are not followed.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from .deadline import Deadline

SIGNATURE_HEADER = "X-CAPI-ROI-Signature"
TIMESTAMP_HEADER = "X-CAPI-ROI-Timestamp"
# The same on every attempt of one delivery: a receiver that has seen it
# already has the lead (delivery is at least once).
DELIVERY_HEADER = "X-CAPI-ROI-Delivery"
USER_AGENT = "CAPI-ROI-webhook/1"
# Nothing in the answer but its status matters: a receiver cannot make the
# worker read more than this of its body.
MAX_ANSWER_BYTES = 4096


class UnsafeURL(ValueError):
    """The webhook URL is malformed or points somewhere it must not."""


class DeliveryError(Exception):
    """The receiver could not be reached or did not answer 2xx."""


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (a seam for tests)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


# Refused by name, whatever the interpreter's ipaddress module says of them:
# tunnels and translators whose address carries an IPv4 one that a relay
# would connect to (IPv4-compatible, IPv4-translated, NAT64, Teredo, 6to4),
# and the deprecated site-local range, which ipaddress counts as global.
# Python before 3.12.4 also calls 6to4 global (CVE-2024-4032); the check must
# not depend on which patch release runs it.
DENIED_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "::/96",  # IPv4-compatible (deprecated), and :: and ::1
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "64:ff9b::/96",  # NAT64, well-known prefix
        "64:ff9b:1::/48",  # NAT64, local use
        "2001::/32",  # Teredo
        "2002::/16",  # 6to4
        "fec0::/10",  # site-local (deprecated)
    )
)


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        # ::ffff:a.b.c.d is how the system names a plain IPv4 connection.
        ip = ip.ipv4_mapped
    if any(ip in network for network in DENIED_NETWORKS):
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local)


def check_url(url: str) -> tuple[str, int, str]:
    """(host, port, public address) of a webhook URL, or UnsafeURL saying why not."""
    if len(url) > 500 or any(c.isspace() or ord(c) < 32 for c in url):
        raise UnsafeURL(_("Enter an address of at most 500 characters, without spaces."))
    parts = urlsplit(url)
    schemes = ("https",) if settings.WEBHOOK_REQUIRE_HTTPS else ("https", "http")
    if parts.scheme not in schemes:
        raise UnsafeURL(_("The webhook address must start with https://."))
    if not parts.hostname or parts.username or parts.password:
        raise UnsafeURL(_("Enter a full address such as https://hooks.agency.example/leads."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeURL(_("The port of the webhook address is not a number.")) from None
    try:
        addresses = resolve(parts.hostname, port)
    except (OSError, UnicodeError):
        raise UnsafeURL(
            _("The host %(host)s does not resolve.") % {"host": parts.hostname}
        ) from None
    if not addresses or not all(is_public(a) for a in addresses):
        raise UnsafeURL(
            _(
                "The webhook address must be on the public internet, "
                "not a loopback, private or link-local address."
            )
        )
    return parts.hostname, port, addresses[0]


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 of '<timestamp>.<body>' with the profile's secret, as hex."""
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, body: bytes, delivery_id: str, now: float | None = None
) -> dict[str, str]:
    timestamp = str(int(time.time() if now is None else now))
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        DELIVERY_HEADER: delivery_id,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a checked address, with the certificate checked against the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # Shaken hands only once it is self.sock, where the deadline finds it.
        self.sock = self._context.wrap_socket(
            sock, server_hostname=self.host, do_handshake_on_connect=False
        )
        self.sock.do_handshake()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POSTs ``body`` once; the status on 2xx, else DeliveryError. Checks the URL
    first. The whole exchange, connecting included, ends by settings.SEND_DEADLINE
    and each read within settings.WEBHOOK_TIMEOUT."""
    try:
        host, port, address = check_url(url)
    except UnsafeURL as error:
        raise DeliveryError(str(error)) from None
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(host, port, address, settings.WEBHOOK_TIMEOUT)
    deadline = Deadline(settings.SEND_DEADLINE, lambda: connection.sock)
    try:
        with deadline:
            connection.request("POST", path, body=body, headers={**headers, "Host": parts.netloc})
            response = connection.getresponse()
            response.read(MAX_ANSWER_BYTES)
    except (OSError, http.client.HTTPException) as error:
        if deadline.expired:
            raise DeliveryError(_late(host)) from None
        raise DeliveryError(f"Could not reach {host}: {error}") from None
    finally:
        connection.close()
    if deadline.expired:  # the status came in time, the rest of the answer did not
        raise DeliveryError(_late(host))
    if not 200 <= response.status < 300:
        raise DeliveryError(f"{host} answered {response.status}.")
    return response.status


def _late(host: str) -> str:
    return f"{host} did not answer within {settings.SEND_DEADLINE} seconds."
