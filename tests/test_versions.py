"""Old links keep their numbers: version 1 answers exactly as it did before version 2.

``data/v1_reports.json`` was recorded from the API before version 2 shipped:
for each query, its canonical form and the whole JSON answer. Every figure
must stay the same to the last bit, not just to the cent.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.http import QueryDict

from calculator import model
from calculator.forms import CalculatorForm
from calculator.models import ShortLink

RECORDED = json.loads((Path(__file__).parent / "data" / "v1_reports.json").read_text())
CASES = list(RECORDED.items())
IDS = [query or "defaults" for query, _ in CASES]


def without_the_planner(body: dict) -> dict:
    """The answer less the holdout planner, which came later and changes no figure."""
    inputs = {k: v for k, v in body["inputs"].items() if not k.startswith("holdout_")}
    results = {k: v for k, v in body["results"].items() if k != "holdout"}
    return {**body, "inputs": inputs, "results": results}


@pytest.mark.parametrize(("query", "case"), CASES, ids=IDS)
def test_the_api_answers_a_version_1_link_as_before(client, query, case):
    assert case["canonical"].endswith("&v=1")
    body = client.get(f"/api/v1/calculate?{case['canonical']}").json()
    assert without_the_planner(body) == case["report"]
    assert set(body["results"]["holdout"]) == {
        "weeks",
        "share",
        "purchases_per_week",
        "mde_cpa_gain",
        "weeks_for_expected",
        "weeks_for_breakeven",
    }


@pytest.mark.parametrize(("query", "case"), CASES, ids=IDS)
def test_a_holdout_plan_changes_no_figure(client, query, case):
    planned = f"{case['canonical']}&holdout_weeks=20&holdout_share=30"
    body = client.get(f"/api/v1/calculate?{planned}").json()
    assert body["inputs"]["holdout_weeks"] == 20
    assert without_the_planner(body) == {
        **case["report"],
        "inputs": case["report"]["inputs"],
    }


@pytest.mark.parametrize(("query", "case"), CASES, ids=IDS)
def test_a_version_1_query_keeps_its_canonical_form(query, case):
    form = CalculatorForm(QueryDict(f"{query}&v=1" if query else "v=1"))
    assert form.is_valid(), form.errors
    assert form.canonical_query() == case["canonical"]


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "case"), CASES[:3], ids=IDS[:3])
def test_a_stored_short_link_shows_version_1(client, query, case):
    link, _ = ShortLink.create_for(case["canonical"], 1)
    response = client.get(f"/s/{link.code}/")
    rep = response.context["report"]
    assert rep.model_version == 1
    assert without_the_planner(model.report_to_dict(rep))["results"] == case["report"]["results"]
    assert "Model version 1." in response.content.decode()


def test_the_csv_of_a_version_1_link_keeps_its_figures(client):
    case = RECORDED[""]
    text = client.get(f"/export.csv?{case['canonical']}").content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert ["Expected true CPA improvement (%)", "5"] in rows
    assert ["Model version", "1"] in rows
    labels = {row[0] for row in rows if row}
    assert not any(label.startswith(("Orders your store", "Lift per extra")) for label in labels)
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Month")
    flows = [row[5] for row in rows[header + 1 :]]
    assert flows == [f"{flow:.2f}" for flow in case["report"]["results"]["cash_flows"]]


def test_the_page_and_the_embed_of_a_version_1_link_show_its_figures(client):
    case = RECORDED[""]
    for path in ("/", "/embed/"):
        html = client.get(f"{path}?{case['canonical']}").content.decode()
        assert "$984" in html
        assert "319%" in html
        assert 'name="v" value="1"' in html


def test_new_links_are_version_3(client):
    html = client.get("/?spend=20000").content.decode()
    assert 'name="v" value="3"' in html
    assert "$507" in html  # the monthly gain at the defaults, docs/model.md


def test_a_version_2_link_keeps_its_figures(client):
    html = client.get("/?spend=20000&v=2").content.decode()
    assert 'name="v" value="2"' in html
    assert "$962" in html
