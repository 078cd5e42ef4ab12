"""Apertium as its own ``apertium`` command runs it: one process per batch, the reference that
the long-running stages (locbrief.translate.engines.apertium_stream) must match byte for byte."""

from __future__ import annotations

import subprocess

from locbrief.translate.engines.apertium import MODES_DIR, ApertiumEngine
from locbrief.translate.engines.apertium_vocab import compiled_mode


class ProcessPerBatch(ApertiumEngine):
    """The same modes and the same segments, each batch through a fresh ``apertium`` process."""

    def _run(self, mode, lines):
        vocab = self._vocabulary(mode)
        command = ["apertium", mode]
        if vocab is not None:
            data, name = compiled_mode(vocab, MODES_DIR / f"{mode}.mode", self.build_dir)
            command = ["apertium", "-d", str(data), name]
        done = subprocess.run(
            command, input="\n\n".join(lines) + "\n", capture_output=True, text=True, check=True
        )
        return [" ".join(seg.split()) for seg in done.stdout.strip("\n").split("\n\n")]
