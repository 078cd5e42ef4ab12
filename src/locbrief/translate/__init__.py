"""Translate: units → suggestions (segment, protection, termbase, variety, memory, engines, chain)."""
