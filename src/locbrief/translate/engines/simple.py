"""Engines for tests and checks: ``identity`` (text as is) and ``pseudo`` (accented, bracketed).

Pseudo-translation makes any text that bypassed segmentation stand out on the
page at a glance: everything that went through a unit reads ``[Ŧĥé …]``.
"""

from __future__ import annotations

import re

from locbrief.markup import TOKEN
from locbrief.translate.engines import Engine

_ACCENTS = str.maketrans("aeiouAEIOUcnyTsSzZ", "áéíóúÁÉÍÓÚçñýŦšŠžŽ")
_TOKEN_OR_WORD = re.compile(rf"{TOKEN}|[^\W\d_]+", re.IGNORECASE)


class IdentityEngine(Engine):
    name = "identity"

    def available(self, source: str, target: str) -> bool:
        return True

    def model(self, source: str, target: str) -> str:
        return "identity"

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        return list(texts)


class PseudoEngine(Engine):
    name = "pseudo"

    def available(self, source: str, target: str) -> bool:
        return True

    def model(self, source: str, target: str) -> str:
        return "pseudo-1"

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        return [f"[{_pseudo(text)}]" for text in texts]


def _pseudo(text: str) -> str:
    """Accent letters of words, leaving protected tokens untouched."""
    return _TOKEN_OR_WORD.sub(
        lambda m: (
            m.group(0)
            if re.fullmatch(TOKEN, m.group(0), re.IGNORECASE)
            else m.group(0).translate(_ACCENTS)
        ),
        text,
    )
