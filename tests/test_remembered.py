"""Remembered translations answer exactly what Django's own lookup answers."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, Template
from django.templatetags import i18n as django_i18n
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, trans_real

from calculator import remembered
from calculator.templatetags.remembered_i18n import RememberedTranslateNode
from tests.helpers import LANGUAGES, catalog


def test_every_gettext_goes_through_the_memo():
    assert translation._trans.gettext.remembers


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_a_catalog_is_answered_as_django_answers_it(language):
    messages = [m.id for m in catalog(language) if m.id and isinstance(m.id, str) and not m.context]
    assert len(messages) > 500
    with translation.override(language):
        for message in messages:
            expected = trans_real.gettext(message)
            assert translation.gettext(message) == expected  # looked up
            assert translation.gettext(message) == expected  # remembered
    with translation.override("en"):
        for message in messages:
            assert translation.gettext(message) == message


def test_each_language_keeps_its_own_answers():
    message = "Calculate"
    answers = {}
    for language in ("en", "de", "fr", "es", "de"):
        with translation.override(language):
            answers.setdefault(language, set()).add(translation.gettext(message))
    assert answers["en"] == {"Calculate"}
    assert answers["de"] == {"Berechnen"}
    assert len({next(iter(answers[code])) for code in ("en", "de", "fr", "es")}) == 4


def test_lazy_labels_and_template_literals_keep_their_kind():
    with translation.override("de"):
        plain = translation.gettext("Calculate")
        safe = translation.gettext(mark_safe("Calculate"))
        lazy = str(gettext_lazy("Calculate"))
        rendered = Template('{% load i18n %}{% translate "Calculate" %}').render(Context())
    assert type(plain) is str
    assert not isinstance(plain, SafeString)
    assert isinstance(safe, SafeString)
    assert plain == safe == lazy == rendered == "Berechnen"


def test_the_memo_is_bounded(monkeypatch):
    monkeypatch.setattr(remembered, "LIMIT", 3)
    with translation.override("fr"):
        memo = remembered._memo_of(trans_real._active.value)
        memo.clear()
        for number in range(10):
            assert translation.gettext(f"text of a caller's own {number}") == (
                f"text of a caller's own {number}"
            )
        assert len(memo) == 3
        assert translation.gettext("Calculate") == trans_real.gettext("Calculate")


STOCK = Engine(libraries={"i18n": "django.templatetags.i18n"})  # for comparison


def render(text: str, autoescape: bool = True, engine=None, **context) -> str:
    """``text`` rendered with the site's library, or with Django's by ``engine``."""
    if engine:
        template = engine.from_string("{% load i18n %}" + text)
    else:
        template = Template("{% load remembered_i18n %}" + text)
    return template.render(Context(context, autoescape=autoescape))


TAGS = [
    '{% translate "Does Meta\'s Conversions API pay for you?" %}',
    '{% translate "Calculate" as word %}[{{ word }}]',
    '{% translate "Calculate"|upper %}',
    '{% translate "Calculate" noop %}',
    '{% translate "weeks" context "the weeks a test needs, in a formula" %}',
    "{% translate word %}",
]


@pytest.mark.parametrize("tag", TAGS)
def test_translate_tags_render_as_djangos_own(tag):
    for language in ("en", "de", "en", "fr", "de", "es"):
        with translation.override(language):
            for autoescape in (True, False):
                ours = render(tag, autoescape, word="Calculate")
                assert ours == render(tag, autoescape, STOCK, word="Calculate")
                assert ours == render(tag, autoescape, word="Calculate")  # remembered


def test_a_literal_translate_tag_follows_the_language():
    answers = {}
    for language in ("en", "de", "fr", "en", "de"):
        with translation.override(language):
            answers.setdefault(language, set()).add(render('{% translate "Calculate" %}'))
    assert answers == {"en": {"Calculate"}, "de": {"Berechnen"}, "fr": {"Calculer"}}


def test_the_library_has_every_tag_and_filter_of_djangos():
    library = Template("{% load remembered_i18n %}").engine.template_libraries["remembered_i18n"]
    assert library.tags.keys() == django_i18n.register.tags.keys()
    assert library.filters.keys() == django_i18n.register.filters.keys()
    node = Template('{% load remembered_i18n %}{% translate "Calculate" %}').nodelist[-1]
    assert isinstance(node, RememberedTranslateNode)
