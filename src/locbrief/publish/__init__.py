"""Publish: document + PO → page, PDF, site index and the publishing gate."""
