from __future__ import annotations

import pytest

from calculator import model
from calculator.summary import decision


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"spend": 20000, "conversions": 400, "aov": 80}, "pays"),
        ({"spend": 800, "conversions": 25, "aov": 60}, "does-not-pay"),
    ],
)
def test_decision_follows_the_chance_it_pays(query, expected):
    report = model.report(model.Inputs(**query), 2)
    assert decision(report) == expected


def test_decision_thresholds_are_inclusive():
    class U:
        def __init__(self, p):
            self.probability_positive = p

    class R:
        def __init__(self, p):
            self.uncertainty = U(p)

    assert decision(R(0.7)) == "pays"
    assert decision(R(0.69)) == "uncertain"
    assert decision(R(0.31)) == "uncertain"
    assert decision(R(0.3)) == "does-not-pay"
