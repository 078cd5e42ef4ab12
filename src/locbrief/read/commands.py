"""The ``read`` command: a brief on disk → the document JSON the later stages read.

Each takes the parsed arguments of its ``locbrief`` subcommand (cli.py) and does the
stage's work through the package's functions; the Snakefile runs the same commands.
"""

from __future__ import annotations

import logging

from locbrief.files import write_json

log = logging.getLogger("locbrief")


def cmd_read(args) -> None:
    from locbrief.read import read_source

    doc = read_source(args.source)  # warnings go to the locbrief logger
    write_json(args.output, doc.to_json())
    log.info("%s: %d blocks, %d endnotes", args.source, len(doc.blocks), len(doc.notes()))
