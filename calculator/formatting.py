"""Display formatting: figures are rounded here, at display, and nowhere else."""

from __future__ import annotations

import math

# Symbol before the amount, or after it for the Nordic kronor and złoty.
CURRENCY_SYMBOLS = {
    "USD": ("$", ""),
    "EUR": ("€", ""),
    "GBP": ("£", ""),
    "CAD": ("CA$", ""),
    "AUD": ("A$", ""),
    "NZD": ("NZ$", ""),
    "CHF": ("CHF ", ""),
    "JPY": ("¥", ""),
    "SEK": ("", " kr"),
    "NOK": ("", " kr"),
    "DKK": ("", " kr"),
    "PLN": ("", " zł"),
}
NO_CENTS = {"JPY"}
MINUS = "−"


def money(value: float | None, currency: str = "USD", cents: bool | None = None) -> str:
    """1234.5 in USD becomes '$1,235'; small amounts keep cents: 12.5 becomes '$12.50'.

    None (a figure the model leaves undefined) becomes an em dash.
    """
    if value is None or not math.isfinite(value):
        return "—"
    before, after = CURRENCY_SYMBOLS.get(currency, ("", f" {currency}"))
    if cents is None:
        cents = abs(value) < 100 and currency not in NO_CENTS
    amount = f"{abs(value):,.2f}" if cents else f"{abs(round(value)):,.0f}"
    sign = MINUS if value < 0 and amount.strip("0.,") else ""
    return f"{sign}{before}{amount}{after}"


def percent(fraction: float | None, digits: int | None = None) -> str:
    """0.316 becomes '31.6%'; 0.0124 becomes '1.24%'; 3.19 becomes '319%'."""
    if fraction is None or not math.isfinite(fraction):
        return "—"
    value = fraction * 100
    if digits is None:
        digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    text = f"{abs(value):,.{digits}f}"
    if value and not text.strip("0.,"):
        # Not zero, but too small to show: 4.6e-8 would round to '0%'.
        least = f"{10**-digits:.{digits}f}"
        return f"under {least}%" if value > 0 else f"{MINUS}under {least}%"
    if digits and "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{MINUS if value < 0 and text != '0' else ''}{text}%"


def chance(probability: float) -> str:
    """A probability in words that never overstate: 0.9996 is 'over 99%', not '100%'."""
    if 0.99 < probability < 1:
        return "over 99%"
    if 0 < probability < 0.01:
        return "under 1%"
    return f"{probability * 100:.0f}%"


def number(value: float | None, digits: int = 0) -> str:
    """584.488 becomes '584'; with digits=1, '584.5'."""
    if value is None or not math.isfinite(value):
        return "—"
    text = f"{abs(value):,.{digits}f}"
    return f"{MINUS if value < 0 and text.strip('0.,') else ''}{text}"


def ratio(value: float | None) -> str:
    """A ROAS: 1.6 becomes '1.60×'."""
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:,.2f}×"


SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"))


def _grouped(number: float, compact: bool) -> str:
    """12345.6 becomes '12,346'; with ``compact``, 58448814064 becomes '58.4B'.

    Compact shortens millions and up, for tiles and cards with room for a few
    characters only. Rounding is checked first, so 999.96M reads '1.0B'.
    """
    if compact:
        for scale, suffix in SCALES:
            if number >= scale or (scale > SCALES[-1][0] and round(number / scale, 1) >= 1):
                shortened = number / scale
                text = f"{shortened:,.0f}" if round(shortened, 1) >= 100 else f"{shortened:.1f}"
                return f"{text}{suffix}"
    return f"{round(number):,}"


def money_short(value: float | None, currency: str = "USD") -> str:
    """A headline amount: whole units, millions and up shortened ('$58.4B', '−$1.2M')."""
    if value is None or not math.isfinite(value):
        return "—"
    if abs(value) < 1e6 - 0.5:
        return money(value, currency, cents=False)
    before, after = CURRENCY_SYMBOLS.get(currency, ("", f" {currency}"))
    sign = MINUS if value < 0 else ""
    return f"{sign}{before}{_grouped(abs(value), True)}{after}"


def count(value: float | None) -> str:
    """Purchases: whole from 10 up ('1,965'), one decimal below ('2.3')."""
    if value is None or not math.isfinite(value):
        return "—"
    return number(value, 0 if abs(value) >= 10 else 1)


def rate(value: float) -> str:
    """An input given in percent, as typed: 40 becomes '40%', 12.5 '12.5%'."""
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return f"{MINUS if value < 0 else ''}{text.lstrip('-')}%"
