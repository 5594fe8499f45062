"""Model version 3 against docs/model.md: its figures worked by hand, its
worked examples, its guards, and the properties it promises.

The hand calculations below follow the document's formulas step by step in
plain Python; they never call the model's own helpers.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calculator import model
from tests.strategies import valid_inputs_v3

D = model.DEFAULTS
THETA = 0.35
Z = 1.644854 + 0.841621  # one-sided 5%, power 80%


def v3(**changes):
    return model.compute_v3(replace(D, **changes))


def rel(value, tolerance=1e-9):
    return pytest.approx(value, rel=tolerance, abs=1e-12)


# --- by hand -----------------------------------------------------------------------


def seen(c, a, b, s, t, e):
    """f0: what the causes, one after another, leave."""
    return (1 - c) * (1 - a) * (1 - b) * (1 - s * t) * (1 - e)


def by_hand(r0, q0, q1, rec, c=0.0, a=0.05, b=0.08, s=0.30, t=0.20, e=0.02):
    """N, R1, c0, c1 and the anchor of one platform, from docs/model.md."""
    f0 = seen(c, a, b, s, t, e)
    n = r0 / (f0 * q0)
    left = n * (1 - c) * (1 - a)
    l_adblock = left * b
    l_itp = left * (1 - b) * s * t
    l_conn = left * (1 - b) * (1 - s * t) * e
    r1 = (n * f0 + l_adblock * rec[0] + l_itp * rec[1] + l_conn * rec[2]) * q1
    c0, c1 = r0 / n, r1 / n
    anchor = THETA * (c1 - c0) / (1 + THETA * (1 - c0))
    return n, r1, c0, c1, anchor


BACKEND = (0.90, 0.70, 0.95)
META = by_hand(400, 0.85, 0.92, BACKEND)
WEIGHTS = 0.5 + 11  # ramp 1: month 1 at half strength, then full, for 12 months
COST = 1500 + 100 * 12


def benefit_more(n, p, aov=80, margin=0.40):
    return n * p / (1 - p) * aov * margin


class TestDefaults:
    """docs/model.md, "Figures at the defaults" (Meta alone, backend)."""

    r = model.compute_v3(D)
    meta = r.platforms["meta"]

    def test_measurement(self):
        n, r1, c0, c1, _ = META
        assert self.meta.true_conversions == rel(n)
        assert round(n, 2) == 584.49
        assert self.meta.reported_after == rel(r1)
        assert round(r1, 2) == 497.85
        assert round(self.meta.recovered_share, 4) == 0.2446
        assert (round(c0, 4), round(c1, 4)) == (0.6844, 0.8518)
        assert self.meta.coverage_before == rel(c0)
        assert self.meta.coverage_after == rel(c1)

    def test_the_anchor_and_the_lift(self):
        anchor = META[4]
        assert round(anchor, 5) == 0.05277
        assert self.meta.lift_ceiling == rel(anchor)
        assert self.meta.estimated_cpa_gain == rel(anchor / 2)
        assert round(anchor / 2, 5) == 0.02638
        assert self.meta.cpa_gain_source == "signal"
        assert self.r.expected_cpa_gain == rel(anchor / 2)

    def test_money(self):
        n, p = META[0], META[4] / 2
        benefit = benefit_more(n, p)
        net = benefit * WEIGHTS - COST
        assert round(benefit, 2) == 506.84
        assert round(net, 2) == 3128.69
        assert self.r.monthly_benefit == rel(benefit)
        assert self.r.net == rel(net)
        assert round(self.r.roi, 2) == 1.16
        assert self.r.roi == rel(net / COST)
        flows = [-1500] + [benefit * w - 100 for w in [0.5] + [1] * 11]
        rate = 1.1 ** (1 / 12) - 1
        npv = sum(flow / (1 + rate) ** j for j, flow in enumerate(flows))
        assert round(npv, 2) == 2886.78
        assert self.r.npv == rel(npv)
        paid = [sum(flows[: j + 1]) >= 0 for j in range(13)]
        assert paid.index(True) == 5 == self.r.payback_month

    def test_breakevens(self):
        n = META[0]
        g = COST / (n * 80 * 0.40 * WEIGHTS)
        assert round(g / (1 + g), 5) == 0.01240
        assert self.r.breakeven_cpa_gain == rel(g / (1 + g))
        benefit = benefit_more(n, META[4] / 2)
        spend = COST * 20000 / (benefit * WEIGHTS)
        assert round(spend, 2) == 9264.52
        assert self.r.breakeven_spend == rel(spend)

    def test_the_holdout(self):
        n, p = META[0], META[4] / 2
        g = COST / (n * 80 * 0.40 * WEIGHTS)
        breakeven = g / (1 + g)
        per_week = n * 12 / 52
        x = math.exp(Z * math.sqrt(4 / (per_week * 8))) - 1

        def weeks(effect):
            return Z**2 * 4 / (per_week * effect**2)

        h = self.r.holdout
        assert round(per_week, 2) == 134.88 == round(h.orders_per_week, 2)
        assert round(x / (1 + x), 4) == 0.1405
        assert h.mde_cpa_gain == rel(x / (1 + x))
        assert round(weeks(math.log(1 / (1 - p)))) == 256
        assert h.weeks_for_expected == rel(weeks(math.log(1 / (1 - p))))
        assert round(weeks(math.log(1 / (1 - breakeven)))) == 1178
        assert h.weeks_for_breakeven == rel(weeks(math.log(1 / (1 - breakeven))))
        gap = math.log(1 / (1 - p)) - math.log(1 / (1 - breakeven))
        assert round(weeks(gap)) == 901
        assert h.weeks_to_clear_breakeven == rel(weeks(gap))
        test_cost = 0.5 * 8 * benefit_more(n, p) * 12 / 52
        assert round(test_cost, 2) == 467.85
        assert h.test_cost == rel(test_cost)
        assert h.share_of_orders is None

    def test_nothing_is_doubtful(self):
        assert self.r.warnings == []
        assert self.meta.warnings == []
        assert list(self.r.platforms) == ["meta"]


class TestWorkedExamples:
    """docs/model.md's worked examples, all other inputs at their defaults."""

    THREE = {
        "google_spend": 10000,
        "google_conversions": 300,
        "tiktok_spend": 4000,
        "tiktok_conversions": 50,
    }

    def test_google_and_tiktok_report_more_but_earn_nothing_by_default(self):
        r = v3(**self.THREE)
        # Google: ATT reaches its tag at 0.3 of the rate; its match rates 85% -> 90%.
        f0 = seen(0, 0.3 * 0.05, 0.08, 0.30, 0.20, 0.02)
        n_google = 300 / (f0 * 0.85)
        assert round(n_google, 2) == 422.79
        google = by_hand(300, 0.85, 0.90, BACKEND, a=0.015)
        tiktok = by_hand(50, 0.85, 0.90, BACKEND)
        assert r.platforms["google"].true_conversions == rel(google[0])
        assert round(google[1], 2) == 365.27 == round(r.platforms["google"].reported_after, 2)
        assert (round(tiktok[0], 2), round(tiktok[1], 2)) == (73.06, 60.88)
        assert r.platforms["tiktok"].reported_after == rel(tiktok[1])
        assert r.platforms["google"].cpa_gain == 0 == r.platforms["tiktok"].cpa_gain
        assert round(r.net, 2) == 3128.69
        pool = META[0] + google[0] + tiktok[0]
        assert round(pool) == 1080
        g = COST / (pool * 80 * 0.40 * WEIGHTS)
        assert round(g / (1 + g), 5) == 0.00675
        assert r.breakeven_cpa_gain == rel(g / (1 + g))
        expected = META[0] * META[4] / 2 / pool
        assert round(expected, 4) == 0.0143
        assert r.expected_cpa_gain == rel(expected)

    def test_half_the_anchor_on_google_and_tiktok(self):
        r = v3(**self.THREE, google_lift_share=50, tiktok_lift_share=50)
        google = by_hand(300, 0.85, 0.90, BACKEND, a=0.015)
        tiktok = by_hand(50, 0.85, 0.90, BACKEND)
        p_google, p_tiktok = google[4] / 2, tiktok[4] / 2
        assert (round(p_google, 5), round(p_tiktok, 5)) == (0.02452, 0.02347)
        benefit = sum(
            benefit_more(n, p)
            for n, p in ((META[0], META[4] / 2), (google[0], p_google), (tiktok[0], p_tiktok))
        )
        assert round(benefit, 2) == 903.17
        assert r.monthly_benefit == rel(benefit)
        assert round(benefit * WEIGHTS - COST, 2) == 7686.44
        assert r.net == rel(benefit * WEIGHTS - COST)

    @pytest.mark.parametrize(
        ("changes", "rates", "gain", "lift", "net"),
        [
            ({"setup": "relay"}, (0.50, 0.35, 0.50), 0.1692, 0.01824, 1296.86),
            ({"setup": "relay", "server_ip": "same"}, (0.50, 0.70, 0.50), 0.1938, None, 1892.31),
            (
                {"setup": "gateway", "setup_cost": 300, "monthly_cost": 50},
                (0.10, 0.35, 0.50),
                0.1283,
                0.01384,
                2117.68,
            ),
        ],
    )
    def test_routes(self, changes, rates, gain, lift, net):
        n, r1, _c0, _c1, anchor = by_hand(400, 0.85, 0.92, rates)
        assert round(r1 / 400 - 1, 4) == gain
        if lift is not None:
            assert round(anchor / 2, 5) == lift
        cost = changes.get("setup_cost", 1500) + changes.get("monthly_cost", 100) * 12
        by_hand_net = benefit_more(n, anchor / 2) * WEIGHTS - cost
        assert round(by_hand_net, 2) == net
        assert v3(**changes).net == rel(by_hand_net)

    def test_a_small_store_cannot_pay_back_even_the_whole_effect(self):
        r = v3(spend=800, conversions=25, aov=60)
        n = 25 / (seen(0, 0.05, 0.08, 0.3, 0.2, 0.02) * 0.85)
        g = COST / (n * 60 * 0.40 * WEIGHTS)
        assert round(g / (1 + g), 3) == 0.211
        assert g / (1 + g) > META[4]  # the anchor does not depend on the volume
        assert r.warnings == ["breakeven_above_ceiling"]

    def test_a_median_acr_raises_n(self):
        most = 0.95 * 0.92 / (400 / META[0]) - 1  # R1max / R0 - 1
        assert round(most, 3) == 0.277
        meta = v3(acr=39.1).platforms["meta"]
        raised = 400 * 1.391 / (0.95 * 0.92)
        assert round(raised, 1) == 636.6
        assert meta.true_conversions == rel(raised)
        assert meta.warnings == ["acr_above_modelled_losses"]
        assert meta.pixel_observed == rel(400 / 0.85)
        named = sum(v for k, v in meta.losses.items() if k != "unexplained")
        assert meta.losses["unexplained"] == rel(raised - 400 / 0.85 - named)
        assert meta.losses["att"] == rel(raised * 0.05)

    def test_an_acr_the_rates_allow_keeps_n(self):
        meta = v3(acr=20).platforms["meta"]
        assert meta.true_conversions == rel(META[0])
        assert "unexplained" not in meta.losses
        assert meta.reported_after == rel(480)

    def test_consent_95_without_orders_is_refused(self):
        problems = model.MODELS[3].problems(replace(D, consent=95))
        assert list(problems) == ["orders"]
        assert problems["orders"].code == "sees_under_a_fifth"
        n = 400 / (seen(0.95, 0.05, 0.08, 0.3, 0.2, 0.02) * 0.85)
        assert problems["orders"].n == rel(n)
        assert problems["orders"].platform == "meta"


class TestValidation:
    """docs/model.md, "Validation": each rule keyed, Meta, Google, TikTok in order."""

    def problems(self, **changes):
        return model.MODELS[3].problems(replace(D, **changes))

    def test_the_defaults_are_valid(self):
        assert self.problems() == {}

    def test_rule_1_no_platform_with_spend(self):
        problems = self.problems(spend=0, google_spend=0)
        assert {k: p.code for k, p in problems.items()} == {"spend": "no_platform"}

    def test_rule_2_spend_without_purchases_google_before_tiktok(self):
        problems = self.problems(google_spend=100, tiktok_spend=100)
        assert list(problems) == ["google_conversions"]
        assert problems["google_conversions"].code == "required"
        problems = self.problems(google_spend=100, google_conversions=5, tiktok_spend=100)
        assert list(problems) == ["tiktok_conversions"]
        assert problems["tiktok_conversions"].platform == "tiktok"

    def test_rule_3_orders_below_a_platforms_n_names_it(self):
        problems = self.problems(google_spend=10000, google_conversions=300, orders=500)
        # Meta's N (584) is checked before Google's (423), which fits.
        assert (problems["orders"].code, problems["orders"].platform) == ("above_orders", "meta")
        assert problems["orders"].n == rel(META[0])
        problems = self.problems(google_spend=10000, google_conversions=600, orders=600)
        assert problems["orders"].platform == "google"

    def test_rule_3_uses_the_n_a_measured_acr_raised(self):
        assert self.problems(orders=600) == {}
        problems = self.problems(orders=600, acr=39.1)
        assert problems["orders"].n == rel(400 * 1.391 / (0.95 * 0.92))

    def test_rule_4_without_orders(self):
        problems = self.problems(adblock=90)
        assert (problems["orders"].code, problems["orders"].platform) == (
            "sees_under_a_fifth",
            "meta",
        )
        # More than doubled: a low Pixel match rate that server events lift to 100%.
        problems = self.problems(match_before=40, match_after=100, adblock=30)
        assert problems["orders"].code == "more_than_doubles"
        assert self.problems(match_before=40, match_after=100, adblock=30, orders=1e6) == {}

    def test_rule_4_skips_a_platform_without_server_events(self):
        starved = {"google_spend": 1000, "google_conversions": 10, "google_match_before": 10}
        assert self.problems(**starved, google_route="backend")["orders"].platform == "google"
        assert self.problems(**starved, google_route="none") == {}

    def test_each_field_is_checked_whatever_the_spend(self):
        problems = self.problems(google_match_before=0, tiktok_lift_share=101)
        assert {k: p.code for k, p in problems.items()} == {
            "google_match_before": "out_of_range",
            "tiktok_lift_share": "out_of_range",
        }
        assert self.problems(google_match_after=80)["google_match_after"].code == (
            "below_match_before"
        )
        assert self.problems(google_route="gateway")["google_route"].code == "unknown_choice"

    def test_the_fields_come_before_the_rules(self):
        problems = self.problems(spend=0, margin=101)
        assert list(problems) == ["margin"]

    def test_a_report_refuses_with_the_keyed_problems(self):
        with pytest.raises(model.InvalidInputs) as refused:
            model.report(replace(D, consent=95), 3)
        assert refused.value.problems["orders"].code == "sees_under_a_fifth"
        assert isinstance(refused.value, ValueError)


class TestWarnings:
    def test_platform_warnings_in_order(self):
        r = v3(cpa_gain=20, orders=700, spend=100000)
        assert r.platforms["meta"].warnings == ["lift_above_ceiling", "claims_most_orders"]
        assert v3(spend=100).platforms["meta"].warnings == ["reported_roas_implausible"]

    def test_google_reports_a_higher_roas_before_it_is_doubtful(self):
        google = {"google_spend": 1000, "google_conversions": 500}  # ROAS 40
        assert v3(**google).platforms["google"].warnings == []
        assert v3(google_spend=1000, google_conversions=700).platforms["google"].warnings == [
            "reported_roas_implausible"
        ]

    def test_store_warnings(self):
        r = v3(spend=0, google_spend=1000, google_conversions=50, setup="gateway")
        assert r.platforms["google"].route == "none"
        assert r.warnings == ["setup_serves_no_platform"]
        assert r.breakeven_cpa_gain is None
        assert r.expected_cpa_gain is None
        assert r.holdout is None
        both = v3(google_spend=10000, google_conversions=300, orders=900)
        assert both.warnings == ["platforms_claim_more_than_orders"]


class TestShape:
    def test_the_json_keys_are_the_specified_ones(self):
        rep = model.report(replace(D, google_spend=1000, google_conversions=50), 3)
        body = model.report_to_dict(rep)
        assert body["model_version"] == 3
        assert list(body["results"]) == [
            "monthly_benefit",
            "incremental_conversions",
            "expected_cpa_gain",
            "net_monthly",
            "cash_flows",
            "cumulative",
            "total_benefit",
            "total_cost",
            "net",
            "roi",
            "payback_month",
            "npv",
            "breakeven_cpa_gain",
            "breakeven_spend",
            "warnings",
            "holdout",
            "platforms",
        ]
        assert list(body["results"]["platforms"]) == ["meta", "google"]
        assert list(body["results"]["holdout"]) == [
            "weeks",
            "share",
            "orders_per_week",
            "share_of_orders",
            "expected_cpa_gain",
            "mde_cpa_gain",
            "weeks_for_expected",
            "weeks_for_breakeven",
            "weeks_to_clear_breakeven",
            "test_cost",
        ]
        assert set(body["uncertainty"]["platforms"]["google"]) == {"recovered", "cpa_gain"}
        assert body["inputs"]["google_spend"] == 1000
        assert "lift_slope" not in body["inputs"]

    def test_a_bare_link_stays_short_and_names_what_differs(self):
        pairs = dict(model.canonical_pairs(D, 3))
        assert not any(key.startswith(("google_", "tiktok_")) for key in pairs)
        assert pairs["lift_share"] == "50"
        assert pairs["server_ip"] == "third"
        pairs = dict(model.canonical_pairs(replace(D, google_spend=5, google_match_after=95), 3))
        assert pairs["google_spend"] == "5"
        assert pairs["google_match_after"] == "95"
        assert "google_match_before" not in pairs

    def test_every_platform_key_seeds_the_draws(self):
        base = replace(D, google_spend=1000, google_conversions=50)
        seeds = {
            model.seed_for(inputs, 3, model.V3_KEYS, model.QUIET_V3)
            for inputs in (
                base,
                replace(base, google_match_before=80),
                replace(base, google_modelled=10),
                replace(base, tiktok_lift_share=20),
            )
        }
        assert len(seeds) == 4
        assert model.seed_for(
            replace(D, orders=9000), 3, model.V3_KEYS, model.QUIET_V3
        ) == model.seed_for(D, 3, model.V3_KEYS, model.QUIET_V3)


class TestDraws:
    def test_the_range_is_repeatable_and_ordered(self):
        inputs = replace(D, google_spend=10000, google_conversions=300)
        u = model.uncertainty_v3(inputs)
        assert u == model.uncertainty_v3(inputs)
        assert u.net.p10 <= u.net.p50 <= u.net.p90
        assert 0 < u.probability_positive < 1

    def test_a_share_of_0_shows_what_a_gain_would_be_worth(self):
        inputs = replace(D, google_spend=10000, google_conversions=300)
        google = model.uncertainty_v3(inputs).platforms["google"].cpa_gain
        assert model.compute_v3(inputs).platforms["google"].cpa_gain == 0
        # lambda from triangular(0, 0, 0.5): its median is 0.5 (1 - sqrt(0.5)), times the anchor.
        anchor = by_hand(300, 0.85, 0.90, BACKEND, a=0.015)[4]
        assert google.p50 == pytest.approx(0.5 * (1 - math.sqrt(0.5)) * anchor, rel=0.1)
        assert google.p10 >= 0

    def test_a_platform_without_server_events_has_no_range_of_lift(self):
        inputs = replace(D, google_spend=10000, google_conversions=300, google_route="none")
        google = model.uncertainty_v3(inputs).platforms["google"]
        assert (google.cpa_gain.p10, google.cpa_gain.p90) == (0, 0)
        assert (google.recovered.p10, google.recovered.p90) == (0, 0)


class TestSensitivity:
    def test_inputs_that_move_nothing_are_left_out(self):
        names = [s.input for s in model.sensitivity_v3(D)]
        assert "consent" not in names  # 0%: both ends are 0
        assert names[0] == "lift_share"
        with_google = [
            s.input
            for s in model.sensitivity_v3(replace(D, google_spend=10000, google_conversions=300))
        ]
        assert "google_lift_share" in with_google
        assert "google_match_after" not in with_google  # no lift counted: reporting only

    def test_the_ends(self):
        by_name = {
            s.input: s
            for s in model.sensitivity_v3(
                replace(D, google_spend=1, google_conversions=1, google_cpa_gain=4)
            )
        }
        assert (by_name["lift_share"].low_value, by_name["lift_share"].high_value) == (-12.5, 100)
        assert (by_name["google_cpa_gain"].low_value, by_name["google_cpa_gain"].high_value) == (
            -1,
            8,
        )
        assert (by_name["match_after"].low_value, by_name["match_after"].high_value) == (85, 96)
        high = model.compute_v3(
            replace(D, adblock=12, google_spend=1, google_conversions=1, google_cpa_gain=4)
        )
        assert by_name["adblock"].net_high == rel(high.net)


class TestTypicalCosts:
    @pytest.mark.parametrize(
        ("integration", "changes", "costs"),
        [
            ("shopify", {}, (0, 0)),
            ("woocommerce", {}, (0, 0)),
            ("gateway", {}, (300, 50)),
            ("sgtm_self", {}, (1500, 50)),  # M = N = 584 orders
            ("sgtm_self", {"orders": 2000}, (1500, 150)),
            ("sgtm_self", {"orders": 20000}, (1500, 500)),
            ("sgtm_hosted", {"orders": 5000}, (1500, 100)),
            ("managed", {}, (0, 150)),
            ("managed", {"orders": 1234}, (0, 150 + 0.15 * 234)),
            ("custom", {"google_spend": 5, "google_conversions": 1}, (2000, 100)),
            (
                "sgtm_self",
                {
                    "google_spend": 5,
                    "google_conversions": 1,
                    "tiktok_spend": 5,
                    "tiktok_conversions": 1,
                },
                (2100, 50),
            ),
            (
                "sgtm_self",
                {"google_spend": 5, "google_conversions": 1, "google_route": "none"},
                (1500, 50),
            ),
        ],
    )
    def test_the_table(self, integration, changes, costs):
        assert model.typical_costs(integration, replace(D, **changes)) == pytest.approx(costs)

    def test_the_integration_sets_what_was_not_given(self):
        chosen = model.with_integration(
            replace(D, integration="shopify", google_spend=5, google_conversions=1), given=()
        )
        assert (chosen.setup, chosen.google_route, chosen.tiktok_route) == (
            "backend",
            "none",
            "backend",
        )
        assert (chosen.setup_cost, chosen.monthly_cost) == (0, 0)
        kept = model.with_integration(
            replace(D, integration="gateway", monthly_cost=70), given=("monthly_cost",)
        )
        assert (kept.setup, kept.setup_cost, kept.monthly_cost) == ("gateway", 300, 70)


class TestVersionsStand:
    def test_version_3_is_the_current_one_and_the_older_stay_published(self):
        assert 3 in model.MODELS
        assert model.VERSIONS[3] is model.MODELS[3]
        assert model.CURRENT_VERSION == 3
        assert set(model.PUBLISHED) == {1, 2, 3}
        assert model.report(D, 3).model_version == 3


# --- properties -------------------------------------------------------------------


class TestProperties:
    @given(st.floats(0, 1), st.floats(0, 1))
    def test_the_anchor_never_exceeds_theta_over_1_plus_theta(self, x, y):
        c0, c1 = sorted((x, y))
        assert 0 <= model.anchor(c0, c1) <= THETA / (1 + THETA)

    @given(valid_inputs_v3())
    def test_no_platforms_anchor_exceeds_it(self, inputs):
        for platform in model.compute_v3(inputs).platforms.values():
            assert -1e-12 <= platform.lift_ceiling <= THETA / (1 + THETA) + 1e-12

    @given(valid_inputs_v3(), st.floats(1, 3), st.floats(1, 3), st.floats(1, 3))
    def test_more_recovery_never_lowers_the_estimated_lift(self, inputs, up_b, up_t, up_e):
        more = {
            route: replace(
                rates,
                adblock=min(1, rates.adblock * up_b),
                itp=min(1, rates.itp * up_t),
                connectivity=min(1, rates.connectivity * up_e),
            )
            for route, rates in model.ROUTE_RECOVERY.items()
        }
        before = model.compute_v3(inputs).platforms
        after = model.compute_v3(inputs, more).platforms
        for name, platform in before.items():
            assert after[name].estimated_cpa_gain >= platform.estimated_cpa_gain * (1 - 1e-12)

    @given(valid_inputs_v3(), st.floats(0, 100))
    def test_a_better_match_never_lowers_the_estimated_lift(self, inputs, to):
        better = replace(inputs, match_after=max(inputs.match_after, to))
        before = model.compute_v3(inputs).platforms["meta"].estimated_cpa_gain
        assert model.compute_v3(better).platforms["meta"].estimated_cpa_gain >= before * (1 - 1e-12)

    @given(valid_inputs_v3())
    def test_a_platform_on_route_none_changes_only_the_breakeven_pool(self, inputs):
        """Google with no lift counted, served or not: the money is the same;
        only the pool's figures (break-evens, expected lift, holdout) move."""
        google = replace(
            inputs,
            google_spend=5000,
            google_conversions=100,
            google_lift_share=0,
            google_cpa_gain=None,
            google_match_before=85,
            google_match_after=90,
        )
        served = model.compute_v3(replace(google, google_route="backend"))
        unserved = model.compute_v3(replace(google, google_route="none"))
        for name in (
            "monthly_benefit",
            "cash_flows",
            "net",
            "roi",
            "npv",
            "payback_month",
            "incremental_conversions",
            "total_cost",
        ):
            assert getattr(served, name) == getattr(unserved, name), name
        assert served.platforms["meta"] == unserved.platforms["meta"]
        assert (
            served.platforms["google"].true_conversions
            == unserved.platforms["google"].true_conversions
        )
        # A larger pool needs a smaller common fall to pay back the same cost.
        unserved_breakeven = unserved.breakeven_cpa_gain
        if served.total_cost > 0 and unserved_breakeven is not None and unserved_breakeven < 1:
            assert served.breakeven_cpa_gain < unserved_breakeven
        assert served.holdout != unserved.holdout

    @given(valid_inputs_v3())
    def test_a_platform_on_route_none_adds_nothing_to_the_money(self, inputs):
        alone = replace(inputs, google_spend=None, tiktok_spend=None)
        beside = replace(alone, google_spend=5000, google_conversions=100, google_route="none")
        a, b = model.compute_v3(alone), model.compute_v3(beside)
        for name in (
            "net",
            "npv",
            "breakeven_cpa_gain",
            "breakeven_spend",
            "expected_cpa_gain",
            "holdout",
        ):
            assert getattr(a, name) == getattr(b, name), name

    @given(valid_inputs_v3(), st.floats(0.1, 95), st.floats(0.1, 90))
    def test_googles_modelled_consent_lowers_its_n(self, inputs, consent, modelled):
        google = replace(
            inputs, consent=consent, google_spend=5000, google_conversions=100, google_modelled=0
        )
        unmodelled = model.compute_v3(google)
        modelled_back = model.compute_v3(replace(google, google_modelled=modelled))
        assert (
            modelled_back.platforms["google"].true_conversions
            < unmodelled.platforms["google"].true_conversions
        )
        assert modelled_back.platforms["meta"] == unmodelled.platforms["meta"]

    @given(valid_inputs_v3())
    def test_every_figure_is_finite_and_the_losses_add_up(self, inputs):
        r = model.compute_v3(inputs)
        assert math.isfinite(r.net)
        assert math.isfinite(r.npv)
        for platform in r.platforms.values():
            total = platform.pixel_observed + math.fsum(platform.losses.values())
            assert total == pytest.approx(platform.true_conversions, rel=1e-9)
