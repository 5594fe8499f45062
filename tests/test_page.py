"""The calculator page as the server renders it."""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import replace
from pathlib import Path

import django_htmx
import pytest
from django.conf import settings

from calculator import fields, model
from tests.helpers import page, parse

ROOT = Path(settings.BASE_DIR)


class TestCalculatorPage:
    def test_it_leads_with_the_breakeven(self, client):
        html = page(client, "v=2")
        assert "It pays if it lowers your true cost per purchase by 1.24%" in html
        assert "$962" in html  # monthly profit gain, with the estimated 4.89% lift
        assert "310%" in html
        assert "Month 3" in html

    def test_measurement_is_labelled_as_not_revenue(self, client):
        html = page(client, "v=2")
        assert "measurement, not revenue" in html
        assert "31.6%" in html
        assert "14.8%" in html

    def test_every_input_has_a_label_hint_and_error_slot(self, client):
        tags = parse(page(client, "v=2"))
        labels = {a["for"] for t, a in tags.tags if t == "label"}
        inputs = [
            a
            for t, a in tags.tags
            if t in ("input", "select") and a.get("type") != "hidden" and a.get("name")
        ]
        # Every input but `setup`, which the integration sets.
        assert len(inputs) == len(model.INPUT_KEYS) - 1 == 26
        # Version 3: every input but `setup`, with the store; and the platforms' boxes.
        current = parse(page(client))
        fields_v3 = [
            a
            for t, a in current.tags
            if t in ("input", "select")
            and a.get("type") not in ("hidden", "checkbox")
            and a.get("name")
        ]
        assert {a["name"] for a in fields_v3} == (set(model.V3_KEYS) - {"setup"}) | {"store"}
        current_labels = {a["for"] for t, a in current.tags if t == "label" and "for" in a}
        for attrs in fields_v3:
            assert attrs["id"] in current_labels
        for attrs in inputs:
            assert attrs["id"] in labels
            name = attrs["name"]
            assert attrs["aria-describedby"] == f"{name}-hint {name}-error"

    def test_no_inline_script_or_style(self, client):
        html = page(client, "currency=EUR&acr=30")
        tags = parse(html)
        assert tags.script_text == ""
        for tag, attrs in tags.tags:
            assert tag != "style"
            assert "style" not in attrs
            assert not [name for name in attrs if name.startswith("on")]
            if tag == "script":
                assert attrs["src"].startswith("/static/")

    def test_the_csp_forbids_inline_code_and_framing(self, client):
        csp = client.get("/")["Content-Security-Policy"]
        assert "unsafe-inline" not in csp
        assert "unsafe-eval" not in csp
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert client.get("/")["X-Frame-Options"] == "DENY"

    def test_an_invalid_value_gets_its_message_by_its_field(self, client):
        html = page(client, "margin=140")
        assert 'id="margin-error">Contribution margin must be a number between 0% and 100%.' in html
        assert 'aria-invalid="true"' in html
        assert "Fix this value to see the result" in html

    def test_what_a_visitor_types_is_escaped(self, client):
        html = page(client, "spend=%3Cscript%3Ealert(1)%3C/script%3E&currency=%22%3E%3Cb%3E")
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert '"><b>' not in html

    def test_money_is_shown_in_the_chosen_currency(self, client):
        # Costs typed, so no typical cost is converted: only the symbol changes.
        costs = "setup_cost=1500&monthly_cost=100&v=2"
        assert "€962" in page(client, f"currency=EUR&{costs}")
        assert "£962" in page(client, f"currency=GBP&{costs}")
        assert "CA$962" in page(client, f"currency=CAD&{costs}")
        assert "A$962" in page(client, f"currency=AUD&{costs}")

    @pytest.mark.parametrize(("label", "query"), fields.preset_links())
    def test_presets_are_valid_results(self, client, label, query):
        html = page(client, query)
        assert 'data-state="current"' in html

    def test_charts_are_inline_svg_with_text_alternatives(self, client):
        html = page(client, "v=2")
        assert html.count('<svg class="chart"') == 3
        assert "Pays back in month 3" in html
        assert "Lost purchases as a table" in html
        assert "Monthly cash flows as a table" in html

    def test_a_payback_outside_the_horizon_is_said(self, client):
        assert "Not within 12 months" in page(client, "cpa_gain=0")


class TestLiveUpdates:
    def test_htmx_gets_only_the_results(self, client):
        response = client.get("/?conversions=800", HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert "<html" not in html
        assert "<form" not in html
        assert "Likely worth it" in html
        assert "HX-Request" in response["Vary"]

    def test_htmx_with_an_invalid_value_swaps_only_the_messages(self, client):
        response = client.get("/?margin=abc", HTTP_HX_REQUEST="true")
        assert response["HX-Reswap"] == "none"
        assert response["HX-Replace-Url"] == "false"
        html = response.content.decode()
        assert re.search(
            r'id="margin-error" data-hx-swap-oob="true">Contribution margin must', html
        )
        assert 'id="stale"' in html

    @pytest.mark.parametrize("query", ["margin=abc", "v=1&setup=nope", "v=1&margin=abc"])
    def test_htmx_updates_exactly_the_message_slots_the_page_shows(self, client, query):
        """A version 1 link's page asks for its setup and not the integration:
        its live answers swap the setup's message and no slot the page lacks."""
        slots = re.compile(r'<p class="field__error" id="([a-z_]+-error)"')
        on_page = slots.findall(page(client, query))
        swapped = re.findall(
            r'<p class="field__error" id="([a-z_]+-error)" data-hx-swap-oob="true">',
            page(client, query, HTTP_HX_REQUEST="true"),
        )
        assert sorted(swapped) == sorted(on_page)
        assert ("setup-error" in on_page) == query.startswith("v=1")

    def test_the_form_works_without_javascript(self, client):
        tags = parse(page(client))
        form = next(a for t, a in tags.tags if t == "form")
        assert form["method"] == "get"
        assert form["action"] == "/"
        assert ("button", {"type": "submit", "class": "button"}) in tags.tags


class TestExportAndMethod:
    def test_csv_reads_as_a_finance_report(self, client):
        response = client.get("/export.csv?months=3&ramp=0&v=2")
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        by_label = {row[0]: row[1:] for row in rows if row and row[0]}
        assert by_label["Verdict"][0].startswith("Too close to call: +$1,087 over 3 months")
        assert by_label["Break-even fall in true cost per purchase (%)"] == [
            "3.11"
        ]  # g = 1800 / (584.49 × 80 × 0.4 × 3), g / (1 + g)
        assert by_label["Fall in true cost per purchase used (%)"] == ["4.89"]
        assert "Probability that it pays (%)" in by_label
        net = by_label["Net over 3 months (USD)"]
        assert len(net) == 3
        assert float(net[1]) < float(net[0]) < float(net[2])
        assert (
            by_label["ROI over 3 months (%)"][0] == "60.37"
        )  # (3 × 962.19 − 1800) / 1800, at the estimated 4.89%
        assert "NPV at 10% a year (USD)" in by_label
        assert by_label["Payback month"] == ["2"]
        # Inputs are named as the form names them, not by their keys.
        assert by_label["Horizon (months)"] == ["3"]
        assert by_label["Match rate with CAPI (%)"] == ["92"]
        assert "match_after" not in response.content.decode()
        assert "cpa_gain" not in response.content.decode()
        header = rows.index(
            [
                "Month",
                "Lift reached (%)",
                "Profit gain (USD)",
                "Setup cost (USD)",
                "Running cost (USD)",
                "Cash flow (USD)",
                "Cumulative (USD)",
                "Present value (USD)",
            ]
        )
        months = rows[header + 1 :]
        assert [row[0] for row in months] == ["0", "1", "2", "3"]
        assert months[0][:6] == ["0", "0.00", "0.00", "1500.00", "0.00", "-1500.00"]
        assert months[1][:6] == ["1", "100.00", "962.19", "0.00", "100.00", "862.19"]

    def test_csv_input_rows_carry_each_fields_own_unit(self, client):
        response = client.get("/export.csv?months=3&ramp=0&v=2")
        labels = [row[0] for row in csv.reader(io.StringIO(response.content.decode())) if row]
        assert "Purchases reported per month" in labels  # a count has no unit
        assert "Holdout test length (weeks)" in labels
        assert "Ramp-up (months)" in labels
        assert "Consent refusals (%)" in labels
        assert "Average order value (USD)" in labels
        german = client.get("/de/export.csv?months=3&ramp=0").content.decode()
        assert "(months)" not in german
        assert "(Monate)" in german

    def test_csv_refuses_invalid_inputs(self, client):
        response = client.get("/export.csv?months=0")
        assert response.status_code == 400
        assert "Horizon must be a whole number" in response.content.decode()

    def test_method_page_explains_formulas_and_sources(self, client):
        html = client.get("/method/").content.decode()
        assert "f0 = (1 − c)(1 − a)(1 − b)(1 − s·t)(1 − e)" in html
        assert "Ad-Filtering Report 2023</a>" in html

    def test_method_page_shows_the_models_recovery_rates(self, client, monkeypatch):
        """Version 2's table of what CAPI recovers, kept for older links, is the
        model's own, not a copy."""
        rates = {**model.RECOVERY, "backend": model.Recovery(0, 0, 0.81, 0.72, 0.93)}
        monkeypatch.setitem(model.VERSIONS, 2, replace(model.VERSIONS[2], recovery=rates))
        html = client.get("/method/").content.decode()
        html = html[html.index('id="v2"') :]
        row = re.search(r'<th scope="row">Ad blockers</th><td>([^<]+)</td><td>([^<]+)</td>', html)
        assert row.groups() == ("81%", "50%")
        assert '<th scope="row">Connectivity loss</th><td>93%</td><td>50%</td>' in html


def test_first_visit_is_under_60_kb_compressed(client):
    """The page, its stylesheet and its scripts, gzipped as whitenoise serves them."""
    html = client.get("/").content
    tags = parse(html.decode())
    assets = [a["src"] for t, a in tags.tags if t == "script"]
    assets += [
        a["href"] for t, a in tags.tags if t == "link" and a.get("rel") in ("stylesheet", "icon")
    ]
    total = len(gzip.compress(html))
    for url in assets:
        path = url.removeprefix("/static/")
        local = ROOT / "static" / path
        if not local.exists():
            local = Path(django_htmx.__file__).parent / "static" / path
        total += len(gzip.compress(local.read_bytes()))
    assert total < 60_000, total


def test_a_free_setup_says_any_gain_is_profit(client):
    html = page(client, "setup_cost=0&monthly_cost=0")
    assert "It costs nothing here, so any fall in your true cost per purchase is profit" in html
    assert "nothing to pay back: it costs nothing" in html


def test_monthly_gain_is_shown_before_and_after_running_costs(client):
    html = page(client, "monthly_cost=300&v=2")
    assert "$962" in html
    assert "$662 after running costs" in html


def test_a_field_is_rendered_with_what_a_visitor_typed_escaped():
    from django.template.loader import render_to_string

    from calculator.fields import FieldView

    base = {"name": "spend", "id": "id_spend", "label": "Spend", "unit": "USD", "hint": ""}
    base.update(source="", choices=[])

    def rendered(value: str, errors: list[str]) -> str:
        field = FieldView(**base, value=value, errors=errors)
        return render_to_string("calculator/_field.html#field", {"field": field})

    typed = rendered('<b>"5"</b>', ["<i>no</i>"])
    assert 'value="&lt;b&gt;&quot;5&quot;&lt;/b&gt;"' in typed
    assert "<b>" not in typed
    assert "<i>" not in typed
    assert 'aria-invalid="true"' in typed
    assert "field--error" in typed
    other = rendered("6", [])
    assert 'value="6"' in other
    assert "aria-invalid" not in other
