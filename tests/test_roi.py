"""Model version 1 against docs/model.md: hand-checked figures and invariants."""

from __future__ import annotations

import ast
import math
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from calculator import model
from tests.strategies import valid_inputs

D = model.DEFAULTS_V1  # version 1: its lift is entered (5%)


def approx(value: float, rel: float = 1e-9) -> object:
    return pytest.approx(value, rel=rel, abs=1e-9)


class TestDefaultsMatchModelMd:
    """The figures docs/model.md quotes for its defaults."""

    r = model.compute_v1(D)

    def test_true_purchases(self):
        f0 = (1 - 0.0) * (1 - 0.05) * (1 - 0.08) * (1 - 0.30 * 0.20) * (1 - 0.02)
        assert self.r.true_conversions == approx(400 / (f0 * 0.85))
        assert round(self.r.true_conversions, 2) == 584.49

    def test_recovered_purchases(self):
        assert round(self.r.recovered, 2) == 97.85
        assert round(self.r.recovered_share, 3) == 0.245

    def test_discrepancy(self):
        assert round(self.r.discrepancy_before, 3) == 0.316
        assert round(self.r.discrepancy_after, 3) == 0.148

    def test_monthly_benefit(self):
        assert round(self.r.monthly_benefit, 2) == 984.40

    def test_roi_payback_npv(self):
        assert round(self.r.roi, 2) == 3.19
        assert self.r.payback_month == 3
        assert round(self.r.npv) == 8094

    def test_breakevens(self):
        assert round(self.r.breakeven_cpa_gain, 4) == 0.0124
        assert round(self.r.breakeven_spend) == 4770

    def test_losses_by_cause(self):
        n = self.r.true_conversions
        assert self.r.losses["consent"] == 0
        assert self.r.losses["att"] == approx(n * 0.05)
        assert self.r.losses["adblock"] == approx(n * 0.95 * 0.08)
        assert self.r.losses["itp"] == approx(n * 0.95 * 0.92 * 0.06)
        assert self.r.losses["connectivity"] == approx(n * 0.95 * 0.92 * 0.94 * 0.02)

    def test_reported_and_true_cpa_and_roas(self):
        r = self.r
        assert r.reported_cpa_before == 50
        assert r.reported_cpa_after == approx(20000 / r.reported_after)
        assert r.reported_roas_before == approx(1.6)
        assert r.reported_roas_after == approx(r.reported_after * 80 / 20000)
        assert r.true_cpa_after == approx(r.true_cpa_before * 0.95)

    def test_cash_flows(self):
        r = self.r
        assert len(r.cash_flows) == 13
        assert r.cash_flows[0] == -1500
        assert r.cash_flows[1] == approx(r.monthly_benefit * 0.5 - 100)
        assert r.cash_flows[2] == approx(r.monthly_benefit - 100)
        assert r.cumulative[-1] == approx(r.net)
        assert r.total_cost == 2700
        assert r.total_benefit == approx(r.monthly_benefit * 11.5)


class TestHandCheckedSaveModeRelay:
    """Round numbers worked out by hand from docs/model.md's formulas."""

    inputs = model.Inputs(
        spend=10000,
        conversions=100,
        aov=50,
        margin=50,
        consent=40,
        att=0,
        adblock=10,
        safari=0,
        itp=0,
        connectivity=0,
        match_before=100,
        match_after=100,
        setup="relay",
        cpa_gain=10,
        mode="save",
        ramp=0,
        setup_cost=1000,
        monthly_cost=0,
        months=2,
        discount=0,
    )
    r = model.compute_v1(inputs)

    def test_measurement(self):
        # f0 = 0.6 * 0.9 = 0.54; N = 100 / 0.54
        assert self.r.true_conversions == approx(100 / 0.54)
        assert self.r.losses["consent"] == approx(100 / 0.54 * 0.4)
        assert self.r.losses["adblock"] == approx(100 / 0.54 * 0.6 * 0.1)
        # relay brings back half the blocked purchases, none of the refused consents
        assert self.r.recovered == approx(100 / 0.54 * 0.06 * 0.5)

    def test_money(self):
        r = self.r
        assert r.incremental_conversions == 0
        assert r.monthly_benefit == approx(1000)
        assert r.cash_flows == [-1000, approx(1000), approx(1000)]
        assert r.cumulative == [-1000, approx(0), approx(1000)]
        assert r.payback_month == 1  # cumulative 0 counts as paid back
        assert r.net == approx(1000)
        assert r.roi == approx(1.0)
        assert r.npv == approx(1000)
        assert r.breakeven_cpa_gain == approx(0.05)
        assert r.breakeven_spend == approx(5000)


class TestEdges:
    def test_acr_replaces_the_recovery_estimate(self):
        r = model.compute_v1(replace(D, acr=39.1))
        assert r.reported_after == approx(400 * 1.391)
        assert r.recovered_share == approx(0.391)

    def test_zero_cost_has_no_roi(self):
        r = model.compute_v1(replace(D, setup_cost=0, monthly_cost=0))
        assert r.roi is None
        assert r.breakeven_cpa_gain == 0

    def test_no_gain_never_pays_back(self):
        r = model.compute_v1(replace(D, cpa_gain=0))
        assert r.payback_month is None
        assert r.breakeven_spend is None
        assert r.net == -2700

    def test_zero_margin_has_no_breakeven_gain(self):
        assert model.compute_v1(replace(D, margin=0)).breakeven_cpa_gain is None

    def test_save_mode_breakeven_beyond_reach_is_null(self):
        r = model.compute_v1(replace(D, mode="save", spend=100, setup_cost=1e6))
        assert r.breakeven_cpa_gain is None

    def test_ramp_weights(self):
        assert model.ramp_weights(0, 3) == [1, 1, 1]
        assert model.ramp_weights(3, 5) == [0.25, 0.5, 0.75, 1, 1]

    def test_discount_lowers_npv(self):
        assert model.compute_v1(replace(D, discount=30)).npv < model.compute_v1(D).npv

    def test_invalid_inputs_are_refused_by_the_model(self):
        with pytest.raises(ValueError, match="match_after"):
            model.report(replace(D, match_after=50))


class TestUncertainty:
    def test_defaults_range_brackets_the_point_estimate(self):
        u = model.uncertainty_v1(D)
        point = model.compute_v1(D)
        assert u.draws == 10_000
        assert u.net.p10 < point.net < u.net.p90
        assert u.monthly_benefit.p10 < point.monthly_benefit < u.monthly_benefit.p90
        assert 0.9 < u.probability_positive < 1

    def test_currency_does_not_move_the_range(self):
        assert model.uncertainty_v1(D) == model.uncertainty_v1(replace(D, currency="EUR"))

    def test_other_inputs_move_the_range(self):
        assert model.uncertainty_v1(D) != model.uncertainty_v1(replace(D, adblock=9))

    def test_zero_cost_range_has_no_roi(self):
        u = model.uncertainty_v1(replace(D, setup_cost=0, monthly_cost=0))
        assert u.roi == model.Band(None, None, None)

    def test_measured_acr_gives_a_fixed_recovery(self):
        u = model.uncertainty_v1(replace(D, acr=20))
        assert u.recovered.p10 == u.recovered.p90 == approx(80)


class TestSensitivity:
    def test_sorted_by_swing_and_led_by_the_cpa_gain(self):
        swings = model.sensitivity_v1(D)
        assert [s.swing for s in swings] == sorted((s.swing for s in swings), reverse=True)
        assert swings[0].input == "cpa_gain"
        assert swings[0].net_low == -2700  # no lift: the costs alone

    def test_measurement_inputs_do_not_move_net(self):
        by_name = {s.input: s for s in model.sensitivity_v1(D)}
        assert by_name["recovery"].swing == 0
        assert by_name["match_after"].swing == 0
        assert by_name["match_after"].low_value == 85  # max(match_before, 92 - 8)

    def test_each_end_is_the_model_at_that_value(self):
        by_name = {s.input: s for s in model.sensitivity_v1(D)}
        assert by_name["adblock"].net_high == approx(model.compute_v1(replace(D, adblock=12)).net)
        assert by_name["safari"].net_low == approx(model.compute_v1(replace(D, safari=21)).net)


class TestVersions:
    def test_report_carries_its_version(self):
        assert model.report(D, 1).model_version == 1
        assert model.report(model.DEFAULTS).model_version == 3
        assert model.report(model.DEFAULTS, 2).model_version == 2

    def test_a_version_is_never_replaced(self):
        with pytest.raises(ValueError, match="model version 1 exists already"):
            model.register(model.ModelVersion(1))


def test_model_imports_no_django():
    """Every module of the model package: numpy and the standard library only."""
    package = Path(model.__file__).parent
    modules = set()
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
    assert "django" not in modules
    assert modules <= {
        "__future__",
        "hashlib",
        "math",
        "collections",
        "dataclasses",
        "typing",
        "numpy",
    }


# --- property tests -------------------------------------------------------------


class TestInvariants:
    @given(valid_inputs())
    def test_losses_plus_observed_are_the_true_purchases(self, inputs):
        r = model.compute_v1(inputs)
        total = r.pixel_observed + math.fsum(r.losses.values())
        assert total == pytest.approx(r.true_conversions, rel=1e-9)

    @given(valid_inputs())
    def test_every_figure_is_finite(self, inputs):
        r = model.compute_v1(inputs)
        for value in (r.true_conversions, r.recovered, r.net, r.npv, r.monthly_benefit):
            assert math.isfinite(value)
        assert all(math.isfinite(v) for v in r.cumulative)

    @given(valid_inputs())
    def test_recovery_is_never_negative(self, inputs):
        assert model.compute_v1(inputs).recovered >= -1e-9 * inputs.conversions

    @settings(max_examples=30, deadline=None)
    @given(valid_inputs())
    def test_percentiles_are_ordered_and_repeatable(self, inputs):
        u = model.uncertainty_v1(inputs, draws=500)
        for band in (u.recovered, u.monthly_benefit, u.net):
            assert band.p10 <= band.p50 <= band.p90
        assert u == model.uncertainty_v1(inputs, draws=500)

    @given(valid_inputs(), st.floats(0, 50), st.floats(0, 50))
    def test_net_grows_with_the_cpa_gain(self, inputs, g1, g2):
        low, high = sorted((g1, g2))
        assert model.compute_v1(replace(inputs, cpa_gain=low)).net <= model.compute_v1(
            replace(inputs, cpa_gain=high)
        ).net + 1e-9 * abs(model.compute_v1(inputs).net)

    @given(valid_inputs())
    def test_net_is_zero_at_the_breakeven_gain(self, inputs):
        gain = model.compute_v1(inputs).breakeven_cpa_gain
        assume(gain is not None and gain * 100 <= 50)
        r = model.compute_v1(replace(inputs, cpa_gain=gain * 100))
        assert r.net == pytest.approx(0, abs=1e-6 * max(1.0, r.total_cost))

    @given(valid_inputs())
    def test_net_is_zero_at_the_breakeven_spend(self, inputs):
        r = model.compute_v1(inputs)
        assume(r.breakeven_spend is not None)
        # Everything else unchanged, reported CPA included: purchases scale with spend.
        scale = r.breakeven_spend / inputs.spend
        assume(1e-6 < scale < 1e6)  # beyond that, no real business; floats lose the zero
        at = model.compute_v1(
            replace(inputs, spend=r.breakeven_spend, conversions=inputs.conversions * scale)
        )
        assert at.net == pytest.approx(0, abs=1e-6 * max(1.0, r.total_cost))


class TestNearZeroAmounts:
    """Valid inputs a few hundred zeros from 0, found by the property tests."""

    def test_a_tiny_margin_has_no_breakeven_gain(self):
        r = model.compute_v1(replace(D, margin=2.2250738585e-313, setup_cost=0, monthly_cost=1))
        assert r.breakeven_cpa_gain is None
