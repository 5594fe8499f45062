"""A web worker's start: its collector tuned and a card drawn before any visitor."""

from __future__ import annotations

import gc

import pytest

from calculator.sharing import card
from roi_site import worker


@pytest.fixture
def thresholds():
    saved = gc.get_threshold()
    yield
    gc.set_threshold(*saved)


def test_a_worker_tunes_its_collector_and_draws_a_card(thresholds, monkeypatch):
    drawn = []
    monkeypatch.setattr(card, "warm", lambda: drawn.append(True))
    gc.set_threshold(700, 10, 10)
    worker.prepare()
    assert gc.get_threshold() == worker.THRESHOLDS
    assert drawn == [True]


def test_the_wsgi_module_prepares_the_worker(monkeypatch):
    import importlib

    import roi_site.wsgi

    prepared = []
    monkeypatch.setattr(worker, "prepare", lambda: prepared.append(True))
    importlib.reload(roi_site.wsgi)
    assert prepared == [True]
