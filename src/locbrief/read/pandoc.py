"""Word (.docx) and Markdown (.md) briefs → Document, through pandoc and the HTML reader.

pandoc (Debian's, a maintained converter) turns the file into a standalone HTML5 page:
headings, paragraphs, lists, tables, emphasis and links as HTML, Word's footnotes *and*
endnotes (or Markdown's ``[^n]`` notes) as one numbered list of notes with references
both ways, and the metadata (Word's Title/Subtitle/Author/Date styles, Markdown's YAML
block) as pandoc's title block. :mod:`locbrief.read.html` reads that page as it reads any
article, so a Word brief becomes the same document model as the seed.

What pandoc does not say is checked here, before or after it runs, so nothing is mixed
or lost silently:

* a password-protected, old-format, damaged or non-Word ``.docx`` is one line naming the fix;
* tracked changes left in a ``.docx`` are refused (the rule: locbrief translates settled
  text only; accept or reject them in Word first), never merged half-accepted;
* Word comments and embedded images are left out, each named in a warning;
* the title, subtitle and authors come from the file's properties when no paragraph has
  the Title/Subtitle/Author style; the date from a Date-styled paragraph or Word's
  *Publish Date* property (never the file's creation date, which is not the brief's);
* a Markdown footnote reference without a definition stops the read at its line; a
  definition nobody refers to (pandoc drops it) is a warning.

Line numbers of the intermediate HTML mean nothing to the user, so blocks and warnings
from these sources carry none.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
import zlib

import lxml.etree
import lxml.html

from locbrief.model import Document, LocbriefError
from locbrief.read.common import Warner
from locbrief.read.html import parse_html

#: The suffixes pandoc reads for locbrief, and pandoc's name for each format.
PANDOC_FORMATS = {".docx": "docx", ".md": "markdown", ".markdown": "markdown"}
#: Where pandoc comes from (`make run` installs it where missing).
DEBIAN_PACKAGES = ("pandoc",)
#: A .docx whose parts unpack to more than this is refused (a ZIP bomb, not a brief).
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
PANDOC_TIMEOUT_S = 300

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
#: Parts of a .docx that hold the brief's text (body, notes, headers and footers).
_TEXT_PARTS = re.compile(r"^word/(document|footnotes|endnotes|header\d*|footer\d*)\.xml$")
_TRACKED = re.compile(rb"<w:(ins|del|moveFrom|moveTo)\b")
_COMMENT = re.compile(rb"<w:comment\b")
_NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "cover": "http://schemas.microsoft.com/office/2006/coverPageProps",
}
#: Parts of a .docx pandoc leaves out without a word: what they are, their names, the fix.
_DROPPED_PARTS = (
    ("chart", re.compile(r"^word/charts/chart\d+\.xml$"), "give the figures as a table or text"),
    ("SmartArt diagram", re.compile(r"^word/diagrams/data\d+\.xml$"), "write its text out"),
    (
        "embedded object",
        re.compile(r"^word/embeddings/[^/]+$"),
        "paste its content into the text (a spreadsheet as a table)",
    ),
)
#: What Word and libraries write as the Authors property when nobody set it: never a byline.
_PLACEHOLDER_AUTHORS = {"microsoft office user", "python-docx", "unknown", "user", "author"}
_NOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
_NOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_YAML_ERROR_LINE = re.compile(r"at line (\d+)")


# ---------------------------------------------------------------- entry points


def read_docx(data: bytes, path: str, name: str, warn: Warner) -> Document:
    """A Word file → Document (see the module docstring for what is refused or left out)."""
    archive = open_docx(data, path)
    check_tracked_changes(archive, path)
    warn_left_out_parts(archive, warn)
    html = run_pandoc(["-f", "docx", "--track-changes=accept", path], path)
    page = lxml.html.document_fromstring(html)
    fill_title_block(page, docx_properties(archive), name, warn)
    drop_embedded_images(page, warn)
    return _read_page(page, path, name, warn)


def read_markdown(text: str, path: str, name: str, warn: Warner) -> Document:
    """A Markdown file (pandoc's Markdown: YAML metadata block, ``[^n]`` notes) → Document."""
    html = run_pandoc(["-f", "markdown", "-"], path, text, yaml_offset=_yaml_offset(text))
    page = lxml.html.document_fromstring(html)
    check_note_references(page, text, path)
    warn_unreferenced_notes(text, warn)
    fill_title_block(page, {}, name, warn)
    return _read_page(page, path, name, warn)


def _read_page(page, path: str, name: str, warn: Warner) -> Document:
    """The HTML reader on pandoc's page; lines of that page are dropped (they are not the file's)."""
    html = lxml.html.tostring(page, encoding="unicode", doctype="<!DOCTYPE html>")
    doc = parse_html(html, path, name, lambda message, line=None: warn(message))
    for block in doc.blocks:
        block.line = 0
    return doc


# ---------------------------------------------------------------- pandoc


def run_pandoc(args: list[str], path: str, stdin: str | None = None, yaml_offset: int = 0) -> str:
    """pandoc → standalone HTML5, in its sandbox (it reads only the input, fetches nothing)."""
    command = ["pandoc", "--sandbox", "-t", "html5", "--standalone", "--wrap=none", *args]
    try:
        done = subprocess.run(
            command,
            input=stdin.encode("utf-8") if stdin is not None else None,
            capture_output=True,
            timeout=PANDOC_TIMEOUT_S,
        )
    except FileNotFoundError:
        raise LocbriefError(
            "reading this file needs pandoc, which is not installed; `make run` installs it "
            "(Debian package pandoc), or run apt-get install pandoc",
            path,
        ) from None
    except subprocess.TimeoutExpired:
        raise LocbriefError(
            f"pandoc did not finish reading the file in {PANDOC_TIMEOUT_S} s; "
            "split the brief or check that the file opens in its editor",
            path,
        ) from None
    if done.returncode != 0:
        raise _pandoc_error(done.stderr.decode("utf-8", "replace"), path, yaml_offset)
    return done.stdout.decode("utf-8")


def _pandoc_error(stderr: str, path: str, yaml_offset: int) -> LocbriefError:
    """pandoc's complaint in one line: YAML errors at their line in the file, others as said."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip() and "[WARNING]" not in ln]
    message = " ".join(lines)[:300] or "pandoc failed without saying why"
    if "--sandbox" in message:
        return LocbriefError(
            "the installed pandoc is too old (locbrief needs 2.15 or newer, for --sandbox: "
            "Debian 12 has 2.17); install a newer pandoc",
            path,
        )
    if "YAML" in message:
        m = _YAML_ERROR_LINE.search(message)
        return LocbriefError(
            f"the YAML metadata block is not valid ({message}); fix it, or quote the value",
            path,
            int(m.group(1)) + yaml_offset if m else None,
        )
    return LocbriefError(
        f"pandoc could not read the file ({message}); open it in its editor and save it again",
        path,
    )


def _yaml_offset(text: str) -> int:
    """Lines before a leading YAML block's first line (pandoc counts its lines from there)."""
    return 1 if text.lstrip("\ufeff").startswith("---") else 0


# ---------------------------------------------------------------- the .docx file


def open_docx(data: bytes, path: str) -> zipfile.ZipFile:
    """The .docx as a ZIP archive, or one line saying what the file really is and the fix."""
    if not data.strip():
        raise LocbriefError("empty file; save the brief from Word again", path)
    if data.startswith(_CFB_MAGIC):
        if _ENCRYPTED in data:
            raise LocbriefError(
                "the Word file is password-protected; remove the password (Word: File → Info "
                "→ Protect Document → Encrypt with Password, clear it) and save it again",
                path,
            )
        raise LocbriefError(
            "an old-format Word file (.doc) named .docx; open it in Word or LibreOffice "
            "and save it as Word Document (.docx)",
            path,
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        what = "text" if _is_text(data) else "not a ZIP archive"
        raise LocbriefError(
            f"not a Word document ({what}); a .docx is what Word's “Save As → Word Document” "
            "writes — save it so, or give the file its own suffix (.txt, .html, .md)",
            path,
        ) from None
    names = set(archive.namelist())
    if "word/document.xml" not in names:
        kind = (
            "an OpenDocument file (.odt?)"
            if "mimetype" in names
            else "a ZIP archive without word/document.xml"
        )
        raise LocbriefError(
            f"not a Word document ({kind}); save it from its editor as Word Document (.docx)",
            path,
        )
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
        raise LocbriefError(
            f"the Word file unpacks to more than {MAX_UNPACKED_BYTES >> 20} MB; "
            "this is no brief (a damaged or hostile file)",
            path,
        )
    bad = _damaged_part(archive)
    if bad:
        raise LocbriefError(
            f"the Word file is damaged (its part {bad} does not unpack); "
            "open it in Word and save it again",
            path,
        )
    return archive


def _damaged_part(archive: zipfile.ZipFile) -> str | None:
    """The first part whose bytes do not unpack (or fail their checksum), else None."""
    for info in archive.infolist():
        try:
            archive.read(info)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
            return info.filename
    return None


def _is_text(data: bytes) -> bool:
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _parts(archive: zipfile.ZipFile, stem: str) -> list[str]:
    return [n for n in archive.namelist() if n == f"word/{stem}.xml"]


def check_tracked_changes(archive: zipfile.ZipFile, path: str) -> None:
    """Refuse a file with tracked changes: which side a partner would publish is the authors' call."""
    counts = {"ins": 0, "del": 0, "moveFrom": 0, "moveTo": 0}
    for name in archive.namelist():
        if _TEXT_PARTS.match(name):
            for m in _TRACKED.finditer(archive.read(name)):
                counts[m.group(1).decode()] += 1
    insertions, deletions = counts["ins"] + counts["moveTo"], counts["del"] + counts["moveFrom"]
    if insertions or deletions:
        raise LocbriefError(
            f"tracked changes left in the file ({insertions} insertions, {deletions} deletions); "
            "locbrief translates settled text only: accept or reject them in Word (Review → "
            "Accept → Accept All Changes) and save",
            path,
        )


def warn_left_out_parts(archive: zipfile.ZipFile, warn: Warner) -> None:
    """Word comments, charts, SmartArt and embedded objects: pandoc drops them; say so, counted."""
    comments = sum(len(_COMMENT.findall(archive.read(n))) for n in _parts(archive, "comments"))
    if comments:
        warn(
            f"left out {comments} Word comment{'s' * (comments != 1)} (comments are notes to "
            "the authors, not part of the brief)"
        )
    for what, pattern, fix in _DROPPED_PARTS:
        count = sum(1 for name in archive.namelist() if pattern.match(name))
        if count:
            warn(f"left out {count} {what}{'s' * (count != 1)} (a page cannot show them); {fix}")


def docx_properties(archive: zipfile.ZipFile) -> dict[str, str]:
    """Title, subtitle (Word's Subject), authors (Word's Authors) and Word's Publish Date, if set."""
    props: dict[str, str] = {}
    core = _xml_part(archive, "docProps/core.xml")
    if core is not None:
        for key, xpath in (
            ("title", "dc:title"),
            ("subtitle", "dc:subject"),
            ("author", "dc:creator"),
        ):
            value = " ".join(" ".join(core.xpath(f"{xpath}//text()", namespaces=_NS)).split())
            if value and not (key == "author" and value.lower() in _PLACEHOLDER_AUTHORS):
                props[key] = value
    for name in archive.namelist():
        if name.startswith("customXml/item") and name.endswith(".xml"):
            part = _xml_part(archive, name)
            found = [] if part is None else part.xpath("//cover:PublishDate/text()", namespaces=_NS)
            if found and found[0].strip():
                props["date"] = found[0].strip()[:10]
    return props


def _xml_part(archive: zipfile.ZipFile, name: str):
    """A small XML part, parsed without entities or network; None when absent or unreadable."""
    if name not in archive.namelist():
        return None
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return lxml.etree.fromstring(archive.read(name), parser)
    except lxml.etree.XMLSyntaxError:
        return None


def drop_embedded_images(page, warn: Warner) -> None:
    """Images inside a Word file have no address a page can show: each is named and left out."""
    for img in page.xpath("//body//img"):
        label = img.get("alt") or img.get("title") or img.get("src") or "an image"
        warn(
            f"left out the image “{' '.join(label.split())[:80]}”: a page cannot show an image "
            "embedded in a Word file; describe it in the text, or add it to an HTML version "
            "of the brief"
        )
        parent = img.getparent()
        tail = img.tail or ""
        previous = img.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(img)


# ---------------------------------------------------------------- title block


def fill_title_block(page, props: dict[str, str], name: str, warn: Warner) -> None:
    """pandoc's title block, completed from the file's properties; several authors on one line.

    The HTML reader reads ``h1.title``, ``p.subtitle``, ``p.author`` and ``p.date`` as the
    brief's title, dek, byline and date.
    """
    body = page.find("body")
    header = body.find("header[@id='title-block-header']")
    if header is None:
        header = lxml.html.Element("header", id="title-block-header")
        body.insert(0, header)
    for key, tag in (("title", "h1"), ("subtitle", "p"), ("author", "p"), ("date", "p")):
        if props.get(key) and header.find(f"{tag}[@class='{key}']") is None:
            values = props[key].split(";") if key == "author" else [props[key]]
            for value in values:
                if value.strip():
                    element = lxml.html.Element(tag, {"class": key})
                    element.text = value.strip()
                    header.append(element)
    _order_title_block(header)
    _one_byline(header)
    title = header.find("h1[@class='title']")
    head_title = page.find("head/title")
    if title is not None and head_title is not None:
        head_title.text = " ".join(title.text_content().split())
    elif title is None and not body.xpath(".//h1"):
        warn(
            "the brief has no title; give it one (Word: a paragraph in the Title style, or "
            f"File → Properties → Title; Markdown: title: in the YAML block); “{name}” is used"
        )
        if head_title is not None:
            head_title.text = name
    if not len(header):
        body.remove(header)


def _order_title_block(header) -> None:
    """Title, subtitle, authors, date: the order pandoc writes and the reader expects."""
    rank = {"title": 0, "subtitle": 1, "author": 2, "date": 3}
    children = sorted(header, key=lambda el: rank.get(el.get("class", ""), 4))
    for child in children:
        header.append(child)


def _one_byline(header) -> None:
    """Several authors → one byline "A, B and C" (the page's byline is one line)."""
    authors = header.findall("p[@class='author']")
    if len(authors) < 2:
        return
    names = [" ".join(a.text_content().split()) for a in authors]
    authors[0].text = ", ".join(names[:-1]) + " and " + names[-1]
    for child in list(authors[0]):
        authors[0].remove(child)
    for extra in authors[1:]:
        header.remove(extra)


# ---------------------------------------------------------------- Markdown notes


def check_note_references(page, text: str, path: str) -> None:
    """A ``[^n]`` pandoc left as text (no definition): stop at its line in the Markdown file."""
    for node in page.xpath("//body//text()[not(ancestor::code or ancestor::pre)]"):
        m = _NOTE_REF.search(node)
        if m:
            raise LocbriefError(
                f"footnote reference {m.group(0)} has no definition; add a line "
                f"“{m.group(0)}: …” with the note's text, or remove the reference",
                path,
                _line_of(text, m.group(0)),
            )


def warn_unreferenced_notes(text: str, warn: Warner) -> None:
    """A note defined but never referred to is dropped by pandoc: say so at its line."""
    definitions: dict[str, int] = {}
    references: set[str] = set()
    fence = None
    for number, line in enumerate(text.splitlines(), start=1):
        if m := _FENCE.match(line):
            marker = m.group(1)[0]
            fence = None if fence == marker else fence or marker
            continue
        if fence:
            continue
        body = line
        if m := _NOTE_DEFINITION.match(line):
            definitions.setdefault(m.group(1), number)
            body = line[m.end() :]
        references.update(_NOTE_REF.findall(body))
    for label, number in definitions.items():
        if label not in references:
            warn(
                f"footnote [^{label}] is never referred to, so it is left out; refer to it "
                f"in the text ([^{label}]) or delete it",
                number,
            )


def _line_of(text: str, needle: str) -> int | None:
    """The first line of ``text`` holding ``needle`` (1-based)."""
    position = text.find(needle)
    return text.count("\n", 0, position) + 1 if position >= 0 else None
