"""Which addresses a webhook may reach: the check when the URL is saved and when it is sent.

The answers must be the same on every interpreter the project runs on: Python
before 3.12.4 called 6to4 addresses global, and every version so far calls the
old site-local range global.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from calculator.agency import webhooks
from tests.agency_helpers import make_agency, make_profile

URL = "https://hooks.acme.example/leads"

REFUSED = [
    # 6to4 (2002::/16), whatever IPv4 address it carries
    "2002:7f00:1::1",  # to 127.0.0.1
    "2002:a00:1::1",  # to 10.0.0.1
    "2002:5db8:d822::1",  # to a public address: still a relay's business, not ours
    # Teredo (2001::/32)
    "2001::1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    # site-local (fec0::/10), deprecated but routed on some networks
    "fec0::1",
    "fec0::1%2",  # with a zone
    "feff:ffff::1",
    # IPv4-mapped: the address that is connected to is the IPv4 one
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    # IPv4-compatible (::/96), even with a public address in it
    "::127.0.0.1",
    "::10.0.0.1",
    "::93.184.216.34",
    # IPv4-translated (::ffff:0:0:0/96)
    "::ffff:0:7f00:1",
    # NAT64 to private and public IPv4 alike
    "64:ff9b::7f00:1",
    "64:ff9b::10.0.0.1",
    "64:ff9b::93.184.216.34",
    "64:ff9b:1::a00:1",
]

ALLOWED = [
    "93.184.216.34",
    "::ffff:93.184.216.34",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",  # in 2001::/16, outside Teredo's 2001::/32
    "2a00:1450:4001::200e",
]


@pytest.fixture
def dns(monkeypatch):
    answers: dict[str, list[str]] = {}
    monkeypatch.setattr(webhooks, "resolve", lambda host, port: answers[host])
    return answers


@pytest.mark.parametrize("address", REFUSED)
def test_tunnels_translators_and_site_local_addresses_are_not_public(address):
    assert not webhooks.is_public(address)


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_public(address):
    assert webhooks.is_public(address)


@pytest.mark.parametrize("address", REFUSED)
def test_a_host_resolving_to_one_is_refused(dns, address):
    dns["hooks.acme.example"] = [address]
    with pytest.raises(webhooks.UnsafeURL, match="public internet"):
        webhooks.check_url(URL)


@pytest.mark.parametrize("address", ALLOWED)
def test_a_host_resolving_to_a_public_address_is_accepted(dns, address):
    dns["hooks.acme.example"] = [address]
    assert webhooks.check_url(URL) == ("hooks.acme.example", 443, address)


@pytest.mark.parametrize(
    "url", ["https://[2002:7f00:1::1]/in", "https://[fec0::1]/in", "https://[2001::1]:8443/in"]
)
def test_literal_addresses_in_the_url_are_refused(url):
    # No fake DNS: the system's resolver answers a literal itself.
    with pytest.raises(webhooks.UnsafeURL, match="public internet"):
        webhooks.check_url(url)


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["2002:7f00:1::1", "fec0::1", "2001::1"])
def test_such_a_url_is_not_saved(dns, address):
    profile = make_profile(make_agency("owner@acme.example"), "acme")
    dns["hooks.acme.example"] = [address]
    profile.webhook_url = URL
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert "public internet" in str(refused.value.message_dict["webhook_url"])


@pytest.mark.parametrize("address", ["2002:7f00:1::1", "fec0::1", "2001::1", "::ffff:127.0.0.1"])
def test_nothing_is_sent_when_the_host_resolves_to_one_at_send_time(dns, monkeypatch, address):
    """A URL saved while its host was public, whose DNS answer changed since."""
    dns["hooks.acme.example"] = [address]
    connections = []
    monkeypatch.setattr(
        webhooks.socket, "create_connection", lambda *args, **kwargs: connections.append(args)
    )
    with pytest.raises(webhooks.DeliveryError, match="public internet"):
        webhooks.post(URL, b"{}", {"Content-Type": "application/json"})
    assert connections == []
