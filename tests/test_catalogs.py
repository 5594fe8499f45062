"""The translation catalogs: complete, current, and their placeholders intact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from tests.helpers import LANGUAGES, LOCALE, catalog

NAMED = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in NAMED.findall(text)}


def test_every_language_has_a_catalog():
    assert sorted(p.parent.parent.name for p in LOCALE.glob("*/LC_MESSAGES/django.po")) == sorted(
        LANGUAGES
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    messages = [m for m in catalog(language) if m.id]
    untranslated = [ids(m)[0] for m in messages if not all(s.strip() for s in strings(m))]
    fuzzy = [ids(m)[0] for m in messages if m.fuzzy]
    assert messages
    assert untranslated == [], f"{len(untranslated)} untranslated in {language}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy in {language}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_named_placeholder(language):
    wrong = []
    for message in catalog(language):
        if not message.id:
            continue
        wanted = placeholders(ids(message)[-1])
        for text in strings(message):
            if text and placeholders(text) != wanted:
                wrong.append((ids(message)[0], text))
    assert wrong == []


def test_the_catalogs_hold_every_marked_string(tmp_path):
    """Every string marked in the Python code is in the German catalog: a new
    one cannot ship untranslated because makemessages was not run. (The
    templates' strings are checked on the rendered pages, test_languages.py.)"""
    import shutil
    import subprocess

    assert shutil.which("xgettext"), "GNU gettext is needed (apt-get install gettext)"
    root = Path(settings.BASE_DIR)
    pot = tmp_path / "django.pot"
    sources = sorted(
        str(p.relative_to(root))
        for folder in ("calculator", "roi_site")
        for p in (root / folder).rglob("*.py")
        if "migrations" not in p.parts
    )
    subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            "--keyword=gettext_noop",
            "--keyword=gettext_lazy",
            "--keyword=ngettext:1,2",
            "--keyword=pgettext:1c,2",
            "--keyword=_",
            "--keyword=gettext",
            "--output",
            str(pot),
            *sources,
        ],
        cwd=root,
        check=True,
    )
    # xgettext's template header leaves the charset and plural rule to fill in.
    text = pot.read_text("utf-8").replace("charset=CHARSET", "charset=UTF-8")
    text = text.replace("nplurals=INTEGER; plural=EXPRESSION", "nplurals=2; plural=(n != 1)")
    pot.write_text(text, "utf-8")
    with pot.open("rb") as source:
        extracted = {ids(m)[0] for m in read_po(source) if m.id}
    known = {ids(m)[0] for m in catalog("de") if m.id}
    assert extracted - known == set()


@pytest.mark.parametrize("language", LANGUAGES)
def test_gettext_itself_accepts_every_catalog(language):
    """Django's own compilemessages runs msgfmt --check: a translation whose
    format marks differ from its message ('13% is' is '% i' to msgfmt) would
    stop it, even though this site compiles with Babel."""
    import shutil
    import subprocess

    assert shutil.which("msgfmt"), "GNU gettext is needed (apt-get install gettext)"
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check-format", "--check-domain", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_every_name_the_model_gives_is_marked_for_translation():
    """The model speaks English only; its names of the causes and inputs reach
    the form and the charts through the list that marks them (charts.py)."""
    from calculator import charts, model

    names = {spread.label for spread in model.SPREADS.values()} | set(model.LABELS_V2.values())
    assert names - set(charts.SENSITIVITY_LABELS) == set()
    assert set(model.CAUSE_NAMES.values()) <= names


def test_the_glossary_names_each_cause_as_the_catalogs_do():
    from calculator import model

    text = (Path(settings.BASE_DIR) / "docs" / "glossary.md").read_text()
    section = text.split("## The causes of lost purchases", 1)[1].split("\n## ", 1)[0]
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith("| English")
    ]
    assert [row[0] for row in rows] == list(model.CAUSE_NAMES.values())
    for column, language in enumerate(("de", "fr", "es"), start=1):
        translated = {m.id: m.string for m in catalog(language) if m.id}
        assert [row[column] for row in rows] == [translated[row[0]] for row in rows], language


ALLAUTH_GERMAN = LOCALE / "allauth" / "de" / "LC_MESSAGES" / "django.po"
# The informal forms allauth's German uses, which the site's "Sie" never does.
DU = re.compile(
    r"\b(?:du|dein\w*|dich|dir|hast|bist|kannst|musst|willst|möchtest|solltest|sendest|nutzt"
    r"|gib|habe|lass|klicke?|kontaktiere|bestätige|erstelle|melde|ändere|wähle|prüfe|versuche)\b"
)


def test_our_german_for_allauth_replaces_its_own_word_for_word():
    """Each message is one allauth still has (an upgrade that rewords one
    shows here), keeps its placeholders and says "Sie", never "du"."""
    from pathlib import Path

    import allauth

    with (Path(allauth.__file__).parent / "locale/de/LC_MESSAGES/django.po").open("rb") as f:
        theirs = {m.id: m for m in read_po(f) if m.id}
    with ALLAUTH_GERMAN.open("rb") as f:
        ours = [m for m in read_po(f) if m.id]
    assert len(ours) >= 30
    for message in ours:
        assert message.id in theirs, message.id
        assert message.string, message.id
        assert "fuzzy" not in message.flags
        assert placeholders(message.string) == placeholders(message.id), message.id
        assert set(re.findall(r"%[sd]", message.string)) == set(re.findall(r"%[sd]", message.id))
        assert not DU.search(message.string.lower()), message.string
        assert DU.search(theirs[message.id].string.lower()), message.id  # it replaces a "du"
