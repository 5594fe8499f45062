"""The 1200×630 social card of a result, drawn with Pillow.

Social networks show it as a thumbnail, so it carries few figures in large
type: the decision with the net over the horizon, then the month's net after
running costs, the ROI and the payback. Every word and figure comes
from the result's ``Summary``, as on the page. The font (DejaVu Sans, shipped
with the code) draws every currency symbol and the minus sign the page uses.
Pillow writes the PNG without metadata (no timestamp), so the same inputs
always give the same bytes, which lets caches keep it for a year.
"""

from __future__ import annotations

import hashlib
import io
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from PIL import Image, ImageDraw, ImageFont

from calculator import model
from calculator.sharing.links import CARD_HEIGHT, CARD_WIDTH
from calculator.summary import PRODUCT, summarise

# Bump when the drawing or the encoding changes: it is part of the card's ETag.
DESIGN = "6"

FONTS = Path(__file__).resolve().parent / "fonts"
NAVY = (11, 37, 69)
PANEL = (19, 52, 92)
WHITE = (255, 255, 255)
MIST = (173, 196, 222)
GOOD = (126, 214, 196)
WARN = (255, 196, 112)
BAD = (255, 150, 140)
MARGIN = 64
PAD = 28  # inside a tile


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    weight = 700 if bold else 400
    return ImageFont.truetype(FONTS / f"dejavu-sans-latin-{weight}-normal.ttf", size)


def _text(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size: int, fill, bold=False):
    draw.text(xy, text, font=font(size, bold), fill=fill)


def _fit(text: str, size: int, width: int, bold: bool = False, smallest: int = 14) -> int:
    """The largest size up to ``size`` at which ``text`` fits in ``width`` pixels."""
    while size > smallest and font(size, bold).getlength(text) > width:
        size -= 2
    return size


def _wrap(
    text: str, size: int, width: int, lines: int, bold: bool = False
) -> tuple[list[str], int]:
    """``text`` in at most ``lines`` lines of ``width`` pixels, shrinking as needed."""
    while True:
        out, line = [], ""
        # Only plain spaces break a line: the no-break spaces of '20.000\u00a0€'
        # keep a figure and its unit together, as CLDR means them to.
        for word in filter(None, text.split(" ")):
            trial = f"{line} {word}".strip()
            if font(size, bold).getlength(trial) <= width or not line:
                line = trial
            else:
                out.append(line)
                line = word
        out.append(line)
        widest = max(font(size, bold).getlength(part) for part in out)
        if (len(out) <= lines and widest <= width) or size <= 16:
            return out, size
        size -= 2


def _frame(colour) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (CARD_WIDTH, CARD_HEIGHT), NAVY)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, CARD_WIDTH, 10), fill=colour)
    _text(draw, (MARGIN, 44), str(PRODUCT), 32, MIST, bold=True)
    return image, draw


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _tile(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], label, value, note):
    left, top, right, bottom = box
    draw.rounded_rectangle(box, radius=18, fill=PANEL)
    inner = right - left - 2 * PAD
    _text(draw, (left + PAD, top + 22), label, _fit(label, 26, inner), MIST)
    size = _fit(value, 56, inner, bold=True)
    if size >= 40:
        _text(draw, (left + PAD, top + 62), value, size, WHITE, True)
    else:  # a phrase such as "Not within 12 months": two lines
        lines, size = _wrap(value, 36, inner, 2, bold=True)
        for k, line in enumerate(lines):
            _text(draw, (left + PAD, top + 60 + k * (size + 6)), line, size, WHITE, True)
    if note:
        _text(draw, (left + PAD, bottom - 48), note, _fit(note, 22, inner), MIST)


COLOURS = {"pays": GOOD, "uncertain": WARN, "does-not-pay": BAD}


def render_result(report: model.Report) -> bytes:
    """The card of one result, as PNG bytes: the decision and the net over the
    horizon first (a losing card shows the loss), the break-even against the
    estimate beside it, then the month's net, the ROI and the payback."""
    summary = summarise(report)
    colour = COLOURS[summary.decision]
    image, draw = _frame(colour)
    width = CARD_WIDTH - 2 * MARGIN

    decision = summary.decision_text
    _text(draw, (MARGIN, 104), decision, _fit(decision, 40, width, bold=True), colour, True)
    size = _fit(summary.net, 104, width // 2, bold=True)
    _text(draw, (MARGIN, 162), summary.net, size, WHITE, bold=True)
    left = MARGIN + int(font(size, True).getlength(summary.net)) + 40
    side = " ".join((_("over %(horizon)s.") % {"horizon": summary.horizon}, summary.support))
    lines, small = _wrap(side, 28, CARD_WIDTH - MARGIN - left, 4)
    top = 206 - (len(lines) - 1) * (small + 8) // 2
    for k, line in enumerate(lines):
        _text(draw, (left, top + k * (small + 8)), line, small, MIST)

    top, bottom, gap = 330, 530, 24
    tile = (width - 2 * gap) // 3
    monthly = summary.get("monthly_benefit")
    tiles = (
        (
            _("Each month, after running costs"),
            summary.monthly_net,
            monthly.label + " " + monthly.value,
        ),
        (summary.get("roi").label, summary.get("roi").value, summary.get("roi").range),
        (summary.get("payback").label, summary.get("payback").value, summary.get("payback").range),
    )
    for k, (label, value, note) in enumerate(tiles):
        left = MARGIN + k * (tile + gap)
        _tile(draw, (left, top, left + tile, bottom), label, value, note)

    footer = _(
        "%(spend)s a month on %(platforms)s  ·  %(chance)s  ·  model version %(version)s"
    ) % {
        "spend": summary.spend,
        "platforms": summary.platforms,
        "chance": summary.chance_short,
        "version": report.model_version,
    }
    _text(draw, (MARGIN, 560), footer, _fit(footer, 24, width), MIST)
    return _png(image)


def render_generic() -> bytes:
    """The card of the bare calculator: the question, no figures."""
    image, draw = _frame(GOOD)
    first = pgettext("the card's question, first line", "Does server-side tracking")
    second = pgettext("the card's question, second line", "pay for you?")
    _text(draw, (MARGIN, 170), first, _fit(first, 72, CARD_WIDTH - 2 * MARGIN, True), WHITE, True)
    _text(draw, (MARGIN, 262), second, _fit(second, 72, CARD_WIDTH - 2 * MARGIN, True), GOOD, True)
    lines = (
        _("Meta, Google Ads and TikTok: reporting kept apart from real lift."),
        _("Break-even, ROI, payback and NPV, each with a range."),
    )
    for k, line in enumerate(lines):
        _text(draw, (MARGIN, 420 + 48 * k), line, 32, MIST)
    return _png(image)


def warm() -> None:
    """Load the fonts in the sizes a card is drawn in, so that a web
    worker's first card costs what every later one does (the first draw in a
    fresh process was two or three times slower). Run once as a worker starts."""
    with translation.override(settings.LANGUAGE_CODE):
        render_result(model.report(model.DEFAULTS))


def digest(identity: str) -> str:
    """What a card's bytes follow from: its design, the active language ('20.000 €'
    in German) and ``identity`` (its canonical query, or "generic"). Its ETag
    and its key in the card cache (sharing/views.py) are made of it."""
    language = translation.get_language() or ""
    return hashlib.sha256(f"{DESIGN}|{language}|{identity}".encode()).hexdigest()


def kept_key(identity: str) -> str:
    return f"card:{digest(identity)}"
