"""The project's own Apertium vocabulary: words and senses of policy prose, compiled into a mode.

The data lives under ``locales/apertium/`` (format: README, "The engine's vocabulary"):
``<pair>.tsv`` lists words (English lemma, part of speech, translation, options) and
``<pair>.lrx`` holds Apertium lexical-selection rules (which sense in which context);
``<pair>.learned.lrx``, the sense choices learned from reviews (translate/senses.py),
runs after them, and ``<pair>.learned.tsv``, the words learned from reviews, is compiled
after ``<pair>.tsv`` (what the hand-written words already give is left out). Every pair
from English also takes ``names.tsv`` (names entered once, each added where the pair does
not know it) and ``english.t1x`` (structural rules over English words, run before the
bilingual dictionary).
They are compiled with Apertium's own tools, never by editing the engine's output:
each word's inflected forms become entries of small dictionaries that ``lt-comp``
compiles and ``lt-append`` adds to copies of the pair's analyser, bilingual dictionary
and generator; ``lrx-comp`` compiles the rules. A copy of the pair's mode points at
them. The result is cached under ``build/apertium/<pair>-<digest>/`` by the digest of
the data and the installed pair, so a change redoes it, and the engine's model name
carries the digest (the translation memory then asks for new suggestions).

A word the generator cannot inflect, a rule that selects a translation the dictionary
does not offer, an entry given twice or touching a protection token: one
:class:`~locbrief.model.LocbriefError` naming the file and line; nothing is written and
the compiled mode of the previous data stays where it was.
"""

from __future__ import annotations

import hashlib
import re
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from locbrief.markup import TOKEN
from locbrief.model import LocbriefError

#: Parts of speech an entry may have, as the pairs' dictionaries tag them.
POS = ("n", "np", "vblex", "adj", "adv", "pr")
#: Kinds of proper noun (option of an ``np`` entry), as the pairs tag them: a given name
#: (``ant``, with its gender), a surname (``cog``), a place (``loc``; eng-cat says ``top``), an
#: organisation (``org``), any other name (``al``: an acronym, a programme, a cartel).
NAME_KINDS = ("ant", "cog", "loc", "top", "org", "al")
#: The tag a pair gives places, where it is not ``loc`` (by target language): ``loc`` and
#: ``top`` are one kind, so a shared name says either.
PLACE_TAG = {"cat": "top"}
#: The names every pair shares (same format as a pair's ``.tsv``, names only); a pair's own
#: entry for the same English name (a localized form) wins, and a name is added to a pair only
#: where the pair's analyser does not know the word.
NAMES_FILE = "names.tsv"
#: The translation that says "the name itself" ("Shirk	np	=	cog").
SAME = "="
#: Structural rules over English lexical units every English pair shares (Apertium's ``.t1x``),
#: run as one more ``apertium-transfer -n`` right before the bilingual dictionary: word order the
#: pairs' own transfer gets wrong ("She cannot." → "Puede no.").
ENGLISH_RULES = "english.t1x"
#: Verb forms the English analyser gives (tags after ``<vblex>``).
_EN_VERB = ("inf", "pres", "pri.p3.sg", "past", "pp", "ger")
#: Verb forms a generator is asked for, for the model verb an entry's verb is inflected like.
_VERB_TAGS = (
    ["inf", "ger"]
    + [f"pp.{g}.{n}" for g in "mf" for n in ("sg", "pl")]
    + [
        f"{t}.{p}.{n}"
        for t in ("pri", "pii", "ifi", "fti", "cni", "prs", "pis", "imp")
        for p in ("p1", "p2", "p3")
        for n in ("sg", "pl")
    ]
)
#: Known verbs whose inflection a new verb with the same ending copies (longest ending wins).
MODEL_VERBS = {
    "spa": (
        "hablar", "realizar", "buscar", "pagar", "averiguar", "negociar", "comer", "vivir",
        "construir", "proteger", "dirigir", "conocer", "agradecer", "distinguir",
    ),
    "cat": (
        "parlar", "realitzar", "buscar", "pagar", "començar", "menjar", "servir", "patir",
        "construir", "conèixer", "perdre", "batre", "témer",
    ),
}  # fmt: skip


#: English contractions: where the pair knows them with a straight apostrophe only, the
#: typographic one (can’t, won’t) gets the same analyses.
CONTRACTIONS = (
    "can't", "won't", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't",
    "hasn't", "haven't", "hadn't", "wouldn't", "shouldn't", "couldn't", "mustn't", "needn't",
    "it's", "that's", "there's", "what's", "who's", "let's", "i'm", "i've", "i'll", "i'd",
    "you're", "you've", "you'll", "we're", "we've", "we'll", "they're", "they've", "they'll",
    "he's", "she's", "he'll", "she'll",
)  # fmt: skip


@dataclass
class Entry:
    """One line of a ``<pair>.tsv``: an English word and its translation."""

    english: str
    pos: str
    target: str
    line: int
    gender: str = ""
    options: dict[str, str] = field(default_factory=dict)
    #: the file the entry is on (errors name it), and whether it is a shared name (NAMES_FILE)
    path: Path = Path()
    shared: bool = False


@dataclass
class Vocabulary:
    """A pair's data files and their digest."""

    pair: str
    tsv: Path | None
    lrx: Path | None
    digest: str
    #: sense choices learned from reviews (translate/senses.py), applied after the hand rules
    learned: Path | None = None
    #: words learned from reviews (translate/senses.py), compiled after the hand-written ones
    learned_words: Path | None = None
    #: the names every pair shares (NAMES_FILE)
    names: Path | None = None
    #: the structural rules every English pair shares (ENGLISH_RULES)
    english_rules: Path | None = None


def vocabulary(
    folder: Path, pair: str, stock_mode: Path, with_learned: bool = True
) -> Vocabulary | None:
    """The pair's data under ``folder`` (None if it has none), digested with the installed pair.

    ``with_learned=False``: the hand-written data only (what ``locbrief learn`` compares reviews with).
    """
    tsv, lrx = folder / f"{pair}.tsv", folder / f"{pair}.lrx"
    words = folder / f"{pair}.learned.tsv"  # senses.learned_words_path
    learned = folder / f"{pair}.learned.lrx"  # senses.learned_lrx_path
    mine = (words, learned) if with_learned else ()
    files = [p for p in (tsv, lrx, *mine) if p.exists()]
    if not files:
        return None
    # English names and rules: for the pairs from English the project keeps vocabulary for
    names, english_rules = folder / NAMES_FILE, folder / ENGLISH_RULES
    for shared in (names, english_rules):
        if pair.startswith("eng-") and shared.exists():
            files.append(shared)
    digest = hashlib.sha256(Path(__file__).read_bytes())  # what this module writes, too
    for path in (*files, stock_mode):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for binary in re.findall(r"'([^']+\.bin)'", stock_mode.read_text()):
        stat = Path(binary).stat()
        digest.update(f"{binary} {stat.st_size} {stat.st_mtime_ns}".encode())
    return Vocabulary(
        pair,
        tsv if tsv.exists() else None,
        lrx if lrx.exists() else None,
        digest.hexdigest(),
        learned if learned in files and "<rule" in learned.read_text(encoding="utf-8") else None,
        words if words in files and _has_entries(words) else None,
        names if names in files else None,
        english_rules if english_rules in files else None,
    )


def _has_entries(path: Path) -> bool:
    """Whether a vocabulary file has a line that is not a comment (a learned one may have none)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return any(line.strip() and not line.lstrip().startswith("#") for line in lines)


def compiled_mode(vocab: Vocabulary, stock_mode: Path, build: Path) -> tuple[Path, str]:
    """The data folder and mode name of the pair with the project's vocabulary, built if missing."""
    name = f"locbrief-{vocab.pair}"
    build = build.resolve()
    final = build / f"{vocab.pair}-{vocab.digest[:16]}"
    if (final / "modes" / f"{name}.mode").exists():
        if str(final) in (final / "modes" / f"{name}.mode").read_text():
            return final, name
        shutil.rmtree(final)  # a copy of the project moved here: its mode names the old place
    build.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{vocab.pair}-", dir=build))
    try:
        mode = _build(vocab, stock_mode, tmp, name)
        # the mode in place names the binaries where they will be; checked where they are now
        (tmp / "modes").mkdir()
        (tmp / "modes" / f"{name}.mode").write_text(mode.replace(str(tmp), str(final)))
        try:
            tmp.rename(final)
        except OSError:
            if not (final / "modes" / f"{name}.mode").exists():  # not another job's same build
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final, name


# ----------------------------------------------------------------------------- reading the data


def vocabulary_entries(vocab: Vocabulary) -> list[Entry]:
    """The pair's entries, then the shared names its own entries do not give."""
    own = read_entries(vocab.tsv) if vocab.tsv is not None else []
    if vocab.names is None:
        return own
    given = {e.english.casefold() for e in own if e.pos == "np"}
    names = [e for e in read_entries(vocab.names, shared=True) if e.english.casefold() not in given]
    return own + names


def _sections(vocab: Vocabulary):
    """(entries, their file, the section's suffix) of each dictionary section compiled: the
    hand-written words with the shared names, then the words learned from reviews."""
    hand = vocab.tsv or vocab.names
    if hand is not None:
        yield vocabulary_entries(vocab), hand, ""
    if vocab.learned_words is not None:
        yield read_entries(vocab.learned_words), vocab.learned_words, ".learned"


def read_entries(path: Path, shared: bool = False) -> list[Entry]:
    """The entries of a ``<pair>.tsv`` (or of the shared names), each checked; one error naming
    file:line for a bad one."""
    entries: list[Entry] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip() if raw.lstrip().startswith("#") else raw.rstrip()
        if not line.strip():
            continue
        entry = _entry(line, path, number)
        entry.shared = shared
        if shared and entry.pos != "np":
            raise LocbriefError(
                f"{path.name} holds names only (np); put {entry.english!r} ({entry.pos}) in a "
                "pair's .tsv",
                str(path),
                number,
            )
        key = (entry.english.casefold(), entry.pos, entry.target)
        if key in seen:
            raise LocbriefError(
                f"{entry.english!r} ({entry.pos}) → {entry.target!r} is already given on line "
                f"{seen[key]}; remove one",
                str(path),
                number,
            )
        seen[key] = number
        entries.append(entry)
    return entries


def _entry(line: str, path: Path, number: int) -> Entry:
    cells = [c.strip() for c in line.split("\t")]
    if len(cells) < 3 or not all(cells[:3]):
        raise LocbriefError(
            "expected ENGLISH<TAB>POS<TAB>TRANSLATION[<TAB>OPTIONS]", str(path), number
        )
    english, pos, target, *rest = cells
    if pos not in POS:
        raise LocbriefError(
            f"unknown part of speech {pos!r}; use one of {', '.join(POS)}", str(path), number
        )
    for text in (english, target):
        if re.search(TOKEN, text) or re.search(r"[<>^$/\\@*#{}\[\]]", text):
            raise LocbriefError(
                f"{text!r} touches a protected token or Apertium's stream syntax "
                "(ZX…QZ, < > ^ $ / \\ @ * # { } [ ]); write plain words",
                str(path),
                number,
            )
    if target == SAME and pos != "np":
        raise LocbriefError(
            f"'{SAME}' (the word itself) is for names (np) only; write the translation",
            str(path),
            number,
        )
    entry = Entry(english, pos, english if target == SAME else target, number, path=path)
    for option in " ".join(rest).split():
        key, _, value = option.partition("=")
        if not value and key in ("m", "f", "mf"):
            entry.gender = key
        elif not value and key in NAME_KINDS and pos == "np":
            entry.options["kind"] = key
        elif not value and key == "pl" and pos == "np":
            entry.options["number"] = "pl"
        elif value and key in ("pl", "past", "pp", "ger", "pri", "like", "tpl", "tf"):
            entry.options[key] = value.replace("_", " ")
        else:
            raise LocbriefError(
                f"unknown option {option!r}; use m, f, mf, ant, cog, loc, top, org or al (a name's "
                "kind), pl (a plural name), pl=, past=, pp=, ger=, pri= (English forms), like= (a "
                "known verb to inflect like), tpl=, tf= (the translation's plural, feminine)",
                str(path),
                number,
            )
    return entry


# ----------------------------------------------------------------------------- building


def _build(vocab: Vocabulary, stock_mode: Path, out: Path, name: str) -> str:
    """Compile the dictionaries and rules into ``out``, check them; the mode's text that runs them."""
    mode = stock_mode.read_text().strip()
    paths = dict(re.findall(r"'([^']*\.(automorf|autobil|autogen|autolex)\.bin)'", mode))
    stock = {kind: Path(p) for p, kind in paths.items()}
    target_code = vocab.pair.split("-")[1].split("_")[0]
    replaced: dict[str, Path] = {}
    checks = []
    for entries, source, suffix in _sections(vocab):
        # learned words after the hand-written ones: what those already give is left out
        tools = _Tools({**stock, **replaced}, target_code)
        morf, bil, gen = _dictionaries(entries, tools, f"locbrief{suffix}")
        for kind, text, direction in (
            ("automorf", morf, "lr"),
            ("autobil", bil, "lr"),
            ("autogen", gen, "rl"),
        ):
            have = replaced.get(kind, stock[kind])
            replaced[kind] = _append(have, text, direction, out / f"{kind}{suffix}.bin", source)
        checks.append((entries, source))
    lrx_bin = None
    if vocab.lrx is not None:
        lrx_bin = _compile_rules(vocab.lrx, out / "autolex.bin")
        _check_rules(vocab.lrx, replaced.get("autobil", stock["autobil"]))
    own_rules = []
    if lrx_bin is not None:
        own_rules.append(lrx_bin)
    if vocab.learned is not None:  # after the hand rules: a word they chose for has one option left
        own_rules.append(_compile_rules(vocab.learned, out / "autolex.learned.bin"))
        _check_rules(vocab.learned, replaced.get("autobil", stock["autobil"]))
    for kind, path in replaced.items():
        mode = mode.replace(f"'{stock[kind]}'", shlex.quote(str(path)))
    if vocab.english_rules is not None:
        mode = _with_english_rules(mode, vocab.english_rules, out)
    if own_rules:
        stock_lrx = f"lrx-proc -m '{stock['autolex']}'"
        own = "".join(f"lrx-proc -m {shlex.quote(str(b))} | " for b in own_rules)
        mode = mode.replace(stock_lrx, own + stock_lrx)
    check = out / "check"
    (check / "modes").mkdir(parents=True)
    (check / "modes" / f"{name}.mode").write_text(mode + "\n")
    for entries, tsv in checks:
        _check_generation(entries, check, name, tsv)
    shutil.rmtree(check)
    return mode + "\n"


def _append(stock: Path, dix: str, direction: str, out: Path, source: Path) -> Path:
    """Compile ``dix`` and add it to a copy of ``stock`` as its own section."""
    dix_path = out.with_suffix(".dix")
    dix_path.write_text(dix, encoding="utf-8")
    own = out.with_suffix(".own.bin")
    _tool(["lt-comp", direction, str(dix_path), str(own)], source)
    _tool(["lt-append", str(stock), str(own), str(out)], source)
    return out


def _tool(command: list[str], source: Path) -> str:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise LocbriefError(
            f"{command[0]} failed on what this file compiles to: {last}", str(source)
        )
    return done.stdout


def _compile_rules(lrx: Path, out: Path) -> Path:
    return _compile(["lrx-comp", str(lrx), str(out)], lrx, ".lrx")


def _with_english_rules(mode: str, t1x: Path, out: Path) -> str:
    """The mode with the shared English rules run right before the bilingual dictionary."""
    rules = out / ENGLISH_RULES
    shutil.copyfile(t1x, rules)  # apertium-transfer reads the rules' text as well as their binary
    binary = _compile(
        ["apertium-preprocess-transfer", str(rules), str(rules) + ".bin"], t1x, ".t1x"
    )
    stage = f"apertium-transfer -n {shlex.quote(str(rules))} {shlex.quote(str(binary))} | "
    return re.sub(r"lt-proc -b ", lambda m: stage + m.group(0), mode, count=1)


def _compile(command: list[str], source: Path, kind: str) -> Path:
    """Run an Apertium rule compiler; its complaint as one line naming the source's line."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        text = "\n".join([done.stdout.strip(), done.stderr.strip()]).strip() or "no message"
        found = re.search(
            r":(\d+): (?:parser error : )?(.*)|(?:on|at) line (\d+)(?:, column \d+)?: (.*)", text
        )
        line = int(found.group(1) or found.group(3)) if found else None
        message = (found.group(2) or found.group(4)) if found else text.splitlines()[-1]
        raise LocbriefError(
            f"{command[0]}: {message.strip()}; fix the rule (format: Apertium's {kind})",
            str(source),
            line,
        )
    return Path(command[-1])


def _check_rules(lrx: Path, bidix: Path) -> None:
    """Each ``<select lemma>`` must be a translation the dictionary offers its matched word."""
    text = lrx.read_text(encoding="utf-8")
    rule = re.compile(
        r'<match\s+lemma="([^"]+)"(?:\s+tags="([^".*]+)[^"]*")?\s*>\s*<select\s+lemma="([^"]+)"'
    )
    checks = []
    for found in rule.finditer(text):
        english, tag, chosen = found.groups()
        line = text.count("\n", 0, found.start()) + 1
        checks.append((english, tag or "n", chosen, line))
    if not checks:
        return
    probe = " ".join(f"^{e}<{t}>$" for e, t, _, _ in checks)
    done = subprocess.run(
        ["lt-proc", "-b", str(bidix)], input=probe, capture_output=True, text=True
    )
    answers = re.findall(r"\^[^/$]*((?:/[^/$]*)*)\$", done.stdout)
    for (english, _tag, chosen, line), answer in zip(checks, answers):
        offered = [a.split("<")[0] for a in answer.split("/")[1:]]
        if chosen not in offered:
            raise LocbriefError(
                f"the rule selects {chosen!r} for {english!r}, which the dictionary does not offer "
                f"({', '.join(offered) or 'no translation'}): the rule never applies; add the word "
                "to the .tsv or select one of those",
                str(lrx),
                line,
            )


def _check_generation(entries: list[Entry], data: Path, name: str, source: Path) -> None:
    """Every entry, translated alone by the new mode, comes back without a mark."""
    phrases = [_probe_phrase(e) for e in entries]
    done = subprocess.run(
        ["apertium", "-d", str(data), name],
        input="\n\n".join(phrases) + "\n",
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise LocbriefError(f"the compiled mode does not run: {last}", str(source))
    outputs = [" ".join(s.split()) for s in done.stdout.strip("\n").split("\n\n")]
    for entry, output in zip(entries, outputs):
        own = {w.casefold() for w in (*entry.english.split(), *entry.target.split())}
        marked = [m for m in re.findall(r"(?<!\w)[*#@](\w+)", output) if m.casefold() in own]
        if marked:
            raise LocbriefError(
                f"{entry.english!r} comes out as {output!r} ({', '.join(marked)}: not translated "
                "or not inflected); give the translation's gender, forms or like= a known word",
                str(entry.path),
                entry.line,
            )


def _probe_phrase(entry: Entry) -> str:
    return {"n": "the {}", "np": "in {}", "vblex": "they {}", "adj": "it is {}"}.get(
        entry.pos, "{}"
    ).format(entry.english)


# ----------------------------------------------------------------------------- dictionaries


class _Tools:
    """Questions to the installed pair: does the analyser know a word, how does the generator inflect one."""

    def __init__(self, stock: dict[str, Path], target: str):
        self.stock, self.target = stock, target

    def analyses(self, words: list[str]) -> list[list[str]]:
        return _analyse(self.stock["automorf"], words)

    def translations(self, lexical: list[str]) -> dict[str, tuple[str, ...]]:
        """The translations (lemmas) the pair's bilingual dictionary offers for lexical units."""
        units = [u.replace("#", "# ", 1) for u in lexical]
        done = subprocess.run(
            ["lt-proc", "-b", str(self.stock["autobil"])],
            input="".join(f"^{u}$\n" for u in units),
            capture_output=True,
            text=True,
        )
        answers = re.findall(r"\^[^$]*\$", done.stdout)
        return {
            unit: tuple(a.split("<")[0] for a in answer[1:-1].split("/")[1:] if a[:1] not in "@")
            for unit, answer in zip(lexical, answers)
        }

    def generate(self, lexical: list[str]) -> list[str | None]:
        """Surface forms of lexical units (``lemma<tag>…``); None where the generator has none."""
        if not lexical:
            return []
        done = subprocess.run(
            ["lt-proc", "-g", str(self.stock["autogen"])],
            input="".join(f"^{u}$\n" for u in lexical),
            capture_output=True,
            text=True,
        )
        out = done.stdout.splitlines()
        return [None if (o.startswith("#") or not o) else o for o in out]


def _analyse(analyser: Path, words: list[str]) -> list[list[str]]:
    done = subprocess.run(
        ["lt-proc", str(analyser)],
        input="".join(f"{w}\n" for w in words),
        capture_output=True,
        text=True,
    )
    analysed = []
    for line in done.stdout.split("\n")[: len(words)]:
        units = re.findall(r"\^([^$]*)\$", line)
        whole = len(units) == 1 and "/*" not in units[0]  # the whole phrase, known
        analysed.append(units[0].split("/")[1:] if whole else [])
    return analysed


def _dictionaries(
    entries: list[Entry], tools: _Tools, section: str = "locbrief"
) -> tuple[str, str, str]:
    """The analyser, bilingual and generator ``.dix`` texts for the entries (a section each:
    ``lt-append`` replaces a section of the same name).

    A shared name the pair's analyser already knows is left to the pair (its
    own analysis and translation stay).
    """
    known = tools.analyses([e.english for e in entries])
    kept = [i for i, (e, k) in enumerate(zip(entries, known)) if not (e.shared and k)]
    entries, known = [entries[i] for i in kept], [known[i] for i in kept]
    for entry in entries:
        _place_kind(entry, tools.target)
    morf, bil, gen = [], [], []
    heads = [_lexical(e.target.split()[0], _target_base(e), e.pos) for e in entries]
    have = tools.generate(heads)
    whole = tools.generate([_whole(e) for e in entries])
    _check_genders(entries, tools, have)
    models = _verb_models(entries, tools, have)
    offered = tools.translations([_bilingual(e, tools)[0] for e in entries])
    for entry, analyses, generated, generated_whole in zip(entries, known, have, whole):
        if not any(
            a.casefold().startswith(f"{entry.english.casefold()}<{entry.pos}>") for a in analyses
        ):
            morf += _english_forms(entry)
        pair = _bilingual(entry, tools)
        if pair[1].split("<")[0] not in offered.get(pair[0], ()):
            bil.append(pair)
        if generated is None or (" " in entry.target and generated_whole is None):
            gen += _target_forms(entry, tools, models.get(entry.line))
    morf += _typographic_apostrophes(tools)
    return _dix(morf, section), _dix(bil, section), _dix(gen, section)


def _typographic_apostrophes(tools: _Tools) -> list[tuple[str, str]]:
    """Analyses of the contractions the analyser knows with ' only, for their ’ spelling."""
    curly = [c.replace("'", "’") for c in CONTRACTIONS]
    known_curly = tools.analyses(curly)
    straight = tools.analyses(list(CONTRACTIONS))
    return [
        (word, analysis)
        for word, have, analyses in zip(curly, known_curly, straight)
        if not have
        for analysis in analyses
    ]


def _target_base(entry: Entry) -> str:
    return {
        "n": f"{entry.gender or 'm'}.sg",
        "np": f"{_kind(entry)}.{_name_gender(entry)}.{_number(entry)}",
        "vblex": "inf",
        "adj": "m.sg" if entry.target.endswith("o") else "mf.sg",
    }.get(entry.pos, "")


def _check_genders(entries: list[Entry], tools: _Tools, have: list[str | None]) -> None:
    """A noun the generator knows in another gender only: the entry's gender is wrong."""
    suspects = [(e, h) for e, h in zip(entries, have) if e.pos == "n" and h is None]
    genders = [g for g in ("m", "f", "mf") for _ in suspects]
    found = tools.generate(
        [
            _lexical(e.target.split()[0], f"{g}.sg", "n")
            for g in ("m", "f", "mf")
            for e, _ in suspects
        ]
    )
    for i, (entry, _) in enumerate(suspects):
        known = [genders[j] for j in range(i, len(found), len(suspects)) if found[j] is not None]
        if known and " " not in entry.target:
            raise LocbriefError(
                f"{entry.target!r} is {'/'.join(known)} in the pair's dictionary, not "
                f"{entry.gender or 'm'}; write {known[0]}",
                str(entry.path),
                entry.line,
            )


def _whole(entry: Entry) -> str:
    """The entry's translation as one lexical unit for the generator (a verb's words in its queue)."""
    head, *rest = entry.target.split()
    tags = _tags(".".join(t for t in (entry.pos, _target_base(entry)) if t))
    if entry.pos == "vblex":
        return f"{head}{tags}" + (f"# {' '.join(rest)}" if rest else "")
    return f"{entry.target}{tags}"


def _lexical(lemma: str, tags: str, pos: str = "") -> str:
    tags = ".".join(t for t in (pos, tags) if t)
    return lemma.replace(" ", "<b/>") + "".join(f"<{t}>" for t in tags.split(".") if t)


def _english_forms(entry: Entry) -> list[tuple[str, str]]:
    """(surface, analysis) pairs of the English word; multiwords inflect their head."""
    words = entry.english.split()
    head = 0 if entry.pos == "vblex" or "of" in words[1:] else len(words) - 1
    pos = entry.pos

    def form(surface_head: str, tags: str) -> tuple[str, str]:
        surface = " ".join(surface_head if i == head else w for i, w in enumerate(words))
        if pos == "vblex" and len(words) > 1:
            queue = " ".join(words[1:])
            return surface, f"{words[0]}#{queue}{_tags(pos + '.' + tags)}"
        return surface, f"{entry.english}{_tags(pos + ('.' + tags if tags else ''))}"

    word = words[head]
    if pos == "n":
        return [form(word, "sg"), form(entry.options.get("pl") or _english_plural(word), "pl")]
    if pos == "np":
        gender = f".{_name_gender(entry)}" if _kind(entry) == "ant" else ""
        return [
            (
                entry.english,
                f"{entry.english}{_tags(f'np.{_kind(entry)}{gender}.{_number(entry)}')}",
            )
        ]
    if pos == "vblex":
        return [
            form(word, "inf"),
            form(word, "pres"),
            form(entry.options.get("pri") or _english_plural(word), "pri.p3.sg"),
            form(entry.options.get("past") or _english_past(word), "past"),
            form(entry.options.get("pp") or entry.options.get("past") or _english_past(word), "pp"),
            form(entry.options.get("ger") or _english_gerund(word), "ger"),
        ]
    return [form(word, "")]


def _tags(tags: str) -> str:
    return "".join(f"<{t}>" for t in tags.split(".") if t)


def _english_plural(word: str) -> str:
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"


def _english_past(word: str) -> str:
    if word.endswith("e"):
        return word + "d"
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ied"
    return word + "ed"


def _english_gerund(word: str) -> str:
    if word.endswith("ie"):
        return word[:-2] + "ying"
    if re.search(r"[^aeioy]e$", word):
        return word[:-1] + "ing"
    return word + "ing"


def _bilingual(entry: Entry, tools: _Tools) -> tuple[str, str]:
    """(English analysis, translation analysis) of the entry's lemma."""
    english, target = entry.english.split(), entry.target.split()
    if entry.pos == "vblex" and (len(english) > 1 or len(target) > 1):
        left = (
            f"{english[0]}#{' '.join(english[1:])}<vblex>"
            if len(english) > 1
            else f"{english[0]}<vblex>"
        )
        right = (
            f"{target[0]}#{' '.join(target[1:])}<vblex>"
            if len(target) > 1
            else f"{target[0]}<vblex>"
        )
        return left, right
    left = f"{entry.english}<{entry.pos}>"
    if entry.pos == "np":
        kind, gender = _kind(entry), _name_gender(entry)
        if kind == "ant":  # the English analysis has the gender already
            return f"{entry.english}<np><ant><{gender}>", f"{entry.target}<np><ant><{gender}>"
        return f"{entry.english}<np><{kind}>", f"{entry.target}<np><{kind}><{gender}>"
    if entry.pos == "n":
        return left, f"{entry.target}<n><{entry.gender or 'm'}>"
    if entry.pos == "adj":
        return left, f"{entry.target}<adj>" + ("" if _variable_adjective(entry) else "<mf>")
    return left, f"{entry.target}<{entry.pos}>"


def _variable_adjective(entry: Entry) -> bool:
    return "tf" in entry.options or entry.target.split()[0].endswith("o")


def _target_forms(
    entry: Entry, tools: _Tools, model: tuple[str, list[str | None]] | None
) -> list[tuple[str, str]]:
    """(surface, analysis) pairs of the translation for the generator; multiwords inflect their head."""
    words = entry.target.split()
    rest = " ".join(words[1:])
    if entry.pos == "vblex":
        if model is None:
            raise LocbriefError(
                f"no known verb to inflect {words[0]!r} like; add like=VERB (a verb the engine knows)",
                str(entry.path),
                entry.line,
            )
        lemma, forms = model
        stem = _stem(lemma, words[0])
        pairs = []
        for tags, surface in zip(_VERB_TAGS, forms):
            if surface is None:
                continue
            head = surface if lemma == words[0] else stem[1] + surface[len(stem[0]) :]
            pairs.append(
                (
                    " ".join([head, rest]).strip(),
                    f"{words[0]}{_tags('vblex.' + tags)}" + (f"#{rest}" if rest else ""),
                )
            )
        return pairs
    if entry.pos == "n":
        gender = entry.gender or "m"
        plural = entry.options.get("tpl") or " ".join([_plural(words[0], tools.target), *words[1:]])
        return [
            (entry.target, f"{entry.target}<n><{gender}><sg>"),
            (plural, f"{entry.target}<n><{gender}><pl>"),
        ]
    if entry.pos == "adj":
        lemma, head = entry.target, words[0]
        tail = "".join(" " + w for w in words[1:])
        plural = entry.options.get("tpl")
        if _variable_adjective(entry):
            feminine = entry.options.get("tf") or head[:-1] + "a" + tail
            return [
                (lemma, f"{lemma}<adj><m><sg>"),
                (plural or _plural(head, tools.target) + tail, f"{lemma}<adj><m><pl>"),
                (feminine, f"{lemma}<adj><f><sg>"),
                (_plural(feminine.split()[0], tools.target) + tail, f"{lemma}<adj><f><pl>"),
            ]
        return [
            (lemma, f"{lemma}<adj><mf><sg>"),
            (plural or _plural(head, tools.target) + tail, f"{lemma}<adj><mf><pl>"),
        ]
    if entry.pos == "np":
        tags = f"np.{_kind(entry)}"
        return [
            (entry.target, f"{entry.target}{_tags(t)}")
            for t in (
                f"{tags}.{_name_gender(entry)}.{_number(entry)}",
                f"{tags}.{_name_gender(entry)}.sp",
                f"{tags}.{_number(entry)}",
            )
        ]
    return [(entry.target, f"{entry.target}<{entry.pos}>")]


def _kind(entry: Entry) -> str:
    return entry.options.get("kind", "loc")


def _place_kind(entry: Entry, target: str) -> None:
    """``loc`` or ``top``, as the pair tags places (a shared name may say either)."""
    if entry.pos == "np" and _kind(entry) in ("loc", "top"):
        entry.options["kind"] = PLACE_TAG.get(target, "loc")


def _name_gender(entry: Entry) -> str:
    """A name's gender as the pairs tag it: a surname is either (``mf``), other names ``m``."""
    return entry.gender or ("mf" if _kind(entry) == "cog" else "m")


def _number(entry: Entry) -> str:
    return entry.options.get("number", "sg")


_UNACCENT = str.maketrans("àáèéíòóú", "aaeeioou")


def _plural(word: str, language: str) -> str:
    """The regular plural of a Spanish or Catalan noun or adjective."""
    if language == "cat":
        if word.endswith("a"):
            for ending, plural in (
                ("qua", "qües"),
                ("ca", "ques"),
                ("ga", "gues"),
                ("ja", "ges"),
                ("ça", "ces"),
            ):
                if word.endswith(ending):
                    return word[: -len(ending)] + plural
            return word[:-1] + "es"
        if re.search(r"[àèéíòóú]$", word):
            return word[:-1] + word[-1].translate(_UNACCENT) + "ns"
        if re.search(r"(s|ç|x|sc|st|xt|ig)$", word):
            return word + "os"
        return word + "s"
    if re.search(r"[aeiouáéó]$", word):
        return word + "s"
    if word.endswith("z"):
        return word[:-1] + "ces"
    if re.search(r"[áéíóú][ns]$", word):
        return word[:-2] + word[-2].translate(_UNACCENT) + word[-1] + "es"
    if re.search(r"[aeiou][^aeiou]*[aeiou]s$", word) or word.endswith("x"):
        return word  # unstressed -s: la crisis, las crisis
    return word + "es"


def _stem(model: str, lemma: str) -> tuple[str, str]:
    """(model's stem, lemma's stem): what is left before their shared ending."""
    shared = 0
    while shared < min(len(model), len(lemma)) and model[-1 - shared] == lemma[-1 - shared]:
        shared += 1
    return model[: len(model) - shared], lemma[: len(lemma) - shared]


def _verb_models(
    entries: list[Entry], tools: _Tools, have: list[str | None]
) -> dict[int, tuple[str, list[str | None]]]:
    """For each verb the generator needs, the known verb it inflects like, with that verb's forms."""
    wanted: dict[int, str] = {}
    for entry, generated in zip(entries, have):
        if entry.pos != "vblex":
            continue
        head = entry.target.split()[0]
        if generated is not None:
            wanted[entry.line] = head  # a known verb with words after it: its own forms
        elif "like" in entry.options:
            wanted[entry.line] = entry.options["like"]
        else:
            candidates = MODEL_VERBS.get(tools.target, ())
            best = max(candidates, key=lambda m: len(m) - len(_stem(m, head)[0]), default=None)
            if best and len(best) - len(_stem(best, head)[0]) >= 2:
                wanted[entry.line] = best
    lemmas = sorted(set(wanted.values()))
    units = [_lexical(lemma, tags, "vblex") for lemma in lemmas for tags in _VERB_TAGS]
    forms = tools.generate(units)
    by_lemma = {
        lemma: forms[i * len(_VERB_TAGS) : (i + 1) * len(_VERB_TAGS)]
        for i, lemma in enumerate(lemmas)
    }
    return {
        line: (lemma, by_lemma[lemma])
        for line, lemma in wanted.items()
        if by_lemma[lemma] and by_lemma[lemma][0] is not None
    }


def _dix(entries: list[tuple[str, str]], section: str = "locbrief") -> str:
    """A dictionary with one section of ``(left, right)`` entries (``lemma<tag>…#queue`` syntax)."""
    symbols = sorted({t for pair in entries for side in pair for t in re.findall(r"<(\w+)>", side)})
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<dictionary>",
        "<alphabet/>",
        "<sdefs>" + "".join(f'<sdef n="{s}"/>' for s in symbols) + "</sdefs>",
        f'<section id="{section}" type="standard">',
    ]
    for left, right in dict.fromkeys(entries):
        lines.append(f"<e><p><l>{_side(left)}</l><r>{_side(right)}</r></p></e>")
    lines.append("</section>\n</dictionary>\n")
    return "\n".join(lines)


def _side(text: str) -> str:
    """``lemma<tag>…#queue`` as dix markup: blanks ``<b/>``, tags ``<s/>``, the queue in ``<g>``.

    The queue stays where it is written: after the lemma in the analyser and the
    bilingual dictionary ("wage# war<vblex>"), after the tags in a generator.
    """
    out = []
    for tag, queue, word in re.findall(r"<(\w+)>|#([^<+]*)|(\+|[^<#+]+)", text):
        if tag:
            out.append(f'<s n="{tag}"/>')
        elif word == "+":
            out.append("<j/>")
        elif queue:
            out.append("<g><b/>" + escape(queue.strip()).replace(" ", "<b/>") + "</g>")
        else:
            out.append(escape(word).replace(" ", "<b/>"))
    return "".join(out)
