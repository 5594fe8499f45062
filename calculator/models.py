"""The calculator's data: short links and rate counters here; embed profiles
and the agency's leads in their capabilities' own models modules, imported at
the end so that they belong to this app.

Short links: a short code that stands for one result's canonical query.

The code is derived from the query itself (a SHA-256 digest in a URL-safe
alphabet), so the same inputs always get the same code, codes say nothing
about how many links exist, and two servers never hand out different codes
for one result. A code that a different query already holds is extended by
one character, which a 35-bit prefix makes rare.
"""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, models, transaction

from .forms import MAX_QUERY

# Crockford's base 32 in lower case: no i, l, o or u, so a code read aloud or
# retyped from print survives, and any mail client keeps it intact.
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
SHORTEST = 7


def code_digits(query: str) -> str:
    """The whole digest of ``query`` in ALPHABET: 52 characters; codes are its prefixes."""
    number = int.from_bytes(hashlib.sha256(query.encode()).digest(), "big")
    digits = []
    while number:
        number, rest = divmod(number, 32)
        digits.append(ALPHABET[rest])
    return "".join(reversed(digits)).rjust(52, ALPHABET[0])


class ShortLink(models.Model):
    code = models.CharField(max_length=52, unique=True)
    version = models.PositiveSmallIntegerField(help_text="The model version the query names.")
    query = models.CharField(max_length=MAX_QUERY, unique=True, help_text="The canonical query.")
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code

    @classmethod
    def find(cls, query: str) -> ShortLink | None:
        return cls.objects.filter(query=query).first()

    @classmethod
    def create_for(cls, query: str, version: int) -> tuple[ShortLink, bool]:
        """The link of a canonical ``query``: (link, True) when this call stored it.

        Two requests for the same new query may race; the unique query makes
        the loser find the winner's row instead of storing a second code.
        """
        digits = code_digits(query)
        for length in range(SHORTEST, len(digits) + 1):
            try:
                with transaction.atomic():
                    link = cls.objects.create(code=digits[:length], version=version, query=query)
                return link, True
            except IntegrityError:
                existing = cls.find(query)
                if existing is not None:
                    return existing, False
                # Another query holds this prefix: try one character more.
        raise RuntimeError("every prefix of a SHA-256 digest is taken")  # a full-digest collision


class RateCounter(models.Model):
    """One key's current window of a limit (see calculator/http/ratelimit.py).

    Written only by a single atomic upsert, so that concurrent requests on
    any number of servers each count once.
    """

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField()
    ends = models.FloatField(db_index=True, help_text="When the window ends, in Unix time.")

    def __str__(self) -> str:
        return self.key


class Heartbeat(models.Model):
    """The last write each server thread's health probe committed (calculator/http/health.py).

    One row per host, process and thread, so that concurrent probes never wait
    for each other's row; rows of threads gone for a day are deleted by the probe.
    """

    key = models.CharField(max_length=200, primary_key=True)
    beat = models.DateTimeField(help_text="When the probe last committed this row.")

    def __str__(self) -> str:
        return self.key


# The capabilities' models, kept in their own modules: imported here, they
# belong to this app (Django finds an app's models in its models module).
from .agency.models import Delivery, Lead  # noqa: E402, F401
from .embeds.models import EmbedDailyStat, EmbedProfile  # noqa: E402, F401
