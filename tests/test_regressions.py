"""Problems that trials of locbrief found, one row each, so none of them comes back unnoticed.

Each row names the problem, the input that showed it, what went wrong then
(and the commit that fixed it), and what is expected now; ``run`` is the stage
the row goes through, called as the pipeline calls it. Rows with Apertium use
the real engine (``make test`` installs it). Add a row when a trial finds a
new problem and its fix lands.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from locbrief.cli import build_parser
from locbrief.config import check_config
from locbrief.files import fs_error
from locbrief.model import Block, LocbriefError, NoteRef, Span
from locbrief.read import read_source
from locbrief.review.diff import resolve_specs
from locbrief.translate.engines import choose_engine
from locbrief.translate.memory import Memory
from locbrief.translate.protect import enforced_terms, mask
from locbrief.translate.segment import check_translation, decode, segment_block, split_sentences
from locbrief.translate.suggest import suggest
from locbrief.translate.termbase import load_termbase
from locbrief.translate.variety import load_variety
from support import REPO
from support.capture import SMALL, marked
from support.po_project import Project, document

ES_MX_TERMS = load_termbase(REPO / "locales" / "es_MX" / "termbase.tsv")
ES_MX_VARIETY = load_variety(REPO / "locales" / "es_MX" / "variety.tsv", ES_MX_TERMS)
APERTIUM = "apertium"  # rows that need the real engine


@dataclass(frozen=True)
class Regression:
    id: str
    input: object
    went_wrong: str  # what the trial saw, and the commit that fixed it
    expected: object
    run: Callable[[object], object]
    needs: str | None = None


# ---------------------------------------------------------------- the stages, as rows call them


def paragraph_of_capture(text: str) -> str:
    """Read a page capture; the paragraph's text with its note markers shown as [n]."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "brief.txt"
        path.write_text(text, encoding="utf-8")
        doc = read_source(str(path))
    return marked(next(b for b in doc.blocks if b.kind == "paragraph").content)


def html_page(body: str, lang: str = "fr"):
    """An HTML article through read → segment → page, every unit translated to itself."""
    from lxml import html

    from locbrief.publish.page import Translation, render_page
    from locbrief.translate.segment import decode, segment

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "article.html"
        path.write_text(f"<html><head><title>Page | Site</title></head><body>{body}</body></html>")
        doc = read_source(str(path))
    units = segment(doc)
    chosen = {u.key: Translation(decode(u, u.msgid), "machine", [], u.msgid) for u in units}
    result = render_page(doc, units, chosen, lang, ["en", lang])
    return doc, units, html.fromstring(result.html.encode("utf-8"))


def pre_and_code(body: str):
    """What the page shows of pre and code, and whether any of it became a msgid."""
    _, units, page = html_page(body)
    shown = [e.text for e in page.xpath("//pre | //code")]
    return shown, any("import" in u.msgid or "include" in u.msgid for u in units)


def shown_text(body: str) -> list[str]:
    _, _, page = html_page(body)
    return [" ".join(p.text_content().split()) for p in page.xpath("//article//p | //article//h2")]


def structure(body: str):
    """The ordered list's tag and numbering, the page title, and in-page links without a target."""
    _, _, page = html_page(body)
    ids = set(page.xpath("//@id")) | set(page.xpath("//a/@name"))
    broken = [
        a.get("href")
        for a in page.xpath("//a[starts-with(@href, '#')]")
        if a.get("href")[1:] not in ids
    ]
    lists = [
        (e.tag, e.get("start"), e.get("type")) for e in page.xpath("//article//ol | //article//ul")
    ]
    return lists, page.xpath("//title")[0].text, broken


def unit(msgid: str):
    """The one unit of a paragraph whose note markers are written {n} in ``msgid``."""
    head, _, tail = msgid.partition("{0}")
    content = [head, NoteRef(1), tail] if _ else [msgid]
    return segment_block(Block("paragraph", "p-1", [c for c in content if c != ""]))[0]


def protected(msgid: str) -> list[tuple[str, str]]:
    """What the engine will not see of a paragraph sentence: (kind, original) of each token."""
    masked = mask(unit(msgid).msgid, ES_MX_TERMS, lambda n: f"ZX{n}QZ")
    return [(item.kind, item.original) for item in masked.items]


def masked_text(msgid: str) -> str:
    return mask(unit(msgid).msgid, ES_MX_TERMS, lambda n: f"ZX{n}QZ").text


def apertium_es_mx(msgids: list[str]) -> list[str]:
    """Protected, batched Apertium suggestions for es_MX, as the suggest stage makes them."""
    units = [unit(m) for m in msgids]
    engine = choose_engine("apertium", "en", "es_MX")
    suggestions = suggest(units, engine, "en", "es_MX", ES_MX_TERMS, Memory(None))
    return [suggestions[u.msgid].text for u in units]


def draft_parts(pattern: str) -> Callable[[list[str]], list[str]]:
    """What of each es_MX Apertium draft matches ``pattern``: the words a row is about, so a
    better engine vocabulary elsewhere in the sentence does not break the row."""
    return lambda msgids: [re.findall(pattern, text) for text in apertium_es_mx(msgids)]


def es_mx_layer(texts: list[str]) -> list[str]:
    """Texts through the es_MX variety layer, as it runs on every engine's draft."""
    return [ES_MX_VARIETY.apply(text) for text in texts]


def note_protected(msgid: str) -> list[tuple[str, str]]:
    """What the engine will not see of an endnote: (kind, original) of each token."""
    masked = mask(msgid, ES_MX_TERMS, lambda n: f"ZX{n}QZ", quoted_titles=True)
    return [(item.kind, item.original) for item in masked.items]


def words_like_trump(msgid: str) -> list[str]:
    [text] = apertium_es_mx([msgid])
    return [w for w in text.split() if w.casefold().startswith(("trump", "triunf"))]


def apertium_batch(texts: list[str]) -> list[str]:
    """One raw Apertium batch (what the engine returns per unit), case-folded."""
    return [
        t.casefold()
        for t in choose_engine("apertium", "en", "es_MX").checked_batch(texts, "en", "es_MX")
    ]


def error_of(run: Callable[[], object]) -> str:
    try:
        run()
    except LocbriefError as error:
        return str(error)
    return "no error"


def po_after_the_template_is_regenerated(msgid: str) -> tuple[bool, str]:
    """Merge, date the PO's template in the past, delete the POT and merge again (as Snakemake
    did): whether the PO was rewritten, and its POT-Creation-Date."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp))
        project.run(document(msgid))
        project.edit_header(**{"POT-Creation-Date": "2020-01-01 00:00+0000"})
        project.pot.unlink()
        changed = project.run(document(msgid))
        return changed, project.read().metadata["POT-Creation-Date"]


def spans_put_back(content: list) -> list[tuple[str, dict]]:
    """The elements a paragraph's units give back on the page: (tag, attributes) of each."""
    units = segment_block(Block("paragraph", "p-1", content))
    return [(i.tag, i.attrs) for u in units for i in decode(u, u.msgid) if isinstance(i, Span)]


# ---------------------------------------------------------------- the table

ROWS = [
    Regression(
        "note-copy-wrapped-over-two-lines",
        SMALL,
        "an inline copy of an endnote that wraps over a line break stayed in the text and its "
        "marker stood in the wrong place (notes 54, 59, 66, 70 of the brief; 8cec7fc)",
        "The first claim came in 2020.[1] Then a second claim followed.[2] The end of the paragraph.",
        paragraph_of_capture,
    ),
    Regression(
        "marker-glued-to-a-year",
        SMALL.replace("came in 2020.1“Note one,”", "came in 20201“Note one,”"),
        "the marker 1 glued to the year 2020 read as the number 20201 (8cec7fc)",
        "The first claim came in 2020[1] Then a second claim followed.[2] The end of the paragraph.",
        paragraph_of_capture,
    ),
    Regression(
        "url-swallows-a-glued-marker",
        "The report is at https://www.cato.org/policy-analysis/no-war{0}",
        "the URL pattern took the glued {0} into the link, so the note marker was lost (2ba7de1)",
        [("url", "https://www.cato.org/policy-analysis/no-war"), ("placeholder", "{0}")],
        protected,
    ),
    Regression(
        "token-glued-to-a-full-stop",
        "There is only one way.{0}",
        "Apertium merged lines on 'way.ZX0QZ' and lost the token (cf0103c)",
        "There is only one way. ZX0QZ",
        masked_text,
    ),
    Regression(
        "trump-becomes-triunfo",
        "Trump signed the order.",
        "Apertium translated the name Trump as 'El triunfo' (24 of 24 in the brief; a922deb)",
        ["Trump"],
        words_like_trump,
        APERTIUM,
    ),
    Regression(
        "single-newlines-let-apertium-reorder-units",
        ["cartel", "cartels", "Cartel", "Key points"],
        "a batch joined by single newlines let Apertium move words across units without final "
        "punctuation; batches are now separated by blank lines (a922deb)",
        ["cártel", "cárteles", "cártel", "puntos claves"],
        apertium_batch,
        APERTIUM,
    ),
    Regression(
        "masked-term-loses-agreement",
        ["The cartels are strong."],
        "a termbase term swapped for a token has no gender or number: 'the ZX0QZ' came back as "
        "'el cárteles'; terms Apertium already renders stay words and are checked (a922deb)",
        ["Los cárteles son fuertes."],
        apertium_es_mx,
        APERTIUM,
    ),
    Regression(
        "letter-o-for-zero",
        "Las sobredosis bajaron en 2024.{O}",
        "a translator's {O} for {0} failed with a bare format error (885523c)",
        ["{O} is not a placeholder of the source sentence (those are {0})"],
        lambda msgstr: check_translation(unit("Overdoses fell in 2024.{0}"), msgstr),
    ),
    Regression(
        "cited-title-question-mark",
        "Smith, “Who pays for the war?” Washington Post, June 2, 2019.",
        "the ? of a cited title ended the endnote's unit in the middle of the citation (2108adb)",
        ["Smith, “Who pays for the war?” Washington Post, June 2, 2019."],
        lambda text: split_sentences(text, endnote=True),
    ),
    Regression(
        "term-inside-a-cited-title-or-url",
        "Trump’s “Trump Doctrine” is at https://trump.example.org/doctrine",
        "QA asked for termbase terms inside cited titles and URLs, where the translation must "
        "keep the original (6ff3706)",
        ["Trump"],
        lambda msgid: [m.text for m in enforced_terms(msgid, ES_MX_TERMS, quoted_titles=True)],
    ),
    Regression(
        "locale-written-in-lower-case",
        {"briefs": ["b"], "languages": {"es_mx": {}}},
        "'es_mx' was accepted and named a folder no other stage used (885523c)",
        "config/config.yaml: setting languages.es_mx: write the locale as 'es_MX', not 'es_mx' "
        "(it names the folder locales/es_MX/)",
        lambda config: error_of(lambda: check_config(config)),
    ),
    Regression(
        "diff-options-after-double-dash",
        ["diff", "HEAD", "--", "x.po", "--format", "markdown"],
        "options after '--' were taken as paths (b1dbcf5)",
        "--format came after '--'; put options before it, as in git: "
        "locbrief diff --format html -o report.html REV -- PATH",
        lambda argv: error_of(lambda: resolve_specs(build_parser().parse_args(argv).revisions)),
    ),
    Regression(
        "regenerated-template-dirties-the-po",
        "Congress should act.",
        "Snakemake deleted and regenerated the POT, and its new creation date rewrote every "
        "committed PO on a fresh clone's make run (ba69d76, 13d99ad)",
        (False, "2020-01-01 00:00+0000"),
        po_after_the_template_is_regenerated,
    ),
    Regression(
        "pre-became-a-translated-paragraph",
        "<article><p>Use it:</p><pre>#include &lt;zlib.h&gt;\nimport foo\n</pre>"
        "<p>Call <code>import foo</code>.</p></article>",
        "every <pre> became a <p> with its line breaks collapsed and its code machine-translated "
        "('#include' → '#Incluye'), also inside class=notranslate (issue 10)",
        (["#include <zlib.h>\nimport foo\n", "import foo"], False),
        pre_and_code,
    ),
    Regression(
        "section-and-version-numbers-localized",
        "<article><h2>2.1. Removal of Python 3.3</h2><p>Use the 1.2.x branch. "
        "Last modified 11 December 2005.</p></article>",
        "'2.1.' → '2,1.', 'Python 3.3' → '3,3', '1.2.x' → '1,2.x', and '11 December 2005' "
        "lost its day (issue 10)",
        ["2.1. Removal of Python 3.3", "Use the 1.2.x branch. Last modified 11 décembre 2005."],
        shown_text,
    ),
    Regression(
        "lists-titles-and-in-page-links-lost",
        "<article><h1>Abstract<a class='headerlink' href='#abstract'>¶</a></h1>"
        "<p><a href='#s2'>Jump</a> to <a href='#n'>the anchor</a>.</p>"
        "<ol start='4' type='a'><li>Fourth</li></ol><h2 id='s2'>Two</h2><p><a name='n'></a>Here.</p>"
        "</article>",
        "ordered lists came out as <ul>, every in-page link was broken (48 of 48 in one document) "
        "and the title kept the heading's permalink sign ('Abstract¶') (issue 10); the title is the "
        "page's <title>, not its first heading (issue 24)",
        ([("ol", "4", "a")], "Page", []),
        structure,
    ),
    Regression(
        "literal-tag-in-prose",
        "A sentence with <b2>tag</b2> in it.",
        "text shaped like our numbered tags crashed segment with a bare IndexError (issue 17)",
        "A sentence with {0}tag{1} in it.",
        lambda text: unit(text).msgid,
    ),
    Regression(
        "escaped-tag-next-to-a-real-link",
        ["Write <a1>this</a1> next to ", Span("a", {"href": "https://x.org/"}, ["a link"]), "."],
        "an HTML source's escaped &lt;a1&gt;this&lt;/a1&gt; became a second live link to the "
        "real link's address on every page (issue 17)",
        [("a", {"href": "https://x.org/"})],
        spans_put_back,
    ),
    Regression(
        "number-token-breaks-a-scale-word",
        ["Security forces protect a country of more than 130 million people."],
        "number protection made '130 million people' '130 personas de millón' where raw "
        "Apertium was right; a quantity with a scale word is now one item written from CLDR "
        "for the target, and the engine sees what it counts (issue 21)",
        [["130 millones de personas"]],
        draft_parts(r"\d+ \w+ de \w+"),
        APERTIUM,
    ),
    Regression(
        "figure-token-adds-an-article",
        ["They are the fifth-largest employer, with 350–370 people joining every week."],
        "the two figures of '350–370 people' became tokens and Apertium added an article ('con "
        "ZX0QZ–ZX1QZ las personas'); an engine that gives figures back as written now sees "
        "them, checked after (issue 21)",
        [["350–370 personas"]],
        draft_parts(r"350\S*370 \w+"),
        APERTIUM,
    ),
    Regression(
        "quoted-finding-masked-as-a-title",
        "In his study, Bryan Price concludes that “decapitated terrorist groups have a "
        "significantly higher mortality rate than nondecapitated groups.”",
        "a quoted finding in an endnote was masked as a cited title and left in English; only "
        "a quote where a citation puts a title is one now (issue 21)",
        [("term", "Bryan Price")],
        note_protected,
    ),
    Regression(
        "slogan-garbled-and-twice",
        [
            "AMLO sought to address crime through his “abrazos, no balazos”—“hugs, not bullets”—strategy."
        ],
        "'abrazos, no balazos' came out garbled and twice ('su “estrategia”—“de”—abrazos, no "
        "balazos de los abrazos, no balazos'); a quoted term keeps its quotes and a gloss that "
        "translates to its phrase is cut (issue 21)",
        [["su estrategia de “abrazos, no balazos”"]],
        draft_parts(r"\w+ \w+ de “[^”]*”|abrazos|hugs"),
        APERTIUM,
    ),
    Regression(
        "article-dropped-verb-left-plural",
        ["The United States implemented a similar strategy in Colombia."],
        "dropping the article of 'los Estados Unidos' left 'Estados Unidos implementaron'; the "
        "termbase gives the engine a singular name and the es_MX layer makes the verb agree "
        "when it drops the article (issue 21)",
        [["Estados Unidos implementó"]],
        draft_parts(r"Estados Unidos \w+"),
        APERTIUM,
    ),
    Regression(
        "coordinated-names-miss-the-termbase",
        ["When the Sinaloa and Jalisco New Generation Cartels are not fighting, they fight."],
        "'the Sinaloa and Jalisco New Generation Cartels' matched no termbase name "
        "('Cárteles de Generación Nueva'); coordinated names are spelled out (issue 21)",
        [["Cártel de Sinaloa", "Cártel de Jalisco Nueva Generación"]],
        draft_parts(r"Cártel de Sinaloa|Cártel de Jalisco Nueva Generación|Generación Nueva"),
        APERTIUM,
    ),
    Regression(
        "modal-not-without-a-verb",
        ["She cannot.", "We can’t, they said."],
        "a modal with 'not' and no verb after it came out 'Puede no.'; the engine's English "
        "rules (locales/apertium/english.t1x) put 'not' first (issue 21)",
        ["No puede.", "No podemos, dijeron."],
        apertium_es_mx,
        APERTIUM,
    ),
    Regression(
        "coger-slips-through-es-mx",
        ["Cogieron al jefe.", "La droga fue cogida.", "Cogerán el autobús.", "Cogiéndolos."],
        "'coger' (vulgar in Mexico) was rewritten in three forms only: 'cogieron', 'cogida' "
        "slipped through; every form is rewritten now, by sense (issue 21)",
        ["Atraparon al jefe.", "La droga fue atrapada.", "Tomarán el autobús.", "Atrapándolos."],
        es_mx_layer,
    ),
    Regression(
        "disk-full-without-a-file-name",
        (OSError(28, "No space left on device"), "out/es_MX/brief.html"),
        "a full disk printed 'locbrief: error: : No space left on device' (issue 17)",
        "out/es_MX/brief.html: no space left on device; free some space and run again",
        lambda error_and_path: str(fs_error(*error_and_path, writing=True)),
    ),
]

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None, reason="apertium is not installed (make test installs it)"
)


@pytest.mark.parametrize(
    "row", [pytest.param(r, id=r.id, marks=[needs_apertium] if r.needs else []) for r in ROWS]
)
def test_a_problem_found_in_a_trial_stays_fixed(row):
    assert row.run(row.input) == row.expected, f"{row.id} is back: {row.went_wrong}"


def test_each_problem_has_one_row():
    assert len({r.id for r in ROWS}) == len(ROWS)
