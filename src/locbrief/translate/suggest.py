"""Units → machine suggestions for one language: protect, translate in batches, restore, remember.

After the engine: its unknown-word marks are taken out (and listed with the
suggestion), protected items restored, the locale's variety layer applied
(Mexican Spanish for es_MX, Brazilian Portuguese for pt_BR), then the
corrections learned from the team's reviews (``locales/<lang>/learned.tsv``).
What the variety layer flags (Spanish a pivot left in French) becomes a
problem, so the unit goes to the PO fuzzy with a QA note.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

from locbrief.model import Suggestion, Unit
from locbrief.translate.engines import Engine, EngineError
from locbrief.translate.learn import Corrections
from locbrief.translate.memory import Memory
from locbrief.translate.probes import ProbeCache
from locbrief.translate.protect import (
    STAND_INS,
    Masked,
    article_free,
    lost_token,
    mask,
    unmask,
)
from locbrief.translate.termbase import Termbase
from locbrief.translate.variety import Variety

log = logging.getLogger("locbrief.translate.suggest")
#: The problem a suggestion carries when it is the source text: the engine's draft lost a
#: protected item (link, note marker, name) that could not be put back.
SOURCE_KEPT = "kept the source text: the draft lost what the source links or marks"


def suggest(
    units: list[Unit],
    engine: Engine,
    source: str,
    target: str,
    termbase: Termbase,
    memory: Memory,
    batch_size: int | None = None,
    variety: Variety | None = None,
    corrections: Corrections | None = None,
    probes: ProbeCache | None = None,
) -> dict[str, Suggestion]:
    """A suggestion for every distinct msgid; only units the memory lacks reach the engine.

    Each batch is remembered as soon as it comes back, so a run the engine
    stops (down, quota spent) resumes where it stopped. ``probes``: the answers
    to probe batches kept across runs (:mod:`locbrief.translate.probes`).
    """
    mask_unit = _masker(engine, source, target, termbase, memory, probes)
    model = engine.model(source, target)
    masked: dict[str, Masked] = {}
    msgids: dict[str, list[str]] = {}
    made: dict[tuple[str, str], tuple[Suggestion, Suggestion]] = {}
    with _Batches(engine, source, target, batch_size or engine.batch_size) as batches:
        try:
            _mask_and_send(units, mask_unit, memory, model, batches, masked, msgids)
            for text, output in batches.outputs():
                for msgid in msgids[text]:
                    draft = _restore(msgid, masked[msgid], output, engine, model, variety)
                    restored = _correct(draft, masked[msgid], corrections)
                    made[msgid, output] = draft, restored
                    memory.remember(
                        engine.name, model, text, output, msgid, restored.text, draft.text
                    )
        except EngineError as exc:
            exc.finished = _remembered(masked, engine, model, memory, variety, corrections, made)
            raise
    return _remembered(masked, engine, model, memory, variety, corrections, made)


def _mask_and_send(
    units: list[Unit],
    mask_unit: Callable[[Unit], Masked],
    memory: Memory,
    model: str,
    batches: _Batches,
    masked: dict[str, Masked],
    msgids: dict[str, list[str]],
) -> None:
    """Fill ``masked`` (each msgid masked) and ``msgids`` (the msgids of each masked text); a
    text the memory lacks goes into the batches, sent as soon as its batch is full. A msgid
    stands where it first occurs, masked as its last occurrence is."""
    for msgid, unit in {u.msgid: u for u in units}.items():
        masked[msgid] = mask_unit(unit)
        text = masked[msgid].text
        if text in msgids:
            msgids[text].append(msgid)
        else:
            msgids[text] = [msgid]
            if memory.lookup(batches.engine.name, model, text) is None:
                batches.add(text)


def pending(
    units: list[Unit], engine: Engine, source: str, target: str, termbase: Termbase, memory: Memory
) -> list[str]:
    """The protected texts ``suggest`` would send to the engine (what check-config prices)."""
    masked = _masked_units(units, engine, source, target, termbase, memory)
    model = engine.model(source, target)
    texts = dict.fromkeys(m.text for m in masked.values())
    return [t for t in texts if memory.lookup(engine.name, model, t) is None]


def pending_units(
    units: list[Unit], engine: Engine, source: str, target: str, termbase: Termbase, memory: Memory
) -> list[str]:
    """The msgids whose protected text the engine has not answered yet: the units left, counted
    as every summary counts units (two that differ only in a protected number are two units
    and one text to send)."""
    masked = _masked_units(units, engine, source, target, termbase, memory)
    model = engine.model(source, target)
    return [m for m, mu in masked.items() if memory.lookup(engine.name, model, mu.text) is None]


def _masked_units(
    units: list[Unit], engine: Engine, source: str, target: str, termbase: Termbase, memory: Memory
) -> dict[str, Masked]:
    """Each msgid with its protected items swapped for the engine's tokens or stand-ins."""
    mask_unit = _masker(engine, source, target, termbase, memory)
    return {u.msgid: mask_unit(u) for u in units}


def _masker(
    engine: Engine,
    source: str,
    target: str,
    termbase: Termbase,
    memory: Memory,
    probes: ProbeCache | None = None,
) -> Callable[[Unit], Masked]:
    """What masks a unit for this engine: its protected items swapped for tokens or stand-ins.

    Terms stay words where the engine enforces the termbase itself (DeepL
    glossary, model prompt) or renders them right when probed; an engine that
    is not probed (``Engine.probed``) gets its names and other terms as tokens.
    Figures stay figures where the engine gives them back as they were
    (:func:`engine_keeps_figures`): a token in their place broke the grammar
    around them ("with ZX0QZ people joining" → "con ZX0QZ las personas").
    """
    names: dict[str, tuple[str, ...]] = {}
    figures = False
    enforces = engine.use_termbase(termbase, source, target)
    if engine.probed:  # every probe in one batch
        terms = [] if enforces else _term_candidates(termbase)
        _probe(
            engine, source, target, memory, terms + _STAND_IN_CANDIDATES + [*FIGURE_PROBES], probes
        )
        figures = engine_keeps_figures(engine, source, target, memory)
    if enforces:
        known = frozenset(t.source for t in termbase.terms if t.target is not None)
    elif engine.probed:
        known = terms_engine_knows(termbase, engine, source, target, memory)
    else:
        known = frozenset()
    if engine.probed:
        names = usable_stand_ins(engine, source, target, memory)

    def mask_unit(unit: Unit) -> Masked:
        return mask(
            unit.msgid,
            termbase,
            engine.token,
            quoted_titles=unit.kind == "endnote",
            engine_terms=known,
            stand_ins=names,
            lang=target,
            keep_figures=figures,
        )

    return mask_unit


#: Figures of every shape the number protection takes, each in a short sentence: an engine
#: that gives each back as written may see figures as figures.
FIGURE_PROBES = {
    "1,312 people.": "1,312",
    "16.7 percent.": "16.7",
    "350–370 people.": "350–370",
    "In 2024 they left.": "2024",
    "9 people.": "9",
}


def engine_keeps_figures(engine: Engine, source: str, target: str, memory: Memory) -> bool:
    """Whether the engine, asked once per model, gives back every figure of :data:`FIGURE_PROBES`."""
    _probe(engine, source, target, memory, list(FIGURE_PROBES))
    model = engine.model(source, target)
    outputs = {probe: _probe_output(engine, model, probe, memory) or "" for probe in FIGURE_PROBES}
    return all(
        re.search(rf"(?<![\d.,]){re.escape(figure)}(?![\d.,]\d)", outputs[probe])
        for probe, figure in FIGURE_PROBES.items()
    )


def _remembered(
    masked: dict[str, Masked],
    engine: Engine,
    model: str,
    memory: Memory,
    variety: Variety | None,
    corrections: Corrections | None = None,
    made: dict[tuple[str, str], tuple[Suggestion, Suggestion]] | None = None,
) -> dict[str, Suggestion]:
    """Suggestions for the units whose engine output the memory holds.

    Each is remembered again with its text: the variety layer or the learned
    corrections may have changed it. ``made``: the (draft, suggestion) pairs
    this run already restored from the same output, not restored twice.
    """
    suggestions = {}
    for msgid, masked_unit in masked.items():
        output = memory.lookup(engine.name, model, masked_unit.text)
        if output is not None:
            draft, suggestions[msgid] = (made or {}).get((msgid, output)) or _restored(
                msgid, masked_unit, output, engine, model, variety, corrections
            )
            # Also under a new msgid (a typo fixed inside a cited title): the suggestion needs its
            # own record, or the merge takes it for human text.
            memory.remember(
                engine.name,
                model,
                masked_unit.text,
                output,
                msgid,
                suggestions[msgid].text,
                draft.text,
            )
    return suggestions


def usable_stand_ins(
    engine: Engine, source: str, target: str, memory: Memory
) -> dict[str, tuple[str, ...]]:
    """The stand-in proper nouns (:data:`~locbrief.translate.protect.STAND_INS`) this engine passes through.

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


def _probe(
    engine: Engine,
    source: str,
    target: str,
    memory: Memory,
    texts: list[str],
    probes: ProbeCache | None = None,
) -> None:
    """Send the texts the memory lacks alone, in one batch (or take the answers ``probes``
    kept for that batch), and remember what came back."""
    model = engine.model(source, target)
    todo = [t for t in dict.fromkeys(texts) if memory.lookup(engine.name, model, t) is None]
    if not todo:
        return

    def ask(batch: list[str]) -> list[str]:
        return engine.checked_batch(batch, source, target)

    outputs = probes.answers(engine.name, model, todo, ask) if probes else ask(todo)
    for text, output in zip(todo, outputs):
        memory.remember(engine.name, model, text, output, text, output)


def _probe_output(engine: Engine, model: str, text: str, memory: Memory) -> str | None:
    """What the engine made of a probe sent alone, its marks taken out."""
    output = memory.lookup(engine.name, model, text)
    return None if output is None else engine.unknown_words(output, text)[0]


def _same_words(output: str | None, target: str) -> bool:
    return output is not None and output.strip(" .").casefold() == target.casefold()


class _Batches:
    """The texts for the engine, each batch sent as soon as it is full (while the units after
    it are still being masked, the engine works on it), the outputs handed back in order."""

    def __init__(self, engine: Engine, source: str, target: str, size: int):
        self.engine, self.source, self.target, self.size = engine, source, target, size
        self.filling: list[str] = []
        self.sent: list[tuple[list[str], Future | None]] = []
        workers = engine.concurrent_batches
        self.pool = ThreadPoolExecutor(workers, engine.name) if workers > 1 else None

    def __enter__(self) -> _Batches:
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def add(self, text: str) -> None:
        if not self.sent and not self.filling:  # the first text the engine has to translate
            self.engine.prepare(self.source, self.target)
        self.filling.append(text)
        if len(self.filling) == self.size:
            self._send()

    def _send(self) -> None:
        batch, self.filling = self.filling, []
        # an engine that takes one batch at a time is called when its outputs are read
        future = self.pool.submit(self._call, batch) if self.pool is not None else None
        self.sent.append((batch, future))

    def _call(self, batch: list[str]) -> list[str]:
        return self.engine.checked_batch(batch, self.source, self.target)

    def outputs(self) -> Iterator[tuple[str, str]]:
        """(text, engine output) pairs in the order the texts came, with a progress bar."""
        if self.filling:
            self._send()
        total = sum(len(batch) for batch, _ in self.sent)
        if not total:
            return
        with _progress(total, f"{self.target}: {self.engine.name}") as bar:
            for batch, future in self.sent:
                output = future.result() if future is not None else self._call(batch)
                yield from zip(batch, output)
                bar.update(len(batch))


class _NoProgress(contextlib.AbstractContextManager):
    """No bar: stderr is a log file, or -q."""

    def __exit__(self, *exc) -> None:
        return None

    def update(self, n: int) -> None:
        pass


def _progress(total: int, desc: str):
    """A progress bar on a terminal's stderr (not under -q); elsewhere none, and tqdm (50 ms to
    import) is not imported."""
    if not (log.isEnabledFor(logging.INFO) and sys.stderr.isatty()):
        return _NoProgress()
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="unit", file=sys.stderr)


def _restore(
    msgid: str, masked: Masked, output: str, engine: Engine, model: str, variety: Variety | None
) -> Suggestion:
    """The suggestion: marks out, protected items back, the locale's variety layer applied."""
    output, unknown = engine.unknown_words(output, masked.text)
    text, problems = unmask(output, masked)
    if lost_token(problems):
        # a link, note marker or name lost for good: the source sentence keeps it (a fallback
        # engine of the chain may do better; see locbrief.translate.chain)
        text, unknown = msgid, ()
        problems.append(SOURCE_KEPT)
    elif variety is not None:
        shields = tuple(article_free(i.restore) for i in masked.items)
        text = variety.apply(text, shields)
        problems += [
            f"{note or 'flagged'}: {words}" for words, note in variety.flagged(text, shields)
        ]
    tokens = {i.token for i in masked.items}
    return Suggestion(
        msgid=msgid,
        text=text,
        engine=engine.name,
        model=model,
        problems=tuple(problems),
        unknown=tuple(w for w in unknown if w not in tokens),
    )


def _restored(
    msgid: str,
    masked: Masked,
    output: str,
    engine: Engine,
    model: str,
    variety: Variety | None,
    corrections: Corrections | None,
) -> tuple[Suggestion, Suggestion]:
    """The draft and the suggestion (the draft with the learned corrections)."""
    draft = _restore(msgid, masked, output, engine, model, variety)
    return draft, _correct(draft, masked, corrections)


def _correct(draft: Suggestion, masked: Masked, corrections: Corrections | None) -> Suggestion:
    """The draft with the learned corrections applied outside protected items, naming them."""
    if corrections is None:
        return draft
    shields = tuple(article_free(i.restore) for i in masked.items)
    text, learned = corrections.apply(draft.text, shields)
    return replace(draft, text=text, learned=learned) if learned else draft
