"""Swap what must not change for tokens an engine passes through, then put it back.

Protected: note placeholders ``{n}``, inline tags, URLs, e-mail addresses,
numbers, quantities with a scale or currency (written for the target by
:mod:`locbrief.translate.quantity`), quoted titles of cited works (in endnotes)
and termbase terms.
After translation every token must come back exactly once; a token that was
dropped, duplicated or mangled is reported as a problem, so the unit goes to
the PO fuzzy with a QA note instead of shipping broken.

Termbase names reach the engine as a *stand-in*: a place name the engine
knows as a proper noun and passes through unchanged, of the gender and number
the name takes in the target language (the termbase's grammar column). The
engine then places and inflects it like any name: "the Trump administration"
goes in as "the Chicago administration", comes out "la administración de
Chicago" and is restored to "la administración de Trump"; an opaque token gave
"El ZX0QZ la administración". Which stand-ins an engine passes through is
asked once per engine model (:func:`locbrief.translate.suggest.usable_stand_ins`);
without any, names become tokens like the rest.

Termbase terms the engine already renders as the termbase wants ("cartels" →
"cárteles") are left in the text and checked instead.

A quote in an endnote is a cited title only where a citation puts one (after
the author's comma, before the venue); a quoted finding ("Price concludes that
“decapitated groups have…”") is prose and is translated. A term in quotes
travels with its quotes (Apertium moved bare quotes around a stand-in), and an
English gloss whose translation is the phrase it glosses ("“abrazos, no
balazos”—“hugs, not bullets”—" in Spanish) is left out: the target says it once.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # 'segment' and 'page' want this module's patterns, not Babel (quantity)
    from locbrief.translate.termbase import Termbase

URL = r"(?:https?://|www\.)[^\s<>“”\"{}]*[^\s<>“”\"{}.,;:!?)\]’]"
EMAIL = r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # starts a run: linear on a 2 MB word
PLACEHOLDER = r"\{\d+\}"
TAG = r"</?[a-z]+\d+/?>"
#: A figure, or a range of figures as one ("350–370": two tokens made Apertium add an article).
NUMBER = (
    r"(?<![\w.])\d+(?:[,.]\d+)*[–-]\d+(?:[,.]\d+)*(?![\w-])"
    r"|(?<![\w.])[$€£]?\d[\d,.]*\d(?:\s?%)?(?![\w])|(?<![\w.$])\d(?![\w,.]\d)"
)
QUOTED_TITLE = r"[“\"][^”\"]{3,}[”\"]"
#: Identifiers in running text, never words to translate (each alternative a named rule):
#: ``*args``/``**kwargs``, command-line flags ("--char-limit"), keyword arguments
#: ("enable=True"), dotted names ("radiomics.shape", "os.path.join()"; a first part of two
#: letters or more, so "e.g." and "i.e." stay words; each later part lower-case, so a capture's
#: "said.The" stays words) and snake_case ("batch_size").
STARRED_NAME = r"(?<![\w*])\*{1,2}[a-z_]\w*"
#: The value after "=" never takes the sentence's closing punctuation ("--install-layout=deb.").
_VALUE = r"=[^\s,;)\]]*[^\s,;)\].:!?'\"”’]"
CLI_FLAG = rf"(?<![\w-])--[a-z][\w-]*(?:{_VALUE})?"
KEYWORD_ARGUMENT = rf"(?<![\w.])[A-Za-z_]\w*{_VALUE}"
DOTTED_NAME = r"(?<![\w.])[a-z_][a-z0-9_]+(?:\.[a-z_]\w*)+(?:\(\))?"
SNAKE_CASE = r"(?<![\w.])(?:__[A-Za-z]\w*__|_*[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+_*)(?:\(\))?"
IDENTIFIER = "|".join([STARRED_NAME, CLI_FLAG, KEYWORD_ARGUMENT, DOTTED_NAME, SNAKE_CASE])
#: Words after a quote that make it a quoted statement, not a cited title ("…,” he said).
_SAID = re.compile(
    r"\s*(?:he |she |they |it |the \w+ )?(?:said|says|found|finds|concluded|concludes|wrote|writes|"
    r"argued|argues|noted|notes|added|adds|stated|states|warned|warns|explained|explains)\b"
)
#: Quote marks a term may stand in, opening → closing.
_QUOTES = {"“": "”", '"': '"', "‘": "’"}
#: What stands between a phrase and its gloss, opening → closing: "X—“gloss”—", "X (“gloss”)".
_GLOSS_BRACKETS = {"—": "—", " – ": " – ", " (": ")", ", ": ","}
#: A token as an engine gives it back, sometimes with a space inside (match ignoring case).
MANGLED_TOKEN = r"ZX\s?\d+\s?QZ"
#: Stand-in proper nouns by gender.number in Romance target languages: place names
#: Apertium's eng-spa dictionary tags ``<np><loc>`` and translates to themselves, with
#: the gender Spanish gives them ("el Chicago", "la Florida", "las Bahamas"); each was
#: checked with ``apertium eng-spa`` on "The X is beautiful." (tests/test_draft.py
#: checks it again). Vowel-initial names are left out: French and Catalan elide
#: before them ("d'Ohio"), which a restored name would not survive.
STAND_INS: dict[str, tuple[str, ...]] = {
    "m": (
        "Chicago", "Boston", "Denver", "Toronto", "Toledo", "Paraguay", "Kansas",
        "Vermont", "Colorado", "Nepal", "Kosovo", "Congo", "Togo", "Burundi",
        "Zimbabwe", "Malawi", "Palermo", "Dakar",
    ),
    "f": (
        "Florida", "California", "Nevada", "Lima", "Caracas", "Nicaragua", "Bolivia",
        "Venezuela", "Ghana", "Malta", "Miami", "Zambia", "Namibia", "Somalia",
        "Segovia", "Murcia", "Galicia", "Cantabria",
    ),
    "m.pl": ("Morelos",),
    "f.pl": ("Bahamas", "Carolinas", "Seychelles"),
}  # fmt: skip
#: Definite articles a termbase target may start with (es, pt, fr, ca), which may contract
#: with the word before it ("de el" → "del", "de o" → "do").
ARTICLES = frozenset({"el", "la", "los", "las", "o", "a", "os", "as", "le", "les", "els"})
_PROTECTED = re.compile(
    "|".join(
        f"(?P<{name}>{pattern})"
        for name, pattern in [
            ("token", f"(?i:{MANGLED_TOKEN})"),  # a source's own "ZX0QZ" must not pass for one
            ("placeholder", PLACEHOLDER),
            ("tag", TAG),
            ("url", URL),
            ("email", EMAIL),
            ("number", NUMBER),
        ]
    )
)


@dataclass(frozen=True)
class Protected:
    """One item taken out of the text: its token and what goes back in its place."""

    token: str
    restore: str
    kind: str  # placeholder, tag, url, email, identifier, number, quantity, title, term
    original: str
    pad: tuple[bool, bool] = (False, False)  # spaces added before/after the token
    stand_in: bool = False  # the token is a proper noun the engine may inflect around


@dataclass(frozen=True)
class Masked:
    text: str
    items: tuple[Protected, ...]
    #: (source, target) of terms left to the engine; the target must be in its output
    checked_terms: tuple[tuple[str, str], ...] = ()
    #: figures left to the engine as figures; each must be in its output
    checked_figures: tuple[str, ...] = ()


def mask(
    msgid: str,
    termbase: Termbase,
    make_token,
    quoted_titles: bool = False,
    engine_terms: frozenset[str] = frozenset(),
    stand_ins: Mapping[str, Sequence[str]] | None = None,
    lang: str | None = None,
    keep_figures: bool = False,
) -> Masked:
    """``msgid`` with protected items swapped for ``make_token(i)`` tokens.

    ``engine_terms``: sources of terms the engine translates right by itself
    (see :func:`locbrief.translate.suggest.terms_engine_knows`); they stay as words.
    ``stand_ins``: proper nouns by grammar (see :data:`STAND_INS`) that the
    engine passes through; termbase names become one of these instead of a token.
    ``lang``: the target, for which quantities are written (:mod:`~locbrief.translate.quantity`).
    ``keep_figures``: the engine gives figures back as they are; they stay figures, checked after.

    A do-not-translate name, a URL and the note marker glued after it become
    three tokens; the marker is padded so the engine sees a word of its own:

    >>> from locbrief.translate.termbase import Term, Termbase
    >>> names = Termbase([Term("Trump", None, exact_case=True)])
    >>> masked = mask("Trump cited https://x.org/a.{0}", names, lambda i: f"ZX{i}QZ")
    >>> masked.text
    'ZX0QZ cited ZX1QZ. ZX2QZ'
    >>> [(item.kind, item.original) for item in masked.items]
    [('term', 'Trump'), ('url', 'https://x.org/a'), ('placeholder', '{0}')]

    A quantity is one item, written for the target; the engine sees what it counts:

    >>> masked = mask("It has 130 million people and $13 billion.", names, lambda i: f"ZX{i}QZ", lang="es_MX")
    >>> masked.text, [item.restore for item in masked.items]
    ('It has ZX0QZ of people and ZX1QZ.', ['130 millones', '13 mil millones de dólares'])
    """
    from locbrief.translate.quantity import spell_out_decades

    text = spell_out_decades(termbase.expand_coordinated(msgid), lang)
    spans = _without_glosses(
        text, _protected_spans(text, termbase, quoted_titles, engine_terms, lang)
    )
    figures = tuple(text[s.start : s.end] for s in spans if s.kind == "number" and keep_figures)
    spans = [s for s in spans if not (s.kind == "number" and keep_figures)]
    free = _free_stand_ins(text, stand_ins or {})
    items, out, pos = [], [], 0
    for span in spans:
        out.append(text[pos : span.start])
        pos = span.end
        if span.kind == "gloss":
            out.append(span.restore)
            continue
        name = _take_stand_in(free, span.grammar) if span.kind == "term" else None
        token = name or make_token(len(items))
        pad = _padding(text, span.start, span.end, span.kind)
        out.append(" " * pad[0] + token + span.engine_suffix + " " * pad[1])
        original = text[span.start : span.end]
        items.append(Protected(token, span.restore, span.kind, original, pad, name is not None))
    out.append(text[pos:])
    taken = [(s.start, s.end) for s in spans]
    checked = tuple(
        dict.fromkeys(
            (m.text, m.term.render(m.text))
            for m in termbase.find(text)
            if m.term.source in engine_terms and _free(taken, m.start, m.end)
        )
    )
    return Masked("".join(out), tuple(items), checked, figures)


def _free_stand_ins(msgid: str, stand_ins: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Stand-ins not already in the text, so restoring one never replaces a real word."""
    words = {w.casefold() for w in re.findall(r"\w+", msgid)}
    return {g: [n for n in names if n.casefold() not in words] for g, names in stand_ins.items()}


def _take_stand_in(free: dict[str, list[str]], grammar: str) -> str | None:
    """A stand-in of ``grammar``; else one of the same gender (the number may then not agree)."""
    gender = grammar.split(".")[0]
    for key in (grammar, gender, f"{gender}.pl"):
        if free.get(key):
            return free[key].pop(0)
    return None


def enforced_terms(msgid: str, termbase: Termbase, quoted_titles: bool = False):
    """Term occurrences a translation must honour: those not inside a URL, e-mail or cited title.

    Coordinated names count as spelled out ("the Sinaloa and Jalisco New Generation Cartels").

    >>> from locbrief.translate.termbase import Term, Termbase
    >>> names = Termbase([Term("Trump", None, exact_case=True)])
    >>> [m.start for m in enforced_terms("Trump’s “Trump Doctrine” https://trump.org", names, True)]
    [0]
    """
    msgid = termbase.expand_coordinated(msgid)
    shields = [m.span() for m in re.finditer(f"{URL}|{EMAIL}", msgid)]
    if quoted_titles:
        shields += cited_title_spans(msgid)
    return [
        m for m in termbase.find(msgid) if not any(a <= m.start and m.end <= b for a, b in shields)
    ]


def cited_title_spans(text: str) -> list[tuple[int, int]]:
    """The quotes of an endnote that are titles of cited works; the others are prose.

    A quote is a quoted statement or finding, and translated, when it starts
    with a lower-case word, follows a lower-case word of the sentence directly
    ("concludes that “…”"; "in" and "see" introduce titles) or is followed by
    "said", "found"…; anything else stands where a citation puts a title:

    >>> note = "Price concludes that “Groups die.” Smith, “Why Wars End,” Science."
    >>> [note[a:b] for a, b in cited_title_spans(note)]
    ['“Why Wars End,”']
    """
    spans = []
    for m in re.finditer(QUOTED_TITLE, text):
        word_before = re.search(r"([\w’']+)\s*$", text[: m.start()])
        prose_before = word_before and word_before.group(1).islower()
        prose_before = prose_before and word_before.group(1) not in ("in", "see")
        lower = m.group(0)[1:2].islower()
        if not (prose_before or lower or _SAID.match(text, m.end())):
            spans.append(m.span())
    return spans


class _Span(NamedTuple):
    start: int
    end: int
    kind: str
    restore: str
    grammar: str = ""
    engine_suffix: str = ""  # words the engine sees after the token (" of" after a quantity)


def _protected_spans(
    msgid: str,
    termbase: Termbase,
    quoted_titles: bool,
    engine_terms: frozenset[str],
    lang: str | None = None,
) -> list[_Span]:
    """Non-overlapping spans, left to right; earlier kinds win."""
    from locbrief.translate.quantity import quantities

    spans = [_Span(m.start(), m.end(), m.lastgroup, m.group(0)) for m in _PROTECTED.finditer(msgid)]
    spans += _identifier_spans(msgid)
    spans += [
        _Span(q.start, q.end, "quantity", q.rendered, "", " of" if q.counts_a_noun else "")
        for q in quantities(msgid, lang)
    ]
    if quoted_titles:
        spans += [_Span(a, b, "title", msgid[a:b]) for a, b in cited_title_spans(msgid)]
    spans += [
        _quoted(msgid, _Span(m.start, m.end, "term", m.term.render(m.text), m.term.grammar))
        for m in termbase.find(msgid)
        if m.term.source not in engine_terms
    ]
    chosen, taken = [], []
    for span in sorted(spans, key=lambda s: (_priority(s.kind), s.start)):
        if _free(taken, span.start, span.end):
            chosen.append(span)
            bisect.insort(taken, (span.start, span.end))
    return sorted(chosen)


def _identifier_spans(msgid: str) -> list[_Span]:
    """Identifiers (:data:`IDENTIFIER`) as protected spans: the engine never sees them.

    >>> [s[3] for s in _identifier_spans("Call f(*args, **kwargs) with --char-limit and enable=True")]
    ['*args', '**kwargs', '--char-limit', 'enable=True']
    >>> [s[3] for s in _identifier_spans("The radiomics.shape module, e.g. max_chars.")]
    ['radiomics.shape', 'max_chars']
    """
    return [
        _Span(m.start(), m.end(), "identifier", m.group(0)) for m in re.finditer(IDENTIFIER, msgid)
    ]


def _free(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps none of ``taken`` (sorted, disjoint): a binary search,
    so a one-paragraph brief of 2 MB costs n log n, not n² (issue 25)."""
    i = bisect.bisect_right(taken, (start, math.inf))
    return (i == 0 or taken[i - 1][1] <= start) and (i == len(taken) or taken[i][0] >= end)


def _quoted(text: str, span: _Span) -> _Span:
    """A term that fills a quote takes the quote marks with it (“abrazos, no balazos”)."""
    opening = text[span.start - 1 : span.start] if span.start else ""
    closing = _QUOTES.get(opening)
    if closing and text[span.end : span.end + 1] == closing:
        restore = opening + span.restore + closing
        return span._replace(start=span.start - 1, end=span.end + 1, restore=restore)
    return span


def _without_glosses(text: str, spans: list[_Span]) -> list[_Span]:
    """A term right after a name or phrase whose target is that same phrase is a gloss for
    English readers ("“abrazos, no balazos”—“hugs, not bullets”—"): it is cut, with its
    dashes or brackets, so the target says the phrase once."""
    out: list[_Span] = []
    for span in spans:
        prev = out[-1] if out else None
        between = text[prev.end : span.start] if prev else ""
        if (
            prev is not None
            and span.kind == "term"
            and prev.kind == "term"
            and between in _GLOSS_BRACKETS
            and _bare(span.restore) == _bare(prev.restore)
        ):
            closing = _GLOSS_BRACKETS[between]
            end = span.end + len(closing) if text.startswith(closing, span.end) else span.end
            gap = " " if text[end : end + 1].isalnum() else ""
            out.append(_Span(prev.end, end, "gloss", gap))
            continue
        out.append(span)
    return out


def _bare(phrase: str) -> str:
    return phrase.strip('“”"‘’ ').casefold()


def _priority(kind: str) -> int:
    order = ["token", "placeholder", "tag", "url", "email", "identifier", "title", "quantity"]
    return (order + ["term", "number"]).index(kind)


def _padding(text: str, start: int, end: int, kind: str) -> tuple[bool, bool]:
    """Spaces to add around a token so the engine sees it as a word of its own.

    Glued tokens ("way.ZX0QZ") make Apertium merge lines and lose the token;
    tags get a space on their inner side, and on the outer side when a word is
    glued to them ("CO<sub1>2</sub1>").
    """
    before, after = text[start - 1 : start], text[end : end + 1]
    if kind == "tag":
        opening = not text[start:end].startswith("</") and not text[start:end].endswith("/>")
        return (
            bool(before) and not before.isspace() and (not opening or before.isalnum()),
            bool(after) and not after.isspace() and (opening or after.isalnum()),
        )
    glued_before = bool(before) and (before.isalnum() or before in ".!?;:,”’\"')]")
    glued_after = bool(after) and after.isalnum()
    return glued_before, glued_after


def unmask(text: str, masked: Masked) -> tuple[str, list[str]]:
    """Engine output → translation with protected items restored, plus problems found.

    >>> from locbrief.translate.termbase import Term, Termbase
    >>> names = Termbase([Term("Trump", None, exact_case=True)])
    >>> masked = mask("Trump cited https://x.org/a.{0}", names, lambda i: f"ZX{i}QZ")
    >>> unmask("ZX0QZ citó ZX1QZ. ZX2QZ", masked)
    ('Trump citó https://x.org/a.{0}', [])

    What an engine did to a token is a problem to report, never silently shipped; a token it
    mangled is put back where it stands, one it dropped at the sentence's end goes back there:

    >>> unmask("ZX0QZ citó ZX1QZ ZX1QZ. ZX 2QZ", masked)
    ('Trump citó https://x.org/a .{0}', ["engine repeated url 'https://x.org/a'", "put back placeholder '{0}' (the engine mangled it: 'ZX 2QZ')"])
    >>> unmask("ZX0QZ citó.", masked)
    ('Trump citó https://x.org/a.{0}', ["put back url 'https://x.org/a' at the end (the engine dropped it)", "put back placeholder '{0}' at the end (the engine dropped it)"])

    One dropped inside the sentence cannot be placed: it stays a problem (:data:`DROPPED`),
    and the caller keeps a draft that has it:

    >>> unmask("citó ZX1QZ. ZX2QZ", masked)[1]
    ["engine dropped term 'Trump'"]
    """
    problems, held, dropped = [], [], []
    for item in masked.items:
        pattern = re.compile(_token_pattern(item), 0 if item.stand_in else re.IGNORECASE)
        found = pattern.findall(text)
        if not found:
            text, mangled = _unmangled(text, item, held)
            if mangled:
                problems.append(
                    f"{PUT_BACK} {item.kind} {item.original!r} (the engine mangled it: "
                    f"{mangled.strip()!r})"
                )
            else:
                dropped.append(item)
            continue
        if len(found) > 1:
            problems.append(f"engine repeated {item.kind} {item.original!r}")
        text = pattern.sub(lambda m, item=item: _hold(held, _restored(item, m)), text, count=1)
        text = pattern.sub("", text)
    leftovers = re.findall(MANGLED_TOKEN, text, re.IGNORECASE)
    if leftovers:
        problems.append("engine added tokens, removed: " + ", ".join(leftovers))
        text = re.sub(rf" ?{MANGLED_TOKEN}", "", text, flags=re.IGNORECASE)
    text, placed = _put_back(text, masked, dropped, held)
    problems += [
        f"{PUT_BACK} {item.kind} {item.original!r} at the end (the engine dropped it)"
        for item in placed
    ]
    problems += [f"{DROPPED} {i.kind} {i.original!r}" for i in dropped if i not in placed]
    text = _HELD.sub(lambda m: held[int(m.group(1))], text)
    problems += [
        f"term {source!r} should be {target!r}"
        for source, target in masked.checked_terms
        if target.casefold() not in text.casefold()
    ]
    problems += [f"engine dropped number {f!r}" for f in masked.checked_figures if f not in text]
    return text, problems


#: A restored item held apart until every token is found: a source's own "ZX0QZ", put back,
#: must not pass for a token of a later item or for a mangled one (private-use characters).
_HELD = re.compile("\ue000(\\d+)\ue001")


def _hold(held: list[str], restored: str) -> str:
    held.append(restored)
    return f"\ue000{len(held) - 1}\ue001"


#: How a problem names a protected item the engine lost and that could not be put back.
DROPPED = "engine dropped"
#: How a problem names one the engine lost or mangled and that went back in its place.
PUT_BACK = "put back"
#: What may go back at the end of a sentence when the engine dropped it there.
PUT_BACK_KINDS = frozenset({"url", "email", "placeholder", "term", "identifier"})


def lost_token(problems: Sequence[str]) -> bool:
    """Whether a draft lost a protected item (a link, a note marker, a name) for good."""
    return any(p.startswith(DROPPED) for p in problems)


def _unmangled(text: str, item: Protected, held: list[str]) -> tuple[str, str]:
    """``text`` with the item's token put back where the engine wrote it mangled ("ZX 2QZ",
    "zx2qz"), and what the engine wrote; ``("", "")`` changes nothing."""
    number = re.fullmatch(r"ZX(\d+)QZ", item.token)
    if item.stand_in or number is None:
        return text, ""
    pad = (" ?" if item.pad[0] else "", " ?" if item.pad[1] else "")
    found = re.search(rf"{pad[0]}ZX\s?{number.group(1)}\s?QZ(?!\w){pad[1]}", text, re.IGNORECASE)
    if found is None:
        return text, ""
    restored = _hold(held, item.restore)
    return text[: found.start()] + restored + text[found.end() :], found.group(0)


def _put_back(
    text: str, masked: Masked, dropped: list[Protected], held: list[str]
) -> tuple[str, list[Protected]]:
    """Dropped links, addresses, note markers, names and identifiers that stood at the end of
    the source sentence (nothing after them but punctuation and other such items: an endnote's
    link, a note marker) go back at the end, before the closing punctuation when the source had
    it after them; the others (a number, a date's day, anything inside) cannot be placed."""
    movable = [i for i in masked.items if i.kind in PUT_BACK_KINDS]
    tokens = "|".join(re.escape(i.token) for i in movable) or "(?!)"
    placed = []
    for item in dropped:
        at = masked.text.find(item.token)
        after = re.sub(tokens, "", masked.text[at + len(item.token) :])
        if item not in movable or at < 0 or re.search(r"\w", after):
            continue
        glue, restored = ("" if item.pad[0] else " "), _hold(held, item.restore)
        end = re.search(r"[.!?;:…]*[”’\"»)\]]*\s*$", text)
        if after.strip() and end.group(0).strip():
            text = text[: end.start()].rstrip() + glue + restored + text[end.start() :]
        else:
            text = text.rstrip() + glue + restored
        placed.append(item)
    return text, placed


def _restored(item: Protected, match: re.Match) -> str:
    """What goes back for a token: a term that now opens a sentence gets a capital
    ("el presidente Donald Trump" → "El presidente Donald Trump dijo")."""
    restore = item.restore
    if item.stand_in and match.string[match.start() - 1 : match.start()].isalpha():
        restore = " " + restore  # glued to the word before it by the engine
    if item.kind == "term" and restore[:1].islower():
        before = match.string[: match.start()]
        if re.fullmatch(r"[\s\"“‘¿¡(]*", before) or re.search(r"[.!?]\s+$", before):
            return restore[:1].upper() + restore[1:]
    return restore


def article_free(restore: str) -> str:
    """A restored term without its leading lower-case article word ("el presidente X" →
    "presidente X"): what the variety layer must not touch, so "de el" may become "del"."""
    head, _, rest = restore.partition(" ")
    return rest if rest and head in ARTICLES else restore


def _token_pattern(item: Protected) -> str:
    """Match the token, absorbing the spaces :func:`_padding` added around it.

    A stand-in matches only as a word of its own ("Congo" not in "Congost"),
    though Apertium sometimes glues a lower-case word to it ("dominadoenChicago").
    """
    token = re.escape(item.token)
    if item.stand_in:
        token = rf"(?<![A-Z0-9_]){token}(?!\w)"
    return (" ?" if item.pad[0] else "") + token + (" ?" if item.pad[1] else "")
