"""Technical text stays as written: formulas, API signatures and identifiers never reach an engine
and are byte-identical on every page, on real documents (Pandoc with MathJax, Sphinx autodoc,
a Jekyll post with MathJax and KaTeX; tests/data/README.md says where each comes from)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from lxml import html

from locbrief.model import QA_PREFIX, Unit
from locbrief.publish.page import Translation, render_page, source_translations
from locbrief.read import read_source
from locbrief.review.check import check_catalog
from locbrief.translate.chain import choose_chain, suggest_with_fallback
from locbrief.translate.engines.apertium import ApertiumEngine
from locbrief.translate.memory import Memory
from locbrief.translate.protect import lost_token, mask, unmask
from locbrief.translate.segment import decode, segment
from locbrief.translate.suggest import SOURCE_KEPT, suggest
from locbrief.translate.termbase import Termbase
from servers.base import serving
from servers.libretranslate_api import LibreTranslateServer
from support import REPO
from support.workflow import snakemake
from test_html_valid import vnu_errors

DATA = Path(__file__).resolve().parent / "data"
#: Elements a generator writes for formulas and signatures, by document.
VERBATIM_XPATH = (
    "//*[contains(concat(' ', @class, ' '), ' math ') or contains(@class, 'katex')"
    " or contains(concat(' ', @class, ' '), ' sig ')]"
)
DOCUMENTS = ("pandoc-math.html", "sphinx-autodoc-radiomics.html", "jekyll-mathjax.html")
#: TeX between MathJax's delimiters in a page's running text.
TEX_IN_TEXT = re.compile(r"\\\(.*?\\\)|\\\[.*?\\\]|\$\$.*?\$\$", re.DOTALL)


class RecordingApertium(ApertiumEngine):
    """The real Apertium engine, keeping every text it was sent."""

    def __init__(self):
        super().__init__()
        self.sent: list[str] = []

    def translate_batch(self, texts, source, target):
        self.sent += texts
        return super().translate_batch(texts, source, target)


def translated_page(path: Path, tmp_path: Path):
    """The es_MX page of a document drafted by Apertium, and every text Apertium was sent."""
    doc = read_source(path)
    units = segment(doc)
    engine = RecordingApertium()
    if not engine.available("en", "es_MX"):
        pytest.fail("apertium eng-spa is missing; run `make test-tools`")
    found = suggest(units, engine, "en", "es_MX", Termbase([]), Memory(tmp_path / "m.jsonl"))
    chosen = {u.key: Translation(decode(u, found[u.msgid].text), "machine") for u in units}
    page = render_page(doc, units, chosen, "es_MX", ["en", "es_MX"]).html
    return html.fromstring(page.encode("utf-8")), engine.sent


def shown(el) -> tuple[str, str, str]:
    """What a verbatim element is: its tag, its class and every character of its text (a block's
    line breaks at its ends aside: the page's own layout)."""
    return el.tag, el.get("class") or "", el.text_content().strip("\n")


@pytest.mark.parametrize("name", DOCUMENTS)
def test_formulas_and_signatures_never_reach_the_engine_and_stay_as_written(name, tmp_path):
    source = html.fromstring((DATA / name).read_bytes())
    for permalink in source.xpath("//a[@class='headerlink']"):
        permalink.drop_tree()  # a heading's ¶ is dropped on every page
    article = (source.xpath("//article | //*[@role='main']") or [source.body])[0]
    expected = [shown(el) for el in article.xpath("." + VERBATIM_XPATH)]
    tex = TEX_IN_TEXT.findall(article.text_content())
    assert expected or tex, "the document has formulas or signatures to check"
    page, sent = translated_page(DATA / name, tmp_path)
    on_page = [shown(el) for el in page.xpath(VERBATIM_XPATH)]
    for item in expected:  # byte for byte, class kept
        assert item in on_page
    page_text = page.text_content()
    for formula in tex:
        assert formula in page_text
    engine_text = "\n".join(sent)
    for _tag, _class, text in expected:
        for word in re.findall(r"\\[A-Za-z]+|\w+=\w+|\*\*?\w+", text):
            assert word not in engine_text, (word, text)
    assert not re.search(r"\\[A-Za-z]+", engine_text)


def test_identifiers_in_running_text_survive_apertium(tmp_path):
    """ "radiomics.shape module" once came back "radiomics.Módulo de forma"."""
    page, sent = translated_page(DATA / "sphinx-autodoc-radiomics.html", tmp_path)
    assert "radiomics.shape" in page.xpath("string(//h1)")
    assert not any("radiomics.shape" in text for text in sent)


@pytest.mark.parametrize(
    "text, kept",
    [
        ("Call f(*args, **kwargs) now.", ["*args", "**kwargs"]),
        (
            "Run it with --char-limit 500 and --batch-limit=25.",
            ["--char-limit", "--batch-limit=25"],
        ),
        ("Pass enable=True or label=None.", ["enable=True", "label=None"]),
        (
            "The radiomics.shape module and os.path.join() differ.",
            ["radiomics.shape", "os.path.join()"],
        ),
        ("Set batch_size and __init__ first.", ["batch_size", "__init__"]),
    ],
)
def test_identifiers_are_tokens_and_come_back_exactly(text, kept):
    masked = mask(text, Termbase([]), lambda i: f"ZX{i}QZ")
    for identifier in kept:
        assert identifier not in masked.text
    assert unmask(masked.text, masked) == (text, [])


@pytest.mark.parametrize(
    "prose",
    ["e.g. this, i.e. that", "The U.S. Congress met.", "a well-known fact", "it said.The next"],
)
def test_prose_is_no_identifier(prose):
    assert mask(prose, Termbase([]), lambda i: f"ZX{i}QZ").items == ()


def test_an_unclosed_formula_is_kept_as_written_with_one_warning(tmp_path):
    warnings: list[str] = []
    doc = read_source(DATA / "jekyll-mathjax.html", warnings)
    open_formula = [w for w in warnings if "never closed" in w]
    assert len(open_formula) == 1 and "\\(" in open_formula[0]
    page, sent = translated_page(DATA / "jekyll-mathjax.html", tmp_path)
    assert "\\( x + y, is shown as written." in " ".join(page.text_content().split())
    assert doc.blocks


# ---------------------------------------------------------------- tokens an engine drops


def external_links(page) -> list[str]:
    return page.xpath("//main//a[starts-with(@href, 'http')]/@href")


def drafted_page(units, doc, suggestions):
    chosen = {u.key: Translation(decode(u, suggestions[u.msgid].text), "machine") for u in units}
    page = render_page(doc, units, chosen, "es_MX", ["en", "es_MX"]).html
    return html.fromstring(page.encode("utf-8"))


@pytest.mark.parametrize("chain", [["libretranslate"], ["libretranslate", "apertium"]])
def test_every_source_link_survives_an_engine_that_drops_tokens(chain, tmp_path, monkeypatch):
    """A LibreTranslate server whose model lost every protected token once gave an es_MX page
    with 0 of the brief's 101 links; now each link goes back, or its unit gets a draft that
    keeps it (Apertium's, next in the chain, else the English sentence) with a QA note."""
    monkeypatch.delenv("LIBRETRANSLATE_API_KEY", raising=False)
    doc = read_source(REPO / "source" / "no-gwot-narco.txt")
    units = segment(doc)
    source_page = render_page(doc, units, source_translations(units), "en", ["en"]).html
    links = external_links(html.fromstring(source_page.encode("utf-8")))
    assert len(links) > 90
    with serving(LibreTranslateServer(drops_tokens=True)) as server:
        config = {"engines": {"libretranslate": {"url": server.url, "retries": 0}}}
        engines = choose_chain(config, chain, "en", "es_MX")
        memory = Memory(tmp_path / "memory.jsonl")
        found = suggest_with_fallback(units, engines, "en", "es_MX", Termbase([]), memory)
    page = drafted_page(units, doc, found)
    assert sorted(external_links(page)) == sorted(links)
    kept_source = [s for s in found.values() if SOURCE_KEPT in s.problems]
    by_apertium = [s for s in found.values() if s.engine == "apertium"]
    if len(chain) == 1:
        assert kept_source and all(s.text == s.msgid for s in kept_source)
    else:
        assert by_apertium and not kept_source
        assert all(not lost_token(s.problems) for s in by_apertium)


# ---------------------------------------------------------------- the workflow notices a missing PO


@pytest.mark.slow
def test_a_deleted_po_is_recreated_and_an_edited_one_is_never_replaced(tmp_path):
    """Deleting a translator's PO to start over once did nothing: the merge never ran again."""
    shutil.copytree(REPO / ".test", tmp_path, dirs_exist_ok=True)
    first = snakemake(REPO, "--directory", str(tmp_path), cores=1)
    assert first.returncode == 0, first.stderr[-3000:]
    po = tmp_path / "locales/es_MX/LC_MESSAGES/valley-roads.po"
    other = tmp_path / "locales/es_MX/LC_MESSAGES/valley-water.po"
    page = tmp_path / "out/es_MX/valley-roads.html"
    edited = other.read_text(encoding="utf-8").replace(
        "#, fuzzy", "#, fuzzy\n# a translator's note", 1
    )
    other.write_text(edited, encoding="utf-8")
    po.unlink()
    page_before = page.stat().st_mtime_ns
    again = snakemake(REPO, "--directory", str(tmp_path), cores=1)
    assert again.returncode == 0, again.stderr[-3000:]
    assert po.is_file() and page.stat().st_mtime_ns > page_before
    assert "# a translator's note" in other.read_text(encoding="utf-8")
    assert len(list(tmp_path.glob("build/*/*.po-missing-*"))) <= 2  # one flag a PO at most
    third = snakemake(REPO, "--directory", str(tmp_path), cores=1)
    assert third.returncode == 0 and "Nothing to be done" in third.stdout + third.stderr


# ---------------------------------------------------------------- what the reader leaves out


def test_every_block_left_out_is_named_once_per_kind(tmp_path):
    """The README promised a warning for each block the reader leaves out; none came."""
    run = subprocess.run(
        [sys.executable, "-m", "locbrief", "read", str(DATA / "jekyll-mathjax.html")]
        + ["-o", str(tmp_path / "doc.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    left_out = [line for line in run.stderr.splitlines() if "left out" in line]
    kinds = [re.search(r"left out (\d+) ([\w ]+?) blocks?:", line).groups() for line in left_out]
    assert sorted(kinds) == [("1", "breadcrumbs"), ("1", "footer"), ("1", "site header")]
    assert all(line.startswith("locbrief: warning: ") for line in left_out)
    assert "“Home Notes Estimating drift”" in next(x for x in left_out if "breadcrumbs" in x)


# ---------------------------------------------------------------- notes of several blocks, valid pages


def test_a_note_of_several_blocks_keeps_them(tmp_path):
    """A footnote's pre once ended inside the note's span (invalid) and its paragraphs merged."""
    page, _ = translated_page(DATA / "pandoc-math.html", tmp_path)
    (note,) = page.xpath("//li[@role='doc-endnote']")
    # its sentences, then its blocks, then the back-link
    assert [c.tag for c in note] == ["span", "span", "p", "pre", "ul", "a"]
    assert note.xpath("string(pre)") == "mesh = marching_cubes(mask, level=0.5)"
    assert not page.xpath("//span//pre | //span//p | //span//ul")


def test_pages_of_technical_documents_are_valid_html5(tmp_path):
    pages = []
    for name in (*DOCUMENTS, "sphinx-python-policy.html"):
        page, _ = translated_page(DATA / name, tmp_path)
        pages.append(tmp_path / f"{name}.es_MX.html")
        pages[-1].write_bytes(html.tostring(page, doctype="<!DOCTYPE html>", encoding="utf-8"))
    assert vnu_errors(*pages) == []


@pytest.mark.parametrize(
    "problems, severity",
    [
        (["put back url 'https://x.org/a' at the end (the engine dropped it)"], "warning"),
        (["engine dropped number '79,000'", SOURCE_KEPT], "error"),
    ],
)
def test_a_token_put_back_is_a_warning_and_one_lost_an_error(problems, severity, tmp_path):
    """The reviewer checks where a put-back link went; a lost one holds the page back."""
    msgid = "About 79,000 people read https://x.org/a"
    memory = Memory(tmp_path / "m.jsonl")
    memory.remember("libretranslate", "en→es", msgid, msgid, msgid, msgid)
    po = polib.POFile()
    po.metadata = {"Language": "es_MX"}
    comment = "\n".join(
        ["machine translation: libretranslate en→es", *(QA_PREFIX + p for p in problems)]
    )
    po.append(polib.POEntry(msgid=msgid, msgstr=msgid, flags=["fuzzy"], comment=comment))
    found = check_catalog(po, "x.po", [Unit(msgid, "p-1", "paragraph", 0)], Termbase([]), memory)
    assert {(f.check, f.severity) for f in found if f.check == "engine"} == {("engine", severity)}
