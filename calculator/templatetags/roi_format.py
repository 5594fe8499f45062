"""Template filters over calculator.formatting: {{ value|money:currency }}."""

from __future__ import annotations

from django import template

from calculator import formatting

register = template.Library()


@register.filter
def money(value: float | None, currency: str = "USD") -> str:
    return formatting.money(value, currency)


@register.filter
def money_whole(value: float | None, currency: str = "USD") -> str:
    return formatting.money(value, currency, cents=False)


@register.filter
def percent(value: float | None, digits: int | None = None) -> str:
    return formatting.percent(value, digits)


@register.filter
def rate(value: float | None) -> str:
    """An input given in percent (40 for 40%), as the page's language writes it."""
    return "—" if value is None else formatting.rate(value)


@register.filter
def chance(value: float) -> str:
    return formatting.chance(value)


@register.filter
def number(value: float | None, digits: int = 0) -> str:
    return formatting.number(value, digits)


@register.filter
def times(value: float | None) -> str:
    return formatting.ratio(value)
