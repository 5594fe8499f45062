"""Every figure, range and ranking stays the same to the last bit.

``data/model_reports.json`` holds the whole report of 78 varied inputs
(defaults, every mode and setup, entered and estimated lifts, acr, zero
costs, zero and extreme rates, random cases), under version 1 and version
2, recorded from the model before its uncertainty and sensitivity were
made faster. A change in speed must never change a number.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calculator import roi

RECORDED = json.loads((Path(__file__).parent / "data" / "model_reports.json").read_text())
CASES = sorted(RECORDED.items())


def test_both_versions_are_recorded():
    versions = [case["version"] for _, case in CASES]
    assert versions.count(1) > 30
    assert versions.count(2) > 30


@pytest.mark.parametrize(("query", "case"), CASES, ids=[q for q, _ in CASES])
def test_the_report_is_the_recorded_one(query, case):
    inputs = roi.Inputs(**case["inputs"])
    rep = roi.report(inputs, case["version"])
    # Through JSON, as recorded: a float survives the round trip bit for bit.
    assert json.loads(json.dumps(roi.report_to_dict(rep))) == case["report"]
