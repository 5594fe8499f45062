"""Remembered translations answer exactly what Django's own lookup answers."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, trans_real

from calculator import remembered
from tests.test_catalogs import LANGUAGES, catalog


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
    assert type(plain) is str and not isinstance(plain, SafeString)
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
