"""Apertium, from Debian's packages: the engine that works offline on every machine here.

One ``apertium`` process per batch (units separated by blank lines), never one
per unit. Pairs Debian lacks are chained through Spanish (en→es→pt_BR, en→es→fr).

Apertium runs without ``-u``, so it marks what it could not handle: ``*word``
an unknown word (English left in the output), ``#word`` a word it could not
inflect, ``@word`` one it could not transfer. :meth:`ApertiumEngine.unknown_words`
takes the marks out and lists the unknown words, so a person sees them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from functools import cache
from pathlib import Path

from locbrief.translate.engines import Engine, EngineError, language_code
from locbrief.translate.engines.apertium_stream import ModeStream, PipelineError
from locbrief.translate.engines.apertium_vocab import Vocabulary, compiled_mode, vocabulary

MODES_DIR = Path("/usr/share/apertium/modes")
#: The project's words and sense rules per pair (apertium_vocab), and where they are compiled.
VOCABULARY_DIR = Path("locales/apertium")
BUILD_DIR = Path("build/apertium")
VOCABULARY_TOOLS = ("apertium-lex-tools-dev", "lttoolbox-dev")
_BUILDING = threading.Lock()
#: Apertium language codes and the Debian package of each direct pair.
CODES = {"en": "eng", "es": "spa", "ca": "cat", "pt": "por", "fr": "fra"}
PACKAGES = {
    ("en", "es"): "apertium-eng-spa",
    ("en", "ca"): "apertium-eng-cat",
    ("es", "pt"): "apertium-es-pt",
    ("es", "fr"): "apertium-fr-es",
    ("es", "en"): "apertium-eng-spa",
    ("ca", "en"): "apertium-eng-cat",
    ("en", "gl"): "apertium-en-gl",
    ("gl", "en"): "apertium-en-gl",
}
#: How to reach a target that no direct pair covers.
PIVOTS = {("en", "pt"): "es", ("en", "fr"): "es"}
#: Part of every model name: the output carries Apertium's marks (memory keys on it).
MARKS_NOTE = "(unknown words marked)"
#: A word with marks in front (* unknown, # not inflected, @ not transferred); Apertium adds one,
#: right before the word, after any the text had ("**kwargs" → "***kwargs", "1970s" → "1970*s").
_MARKED = re.compile(r"(?<![*#@])([*#@]+)([^\W_](?:[\w'’.-]*[^\W_])?)")


class ApertiumEngine(Engine):
    name = "apertium"
    timeout = 300.0
    #: each batch's process spends much of its time loading the pair and passing text between its
    #: dozen programs: batches run side by side, four at a time (a pipeline holds about 150 MB; on
    #: the 2-core machine, four did as well as eight: seed 1.6 s one at a time, 1.5 s four or eight)
    concurrent_batches = 4

    #: the project's vocabulary (relative to the project, where the workflow runs) and its builds
    vocabulary_dir: Path = VOCABULARY_DIR
    build_dir: Path = BUILD_DIR

    def __init__(self, vocabulary_dir: Path | None = None, build_dir: Path | None = None):
        if vocabulary_dir is not None:
            self.vocabulary_dir = Path(vocabulary_dir)
        if build_dir is not None:
            self.build_dir = Path(build_dir)

    def _vocabulary(self, mode: str) -> Vocabulary | None:
        """The project's vocabulary for a stock mode (None if it has none), digested once."""
        cache = self.__dict__.setdefault("_vocabularies", {})
        if mode not in cache:
            cache[mode] = vocabulary(self.vocabulary_dir, mode, MODES_DIR / f"{mode}.mode")
        return cache[mode]

    def available(self, source: str, target: str) -> bool:
        return shutil.which("apertium") is not None and all(
            _mode_for(a, b) for a, b in self.chain(source, target)
        )

    def chain(self, source: str, target: str) -> list[tuple[str, str]]:
        """The locale hops source→target takes (one, or two through a pivot)."""
        src, tgt = language_code(source), language_code(target)
        pivot = PIVOTS.get((src, tgt))
        if pivot and not _mode_for(source, target):
            return [(source, pivot), (pivot, target)]
        return [(source, target)]

    def model(self, source: str, target: str) -> str:
        parts = []
        for a, b in self.chain(source, target):
            mode = _mode_for(a, b)
            part = f"{mode} {_package_version(language_code(a), language_code(b))}"
            vocab = self._vocabulary(mode) if mode else None
            parts.append(part + (f" + locbrief vocabulary {vocab.digest[:12]}" if vocab else ""))
        return " | ".join(parts) + " " + MARKS_NOTE

    def unknown_words(self, output: str, sent: str) -> tuple[str, tuple[str, ...]]:
        """Take out the marks Apertium added; words marked ``*`` (on any hop) are unknown.

        Names the engine passed through as they are (see :func:`_name`) are not
        listed: nothing is left to translate in them.
        """
        text, marked = unmarked(output, sent)
        return text, tuple(dict.fromkeys(w for w in marked if not _name(w, sent)))

    def debian_packages(self, source: str, target: str) -> list[str]:
        """The Debian packages that provide source→target (through the pivot if needed); [] if none does."""
        hops = self._hops(source, target)
        if not all(hop in PACKAGES for hop in hops):
            return []
        # lt-comp, lt-append (lttoolbox-dev) and lrx-comp compile the project's vocabulary
        tools = VOCABULARY_TOOLS if any(self._has_vocabulary(*hop) for hop in hops) else ()
        return ["apertium", *tools] + sorted({PACKAGES[hop] for hop in hops})

    def _has_vocabulary(self, source: str, target: str) -> bool:
        """Whether the project keeps vocabulary for this hop (locales/apertium/<pair>.tsv|.lrx)."""
        pair = f"{CODES.get(source, source)}-{CODES.get(target, target)}"
        return any((self.vocabulary_dir / f"{pair}{ext}").exists() for ext in (".tsv", ".lrx"))

    def install_hint(self, source: str, target: str) -> str:
        packages = self.debian_packages(source, target)
        if not packages:
            missing = next(
                f"{a}→{b}" for a, b in self._hops(source, target) if (a, b) not in PACKAGES
            )
            return (
                f"Debian has no Apertium package for {missing} (choose another engine for {target})"
            )
        return "apt-get install " + " ".join(packages)

    def _hops(self, source: str, target: str) -> list[tuple[str, str]]:
        src, tgt = language_code(source), language_code(target)
        pivot = PIVOTS.get((src, tgt))
        return [(src, pivot), (pivot, tgt)] if pivot else [(src, tgt)]

    def prepare(self, source: str, target: str) -> None:
        """Every hop's mode built and its kept-running stages started."""
        for a, b in self.chain(source, target):
            mode = _mode_for(a, b)
            if mode is None:
                continue
            try:
                self._stream(mode).start()
            except PipelineError as exc:
                raise _failed(mode, exc, "when starting") from None

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        lines = [" ".join(t.split()) for t in texts]
        for a, b in self.chain(source, target):
            lines = self._run(_mode_for(a, b), lines)
        return lines

    def _stream(self, mode: str) -> ModeStream:
        """The mode's stages (the project's compiled mode where it has vocabulary), started once."""
        streams = self.__dict__.setdefault("_streams", {})
        with _BUILDING:  # batches run side by side: one builds a missing mode, the others wait
            if mode not in streams:
                vocab = self._vocabulary(mode)
                mode_file = MODES_DIR / f"{mode}.mode"
                if vocab is not None:
                    data, name = compiled_mode(vocab, mode_file, self.build_dir)
                    mode_file = data / "modes" / f"{name}.mode"
                streams[mode] = ModeStream(mode_file)
            return streams[mode]

    def _run(self, mode: str | None, lines: list[str]) -> list[str]:
        """The batch through the mode's stages; exactly one output segment per input segment.

        Segments are separated by a blank line, which Apertium treats as a
        paragraph break: with single newlines its transfer rules reorder words
        across them ("cartels\\nCartel" came back as "de\\ncárteles del cártel").
        """
        if mode is None:
            raise EngineError("apertium has no mode for this pair")
        batch = f"a batch of {len(lines)} units starting {lines[0][:60]!r}"
        try:
            output = self._stream(mode).translate("\n\n".join(lines) + "\n", self.timeout)
        except TimeoutError:
            raise EngineError(
                f"apertium {mode} hung for more than {self.timeout:g} s on {batch}"
            ) from None
        except PipelineError as exc:
            raise _failed(mode, exc, f"on {batch}") from None
        out = [seg.strip() for seg in output.strip("\n").split("\n\n")] if output.strip() else []
        if len(out) != len(lines):
            raise EngineError(
                f"apertium {mode} returned {len(out)} segments for {len(lines)} sent; "
                f"batch starts with {lines[0][:60]!r}"
            )
        return [" ".join(seg.split()) for seg in out]


def _failed(mode: str, exc: PipelineError, where: str) -> EngineError:
    """A stage's failure as one line: the mode, its exit status, where, its last message."""
    return EngineError(
        f"apertium {mode} failed (exit {exc.status}) {where}: {exc.last or 'no message'}"
    )


def unmarked(output: str, sent: str) -> tuple[str, list[str]]:
    """``output`` without the marks Apertium added, and every word it marked ``*`` (names too).

    Apertium adds one mark, right before the word; marks the text sent already
    had before the word stay ("f(*args, **kwargs)" comes back as "f(**args,
    ***kwargs)" and leaves as it came; "@dancrenshawtx" comes back as
    "@*dancrenshawtx"). The list is what the engine did not know, occurrence by
    occurrence: bench/draft_quality.py counts it.
    """
    unknown: list[str] = []

    def unmark(match: re.Match) -> str:
        marks, word = match.groups()
        if _in_text(marks + word, sent) or not _added(marks, word, sent):
            return marks + word
        if marks[-1] == "*":
            unknown.append(word)
        return marks[:-1] + word

    return _MARKED.sub(unmark, output), unknown


def _in_text(marked: str, text: str) -> bool:
    """``marked`` (marks and a word) stands in ``text`` with no other mark before it."""
    return re.search(rf"(?<![*#@]){re.escape(marked)}(?![\w])", text) is not None


def _added(marks: str, word: str, sent: str) -> bool:
    """Whether the last of ``marks`` is Apertium's.

    It is when the text had the word with one mark fewer, or when the text has no
    such marks before any word (a word Apertium could not inflect or transfer is
    its own lemma, not the text's: "#hacer").
    """
    if _in_text(marks[:-1] + word, sent):
        return True
    return re.search(rf"(?<![*#@]){re.escape(marks)}\w", sent) is None


def _name(word: str, sent: str) -> bool:
    """Whether an unknown ``word`` is a name: an initial, an acronym, or capitalised mid-sentence.

    English capitalises inside a sentence only names (people, places, titles of
    works); a capitalised word that opens a sentence may be any word, so it
    stays listed unless it also stands capitalised inside one.
    """
    if not word[:1].isupper():
        return False
    if len(word) == 1 or word.isupper():
        return True
    for found in re.finditer(rf"(?<![\w*#@]){re.escape(word)}(?!\w)", sent):
        before = sent[: found.start()].rstrip()
        if before and before[-1] not in ".!?:;\"“‘'(«[—–-" and not before.endswith("*"):
            return True
    return False


def _mode_for(source: str, target: str) -> str | None:
    """The installed mode for a locale pair: region variant first (es-pt_BR), then the plain pair."""
    src, tgt = language_code(source), language_code(target)
    region = target.replace("-", "_").split("_")[1:] if "_" in target.replace("-", "_") else []
    names = []
    for s in (CODES.get(src, src), src):
        for t in (CODES.get(tgt, tgt), tgt):
            if region:
                names.append(f"{s}-{t}_{region[0]}")
            names.append(f"{s}-{t}")
    return next((n for n in names if (MODES_DIR / f"{n}.mode").exists()), None)


@cache
def _package_version(src: str, tgt: str) -> str:
    package = PACKAGES.get((src, tgt))
    if not package:
        return ""
    done = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Version}", package], capture_output=True, text=True
    )
    return done.stdout.strip() if done.returncode == 0 else ""
