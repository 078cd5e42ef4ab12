"""Sense choices and words the engine learns from reviews: Apertium rules and dictionary entries.

Exact string edits rarely repeat, but a word choice does: where Apertium's
bilingual dictionary offers an English word several translations ("border":
borde, frontera) and reviewers write one the draft did not use, the engine
itself should choose it. For every reviewed unit of every brief (learn.py's
``reviewed_pairs``) the English is run through the pair's analyser, tagger and
bilingual dictionary (with the project's hand-written words, not the learned
ones), which list each word's options; the draft and the reviewed Spanish are
analysed with the pair's Spanish analyser, so choices match on lemmas
("fronteras" is frontera).

Reviewers also write words the dictionary does not offer ("stem" → frenar where
it offers derivar; a word it did not know at all, left in English in the draft).
The draft and the reviewed text are aligned word by word (difflib); a draft word
the reviewer replaced by one word, that translates exactly one English word of
the unit (its lemma among that word's options, or the unknown word itself), next
to a content word both texts share, is a *learned word*:
``locales/apertium/<pair>.learned.tsv`` (the vocabulary format, its evidence in
a comment above each line) adds it to the dictionary and a rule selects it. A
line the reviewer marks ``#veto`` stays in the file and out of the engine.

A choice or word is *seen* in a unit whose reviewed text uses it where the draft
did not; it is *contradicted* by a unit with the English word whose reviewed text
does not use it (another option, another word, another phrasing). One seen in at
least :data:`MIN_SEEN` units and never contradicted is kept, unless a
hand-written rule (``locales/apertium/<pair>.lrx``) already chooses for that word
(the hand rule wins), the termbase requires another translation, or the pair
cannot compile it (each dropped with a note). The kept ones are written to
``locales/apertium/<pair>.learned.lrx`` (same format as the hand rules), which
apertium_vocab compiles after the hand rules.
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from locbrief.model import LocbriefError
from locbrief.translate.termbase import Termbase

#: Reviewed units a choice must be seen in (never contradicted): a word choice seen once already
#: helps the rest of the brief (bench/learning.py; with 2, half the seed brief taught one choice).
MIN_SEEN = 1
#: Parts of speech whose choices are learned (content words, as the pair tags them).
POS = ("n", "vblex", "adj", "adv")
#: Parts of speech of a word the engine did not know that a learned word may have (a verb's
#: English lemma cannot be told from one of its forms).
UNKNOWN_POS = ("n", "adj", "adv")
_LU = re.compile(r"\^([^$]*)\$")
#: Words and single punctuation marks: what drafts and reviews are aligned on (as learn.py).
_TOKEN = re.compile(r"\w+(?:[’'-]\w+)*|[^\w\s]")
#: How a reviewer vetoes a learned word: the line, commented out with this mark.
VETO = "#veto"


@dataclass
class Choice:
    """A learned sense choice: ``english`` (tagged ``pos``) is translated ``chosen``."""

    english: str
    pos: str
    chosen: str
    seen: set[str] = field(default_factory=set)  # msgids whose review taught it
    contradicted: set[str] = field(default_factory=set)  # msgids whose review used another option
    replaced: set[str] = field(default_factory=set)  # what the drafts had used
    gender: str = ""  # a new word's gender (nouns), as the reviewed text has it
    new: bool = False  # a translation the dictionary did not offer: a learned word

    @property
    def name(self) -> str:
        return f"{self.english} ({self.pos}) → {self.chosen}" + (" (new word)" if self.new else "")

    def evidence(self) -> str:
        instead = f" instead of {', '.join(sorted(self.replaced))}" if self.replaced else ""
        return f"seen in {len(self.seen)} reviewed units{instead}"

    def row(self) -> str:
        """The word as a line of the vocabulary (``<pair>.tsv`` format)."""
        return "\t".join(c for c in (self.english, self.pos, self.chosen, self.gender) if c)


@dataclass
class LearnedSenses:
    kept: list[Choice]
    dropped: list[tuple[Choice, str]]
    #: the learned files' new texts (``<pair>.learned.lrx``, ``<pair>.learned.tsv``) by path
    texts: dict[Path, str] = field(default_factory=dict)


def learn_engine(
    pairs: list[tuple[str, str, str]],
    lang: str,
    folder: Path,
    build: Path,
    termbase: Termbase | None = None,
    min_seen: int = MIN_SEEN,
) -> LearnedSenses:
    """What the reviews teach the Apertium pair of ``lang`` whose vocabulary is in ``folder``.

    Choices and words are learned against the pair with the hand-written
    vocabulary, checked by compiling them (``build``), and returned with the
    texts of the learned files (a reviewer's vetoes kept), for the caller to write.
    """
    from locbrief.translate.engines.apertium import MODES_DIR

    pair = pair_for(lang)
    stock = MODES_DIR / f"{pair}.mode"
    words_path = learned_words_path(pair, folder)
    vetoes, vetoed = read_vetoes(words_path)
    mode = hand_mode(folder, pair, stock, build)
    found = learn_senses(pairs, stock, folder / f"{pair}.lrx", termbase, min_seen, mode, vetoed)
    kept, refused = _compiled(found.kept, pair, lang, folder, stock, build, vetoes)
    texts = {
        learned_lrx_path(pair, folder): rules_text(kept, pair, lang),
        words_path: words_text(kept, pair, lang, vetoes),
    }
    return LearnedSenses(kept, [*found.dropped, *refused], texts)


def pair_for(lang: str) -> str:
    """The Apertium pair (eng-spa) that drafts English into ``lang``."""
    from locbrief.translate.engines import language_code
    from locbrief.translate.engines.apertium import CODES

    code = language_code(lang)
    return f"eng-{CODES.get(code, code)}"


def learned_lrx_path(pair: str, folder: Path = Path("locales/apertium")) -> Path:
    """Where a pair's learned choices live: beside the hand rules, so the workflow's inputs cover it."""
    return folder / f"{pair}.learned.lrx"


def learned_words_path(pair: str, folder: Path = Path("locales/apertium")) -> Path:
    """Where a pair's learned words live: beside the hand-written ones (``<pair>.tsv``)."""
    return folder / f"{pair}.learned.tsv"


def learn_senses(
    pairs: list[tuple[str, str, str]],
    stock_mode: Path,
    hand_rules: Path | None = None,
    termbase: Termbase | None = None,
    min_seen: int = MIN_SEEN,
    mode: Path | None = None,
    vetoed: frozenset[tuple[str, str, str]] = frozenset(),
) -> LearnedSenses:
    """Choices and words from (msgid, draft, reviewed) triples; kept and dropped with the reason.

    ``mode``: the mode whose dictionary offers the options (the pair with the
    project's hand-written words, not the learned ones); the stock mode by default.
    ``vetoed``: (English, part of speech, translation) of the words a reviewer vetoed.
    """
    if not pairs:
        return LearnedSenses([], [])
    options = _options([p[0] for p in pairs], (mode or stock_mode).read_text())
    analysed = _analyses([t for p in pairs for t in p[1:]], _analyser(stock_mode.read_text()))
    choices: dict[tuple[str, str, str], Choice] = {}
    used: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    def see(msgid: str, found: Choice, instead) -> None:
        choice = choices.setdefault((found.english, found.pos, found.chosen), found)
        choice.seen.add(msgid)
        choice.replaced.update(instead)
        used[found.english, found.pos][found.chosen].add(msgid)

    mentioned: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(dict)
    for index, (msgid, _draft, _reviewed) in enumerate(pairs):
        draft, reviewed = analysed[2 * index], analysed[2 * index + 1]
        in_draft, in_reviewed = _lemma_set(draft), _lemma_set(reviewed)
        for english, pos, offered in options[index]:
            for key in _keys(english, pos):
                mentioned[key][msgid] = in_reviewed
            picked = [o for o in offered if o in in_reviewed]
            if len(picked) != 1:
                continue
            used[(english, pos)][picked[0]].add(msgid)
            if len(offered) > 1 and picked[0] not in in_draft:
                drafted = [o for o in offered if o in in_draft]
                see(msgid, Choice(english, pos, picked[0]), drafted)
        for word, instead in _replaced_words(draft, reviewed, options[index]):
            see(msgid, word, instead)
    hand = _hand_words(hand_rules)
    kept, dropped = [], []
    for key, choice in sorted(choices.items()):
        for other, msgids in used[key[:2]].items():
            if other != choice.chosen:
                choice.contradicted |= msgids - choice.seen
        # a reviewed unit with the word that does not use the choice translated it otherwise
        for msgid, lemmas in mentioned[key[:2]].items():
            if choice.chosen not in lemmas and msgid not in choice.seen:
                choice.contradicted.add(msgid)
        reason = _refusal(choice, hand, termbase, min_seen)
        if key in vetoed:
            reason = "vetoed by a reviewer"
        (dropped.append((choice, reason)) if reason else kept.append(choice))
    return LearnedSenses(kept, dropped)


def _keys(english: str, pos: str) -> list[tuple[str, str]]:
    """The (lemma, part of speech) a word of the English may be learned as: an unknown word
    any of the kinds :func:`_word` gives it."""
    if pos:
        return [(english, pos)]
    return [
        (lemma, kind) for lemma in {english, _english_singular(english)} for kind in UNKNOWN_POS
    ]


def _replaced_words(draft, reviewed, words):
    """(learned word, the draft's lemmas it replaced) where the reviewer replaced a draft word.

    Only a replacement of one draft word by one word (a small word beside it
    allowed: "parar" → "detener a") counts, where the draft word translates
    exactly one English word of the unit (one of its options, or the English word
    itself when the engine did not know it) and the reviewed word is no other
    English word's option nor elsewhere in the draft (a word moved, not chosen).
    The reviewed word's analysis gives its lemma and gender.
    """
    offered_anywhere = {o for _, _, offered in words for o in offered}
    in_draft = _lemma_set(draft)
    a, b = [t.casefold() for t, _ in draft], [t.casefold() for t, _ in reviewed]
    opcodes = difflib.SequenceMatcher(None, a, b, False).get_opcodes()
    for k, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op != "replace" or i2 - i1 != 1 or j2 - j1 > 2 or not _anchored(a, opcodes, k):
            continue
        token, analyses = draft[i1]
        lemmas = {lemma for lemma, _ in analyses}
        sources = [w for w in words if (set(w[2]) & lemmas if w[2] else w[0] == token.casefold())]
        chosen = _content_word(reviewed, j1, j2)
        if len(sources) != 1 or chosen is None or (reviewed[chosen][0][:1].isupper() and chosen):
            continue  # no single word on either side, or a name
        english, pos, offered = sources[0]
        word = _word(english, pos, offered, reviewed[chosen][1])
        if word and word.chosen not in offered_anywhere | in_draft:
            yield word, lemmas & set(offered) or {token.casefold()}


#: Parts of speech of the small words a reviewer adds beside a word ("detener a", "la fecha").
SMALL_WORDS = ("pr", "det", "cnjcoo", "cnjsub", "prn", "rel")


def _content_word(words, start: int, end: int) -> int | None:
    """The index of the one word of ``words[start:end]`` that is not a small word, if one."""
    found = [
        i
        for i in range(start, end)
        if not words[i][1] or any(tags[0] not in SMALL_WORDS for _, tags in words[i][1] if tags)
    ]
    return found[0] if len(found) == 1 else None


def _anchored(words: list[str], opcodes, k: int) -> bool:
    """Whether a content word both texts share stands within two words of replacement ``k``.

    Small words and punctuation match anywhere: between them alone, the
    alignment may pair words that translate different things.
    """
    shared = []
    if k > 0 and opcodes[k - 1][0] == "equal":
        shared += words[max(opcodes[k - 1][1], opcodes[k - 1][2] - 2) : opcodes[k - 1][2]]
    if k + 1 < len(opcodes) and opcodes[k + 1][0] == "equal":
        shared += words[opcodes[k + 1][1] : min(opcodes[k + 1][2], opcodes[k + 1][1] + 2)]
    return any(len(w) > 3 and w.isalpha() for w in shared)


def _word(english: str, pos: str, offered: list[str], analyses) -> Choice | None:
    """The learned word a reviewed word's analyses give, if the vocabulary can state it.

    A word that may be two kinds of content word ("cerca": near, or a form of
    cercar) says nothing sure: none.
    """
    if len({tags[0] for _, tags in analyses if tags and tags[0] in POS}) > 1:
        return None
    wanted = (pos,) if pos else UNKNOWN_POS
    for lemma, tags in analyses:
        if not tags or tags[0] not in wanted:
            continue
        if not offered and tags[0] == "n" and "pl" in tags:  # an unknown word: its English lemma
            english = _english_singular(english)
        gender = next((t for t in tags if t in ("m", "f", "mf")), "")
        if tags[0] == "n" and not gender:
            return None
        if tags[0] == "adj" and gender != "mf" and not lemma.endswith("o"):
            return None  # a variable adjective the vocabulary would write as invariable
        return Choice(english, tags[0], lemma, gender=gender if tags[0] == "n" else "", new=True)
    return None


def _english_singular(word: str) -> str:
    """The singular of a regular English plural (the unknown word's lemma)."""
    if word.endswith("ies"):
        return word[:-3] + "y"
    if re.search(r"(s|x|z|ch|sh)es$", word):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _refusal(choice: Choice, hand: set[str], termbase: Termbase | None, min_seen: int) -> str:
    if len(choice.seen) < min_seen:
        return f"seen in {len(choice.seen)} reviewed unit(s), fewer than {min_seen}"
    if choice.contradicted:
        return f"contradicted in {len(choice.contradicted)} reviewed unit(s)"
    if choice.english.casefold() in hand:
        return "a hand-written rule chooses for this word"
    for term in termbase.terms if termbase else ():
        same = term.source.casefold() == choice.english.casefold()
        if same and term.target and choice.chosen.casefold() not in term.target.casefold():
            return f"the termbase requires {term.target!r} (line {term.line})"
    return ""


def rules_text(choices: list[Choice], pair: str, lang: str) -> str:
    """The learned .lrx: one rule per choice, its evidence in a comment."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<!-- Sense choices learned from the reviewed translations (locbrief learn, for {lang});",
        f"     rewritten by it. Hand-written rules ({pair}.lrx) win over these. -->",
        "<rules>",
    ]
    for c in choices:
        lines.append(f"  <!-- {escape(c.evidence()).replace('--', '- -')} -->")
        lines.append(
            f"  <rule><match lemma={quoteattr(c.english)} tags={quoteattr(c.pos + '.*')}>"
            f"<select lemma={quoteattr(c.chosen)}/></match></rule>"
        )
    return "\n".join([*lines, "</rules>", ""])


def words_text(choices: list[Choice], pair: str, lang: str, vetoed: list[str] = ()) -> str:
    """The learned words (vocabulary format), each under its evidence; vetoed lines kept as they are."""
    lines = [
        f"# Words learned from the reviewed translations (locbrief learn, for {lang}); rewritten",
        f"# by it and compiled after {pair}.tsv. To veto a word, put {VETO} before its line.",
    ]
    for c in choices:
        if c.new:
            example = " ".join(min(c.seen).split())
            example = example if len(example) <= 70 else example[:69] + "…"
            lines += [f"# {c.evidence()}; e.g. {example}", c.row()]
    return "\n".join([*lines, *vetoed, ""])


def read_vetoes(path: Path) -> tuple[list[str], frozenset[tuple[str, str, str]]]:
    """The vetoed lines of a learned words file, and the (English, POS, translation) they veto."""
    if not path.is_file():
        return [], frozenset()
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith(VETO)
    ]
    cells = [[c.strip() for c in line[len(VETO) :].split("\t")] for line in lines]
    return lines, frozenset(tuple(c[:3]) for c in cells if len(c) >= 3)


def hand_mode(folder: Path, pair: str, stock_mode: Path, build: Path) -> Path:
    """The pair's mode with the project's hand-written words only: what reviews are compared with."""
    from locbrief.translate.engines.apertium_vocab import compiled_mode, vocabulary

    vocab = vocabulary(folder, pair, stock_mode, with_learned=False)
    if vocab is None:
        return stock_mode
    data, name = compiled_mode(vocab, stock_mode, build)
    return data / "modes" / f"{name}.mode"


def _compiled(
    choices: list[Choice],
    pair: str,
    lang: str,
    folder: Path,
    stock_mode: Path,
    build: Path,
    vetoes: list[str] = (),
) -> tuple[list[Choice], list[tuple[Choice, str]]]:
    """The choices the engine compiles with the project's vocabulary, and those it refuses, why.

    Built as the next run will build them (the same digest: the build is reused);
    a learned word the pair cannot inflect is left out, never a failed run.
    """
    from locbrief.translate.engines.apertium_vocab import compiled_mode, vocabulary

    kept, refused = list(choices), []
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp)
        for name in (f"{pair}.tsv", f"{pair}.lrx"):
            if (folder / name).is_file():
                shutil.copy(folder / name, trial / name)
        while True:
            texts = {
                learned_words_path(pair, trial): words_text(kept, pair, lang, vetoes),
                learned_lrx_path(pair, trial): rules_text(kept, pair, lang),
            }
            for path, text in texts.items():
                path.write_text(text, encoding="utf-8")
            try:
                compiled_mode(vocabulary(trial, pair, stock_mode), stock_mode, build)
                return kept, refused
            except LocbriefError as error:
                text = texts.get(Path(error.path or ""), "")
                blamed = _blamed(kept, text, error.line)
                if blamed is None:
                    raise
                kept.remove(blamed)
                refused.append((blamed, f"the engine cannot use it: {error.message}"))


def _blamed(choices: list[Choice], text: str, line: int | None) -> Choice | None:
    """The choice written on ``line`` of a learned file's ``text``."""
    lines = text.splitlines()
    if not line or line > len(lines):
        return None
    found = lines[line - 1]
    for c in choices:
        rule = f"lemma={quoteattr(c.english)}" in found and f"lemma={quoteattr(c.chosen)}" in found
        if found == c.row() or rule:
            return c
    return None


def _hand_words(path: Path | None) -> set[str]:
    """English lemmas a hand-written rule selects a translation for."""
    if path is None or not path.is_file():
        return set()
    text = path.read_text(encoding="utf-8")
    return {m.casefold() for m in re.findall(r'<match\s+lemma="([^"]+)"[^>]*>\s*<select', text)}


def _run(command: str, text: str) -> str:
    done = subprocess.run(
        ["bash", "-c", command], input=text, capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise LocbriefError(f"Apertium failed while learning sense choices: {last}")
    return done.stdout


def _batch(texts: list[str]) -> str:
    """Texts one to a paragraph (Apertium keeps blank lines), markup characters escaped."""
    clean = [re.sub(r"[\^$@\\/<>\[\]{}]", " ", " ".join(t.split())) for t in texts]
    return (
        "\n\n".join(c if c.strip() else "." for c in clean) + "\n"
    )  # an empty text keeps its place


def _paragraphs(output: str, count: int) -> list[str]:
    parts = re.split(r"\n\s*\n", output.strip("\n"))
    if len(parts) != count:
        raise LocbriefError(f"Apertium returned {len(parts)} paragraphs for {count} texts")
    return parts


def _options(texts: list[str], mode: str) -> list[list[tuple[str, str, list[str]]]]:
    """Per text, its content words: (English lemma, part of speech, the translations offered).

    A word the pair does not know is (the word, "", []).
    """
    biltrans = mode.split("| lrx-proc", 1)[0].replace("$2", "").replace("$1", "")
    out = []
    for paragraph in _paragraphs(_run(biltrans, _batch(texts)), len(texts)):
        words = []
        for unit in _LU.findall(paragraph):
            source, *offered = unit.split("/")
            if source.startswith("*"):  # a word the pair does not know: no options
                words.append((source[1:].casefold(), "", []))
                continue
            pos = re.findall(r"<(\w+)>", source)[:1]
            lemmas = [o.split("<")[0].split("#")[0].strip().lower() for o in offered]
            lemmas = list(dict.fromkeys(lemmas))
            if pos and pos[0] in POS and lemmas and all(lemmas):
                words.append((source.split("<")[0].lower(), pos[0], lemmas))
        out.append(words)
    return out


def _analyser(mode: str) -> Path:
    """The target language's analyser: the reverse pair's (spa-eng.automorf.bin)."""
    first = re.search(r"'([^']*/)([a-z]+)-([a-z]+)\.automorf\.bin'", mode)
    if not first:
        raise LocbriefError("cannot find the pair's analyser in its mode")
    folder, source, target = first.groups()
    path = Path(f"{folder}{target}-{source}.automorf.bin")
    if not path.is_file():
        raise LocbriefError(f"the pair has no analyser for {target} ({path} is missing)")
    return path


def _analyses(
    texts: list[str], analyser: Path
) -> list[list[tuple[str, list[tuple[str, list[str]]]]]]:
    """Per text, its words (``_TOKEN``), each with its analyses: (lemma in lower case, tags)."""
    tokens = [_TOKEN.findall(t) for t in texts]
    sent = [re.sub(r"[\^$@\\/<>\[\]{}*#]", ".", w) for words in tokens for w in words]
    lines = _run(f"lt-proc '{analyser}'", "".join(w + "\n" for w in sent)).split("\n")
    if len(lines) < len(sent):
        raise LocbriefError(f"Apertium analysed {len(lines)} words of {len(sent)}")
    found = iter(lines)
    return [[(w, _readings(next(found))) for w in words] for words in tokens]


def _readings(line: str) -> list[tuple[str, list[str]]]:
    """The analyses of one analysed word: (lemma, tags); none for a word the analyser lacks."""
    units = _LU.findall(line)
    readings = units[0].split("/")[1:] if units else []
    return [(r.split("<")[0].lower(), re.findall(r"<(\w+)>", r)) for r in readings if r[:1] != "*"]


def _lemma_set(words) -> set[str]:
    """Every lemma any word of an analysed text may have."""
    return {lemma for _, readings in words for lemma, _ in readings}
