"""The page's own strings ("Languages", "Back to text", the review banner…) in each language.

They live in the package's gettext catalog, ``locale/<lang>/LC_MESSAGES/locbrief.po``,
extracted from :mod:`locbrief.publish.page` with ``pybabel extract -F babel.cfg`` (``make
page-strings``). The PO files are compiled in memory with
:func:`babel.messages.mofile.write_mo` when a page is built, so no ``.mo`` file
has to be built at install time and none can be stale.
"""

from __future__ import annotations

from functools import cache
from gettext import NullTranslations
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent.parent / "locale"
DOMAIN = "locbrief"


def page_strings(lang: str):
    """gettext for the page's own strings ("Endnotes", "Back to text", the banner)."""
    return _page_catalog(lang)[0]


def page_strings_problem(lang: str, source_lang: str = "en") -> str | None:
    """Why some of the page's own strings will show in English for ``lang`` (None: all translated)."""
    return None if Locale.parse(lang).language == source_lang else _page_catalog(lang)[1]


@cache
def _page_catalog(lang: str) -> tuple[Translations | NullTranslations, str | None]:
    """The package catalog for ``lang`` (or its base language), compiled in memory."""
    locale = Locale.parse(lang)
    for name in dict.fromkeys(
        [
            str(locale),
            f"{locale.language}_{locale.territory}" if locale.territory else locale.language,
            locale.language,
        ]
    ):
        path = LOCALE_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            return _compiled(path, name)
    wanted = LOCALE_DIR / locale.language / "LC_MESSAGES" / f"{DOMAIN}.po"
    return NullTranslations(), (
        f"{wanted}: no catalog of page strings for {lang}; the page's labels "
        f"are in English — add it with `pybabel init -D {DOMAIN} -i "
        f"{LOCALE_DIR / (DOMAIN + '.pot')} -d {LOCALE_DIR} -l {locale.language}`"
    )


def _compiled(path: Path, name: str) -> tuple[Translations, str | None]:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=name, domain=DOMAIN)
    missing = [m.id for m in catalog if m.id and (m.fuzzy or not _translated(m.string))]
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    problem = None
    if missing:
        first = missing[0] if isinstance(missing[0], str) else missing[0][0]
        problem = (
            f"{path}: {len(missing)} page string(s) untranslated or fuzzy (first: {first!r}); "
            "they show in English until translated"
        )
    return Translations(buffer, DOMAIN), problem


def _translated(string) -> bool:
    return all(string) if isinstance(string, (tuple, list)) else bool(string)
