"""Review: QA checks, the bilingual review page, and what changed between two revisions."""
