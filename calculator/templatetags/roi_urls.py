"""{% path 'name' %}: {% url %} for the site's own pages, remembered per language.

Django's reverse costs tens of microseconds and a page links to the same dozen
addresses on every request; they change only with the language's prefix."""

from __future__ import annotations

from django import template

from calculator.locale import path_of

register = template.Library()


@register.simple_tag
def path(name: str, *args: object) -> str:
    return path_of(name, *(str(arg) for arg in args))
