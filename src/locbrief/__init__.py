"""locbrief: turn an English policy brief into localized web pages through gettext PO files."""

__version__ = "0.1.0"
