"""docs/model.md quotes figures at the defaults; they must be what the model computes.

Each quoted value is compared at the digits it is written with, so the test
fails when the model or the document drifts.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.http import QueryDict

from calculator import model
from calculator.forms import CalculatorForm

DOC = (Path(__file__).resolve().parent.parent / "docs" / "model.md").read_text()


def table(name: str) -> list[list[str]]:
    block = re.search(rf"<!-- {name}:start -->(.*?)<!-- {name}:end -->", DOC, re.S)
    assert block, f"docs/model.md has no {name} table"
    rows = [line.strip().strip("|").split("|") for line in block.group(1).strip().splitlines()]
    return [[cell.strip() for cell in row] for row in rows[2:]]  # after header and rule


def results_for(query: str, version: int) -> model.Results:
    form = CalculatorForm(QueryDict(f"{query}&v={version}" if query else f"v={version}"))
    assert form.is_valid(), form.errors
    return model.report(form.inputs(), version).results


def as_quoted(value: float, quoted: str) -> Decimal:
    """The model's value rounded to the decimals the document writes."""
    places = Decimal(quoted).as_tuple().exponent
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(places))


DEFAULTS = table("figures")
QUOTED = table("quoted")


def test_the_tables_are_there():
    assert len(DEFAULTS) >= 20
    assert len(QUOTED) >= 3


def figure(version: int, name: str) -> float:
    form = CalculatorForm(QueryDict(f"v={version}"))
    assert form.is_valid()
    rep = model.report(form.inputs(), version)
    if name.startswith("holdout."):
        return getattr(rep.holdout, name.removeprefix("holdout."))
    return getattr(rep.results, name)


@pytest.mark.parametrize(("version", "name", "quoted"), DEFAULTS)
def test_each_default_figure_is_what_the_model_computes(version, name, quoted):
    value = figure(int(version), name)
    assert as_quoted(value, quoted) == Decimal(quoted)


@pytest.mark.parametrize(("query", "name", "quoted"), QUOTED)
def test_each_quoted_figure_is_what_the_model_computes(query, name, quoted):
    value = getattr(results_for(query, 2), name)
    if Decimal(quoted).as_tuple().exponent == 0 and abs(value) > 1000:
        value = round(value, -1)  # "about 11,690": tens
    assert as_quoted(value, quoted) == Decimal(quoted)


# --- version 3: the model called directly, before the form knows its inputs ------

FIGURES_V3 = table("figures-v3")
EXAMPLES_V3 = table("examples-v3")


def inputs_of(query: str) -> model.Inputs:
    """``key=value&...`` as version 3's inputs: words stay words, the rest are numbers."""
    values = dict(pair.split("=") for pair in query.split("&")) if query else {}
    return model.Inputs(**{k: v if k in model.CHOICES_V3 else float(v) for k, v in values.items()})


def figure_v3(results: model.ResultsV3, path: str) -> object:
    """A figure named by its path in the JSON answer: `net`,
    `platforms.meta.lift_ceiling`, `holdout.test_cost`."""
    value: object = results
    for part in path.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return value


def test_the_version_3_tables_are_there():
    assert len(FIGURES_V3) >= 20
    assert len(EXAMPLES_V3) >= 20


@pytest.mark.parametrize(("name", "quoted"), FIGURES_V3)
def test_each_version_3_default_is_what_the_model_computes(name, quoted):
    value = figure_v3(model.compute_v3(model.DEFAULTS), name)
    assert as_quoted(value, quoted) == Decimal(quoted)


@pytest.mark.parametrize(("query", "name", "quoted"), EXAMPLES_V3)
def test_each_version_3_example_is_what_the_model_computes(query, name, quoted):
    inputs = inputs_of(query)
    if name == "error":  # the inputs are refused, keyed as quoted
        assert list(model.MODELS[3].problems(inputs)) == [quoted]
        return
    assert model.MODELS[3].problems(inputs) == {}
    value = figure_v3(model.compute_v3(inputs), name)
    if isinstance(value, list):  # warnings: the codes quoted are the ones listed
        assert value == quoted.split(", ")
    else:
        assert as_quoted(value, quoted) == Decimal(quoted)


def test_the_code_points_at_this_document_not_elsewhere():
    root = Path(__file__).resolve().parent.parent
    for path in [*root.glob("calculator/**/*.py"), *root.glob("tests/*.py")]:
        assert "MODEL" + ".md" not in path.read_text(), path


# The README is the onboarding; the rest lives in docs/. Every link between
# them must lead somewhere.
ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = sorted((ROOT / "docs").glob("*.md"))
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def links_in(path: Path) -> list[str]:
    return LINK.findall(FENCE.sub("", path.read_text()))


def anchors_of(path: Path) -> set[str]:
    """The anchors GitHub gives the document's headings."""
    headings = re.findall(r"^#+ (.+)$", FENCE.sub("", path.read_text()), re.M)
    return {
        re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings
    }


@pytest.mark.parametrize("document", [README, *PAGES], ids=lambda path: path.name)
def test_every_link_leads_to_a_file_and_heading_that_exist(document):
    local = [link for link in links_in(document) if not re.match(r"[a-z]+:", link)]
    assert local or document != README, "the README links nothing: is LINK still right?"
    for link in local:
        target, _, anchor = link.partition("#")
        path = (document.parent / target).resolve() if target else document
        assert path.exists(), f"{document.name}: {link}"
        if anchor:
            assert anchor in anchors_of(path), f"{document.name}: {link}"


def test_the_readme_leads_to_every_page_in_docs():
    linked = {(ROOT / link.partition("#")[0]).resolve() for link in links_in(README)}
    assert set(PAGES) - linked == set()


def test_the_readme_shows_the_architecture_on_its_first_screen():
    first_screen = "\n".join(README.read_text().splitlines()[:24])
    assert "(docs/architecture.md)" in first_screen


def test_the_anchor_rule_is_githubs():
    """A check that cannot see an anchor would pass every link."""
    assert anchors_of(ROOT / "docs" / "page.md") >= {"numbers-as-people-type-them"}
    assert "what-scriptstest-runs" in anchors_of(ROOT / "docs" / "development.md")
