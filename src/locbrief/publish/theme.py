"""The organisation's look: Jinja2 templates and style sheets a site can replace from the config.

The page shell, the index and the PDF's print style come from the package's
``templates/`` folder; ``site.theme`` in the config names a folder whose files
of the same name take their place (``page.html.j2``, ``index.html.j2``,
``page.css``, ``print.css``). A site template can extend the package's own as
``default/page.html.j2`` and replace only its ``header`` or ``footer`` block.
Autoescape is on: text from a brief or a PO file is always escaped; only the
article body (built and escaped by lxml) and the style sheets are inserted as is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from locbrief.model import LocbriefError

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
#: The files a site theme may replace; a theme folder holds at least one of them.
THEME_FILES = ("page.html.j2", "index.html.j2", "page.css", "print.css", "pdf.css")
PAPER_SIZES = {"A4": "A4", "letter": "letter"}
#: The PDF's fonts (Debian fonts-dejavu-core): they cover every character of es, pt, fr and ca.
DEFAULT_FONTS = ("DejaVu Serif", "DejaVu Sans")


@dataclass(frozen=True)
class Site:
    """The config's ``site:`` settings, with the package's defaults."""

    name: str = ""
    base_url: str = ""  # "" → canonical links and the sitemap are relative
    theme: str = ""  # a folder of templates and style sheets replacing the package's
    logo: str = ""  # an image file, copied to out/assets/ and shown in the page header
    paper: str = "A4"  # A4 | letter
    fonts: tuple[str, ...] = field(default=DEFAULT_FONTS)

    @classmethod
    def from_config(cls, config: dict) -> Site:
        settings = dict(config.get("site") or {})
        if settings.get("base_url") and not settings["base_url"].endswith("/"):
            settings["base_url"] += "/"
        if "fonts" in settings:
            settings["fonts"] = tuple(settings["fonts"])
        return cls(**settings)

    @property
    def logo_name(self) -> str:
        """The logo's file name in out/assets/ (``locbrief site`` copies it there)."""
        return Path(self.logo).name if self.logo else ""

    @property
    def logo_href(self) -> str:
        """Where a page in out/<lang>/ finds the logo."""
        return f"../assets/{self.logo_name}" if self.logo else ""


def theme_problem(folder: str) -> str:
    """Why ``folder`` cannot be a theme ("" when it can): a theme is trusted code (its templates
    run like a Sphinx theme's) and the PDF step may read every file below it, so it must be a
    folder of theme files, never ``/`` or ``/etc``."""
    path = Path(folder)
    if not path.is_dir():
        return f"{folder} is not a folder"
    if not any((path / name).is_file() for name in THEME_FILES):
        return f"{folder} is not a theme folder (it has none of {', '.join(THEME_FILES)})"
    return ""


@cache
def environment(theme: str = "") -> jinja2.Environment:
    """Templates from the site's theme folder first, then the package's (also as ``default/…``)."""
    package = jinja2.FileSystemLoader(PACKAGE_TEMPLATES)
    loaders = [jinja2.FileSystemLoader(theme)] if theme else []
    loaders += [package, jinja2.PrefixLoader({"default": package})]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env


def render(site: Site, template: str, **context) -> str:
    """One template of the theme, rendered; a theme's broken template is one line naming it."""
    try:
        return environment(site.theme).get_template(template).render(site=site, **context)
    except jinja2.TemplateSyntaxError as exc:
        raise LocbriefError(f"template error: {exc.message}", exc.filename, exc.lineno) from None
    except jinja2.TemplateError as exc:
        raise LocbriefError(f"template {template}: {exc}; fix the site theme", site.theme) from None


def stylesheet(site: Site, name: str) -> Markup:
    """A style sheet of the theme (or the package), for inlining into a ``<style>`` element."""
    for folder in ([Path(site.theme)] if site.theme else []) + [PACKAGE_TEMPLATES]:
        path = folder / name
        if path.is_file():
            css = path.read_text(encoding="utf-8")
            if "</" in css:
                raise LocbriefError(
                    "a style sheet may not contain '</' (it would end the <style> element)",
                    str(path),
                )
            return Markup(css)
    raise LocbriefError(f"style sheet {name} not found in the theme or the package", site.theme)
