"""The fake services' translation: a word list, applied word by word.

Words it does not know pass through unchanged, as do protected tokens and tags,
so a test sees exactly what the engine was given.
"""

from __future__ import annotations

import re

WORDS = {
    ("en", "es"): {
        "the": "el",
        "war": "guerra",
        "on": "contra",
        "drugs": "drogas",
        "cartels": "cárteles",
        "and": "y",
        "is": "es",
        "a": "un",
        "of": "de",
        "in": "en",
        "to": "a",
        "policy": "política",
        "new": "nueva",
        "not": "no",
        "will": "va",
        "work": "funcionar",
        "report": "informe",
        "you": "vosotros",  # Peninsular, as engines write it: the es_MX variety layer fixes it
    },
    ("es", "pt"): {
        "el": "o",
        "guerra": "guerra",
        "contra": "contra",
        "drogas": "drogas",
        "y": "e",
        "es": "é",
        "un": "um",
        "de": "de",
        "en": "em",
        "política": "política",
        "no": "não",
    },
    ("en", "pt"): {"the": "o", "war": "guerra", "and": "e", "drugs": "drogas"},
    ("en", "fr"): {"the": "la", "war": "guerre", "and": "et", "drugs": "drogues"},
}
_WORD = re.compile(r"<[^<>]*>|ZX\d+QZ|[^\W\d_]+")


def translate(text: str, source: str, target: str, glossary: dict[str, str] | None = None) -> str:
    """``text`` with known words replaced; tags (<...>) and ZX tokens untouched."""
    target = "pt" if target == "pb" else target  # LibreTranslate's code for pt_BR
    words = WORDS.get((source.lower()[:2], target.lower()[:2]), {})
    glossary = {k.casefold(): v for k, v in (glossary or {}).items()}
    if glossary:
        pattern = "|".join(re.escape(k) for k in sorted(glossary, key=len, reverse=True))
        text = re.sub(
            rf"(?i)\b(?:{pattern})\b", lambda m: f"\x00{glossary[m.group(0).casefold()]}\x01", text
        )
    parts = re.split(r"(\x00[^\x01]*\x01)", text)
    return "".join(
        part[1:-1]
        if part.startswith("\x00")
        else _WORD.sub(lambda m: _word(m.group(0), words), part)
        for part in parts
    )


def _word(word: str, words: dict[str, str]) -> str:
    if word.startswith("<") or word.startswith("ZX"):
        return word
    out = words.get(word.lower(), word)
    return out[:1].upper() + out[1:] if word[:1].isupper() else out
