"""The method page's figures: version 3 explained with the model's own numbers.

Every rate, bar and worked figure the page states is read here from the model
(its tables, its constants, or a calculation at the defaults), never typed
into the template, so the page cannot drift from what the calculator does.
The template words them; the filters of ``roi_format`` write them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _

from . import charts, model
from .formatting import trimmed
from .forms import INTEGRATION_CHOICES_V3
from .summary import PLATFORM_NAMES

VERSION = 3  # the version this page explains first; older links get their own sections

# The recovery table's columns: Meta's routes with the relay's or the
# Gateway's address (a platform on "none" recovers nothing, said in words).
ROUTE_COLUMNS = (
    ("backend", "same", _("Backend")),
    ("relay", "same", _("Relay, the site's own address")),
    ("relay", "third", _("Relay, an address of its own")),
    ("gateway", "same", _("Gateway, the site's own address")),
    ("gateway", "third", _("Gateway, an address of its own")),
)
# How the cost table names a route in a narrow cell.
ROUTE_SHORT = {
    "backend": _("backend"),
    "relay": _("relay"),
    "gateway": _("Gateway"),
    "none": _("not covered"),
}
# Store sizes the typical-cost table is shown for: one in each of the
# model's volume tiers, so every step of a price shows.
VOLUMES = (500, 5_000, 50_000)
# The page's own rules for the holdout planner's words (docs/model.md, "The
# holdout planner, version 3"): never a test shorter than 15 days, and past
# 26 weeks "no test at your volume can show this"; GeoLift's least regions.
SHORTEST_TEST_DAYS = 15
LONGEST_TEST_WEEKS = 26
GEOLIFT_REGIONS = 20


@dataclass(frozen=True)
class CauseRates:
    """One cause of lost purchases and what each route recovers of it."""

    label: str
    rates: tuple[float, ...]  # in ROUTE_COLUMNS order


@dataclass(frozen=True)
class RouteFigures:
    """Meta at the default inputs on one route: what it reports and the lift counted."""

    label: str
    recovered_share: float  # G
    coverage_after: float  # c1
    anchor: float
    cpa_gain: float  # p-hat


@dataclass(frozen=True)
class CostRow:
    """One integration's typical costs, by platforms served and store size."""

    label: str
    routes: tuple[str, str, str]  # Meta, Google Ads, TikTok, in words
    setup_one: float  # with Meta alone
    setup_all: float  # a store on all three platforms
    monthly: tuple[float, ...]  # at each of VOLUMES
    published: bool  # a vendor's published price, not our estimate


def _times(value: float) -> str:
    """A ROAS bar as a multiple, without trailing zeros: '0.25×', '25×'."""
    return f"{trimmed(value, 2)}×"


def _version() -> model.ModelVersion:
    return model.VERSIONS[VERSION]


def recovery_table() -> list[CauseRates]:
    """Each cause by its one name, with the share each route recovers."""
    table = model.recovery_rates(VERSION)
    keys = [route if route == "backend" else f"{route}_{ip}" for route, ip, _label in ROUTE_COLUMNS]
    return [
        CauseRates(
            str(charts.CAUSE_LABELS[cause]),
            tuple(getattr(table[key], cause) for key in keys),
        )
        for cause in model.CAUSES
    ]


def route_figures() -> list[RouteFigures]:
    """What each route gives Meta at the default inputs."""
    found = []
    for route, ip, label in ROUTE_COLUMNS:
        inputs = replace(model.DEFAULTS, setup=route, server_ip=ip)
        meta = _version().compute(inputs).platforms["meta"]
        found.append(
            RouteFigures(
                str(label),
                meta.recovered_share,
                meta.coverage_after,
                meta.lift_ceiling,
                meta.estimated_cpa_gain,
            )
        )
    return found


def cost_rows() -> list[CostRow]:
    """Every integration's typical costs from the model's table, for Meta
    alone and for a store on all three platforms, at each of VOLUMES."""
    labels = dict(INTEGRATION_CHOICES_V3)
    every_platform = {
        "google_spend": 1.0,
        "google_conversions": 1.0,
        "tiktok_spend": 1.0,
        "tiktok_conversions": 1.0,
    }
    rows = []
    for key, routes in model.ROUTES_OF.items():
        alone = replace(model.DEFAULTS, orders=VOLUMES[0])
        everywhere = replace(alone, **every_platform)
        rows.append(
            CostRow(
                str(labels[key]),
                tuple(str(ROUTE_SHORT[r]) for r in (routes.setup, routes.google, routes.tiktok)),
                model.typical_costs(key, alone)[0],
                model.typical_costs(key, everywhere)[0],
                tuple(
                    model.typical_costs(key, replace(alone, orders=volume))[1] for volume in VOLUMES
                ),
                key == "managed",
            )
        )
    return rows


def spread_ends(name: str) -> tuple[float, float]:
    """A drawn rate's ends as multiples of the visitor's value (0.5 and 1.5)."""
    spread = model.SPREADS[name]
    return spread.low(1.0, model.DEFAULTS), spread.high(1.0, model.DEFAULTS)


def match_ends() -> tuple[float, float]:
    """How many points below and above the visitor's match rate with server
    events its draws reach (never below the rate without them)."""
    spread = model.SPREADS["match_after"]
    lowest = replace(model.DEFAULTS, match_before=model.LIMITS["match_before"].low)
    top = model.LIMITS["match_after"].high
    return top - spread.low(top, lowest), spread.high(top, lowest) - top


def acr_ceiling(meta: model.PlatformResults, inputs: model.Inputs) -> float:
    """The most extra reported purchases the loss rates allow Meta,
    N (1 - c)(1 - a) q1 / R0 - 1: consent and ATT losses never come back."""
    kept = (1 - inputs.consent / 100) * (1 - inputs.att / 100) * inputs.match_after / 100
    return meta.true_conversions * kept / meta.reported_before - 1


# An input no store has, as the guards section shows it: nearly every buyer
# refusing consent.
EXTREME_CONSENT = 95


def method_context() -> dict[str, object]:
    """Everything the method page states about version 3, from the model."""
    defaults = model.DEFAULTS
    results = _version().compute(defaults)
    meta = results.platforms["meta"]
    extreme = _version().compute(replace(defaults, consent=EXTREME_CONSENT)).platforms["meta"]
    theta = model.THETA
    z_power = model.Z_POWER
    fast, slow = spread_ends("adblock")
    _near, wide = spread_ends("safari")
    below, above = match_ends()
    return {
        "platform_names": PLATFORM_NAMES,
        "route_columns": [label for _route, _ip, label in ROUTE_COLUMNS],
        "recovery_v3": recovery_table(),
        "routes": route_figures(),
        "costs": cost_rows(),
        "volumes": VOLUMES,
        "v3": {
            "theta": theta,
            "ceiling": theta / (1 + theta),  # from no data at all to all of it
            "meta_share": defaults.lift_share / 100,
            "google_share": defaults.google_lift_share / 100,
            "tiktok_share": defaults.tiktok_lift_share / 100,
            "google_att_exposure": model.ATT_EXPOSURE["google"],
            "google_match_before": defaults.google_match_before / 100,
            "google_match_after": defaults.google_match_after / 100,
            "inputs": defaults,
            "defaults": meta,
            "acr_ceiling": acr_ceiling(meta, defaults),
            "extreme_consent": EXTREME_CONSENT / 100,
            "extreme_purchases": extreme.true_conversions,
            "cpa_gain_max": model.LIMITS_V3["cpa_gain"].high / 100,
            "results": results,
            "holdout": results.holdout,
            "sees_too_little": model.SEES_TOO_LITTLE,
            "at_most_double": model.AT_MOST_DOUBLE,
            "recovery_evidence": model.RECOVERY_EVIDENCE,
            "most_orders": model.MOST_ORDERS,
            "roas_floor": _times(model.ROAS_FLOOR),
            "roas_ceiling": _times(model.ROAS_CEILING["meta"]),
            "roas_ceiling_google": _times(model.ROAS_CEILING["google"]),
            "z_alpha": model.Z_ONE_SIDED - z_power,
            "z_power": z_power,
            "shortest_days": SHORTEST_TEST_DAYS,
            "longest_weeks": LONGEST_TEST_WEEKS,
            "geolift_regions": GEOLIFT_REGIONS,
            "draws": model.DRAWS,
            "lift_low": model.LIFT_LOW,
            "lift_high": model.LIFT_HIGH,
            "unsure_high": model.UNSURE_SHARE[2],
            "recovery_low": model.RECOVERY_SPREAD[0],
            "recovery_high": model.RECOVERY_SPREAD[2],
            "rate_low": fast,
            "rate_high": slow,
            "share_spread": wide - 1,  # Safari share and consent: plus or minus this
            "match_below": below,
            "match_above": above,
            "managed_base": model.MANAGED_BASE,
            "managed_included": model.MANAGED_INCLUDED,
            "managed_per_order": model.MANAGED_PER_ORDER,
        },
    }
