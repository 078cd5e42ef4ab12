"""Units → machine suggestions for one language: protect, translate in batches, restore, remember."""

from __future__ import annotations

import logging
import sys

from tqdm import tqdm

from .engines import Engine
from .memory import Memory
from .model import Suggestion, Unit
from .protect import Masked, mask, unmask
from .termbase import Termbase

log = logging.getLogger("locbrief.suggest")

BATCH_SIZE = 64


def suggest(
    units: list[Unit],
    engine: Engine,
    source: str,
    target: str,
    termbase: Termbase,
    memory: Memory,
    batch_size: int = BATCH_SIZE,
) -> dict[str, Suggestion]:
    """A suggestion for every distinct msgid; only units the memory lacks reach the engine."""
    model = engine.model(source, target)
    known = terms_engine_knows(termbase, engine, source, target, memory)
    masked = {
        u.msgid: mask(
            u.msgid, termbase, engine.token, quoted_titles=u.kind == "endnote", engine_terms=known
        )
        for u in units
    }
    todo = [
        m
        for m in dict.fromkeys(x.text for x in masked.values())
        if memory.lookup(engine.name, model, m) is None
    ]
    outputs = _translate(todo, engine, source, target, batch_size)
    suggestions = {}
    for msgid, masked_unit in masked.items():
        output = outputs.get(masked_unit.text)
        if output is None:
            output = memory.lookup(engine.name, model, masked_unit.text)
        suggestions[msgid] = _restore(msgid, masked_unit, output, engine, model)
        if masked_unit.text in outputs:
            memory.remember(
                engine.name, model, masked_unit.text, output, msgid, suggestions[msgid].text
            )
    return suggestions


def terms_engine_knows(
    termbase: Termbase, engine: Engine, source: str, target: str, memory: Memory
) -> frozenset[str]:
    """Sources of the terms the engine, asked about the term alone, renders as the termbase wants.

    Those stay words in the text, so the engine makes articles and verbs agree
    with them; the rest become tokens. One batch per engine model, remembered.
    """
    model = engine.model(source, target)
    candidates = [t.source for t in termbase.terms if t.target is not None]
    todo = [c for c in candidates if memory.lookup(engine.name, model, c) is None]
    for term, output in zip(todo, engine.checked_batch(todo, source, target)):
        memory.remember(engine.name, model, term, output, term, output)
    return frozenset(
        t.source
        for t in termbase.terms
        if t.target is not None
        and _same_words(memory.lookup(engine.name, model, t.source), t.target)
    )


def _same_words(output: str | None, target: str) -> bool:
    return output is not None and output.strip(" .").casefold() == target.casefold()


def _translate(
    texts: list[str], engine: Engine, source: str, target: str, batch_size: int
) -> dict[str, str]:
    """Engine outputs for ``texts``, one engine call per batch, with a progress bar."""
    outputs: dict[str, str] = {}
    if not texts:
        return outputs
    with tqdm(
        total=len(texts),
        desc=f"{target}: {engine.name}",
        unit="unit",
        file=sys.stderr,
        disable=None if log.isEnabledFor(logging.INFO) else True,  # a terminal's, not under -q
    ) as bar:
        for start in range(0, len(texts), batch_size):
            batch = texts[start : start + batch_size]
            outputs.update(zip(batch, engine.checked_batch(batch, source, target)))
            bar.update(len(batch))
    return outputs


def _restore(msgid: str, masked: Masked, output: str, engine: Engine, model: str) -> Suggestion:
    text, problems = unmask(output, masked)
    return Suggestion(
        msgid=msgid, text=text, engine=engine.name, model=model, problems=tuple(problems)
    )
