"""The translate group's commands: ``segment``, ``suggest``, ``terms``, ``learn``, ``tm``,
``install-argos``.

Each takes the parsed arguments of its ``locbrief`` subcommand (cli.py) and does the
stage's work through the package's functions; the Snakefile runs the same commands.
"""

from __future__ import annotations

import logging

from locbrief.files import load_units, read_bytes, read_json, write_json
from locbrief.model import Document, LocbriefError

log = logging.getLogger("locbrief")


def cmd_segment(args) -> None:
    from locbrief.catalog.pofile import read_template, write_template
    from locbrief.catalog.template import assign_contexts, build_template
    from locbrief.translate.segment import segment

    doc = Document.from_json(read_json(args.document))
    units = assign_contexts(segment(doc))
    previous = read_template(args.pot)
    write_template(args.pot, build_template(units, doc.name, previous), previous)
    write_json(args.units, [u.to_json() for u in units])
    # units are distinct (msgctxt, msgid), occurrences the places they stand (status.UNITS)
    log.info(
        f"{doc.name}: {len({u.key for u in units})} units ({len(units)} occurrences) → {args.pot}"
    )


def cmd_suggest(args) -> None:
    from collections import Counter

    from locbrief.config import load_config
    from locbrief.translate.chain import choose_chain, suggest_with_fallback
    from locbrief.translate.learn import learned_path, load_corrections
    from locbrief.translate.memory import Memory
    from locbrief.translate.probes import ProbeCache
    from locbrief.translate.termbase import load_termbase
    from locbrief.translate.variety import load_variety, variety_path

    units = load_units(args.units)
    config = load_config(args.config) if args.config else {}
    engines = choose_chain(config, args.engine, args.source_lang, args.lang)
    memory = Memory(args.memory)
    before = memory.segments
    termbase = load_termbase(args.termbase)
    variety = load_variety(variety_path(args.lang), termbase)
    corrections = load_corrections(learned_path(args.lang), termbase)
    try:
        suggestions = suggest_with_fallback(
            units,
            engines,
            args.source_lang,
            args.lang,
            termbase,
            memory,
            variety=variety,
            corrections=corrections,
            probes=ProbeCache(),
        )
    finally:
        memory.save()  # the batches that came back, so a rerun resumes
    write_json(args.output, [s.to_json() for s in suggestions.values()])
    flagged = sum(1 for s in suggestions.values() if s.problems)
    unknown = [s for s in suggestions.values() if s.unknown]
    corrected = sum(1 for s in suggestions.values() if s.learned)
    origins = Counter(s.origin for s in suggestions.values())
    log.info(
        f"{args.lang}: {len(suggestions)} units ({', '.join(f'{o}: {n}' for o, n in origins.items())}), "
        f"{memory.segments - before} segments sent to the engine (the rest from memory), {flagged} flagged, "
        f"{sum(len(s.unknown) for s in unknown)} words the engine did not know in {len(unknown)} units, "
        f"{corrected} corrected by learned rules"
    )


def cmd_terms(args) -> None:
    import re

    if args.brief == "import":
        return _terms_import(args)

    from locbrief.translate.protect import QUOTED_TITLE
    from locbrief.translate.termbase import candidate_terms, load_termbase

    if args.learn:
        return _learn_terms(args)
    if not args.brief:
        raise LocbriefError("give a brief (source/<brief>.txt), or --learn --lang LOCALE")
    if args.brief.endswith(".json"):
        units = load_units(args.brief)
    else:
        from locbrief.read import read_source
        from locbrief.translate.segment import segment

        units = segment(read_source(args.brief))
    # Titles of cited works are kept as published: their words are not terms.
    texts = [
        re.sub(QUOTED_TITLE, " | ", u.msgid) if u.kind == "endnote" else u.msgid for u in units
    ]
    found = [
        c for c in candidate_terms(texts, load_termbase(args.termbase)) if c.count >= args.min_count
    ]
    for candidate in found:
        print(f"{candidate.count:4d}  {candidate.text}")
    log.info(f"{len(found)} candidate terms not in {args.termbase or 'any termbase'}")


def _learn_terms(args) -> None:
    """``terms --learn``: termbase entries proposed from the reviewed units, appended with --write."""
    from pathlib import Path

    from locbrief.files import write_atomically
    from locbrief.translate.learn import propose_terms
    from locbrief.translate.memory import Memory
    from locbrief.translate.termbase import load_termbase

    if not args.lang:
        raise LocbriefError(
            "--learn needs --lang LOCALE (whose reviewed translations to learn from)"
        )
    memory = Memory(args.memory or Path("locales") / args.lang / "memory.jsonl")
    path = Path(args.termbase or Path("locales") / args.lang / "termbase.tsv")
    proposals = propose_terms(memory, load_termbase(path, args.lang), args.min_count)
    for proposal in proposals:
        print(proposal.row())
    if args.write and proposals:
        if not path.is_file():
            raise LocbriefError(
                "no termbase to add to; create it with its header row first", str(path)
            )
        old = path.read_bytes()
        text = old.decode("utf-8")
        text += ("" if text.endswith("\n") or not text else "\n") + "".join(
            p.row() + "\n" for p in proposals
        )
        write_atomically(path, text, expected=old)
        log.info(f"{len(proposals)} entries added to {path}")
    else:
        log.info(
            f"{len(proposals)} termbase entries proposed from reviewed units (--write adds them to {path})"
        )


def cmd_learn(args) -> None:
    """``learn``: relearn the language's corrections from its memory; list them with their evidence."""
    from pathlib import Path

    from locbrief.translate.learn import (
        MIN_SEEN,
        learn,
        learned_path,
        load_corrections,
        relearn,
        reviewed_pairs,
        rules_text,
        save_rules,
    )
    from locbrief.translate.memory import Memory
    from locbrief.translate.termbase import load_termbase

    memory = Memory(args.memory or Path("locales") / args.lang / "memory.jsonl")
    termbase_path = args.termbase or Path("locales") / args.lang / "termbase.tsv"
    termbase = load_termbase(termbase_path, args.lang) if Path(termbase_path).is_file() else None
    path = Path(args.output or learned_path(args.lang))
    expected = read_bytes(path)
    existing = load_corrections(path, termbase)
    pairs = reviewed_pairs(memory)
    min_seen = args.min_seen or MIN_SEEN
    learned = learn(pairs, termbase, min_seen)
    rules = relearn(existing, learned)
    changed = save_rules(path, rules_text(rules, args.lang), expected)
    print(f"{'seen':>4s}  rule")
    for rule in rules:
        seen = "own" if rule.seen is None else str(rule.seen)
        veto = f"  [vetoed: {rule.veto}]" if rule.veto else ""
        print(
            f"{seen:>4s}  {rule.name}{veto}    ({rule.note})"
            if rule.note
            else f"{seen:>4s}  {rule.name}{veto}"
        )
    # Close calls and rules refused for what they would touch; not every one-off contradiction.
    shown = [(r, why) for r, why in learned.dropped if r.seen > _contradictions(why)]
    for rule, reason in shown:
        print(f"{rule.seen:>4d}  dropped: {rule.name}: {reason}")
    if len(shown) < len(learned.dropped):
        print(
            f"      ({len(learned.dropped) - len(shown)} more dropped: contradicted more often than seen)"
        )
    log.info(
        f"{args.lang}: {len(learned.kept)} rules learned from {len({p[0] for p in pairs})} reviewed units "
        f"(each seen in at least {min_seen}, never contradicted), {len(learned.dropped)} dropped; "
        f"{path} {'updated' if changed else 'unchanged'}"
    )
    _learn_senses(args, pairs, termbase)


def _learn_senses(args, pairs, termbase) -> None:
    """``learn``'s engine half: Apertium sense choices and words, rewritten in
    ``<pair>.learned.lrx`` and ``<pair>.learned.tsv`` (a reviewer's vetoes kept)."""
    import shutil

    from locbrief.translate.engines.apertium import BUILD_DIR, MODES_DIR, VOCABULARY_DIR
    from locbrief.translate.learn import save_rules
    from locbrief.translate.senses import MIN_SEEN, learn_engine, pair_for

    pair = pair_for(args.lang)
    if not (MODES_DIR / f"{pair}.mode").is_file() or shutil.which("apertium") is None:
        log.info(f"{args.lang}: no Apertium pair {pair} installed; no sense choices learned")
        return
    learned = learn_engine(
        pairs, args.lang, VOCABULARY_DIR, BUILD_DIR, termbase, args.min_seen or MIN_SEEN
    )
    changed = []
    for path, text in learned.texts.items():
        expected = read_bytes(path)
        if (learned.kept or expected) and save_rules(path, text, expected):  # no empty new file
            changed.append(str(path))
    for choice in learned.kept:
        print(f"{len(choice.seen):>4d}  engine: {choice.name}    ({choice.evidence()})")
    for choice, reason in learned.dropped:
        if len(choice.seen) > len(choice.contradicted):  # close calls, not every one-off
            print(f"{len(choice.seen):>4d}  engine dropped: {choice.name}: {reason}")
    words = sum(c.new for c in learned.kept)
    log.info(
        f"{args.lang}: {len(learned.kept) - words} engine sense choices and {words} words "
        f"learned, {len(learned.dropped)} dropped; "
        + (", ".join(changed) + " updated" if changed else "the engine's learned files unchanged")
    )


def _contradictions(reason: str) -> int:
    import re

    found = re.match(r"contradicted in (\d+)", reason)
    return int(found.group(1)) if found else 0


def cmd_install_argos(args) -> None:
    from locbrief.translate.engines.argos import install_from_index, install_model, package_name

    if bool(args.package) == bool(args.from_index):
        raise LocbriefError("give either a .argosmodel file or --from-index SOURCE TARGET")
    packages = (
        install_from_index(*args.from_index) if args.from_index else [install_model(args.package)]
    )
    for package in packages:
        log.info("installed %s", package_name(package))


def _language_file(args, option: str, name: str) -> str:
    """An explicit --memory/--termbase, else the language's own: locales/<lang>/<name>."""
    return getattr(args, option) or f"locales/{args.lang}/{name}"


def cmd_tm(args) -> None:
    if args.action == "import" and not args.file:
        raise LocbriefError("usage: locbrief tm import FILE --lang LOCALE (a TMX file)")
    if args.action == "export" and not args.output:
        raise LocbriefError("usage: locbrief tm export --lang LOCALE -o FILE (the TMX to write)")
    (_tm_import if args.action == "import" else _tm_export)(args)


def _tm_import(args) -> None:
    from locbrief.translate.exchange import import_tmx, log_import
    from locbrief.translate.memory import Memory

    path = _language_file(args, "memory", "memory.jsonl")
    memory = Memory(path)
    report = import_tmx(args.file, args.lang, args.source_lang, memory)
    memory.save()
    if report.added:
        log_import(path, args.file, report)  # the workflow's merges read it: the next run merges
    left = (
        f"; {report.without_target} without a {args.lang} segment" if report.without_target else ""
    )
    log.info(
        f"{args.file}: {report.units} units — {report.added} into {path}, "
        f"{report.unchanged} already there{left}; the next run offers them as fuzzy matches"
    )


def _tm_export(args) -> None:
    from locbrief.cli import version
    from locbrief.translate.exchange import export_tmx
    from locbrief.translate.memory import Memory

    path = _language_file(args, "memory", "memory.jsonl")
    count = export_tmx(Memory(path), args.lang, args.source_lang, args.output, version())
    log.info(f"{args.output}: {count} reviewed translations from {path} (TMX 1.4)")


def _terms_import(args) -> None:
    from locbrief.translate.exchange import import_terms

    if not args.file or not args.lang:
        raise LocbriefError(
            "usage: locbrief terms import FILE --lang LOCALE (a .tbx or .csv glossary)"
        )
    path = _language_file(args, "termbase", "termbase.tsv")
    report = import_terms(args.file, args.lang, args.source_lang, path)
    for conflict in report.conflicts:
        log.warning(f"{args.file}: not imported, the termbase has another target: {conflict}")
    log.info(
        f"{args.file}: {len(report.added)} terms added to {path}, {len(report.skipped)} already "
        f"there, {len(report.conflicts)} conflicts left out"
    )
