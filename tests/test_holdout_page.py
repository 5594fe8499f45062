"""The holdout planner on the page: what a test could prove, and what follows."""

from __future__ import annotations

from tests.helpers import page_text as page

PRACTICAL = "spend=500000&conversions=20000&aov=60&setup_cost=100000&monthly_cost=40000"


class TestAtTheDefaults:
    def test_it_says_what_an_8_week_test_could_detect(self, client):
        html = page(client, "v=2")
        assert "Can a holdout test prove it?" in html
        assert (
            "With about 135 Meta-driven purchases a week, an 8-week 50/50 test could detect "
            "a fall in true CPA of 15.7% or more."
        ) in html
        assert (
            "Proving the estimated 4.89% would take about 92 weeks; proving the 1.24% "
            "break-even, about 1,500 weeks."
        ) in html

    def test_the_decision_rests_on_cost_and_downside(self, client):
        html = page(client, "v=2")
        assert "the decision rests on cost and downside" in html
        assert "you are out $2,700 over 12 months" in html
        assert "in the worst tenth of the scenarios the net is" in html

    def test_it_states_its_assumptions_and_links_the_method(self, client):
        html = page(client, "v=2")
        assert "independent purchases" in html
        assert "a geo split, for example" in html
        assert "lower bounds on the time needed" in html
        assert 'href="/method/#holdout"' in html

    def test_it_sits_under_the_verdict(self, client):
        html = page(client, "v=2")
        planner = html.index("Can a holdout test prove it?")
        assert html.index('class="verdict') < planner < html.index("Profit from the performance")


def test_a_practical_test_gets_a_length_and_a_split(client):
    html = page(client, f"{PRACTICAL}&cpa_gain=6&v=2")
    assert "A test is practical: a 50/50 split for 1 week can show whether CAPI clears" in html
    assert "and 2 weeks whether it reaches 6%" in html


def test_its_inputs_are_in_the_advanced_section_and_checked(client):
    html = page(client, "holdout_weeks=12&holdout_share=30&v=2")
    advanced = html.index("Advanced assumptions")
    assert html.index('name="holdout_weeks"') > advanced
    assert "a 12-week 70/30 test could detect a fall in true CPA of 14.1% or more." in html
    bad = page(client, "holdout_weeks=105&v=2")
    assert "Holdout test length must be a whole number between 1 and 104." in bad


def test_an_entered_lift_is_yours_to_prove(client):
    assert "Proving your 8% would take about" in page(client, "cpa_gain=8&v=2")


def test_a_free_setup_has_nothing_to_break_even(client):
    html = page(client, "setup_cost=0&monthly_cost=0&v=2")
    assert "CAPI costs nothing here, so there is no break-even to prove" in html


def test_old_links_get_the_planner_and_keep_their_numbers(client):
    html = page(client, "v=1")
    assert "Proving your 5% would take about 88 weeks" in html
    assert "$984" in html


def test_the_method_page_explains_it(client):
    html = client.get("/method/").content.decode()
    assert 'id="holdout"' in html
    assert "SE = √(1/(n·W·h) + 1/(n·W·(1−h)))" in html
