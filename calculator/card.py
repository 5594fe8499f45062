"""The 1200×630 social card of a result, drawn with Pillow.

Social networks show it as a thumbnail, so it carries few figures in large
type: the break-even improvement first, then the monthly profit gain, the ROI
with its P10–P90 range, and the payback month. The PNG has no metadata, so
the same inputs always give the same bytes, which lets caches keep it for a
year.
"""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from . import roi
from .sharing import (
    CARD_HEIGHT,
    CARD_WIDTH,
    PRODUCT,
    format_money,
    format_percent,
)

# Bump when the drawing changes: it is part of the card's ETag.
DESIGN = "2"

NAVY = (11, 37, 69)
PANEL = (19, 52, 92)
WHITE = (255, 255, 255)
MIST = (173, 196, 222)
ACCENT = (126, 214, 196)
MARGIN = 64


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    """Pillow's bundled FreeType font: no file on disk, no network, same on every host."""
    return ImageFont.load_default(size=size)  # type: ignore[return-value]


def _text(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size: int, fill, bold=False):
    # The bundled font has one weight; a stroke in the text colour thickens it
    # enough to read as bold at thumbnail size, thinner on small text so that
    # its counters stay open.
    stroke = (2 if size >= 48 else 1) if bold else 0
    draw.text(xy, text, font=font(size), fill=fill, stroke_width=stroke, stroke_fill=fill)


def _fit(text: str, size: int, width: int, smallest: int = 16) -> int:
    """The largest size up to ``size`` at which ``text`` fits in ``width`` pixels."""
    while size > smallest and font(size).getlength(text) > width:
        size -= 2
    return size


def _frame() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (CARD_WIDTH, CARD_HEIGHT), NAVY)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, CARD_WIDTH, 10), fill=ACCENT)
    _text(draw, (MARGIN, 48), PRODUCT, 34, MIST, bold=True)
    return image, draw


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # No pnginfo, no timestamp: identical inputs give identical bytes.
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


def _tile(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], label: str, value: str, note):
    left, top, right, bottom = box
    draw.rounded_rectangle(box, radius=18, fill=PANEL)
    inner = right - left - 56
    _text(draw, (left + 28, top + 24), label, 26, MIST)
    _text(draw, (left + 28, top + 64), value, _fit(value, 60, inner), WHITE, bold=True)
    if note:
        _text(draw, (left + 28, bottom - 50), note, _fit(note, 24, inner), MIST)


def render_result(report: roi.Report) -> bytes:
    """The card of one result, as PNG bytes."""
    inputs, results, band = report.inputs, report.results, report.uncertainty.roi
    image, draw = _frame()
    width = CARD_WIDTH - 2 * MARGIN

    gain = results.breakeven_cpa_gain
    lead = "CAPI pays for itself if it lowers your true cost per purchase by"
    if gain is None:
        lead, figure = (
            "Can CAPI pay for itself by lowering your true cost per purchase?",
            "Not at these figures",
        )
    elif gain == 0:
        figure = "any amount"  # nothing to pay back
    else:
        figure = format_percent(gain)
    _text(draw, (MARGIN, 122), lead, _fit(lead, 38, width), WHITE)
    _text(draw, (MARGIN, 170), figure, _fit(figure, 120, width), ACCENT, bold=True)

    # Named as on the page: the gain at full strength, then after running costs.
    monthly = format_money(
        results.monthly_benefit, inputs.currency, signed=True, plain=True, compact=True
    )
    after_costs = format_money(
        results.net_monthly, inputs.currency, signed=True, plain=True, compact=True
    )
    if results.roi is None:
        roi_value, roi_note = "n/a", "nothing to pay back"
    else:
        roi_value = format_percent(results.roi, compact=True)
        low, high = format_percent(band.p10, compact=True), format_percent(band.p90, compact=True)
        roi_note = f"P10-P90: {low} to {high}"
    payback = "none" if results.payback_month is None else f"month {results.payback_month}"

    top, bottom, gap = 330, 530, 24
    tile = (width - 2 * gap) // 3
    tiles = [
        ("Monthly profit gain", monthly, f"{after_costs} after running costs"),
        (f"ROI over {inputs.months} months", roi_value, roi_note),
        ("Payback", payback, f"at a {format_percent(report.cpa_gain)} lower CPA"),
    ]
    for k, (label, value, note) in enumerate(tiles):
        left = MARGIN + k * (tile + gap)
        _tile(draw, (left, top, left + tile, bottom), label, value, note)

    spend = format_money(inputs.spend, inputs.currency, plain=True, compact=True)
    footer = f"{spend} a month on Meta ads  ·  model version {report.model_version}"
    _text(draw, (MARGIN, 562), footer, _fit(footer, 26, width), MIST)
    return _png(image)


def render_generic() -> bytes:
    """The card of the bare calculator: the question, no figures."""
    image, draw = _frame()
    _text(draw, (MARGIN, 170), "Does Meta's Conversions API", 76, WHITE, bold=True)
    _text(draw, (MARGIN, 262), "pay for you?", 76, ACCENT, bold=True)
    lines = (
        "Measurement recovery kept apart from real performance lift.",
        "Break-even, ROI, payback and NPV, each with a range.",
    )
    for k, line in enumerate(lines):
        _text(draw, (MARGIN, 420 + 48 * k), line, 34, MIST)
    return _png(image)
