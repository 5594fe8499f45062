"""A profile's leads as CSV: the dashboard's download and ``manage.py export_leads``.

The columns are documented in docs/agencies.md. The first eight are the
export's original ones, in their order; the lead's host page, its result's
query and its headline figures follow, empty for leads stored before they
were kept.
"""

from __future__ import annotations

import csv

CSV_COLUMNS = [
    "created",
    "email",
    "name",
    "marketing_consent",
    "consent_at",
    "consent_text",
    "result_url",
    "model_version",
    "host_page",
    "link",
    "query",
    "currency",
    "spend",
    "google_spend",
    "tiktok_spend",
    "decision",
    "months",
    "net",
    "breakeven_cpa_gain",
    "estimated_cpa_gain",
]


def write_leads_csv(out, queryset) -> None:
    """The leads as CSV, oldest first. Cells that a spreadsheet would run as a
    formula are quoted with a leading apostrophe: names and emails are
    visitors' text, and a host page's address was reported by a script."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for lead in queryset.order_by("created", "id"):
        row = [
            lead.created.isoformat(),
            lead.email,
            lead.name,
            "yes" if lead.marketing_consent else "no",
            lead.consent_at.isoformat() if lead.consent_at else "",
            lead.consent_text,
            lead.result_url,
            lead.model_version,
            lead.host_page,
            lead.link,
            lead.query,
            lead.currency,
            _number(lead.spend, 2),
            _number(lead.google_spend, 2),
            _number(lead.tiktok_spend, 2),
            lead.decision,
            "" if lead.months is None else lead.months,
            _number(lead.net, 2),
            _number(lead.breakeven_cpa_gain, 6),
            _number(lead.estimated_cpa_gain, 6),
        ]
        writer.writerow([_cell(value) for value in row])


def _number(value: float | None, places: int) -> float | str:
    """Money to the cent and fractions to six places, as a number (a negative
    net is a figure, not a formula to quote); empty where the lead has none."""
    return "" if value is None else round(float(value), places)


def _cell(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
