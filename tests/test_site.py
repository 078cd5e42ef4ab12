"""out/ is a static site: an index of every brief × language, a sitemap, and pages that share well.

A comms officer copies out/ to a web server as it is: every internal link is relative, nothing
loads from another site, each page names its canonical address, carries Open Graph / Twitter card
metadata in its own language and schema.org Article data pointing at the English original.
"""

from __future__ import annotations

import json

import pytest
from lxml import etree, html

from locbrief.cli import main
from locbrief.model import LocbriefError
from locbrief.publish.shell import metadata_problems
from locbrief.publish.site import collect, write_site
from locbrief.publish.theme import Site
from locbrief.translate.segment import segment
from support.site_data import LANGS, brief, build_out, page_result, write_config
from test_html_valid import vnu_errors

BASE = "https://briefs.example.org/pub/"


def parsed(result):
    return html.fromstring(result.html.encode("utf-8"))


def meta(root, prop: str) -> list[str]:
    return root.xpath(f"//meta[@property='{prop}' or @name='{prop}']/@content")


def json_ld(root) -> dict:
    return json.loads(root.xpath("//script[@type='application/ld+json']")[0].text)


def test_a_translated_page_shares_as_an_article_in_its_own_language():
    root = parsed(page_result(brief(), "es_MX", 0.5, Site(base_url=BASE)))
    title = root.findtext(".//title")
    assert title.startswith("Versión: ")
    assert root.xpath("//link[@rel='canonical']/@href") == [f"{BASE}es_MX/brief.html"]
    assert meta(root, "og:url") == [f"{BASE}es_MX/brief.html"]
    assert meta(root, "og:title") == meta(root, "twitter:title") == [title]
    assert meta(root, "og:description")[0].startswith("Versión: ")
    assert meta(root, "og:locale") == ["es_MX"]
    assert meta(root, "og:locale:alternate") == ["en_US", "fr_FR", "ca_ES"]
    assert meta(root, "twitter:card") == ["summary"]
    data = json_ld(root)
    assert data["@type"] == "Article" and data["headline"] == title
    assert (data["inLanguage"], data["datePublished"]) == ("es-MX", "2025-07-02")
    assert [a["name"] for a in data["author"]] == ["Ana Ruiz", "Luc Martin"]
    assert data["translationOfWork"]["@id"] == f"{BASE}en/brief.html"


def test_without_a_base_url_every_address_is_relative_and_nothing_loads_from_elsewhere():
    for lang in LANGS:
        root = parsed(page_result(brief(), lang, 1.0))
        assert root.xpath("//link[@rel='canonical']/@href") == ["brief.html"]
        assert not meta(root, "og:url")
        loaded = root.xpath(
            "//*[@src]/@src | //link[@rel!='canonical' and @rel!='alternate']/@href"
        )
        assert all("//" not in url for url in loaded), loaded
        outside = [a.get("href") for a in root.xpath("//a[@href]") if "//" in a.get("href")]
        assert outside == ["https://example.org/report."[:-1]]  # the endnote's citation only
        internal = [a.get("href") for a in root.xpath("//a[@href]") if "//" not in a.get("href")]
        assert internal and all(not h.startswith("/") for h in internal)
        if lang != "en":
            assert json_ld(root)["translationOfWork"]["@id"] == "../en/brief.html"
        else:
            assert "translationOfWork" not in json_ld(root)


def test_text_of_a_brief_cannot_end_the_json_ld_script():
    doc = brief(paragraphs=2)
    doc.blocks[2].content = ["</script><script>alert(1)</script> & more"]
    result = page_result(doc, "en", 1.0)
    assert "</script><script>alert(1)" not in result.html
    assert json_ld(parsed(result))["headline"] == "</script><script>alert(1)</script> & more"


def test_the_index_lists_every_brief_and_language_with_its_state_and_links(tmp_path):
    out = build_out(tmp_path / "out", {"es_MX": 1.0, "fr": 0.5, "ca": 0.0}, errors={"ca": 2})
    (out / "fr" / "brief.review.html").write_text("review", encoding="utf-8")
    (out / "fr" / "brief.qa.html").write_text("qa", encoding="utf-8")
    editions = collect(out, ["brief"], "en", LANGS[1:])
    notes = write_site(out, editions, Site())
    assert len(notes) == 1 and "site.base_url" in notes[0]  # the sitemap is relative
    index = html.parse(str(out / "index.html")).getroot()
    rows = {
        tr.xpath("string(th)"): [" ".join(td.text_content().split()) for td in tr.xpath("td")]
        for tr in index.xpath("//tbody/tr")
    }
    assert list(rows) == ["English", "español (México)", "français", "català"]
    assert rows["español (México)"][:2] == ["100% (35 of 35 units)", "0 errors, 0 warnings"]
    assert rows["français"][0] == "51% (18 of 35 units)"
    assert rows["català"][1] == "2 errors, 0 warnings"
    assert rows["français"][2] == "page · review page · QA report"
    links = index.xpath("//tbody/tr[3]//a/@href")
    assert links == ["fr/brief.html", "fr/brief.html", "fr/brief.review.html", "fr/brief.qa.html"]
    assert index.xpath("//h2/text()") == ["Cartels and the border"]


def test_the_sitemap_lists_every_page_with_its_language_alternates(tmp_path):
    out = build_out(tmp_path / "out", {})
    write_site(out, collect(out, ["brief"], "en", LANGS[1:]), Site(base_url=BASE))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = etree.parse(str(out / "sitemap.xml")).getroot().findall("s:url", ns)
    assert [u.findtext("s:loc", namespaces=ns) for u in urls] == [
        f"{BASE}{lang}/brief.html" for lang in LANGS
    ]
    for url in urls:
        alternates = {a.get("hreflang"): a.get("href") for a in url.findall("x:link", ns)}
        assert alternates == {
            "en": f"{BASE}en/brief.html",
            "es-MX": f"{BASE}es_MX/brief.html",
            "fr": f"{BASE}fr/brief.html",
            "ca": f"{BASE}ca/brief.html",
            "x-default": f"{BASE}en/brief.html",
        }


def test_the_pages_and_the_index_are_valid_html5(tmp_path):
    out = build_out(tmp_path / "out", {"es_MX": 0.5}, site=Site(base_url=BASE, name="Think & Do"))
    write_site(out, collect(out, ["brief"], "en", LANGS[1:]), Site(name="Think & Do"))
    assert vnu_errors(out / "index.html", *(out / lang / "brief.html" for lang in LANGS)) == []


def test_a_site_theme_replaces_header_footer_logo_and_colours_without_touching_the_package(
    tmp_path,
):
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "page.html.j2").write_text(
        '{% extends "default/page.html.j2" %}\n'
        '{% block header %}<header class="org"><img src="{{ site.logo_href }}" alt="{{ site.name }}">'
        "</header>{% endblock %}\n"
        '{% block footer %}{{ super() }}<footer class="org">© {{ site.name }}</footer>{% endblock %}\n',
        encoding="utf-8",
    )
    (theme / "page.css").write_text("body { color: #123456; font-family: Inter; }\n")
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    site = Site(name="Think <Tank>", theme=str(theme), logo=str(logo))
    root = parsed(page_result(brief(paragraphs=2), "es_MX", 1.0, site))
    assert root.xpath("//header[@class='org']/img/@src") == ["../assets/logo.svg"]
    assert root.xpath("//header[@class='org']/img/@alt") == ["Think <Tank>"]  # escaped, not markup
    assert root.xpath("string(//footer[@class='org'])") == "© Think <Tank>"
    assert "#123456" in root.xpath("string(//style[not(@media)])")
    assert root.xpath("//footer/p/a/@hreflang") == ["en"]  # the package's own footer kept
    out = build_out(tmp_path / "out", {}, site=site)
    write_site(out, collect(out, ["brief"], "en", LANGS[1:]), site)
    assert (out / "assets" / "logo.svg").read_text() == logo.read_text()
    # the default stays as it was: no header, no footer on the original
    plain = parsed(page_result(brief(paragraphs=2), "en", 1.0))
    assert not plain.xpath("//header[@class='site'] | //footer")


def test_a_brief_without_date_or_authors_gets_one_line_each():
    problems = metadata_problems(brief(date=None, byline=False))
    assert len(problems) == 2
    assert problems[0].startswith("source/brief.txt: the brief has no publication date")
    assert problems[1].startswith("source/brief.txt: the brief names no authors")
    assert metadata_problems(brief()) == []


def test_locbrief_page_warns_once_per_brief_about_a_missing_date_and_authors(tmp_path, capsys):
    doc = brief(paragraphs=2, date=None, byline=False)
    (tmp_path / "document.json").write_text(json.dumps(doc.to_json()), encoding="utf-8")
    units = [u.to_json() for u in segment(doc)]
    (tmp_path / "units.json").write_text(json.dumps(units), encoding="utf-8")
    args = [str(tmp_path / "document.json"), str(tmp_path / "units.json"), "--lang", "en"]
    assert main(["page", *args, "-o", str(tmp_path / "en.html")]) == 0
    warnings = [l for l in capsys.readouterr().err.splitlines() if "warning" in l]
    assert [w.split(": ", 3)[3] for w in warnings] == [
        "the brief has no publication date, so its pages have no datePublished; add the date "
        "line (e.g. 'July 2, 2025') above the title",
        "the brief names no authors, so its pages' Article metadata has none; add a byline "
        "('By …') or an 'About the authors' section",
    ]
    data = json_ld(html.parse(str(tmp_path / "en.html")).getroot())
    assert "datePublished" not in data and "author" not in data


def test_a_missing_page_or_qa_report_names_the_file_and_the_fix(tmp_path):
    out = build_out(tmp_path / "out", {})
    (out / "fr" / "brief.qa.json").unlink()
    with pytest.raises(LocbriefError, match=r"brief.qa.json: no QA report; run the check stage"):
        collect(out, ["brief"], "en", LANGS[1:])


def test_locbrief_site_writes_index_and_sitemap_from_the_config(tmp_path, monkeypatch, capsys):
    build_out(tmp_path / "out", {"es_MX": 1.0, "fr": 0.5}, pdf=True)
    write_config(tmp_path, site={"base_url": BASE.rstrip("/")}, publish={"min_reviewed": 1.0})
    monkeypatch.chdir(tmp_path)
    assert main(["site"]) == 0
    index = html.parse("out/index.html").getroot()
    gate = [" ".join(td.text_content().split()) for td in index.xpath("//tbody/tr/td[3]")]
    assert gate[1] == "ready"
    assert gate[2].startswith("held back: ") and "below publish.min_reviewed 100%" in gate[2]
    assert f"<loc>{BASE}fr/brief.html</loc>" in (tmp_path / "out" / "sitemap.xml").read_text()
    assert "out/index.html: 4 pages listed" in capsys.readouterr().err
