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
    "description": "What a test/control holdout could prove at this volume (versions 1 and "
    "2; it changes no other figure). Two-sided 5% test with 80% power on Poisson counts.",
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


# --- version 3: the store's figures, and each platform's ----------------------

PLATFORM_WARNING_TEXT = {
    "pixel_sees_under_a_fifth": "coverage_before under 0.2: the platform sees under a fifth "
    "of the purchases it drives, by the loss rates",
    "recovery_above_evidence": "recovered_share above 0.6, above every ACR median Meta publishes",
    "lift_above_ceiling": "an entered cpa_gain above lift_ceiling, beyond what the randomized "
    "anchor implies for this route",
    "claims_most_orders": "true_conversions above 70% of the store's orders",
    "reported_roas_implausible": "reported_roas_before under 0.25 or above 25 (50 for "
    "Google): spend and reported purchases probably do not belong together",
    "acr_above_modelled_losses": "Meta's measured acr is above what the loss rates allow, "
    "so true_conversions was raised to fit it (losses.unexplained holds the rest)",
}
STORE_WARNING_TEXT = {
    "platforms_claim_more_than_orders": "the platforms' true_conversions add up to more "
    "than the store's orders: they claim some of the same purchases, so the money may be "
    "overstated",
    "breakeven_above_ceiling": "breakeven_cpa_gain is above the pool's lift_ceiling: even "
    "the whole effect the randomized study measured would not pay this back",
    "setup_serves_no_platform": "every platform is on route `none`: the costs buy nothing",
}
assert tuple(PLATFORM_WARNING_TEXT) == model.PLATFORM_WARNINGS
assert tuple(STORE_WARNING_TEXT) == model.STORE_WARNINGS


def _codes(texts: dict[str, str], lead: str) -> dict[str, Any]:
    listed = "; ".join(f"`{code}`: {text}" for code, text in texts.items())
    return {
        "type": "array",
        "items": {"type": "string", "enum": list(texts)},
        "description": f"{lead}, in this order, empty when nothing is doubtful. {listed}.",
    }


PLATFORM_TYPES: dict[str, dict[str, Any]] = {
    "route": {
        "type": "string",
        "enum": ["backend", "relay", "gateway", "none"],
        "description": "How server events reach the platform (`gateway`: Meta only; "
        "`none`: the browser tag alone, no lift, outside the pool).",
    },
    "spend": NUMBER,
    "losses": {
        "type": "object",
        "required": list(model.CAUSES),
        "properties": {
            **dict.fromkeys(model.CAUSES, NUMBER),
            "unexplained": {
                "type": "number",
                "description": "Only after a measured acr raised true_conversions: the "
                "purchases the loss rates do not explain.",
            },
        },
        "additionalProperties": False,
    },
    "coverage_before": {
        "type": "number",
        "description": "c0: reported_before / true_conversions, the share of its true "
        "purchases the platform receives and attributes without server events.",
    },
    "coverage_after": {"type": "number", "description": "c1: the same with server events."},
    "lift_ceiling": {
        "type": "number",
        "description": "The anchor: 0.35 (c1 - c0) / (1 + 0.35 (1 - c0)), from the one "
        "randomized study (Wernerfelt et al. 2023).",
    },
    "estimated_cpa_gain": {
        "type": "number",
        "description": "lift_share/100 × lift_ceiling; 0 on route `none`.",
    },
    "cpa_gain": {
        "type": "number",
        "description": "The fall in true CPA the figures assume: the entered cpa_gain, else "
        "estimated_cpa_gain; 0 on route `none`.",
    },
    "cpa_gain_source": {"type": "string", "enum": ["signal", "entered", "none"]},
    "reported_roas_before": {**NULLABLE_NUMBER, "description": TOO_LARGE},
    "reported_roas_after": {**NULLABLE_NUMBER, "description": TOO_LARGE},
    "share_of_orders": {
        **NULLABLE_NUMBER,
        "description": "true_conversions over the store's orders; null without orders.",
    },
    "warnings": _codes(PLATFORM_WARNING_TEXT, "The platform's doubts"),
}
PLATFORM = {
    "type": "object",
    "description": "One platform's figures: its measurement, its lift and its money.",
    "required": list(model.PlatformResults.__dataclass_fields__),
    "properties": {
        name: PLATFORM_TYPES.get(name, NUMBER)
        for name in model.PlatformResults.__dataclass_fields__
    },
}
HOLDOUT_V3 = {
    "type": ["object", "null"],
    "description": "The holdout test on the store's own orders, over the platforms served "
    "(one-sided 5%, power 80%, Poisson floors: real regions need more); null when no "
    "platform is served.",
    "required": list(model.HoldoutV3.__dataclass_fields__),
    "properties": {
        "weeks": {"type": "integer", "description": "holdout_weeks"},
        "share": {"type": "number", "description": "holdout_share as a fraction"},
        "orders_per_week": {
            "type": "number",
            "description": "O: orders × 12/52, or without orders the served platforms' true "
            "purchases × 12/52 (a lower bound).",
        },
        "share_of_orders": {
            **NULLABLE_NUMBER,
            "description": "s: the served platforms' true purchases over the orders; null "
            "without orders.",
        },
        "expected_cpa_gain": {**NULLABLE_NUMBER, "description": "p_e, as in results."},
        "mde_cpa_gain": {
            "type": "number",
            "description": "The smallest fall in true CPA this test detects, a fraction.",
        },
        "weeks_for_expected": {
            **NULLABLE_NUMBER,
            "description": "Weeks to detect the expected lift; null when it is 0 or less.",
        },
        "weeks_for_breakeven": {
            **NULLABLE_NUMBER,
            "description": "Weeks to detect the break-even lift; null when it is 0 or none.",
        },
        "weeks_to_clear_breakeven": {
            **NULLABLE_NUMBER,
            "description": "Weeks to show the lift is above the break-even, not merely above "
            "0; null when the expected lift does not exceed the break-even.",
        },
        "test_cost": {
            "type": "number",
            "description": "The profit the control arm forgoes over the test.",
        },
    },
}
RESULT_TYPES_V3: dict[str, dict[str, Any]] = {
    "expected_cpa_gain": {
        **NULLABLE_NUMBER,
        "description": "p_e: the served platforms' cpa_gain weighted by true_conversions; "
        "null when no platform is served.",
    },
    "cash_flows": NUMBER_LIST,
    "cumulative": NUMBER_LIST,
    "roi": NULLABLE_NUMBER,
    "payback_month": {"type": ["integer", "null"]},
    "breakeven_cpa_gain": {
        **NULLABLE_NUMBER,
        "description": "p*: one common fall in true CPA on every served platform at which "
        "net = 0; null when no platform is served.",
    },
    "breakeven_spend": NULLABLE_NUMBER,
    "warnings": _codes(STORE_WARNING_TEXT, "The store's doubts"),
    "holdout": HOLDOUT_V3,
    "platforms": {
        "type": "object",
        "description": "Each platform with spend above 0, keyed meta, google, tiktok, in "
        "that order.",
        "minProperties": 1,
        "properties": dict.fromkeys(model.PLATFORMS, PLATFORM),
        "additionalProperties": False,
    },
}


def _results_schema_v3() -> dict[str, Any]:
    names = list(model.ResultsV3.__dataclass_fields__)
    return {
        "type": "object",
        "description": "Version 3: the store's figures, summed over its platforms, and "
        "each platform's under `platforms`.",
        "required": names,
        "properties": {name: RESULT_TYPES_V3.get(name, NUMBER) for name in names},
    }


# Rules across parameters, which a parameter's schema cannot state.
VERSION_2_ONLY = "Model version 2 only: with v=1 or v=3 it is ignored, whatever its value."
VERSIONS_2_AND_3 = "Model versions 2 and 3: with v=1 it is ignored, whatever its value."
VERSION_3_ONLY = "Model version 3 only: with v=1 or v=2 it is ignored, whatever its value."
NO_CONVERSIONS = " With v=3, a spend above 0 without purchases reported answers 400 keyed `{key}`."
RULES = {
    "spend": "Versions 1 and 2: at least 0.01. Version 3: 0 means no Meta ads; with no "
    "platform's spend above 0 the answer is 400 keyed `spend`.",
    "match_after": "It must be at least match_before; a smaller value answers 400.",
    "google_match_after": "It must be at least google_match_before; a smaller value "
    "answers 400. " + VERSION_3_ONLY,
    "tiktok_match_after": "It must be at least tiktok_match_before; a smaller value "
    "answers 400. " + VERSION_3_ONLY,
    "orders": "Versions 2 and 3: when the loss rates and reported purchases imply more "
    "purchases driven by a platform than this, the answer is 400 keyed `orders`. Version "
    "3 without orders: when a served platform would see under a fifth of the purchases "
    "it drives, or server events would more than double what it reports, the answer is "
    "400 keyed `orders` (enter the orders, or lower the loss rates). With v=1 it is "
    "ignored, whatever its value.",
    "lift_slope": VERSION_2_ONLY,
    "integration": VERSIONS_2_AND_3 + " Version 1 reads `setup` instead. `managed`: "
    "version 3 only. Version 3: it sets `setup`, `google_route` and `tiktok_route` unless "
    "those are given, and its typical costs follow the store's orders and the number of "
    "platforms it serves.",
    "setup": "`gateway` (Meta's Conversions API Gateway, its own route): version 3 only.",
    "cpa_gain": "Versions 2 and 3: empty estimates it. Version 1: required (default 5).",
    "google_spend": VERSION_3_ONLY + NO_CONVERSIONS.format(key="google_conversions"),
    "tiktok_spend": VERSION_3_ONLY + NO_CONVERSIONS.format(key="tiktok_conversions"),
    "acr": "Version 3: above what the loss rates allow, it raises Meta's true purchases "
    "(warning `acr_above_modelled_losses`).",
}
RULES["store"] = (
    "Not a model input: it changes no figure of the report. With v=3 and "
    "compare=integrations it says which native integrations are `available` (`shopify` "
    "for a Shopify store, `woocommerce` for a WooCommerce store; the chosen `integration` "
    "always is). Every version refuses a value outside the list."
)
V3_ONLY_KEYS = [name for name in model.V3_KEYS if name not in model.INPUT_KEYS]
COMPARE_PARAMETER = {
    "name": "compare",
    "in": "query",
    "required": False,
    "description": "`integrations` adds `comparison` to a version 3 answer: every "
    "integration of the typical-cost table for this store. Versions 1 and 2 ignore it, "
    "as they ignore every key they do not read; any other value answers 400 keyed "
    "`compare`. Empty or missing: no comparison.",
    "schema": {"type": "string", "enum": ["integrations", ""]},
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
    if name == "store":
        default = model.DEFAULT_STORE  # the page's, not the model's
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
            " Version 2: it sets `setup` and the typical costs; a `setup` given with it "
            "must be valid but is replaced by the integration's. Empty: none, `setup` applies."
        )
    if name in RULES:
        description += " " + RULES[name]
    elif name in V3_ONLY_KEYS:
        description += " " + VERSION_3_ONLY
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


COMPARISON = {
    "type": "array",
    "description": "Only with compare=integrations: one object per integration of the "
    "typical-cost table, in its order. The chosen `integration` keeps the routes and "
    "costs the query gives (its figures are the report's); every other one takes its own "
    "routes and its typical costs at this volume, every other input as given. Point "
    "figures, no range.",
    "minItems": len(model.COMPARED),
    "maxItems": len(model.COMPARED),
    "items": {
        "type": "object",
        "required": list(model.IntegrationResult.__dataclass_fields__),
        "additionalProperties": False,
        "properties": {
            "integration": {"type": "string", "enum": list(model.COMPARED)},
            "platforms": {
                "type": "array",
                "items": {"type": "string", "enum": list(model.PLATFORMS)},
                "uniqueItems": True,
                "description": "The platforms with spend it sends server events to (route "
                "not `none`), in the order meta, google, tiktok; empty when it covers none.",
            },
            "setup_cost": NUMBER,
            "monthly_cost": NUMBER,
            "net": {**NUMBER, "description": "Net over the horizon (`months`)."},
            "payback_month": {"type": ["integer", "null"]},
            "breakeven_cpa_gain": {
                **NULLABLE_NUMBER,
                "description": "p* over the platforms it covers; null when it covers none.",
            },
            "available": {
                "type": "boolean",
                "description": "Whether the store can use it: `shopify` needs store=shopify "
                "and `woocommerce` store=woocommerce, unless it is the chosen integration.",
            },
            "best": {
                "type": "boolean",
                "description": "The highest net among the available integrations that cover "
                "at least one platform (the first listed of equals); at most one is true.",
            },
        },
    },
}


def _report_schema_v3() -> dict[str, Any]:
    platform_bands = {
        "type": "object",
        "required": list(model.PlatformBands.__dataclass_fields__),
        "properties": {
            "recovered": BAND,
            "cpa_gain": {**BAND, "description": "The platform's lift, as a fraction."},
        },
    }
    uncertainty = {
        "type": "object",
        "required": list(model.UncertaintyV3.__dataclass_fields__),
        "properties": {
            "draws": {"type": "integer"},
            "monthly_benefit": BAND,
            "net": BAND,
            "roi": BAND,
            "probability_positive": {"type": "number", "minimum": 0, "maximum": 1},
            "platforms": {
                "type": "object",
                "description": "Per platform in the result: its recovered purchases and lift.",
                "properties": dict.fromkeys(model.PLATFORMS, platform_bands),
                "additionalProperties": False,
            },
        },
    }
    swing = {
        "type": "object",
        "required": list(model.Swing.__dataclass_fields__),
        "properties": {
            "input": {"type": "string", "enum": list(model.LABELS_V3)},
            "label": {"type": "string"},
            "low_value": NUMBER,
            "high_value": NUMBER,
            "net_low": NUMBER,
            "net_high": NUMBER,
            "swing": {"type": "number", "minimum": 0},
        },
    }
    return {
        "type": "object",
        "description": "A version 3 answer (v=3).",
        "required": ["model_version", "inputs", "results", "uncertainty", "sensitivity"],
        "properties": {
            "model_version": {"type": "integer", "const": 3},
            "inputs": {"type": "object"},
            "results": _results_schema_v3(),
            "uncertainty": uncertainty,
            "sensitivity": {"type": "array", "items": swing},
            "comparison": COMPARISON,
        },
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
        "description": "A version 1 or 2 answer (v=1, v=2).",
        "required": ["model_version", "inputs", "results", "uncertainty", "sensitivity"],
        "properties": {
            "model_version": {"type": "integer", "enum": [1, 2]},
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
            "description": "Field name -> messages that name the field and its allowed "
            "range. Besides each parameter's own name, version 3's rules across fields "
            "answer under `spend` (no platform has spend above 0), `google_conversions` or "
            "`tiktok_conversions` (a platform with spend but no purchases reported) and "
            "`orders` (the loss rates imply more purchases than the orders, or, without "
            "orders, a platform that sees under a fifth of its purchases or whose server "
            "events would more than double what it reports); the short-link API adds "
            "`query` and `rate_limit`.",
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
    # Version 3's form: its ranges and choices include every earlier version's.
    form = CalculatorForm({"v": "3"})
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
                "whether it pays; with v=3, server-side tracking for Meta, Google Ads and "
                "TikTok at once, for one shared cost. Measurement recovery (more reported "
                "purchases) is kept apart from the performance lift (cheaper real "
                "purchases); only the lift enters ROI. Ratios in responses are fractions "
                "(0.316, not 31.6)."
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
                    "parameters": [*parameters, COMPARE_PARAMETER, IF_NONE_MATCH],
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
            "schemas": {
                "Report": {
                    "description": "The answer of the version the query names (`v`).",
                    "oneOf": [
                        {"$ref": "#/components/schemas/ReportV2"},
                        {"$ref": "#/components/schemas/ReportV3"},
                    ],
                },
                "ReportV2": _report_schema(),
                "ReportV3": _report_schema_v3(),
                "Errors": ERRORS_SCHEMA,
                "Link": LINK_SCHEMA,
            }
        },
    }
