"""Read stage: a source file (plain-text capture or HTML article) → Document.

:mod:`.source` checks the file's bytes and picks the reader for its shape:
:mod:`.capture` for a plain-text capture of a web page, :mod:`.html` for an
HTML article. What both readers share lives in :mod:`.common`; the readers
import it and nothing else of this package, so there is no import cycle.
"""

from locbrief.read.common import SOURCE_SUFFIXES
from locbrief.read.source import read_source

__all__ = ["SOURCE_SUFFIXES", "read_source"]
