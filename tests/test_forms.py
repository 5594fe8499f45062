"""The validation boundary: defaults, bounds, types, choices and messages."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from calculator import model
from calculator.forms import CalculatorForm
from calculator.numbers import NUMBER


def errors(query: str) -> dict[str, list[str]]:
    form = CalculatorForm(QueryDict(query))
    assert not form.is_valid()
    return dict(form.errors)


def inputs(query: str) -> model.Inputs:
    form = CalculatorForm(QueryDict(query))
    assert form.is_valid(), form.errors
    return form.inputs()


# (key, a value just outside, the message's range text)
OUTSIDE = [
    ("spend", "0", "between 0.01 and 1 billion"),
    ("spend", "0.004", "between 0.01 and 1 billion"),
    ("spend", "1000000001", "between 0.01 and 1 billion"),
    ("conversions", "0.5", "between 1 and 100 million"),
    ("conversions", "100000001", "between 1 and 100 million"),
    ("aov", "0", "between 0.01 and 1 million"),
    ("margin", "100.1", "between 0% and 100%"),
    ("consent", "96", "between 0% and 95%"),
    ("att", "51", "between 0% and 50%"),
    ("adblock", "91", "between 0% and 90%"),
    ("safari", "-1", "between 0% and 100%"),
    ("itp", "95.5", "between 0% and 95%"),
    ("connectivity", "50.01", "between 0% and 50%"),
    ("match_before", "0.5", "between 1% and 100%"),
    ("match_after", "101", "between 1% and 100%"),
    ("acr", "501", "between 0% and 500%"),
    ("cpa_gain", "50.5", "between 0% and 50%"),
    ("orders", "0.5", "between 1 and 100 million"),
    ("lift_slope", "101", "between 0% and 100%"),
    ("ramp", "13", "whole number between 0 and 12"),
    ("ramp", "1.5", "whole number between 0 and 12"),
    ("setup_cost", "10000001", "between 0 and 10 million"),
    ("monthly_cost", "-0.01", "between 0 and 1 million"),
    ("months", "0", "whole number between 1 and 60"),
    ("months", "61", "whole number between 1 and 60"),
    ("discount", "101", "between 0% and 100%"),
]

# (key, the value at each end of its range)
EDGES = [
    ("spend", "0.01"),
    ("spend", "1e9"),
    ("conversions", "1"),
    ("conversions", "1e8"),
    ("aov", "1e6"),
    ("margin", "0"),
    ("margin", "100"),
    ("consent", "95"),
    ("att", "50"),
    ("adblock", "90"),
    ("safari", "100"),
    ("itp", "95"),
    ("connectivity", "50"),
    ("match_before", "1"),
    ("acr", "0"),
    ("acr", "500"),
    ("cpa_gain", "50"),
    ("orders", "1e8"),
    ("lift_slope", "0"),
    ("lift_slope", "100"),
    ("ramp", "12"),
    ("setup_cost", "1e7"),
    ("monthly_cost", "1e6"),
    ("months", "60"),
    ("discount", "100"),
]


class TestCalculatorForm:
    def test_empty_query_gives_model_defaults(self):
        # The default integration is the model's default setup at its default costs.
        assert inputs("") == replace(model.DEFAULTS, integration="custom")

    def test_a_short_url_overrides_one_key(self):
        assert inputs("spend=50000").spend == 50000
        assert inputs("spend=50000").aov == model.DEFAULTS.aov

    def test_unknown_keys_are_ignored(self):
        assert inputs("utm_source=x&<b>=1&fbclid=abc") == inputs("")

    @pytest.mark.parametrize(("key", "value", "range_text"), OUTSIDE)
    def test_it_rejects_values_outside_the_range(self, key, value, range_text):
        # Version 2's ranges; version 3's differ in spend (0 allowed) and the slope.
        found = errors(f"{key}={value}&v=2")
        assert list(found) == [key]
        assert range_text in found[key][0]

    @pytest.mark.parametrize(("key", "value"), EDGES)
    def test_it_accepts_the_ends_of_each_range(self, key, value):
        query = f"{key}={value}&v=2"
        if key == "match_before":
            query += "&match_after=100"
        assert getattr(inputs(query), key) == float(value)

    @pytest.mark.parametrize(
        "value",
        [
            "NaN",
            "nan",
            "inf",
            "-Infinity",
            "1e309",
            "0x10",
            "1_000",
            "12abc",
            "١٢",
            "<script>alert(1)</script>",
            "1,0,0",
            "",
            " ",
            "9" * 41,
        ],
    )
    def test_it_rejects_what_is_not_a_plain_number(self, value):
        found = errors(QueryDict.fromkeys(["spend"], value).urlencode())
        assert "Monthly Meta ad spend" in found["spend"][0]
        assert "<script>" not in found["spend"][0]

    def test_messages_name_the_field_and_the_range(self):
        assert errors("margin=abc")["margin"] == [
            "Contribution margin must be a number between 0% and 100%."
        ]

    def test_money_is_counted_in_cents(self):
        assert inputs("setup_cost=1e-308").setup_cost == 0  # no cent away from 0
        assert inputs("aov=19.9999").aov == 20
        assert inputs("aov=19.99").aov == 19.99
        # Three decimals could be a thousands group ("19.999" is 19999 in Germany).
        assert "19999" in errors("aov=19.999")["aov"][0]
        assert "spend" in errors("spend=0.005&v=2")  # under a cent, as typed

    def test_the_model_refuses_sub_cent_money(self):
        assert model.Inputs(setup_cost=1e-308).problems() == {"setup_cost": "out of range"}

    def test_percentages_are_counted_to_a_ten_thousandth(self):
        assert inputs("cpa_gain=1e-320").cpa_gain == 0
        assert inputs("margin=40.123456").margin == 40.1235

    def test_integers_are_integers(self):
        assert inputs("months=24&ramp=3").months == 24
        assert isinstance(inputs("months=24.0").months, int)

    def test_match_after_cannot_fall_below_match_before(self):
        assert (
            "at least the match rate with the Pixel only (85%)"
            in errors("match_after=80")["match_after"][0]
        )
        assert inputs("match_before=60&match_after=60").match_after == 60

    def test_empty_acr_means_not_measured(self):
        assert inputs("acr=").acr is None
        assert inputs("acr=23.3").acr == 23.3

    def test_choices(self):
        assert inputs("setup=relay&mode=save&currency=EUR").setup == "relay"
        assert "“backend”, “relay”" in errors("setup=gateway&v=2")["setup"][0]
        assert "mode" in errors("mode=MORE")
        assert "currency" in errors("currency=usd")

    def test_repeated_keys_are_refused(self):
        assert errors("spend=1&spend=2")["spend"] == [
            "Monthly Meta ad spend was given more than once."
        ]
        assert "mode" in errors("mode=more&mode=save")

    def test_version(self):
        form = CalculatorForm(QueryDict("v=1"))
        assert form.is_valid()
        assert form.version == 1
        blank = CalculatorForm(QueryDict(""))
        assert blank.is_valid()
        assert blank.version == 3
        assert CalculatorForm(QueryDict("v=3")).is_valid()
        assert errors("v=4")["v"] == ["Model version must be one of: 1, 2, 3."]
        assert "v" in errors("v=1.0")
        assert "v" in errors("v=99999999999999999999")

    @given(st.text(max_size=60))
    def test_arbitrary_text_never_crashes(self, text):
        form = CalculatorForm({"spend": text, "setup": text, "ramp": text, "v": text})
        if form.is_valid():
            assert form.inputs().problems() == {}
        else:
            assert set(form.errors) <= {"spend", "setup", "ramp", "v"}


FIELDS = list(CalculatorForm.base_fields)
# Any text, text shaped like a number (so some forms pass), and repeated keys.
VALUES = (
    st.text(max_size=60)
    | st.from_regex(NUMBER, fullmatch=True)
    | st.lists(st.text(max_size=8), min_size=2, max_size=3)
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=len(FIELDS)))
def test_arbitrary_values_in_every_field_never_crash(data):
    form = CalculatorForm(data)
    if form.is_valid():
        assert form.inputs().problems() == {}
        return
    assert set(form.errors) <= set(data) | {"match_after"}
    for messages in form.errors.values():
        for message in messages:
            # Messages are the form's own words; the visitor's text is never echoed.
            assert "<" not in message
            assert message.endswith(".")


class TestTypedNumbers:
    """Numbers as people type them, in the form and so in the API."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("30,000", 30000),
            ("30 000", 30000),
            ("30\u202f000", 30000),  # a narrow no-break space, as French software writes it
            ("30'000", 30000),
            ("$30,000", 30000),
            ("USD 30,000", 30000),
            ("30 000 €", 30000),
            ("30k", 30000),
            ("30K", 30000),
            ("1.5m", 1500000),
            ("2bn", 2000000),
            ("1,234.56", 1234.56),
            ("1.234,56", 1234.56),
            ("1.500.000", 1500000),
            ("12,5", 12.5),
        ],
    )
    def test_money_as_typed(self, text, expected):
        field = "setup_cost" if expected < 1e6 else "spend"
        if text == "2bn":
            field, expected = "spend", None
            assert (
                "1 billion" in errors(QueryDict.fromkeys(["spend"], text).urlencode())["spend"][0]
            )
            return
        query = QueryDict.fromkeys([field], text).copy()
        if "€" in text:
            query["currency"] = "EUR"  # the euro's sign with the euro chosen
        assert getattr(inputs(query.urlencode()), field) == expected

    @pytest.mark.parametrize(
        ("text", "currency", "meant"),
        [
            ("€30k", "GBP", "EUR"),
            ("30 000 €", "USD", "EUR"),
            ("$30,000", "EUR", "USD, CAD, AUD, or NZD"),
            ("£30k", "USD", "GBP"),
            ("30000 kr", "PLN", "SEK, NOK, or DKK"),
            ("JPY 30000", "USD", "JPY"),
        ],
    )
    def test_a_symbol_of_another_currency_is_refused(self, text, currency, meant):
        found = errors(urlencode({"spend": text, "currency": currency}))["spend"][0]
        assert found == (
            f"Monthly Meta ad spend is typed in {meant}, but the currency chosen is "
            f"{currency}: type the amount in {currency}, or choose {meant} as the currency."
        )

    @pytest.mark.parametrize(
        ("text", "currency"),
        [("€30k", "EUR"), ("$30k", "CAD"), ("A$30k", "AUD"), ("30000 kr", "DKK"), ("30k", "JPY")],
    )
    def test_a_symbol_of_the_chosen_currency_is_taken(self, text, currency):
        assert inputs(urlencode({"spend": text, "currency": currency})).spend == 30000

    def test_rates_take_a_percent_sign_and_a_decimal_comma(self):
        assert inputs("margin=40%25").margin == 40
        assert inputs("margin=12,5").margin == 12.5

    def test_the_share_link_is_normalised(self):
        form = CalculatorForm(QueryDict("spend=%2430%2C000&conversions=1.2k"))
        assert form.is_valid(), form.errors
        assert "spend=30000&conversions=1200&" in form.canonical_query()

    def test_an_ambiguous_amount_says_both_readings(self):
        assert errors("spend=30.000")["spend"] == [
            "Monthly Meta ad spend could be 30 or 30000: type the number without a "
            "thousands separator."
        ]

    def test_a_reading_outside_the_range_is_no_ambiguity(self):
        assert inputs("margin=30.000").margin == 30  # 30000% is no margin

    def test_an_out_of_range_typed_amount_says_what_was_understood(self):
        message = errors("spend=5bn")["spend"][0]
        assert message == (
            "Monthly Meta ad spend must be a number between 0 and 1 billion; "
            "this reads as 5000000000 (5 billion)."
        )

    def test_messages_carry_no_thousands_separator(self):
        for key in ("spend", "conversions", "aov", "setup_cost", "monthly_cost"):
            for message in errors(f"{key}=abc")[key]:
                assert not re.search(r"[0-9],[0-9]", message), message

    def test_scales_apply_to_money_and_counts_only(self):
        assert "Horizon" in errors("months=12m")["months"][0]
        assert inputs("conversions=2k").conversions == 2000


class TestIntegration:
    def test_it_sets_the_setup_and_typical_costs(self):
        shopify = inputs("integration=shopify")
        assert (shopify.setup, shopify.setup_cost, shopify.monthly_cost) == ("backend", 0, 0)
        relay = inputs("integration=sgtm_self")
        assert relay.setup == "relay"
        assert relay.monthly_cost == 50

    def test_a_typed_cost_is_kept(self):
        typed = inputs("integration=shopify&setup_cost=400")
        assert (typed.setup_cost, typed.monthly_cost) == (400, 0)

    def test_the_integration_wins_over_a_setup(self):
        assert inputs("integration=gateway&setup=backend&v=2").setup == "relay"
        # Version 3: a route the link names wins over the integration's.
        assert inputs("integration=gateway&setup=backend").setup == "backend"
        assert inputs("integration=gateway").setup == "gateway"

    def test_a_link_with_a_setup_but_no_integration_keeps_its_setup_and_costs(self):
        old = inputs("setup=relay&setup_cost=2500&monthly_cost=80")
        assert (old.integration, old.setup, old.setup_cost, old.monthly_cost) == (
            None,
            "relay",
            2500,
            80,
        )
        assert inputs("setup=relay").setup_cost == model.DEFAULTS.setup_cost

    def test_the_share_link_names_every_cost(self):
        form = CalculatorForm(QueryDict("integration=shopify"))
        assert form.is_valid()
        query = form.canonical_query()
        assert "integration=shopify&setup=backend&" in query
        assert "setup_cost=0&monthly_cost=0&" in query
        # The link reads back as the same result.
        assert inputs(query) == form.inputs()

    def test_an_unknown_integration_is_refused(self):
        assert "How will you send server events?" in errors("integration=zapier")["integration"][0]


class TestVersion2Inputs:
    def test_an_empty_cpa_gain_means_estimate_it(self):
        assert inputs("").cpa_gain is None
        assert inputs("cpa_gain=").cpa_gain is None
        assert inputs("cpa_gain=7.5").cpa_gain == 7.5

    def test_version_1_still_needs_its_cpa_gain(self):
        assert inputs("v=1").cpa_gain == 5
        assert errors("v=1&cpa_gain=")["cpa_gain"] == [
            "Expected true CPA improvement is empty: enter a number between 0% and 50%."
        ]

    def test_version_1_ignores_the_new_keys(self):
        assert inputs("v=1&orders=1&lift_slope=nonsense") == inputs("v=1")

    def test_too_few_orders_is_a_field_message_that_names_the_figures(self):
        (message,) = errors("orders=580&v=2")["orders"]
        assert message.startswith(
            "The loss rates and the 400 purchases reported imply about 584 Meta-driven "
            "purchases a month, more than your 580 orders from every channel."
        )
        assert "consent" in message
        assert "match rate" in message
        assert "most of your 1 order:" in errors("orders=1&v=2")["orders"][0]

    def test_a_platform_reporting_most_orders_is_told_why_and_what_to_change(self):
        (message,) = errors("orders=500&v=2")["orders"]
        assert message.startswith(
            "Meta reports 400 purchases, most of your 500 orders: view-through and long "
            "attribution windows make an ads manager claim purchases its ads did not drive"
        )
        assert "Enter the purchases from a 7-day click window, or check the orders." in message

    def test_enough_orders_are_accepted(self):
        assert inputs("orders=585").orders == 585

    def test_the_orders_rule_waits_for_the_other_fields(self):
        # A bad rate is the message to show; no guess at N from it.
        assert set(errors("orders=1&consent=99&v=2")) == {"consent"}
        # An unrelated bad field does not hide it.
        assert set(errors("orders=500&holdout_weeks=105&v=2")) == {"orders", "holdout_weeks"}


THREE_PLATFORMS = (
    "v=3&google_spend=10000&google_conversions=300&tiktok_spend=4000&tiktok_conversions=50"
)


class TestVersion3Inputs:
    """docs/model.md version 3: every platform's inputs, the routes, and its
    rules across fields as keyed messages."""

    def test_it_takes_every_version_3_input(self):
        given = inputs(
            THREE_PLATFORMS + "&google_match_before=70&google_match_after=88&google_modelled=30"
            "&google_route=relay&google_lift_share=25&google_cpa_gain=3&tiktok_match_before=60"
            "&tiktok_match_after=80&tiktok_route=none&tiktok_lift_share=10&tiktok_cpa_gain=2"
            "&server_ip=same&lift_share=40&acr=20&holdout_weeks=6&holdout_share=30"
        )
        assert (given.google_spend, given.google_conversions) == (10000, 300)
        assert (given.google_match_before, given.google_match_after) == (70, 88)
        assert (given.google_modelled, given.google_route) == (30, "relay")
        assert (given.google_lift_share, given.google_cpa_gain) == (25, 3)
        assert (given.tiktok_spend, given.tiktok_conversions) == (4000, 50)
        assert (given.tiktok_match_before, given.tiktok_match_after) == (60, 80)
        assert (given.tiktok_route, given.tiktok_lift_share, given.tiktok_cpa_gain) == (
            "none",
            10,
            2,
        )
        assert (given.server_ip, given.lift_share, given.acr) == ("same", 40, 20)
        assert (given.holdout_weeks, given.holdout_share) == (6, 30)

    @pytest.mark.parametrize(
        ("key", "value", "range_text"),
        [
            ("google_spend", "-1", "between 0 and 1 billion"),
            ("google_conversions", "0.5", "between 1 and 100 million"),
            ("google_modelled", "91", "between 0% and 90%"),
            ("google_lift_share", "101", "between 0% and 100%"),
            ("tiktok_cpa_gain", "51", "between 0% and 50%"),
            ("tiktok_match_before", "0", "between 1% and 100%"),
            ("lift_share", "100.5", "between 0% and 100%"),
        ],
    )
    def test_each_new_field_states_its_range(self, key, value, range_text):
        (message,) = errors(f"v=3&{key}={value}")[key]
        assert range_text in message

    def test_a_platform_spend_may_be_zero_in_version_3_only(self):
        assert inputs("v=3&spend=0&google_spend=100&google_conversions=5").spend == 0
        assert "between 0.01 and 1 billion" in errors("spend=0&v=2")["spend"][0]

    def test_gateway_and_the_managed_service_are_version_3_choices(self):
        assert inputs("v=3&setup=gateway").setup == "gateway"
        assert inputs("v=3&integration=managed&orders=3000").monthly_cost == 450  # Elevar
        assert "setup" in errors("setup=gateway&v=2")
        assert "integration" in errors("v=2&integration=managed")
        assert errors("v=3&setup=nonsense")["setup"] == [
            "Setup must be one of “backend”, “relay”, “gateway”."
        ]

    def test_the_integration_sets_the_routes_and_typical_costs_by_platform_count(self):
        one = inputs("v=3&integration=sgtm_hosted")
        three = inputs(THREE_PLATFORMS + "&integration=sgtm_hosted")
        assert (one.setup, one.setup_cost, one.monthly_cost) == ("relay", 1500, 20)
        assert (three.setup_cost, three.monthly_cost) == (1500 + 300 * 2, 20)
        shopify = inputs(THREE_PLATFORMS + "&integration=shopify")
        assert (shopify.google_route, shopify.tiktok_route) == ("none", None)  # None: backend
        # A cost the visitor typed wins over the typical one.
        assert inputs(THREE_PLATFORMS + "&integration=custom&setup_cost=999").setup_cost == 999

    def test_a_bare_link_stays_short(self):
        form = CalculatorForm(QueryDict("v=3"))
        assert form.is_valid()
        query = form.canonical_query()
        assert "google" not in query
        assert "tiktok" not in query
        assert "holdout" not in query
        assert query.endswith("&v=3")

    def test_the_canonical_query_reads_back_as_itself(self):
        for query in (THREE_PLATFORMS, THREE_PLATFORMS + "&integration=shopify", "v=3"):
            first = CalculatorForm(QueryDict(query))
            assert first.is_valid(), first.errors
            again = CalculatorForm(QueryDict(first.canonical_query()))
            assert again.is_valid()
            assert again.canonical_query() == first.canonical_query()
            assert again.inputs() == first.inputs()

    def test_rule_1_no_platform_is_keyed_spend(self):
        assert errors("v=3&spend=0") == {
            "spend": [
                "Enter a monthly spend above 0 for at least one platform: Meta, Google Ads "
                "or TikTok."
            ]
        }

    def test_rule_2_a_platform_without_purchases_names_it(self):
        assert errors("v=3&google_spend=100") == {
            "google_conversions": [
                "Google Ads has a spend: enter the purchases Google Ads reports today, a "
                "number between 1 and 100 million."
            ]
        }
        assert set(errors("v=3&tiktok_spend=100")) == {"tiktok_conversions"}

    def test_rule_3_more_than_the_orders_names_the_platform(self):
        (message,) = errors(THREE_PLATFORMS + "&orders=580")["orders"]
        assert message.startswith(
            "Your loss rates and the purchases Meta reports imply about 584 purchases a "
            "month driven by Meta, more than your 580 orders from every channel."
        )
        # Meta fits; Google's 423 do not fit in 420, and its 300 are most of them.
        (google,) = errors(THREE_PLATFORMS + "&orders=420&spend=20000&conversions=100")["orders"]
        assert google.startswith("Google Ads reports 300 purchases, most of your 420 orders")

    def test_rule_4_without_orders_says_what_to_do(self):
        (message,) = errors("v=3&consent=95")["orders"]
        assert message == (
            "Your loss rates say Meta sees under a fifth of the purchases it drives "
            "(N ≈ 11,690). Enter your store's monthly orders so the calculator can check "
            "them, or lower the loss rates."
        )
        (doubles,) = errors(
            "v=3&tiktok_spend=100&tiktok_conversions=10&tiktok_match_before=40"
            "&tiktok_match_after=100"
        )["orders"]
        assert "server events would more than double what TikTok reports" in doubles
        assert doubles.endswith("or lower the loss rates.")
        # With orders, the calculator checks them instead.
        assert inputs("v=3&consent=95&orders=20000").consent == 95

    def test_a_platforms_match_rates_name_its_fields(self):
        (message,) = errors(THREE_PLATFORMS + "&google_match_after=50")["google_match_after"]
        assert message.startswith(
            "Google Ads match rate with enhanced conversions must be at least Google Ads "
            "match rate, browser tag only (85%)"
        )

    def test_the_rules_speak_german(self):
        from django.utils import translation

        with translation.override("de"):
            form = CalculatorForm(QueryDict("v=3&consent=95"), language="de")
            assert not form.is_valid()
            (message,) = form.errors["orders"]
        assert "Google" not in message
        assert "Meta" in message
        assert "11.690" in message
        assert message.startswith("Laut Ihren Verlustraten sieht Meta weniger als ein Fünftel")
        assert message.endswith("oder senken Sie die Verlustraten.")

    def test_versions_1_and_2_ignore_the_version_3_keys(self):
        assert inputs("google_spend=nonsense&lift_share=-1&server_ip=x&v=2") == inputs("v=2")
        assert inputs("v=1&google_spend=5&tiktok_route=x") == inputs("v=1")
