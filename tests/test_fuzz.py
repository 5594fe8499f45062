"""Schemathesis drives the API from its own OpenAPI document.

Every generated request, valid or not, must get an answer the document
describes: no server error, no undocumented status, no body off its schema,
valid queries accepted and invalid ones refused.
"""

from __future__ import annotations

import math
import re
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.http import QueryDict
from hypothesis import settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from calculator import model
from calculator.forms import BLANKS, FORM_KEYS, CalculatorForm

# The links API stores what it makes.
pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


def with_match_rule(query: dict | None) -> dict:
    """Apply the one rule the document states only in words: match_after >= match_before.

    Without it, a schema-valid query such as match_before=85&match_after=2 is
    rightly refused and would count as valid data rejected. Invalid values
    stay invalid: only two numbers in the wrong order are swapped.
    """
    query = dict(query or {})
    for prefix in ("", "google_", "tiktok_"):  # Meta's, then version 3's other platforms
        low, high = f"{prefix}match_before", f"{prefix}match_after"
        raw_before = query.get(low, getattr(model.DEFAULTS, low))
        raw_after = query.get(high, getattr(model.DEFAULTS, high))
        before, after = number(raw_before), number(raw_after)
        if before is not None and after is not None and after < before:
            query.update({low: raw_after, high: raw_before})
    return query


MONEY = [name for name, limit in model.LIMITS_V3.items() if limit.cents]
THOUSANDS_LOOKALIKE = re.compile(r"[+-]?[1-9][0-9]{0,2}\.[0-9]{3}")


def without_thousands_lookalikes(query: dict) -> dict:
    """The other rule stated in words: money written like 19.999 could be 19999
    (a dot between thousands), so it is refused as ambiguous. A fourth decimal
    keeps such a generated amount a plain number; it still rounds to cents."""
    for name in MONEY:
        value = query.get(name)
        if isinstance(value, int | float | str) and THOUSANDS_LOOKALIKE.fullmatch(str(value)):
            query[name] = f"{value}1"
    return query


def with_orders_rule(query: dict) -> dict:
    """Apply the other rule stated in words: orders may not fall below the true
    Meta-driven purchases N that the other inputs imply. A valid query whose
    orders are too few gets orders enough (or none, when N exceeds the limit)."""
    orders = number(query.get("orders"))
    if orders is None:
        return query
    rest = {k: v for k, v in query.items() if k != "orders"}
    form = CalculatorForm(QueryDict(urlencode(rest, doseq=True)))
    if not form.is_valid() or form.version != 2:
        return query
    implied = model.true_purchases(form.inputs())
    if implied > orders:
        return {**rest, "orders": math.ceil(implied)} if implied <= 1e8 else rest
    return query


def version_of(query: dict) -> int | None:
    text = str(query.get("v", model.CURRENT_VERSION))
    return int(text) if text.isdigit() and int(text) in model.VERSIONS else None


def with_version_rules(query: dict) -> dict:
    """The rules the document states per version: a key the version does not
    read is ignored, whatever its value; version 1 cannot leave the lift empty
    (it has no estimate); before version 3 a spend is above 0 and neither the
    Gateway as a setup nor the managed service exists."""
    version = version_of(query)
    if version is None:
        return query
    reads = model.VERSIONS[version].keys
    kept = {k: v for k, v in query.items() if k in reads or k not in FORM_KEYS}
    empty_lift = isinstance(kept.get("cpa_gain"), str) and not kept["cpa_gain"].strip(BLANKS)
    if version == 1 and empty_lift:
        del kept["cpa_gain"]
    if version < 3:
        spend = number(kept.get("spend"))
        if spend is not None and 0 <= spend < 0.01:  # "at least 0.01" before version 3
            kept["spend"] = "0.01"
        if kept.get("setup") == "gateway":
            kept["setup"] = "relay"
        if kept.get("integration") == "managed":
            kept["integration"] = "custom"
    return kept


def with_version_3_rules(query: dict) -> tuple[dict, bool]:
    """Version 3's rules across fields, stated in words: give a platform (Meta's
    default spend), a platform's missing purchases (1), or orders enough for
    the purchases the loss rates imply. Also whether the query still breaks a
    rule (an implied N beyond the largest orders): its 400 is then the
    documented answer."""
    if version_of(query) != 3:
        return query, False
    for _attempt in range(6):
        form = CalculatorForm(QueryDict(urlencode(query, doseq=True)))
        if form.is_valid() or not form.rules_broken:
            return query, False
        ((key, problem),) = form.rules_broken.items()
        if problem.code == "no_platform":
            query = {**query, "spend": model.DEFAULTS.spend}
        elif problem.code == "required":
            query = {**query, key: 1}
        elif problem.n is not None and problem.n <= 1e8:
            query = {**query, "orders": math.ceil(problem.n)}
        else:
            break
    return query, True


def number(value: object) -> float | None:
    """Generated values come as numbers, or as text in the coverage phase."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """As Django's test client does: the WSGI handler would otherwise close old
    database connections around each request, touching the test database."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Bounded so the whole run takes seconds: the API has one operation.
@schema.parametrize()
@settings(max_examples=150, deadline=None)
def test_the_api_keeps_its_contract(case):
    # The orders rule last: it asks the form whether the rest is valid, which
    # a money value like 1.055 (refused as ambiguous) would make it not.
    generated = dict(case.query or {})
    query = with_orders_rule(
        without_thousands_lookalikes(with_match_rule(with_version_rules(generated)))
    )
    case.query, breaks_a_rule = with_version_3_rules(query)
    # The links API takes a whole query string as one JSON string, whose
    # validity the schema cannot state: a 400 there is the documented answer,
    # as it is for a version 3 query whose loss rates no orders can hold.
    refused = case.operation.path == "/api/v1/links" or breaks_a_rule
    excluded = [positive_data_acceptance] if refused else []
    # A query the rules in words rewrote is not the one generated: a value the
    # schema refuses may be gone (a key the version ignores, dropped), so the
    # schema alone no longer says it must be refused.
    if case.query != generated:
        excluded.append(negative_data_rejection)
    # The WSGI transport does not decompress: ask for the plain body.
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, excluded_checks=excluded)
