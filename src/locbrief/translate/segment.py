"""Document → units: sentences with ``{n}`` placeholders and numbered inline tags.

A block's inline content is *encoded* into one string (note markers become
``{0}``, ``{1}`` local to the unit; inline markup becomes ``<em1>…</em1>``,
``<br2/>``; literal braces are doubled, as Python's brace format wants), then
split into sentences. In endnotes only prose sentences are split: a cited
title's own "?" and a link's "?" or "." never end a unit. :func:`decode` is the inverse, used when a translation
is put back into the page: only tags and placeholders of the *source* unit
are recognised, so a translator's text never becomes markup.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from locbrief.markup import VOID_TAGS, is_verbatim, tex_math_pieces
from locbrief.model import (
    Block,
    Document,
    Inline,
    NoteRef,
    Placeholder,
    Span,
    Unit,
    inline_from_json,
    inline_to_json,
    plain_text,
)
from locbrief.translate.protect import EMAIL, TAG, URL

#: Abbreviations that end with a period but do not end a sentence when more follows.
NON_FINAL_ABBREVIATIONS = (
    "Sen.",
    "Rep.",
    "Gen.",
    "Lt.",
    "Col.",
    "Maj.",
    "Capt.",
    "Sgt.",
    "Adm.",
    "Gov.",
    "Pres.",
    "Dr.",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Prof.",
    "St.",
    "Jr.",
    "Sr.",
    "No.",
    "Nos.",
    "Vol.",
    "Vols.",
    "v.",
    "vs.",
    "pp.",
    "p.",
    "ch.",
    "ed.",
    "eds.",
    "Ibid.",
    "cf.",
    "e.g.",
    "i.e.",
    "Jan.",
    "Feb.",
    "Mar.",
    "Apr.",
    "Aug.",
    "Sept.",
    "Sep.",
    "Oct.",
    "Nov.",
    "Dec.",
    "Inc.",
    "Corp.",
    "Co.",
    "Ltd.",
    "approx.",
    "ca.",
    "Fig.",
    "Art.",
    "Sec.",
)
#: Words that start a new sentence after an abbreviation that can also end one ("U.S.").
SENTENCE_STARTERS = frozenset(
    [
        "A",
        "An",
        "And",
        "As",
        "At",
        "But",
        "By",
        "During",
        "Even",
        "For",
        "From",
        "He",
        "Her",
        "His",
        "However",
        "If",
        "In",
        "Instead",
        "It",
        "Its",
        "Many",
        "Meanwhile",
        "Most",
        "Moreover",
        "Nor",
        "Now",
        "On",
        "Once",
        "Other",
        "Our",
        "She",
        "Since",
        "So",
        "Some",
        "Still",
        "Such",
        "That",
        "The",
        "Their",
        "Then",
        "There",
        "These",
        "They",
        "This",
        "Those",
        "Thus",
        "To",
        "Under",
        "Unlike",
        "Until",
        "We",
        "What",
        "When",
        "Where",
        "While",
        "Who",
        "Why",
        "With",
        "Within",
        "Yet",
        "Although",
        "After",
        "Before",
        "Because",
        "Both",
        "Each",
        "Given",
        "Over",
        "Despite",
        "Unfortunately",
    ]
)
#: Titles and citation abbreviations that never end a sentence, whatever follows.
_NEVER_FINAL = re.compile(
    r"(?<![\w.])(?:Sen|Rep|Gen|Lt|Col|Maj|Capt|Sgt|Adm|Gov|Pres|Dr|Mr|Mrs|Ms|Prof|St"
    r"|Vol|Vols|No|Nos|v|vs|eds?|trans|pp?|ch|cf|Fig|Art|Sec)\.$"
)
_LINK = re.compile(f"{URL}|{EMAIL}")
_INITIALISM = re.compile(r"(?:\b[A-Z]\.){2,}$")  # U.S.  D.C.  J.D.
_ET_AL = re.compile(r"\bet al\.$")
_TAG = re.compile(r"<(/?)([a-z]+)(\d+)(/?)>")
_TOKEN = re.compile(r"\{\d+\}|<\/?[a-z]+\d+\/?>")
#: Source text shaped like one of our tags: kept as a literal placeholder, never as markup.
_LITERAL_TAG = re.compile(f"({TAG})")
#: A placeholder, or a doubled brace (literal text, skipped as a whole: "{{0}}" is no placeholder).
_PLACEHOLDER_OR_BRACES = re.compile(r"\{\{|\}\}|\{(\d+)\}")


#: Placeholder kind of inline text shown as in the source (its value: the span as JSON).
VERBATIM = "verbatim"


def verbatim_value(span: Span) -> str:
    """A verbatim span as a placeholder value: the span itself, as compact JSON."""
    return json.dumps(inline_to_json(span), ensure_ascii=False, separators=(",", ":"))


def verbatim_text(placeholder: Placeholder) -> str:
    """What a verbatim placeholder shows (for translator comments and review)."""
    return plain_text([inline_from_json(json.loads(placeholder.value))])


@dataclass
class _Encoded:
    text: str
    placeholders: list[Placeholder]
    tags: list[tuple[str, tuple[tuple[str, str], ...]]]


# ---------------------------------------------------------------- encode


def encode(content: list[Inline]) -> _Encoded:
    """Inline content → one msgid-style string with placeholders and numbered tags.

    Note markers are numbered per unit from 0; literal braces are doubled, so
    only the placeholders are format fields; source text shaped like one of our
    tags (``<b2>``, an HTML source's escaped ``&lt;a1&gt;``) becomes a placeholder
    of kind ``literal``, so it is put back as text and never read as markup:

    >>> encoded = encode(["Read ", Span("em", {}, ["this"]), " {now}", NoteRef(12)])
    >>> encoded.text
    'Read <em1>this</em1> {{now}}{0}'
    >>> encoded.placeholders
    [Placeholder(kind='note', value='12')]
    >>> encode(["a <b2>x</b2> {0}"]).text
    'a {0}x{1} {{0}}'
    """
    enc = _Encoded("", [], [])
    enc.text = "".join(_encode_items(content, enc))
    return enc


def _encode_items(items: list[Inline], enc: _Encoded):
    for item in items:
        if isinstance(item, str):
            for literal, piece in _literal_pieces(item):
                if literal:
                    enc.placeholders.append(Placeholder("literal", piece))
                    yield "{%d}" % (len(enc.placeholders) - 1)
                else:
                    yield piece.replace("{", "{{").replace("}", "}}")
        elif isinstance(item, NoteRef):
            enc.placeholders.append(Placeholder("note", str(item.number)))
            yield "{%d}" % (len(enc.placeholders) - 1)
        elif is_verbatim(item.tag, item.attrs):
            # code, kbd, translate="no": a placeholder, so its text never reaches a translator's
            # msgid nor an engine, and its braces stay single
            enc.placeholders.append(Placeholder(VERBATIM, verbatim_value(item)))
            yield "{%d}" % (len(enc.placeholders) - 1)
        else:
            enc.tags.append((item.tag, tuple(sorted(item.attrs.items()))))
            name = f"{item.tag}{len(enc.tags)}"
            if not item.children and item.tag in VOID_TAGS:
                yield f"<{name}/>"
            else:
                yield f"<{name}>"
                yield from _encode_items(item.children, enc)
                yield f"</{name}>"


def _literal_pieces(text: str):
    """(literal, piece) pairs: text shaped like our tags, and TeX math (MathJax's ``\\( … \\)``
    in a page's text), are literals, shown as written and never sent to an engine.

    >>> encode([r"If \\(a \\to b\\) then <b2>"]).text
    'If {0} then {1}'
    """
    for math, piece in tex_math_pieces(text):
        if math:
            yield True, piece
            continue
        for index, part in enumerate(_LITERAL_TAG.split(piece)):
            if part or index % 2:
                yield bool(index % 2), part


# ---------------------------------------------------------------- split


def split_sentences(text: str, endnote: bool = False) -> list[str]:
    """Split encoded text into sentences, never inside a tag pair, markers kept with their sentence.

    ``endnote``: the text is a citation, where a cited title's own ``?`` or
    ``!`` does not end the sentence ("…a year?” Washington Post, 2019").

    Titles, initialisms and the dots and ``?`` of a link end nothing; a note
    marker after the full stop stays with its sentence:

    >>> split_sentences("Sen. Warren spoke.{0} The U.S. Congress must act. See https://x.org/a?b.c now.")
    ['Sen. Warren spoke.{0}', 'The U.S. Congress must act.', 'See https://x.org/a?b.c now.']
    >>> split_sentences("Smith, “Who pays?” Washington Post, 2019. Accessed May 1.", endnote=True)
    ['Smith, “Who pays?” Washington Post, 2019.', 'Accessed May 1.']
    """
    clean, offsets = _strip_tokens(text)
    cuts = [offsets[c] for c in _sentence_ends(clean, endnote)]
    cuts = [_after_trailing_tokens(text, c) for c in cuts]
    cuts = [c for c in cuts if 0 < c < len(text) and not _inside_tag_pair(text, c)]
    pieces, start = [], 0
    for cut in sorted(set(cuts)):
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]


def _strip_tokens(text: str) -> tuple[str, list[int]]:
    """Text the segmenter sees, and for each of its offsets the offset in ``text``.

    Placeholders and tags are removed; URLs and e-mail addresses are kept but
    their letters turned to ``x``, so a ``?`` or ``.`` inside a link
    ("…/dl?inline", "u.s._v_salazar") never looks like a sentence end.
    """
    clean, offsets, pos = [], [], 0
    for m in _TOKEN.finditer(text):
        for i in range(pos, m.start()):
            clean.append(text[i])
            offsets.append(i)
        pos = m.end()
    for i in range(pos, len(text)):
        clean.append(text[i])
        offsets.append(i)
    offsets.append(len(text))
    return _blank_links("".join(clean)), offsets


def _blank_links(clean: str) -> str:
    return _LINK.sub(lambda m: "x" * len(m.group(0)), clean)


def _sentence_ends(clean: str, endnote: bool = False) -> list[int]:
    """Offsets in ``clean`` where a sentence ends: the segmenter's, less the brief's exceptions."""
    spans = _segmenter_spans(clean)
    ends, start = [], 0
    for i, (_s, e) in enumerate(spans):
        if i + 1 < len(spans) and _joins_next(clean[start:e], clean[e : spans[i + 1][1]], endnote):
            continue
        ends.append(e)
        start = e
    ends = ends[:-1]  # the last "end" is the end of text
    return sorted(ends + _splits_after_initialisms(clean, ends))


def _segmenter_spans(clean: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence the segmenter finds, located in ``clean``.

    sentencex (Wikimedia's rule-based segmenter, maintained, a compiled
    extension) rather than pysbd: on the first brief, with the rules below, both
    give the same 385 units, but sentencex alone already splits "…into the U.S.
    But …" and keeps "Afghanistan,’” Special …" whole, and ``segment()`` of the
    whole brief takes about 26 ms with it against 420 ms with pysbd — which
    matters because every ``suggest``/``catalog``/``check`` run segments again.
    """
    import sentencex

    spans, pos = [], 0
    for sentence in sentencex.segment("en", clean):
        sentence = sentence.strip()
        start = clean.find(sentence, pos) if sentence else -1
        if start < 0:  # the segmenter changed the text; keep the block whole
            return [(0, len(clean))]
        spans.append((start, start + len(sentence)))
        pos = start + len(sentence)
    return spans or [(0, len(clean))]


def _joins_next(current: str, following: str, endnote: bool = False) -> bool:
    """True when the segmenter split where the brief's sentence goes on.

    After titles and citation abbreviations ("Sen. Graham", "eds. Eric
    Olson", "Vol. I"), after initialisms not followed by a sentence starter
    ("U.S. military", "J.D. Vance", "D.C.: Wilson Center"), after middle
    initials, after a comma closing a quotation, and in endnotes after a cited
    title's own ``?``/``!`` ("…a year?” Washington Post, …").
    """
    cur, nxt = current.rstrip(), following.lstrip()
    if not nxt:
        return True
    first = nxt.split()[0].strip("“\"‘'(") if nxt.split() else ""
    if _NEVER_FINAL.search(cur):
        return True
    if cur.endswith(NON_FINAL_ABBREVIATIONS) and not nxt[0].isupper():
        return True
    if _ET_AL.search(cur) and first.rstrip(",") not in SENTENCE_STARTERS:
        return True
    if _INITIALISM.search(cur):
        return first not in SENTENCE_STARTERS
    if re.search(r"\b[A-Z]\.$", cur) and len(cur) > 2:  # middle initial: "John W. Nicholson"
        return True
    if re.search(r",[”’\"']+$", cur):  # “…Afghanistan,’” Special Inspector …
        return True
    # a cited title's own question mark
    return bool(endnote and re.search(r"[?!][”’\"']+$", cur))


def _splits_after_initialisms(clean: str, ends: list[int]) -> list[int]:
    """Sentence ends the segmenter missed: "… into the U.S. But making …"."""
    extra = []
    for m in re.finditer(r"(?:\b[A-Z]\.){2,}(\s+)([A-Z][a-z]+)", clean):
        cut = m.start(1) + len(m.group(1))
        if m.group(2) in SENTENCE_STARTERS and cut not in ends and m.start(1) not in ends:
            extra.append(cut)
    return extra


def _after_trailing_tokens(text: str, cut: int) -> int:
    """Move a cut past note markers and closing tags glued to the sentence end ("2024.{0}")."""
    while True:
        m = re.match(r"\{\d+\}|</[a-z]+\d+>|[”’\")\]]", text[cut:])
        if not m:
            return cut
        cut += m.end()


def _inside_tag_pair(text: str, cut: int) -> bool:
    """True if ``cut`` falls between an opening tag and its closing tag."""
    depth = 0
    for m in _TAG.finditer(text[:cut]):
        if m.group(4):
            continue
        depth += -1 if m.group(1) else 1
    return depth > 0


# ---------------------------------------------------------------- units


def segment_block(block: Block) -> list[Unit]:
    """The units of one block, placeholders renumbered from {0} in each sentence."""
    enc = encode(block.content)
    units = []
    for index, sentence in enumerate(split_sentences(enc.text, endnote=block.kind == "endnote")):
        msgid, placeholders, tags = _localize_numbers(sentence, enc)
        units.append(
            Unit(
                msgid=msgid,
                block=block.id,
                kind=block.kind,
                index=index,
                placeholders=placeholders,
                tags=tags,
                line=block.line,
            )
        )
    return units


def _localize_numbers(sentence: str, enc: _Encoded):
    """Renumber a sentence's placeholders and tags from 0/1 so the msgid is local to it."""
    placeholders, tags = [], []

    def placeholder(m):
        if m.group(1) is None:
            return m.group(0)
        placeholders.append(enc.placeholders[int(m.group(1))])
        return "{%d}" % (len(placeholders) - 1)

    tag_numbers: dict[int, int] = {}

    def tag(m):
        closing, name, number, empty = m.group(1), m.group(2), int(m.group(3)), m.group(4)
        if number not in tag_numbers:
            tags.append(enc.tags[number - 1])
            tag_numbers[number] = len(tags)
        return f"<{closing}{name}{tag_numbers[number]}{empty}>"

    text = _PLACEHOLDER_OR_BRACES.sub(placeholder, sentence)
    text = _TAG.sub(tag, text)
    return text, tuple(placeholders), tuple(tags)


def segment(doc: Document) -> list[Unit]:
    """All translatable units of a document, in document order."""
    return [u for block in doc.blocks if _translatable(block, doc) for u in segment_block(block)]


def _translatable(block: Block, doc: Document) -> bool:
    """Dates that are data are rendered by Babel from ``doc.meta``, not translated."""
    return block.translate and not (block.kind == "date" and doc.meta.get("date"))


# ---------------------------------------------------------------- decode


class DecodeError(ValueError):
    """A translation whose placeholders or tags do not fit its source unit."""


def check_translation(unit: Unit, text: str) -> list[str]:
    """Problems that stop ``text`` from being put back for ``unit`` (empty list: fine)."""
    try:
        decode(unit, text)
    except DecodeError as exc:
        return [str(exc)]
    return []


def decode(unit: Unit, text: str) -> list[Inline]:
    """A translation → inline content, using only the source unit's notes and tags.

    Every placeholder of the unit must appear exactly once and tags must pair
    up; anything tag-like the unit does not have raises :class:`DecodeError`.
    """
    stack: list[tuple[int, Span]] = []
    root: list[Inline] = []
    seen: list[int] = []
    pos = 0
    for m in re.finditer(r"\{\{|\}\}|\{(\d+)\}|<(/?)([a-z]+)(\d+)(/?)>|[{}]", text):
        _append_text(stack, root, text[pos : m.start()])
        pos = m.end()
        token = m.group(0)
        if token in ("{{", "}}"):
            _append_text(stack, root, token[0])
        elif m.group(1) is not None:
            seen.append(_placeholder_index(unit, int(m.group(1))))
            _append(stack, root, _placeholder_inline(unit.placeholders[int(m.group(1))]))
        elif m.group(3):
            _apply_tag(unit, stack, root, m)
        else:
            typo = re.match(r"\{[^{}\s]{1,12}\}", text[m.start() :]) if token == "{" else None
            if typo:
                raise DecodeError(
                    f"{typo.group(0)} is not a placeholder of the source sentence "
                    f"(those are {_placeholder_list(unit)})"
                )
            raise DecodeError(f"unpaired brace {token!r}: write {token * 2} for a literal brace")
    _append_text(stack, root, text[pos:])
    if stack:
        raise DecodeError(f"tag <{stack[-1][1].tag}{stack[-1][0]}> is not closed")
    missing = sorted(set(range(len(unit.placeholders))) - set(seen))
    if missing:
        raise DecodeError("missing placeholder " + ", ".join("{%d}" % i for i in missing))
    if len(seen) != len(set(seen)):
        raise DecodeError(
            "placeholder repeated: "
            + ", ".join(sorted({"{%d}" % i for i in seen if seen.count(i) > 1}))
        )
    return root


def _placeholder_list(unit: Unit) -> str:
    return ", ".join("{%d}" % i for i in range(len(unit.placeholders))) or "none"


def _placeholder_index(unit: Unit, index: int) -> int:
    if index >= len(unit.placeholders):
        raise DecodeError("{%d} is not in the source sentence" % index)
    return index


def _placeholder_inline(placeholder: Placeholder) -> Inline:
    if placeholder.kind == "note":
        return NoteRef(int(placeholder.value))
    if placeholder.kind == VERBATIM:
        return inline_from_json(json.loads(placeholder.value))
    return placeholder.value


def _apply_tag(unit: Unit, stack: list[tuple[int, Span]], root: list[Inline], m: re.Match) -> None:
    closing, name, number, empty = m.group(2), m.group(3), int(m.group(4)), m.group(5)
    if number < 1 or number > len(unit.tags) or unit.tags[number - 1][0] != name:
        raise DecodeError(f"tag <{name}{number}> is not in the source sentence")
    tag, attrs = unit.tags[number - 1]
    if empty:
        _append(stack, root, Span(tag, dict(attrs), []))
    elif not closing:
        span = Span(tag, dict(attrs), [])
        _append(stack, root, span)
        stack.append((number, span))
    elif not stack or stack[-1][0] != number:
        raise DecodeError(f"closing tag </{name}{number}> does not match")
    else:
        stack.pop()


def _append(stack: list[tuple[int, Span]], root: list[Inline], item: Inline) -> None:
    (stack[-1][1].children if stack else root).append(item)


def _append_text(stack: list[tuple[int, Span]], root: list[Inline], text: str) -> None:
    if not text:
        return
    target = stack[-1][1].children if stack else root
    if target and isinstance(target[-1], str):
        target[-1] += text
    else:
        target.append(text)


def join_sentences(parts: list[list[Inline]], separator: str = " ") -> list[Inline]:
    """Sentences of one block → the block's inline content."""
    out: list[Inline] = []
    for i, part in enumerate(parts):
        if i:
            out.append(separator)
        out.extend(part)
    merged: list[Inline] = []
    for item in out:
        if isinstance(item, str) and merged and isinstance(merged[-1], str):
            merged[-1] += item
        else:
            merged.append(item)
    return merged
