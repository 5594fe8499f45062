"""Hypothesis strategies shared by the model's property tests."""

from __future__ import annotations

from hypothesis import assume
from hypothesis import strategies as st

from calculator import model


def _in(name: str) -> st.SearchStrategy[float]:
    limit = model.LIMITS[name]
    if limit.integer:
        return st.integers(int(limit.low), int(limit.high))
    if limit.cents:
        low = round(limit.low * 100)
        return st.integers(low, round(limit.high * 100)).map(lambda cents: cents / 100)
    return st.floats(limit.low, limit.high, allow_nan=False, allow_infinity=False)


@st.composite
def valid_inputs(draw: st.DrawFn) -> model.Inputs:
    values = {name: draw(_in(name)) for name in model.LIMITS if name not in ("acr",)}
    values["match_after"] = draw(st.floats(values["match_before"], 100))
    values["acr"] = draw(st.none() | _in("acr"))
    values["setup"] = draw(st.sampled_from(model.SETUPS))
    values["mode"] = draw(st.sampled_from(model.MODES))
    values["currency"] = draw(st.sampled_from(model.CURRENCIES))
    return model.Inputs(**values)


def _in_v3(name: str, high: float | None = None) -> st.SearchStrategy[float]:
    limit = model.LIMITS_V3[name]
    top = limit.high if high is None else high
    if limit.integer:
        return st.integers(int(limit.low), int(top))
    if limit.cents:
        return st.integers(round(limit.low * 100), round(top * 100)).map(lambda c: c / 100)
    return st.floats(limit.low, top, allow_nan=False, allow_infinity=False)


@st.composite
def platform_values(draw: st.DrawFn, platform: str) -> dict[str, object]:
    """One other platform's inputs, with spend (so it is in the result)."""
    key = f"{platform}_{{}}".format
    before = draw(st.floats(30, 100))
    values = {
        key("spend"): draw(st.integers(100, 10_000_000).map(lambda c: c / 100)),
        key("conversions"): draw(st.floats(1, 1e5)),
        key("match_before"): before,
        key("match_after"): draw(st.floats(before, 100)),
        key("route"): draw(st.none() | st.sampled_from(model.ROUTES)),
        key("lift_share"): draw(_in_v3(key("lift_share"))),
        key("cpa_gain"): draw(st.none() | _in_v3(key("cpa_gain"))),
    }
    if platform == "google":
        values["google_modelled"] = draw(_in_v3("google_modelled"))
    return values


@st.composite
def valid_inputs_v3(draw: st.DrawFn) -> model.Inputs:
    """Version 3 inputs that pass its rules: loss rates a store could have
    (the rules refuse a platform that would see under a fifth of its
    purchases), Meta and any of Google and TikTok."""
    values: dict[str, object] = {
        name: draw(_in_v3(name))
        for name in ("aov", "margin", "ramp", "months", "discount", "holdout_weeks")
    }
    values |= {name: draw(st.floats(0, 30)) for name in ("consent", "adblock", "itp", "safari")}
    values |= {name: draw(st.floats(0, 15)) for name in ("att", "connectivity")}
    before = draw(st.floats(40, 100))
    values |= {
        "spend": draw(st.integers(100, 10_000_000).map(lambda c: c / 100)),
        "conversions": draw(st.floats(1, 1e5)),
        "match_before": before,
        "match_after": draw(st.floats(before, 100)),
        "setup": draw(st.sampled_from(model.SETUPS_V3)),
        "server_ip": draw(st.sampled_from(model.SERVER_IPS)),
        "mode": draw(st.sampled_from(model.MODES)),
        "acr": draw(st.none() | st.floats(0, 60)),
        "lift_share": draw(_in_v3("lift_share")),
        "cpa_gain": draw(st.none() | _in_v3("cpa_gain")),
        "setup_cost": draw(_in_v3("setup_cost", 1e5)),
        "monthly_cost": draw(_in_v3("monthly_cost", 1e4)),
        "holdout_share": draw(_in_v3("holdout_share")),
    }
    for platform in ("google", "tiktok"):
        if draw(st.booleans()):
            values |= draw(platform_values(platform))
    inputs = model.Inputs(**values)
    assume(not model.MODELS[3].problems(inputs))
    return inputs
