"""Measurement: the purchases each cause hides, and what server events recover.

docs/model.md, "Measurement". The causes act one after another on each
purchase; the Pixel sees what they leave (f0), so the true purchases are
N = R0 / (f0 * q0), and server events bring back a share of each cause's
losses. None of this creates revenue: it changes only what is reported.

The arithmetic works on plain floats (one exact calculation) and on numpy
arrays (10,000 draws, or the sensitivity's scenarios) alike.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .inputs import PLATFORMS, Inputs, prefixed

CAUSES = ("consent", "att", "adblock", "itp", "connectivity")

# Each cause of lost purchases in a marketer's words: the product's one name
# for it, on the form, in the charts, on the method page and in the API.
CAUSE_NAMES = {
    "consent": "Consent refusals",
    "att": "iOS ATT opt-outs",
    "adblock": "Ad blockers",
    "itp": "Safari cookie expiry",
    "connectivity": "Connectivity loss",
}


@dataclass(frozen=True)
class Recovery:
    """Share of each cause's lost purchases that CAPI brings back (0-1)."""

    consent: float
    att: float
    adblock: float
    itp: float
    connectivity: float


# Versions 1 and 2: the recovery rates by setup (a version may bring its own:
# ModelVersion.recovery).
RECOVERY = {
    "backend": Recovery(consent=0, att=0, adblock=0.90, itp=0.70, connectivity=0.95),
    "relay": Recovery(consent=0, att=0, adblock=0.50, itp=0.70, connectivity=0.50),
}


def loss_shares(c: Any, a: Any, b: Any, st: Any, e: Any) -> tuple[list[Any], Any]:
    """Share of true purchases lost to each cause, applied one after another.

    Returns the five shares in CAUSES order and what is left: the share the
    Pixel sees (f0). The causes overlap, so each acts only on what the causes
    before it left.
    """
    left: Any = 1.0
    shares = []
    for rate in (c, a, b, st, e):
        shares.append(left * rate)
        left = left * (1 - rate)
    return shares, left


def implied_purchases(reported: Any, seen: Any, match_before: Any) -> Any:
    """N = R0 / (f0 * q0): the purchases the platform's ads really drive each month."""
    return reported / (seen * match_before)


def reported_after(
    n: Any, seen: Any, shares: list[Any], recovery: list[Any], match_after: Any
) -> Any:
    """R1 = (N*f0 + sum of L_k*r_k) * q1."""
    back = sum(share * rate for share, rate in zip(shares, recovery, strict=True))
    return n * (seen + back) * match_after


# --- versions 1 and 2: Meta alone --------------------------------------------


@dataclass(frozen=True)
class Params:
    """Versions 1 and 2's inputs as the formulas use them: rates as fractions."""

    spend: float
    reported: float
    aov: float
    margin: float
    rates: tuple[float, float, float, float, float]  # c, a, b, s*t, e
    safari: float
    itp: float
    match_before: float
    match_after: float
    recovery: tuple[float, ...]
    acr: float | None
    gain: float
    mode: str
    ramp: int
    setup_cost: float
    monthly_cost: float
    months: int
    discount: float

    @classmethod
    def of(cls, inputs: Inputs, recovery: Mapping[str, Recovery]) -> Params:
        pct = 0.01
        s, t = inputs.safari * pct, inputs.itp * pct
        table = recovery[inputs.setup]
        return cls(
            spend=float(inputs.spend),
            reported=float(inputs.conversions),
            aov=float(inputs.aov),
            margin=inputs.margin * pct,
            rates=(
                inputs.consent * pct,
                inputs.att * pct,
                inputs.adblock * pct,
                s * t,
                inputs.connectivity * pct,
            ),
            safari=s,
            itp=t,
            match_before=inputs.match_before * pct,
            match_after=inputs.match_after * pct,
            recovery=tuple(getattr(table, cause) for cause in CAUSES),
            acr=None if inputs.acr is None else inputs.acr * pct,
            gain=0.0 if inputs.cpa_gain is None else inputs.cpa_gain * pct,
            mode=inputs.mode,
            ramp=int(inputs.ramp),
            setup_cost=float(inputs.setup_cost),
            monthly_cost=float(inputs.monthly_cost),
            months=int(inputs.months),
            discount=inputs.discount * pct,
        )


@dataclass(frozen=True)
class Measurement:
    """What the Pixel and CAPI report, for one set of inputs."""

    shares: list[float]  # the share of true purchases lost to each cause
    seen: float  # f0
    n: float  # true Meta-driven purchases a month
    after: float  # R1


def measure(p: Params) -> Measurement:
    shares, seen = loss_shares(*p.rates)
    n = implied_purchases(p.reported, seen, p.match_before)
    if p.acr is None:
        after = reported_after(n, seen, shares, list(p.recovery), p.match_after)
    else:
        after = p.reported * (1 + p.acr)
    return Measurement(shares, seen, n, after)


def true_purchases(inputs: Inputs) -> float:
    """N, the purchases Meta's ads truly drive a month: R0 / (f0 * q0)."""
    p = Params.of(inputs, RECOVERY)
    _shares, seen = loss_shares(*p.rates)
    return implied_purchases(p.reported, seen, p.match_before)


# --- version 3: each platform, by its route ------------------------------------

# Share of iOS ATT opt-outs that reach each platform's browser tag. Google
# measures iOS app-to-web clicks in aggregate (wbraid), so only part of the
# ATT loss reaches it: 0.3 is an assumption. Every other cause reaches every
# platform whole.
ATT_EXPOSURE = {"meta": 1.0, "google": 0.3, "tiktok": 1.0}

# What each route recovers (docs/model.md, "Recovery by route"). A relay or
# the Gateway that answers from another IP than the site's sets cookies that
# Safari 16.4 caps at 7 days: half of version 1's ITP recovery. The Gateway
# relays what the Pixel script sends, and block lists stop that script.
ROUTE_RECOVERY: dict[str, Recovery] = {
    "backend": RECOVERY["backend"],
    "relay_same": RECOVERY["relay"],
    "relay_third": Recovery(consent=0, att=0, adblock=0.50, itp=0.35, connectivity=0.50),
    "gateway_same": Recovery(consent=0, att=0, adblock=0.10, itp=0.70, connectivity=0.50),
    "gateway_third": Recovery(consent=0, att=0, adblock=0.10, itp=0.35, connectivity=0.50),
    "none": Recovery(consent=0, att=0, adblock=0, itp=0, connectivity=0),
}
# A Google or TikTok route left empty follows Meta's: the Gateway serves Meta alone.
FOLLOWS_SETUP = {"backend": "backend", "relay": "relay", "gateway": "none"}
RECOVERABLE = ("adblock", "itp", "connectivity")  # consent and ATT never come back


def route_key(route: str, server_ip: str) -> str:
    """The row of ROUTE_RECOVERY: a relay's or the Gateway's depends on its IP."""
    return f"{route}_{server_ip}" if route in ("relay", "gateway") else route


def route_of(inputs: Inputs, platform: str) -> str:
    """Meta's route is `setup`; another platform's is its own, or follows `setup`."""
    if platform == "meta":
        return inputs.setup
    given = getattr(inputs, prefixed(platform, "route"))
    return FOLLOWS_SETUP[inputs.setup] if given is None else given


@dataclass(frozen=True)
class Platform:
    """One platform's inputs as its formulas use them: rates as fractions."""

    name: str
    spend: float
    reported: float  # R0
    match_before: float  # q0
    match_after: float  # q1
    route: str
    recovery: tuple[float, ...]  # by cause, CAUSES order
    modelled: float  # the share of consent losses already modelled back (Google)
    exposure: float  # the share of ATT losses that reach the platform
    acr: float | None  # Meta's measured extra reported purchases
    lift_share: float  # lambda
    cpa_gain: float | None  # entered

    @property
    def serves(self) -> bool:
        """On a route that sends server events: in the pool."""
        return self.route != "none"


def spend_of(inputs: Inputs, platform: str) -> float:
    spend = getattr(inputs, prefixed(platform, "spend"))
    return 0.0 if spend is None else float(spend)


def platforms_of(inputs: Inputs, table: Mapping[str, Recovery] = ROUTE_RECOVERY) -> list[Platform]:
    """The platforms in the result (spend above 0), in PLATFORMS order."""
    found = []
    for name in PLATFORMS:
        spend = spend_of(inputs, name)
        if spend <= 0:
            continue
        route = route_of(inputs, name)
        rates = table[route_key(route, inputs.server_ip)]
        modelled = inputs.google_modelled if name == "google" else 0
        reported = getattr(inputs, prefixed(name, "conversions"))
        cpa_gain = getattr(inputs, prefixed(name, "cpa_gain"))
        found.append(
            Platform(
                name=name,
                spend=spend,
                reported=float(reported) if reported is not None else math.nan,
                match_before=getattr(inputs, prefixed(name, "match_before")) / 100,
                match_after=getattr(inputs, prefixed(name, "match_after")) / 100,
                route=route,
                recovery=tuple(getattr(rates, cause) for cause in CAUSES),
                modelled=modelled / 100,
                exposure=ATT_EXPOSURE[name],
                acr=inputs.acr / 100 if name == "meta" and inputs.acr is not None else None,
                lift_share=getattr(inputs, prefixed(name, "lift_share")) / 100,
                cpa_gain=None if cpa_gain is None else cpa_gain / 100,
            )
        )
    return found


def store_rates(inputs: Inputs) -> tuple[float, float, float, float, float]:
    """The store's loss rates as fractions, in the order they act: c, a, b, s*t, e."""
    pct = 0.01
    return (
        inputs.consent * pct,
        inputs.att * pct,
        inputs.adblock * pct,
        inputs.safari * pct * (inputs.itp * pct),
        inputs.connectivity * pct,
    )


@dataclass(frozen=True)
class PlatformMeasurement:
    """What one platform reports without and with server events; floats for
    one calculation, arrays for many scenarios."""

    shares: list[Any]  # the share of N lost to each cause, in CAUSES order
    seen: Any  # f0
    n: Any  # N, raised where a measured ACR needs it
    observed: Any  # what the browser tag sends that the platform can match: R0 / q0
    after: Any  # R1
    raised: Any  # where a measured ACR raised N

    def coverage(self, reported: float) -> tuple[Any, Any]:
        """(c0, c1): the share of true purchases the platform attributes
        without and with server events."""
        return reported / self.n, self.after / self.n


def measure_platform(
    pl: Platform, rates: tuple[Any, ...], recovery: list[Any], match_after: Any
) -> PlatformMeasurement:
    """f0, N, the losses and R1 of one platform (docs/model.md, "Each
    platform's measurement"), from the store's loss rates (c, a, b, s*t, e),
    the route's recovery by cause and the platform's match rate with server
    events."""
    c, a, b, st, e = rates
    consent = c * (1 - pl.modelled)  # what Consent Mode models back is reported already
    att = np.minimum(1.0, pl.exposure * a)
    shares, seen = loss_shares(consent, att, b, st, e)
    n = implied_purchases(pl.reported, seen, pl.match_before)
    raised: Any = False
    if not pl.serves:
        after = pl.reported + n * 0.0
    elif pl.acr is None:
        after = reported_after(n, seen, shares, recovery, match_after)
    else:
        # What Meta measured wins over the loss rates. Consent and ATT losses
        # never come back, so at most N(1-c)(1-a)q1 can be reported; a higher
        # measurement means the rates are too low, and N is raised to fit it.
        after = pl.reported * (1 + pl.acr) + n * 0.0
        kept = (1 - consent) * (1 - att) * match_after
        raised = after > n * kept
        n = np.where(raised, after / kept, n)
    # N*f0 is R0/q0, unless N was raised: then the rest is unexplained.
    observed = np.where(raised, pl.reported / pl.match_before, n * seen)
    return PlatformMeasurement(shares, seen, n, observed, after, raised)
