"""The frame the HTML reports share: review page, QA report and diff report.

Each is one self-contained file (style inlined, no script) in English, the
working language of the people who read them; only the body and the style
rules particular to each report differ.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import builder as E

#: The first rule of every report's style sheet; each report appends its own.
BASE_STYLE = "\nbody { font: 15px/1.5 system-ui, sans-serif; margin: 1.5rem; color: #1d1d1f; }"


def report_page(title: str, style: str, *content) -> str:
    """A whole report: ``<title>`` and ``<h1>`` from ``title``, then ``content``; ``style`` follows BASE_STYLE."""
    page = E.HTML(
        E.HEAD(E.META(charset="utf-8"), E.TITLE(title), E.STYLE(BASE_STYLE + style)),
        E.BODY(E.H1(title), *content),
        lang="en",
    )
    return "<!DOCTYPE html>\n" + etree.tostring(
        page, encoding="unicode", method="html", pretty_print=True
    )
