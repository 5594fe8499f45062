"""Measurement: the purchases each cause hides, and what server events recover.

docs/model.md, "Measurement". The causes act one after another on each
purchase; the Pixel sees what they leave (f0), so the true purchases are
N = R0 / (f0 * q0), and server events bring back a share of each cause's
losses. None of this creates revenue: it changes only what is reported.

The arithmetic works on plain floats (one exact calculation) and on numpy
arrays (10,000 draws, or the sensitivity's scenarios) alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .inputs import Inputs

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
