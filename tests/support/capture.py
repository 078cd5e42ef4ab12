"""A small made-up page capture, and a way to see where the reader put the note markers."""

from __future__ import annotations

from locbrief.model import NoteRef, plain_text

#: a capture as a browser's "save as text" writes it: site chrome, a two-item table of contents,
#: one paragraph with two notes whose inline copies follow the markers (the second wraps over two
#: lines), the endnote list and a related-articles footer.
SMALL = """Site Name
  • About
  • Research
Select Page
Home / Topics / Small brief
Trade, Sanctions

January 5, 2025

Small brief

A dek line about the brief

By A. Writer

Download PDF
Top
Jump to Section
  1. Background
  2. Endnotes

Background

The first claim came in 2020.1“Note one,” Publisher, 2020. Then a second claim followed.2Note two text, with a
wrapped line. The end of the paragraph.

Endnotes

  • 1
    “Note one,” Publisher, 2020.
  • 2
    Note two text, with a
    wrapped line.

More on Trade

Some related article
"""


def marked(content) -> str:
    """Block text with note markers shown as [n], to check where each marker stands."""
    return "".join(f"[{i.number}]" if isinstance(i, NoteRef) else plain_text([i]) for i in content)
