"""The holdout planner: what a test/control test could prove at a store's volume."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calculator import model

D = model.DEFAULTS

# Worked by hand at the defaults: N = 584.49 true purchases a month (docs/model.md).
N = 584.4881
PER_WEEK = N * 12 / 52  # 134.88
Z = 1.959964 + 0.841621  # 2.801585


class TestByHand:
    plan = model.report(D, 2).holdout

    def test_purchases_a_week(self):
        assert self.plan.purchases_per_week == pytest.approx(134.88, abs=0.01)
        assert (self.plan.weeks, self.plan.share) == (8, 0.5)

    def test_an_8_week_even_test_detects_about_15_7_percent(self):
        # SE = sqrt(2 / (134.88 * 8 * 0.5)) = 0.06089; 1 - exp(-2.8016 * 0.06089) = 0.1568
        se = math.sqrt(1 / (PER_WEEK * 8 * 0.5) * 2)
        assert se == pytest.approx(0.06089, abs=1e-5)
        assert self.plan.mde_cpa_gain == pytest.approx(1 - math.exp(-Z * se), rel=1e-6)
        assert round(self.plan.mde_cpa_gain, 3) == 0.157

    def test_weeks_to_prove_the_expected_lift_and_the_breakeven(self):
        # z^2 * (2 + 2) = 31.396; ln(1 / (1 - 0.04893))^2 = 0.0025169; / 134.88 -> 92.5 weeks
        assert self.plan.weeks_for_expected == pytest.approx(92.5, abs=0.1)
        # ln(1 / (1 - 0.012397))^2 = 1.5563e-4 -> 1,496 weeks
        assert self.plan.weeks_for_breakeven == pytest.approx(1496, abs=1)

    def test_an_entered_lift_is_the_one_to_prove(self):
        plan = model.report(replace(D, cpa_gain=10), 2).holdout
        hand = Z**2 * 4 / (PER_WEEK * math.log(1 / 0.9) ** 2)
        assert plan.weeks_for_expected == pytest.approx(hand, rel=1e-4)

    def test_an_uneven_split_needs_more_weeks(self):
        plan = model.report(replace(D, holdout_share=20), 2).holdout
        # 1/0.2 + 1/0.8 = 6.25 against 4 for an even split.
        assert plan.weeks_for_breakeven == pytest.approx(1495.7 * 6.25 / 4, rel=1e-3)

    def test_nothing_to_prove_is_none(self):
        assert model.weeks_for(0, PER_WEEK, 0.5) is None
        assert model.weeks_for(None, PER_WEEK, 0.5) is None
        free = model.report(replace(D, setup_cost=0, monthly_cost=0), 2).holdout
        assert free.weeks_for_breakeven is None  # the break-even is 0

    def test_version_1_links_get_a_planner_too(self):
        plan = model.report(model.DEFAULTS_V1, 1).holdout
        assert plan.weeks_for_expected == pytest.approx(
            Z**2 * 4 / (PER_WEEK * math.log(1 / 0.95) ** 2), rel=1e-4
        )


per_week = st.floats(0.01, 1e7)
share = st.floats(0.1, 0.9)
gain = st.floats(0.0001, 0.5)


class TestProperties:
    @given(per_week, share, st.integers(1, 104), st.integers(1, 104))
    def test_more_weeks_never_raise_the_detectable_effect(self, n, h, w1, w2):
        short, long = sorted((w1, w2))
        assert model.detectable_cpa_gain(n, long, h) <= model.detectable_cpa_gain(n, short, h)

    @given(per_week, share, gain)
    def test_an_even_split_needs_the_fewest_weeks(self, n, h, p):
        even = model.weeks_for(p, n, 0.5)
        other = model.weeks_for(p, n, h)
        assert even <= other * (1 + 1e-12)

    @given(per_week, share, gain, gain)
    def test_weeks_fall_as_the_effect_rises(self, n, h, p1, p2):
        small, large = sorted((p1, p2))
        assert model.weeks_for(large, n, h) <= model.weeks_for(small, n, h) * (1 + 1e-12)

    @given(per_week, share, gain)
    def test_a_test_of_the_needed_length_detects_the_effect(self, n, h, p):
        weeks = model.weeks_for(p, n, h)
        assert model.detectable_cpa_gain(n, weeks, h) == pytest.approx(p, rel=1e-9)
