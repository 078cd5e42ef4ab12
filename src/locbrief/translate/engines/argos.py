"""Argos Translate packages, run in batches through CTranslate2.

Packages are installed and listed with argostranslate's own package
management (``.argosmodel`` zip files, the argospm index). Translation does
not go through ``argostranslate.translate``, which splits, tokenizes and
translates one paragraph at a time: locbrief already hands over sentence-sized
units, so each batch is tokenized with the package's SentencePiece model and
sent to one ``ctranslate2.Translator.translate_batch`` call.

A pair with no direct package is pivoted through English (es→pt as es→en→en→pt),
as Argos itself does. argostranslate reads its settings (package folder, index
URL, device) from the environment when it is imported; :func:`argos_settings`
reloads them when that environment has changed, so ``ARGOS_PACKAGES_DIR`` is
honoured at call time (tests point it at a temporary folder).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import socket
import sys
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from locbrief.translate.engines import Engine, EngineError, language_code

PIVOT = "en"
#: sentences per CTranslate2 sub-batch; the whole list still goes in one call
MAX_BATCH_SIZE = 32
#: seconds before a silent package index or download server counts as unreachable
NETWORK_TIMEOUT = 60.0
#: Argos codes that differ from the plain ISO 639-1 code of a locale
ARGOS_CODES = {"pt_br": "pb", "zh_tw": "zt", "zh_hk": "zt", "zh_hant": "zt", "no": "nb"}

_lock = threading.RLock()
_settings_env: tuple | None = None
_translators: dict[tuple, object] = {}
_processors: dict[tuple, object] = {}


# ---------------------------------------------------------------- argostranslate settings


def _settings_environment() -> tuple:
    """The part of the environment argostranslate.settings is computed from."""
    keys = ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "SNAP", "SNAP_USER_DATA")
    return tuple(
        sorted((k, v) for k, v in os.environ.items() if k.startswith("ARGOS_") or k in keys)
    )


def argos_settings() -> ModuleType:
    """``argostranslate.settings``, reloaded if the environment changed since it was read.

    argostranslate computes its package folder once, at import; reloading the
    module in place lets ``argostranslate.package`` (which reads
    ``settings.package_data_dir`` at call time) follow ``ARGOS_PACKAGES_DIR``.
    """
    global _settings_env
    with _lock:
        imported_elsewhere = "argostranslate.settings" in sys.modules
        try:
            import argostranslate.settings as settings
        except ImportError as error:
            raise EngineError(
                f"argos: argostranslate is not installed ({error}); pip install argos-translate-lt"
            ) from None
        env = _settings_environment()
        if env != _settings_env and (_settings_env is not None or imported_elsewhere):
            settings = importlib.reload(settings)  # read under an environment we did not see
        _settings_env = env
        return settings


def _argos_package() -> ModuleType:
    """``argostranslate.package`` with settings in line with the environment."""
    argos_settings()
    import argostranslate.package as package

    return package


def packages_dir() -> Path:
    """Where Argos installs packages (``ARGOS_PACKAGES_DIR`` or its per-user default)."""
    return Path(argos_settings().package_data_dir)


# ---------------------------------------------------------------- installed packages


def installed_packages() -> list:
    """Installed Argos translation packages (``argostranslate.package.Package``).

    Folders that are not valid packages are skipped rather than failing every
    lookup, unlike ``argostranslate.package.get_installed_packages``.
    """
    settings, package = argos_settings(), _argos_package()
    found = []
    for folder in settings.package_dirs:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if not (path / "metadata.json").is_file() or not (path / "model").is_dir():
                continue
            try:
                pkg = package.Package(path)
            except (OSError, ValueError):
                continue
            if (pkg.type or "translate") == "translate" and pkg.from_code and pkg.to_code:
                found.append(pkg)
    return found


def argos_codes(locale: str) -> list[str]:
    """Argos language codes to look for, most specific first: 'pt_BR' → ['pb', 'pt']."""
    plain = language_code(locale)
    full = locale.replace("-", "_").lower()
    special = ARGOS_CODES.get(full) or ARGOS_CODES.get(plain)
    return [special, plain] if special and special != plain else [plain]


def package_name(pkg) -> str:
    """'translate-en_es 1.0': the argospm name and the package version."""
    return f"{pkg.type or 'translate'}-{pkg.from_code}_{pkg.to_code} {pkg.package_version}".strip()


def _version_key(pkg) -> tuple:
    """Sort key for package versions ('1.9' < '1.10'); unparsable versions sort first."""
    import packaging.version

    try:
        return (1, packaging.version.parse(str(pkg.package_version)))
    except packaging.version.InvalidVersion:
        return (0, str(pkg.package_version))


def _newest(packages: list, source: str, target: str):
    """The newest package translating source→target (codes), or None."""
    matching = [p for p in packages if p.from_code == source and p.to_code == target]
    return max(matching, key=_version_key) if matching else None


def find_route(packages: list, source: str, target: str) -> list | None:
    """Packages to apply in turn for source→target: one direct, or two pivoting through English.

    ``source``/``target`` are locale names; works on installed and index packages alike.
    """
    pairs = [(s, t) for s in argos_codes(source) for t in argos_codes(target) if s != t]
    for s, t in pairs:
        direct = _newest(packages, s, t)
        if direct is not None:
            return [direct]
    for s, t in pairs:
        if PIVOT in (s, t):
            continue
        first, second = _newest(packages, s, PIVOT), _newest(packages, PIVOT, t)
        if first is not None and second is not None:
            return [first, second]
    return None


# ---------------------------------------------------------------- installing


def _pivot_note(source: str, target: str) -> str:
    """', not even through English' where a pivot was possible and also missing."""
    return (
        ""
        if PIVOT in (language_code(source), language_code(target))
        else ", not even through English"
    )


def _hint(source: str, target: str) -> str:
    """One-line advice on which package file to install for source→target."""
    s, t = argos_codes(source)[-1], argos_codes(target)[-1]
    hint = f"install an Argos package: locbrief install-argos path/to/translate-{s}_{t}.argosmodel"
    if PIVOT not in (s, t):
        hint += f" (or translate-{s}_{PIVOT} and translate-{PIVOT}_{t} to pivot through English)"
    return hint


def _package_folder(path: Path) -> str:
    """The one top-level folder of an .argosmodel zip, after checking it looks like a package."""
    if not path.is_file():
        raise EngineError("no such Argos package file", path=str(path))
    if not zipfile.is_zipfile(path):
        raise EngineError(
            "not an Argos package (an .argosmodel must be a zip archive)", path=str(path)
        )
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.strip("/")]
    tops = {n.split("/", 1)[0] for n in names}
    if len(tops) != 1 or not all("/" in n for n in names):
        raise EngineError(
            "not an Argos package: the zip must hold exactly one folder", path=str(path)
        )
    top = tops.pop()
    for required in ("metadata.json", "model/model.bin"):
        if f"{top}/{required}" not in names:
            raise EngineError(f"not an Argos package: {top}/{required} is missing", path=str(path))
    if not any(f"{top}/{tok}" in names for tok in ("sentencepiece.model", "bpe.model")):
        raise EngineError(
            f"not an Argos package: {top}/ has no sentencepiece.model or bpe.model", path=str(path)
        )
    return top


def install_model(path: str | Path):
    """Install an ``.argosmodel`` file into Argos' package folder; returns the installed Package.

    Goes through ``argostranslate.package.install_from_path`` after checking the
    zip holds one package folder; a package already installed under the same
    folder name is uninstalled first so no stale files survive.
    """
    path = Path(path)
    top = _package_folder(path)
    package = _argos_package()
    target = packages_dir() / top
    with _lock:
        if (target / "metadata.json").is_file():
            package.uninstall(package.Package(target))
        elif target.exists():
            raise EngineError(
                f"cannot install: {target} exists and is not an Argos package", path=str(path)
            )
        _forget(target)
        try:
            package.install_from_path(path)
            installed = package.Package(target)
        except (OSError, ValueError, zipfile.BadZipFile) as error:
            raise EngineError(
                f"could not install Argos package: {_one_line(error)}", path=str(path)
            ) from None
    if not installed.from_code or not installed.to_code:
        package.uninstall(installed)
        raise EngineError(
            "not an Argos translation package: metadata.json names no from_code/to_code",
            path=str(path),
        )
    return installed


class _ArgosLog(logging.Handler):
    """Collects what argostranslate logs (it logs network errors instead of raising)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()  # argostranslate logs str((error,))
        if message.startswith("(") and message.endswith(",)"):
            message = message[1:-2]
        self.messages.append(message)


@contextlib.contextmanager
def _networking(timeout: float = NETWORK_TIMEOUT):
    """Catch argostranslate's network error logs, and bound its urlopen calls (it sets no timeout)."""
    log, logger = _ArgosLog(), logging.getLogger("argostranslate.utils")
    previous = socket.getdefaulttimeout()
    logger.addHandler(log)
    if previous is None:
        socket.setdefaulttimeout(timeout)
    try:
        yield log.messages
    finally:
        logger.removeHandler(log)
        socket.setdefaulttimeout(previous)


def _update_index() -> list:
    """Download the argospm index and return its translation packages; EngineError when offline."""
    settings, package = argos_settings(), _argos_package()
    index = Path(settings.local_package_index)
    before = index.stat().st_mtime_ns if index.exists() else None
    with _networking() as errors:
        package.update_package_index()
    if not index.exists() or (errors and index.stat().st_mtime_ns == before):
        reason = f" ({errors[-1]})" if errors else ""
        raise EngineError(
            f"argos: cannot download the package index {settings.remote_package_index}"
            f"{reason}; fetch the .argosmodel file elsewhere and run: "
            f"locbrief install-argos FILE"
        )
    try:
        available = package.get_available_packages()
    except (ValueError, OSError) as error:
        raise EngineError(
            f"argos: unreadable package index: {_one_line(error)}", path=str(index)
        ) from None
    return [p for p in available if (p.type or "translate") == "translate"]


def install_from_index(source: str, target: str) -> list:
    """Download and install from the Argos index what source→target needs (direct or via English).

    Returns the packages installed now (empty if they were already there).
    Network failures raise EngineError with a one-line message, never a traceback.
    """
    route = find_route(_update_index(), source, target)
    if route is None:
        raise EngineError(
            f"argos: the package index has nothing for {source}→{target}"
            f"{_pivot_note(source, target)}"
        )
    have = installed_packages()
    installed = []
    for wanted in route:
        current = _newest(have, wanted.from_code, wanted.to_code)
        if current is not None and _version_key(current) >= _version_key(wanted):
            continue
        with _networking() as errors:
            try:
                download = wanted.download()
            except (
                Exception
            ) as error:  # argostranslate raises a bare Exception when a download fails
                reason = errors[-1] if errors else _one_line(error)
                raise EngineError(
                    f"argos: could not download {package_name(wanted)} ({reason}); "
                    f"fetch it elsewhere and run: locbrief install-argos FILE"
                ) from None
        try:
            installed.append(install_model(download))
        finally:
            Path(download).unlink(missing_ok=True)
    return installed


# ---------------------------------------------------------------- running CTranslate2


@dataclass(frozen=True)
class _Threads:
    inter: int
    intra: int


def _threads() -> _Threads:
    """Use every core: a few parallel sub-batches (inter) × threads each (intra).

    ARGOS_INTER_THREADS / ARGOS_INTRA_THREADS override, as they do for Argos.
    """
    settings = argos_settings()
    cores = os.cpu_count() or 1
    inter = settings.get_setting("ARGOS_INTER_THREADS")
    intra = settings.get_setting("ARGOS_INTRA_THREADS")
    inter = int(inter) if inter else max(1, min(4, cores // 4))
    intra = int(intra) if intra else max(1, cores // inter)
    return _Threads(inter, intra)


def _stamp(path: Path) -> int:
    """Modification time, so a reinstalled package is not served from a stale cache."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _forget(package_path: Path) -> None:
    """Drop cached translators and tokenizers of a package folder (before reinstalling it)."""
    with _lock:
        for cache in (_translators, _processors):
            for key in [k for k in cache if k[0] == str(package_path)]:
                del cache[key]


def translator_for(pkg):
    """The cached ``ctranslate2.Translator`` for a package (loaded once per process)."""
    import ctranslate2

    settings, threads = argos_settings(), _threads()
    model_dir = Path(pkg.package_path) / "model"
    key = (
        str(pkg.package_path),
        _stamp(model_dir / "model.bin"),
        settings.device,
        settings.compute_type,
        threads,
    )
    with _lock:
        if key not in _translators:
            _translators[key] = ctranslate2.Translator(
                str(model_dir),
                device=settings.device,
                compute_type=settings.compute_type,
                inter_threads=threads.inter,
                intra_threads=threads.intra,
            )
        return _translators[key]


def _sentencepiece(pkg):
    """The package's SentencePiece processor, or None for (older) BPE packages."""
    path = Path(pkg.package_path) / "sentencepiece.model"
    if not path.is_file():
        return None
    import sentencepiece

    key = (str(pkg.package_path), _stamp(path))
    with _lock:
        if key not in _processors:
            _processors[key] = sentencepiece.SentencePieceProcessor(model_file=str(path))
        return _processors[key]


def _encode(pkg, texts: list[str]) -> list[list[str]]:
    """Sub-word pieces of each text, with the package's own tokenizer."""
    processor = _sentencepiece(pkg)
    if processor is not None:
        return processor.encode(texts, out_type=str)
    return [pkg.tokenizer.encode(text) for text in texts]


def _decode(pkg, pieces: list[str]) -> str:
    """Text of output pieces; pieces unknown to the vocabulary keep their surface form."""
    processor = _sentencepiece(pkg)
    if processor is None:
        return pkg.tokenizer.decode(pieces)
    return processor.decode_pieces(pieces).replace("▁", " ").strip(" ")


def _one_line(error: BaseException) -> str:
    """First line of an exception message, for one-line user errors."""
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def translate_with(pkg, texts: list[str]) -> list[str]:
    """Translate ``texts`` with one package in a single ``translate_batch`` call.

    Blank texts are passed through; surrounding whitespace is kept.
    """
    settings = argos_settings()
    todo = [i for i, text in enumerate(texts) if text.strip()]
    out = list(texts)
    if not todo:
        return out
    tokens = _encode(pkg, [texts[i].strip() for i in todo])
    prefix = pkg.target_prefix or ""
    results = translator_for(pkg).translate_batch(
        tokens,
        target_prefix=[[prefix]] * len(tokens) if prefix else None,
        max_batch_size=MAX_BATCH_SIZE,
        beam_size=max(1, int(settings.beam_size)),
        replace_unknowns=True,
    )
    for i, result in zip(todo, results):
        pieces = list(result.hypotheses[0])
        if prefix and pieces and pieces[0] == prefix:
            pieces = pieces[1:]
        text = texts[i]
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        out[i] = lead + _decode(pkg, pieces) + trail
    return out


# ---------------------------------------------------------------- the engine


class ArgosEngine(Engine):
    """Argos Translate packages (CTranslate2 Transformer models), one batch per call."""

    name = "argos"

    def route(self, source: str, target: str) -> list:
        """Installed packages for source→target (one, or two through English); EngineError if none."""
        route = find_route(installed_packages(), source, target)
        if route is None:
            raise EngineError(
                f"argos: no package installed for {source}→{target}"
                f"{_pivot_note(source, target)}; "
                f"{self.install_hint(source, target)}"
            )
        return route

    def available(self, source: str, target: str) -> bool:
        try:
            return find_route(installed_packages(), source, target) is not None
        except EngineError:  # argostranslate itself is missing
            return False

    def model(self, source: str, target: str) -> str:
        return " + ".join(package_name(pkg) for pkg in self.route(source, target))

    def install_hint(self, source: str, target: str) -> str:
        return _hint(source, target)

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        out = list(texts)
        for pkg in self.route(source, target):
            try:
                out = translate_with(pkg, out)
            except (RuntimeError, ValueError, OSError, IndexError) as error:
                raise EngineError(
                    f"argos crashed on {source}→{target} with {package_name(pkg)} "
                    f"({Path(pkg.package_path).name}): {_one_line(error)}; "
                    f"reinstall it or {self.install_hint(source, target)}"
                ) from None
        return out
