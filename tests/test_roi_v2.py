"""Model version 2 against docs/model.md: figures worked by hand, and invariants."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from calculator import model
from tests.strategies import valid_inputs

D = model.DEFAULTS  # version 2: no cpa_gain, so the lift is estimated


def approx(value: float, rel: float = 1e-9) -> object:
    return pytest.approx(value, rel=rel, abs=1e-9)


# The defaults worked by hand from the formulas, step by step.
F0 = (1 - 0.05) * (1 - 0.08) * (1 - 0.30 * 0.20) * (1 - 0.02)  # no consent refusals
N = 400 / (F0 * 0.85)
L_ADBLOCK = N * 0.95 * 0.08
L_ITP = N * 0.95 * 0.92 * 0.06
L_CONNECTIVITY = N * 0.95 * 0.92 * 0.94 * 0.02
R1 = (N * F0 + 0.90 * L_ADBLOCK + 0.70 * L_ITP + 0.95 * L_CONNECTIVITY) * 0.92
G = R1 / 400 - 1
P = 0.20 * G  # under the 25% cap
BENEFIT = N * P / (1 - P) * 80 * 0.40
WEIGHTS = 0.5 + 11  # ramp of one month: half strength in month 1
COST = 1500 + 100 * 12
NET = BENEFIT * WEIGHTS - COST


class TestDefaultsWorkedByHand:
    r = model.compute_v2(D)

    def test_the_hand_figures_are_the_documented_ones(self):
        assert round(N, 2) == 584.49
        assert round(R1 - 400, 2) == 97.85
        assert round(G, 4) == 0.2446
        assert round(P, 5) == 0.04893
        assert round(BENEFIT, 2) == 962.19
        assert round(NET) == 8365

    def test_signal_gain_and_estimated_lift(self):
        assert self.r.signal_gain == approx(G)
        assert self.r.signal_gain == approx(self.r.recovered_share)
        assert self.r.estimated_cpa_gain == approx(P)
        assert self.r.cpa_gain == approx(P)
        assert self.r.cpa_gain_source == "signal"

    def test_money(self):
        assert self.r.incremental_conversions == approx(N * P / (1 - P))
        assert self.r.monthly_benefit == approx(BENEFIT)
        assert self.r.net == approx(NET)
        assert self.r.roi == approx(NET / COST)
        assert round(self.r.roi, 2) == 3.10
        assert self.r.true_cpa_after == approx(20000 / N * (1 - P))

    def test_payback_npv_and_breakevens(self):
        # Cumulative: -1500, then -1500 + B/2 - 100 (< 0), then + B - 100 (< 0 still), ...
        assert -1500 + BENEFIT / 2 - 100 + BENEFIT - 100 < 0
        assert -1500 + BENEFIT / 2 - 100 + 2 * (BENEFIT - 100) >= 0
        assert self.r.payback_month == 3
        monthly = 1.10 ** (1 / 12) - 1
        flows = [-1500, BENEFIT / 2 - 100] + [BENEFIT - 100] * 11
        assert self.r.npv == approx(sum(f / (1 + monthly) ** j for j, f in enumerate(flows)))
        assert round(self.r.npv) == 7852
        g = COST / (N * 80 * 0.40 * WEIGHTS)
        assert self.r.breakeven_cpa_gain == approx(g / (1 + g))  # as in version 1
        assert self.r.breakeven_spend == approx(COST * 20000 / (BENEFIT * WEIGHTS))
        assert round(self.r.breakeven_spend) == 4880

    def test_no_orders_no_share_and_no_warnings(self):
        assert self.r.share_of_orders is None
        assert self.r.warnings == []

    def test_share_of_orders(self):
        assert model.compute_v2(replace(D, orders=1000)).share_of_orders == approx(N / 1000)


class TestTheLift:
    def test_an_entered_lift_overrides_the_estimate(self):
        r = model.compute_v2(replace(D, cpa_gain=8))
        assert r.cpa_gain == 0.08
        assert r.cpa_gain_source == "entered"
        assert r.estimated_cpa_gain == approx(P)  # still shown beside it
        assert r.monthly_benefit == approx(N * 0.08 / 0.92 * 32)

    def test_the_estimate_is_capped_at_a_quarter(self):
        r = model.compute_v2(replace(D, lift_slope=100, match_before=50, match_after=100))
        assert r.signal_gain * 1.0 > 0.25
        assert r.estimated_cpa_gain == 0.25

    def test_a_measured_acr_is_the_signal_gain(self):
        r = model.compute_v2(replace(D, acr=39.1))
        assert r.signal_gain == approx(0.391)
        assert r.estimated_cpa_gain == approx(0.2 * 0.391)

    def test_a_zero_slope_estimates_no_lift(self):
        r = model.compute_v2(replace(D, lift_slope=0))
        assert r.cpa_gain == 0
        assert r.monthly_benefit == 0

    def test_save_mode_saves_spend_times_the_lift(self):
        r = model.compute_v2(replace(D, mode="save"))
        assert r.monthly_benefit == approx(20000 * P)


class TestWarnings:
    def test_the_pixel_sees_under_a_fifth(self):
        # 95% refusals: f0 = 0.05 * 0.95 * 0.92 * 0.94 * 0.98, so R0/N = f0 * 0.85 < 0.2.
        r = model.compute_v2(replace(D, consent=95))
        assert 400 / r.true_conversions == approx(0.05 * F0 * 0.85)
        assert r.warnings == ["pixel_sees_under_a_fifth"]

    def test_a_lift_above_meta_average(self):
        assert model.compute_v2(replace(D, cpa_gain=13)).warnings == []
        assert model.compute_v2(replace(D, cpa_gain=13.5)).warnings == ["lift_above_meta_average"]


class TestOrdersRule:
    model = model.VERSIONS[2]

    def test_orders_below_the_implied_purchases_are_refused(self):
        assert self.model.problems(replace(D, orders=584)) == {
            "orders": "fewer than the implied Meta-driven purchases"
        }
        assert self.model.problems(replace(D, orders=585)) == {}
        with pytest.raises(ValueError, match="orders"):
            model.report(replace(D, orders=500))

    def test_version_1_has_no_orders_rule(self):
        assert model.VERSIONS[1].problems(replace(model.DEFAULTS_V1, orders=5)) == {}


class TestUncertaintyV2:
    u = model.uncertainty_v2(D)

    def test_the_range_brackets_the_estimate_and_includes_a_loss(self):
        assert self.u.net.p10 < NET < self.u.net.p90
        assert self.u.cpa_gain.p10 < P < self.u.cpa_gain.p90
        assert self.u.net.p10 < 0  # a fifth of the lift barely covers the costs
        assert self.u.probability_positive < 0.95

    def test_free_setups_can_still_lose(self):
        # Costs 0: the net is negative exactly when the drawn slope is, and a
        # triangle (-k/4, k, 2k) is below 0 with probability (k/4)^2 / (9k/4 * 5k/4) = 1/45.
        u = model.uncertainty_v2(replace(D, setup_cost=0, monthly_cost=0))
        assert u.probability_positive == pytest.approx(1 - 1 / 45, abs=0.006)
        entered = model.uncertainty_v2(replace(D, setup_cost=0, monthly_cost=0, cpa_gain=5))
        assert entered.probability_positive == pytest.approx(1 - 1 / 45, abs=0.006)

    def test_an_entered_lift_is_drawn_around_itself(self):
        u = model.uncertainty_v2(replace(D, cpa_gain=10))
        # Median of triangular(-2.5, 10, 20) in percent: above the mode's side split
        # (12.5 / 22.5 = 0.56 > 0.5), so 20 - sqrt(0.5 * 22.5 * 10) = 9.39.
        assert u.cpa_gain.p50 == pytest.approx(0.2 - math.sqrt(0.5 * 0.225 * 0.10), abs=0.002)

    def test_the_same_inputs_give_the_same_range(self):
        assert model.uncertainty_v2(D) == self.u
        assert model.uncertainty_v2(replace(D, currency="EUR")) == self.u
        assert model.uncertainty_v2(replace(D, orders=600)) == self.u
        assert model.uncertainty_v2(replace(D, adblock=9)) != self.u


class TestSensitivityV2:
    swings = {s.input: s for s in model.sensitivity_v2(D)}

    def test_the_lift_slope_leads_with_its_ends(self):
        first = model.sensitivity_v2(D)[0]
        assert first.input == "lift_slope"
        assert (first.low_value, first.high_value) == (-5, 40)
        low_p, high_p = -0.05 * G, 0.40 * G
        assert first.net_low == approx(N * low_p / (1 - low_p) * 32 * WEIGHTS - COST)
        assert first.net_high == approx(N * high_p / (1 - high_p) * 32 * WEIGHTS - COST)

    def test_recovery_and_match_rate_now_move_profit(self):
        assert self.swings["recovery"].swing > 0
        assert self.swings["match_after"].swing > 0
        assert self.swings["match_after"].low_value == 85
        assert self.swings["match_after"].high_value == 96

    def test_each_end_is_the_model_at_that_value(self):
        adblock = model.compute_v2(replace(D, adblock=12)).net
        assert self.swings["adblock"].net_high == approx(adblock)
        match = model.compute_v2(replace(D, match_after=96)).net
        assert self.swings["match_after"].net_high == approx(match)

    def test_consent_moves_profit_through_the_true_purchases(self):
        swing = {s.input: s for s in model.sensitivity_v2(replace(D, consent=40))}["consent"]
        assert swing.net_high > swing.net_low  # more refusals: a bigger true business
        assert swing.net_high == approx(model.compute_v2(replace(D, consent=52)).net)

    def test_an_entered_lift_is_ranked_as_such_and_clipped(self):
        swings = {s.input: s for s in model.sensitivity_v2(replace(D, cpa_gain=40))}
        assert "lift_slope" not in swings
        assert (swings["cpa_gain"].low_value, swings["cpa_gain"].high_value) == (-10, 50)


# --- properties ------------------------------------------------------------------


def v2_inputs() -> st.SearchStrategy[model.Inputs]:
    """Valid inputs with the lift left to the estimate, and no orders."""
    return valid_inputs().map(lambda i: replace(i, cpa_gain=None, orders=None))


def scaled_recovery(factor: float) -> dict[str, model.Recovery]:
    return {
        setup: model.Recovery(
            **{cause: min(1.0, getattr(table, cause) * factor) for cause in model.CAUSES}
        )
        for setup, table in model.RECOVERY.items()
    }


class TestInvariantsV2:
    @given(v2_inputs(), st.floats(0, 95), st.floats(0, 50))
    def test_the_signal_gain_does_not_depend_on_consent_or_att(self, inputs, consent, att):
        other = model.compute_v2(replace(inputs, consent=consent, att=att)).signal_gain
        assert other == pytest.approx(model.compute_v2(inputs).signal_gain, rel=1e-9, abs=1e-12)

    @given(v2_inputs(), st.floats(1, 2))
    def test_more_recovery_never_lowers_the_estimate(self, inputs, factor):
        base = model.compute_v2(inputs).estimated_cpa_gain
        more = model.compute_v2(inputs, scaled_recovery(factor)).estimated_cpa_gain
        assert more >= base - 1e-12

    @given(v2_inputs(), st.floats(0, 50), st.floats(0, 100), st.floats(0, 100))
    def test_an_entered_lift_ignores_the_slope(self, inputs, gain, k1, k2):
        first = model.compute_v2(replace(inputs, cpa_gain=gain, lift_slope=k1))
        second = model.compute_v2(replace(inputs, cpa_gain=gain, lift_slope=k2))
        assert first.net == second.net
        assert first.cpa_gain == pytest.approx(gain / 100, rel=1e-12, abs=1e-15)

    @given(v2_inputs())
    def test_the_estimate_is_between_zero_and_the_cap(self, inputs):
        r = model.compute_v2(inputs)
        assert 0 <= r.estimated_cpa_gain <= 0.25
        assert r.estimated_cpa_gain == pytest.approx(
            min(0.25, inputs.lift_slope / 100 * r.signal_gain), rel=1e-12, abs=1e-15
        )

    @given(v2_inputs(), st.floats(0.5, 2.0))
    def test_the_orders_rule_refuses_exactly_too_few_orders(self, inputs, ratio):
        implied = model.true_purchases(inputs)
        orders = implied * ratio
        assume(1 <= orders <= 1e8 and abs(ratio - 1) >= 1e-9)
        problems = model.VERSIONS[2].problems(replace(inputs, orders=orders))
        assert ("orders" in problems) == (ratio < 1)

    @settings(max_examples=40, deadline=None)
    @given(v2_inputs())
    def test_free_setups_show_a_chance_of_loss(self, inputs):
        free = replace(inputs, setup_cost=0, monthly_cost=0)
        assume(model.compute_v2(free).net > 0)  # else nothing to lose: no lift, or no margin
        u = model.uncertainty_v2(free, draws=2000)
        assert u.probability_positive < 1
        assert u.net.p10 <= u.net.p50 <= u.net.p90

    @settings(max_examples=40, deadline=None)
    @given(v2_inputs())
    def test_every_swing_is_finite_and_sorted(self, inputs):
        swings = model.sensitivity_v2(inputs)
        assert [s.swing for s in swings] == sorted((s.swing for s in swings), reverse=True)
        assert all(math.isfinite(s.net_low) and math.isfinite(s.net_high) for s in swings)
