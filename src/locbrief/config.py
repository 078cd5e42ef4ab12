"""The workflow's configuration: ``config/config.yaml``, validated with one clear line per problem."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import re
from pathlib import Path

import yaml

from locbrief.locales import parse_locale
from locbrief.model import LocbriefError

log = logging.getLogger("locbrief")
SCHEMA = Path(__file__).parent / "schemas" / "config.schema.yaml"
#: Configs that passed the schema, by digest, relative to the project (see _check_schema).
CHECKED_DIR = Path("build/checked-config")
#: libyaml's loader where PyYAML was built with it (ten times faster than the pure-Python one)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def schema() -> dict:
    """The config schema, read once per process: every brief's name is checked against it, and a
    workflow run parses the Snakefile (and so this) before it can say there is nothing to do."""
    return yaml.load(SCHEMA.read_text(encoding="utf-8"), Loader=_LOADER)


def load_config(path: Path | str) -> dict:
    """Read and check the config; raise LocbriefError naming the setting and the fix."""
    path = Path(path)
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LocbriefError(
            "config file not found; copy the example from README.md", str(path)
        ) from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise LocbriefError(
            f"not valid YAML ({getattr(exc, 'problem', exc)})",
            str(path),
            line + 1 if line is not None else None,
        ) from None
    return check_config(config or {}, str(path))


def check_config(config: dict, path: str = "config/config.yaml") -> dict:
    """Validate against the JSON schema and Babel's locale data; fill defaults."""
    _refuse_secrets(config, path)
    _check_schema(config, path)
    config.setdefault("source_language", "en")
    _check_locale(config["source_language"], path, "source_language")
    for lang, settings in config["languages"].items():
        _check_locale(lang, path, f"languages.{lang}")
        settings.setdefault("engine", "auto")
    _check_publish(config, path)
    return config


def _check_publish(config: dict, path: str) -> None:
    """A required language must be one the config translates into (or the source language)."""
    known = [config["source_language"], *config["languages"]]
    for lang in (config.get("publish") or {}).get("required", []):
        if lang not in known:
            raise LocbriefError(
                f"setting publish.required: {lang!r} is not one of the languages "
                f"({', '.join(known)}); add it under 'languages' or remove it",
                path,
            )
    for setting in ("theme", "logo"):
        value = (config.get("site") or {}).get(setting)
        if value and not Path(value).exists():
            raise LocbriefError(
                f"setting site.{setting}: {value} does not exist; fix the path (relative to "
                "the folder make run is started from)",
                path,
            )
    theme = (config.get("site") or {}).get("theme")
    if theme:
        from locbrief.publish.theme import theme_problem

        if theme_problem(theme):
            raise LocbriefError(
                f"setting site.theme: {theme_problem(theme)}; name the folder of your theme's "
                "templates and style sheets, or remove the setting",
                path,
            )


def _refuse_secrets(config: dict, path: str) -> None:
    """A key written into the config would be committed and logged: name the variable instead."""
    from locbrief.translate.engines.remote import SECRET_VARIABLES, secret_in_url

    for setting, url in _url_settings(config):
        found = secret_in_url(url)
        if found:
            raise LocbriefError(
                f"setting {setting}: the URL holds {found}; credentials never go in the config "
                "(it is committed and URLs are logged): remove it and set the engine's key "
                "variable in the environment",
                path,
            )
    engines = config.get("engines") if isinstance(config, dict) else None
    for name, settings in (engines or {}).items() if isinstance(engines, dict) else ():
        for setting in settings if isinstance(settings, dict) else ():
            if any(word in str(setting).lower() for word in ("key", "token", "secret", "password")):
                variable = SECRET_VARIABLES.get(name, "the engine's key variable")
                raise LocbriefError(
                    f"setting engines.{name}.{setting}: keys never go in the config (it is "
                    f"committed); remove it and set {variable} in the environment",
                    path,
                )


def _url_settings(value, setting: str = ""):
    """(dotted setting, value) of every string in the config that looks like a URL."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _url_settings(inner, f"{setting}.{key}" if setting else str(key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _url_settings(inner, f"{setting}[{index}]")
    elif isinstance(value, str) and "://" in value:
        yield setting, value


def _check_schema(config: dict, path: str) -> None:
    """Validate against the JSON schema, unless this config (these bytes of it and of the schema)
    passed before: every stage of a run checks the config, and jsonschema takes 0.1 s to import.

    Remembered only in a project the pipeline has run in (its build/ exists, the run's own
    workspace): before the first run, checking a config (a dry run, a publish) writes nothing."""
    text = json.dumps(config, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(SCHEMA.read_bytes() + b"\0" + text.encode("utf-8")).hexdigest()
    passed = CHECKED_DIR / digest[:32]
    if passed.exists():
        return
    import jsonschema

    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema()).iter_errors(config)
    )
    if error is not None:
        raise LocbriefError(_schema_message(error), path)
    if not CHECKED_DIR.parent.is_dir():
        return
    with contextlib.suppress(OSError):  # a cache: a read-only project is checked every time
        passed.parent.mkdir(exist_ok=True)
        passed.touch()


def _schema_message(error) -> str:
    """A jsonschema ValidationError as the line that names the setting."""
    setting = ".".join(str(p) for p in error.absolute_path) or "(top level)"
    if error.validator == "anyOf":  # one engine or a list: report the list of names
        error = next((e for e in error.context if e.validator == "enum"), error)
    if error.validator == "enum":
        return f"setting {setting}: {error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "additionalProperties":
        return f"{error.message} at {setting}; remove it or check its spelling"
    return f"setting {setting}: {error.message}"


def _check_locale(lang: str, path: str, setting: str) -> None:
    """A CLDR locale in its canonical spelling: es_MX, not es_mx (it names locales/<lang>/)."""
    try:
        canonical = str(parse_locale(lang))
    except LocbriefError as exc:
        raise LocbriefError(f"setting {setting}: {exc.message}", path) from None
    if canonical != lang:
        folder = (
            f" (it names the folder locales/{canonical}/)"
            if setting.startswith("languages.")
            else ""
        )
        raise LocbriefError(
            f"setting {setting}: write the locale as {canonical!r}, not {lang!r}{folder}", path
        )


def source_path(
    brief: str, source_dir: Path | str = "source", config_path: str = "config/config.yaml"
) -> Path:
    """The source file of a brief; a brief listed but missing is an error that names both."""
    from locbrief.read import SOURCE_SUFFIXES

    for suffix in SOURCE_SUFFIXES:
        candidate = Path(source_dir) / f"{brief}{suffix}"
        if candidate.exists():
            return candidate
    raise LocbriefError(
        f"brief {brief!r} is listed under 'briefs' but there is no "
        f"{source_dir}/{brief}{SOURCE_SUFFIXES[0]} (or {', '.join(SOURCE_SUFFIXES[1:])}); "
        "add the file or remove the brief",
        config_path,
    )


def find_briefs(
    config: dict, source_dir: Path | str = "source", config_path: str = "config/config.yaml"
) -> dict[str, Path]:
    """Every brief in ``source_dir`` by name (or only those ``briefs:`` lists), with its file.

    A brief's name becomes a file name under build/, out/ and locales/ and a Snakemake
    wildcard value, so it must match the schema's brief pattern; two files that would
    give the same name (``a.txt`` and ``a.html``) are ambiguous.
    """
    if config.get("briefs"):
        return {brief: source_path(brief, source_dir, config_path) for brief in config["briefs"]}
    from locbrief.read import SOURCE_SUFFIXES

    found: dict[str, Path] = {}
    for path in sorted(Path(source_dir).iterdir()) if Path(source_dir).is_dir() else []:
        if _not_a_brief(path):
            continue
        if path.suffix.lower() not in SOURCE_SUFFIXES:
            continue  # named by warn_unknown_sources
        if not re.fullmatch(brief_pattern(), path.stem):
            raise LocbriefError(
                f"{path.stem!r} is not usable as a brief name (it names files and URLs); "
                "rename the file to letters, digits, '_', '.' and '-' only",
                str(path),
            )
        if path.stem in found:
            raise LocbriefError(
                f"two briefs named {path.stem!r} ({found[path.stem].name} and {path.name}); "
                "rename or remove one",
                str(path),
            )
        found[path.stem] = path
    if not found:
        raise LocbriefError(
            f"no briefs in {source_dir}/; add a .txt capture, an .html article, "
            "a Markdown (.md) or Word (.docx) file there",
            str(source_dir),
        )
    return found


def _not_a_brief(path: Path) -> bool:
    """Hidden files, the lock file Word keeps beside an open .docx (``~$brief.docx``), a folder,
    and a README (notes about the folder, not a brief): never read, never named."""
    return path.name.startswith((".", "~$")) or not path.is_file() or path.stem.lower() == "readme"


def warn_unknown_sources(source_dir: Path | str = "source") -> list[str]:
    """One warning line for each file in ``source_dir`` that is no kind of brief locbrief reads.

    Called once per run (by check-config and the workflow's planning process), not by every
    stage that lists the briefs, so each line is printed once.
    """
    from locbrief.read import SOURCE_SUFFIXES

    folder = Path(source_dir)
    lines = [
        f"{path}: not a kind of file locbrief reads, left out; it reads "
        f"{', '.join(SOURCE_SUFFIXES)}"
        for path in (sorted(folder.iterdir()) if folder.is_dir() else [])
        if not _not_a_brief(path) and path.suffix.lower() not in SOURCE_SUFFIXES
    ]
    for line in lines:
        log.warning("%s", line)
    return lines


def brief_pattern() -> str:
    """The schema's rule for a brief name, so the config and source/ obey the same one."""
    return schema()["properties"]["briefs"]["items"]["pattern"]


def check_engines(config: dict, path: str = "config/config.yaml") -> dict[str, str]:
    """The engines each language will use, in fallback order; a missing one names what to do.

    No network call: remote engines are checked by ``locbrief check-config``.
    """
    from locbrief.translate.chain import choose_chain, engine_names_of

    chosen = {}
    source = config["source_language"]
    for lang, settings in config["languages"].items():
        try:
            engines = choose_chain(config, engine_names_of(settings["engine"]), source, lang)
        except LocbriefError as exc:
            raise LocbriefError(f"setting languages.{lang}.engine: {exc.message}", path) from None
        chosen[lang] = " → ".join(engine.summary(source, lang) for engine in engines)
    return chosen
