"""What an engine answered to a batch of probes, kept across runs in ``build/probes/``.

Before it translates, ``suggest`` asks the engine about its probes (terms alone, stand-in
names, figures; see :mod:`locbrief.translate.suggest`) and keeps the answers in the
translation memory. A memory that starts empty (a new language, a deleted memory, a fresh
clone) asked again: 124 short sentences on the seed, one more Apertium process before the
first batch could start. Here the answers are kept per batch, keyed by the engine, its
model (for Apertium: the pair's version and the digest of the project's vocabulary) and
the exact texts sent together, so a cached answer is what the same request gives: Apertium's
output depends on what else the same process translates. The memory still records every
probe, so it is the same file either way. The folder is a cache: deleting it costs one
engine call per probe batch.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from pathlib import Path

from locbrief.files import write_atomically
from locbrief.model import LocbriefError

#: Where the answers are kept, relative to the project (where the workflow runs).
PROBE_DIR = Path("build/probes")
log = logging.getLogger("locbrief")


class ProbeCache:
    """Answers to probe batches, one JSON file per (engine, model, texts)."""

    def __init__(self, folder: Path | str = PROBE_DIR):
        self.folder = Path(folder)

    def answers(
        self, engine: str, model: str, texts: list[str], ask: Callable[[list[str]], list[str]]
    ) -> list[str]:
        """The engine's outputs for ``texts`` sent together: kept ones, or ``ask(texts)`` kept now."""
        key = {"engine": engine, "model": model, "texts": texts}
        name = hashlib.sha256(json.dumps(key, ensure_ascii=False).encode("utf-8")).hexdigest()
        path = self.folder / f"{name[:32]}.json"
        kept = _read(path)
        if kept is not None and {k: kept.get(k) for k in key} == key:
            outputs = kept.get("outputs")
            if isinstance(outputs, list) and len(outputs) == len(texts):
                return outputs
        outputs = ask(texts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, json.dumps({**key, "outputs": outputs}, ensure_ascii=False))
        except (LocbriefError, OSError) as exc:  # a cache: the run goes on without it
            log.warning("%s (probe answers not kept; the next run asks the engine again)", exc)
        return outputs


def _read(path: Path) -> dict | None:
    """The file's record, or None if it is missing or damaged (then the engine is asked)."""
    try:
        record = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None
