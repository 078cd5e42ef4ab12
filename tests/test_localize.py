"""Only quantities are localized: section and version numbers, identifiers and names stay as written."""

from __future__ import annotations

import pytest
from babel import Locale

from locbrief.model import Span
from locbrief.publish.localize import data_values, localize_data


def shown(text: str, lang: str = "fr") -> str:
    """The source sentence as the page shows it in ``lang`` (translated to itself)."""
    out = []
    for item in localize_data([text], data_values(text), Locale.parse(lang)):
        out.append(item if isinstance(item, str) else "".join(item.children))
    return "".join(out)


@pytest.mark.parametrize(
    "text",
    [
        "2.1. Removal of the unversioned packages",
        "3.2) Main packages",
        "Python 3.3 and later are supported.",
        "Use the 1.2.x branch.",
        "See Section 2.1 and version 1.2 of the policy.",
        "Call 555.123.4567 or +1 202.555.0100.",
        "The G-20 met in 2005 under RFC 2616.",
        "It runs on Python 3.4 and 3.5, and on versions 2.6, 2.7 or 3.1.",
    ],
)
def test_numbers_that_are_not_quantities_stay_as_written(text):
    assert shown(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Output fell 2.5 percent.", "Output fell 2,5 percent."),
        ("About 7.7 million people left.", "About 7,7 million people left."),
        ("Exports were 1,960,000 barrels.", "Exports were 1\u202f960\u202f000 barrels."),
        ("Prices rose from 2.5 to 3.5 percent.", "Prices rose from 2,5 to 3,5 percent."),
    ],
)
def test_quantities_are_localized(text, expected):
    assert shown(text) == expected


def test_a_date_keeps_its_day():
    values = data_values("Last modified 11 December 2005")
    assert [(v.kind, v.iso) for v in values] == [("date", "2005-12-11")]
    out = localize_data(["Last modified 11 December 2005"], values, Locale.parse("es_MX"))
    assert out[0] == "Last modified "
    assert out[1] == Span("time", {"datetime": "2005-12-11"}, ["11 de diciembre de 2005"])


def test_code_is_never_localized():
    text = "Set {0} to 2.5."
    code = Span("code", {}, ["ratio=2.5"])
    out = localize_data(["Set ", code, " to 2.5."], data_values(text), Locale.parse("fr"))
    assert out[1] is code and "".join(out[2:]) == " to 2,5."
