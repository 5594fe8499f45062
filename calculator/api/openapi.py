"""The OpenAPI 3.1 description of the JSON API, built from the form and model.

Parameters come from ``CalculatorForm`` and ``model.LIMITS``, so the document
cannot drift from what the API accepts.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from calculator import model
from calculator.forms import BLANK_PATTERN, COSTS, CalculatorForm, NumberField

NUMBER = {"type": "number"}
NULLABLE_NUMBER = {"type": ["number", "null"]}
BAND = {
    "type": "object",
    "required": ["p10", "p50", "p90"],
    "properties": {"p10": NULLABLE_NUMBER, "p50": NULLABLE_NUMBER, "p90": NULLABLE_NUMBER},
}
NUMBER_LIST = {"type": "array", "items": NUMBER}
TOO_LARGE = "null when too large to represent (spend within a few hundred zeros of 0)."

RESULT_TYPES: dict[str, dict[str, Any]] = {
    "losses": {
        "type": "object",
        "required": list(model.CAUSES),
        "properties": dict.fromkeys(model.CAUSES, NUMBER),
    },
    "cash_flows": NUMBER_LIST,
    "cumulative": NUMBER_LIST,
    "roi": NULLABLE_NUMBER,
    "payback_month": {"type": ["integer", "null"]},
    "breakeven_cpa_gain": NULLABLE_NUMBER,
    "breakeven_spend": NULLABLE_NUMBER,
    # Revenue over spend: null when spend is so close to 0 that the ratio
    # exceeds what a double (and so JSON) can hold, e.g. spend=1e-320.
    "reported_roas_before": {**NULLABLE_NUMBER, "description": TOO_LARGE},
    "reported_roas_after": {**NULLABLE_NUMBER, "description": TOO_LARGE},
    # Version 2: where the lift comes from, and what makes a result doubtful.
    "signal_gain": {
        "type": "number",
        "description": "G: matched purchase events Meta receives with CAPI against "
        "without, less 1 (recovered_share, or the measured acr when given).",
    },
    "estimated_cpa_gain": {
        "type": "number",
        "description": "The lift the signal supports: min(0.25, lift_slope/100 * G).",
    },
    "cpa_gain": {
        "type": "number",
        "description": "The fall in true CPA every figure assumes: the entered cpa_gain, "
        "else estimated_cpa_gain.",
    },
    "cpa_gain_source": {"type": "string", "enum": ["signal", "entered"]},
    "share_of_orders": {
        **NULLABLE_NUMBER,
        "description": "True Meta-driven purchases over the store's orders; null without orders.",
    },
    "warnings": {
        "type": "array",
        "items": {"type": "string", "enum": list(model.WARNINGS)},
        "description": "Codes of what makes the result doubtful, empty when nothing is: "
        "`pixel_sees_under_a_fifth` (reported purchases are under a fifth of the true "
        "ones: every figure scales with the loss rates), `lift_above_meta_average` (the "
        "lift used is above the 13% Meta reports for advertisers who chose CAPI).",
    },
}
HOLDOUT = {
    "type": "object",
    "description": "What a test/control holdout could prove at this volume (any version; "
    "it changes no other figure). Two-sided 5% test with 80% power on Poisson counts.",
    "required": list(model.Holdout.__dataclass_fields__),
    "properties": {
        "weeks": {"type": "integer", "description": "holdout_weeks"},
        "share": {"type": "number", "description": "holdout_share as a fraction"},
        "purchases_per_week": {
            "type": "number",
            "description": "n = true Meta-driven purchases a month × 12 / 52",
        },
        "mde_cpa_gain": {
            "type": "number",
            "description": "The smallest fall in true CPA this test detects, a fraction.",
        },
        "weeks_for_expected": {
            **NULLABLE_NUMBER,
            "description": "Weeks to detect the lift the figures assume; null when it is 0.",
        },
        "weeks_for_breakeven": {
            **NULLABLE_NUMBER,
            "description": "Weeks to detect the break-even CPA fall; null when it is 0 or none.",
        },
    },
}
RESULT_TYPES["holdout"] = HOLDOUT

# Keys only version 2 answers; version 1 answers the others, unchanged.
V2_ONLY = [
    name
    for name in model.ResultsV2.__dataclass_fields__
    if name not in model.Results.__dataclass_fields__
]


# Rules across parameters, which a parameter's schema cannot state.
VERSION_2_ONLY = "Model version 2 only: with v=1 it is ignored, whatever its value."
RULES = {
    "match_after": "It must be at least match_before; a smaller value answers 400.",
    "orders": "When the loss rates and reported purchases imply more Meta-driven purchases "
    "than this, the answer is 400 keyed `orders`. " + VERSION_2_ONLY,
    "lift_slope": VERSION_2_ONLY,
    "integration": VERSION_2_ONLY + " Version 1 reads `setup` instead.",
    "cpa_gain": "Version 2: empty estimates it from the signal gain. Version 1: required "
    "(default 5).",
}


def _parameter(name: str, field: Any) -> dict[str, Any]:
    schema: dict[str, Any]
    if isinstance(field, NumberField):
        limit = field.limit
        schema = {"type": "integer" if limit.integer else "number", "maximum": limit.high}
        schema["minimum"] = limit.low
        if not field.required:  # optional: an empty value is the same as none
            schema = {"anyOf": [schema, {"type": "string", "pattern": BLANK_PATTERN}]}
    elif name == "v":
        schema = {"type": "integer", "enum": sorted(model.VERSIONS)}
    else:
        schema = {"type": "string", "enum": [key for key, _ in field.choices]}
        if not field.required:
            schema["enum"].append("")  # empty: none chosen
    default = getattr(model.DEFAULTS, name, model.CURRENT_VERSION if name == "v" else None)
    if name in COSTS:
        # Empty (or missing) means the chosen integration's typical cost.
        schema = {"anyOf": [schema, {"type": "string", "pattern": BLANK_PATTERN}]}
        default = None
    if default is not None:
        schema["default"] = default
    description = field.label
    if field.help_text:
        description += f". {field.help_text}"
    if isinstance(field, NumberField) and field.unit == "%":
        description += " In percent: 8 means 8%."
    if isinstance(field, NumberField) and field.unit in ("money", "count"):
        description += (
            " Also accepted as people type it: 30,000, 30 000, $30,000, 30k, 1.5m; "
            "money with exactly three decimals after a 1-3 digit whole part (30.000, "
            "19.999) could be thousands, so it answers 400 naming both readings."
        )
    if name in COSTS:
        description += (
            " Empty or missing: the typical cost of the chosen integration "
            "(the model's default without one)."
        )
    if name == "integration":
        description += (
            " It sets `setup` and the typical costs; a `setup` given with it must be "
            "valid but is replaced by the integration's. Empty: none, `setup` applies."
        )
    if name in RULES:
        description += " " + RULES[name]
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _results_schema() -> dict[str, Any]:
    names = [*model.ResultsV2.__dataclass_fields__, "holdout"]
    return {
        "type": "object",
        "description": f"Version 2 adds {', '.join(V2_ONLY)}.",
        "required": [*model.Results.__dataclass_fields__, "holdout"],
        "properties": {name: RESULT_TYPES.get(name, NUMBER) for name in names},
    }


def _report_schema() -> dict[str, Any]:
    swing = {
        "type": "object",
        "required": list(model.Swing.__dataclass_fields__),
        "properties": {
            "input": {"type": "string", "enum": [*model.SPREADS, "lift_slope"]},
            "label": {"type": "string"},
            "low_value": NUMBER,
            "high_value": NUMBER,
            "net_low": NUMBER,
            "net_high": NUMBER,
            "swing": {"type": "number", "minimum": 0},
        },
    }
    uncertainty = {
        "type": "object",
        "required": list(model.Uncertainty.__dataclass_fields__),
        "properties": {
            "draws": {"type": "integer"},
            "recovered": BAND,
            "monthly_benefit": BAND,
            "net": BAND,
            "roi": BAND,
            "probability_positive": {"type": "number", "minimum": 0, "maximum": 1},
            "cpa_gain": {**BAND, "description": "The lift used, as a fraction. Version 2 only."},
        },
    }
    return {
        "type": "object",
        "required": ["model_version", "inputs", "results", "uncertainty", "sensitivity"],
        "properties": {
            "model_version": {"type": "integer"},
            "inputs": {"type": "object"},
            "results": _results_schema(),
            "uncertainty": uncertainty,
            "sensitivity": {"type": "array", "items": swing},
        },
    }


ERRORS_SCHEMA = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "object",
            "description": "Field name -> messages that name the field and its allowed range.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        }
    },
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
    }


SERVER_ERROR = _error("The server failed to answer; `errors.server` says so in words.")
# GET answers are cacheable: a strong ETag, and 304 to a request that sends it back.
ETAG_HEADER = {
    "ETag": {
        "description": "A strong tag of the body: send it as If-None-Match to get a 304.",
        "schema": {"type": "string"},
    }
}
NOT_MODIFIED = {
    "description": "Not modified: the If-None-Match tag still names this answer. No body.",
    "headers": ETAG_HEADER,
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The ETag of an answer held already; a 304 says it is still current.",
    "schema": {"type": "string"},
}


def _links_path() -> dict[str, Any]:
    """POST /api/v1/links; the limit is read when the document is built, not at import."""
    limit = settings.SHORT_LINKS_PER_HOUR
    link = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Link"}}}}
    return {
        "post": {
            "operationId": "createShortLink",
            "summary": "Get the short link of a result",
            "description": (
                "The same inputs always give the same code; the link keeps the model "
                f"version it names. Each client address may create at most {limit} new "
                "links an hour; asking again for an existing link is not counted."
            ),
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["query"],
                            "properties": {
                                "query": {
                                    "type": "string",
                                    "maxLength": 1000,
                                    "description": (
                                        "The result's query string, with or without its "
                                        "leading '?', or a full link to this calculator. "
                                        "Its keys are those of /api/v1/calculate."
                                    ),
                                    "examples": ["spend=50000&consent=40&v=1"],
                                },
                                "language": {
                                    "type": "string",
                                    "enum": ["en", "de", "fr", "es"],
                                    "description": (
                                        "The language the short link opens the result in "
                                        "(its address then starts with /de/, /fr/ or /es/). "
                                        "By default the language of a full link's address, "
                                        "else English."
                                    ),
                                    "examples": ["de"],
                                },
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": {"description": "The link existed already.", **link},
                "201": {"description": "The link was created.", **link},
                "400": _error(
                    "The body is not JSON, `query` is missing, or some inputs are invalid "
                    "(the errors name each field)."
                ),
                "429": {
                    **_error(f"More than {limit} new links an hour from this address."),
                    "headers": {
                        "Retry-After": {
                            "description": "Seconds until new links are accepted again.",
                            "schema": {"type": "integer"},
                        }
                    },
                },
                "500": SERVER_ERROR,
            },
        }
    }


LINK_SCHEMA = {
    "type": "object",
    "required": ["url", "code"],
    "properties": {
        "url": {"type": "string", "format": "uri", "description": "The short link."},
        "code": {"type": "string", "pattern": "^[0-9a-z]+$"},
    },
}


def document(server: str = "/") -> dict[str, Any]:
    """The whole OpenAPI 3.1 document; ``server`` is the site's address (no trailing /)."""
    form = CalculatorForm()
    parameters = [_parameter(name, field) for name, field in form.fields.items()]
    return {
        "openapi": "3.1.0",
        "servers": [{"url": server}],
        # Nothing to authenticate: every operation is open to any caller.
        "security": [],
        "info": {
            "title": "CAPI ROI calculator API",
            "version": "1.0.0",
            "description": (
                "What adding Meta's Conversions API to a Pixel-only setup changes, and "
                "whether it pays. Measurement recovery (more reported purchases) is kept "
                "apart from the performance lift (cheaper real purchases); only the lift "
                "enters ROI. Ratios in responses are fractions (0.316, not 31.6)."
            ),
            # No open licence is granted; SPDX's LicenseRef- form names that plainly.
            "license": {
                "name": "All rights reserved",
                "identifier": "LicenseRef-All-rights-reserved",
            },
        },
        "paths": {
            "/api/v1/calculate": {
                "get": {
                    "operationId": "calculate",
                    "summary": "Calculate the ROI of adding the Conversions API",
                    "parameters": [*parameters, IF_NONE_MATCH],
                    "responses": {
                        "200": {
                            "description": "Every figure of the model, its range and sensitivity.",
                            "headers": ETAG_HEADER,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Report"}
                                }
                            },
                        },
                        "400": {
                            "description": "Some inputs were invalid.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Errors"}
                                }
                            },
                        },
                        "304": NOT_MODIFIED,
                        "500": SERVER_ERROR,
                    },
                }
            },
            "/api/v1/links": _links_path(),
        },
        "components": {
            "schemas": {"Report": _report_schema(), "Errors": ERRORS_SCHEMA, "Link": LINK_SCHEMA}
        },
    }
