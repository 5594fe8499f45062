"""Which integration pays best, in the model: docs/model.md's cost table
applied by hand to its worked figures, the store's native integrations, and
the one best row."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings

from calculator import model
from tests.strategies import valid_inputs_v3

D = model.DEFAULTS
GOOGLE_ONLY = {"spend": 0, "google_spend": 10000, "google_conversions": 300}


def resolved(**changes) -> model.Inputs:
    """Inputs as the form resolves them: the chosen integration's routes and costs."""
    return model.with_integration(replace(D, **changes), given=())


def rows_of(inputs: model.Inputs, store: str = "other") -> dict[str, model.IntegrationResult]:
    return {row.integration: row for row in model.compare_integrations(inputs, store)}


def near(value: float):
    return pytest.approx(value, abs=0.005)


class TestTheModel:
    # docs/model.md's worked figures at the defaults (Meta alone, N ≈ 584.49
    # true purchases, 12 months): a backend's profit over the year is the
    # custom backend's net plus its costs; a relay's, the relay example's.
    BACKEND = 3128.69 + 1500 + 12 * 100
    RELAY = 1296.86 + 1500 + 12 * 100

    def test_each_net_is_the_cost_table_applied_by_hand(self):
        rows = rows_of(resolved(integration="custom"))
        assert rows["shopify"].net == near(self.BACKEND)  # free: the whole profit
        assert rows["woocommerce"].net == near(self.BACKEND)
        assert rows["gateway"].net == near(2117.68)  # the Gateway example, 300 and 50
        assert rows["sgtm_self"].net == near(self.RELAY - 1500 - 12 * 50)  # under 2,000 orders
        assert rows["sgtm_hosted"].net == near(self.RELAY - 1500 - 12 * 20)
        assert rows["managed"].net == near(self.BACKEND - 12 * 150)  # under 1,000 orders
        assert rows["custom"].net == near(3128.69)
        assert [r.setup_cost for r in rows.values()] == [0, 0, 300, 1500, 1500, 0, 1500]
        assert [r.monthly_cost for r in rows.values()] == [0, 0, 50, 50, 20, 150, 100]

    @pytest.mark.parametrize(
        ("store", "best"),
        [("other", "managed"), ("shopify", "shopify"), ("woocommerce", "woocommerce")],
    )
    def test_the_best_is_the_highest_net_the_store_can_use(self, store, best):
        rows = rows_of(resolved(integration="custom"), store)
        assert [key for key, row in rows.items() if row.best] == [best]

    @pytest.mark.parametrize(
        ("store", "unavailable"),
        [
            ("other", {"shopify", "woocommerce"}),
            ("shopify", {"woocommerce"}),
            ("woocommerce", {"shopify"}),
        ],
    )
    def test_native_integrations_need_their_store(self, store, unavailable):
        rows = rows_of(resolved(integration="custom"), store)
        assert {key for key, row in rows.items() if not row.available} == unavailable

    def test_the_chosen_integration_is_available_whatever_the_store(self):
        rows = rows_of(resolved(integration="shopify"), "other")
        assert rows["shopify"].available
        assert not rows["woocommerce"].available
        assert rows["shopify"].best

    def test_of_equal_nets_the_first_listed_is_best(self):
        # The visitor runs WooCommerce's plugin on a store marked Shopify:
        # both free, both available, the same net.
        rows = rows_of(resolved(integration="woocommerce"), "shopify")
        assert rows["shopify"].net == rows["woocommerce"].net
        assert rows["shopify"].best
        assert not rows["woocommerce"].best

    def test_a_google_only_store_gets_nothing_from_the_gateway(self):
        rows = rows_of(resolved(integration="custom", **GOOGLE_ONLY), "shopify")
        assert rows["gateway"].platforms == []
        assert rows["gateway"].breakeven_cpa_gain is None
        assert rows["gateway"].net == near(-(300 + 12 * 50))  # its costs, for nothing
        assert rows["shopify"].platforms == []  # Shopify's apps: Meta and TikTok
        assert rows["woocommerce"].platforms == []
        assert rows["custom"].platforms == ["google"]
        best = [row for row in rows.values() if row.best]
        assert len(best) == 1
        assert best[0].platforms == ["google"]

    def test_each_row_names_the_platforms_its_routes_serve(self):
        three = {
            "google_spend": 10000,
            "google_conversions": 300,
            "tiktok_spend": 4000,
            "tiktok_conversions": 50,
        }
        rows = rows_of(resolved(integration="custom", **three))
        assert rows["shopify"].platforms == ["meta", "tiktok"]
        assert rows["woocommerce"].platforms == ["meta"]
        assert rows["sgtm_hosted"].platforms == ["meta", "google", "tiktok"]
        # k = 3: each platform after the first adds to the setup.
        assert rows["sgtm_self"].setup_cost == 1500 + 300 * 2
        assert rows["custom"].setup_cost == 1500 + 500 * 2

    def test_the_chosen_row_is_the_visitors_own_result(self):
        # Typed costs and a typed route apply to the chosen integration alone.
        mine = model.with_integration(
            replace(
                D,
                integration="sgtm_hosted",
                setup_cost=4000,
                google_spend=5000,
                google_conversions=100,
                google_route="none",
            ),
            given={"setup_cost", "google_route"},
        )
        rows = rows_of(mine)
        own = model.compute_v3(mine)
        assert rows["sgtm_hosted"].net == own.net
        assert rows["sgtm_hosted"].setup_cost == 4000
        assert rows["sgtm_hosted"].platforms == ["meta"]
        assert rows["sgtm_self"].setup_cost == 1800  # typical, for its own two platforms
        assert rows["sgtm_self"].platforms == ["meta", "google"]

    @settings(max_examples=40, deadline=None)
    @given(valid_inputs_v3())
    def test_at_most_one_best_and_it_covers_a_platform(self, inputs):
        for store in model.STORES:
            rows = model.compare_integrations(inputs, store)
            assert [row.integration for row in rows] == list(model.COMPARED)
            best = [row for row in rows if row.best]
            assert len(best) <= 1
            for row in best:
                assert row.available
                assert row.platforms
                usable = [r.net for r in rows if r.available and r.platforms]
                assert row.net == max(usable)

    def test_an_unknown_store_is_refused(self):
        with pytest.raises(ValueError, match="store"):
            model.compare_integrations(D, "magento")
