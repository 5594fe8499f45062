"""Numbers as people type them: '30,000', '1.234,56', '$30k', '1.5m', '40%'.

The form's number fields read a visitor's text here, in the conventions of
the page's language (CLDR's decimal sign and grouping), and word their
allowed ranges and what a text was read as. Nothing here knows of forms or
requests: a text and a unit in, a number or a refusal out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from babel.numbers import get_currency_symbol
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import model
from .formatting import CLDR_LOCALES, active_locale, cldr_locale, rate

# A plain decimal number: no NaN, inf, hex, underscores or non-ASCII digits,
# all of which Python's float() would otherwise accept.
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
# How people type amounts: "30,000", "30 000", "30'000", "1.234,5", "$30k", "1.5m".
# English grouping: commas (or spaces, apostrophes) between thousands, a decimal dot.
ENGLISH = re.compile(r"[0-9]{1,3}(?:([, '])[0-9]{3})(?:\1[0-9]{3})*(?:\.[0-9]+)?")
# Continental grouping: dots (or spaces, apostrophes) between thousands, a decimal comma.
CONTINENTAL = re.compile(r"[0-9]{1,3}(?:([. '])[0-9]{3})(?:\1[0-9]{3})*(?:,[0-9]+)?")
DECIMAL_COMMA = re.compile(r"[0-9]*,[0-9]+")
SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "mm": 1e6, "b": 1e9, "bn": 1e9}
SCALE_SUFFIX = re.compile(r"([0-9.,' ]+?)\s*(k|mm|mn|m|bn|b)", re.IGNORECASE)
# Currency marks a visitor may type around an amount; any supported code too.
MONEY_MARKS = sorted(
    {"$", "€", "£", "¥", "us$", "ca$", "a$", "au$", "nz$", "kr", "kr.", "zł", "zl", "chf", "fr."}
    | {code.lower() for code in model.CURRENCIES},
    key=len,
    reverse=True,
)


def _mark_currencies() -> dict[str, frozenset[str]]:
    """Which supported currencies each mark a visitor may type stands for: the
    marks people type ('$' is every dollar, 'kr' every krone), then the
    symbols the pages of every language show ('$US', '£GB', 'AU$')."""
    typed = {
        "$": {"USD", "CAD", "AUD", "NZD"},
        "us$": {"USD"},
        "ca$": {"CAD"},
        "a$": {"AUD"},
        "au$": {"AUD"},
        "nz$": {"NZD"},
        "€": {"EUR"},
        "£": {"GBP"},
        "¥": {"JPY"},
        "kr": {"SEK", "NOK", "DKK"},
        "kr.": {"SEK", "NOK", "DKK"},
        "zł": {"PLN"},
        "zl": {"PLN"},
        "chf": {"CHF"},
        "fr.": {"CHF"},
    }
    for code in model.CURRENCIES:
        typed.setdefault(code.lower(), set()).add(code)
        for language in (None, *CLDR_LOCALES):
            locale = cldr_locale(language) or "en"
            typed.setdefault(get_currency_symbol(code, locale=locale).lower(), set()).add(code)
    return {mark: frozenset(codes) for mark, codes in typed.items()}


MARK_CURRENCIES = _mark_currencies()
# Worded at use, so that a language with a singular says "1 Milliarde".
WORDS = (
    (1e9, lambda n: ngettext("%(number)s billion", "%(number)s billion", n)),
    (1e6, lambda n: ngettext("%(number)s million", "%(number)s million", n)),
)
# A thousands group after a dot: '30.000' (thirty thousand in German, Spanish).
DOT_GROUPED = re.compile(r"[1-9][0-9]{0,2}\.[0-9]{3}")


@dataclass(frozen=True)
class Typing:
    """How the people of a locale type numbers, from CLDR: the decimal sign,
    whether a dot groups thousands there, and the currency symbols they see."""

    decimal: str
    dot_groups: bool
    marks: tuple[str, ...]


@lru_cache(maxsize=16)
def typing_for(language: str | None) -> Typing | None:
    """The typing conventions of a language's locale; None for English (and
    for the API, which has no language), whose rules stay as they always were,
    and for a locale whose decimal sign is a dot, which English rules fit."""
    locale = cldr_locale(language)
    if locale is None:
        return None
    symbols = locale.number_symbols["latn"]
    if symbols["decimal"] != ",":
        return None
    # The symbols the pages of every language show ('$US', 'US$', '£GB'), so a
    # figure copied from one page can be typed into another.
    shown = {
        get_currency_symbol(code, locale=cldr_locale(other)).lower()
        for code in model.CURRENCIES
        for other in CLDR_LOCALES
    }
    marks = sorted(set(MONEY_MARKS) | shown, key=len, reverse=True)
    return Typing(symbols["decimal"], symbols["group"] == ".", tuple(marks))


def _plain(value: float, typing: Typing | None = None) -> str:
    """The shortest exact text, with the locale's decimal sign: 0.5 is '0,5' in German."""
    text = model.format_number(float(value))
    return text.replace(".", typing.decimal) if typing and "e" not in text else text


def amount(value: float, typing: Typing | None = None) -> str:
    """A bound for a message, with no separator to misread: 1e9 becomes '1 billion',
    1e6 '1 million', 1500 '1500', 0.5 '0.5' (or '0,5' where a comma is the decimal sign)."""
    for scale, word in WORDS:
        if abs(value) >= scale and (value / scale) == round(value / scale, 3):
            count = round(value / scale, 3)
            # ngettext counts whole numbers: 1.5 million is plural, as is 2.
            plural = 1 if count == 1 else 2
            return word(plural) % {"number": _plain(count, typing)}
    return _plain(value, typing)


def understood(value: float, typing: Typing | None = None) -> str:
    """A number as read, for a message: 1500000 becomes '1500000 (1.5 million)'."""
    plain = _plain(value, typing) if abs(value) < 1e15 else f"{value:g}"
    words = amount(value, typing)
    return plain if words == plain or " " not in words else f"{plain} ({words})"


def describe_range(limit: model.Limit, unit: str, typing: Typing | None = None) -> str:
    """'between 0% and 95%', 'between 0.01 and 1 billion'."""
    if unit == "%" and active_locale() is not None:
        # As the page writes percentages: '0 %' in German and French.
        low, high = rate(limit.low), rate(limit.high)
    else:
        suffix = "%" if unit == "%" else ""
        low, high = amount(limit.low, typing) + suffix, amount(limit.high, typing) + suffix
    return _("between %(low)s and %(high)s") % {"low": low, "high": high}


class Ambiguous(ValueError):
    """Text with two readings that are both allowed: '30.000' is 30 or 30000."""

    def __init__(self, readings: tuple[float, float]):
        super().__init__("ambiguous")
        self.readings = readings


def _marks_around(text: str, marks: tuple[str, ...] | list[str]) -> tuple[str, str, list[str]]:
    """(sign, amount, the currency marks before and after it) of a money text."""
    sign = ""
    if text[:1] and text[0] in "+-":
        sign, text = text[0], text[1:].strip()
    lowered = text.lower()
    found = []
    for mark in marks:
        if lowered.startswith(mark):
            text, lowered = text[len(mark) :].strip(), lowered[len(mark) :].strip()
            found.append(mark)
            break
    for mark in marks:
        if lowered.endswith(mark):
            text = text[: len(text) - len(mark)].strip()
            found.append(mark)
            break
    if text[:1] and text[0] in "+-" and not sign:
        sign, text = text[0], text[1:]
    return sign, text, found


def _strip_marks(text: str, unit: str, marks: tuple[str, ...] | list[str] = MONEY_MARKS) -> str:
    """The amount without a currency mark (money) or a percent sign (rates)."""
    if unit == "%":
        return text.removesuffix("%").strip()
    if unit != "money":
        return text
    sign, text, _marks = _marks_around(text, marks)
    return sign + text


def _normalised(raw: str) -> str:
    return SPACES.sub(" ", raw.translate(APOSTROPHES)).strip()


def marked_currencies(raw: str, typing: Typing | None = None) -> list[frozenset[str]]:
    """For each currency mark typed around an amount ('€30k', '30.000 kr'), the
    currencies it may stand for: '€' is EUR, '$' any of the dollars, 'kr' any
    of the kronor. Empty when the amount has no mark.

    >>> marked_currencies("€30k"), marked_currencies("30000")
    ([frozenset({'EUR'})], [])
    """
    marks = MONEY_MARKS if typing is None else typing.marks
    _sign, _amount, found = _marks_around(_normalised(raw), marks)
    return [MARK_CURRENCIES[mark] for mark in found if mark in MARK_CURRENCIES]


def _readings(text: str, unit: str) -> list[float]:
    """Every way to read ``text`` as a number, most likely first."""
    sign = -1.0 if text.startswith("-") else 1.0
    body = text.lstrip("+-").strip()
    if NUMBER.fullmatch(body):
        found = [float(body)]
        # '30.000' is 30 to an English reader and 30000 to a German one. Money
        # is counted in whole cents, so three decimals there are a real doubt.
        if unit == "money" and re.fullmatch(r"[1-9][0-9]{0,2}\.[0-9]{3}", body):
            found.append(float(body.replace(".", "")))
        return [sign * value for value in found]
    found = []
    if ENGLISH.fullmatch(body):
        found.append(float(re.sub(r"[, ']", "", body)))
    if CONTINENTAL.fullmatch(body):
        found.append(float(re.sub(r"[. ']", "", body).replace(",", ".")))
    if not found and DECIMAL_COMMA.fullmatch(body):
        found.append(float(body.replace(",", ".")))
    # '30,000' reads as thirty thousand on this English page, not as 30.
    return (
        [sign * value for value in found[:1]]
        if "," in body and "." not in body
        else [sign * value for value in found]
    )


def _local_plain_readings(body: str, unit: str, typing: Typing) -> list[float]:
    """Readings of a plain number ('30.000', '12.5', '2e3') where a comma is the
    decimal sign.

    Where a dot groups thousands (German, Spanish), '30.000' is thirty thousand
    for money, purchases, months and weeks. A percentage keeps both readings for
    its range to decide: a shared link writes 12.345% as '12.345', and the
    thousands reading is never a valid rate. Purchases are read as thousands
    even though a link could write 1.234 purchases so: '1.500' is what a German
    types for orders, and a purchase count with three decimals is no real figure.
    Where a dot does not group (French), it is read as in English.
    """
    if typing.dot_groups and DOT_GROUPED.fullmatch(body):
        thousands = float(body.replace(".", ""))
        return [thousands, float(body)] if unit == "%" else [thousands]
    found = [float(body)]
    if unit == "money" and DOT_GROUPED.fullmatch(body):
        found.append(float(body.replace(".", "")))  # as in English: 30 or 30000
    return found


def _local_readings(text: str, unit: str, typing: Typing) -> list[float]:
    """Every way to read ``text`` where a comma is the decimal sign, most likely first.

    '1.234,56', '1 234,56' and '1234,56' are read as the locale writes them.
    English grouping ('1,234,567', '1,234.5') is read when the locale's cannot
    be; '30,000' is thirty here, and for money, counted in whole cents, three
    decimals are a real doubt, so thirty thousand is a second reading.
    """
    sign = -1.0 if text.startswith("-") else 1.0
    body = text.lstrip("+-").strip()
    if NUMBER.fullmatch(body):
        return [sign * value for value in _local_plain_readings(body, unit, typing)]
    local = english = None
    if CONTINENTAL.fullmatch(body):
        local = float(re.sub(r"[. ']", "", body).replace(",", "."))
    elif DECIMAL_COMMA.fullmatch(body):
        local = float(body.replace(",", "."))
    if ENGLISH.fullmatch(body):
        english = float(re.sub(r"[, ']", "", body))
    if local is None:
        found = [] if english is None else [english]
    elif english is None or english == local:
        found = [local]
    else:
        decimals = len(body.rpartition(",")[2])
        found = [local, english] if unit == "money" and decimals == 3 else [local]
    return [sign * value for value in found]


def parse_typed(raw: str, unit: str, typing: Typing | None = None) -> float:
    """A number as people type it: '30,000', '30 000', '$30,000', '30k', '1.5m', '40%'.

    With ``typing`` (a locale whose decimal sign is a comma), as that locale's
    people type it: '1.234,56', '1 234,56', '30.000 €'. Raises ValueError when
    the text is not a number, and Ambiguous when two readings differ ('30.000':
    30 or 30000); the field decides whether both readings are allowed values.

    >>> parse_typed("$30,000", "money"), parse_typed("1.5m", "money")
    (30000.0, 1500000.0)
    """
    text = _normalised(raw)
    text = _strip_marks(text, unit) if typing is None else _strip_marks(text, unit, typing.marks)
    scale = 1.0
    if unit in ("money", "count"):
        match = SCALE_SUFFIX.fullmatch(text.lstrip("+-").strip())
        if match:
            scale = SCALES[match.group(2).lower()]
            text = text[: len(text) - len(text.lstrip("+-"))] + match.group(1).strip()
    found = _readings(text, unit) if typing is None else _local_readings(text, unit, typing)
    readings = list(dict.fromkeys(value * scale for value in found))
    if not readings:
        raise ValueError("not a number")
    if len(readings) > 1:
        raise Ambiguous((readings[0], readings[1]))
    return readings[0]
