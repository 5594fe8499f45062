"""Display formatting: figures are rounded here, at display, and nowhere else.

Every function follows the active language. English keeps this module's own
rules, which its pages and cards have always used; German, French and
Spanish write numbers as CLDR says their readers do (Babel's patterns and
symbols): "20.000 €" in German, "20 000 €" in French, with CLDR's own spaces.
A loss takes the minus sign (U+2212) in every language: CLDR gives these three
the hyphen-minus ("-2.329 $"), which reads as a dash and is narrower than
the digits; typeset German, French and Spanish, like English, use the minus.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, format_compact_currency, get_currency_symbol

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

# The languages whose numbers follow CLDR, and the region whose conventions
# they take. English is absent on purpose: it keeps the rules below unchanged.
CLDR_LOCALES = {"de": "de_DE", "fr": "fr_FR", "es": "es_ES"}


_get_language: Callable[[], str | None] | None = None
_gettext: Callable[[str], str] | None = None


def _django_configured() -> bool:
    """Whether Django is configured, binding its language lookup and gettext
    the first time it is. The model and its tests run without Django too,
    and then numbers and their words are English."""
    global _get_language, _gettext
    if _get_language is None:
        try:
            from django.conf import settings
            from django.utils.translation import get_language, gettext

            settings.USE_I18N  # noqa: B018 -- raises while Django is unconfigured
        except Exception:  # Django absent or unconfigured: no language is active
            return False
        _get_language, _gettext = get_language, gettext
    return True


def active_locale() -> Locale | None:
    """The CLDR locale of the active language, or None for English."""
    if not _django_configured():
        return None
    return cldr_locale(_get_language())


def _(message: str) -> str:
    """``message`` in the active language; the English itself without Django.

    The words around a bounded figure ('under 1%') are sentences of their own
    for a translator, with the figure as a placeholder: each language orders
    and words them its own way ('unter 1 %', 'moins de 1 %', 'menos del 1 %').
    """
    return _gettext(message) if _django_configured() else message


@lru_cache(maxsize=64)
def cldr_locale(language: str | None) -> Locale | None:
    """'de', 'de-de' or 'de_DE' becomes Babel's de_DE locale; English and unknown
    languages become None. Cached: parsing a locale reads CLDR data from disk."""
    if not language:
        return None
    code = CLDR_LOCALES.get(language.replace("_", "-").split("-")[0].lower())
    return Locale.parse(code) if code else None


@lru_cache(maxsize=256)
def _pattern(locale: Locale, kind: str, low: int, high: int) -> NumberPattern:
    """The locale's pattern of ``kind`` (decimal, currency, percent), showing
    between ``low`` and ``high`` decimals. Cached: patterns are parsed CLDR
    strings, and a page formats a hundred figures."""
    if kind == "currency":
        base = locale.currency_formats["standard"]
    elif kind == "percent":
        base = locale.percent_formats[None]
    else:
        base = locale.decimal_formats[None]
    pattern = copy.copy(base)
    pattern.frac_prec = (low, high)
    return pattern


@dataclass(frozen=True)
class _Style:
    """A locale's pattern of one kind, ready to fill: its affixes with the
    currency symbol in place and its group and decimal signs. Filling it is
    string formatting, several times faster than Babel's general ``apply``
    (a page writes two hundred figures); tests hold the two to the same text."""

    prefixes: tuple[str, str]  # positive, negative
    suffixes: tuple[str, str]
    group: str
    decimal: str
    scale: int  # 2 for a percentage: the fraction times 100


@lru_cache(maxsize=256)
def _style(locale: Locale, kind: str, currency: str | None) -> _Style | None:
    """The ready pattern, or None for a pattern this fast path does not follow
    (other group sizes, significant digits, exponents), which Babel then applies."""
    pattern = _pattern(locale, kind, 0, 0)
    affixes = (*pattern.prefix, *pattern.suffix)
    if (
        pattern.grouping != (3, 3)
        or pattern.int_prec[0] != 1
        or pattern.exp_prec
        or "@" in pattern.pattern
        or any("¤¤" in affix or "'" in affix for affix in affixes)
    ):
        return None
    symbol = get_currency_symbol(currency, locale) if currency else "¤"
    symbols = locale.number_symbols["latn"]
    pre, pre_neg, suf, suf_neg = (affix.replace("¤", symbol) for affix in affixes)
    pre_neg, suf_neg = (_with_minus(affix, locale) for affix in (pre_neg, suf_neg))
    return _Style(
        (pre, pre_neg), (suf, suf_neg), symbols["group"], symbols["decimal"], pattern.scale
    )


def _with_minus(text: str, locale: Locale) -> str:
    """``text`` with the locale's minus sign as the true minus (U+2212)."""
    return text.replace(locale.number_symbols["latn"]["minusSign"], MINUS, 1)


# Enough digits to round any finite float to cents exactly (1e308 has 309),
# for the rare figure beyond the default context's 28 digits.
_EXACT = Context(prec=400)
_QUANTA = tuple(Decimal(1).scaleb(-digits) for digits in range(12))


def _rounded(number: Decimal, digits: int) -> Decimal:
    """``number`` to ``digits`` decimals, half to even, as Babel rounds."""
    try:
        return number.quantize(_QUANTA[digits])
    except InvalidOperation:  # more than 28 digits: rare, and slower to round
        return number.quantize(_QUANTA[digits], context=_EXACT)


def _cldr(
    value: float | Decimal,
    locale: Locale,
    kind: str,
    low: int,
    high: int,
    currency: str | None = None,
) -> str:
    """``value`` in the locale's pattern, with ``low`` to ``high`` decimals.

    Rounded as Babel rounds: the shortest decimal text of the float, half to
    even. A figure that rounds to zero loses its sign: '-0 €' would claim a
    loss that the shown digits do not have.
    """
    style = _style(locale, kind, currency)
    number = Decimal(str(value))
    if style is None:
        if number < 0 and round(number.scaleb(2 if kind == "percent" else 0), high) == 0:
            number = abs(number)
        pattern = _pattern(locale, kind, low, high)
        text = pattern.apply(number, locale, currency=currency, currency_digits=False)
        return _with_minus(text, locale) if number < 0 else text
    if style.scale:
        number = number.scaleb(style.scale)
    rounded = _rounded(abs(number), high)
    negative = int(number.is_signed() and bool(rounded))
    whole, _, fraction = f"{rounded:,f}".partition(".")
    fraction = fraction[:low] + fraction[low:].rstrip("0")
    text = whole.replace(",", style.group) + (style.decimal + fraction if fraction else "")
    return style.prefixes[negative] + text + style.suffixes[negative]


def _cldr_money(value: float, currency: str, cents: bool, locale: Locale) -> str:
    digits = 2 if cents else 0
    return _cldr(value, locale, "currency", digits, digits, currency)


def _cldr_percent(fraction: float, digits: int, locale: Locale) -> str:
    """A fraction as the locale writes a percentage: 0.316 is '31,6 %' in German.

    Trailing zeros go, as in English: '5 %', not '5,0 %'.
    """
    scaled = Decimal(str(fraction)) * 100  # as Babel rounds it
    if scaled and round(scaled, digits) == 0:
        # Not zero, but too small to show: 4.6e-8 would round to '0 %'.
        least = Decimal(1).scaleb(-digits - 2)
        shown = _cldr(least if scaled > 0 else -least, locale, "percent", 0, digits)
        return _too_small(shown, negative=scaled < 0)
    return _cldr(fraction, locale, "percent", 0, digits)


def _too_small(least: str, negative: bool) -> str:
    """A percentage too small to show, bounded by the least one shown.

    ``least`` carries the figure's sign, so a tiny loss reads 'above −0.01%'
    (between it and zero) rather than putting a minus before a word.
    """
    if negative:
        # Translators: a loss too small to show, e.g. "above −0.01%".
        return _("above %(percent)s") % {"percent": least}
    # Translators: a share too small to show, e.g. "under 1%" or "under 0.01%".
    return _("under %(percent)s") % {"percent": least}


def money(value: float | None, currency: str = "USD", cents: bool | None = None) -> str:
    """1234.5 in USD becomes '$1,235'; small amounts keep cents: 12.5 becomes '$12.50'.

    None (a figure the model leaves undefined) becomes an em dash.
    """
    if value is None or not math.isfinite(value):
        return "—"
    if cents is None:
        cents = abs(value) < 100 and currency not in NO_CENTS
    locale = active_locale()
    if locale is not None:
        return _cldr_money(value, currency, cents, locale)
    before, after = CURRENCY_SYMBOLS.get(currency, ("", f" {currency}"))
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
    locale = active_locale()
    if locale is not None:
        return _cldr_percent(fraction, digits, locale)
    text = f"{abs(value):,.{digits}f}"
    if value and not text.strip("0.,"):
        # Not zero, but too small to show: 4.6e-8 would round to '0%'.
        least = f"{10**-digits:.{digits}f}%"
        return _too_small(least if value > 0 else MINUS + least, negative=value < 0)
    if digits and "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{MINUS if value < 0 and text != '0' else ''}{text}%"


def chance(probability: float) -> str:
    """A probability in words that never overstate: 0.9996 is 'over 99%', not '100%'."""
    if 0.99 < probability < 1:
        # Translators: a chance short of certain, e.g. "over 99%".
        return _("over %(percent)s") % {"percent": _whole_percent(0.99)}
    if 0 < probability < 0.01:
        return _("under %(percent)s") % {"percent": _whole_percent(0.01)}
    return _whole_percent(probability)


def _whole_percent(fraction: float) -> str:
    """A fraction as a percentage without decimals: 0.81 is '81%'."""
    locale = active_locale()
    if locale is not None:
        return _cldr(fraction, locale, "percent", 0, 0)
    return f"{fraction * 100:.0f}%"


def number(value: float | None, digits: int = 0) -> str:
    """584.488 becomes '584'; with digits=1, '584.5'."""
    if value is None or not math.isfinite(value):
        return "—"
    locale = active_locale()
    if locale is not None:
        return _cldr(value, locale, "decimal", digits, digits)
    text = f"{abs(value):,.{digits}f}"
    return f"{MINUS if value < 0 and text.strip('0.,') else ''}{text}"


def trimmed(value: float, digits: int) -> str:
    """At most ``digits`` decimals and no trailing zero: 1.43 becomes '1.4' with
    one digit, 2.0 becomes '2', 1234.5 '1,234.5'."""
    locale = active_locale()
    if locale is not None:
        return _cldr(value, locale, "decimal", 0, digits)
    text = f"{abs(value):,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{MINUS if value < 0 and text != '0' else ''}{text}"


def ratio(value: float | None) -> str:
    """A ROAS: 1.6 becomes '1.60×'."""
    if value is None or not math.isfinite(value):
        return "—"
    locale = active_locale()
    if locale is not None:
        return f"{_cldr(value, locale, 'decimal', 2, 2)}×"
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
    locale = active_locale()
    if locale is not None:
        # CLDR's short forms: '58,4 Mrd. €' in German, '58,4 Md €' in French.
        text = format_compact_currency(value, currency, locale=locale, fraction_digits=1)
        return _with_minus(text, locale) if value < 0 else text
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
    locale = active_locale()
    if locale is not None:
        # Decimal division: 12.5 / 100 in floats could show as 12.499999 %.
        return _cldr(Decimal(str(value)) / 100, locale, "percent", 0, 4)
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return f"{MINUS if value < 0 else ''}{text.lstrip('-')}%"
