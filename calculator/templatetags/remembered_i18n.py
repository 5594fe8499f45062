"""Django's i18n tags, with a literal ``{% translate "…" %}`` rendered once per language.

``{% load remembered_i18n %}`` in place of ``{% load i18n %}``: every tag and
filter of Django's library, the same output. A result page has about 80
literal translations; Django's node makes a lazy string for each, casts and
escapes it, every time, for text that is the same on every page in that
language. This node renders it as Django does the first time, then answers
that text. Any other use (a variable, a filter, a context that is not a
literal, or "as name") is Django's node unchanged.
"""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, Variable
from django.templatetags import i18n

from calculator.remembered import remember

register = template.Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)


def _literal(expression: FilterExpression | None) -> bool:
    if expression is None:
        return True
    var = expression.var
    literal = isinstance(var, str) or (isinstance(var, Variable) and var.lookups is None)
    return literal and not expression.filters


class RememberedTranslateNode(i18n.TranslateNode):
    """A TranslateNode whose text is worked out once per language and escaping."""

    def render(self, context):
        # Kept with the language's other remembered translations, so a
        # reloaded catalog (development) starts afresh for nodes too.
        return remember((self, context.autoescape), super().render, context)


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = i18n.do_translate(parser, token)
    # "as name" assigns rather than renders: left to Django's node.
    if node.asvar or not (_literal(node.filter_expression) and _literal(node.message_context)):
        return node
    return RememberedTranslateNode(
        node.filter_expression, node.noop, node.asvar, node.message_context
    )
