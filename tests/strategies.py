"""Hypothesis strategies shared by the model's property tests."""

from __future__ import annotations

from hypothesis import strategies as st

from calculator import roi


def _in(name: str) -> st.SearchStrategy[float]:
    limit = roi.LIMITS[name]
    if limit.integer:
        return st.integers(int(limit.low), int(limit.high))
    if limit.cents:
        low = round(limit.low * 100)
        return st.integers(low, round(limit.high * 100)).map(lambda cents: cents / 100)
    return st.floats(limit.low, limit.high, allow_nan=False, allow_infinity=False)


@st.composite
def valid_inputs(draw: st.DrawFn) -> roi.Inputs:
    values = {name: draw(_in(name)) for name in roi.LIMITS if name not in ("acr",)}
    values["match_after"] = draw(st.floats(values["match_before"], 100))
    values["acr"] = draw(st.none() | _in("acr"))
    values["setup"] = draw(st.sampled_from(roi.SETUPS))
    values["mode"] = draw(st.sampled_from(roi.MODES))
    values["currency"] = draw(st.sampled_from(roi.CURRENCIES))
    return roi.Inputs(**values)
