"""Catalog: units and suggestions → the translator's PO (template, PO files, merge, status)."""
