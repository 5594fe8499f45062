"""Compiles the translation catalogs (locale/*/LC_MESSAGES/django.po) to the
.mo files Django reads, with Babel, so that no GNU gettext is needed.

``pybabel compile`` would refuse a catalog over a false alarm: it reads any
"%" followed by a letter as a printf conversion, so "52% of" (English) and
"52 % der" (German) count as mismatched even where the message is never
formatted. The named placeholders that do matter are checked by the tests
(tests/test_catalogs.py). Fuzzy entries are left out, as gettext would.

    python -m calculator.catalogs
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def compile_all(root: Path = LOCALE) -> list[Path]:
    """Every django.po under ``root`` (the site's, and ``allauth/``'s German for
    django-allauth) written beside itself as django.mo."""
    written = []
    for po in sorted(root.glob("**/LC_MESSAGES/django.po")):
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=False)
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(f"compiled {path.relative_to(LOCALE.parent)}")
