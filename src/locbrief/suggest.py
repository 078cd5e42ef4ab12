"""Units → machine suggestions for one language: protect, translate in batches, restore, remember.

After the engine: its unknown-word marks are taken out (and listed with the
suggestion), protected items restored, and the locale's variety layer applied
(Mexican Spanish for es_MX, Brazilian Portuguese for pt_BR).
"""

from __future__ import annotations

import logging
import re
import sys

from tqdm import tqdm

from .engines import Engine
from .memory import Memory
from .model import Suggestion, Unit
from .protect import STAND_INS, Masked, article_free, mask, unmask
from .termbase import Termbase
from .variety import Variety

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
    variety: Variety | None = None,
) -> dict[str, Suggestion]:
    """A suggestion for every distinct msgid; only units the memory lacks reach the engine."""
    model = engine.model(source, target)
    _probe(engine, source, target, memory, _term_candidates(termbase) + _STAND_IN_CANDIDATES)
    known = terms_engine_knows(termbase, engine, source, target, memory)
    names = usable_stand_ins(engine, source, target, memory)
    masked = {
        u.msgid: mask(
            u.msgid,
            termbase,
            engine.token,
            quoted_titles=u.kind == "endnote",
            engine_terms=known,
            stand_ins=names,
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
        suggestions[msgid] = _restore(msgid, masked_unit, output, engine, model, variety)
        # Also when the output came from memory: reused under a new msgid (a typo fixed inside
        # a cited title), the suggestion needs its own record, or the merge takes it for human text.
        memory.remember(
            engine.name, model, masked_unit.text, output, msgid, suggestions[msgid].text
        )
    return suggestions


def usable_stand_ins(
    engine: Engine, source: str, target: str, memory: Memory
) -> dict[str, tuple[str, ...]]:
    """The stand-in proper nouns (:data:`~locbrief.protect.STAND_INS`) this engine passes through.

    Each is sent once per engine model, like a term probe, in a sentence that
    has it alone and after an article (:func:`stand_in_probe`), and kept if it
    comes back unchanged both times with nothing put before the bare name:
    "Florida" becomes "Flórida" in Portuguese, French reads "la Lima literal"
    as the Spanish noun "lima" ("la Lime littérale") and puts an article before
    "Congo" ("le Congo a vu"): none of them is kept there.
    """
    model = engine.model(source, target)
    _probe(engine, source, target, memory, _STAND_IN_CANDIDATES)

    def passes(name: str) -> bool:
        output = _probe_output(engine, model, stand_in_probe(name), memory) or ""
        found = re.findall(rf"(?<!\w){re.escape(name)}(?!\w)", output)
        return len(found) == 2 and output.startswith(name)

    return {g: tuple(n for n in names if passes(n)) for g, names in STAND_INS.items()}


def stand_in_probe(name: str) -> str:
    """The sentence a stand-in is tried in: alone, and where an article comes before it."""
    return f"{name} saw the literal {name}."


def terms_engine_knows(
    termbase: Termbase, engine: Engine, source: str, target: str, memory: Memory
) -> frozenset[str]:
    """Sources of the terms the engine, asked about the term alone, renders as the termbase wants.

    Those stay words in the text, so the engine makes articles and verbs agree
    with them; the rest become tokens. One batch per engine model, remembered.
    """
    model = engine.model(source, target)
    _probe(engine, source, target, memory, _term_candidates(termbase))
    return frozenset(
        t.source
        for t in termbase.terms
        if t.target is not None
        and _same_words(_probe_output(engine, model, t.source, memory), t.target)
    )


_STAND_IN_CANDIDATES = [stand_in_probe(name) for names in STAND_INS.values() for name in names]


def _term_candidates(termbase: Termbase) -> list[str]:
    return [t.source for t in termbase.terms if t.target is not None]


def _probe(engine: Engine, source: str, target: str, memory: Memory, texts: list[str]) -> None:
    """Send the texts the memory lacks alone, in one batch, and remember what came back."""
    model = engine.model(source, target)
    todo = [t for t in dict.fromkeys(texts) if memory.lookup(engine.name, model, t) is None]
    for text, output in zip(todo, engine.checked_batch(todo, source, target)):
        memory.remember(engine.name, model, text, output, text, output)


def _probe_output(engine: Engine, model: str, text: str, memory: Memory) -> str | None:
    """What the engine made of a probe sent alone, its marks taken out."""
    output = memory.lookup(engine.name, model, text)
    return None if output is None else engine.unknown_words(output, text)[0]


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


def _restore(
    msgid: str, masked: Masked, output: str, engine: Engine, model: str, variety: Variety | None
) -> Suggestion:
    """The suggestion: marks out, protected items back, the locale's variety layer applied."""
    output, unknown = engine.unknown_words(output, masked.text)
    text, problems = unmask(output, masked)
    if variety is not None:
        text = variety.apply(text, tuple(article_free(i.restore) for i in masked.items))
    tokens = {i.token for i in masked.items}
    return Suggestion(
        msgid=msgid,
        text=text,
        engine=engine.name,
        model=model,
        problems=tuple(problems),
        unknown=tuple(w for w in unknown if w not in tokens),
    )
