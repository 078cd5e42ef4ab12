"""Locale names → Babel locales, with one friendly error for a name CLDR does not know.

Every stage that takes a language (config, merge, page, QA) parses it here, so
an unknown or misspelt locale reads the same everywhere.
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

from locbrief.model import LocbriefError


def parse_locale(lang: str, where: str = "") -> Locale:
    """Babel's locale for a CLDR name; an unknown one is an error, never a page in another language.

    >>> parse_locale("es_MX")
    Locale('es', territory='MX')
    >>> parse_locale("klingon", "config/config.yaml")
    Traceback (most recent call last):
    locbrief.model.LocbriefError: config/config.yaml: unknown locale 'klingon': Babel has no CLDR data for it; use a CLDR locale name such as es_MX, pt_BR, fr or ca
    """
    try:
        return Locale.parse(lang)
    except (UnknownLocaleError, ValueError, TypeError):
        raise LocbriefError(
            f"unknown locale {lang!r}: Babel has no CLDR data for it; use a CLDR "
            "locale name such as es_MX, pt_BR, fr or ca",
            where or None,
        ) from None


def find_locale(lang: str) -> Locale | None:
    """Babel's locale for ``lang``, or None where a best effort does without one."""
    try:
        return parse_locale(lang)
    except LocbriefError:
        return None


def language_name(lang: str) -> str:
    """The language's name in its own words, from CLDR via Babel (what the switcher shows).

    >>> language_name("es_MX"), language_name("pt_BR"), language_name("ca")
    ('español (México)', 'português (Brasil)', 'català')
    """
    return parse_locale(lang).display_name or lang


def bcp47(lang: str) -> str:
    """The tag HTML's ``lang`` and ``hreflang`` want: es-MX for the CLDR name es_MX."""
    return lang.replace("_", "-")


def machine_translation_tag(lang: str, source: str) -> str:
    """The language tag of text a machine translated from ``source``: es-MX-x-mtfrom-en.

    BCP 47 private use (``x-``) after the language, the form major search
    engines ask for on machine-translated pages, so the text says what it is
    until a translator has reviewed it.
    """
    return f"{bcp47(lang)}-x-mtfrom-{bcp47(source)}"
