"""How a diff is shown: in the terminal, as Markdown (for a pull request), as an HTML report.

:func:`textconv` is the same idea for ``git diff``: a PO rendered one unit per
block, unwrapped, so git's own hunks are unit-level. The pairing itself is
:mod:`locbrief.review.diff`'s.
"""

from __future__ import annotations

import difflib
import html
import re

import polib
from lxml import etree
from lxml.html import builder as E

from locbrief.catalog.status import unit_status
from locbrief.review.diff import WORD, Change, Diff, references
from locbrief.review.reports import report_page

# ---------------------------------------------------------------- words


def word_diff(old: str, new: str) -> tuple[list[tuple[bool, str]], list[tuple[bool, str]]]:
    """Both texts as (changed?, text) runs, split at words, placeholders and tags."""
    a, b = WORD.findall(old), WORD.findall(new)
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if i2 > i1:
            left.append((op != "equal", "".join(a[i1:i2])))
        if j2 > j1:
            right.append((op != "equal", "".join(b[j1:j2])))
    return left, right


def _sides(change: Change, field: str) -> tuple[list, list]:
    old = getattr(change.old, field) if change.old else None
    new = getattr(change.new, field) if change.new else None
    if old is None and new is None:
        return [], []
    if old is None or new is None:
        text = old if old is not None else new
        runs = [(True, text)] if text else []
        return (runs, []) if new is None else ([], runs)
    return word_diff(old, new)


def _status_text(change: Change) -> str:
    if change.old and change.new and change.status_changed:
        return f"{change.old.status} → {change.new.status}"
    return (change.new or change.old).status


def _summary(diff: Diff) -> str:
    counts = diff.counts()
    if not diff.changes:
        text = f"no unit changed ({len(diff.new.items)} units)"
    else:
        text = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
        text = f"{text} (of {len(diff.new.items)} units)"
    if diff.facts:
        text += "; also changed: " + ", ".join(f.name for f in diff.facts)
    return text


def _fact_lines(diff: Diff) -> list[str]:
    """One line per change outside the units: ``notes: 91 → 92``."""
    return [f"{f.name}: {f.old or '(none)'} → {f.new or '(none)'}" for f in diff.facts]


# ---------------------------------------------------------------- terminal

RED, GREEN, BOLD, DIM, RESET = "\033[31;9m", "\033[32;4m", "\033[1m", "\033[2m", "\033[0m"


def render_text(diff: Diff, colour: bool = False) -> str:
    """For the terminal: ``[-old-]{+new+}`` word marks, or colour when writing to a tty."""
    lines = [f"locbrief diff {diff.old.label} → {diff.new.label}: {_summary(diff)}"]
    lines += [f"  {line}" for line in _fact_lines(diff)]
    for change in diff.changes:
        where = f"{change.block}" + (" (moved)" if change.moved and change.kind != "moved" else "")
        status = _status_text(change)
        head = f"{change.kind:8} {where}" + (f"  [{status}]" if status else "")
        lines += ["", f"{BOLD}{head}{RESET}" if colour else head]
        for field, label in (("source", "source"), ("translation", diff.new.lang or "translation")):
            old, new = _sides(change, field)
            if (
                change.kind == "changed"
                and old == new == []
                or (field == "translation" and diff.new.kind == "brief")
            ):
                continue
            lines += _text_lines(label, old, new, change, colour)
    return "\n".join(lines) + "\n"


def _text_lines(label: str, old: list, new: list, change: Change, colour: bool) -> list[str]:
    if old == new or not any(c for c, _ in old + new):
        text = "".join(t for _, t in new or old)
        return [f"  {label:>11}: {DIM + text + RESET if colour else text}"]
    if change.kind != "changed":
        return [f"  {label:>11}: {''.join(t for _, t in old or new)}"]
    mark = (
        (lambda t: f"{RED}{t}{RESET}", lambda t: f"{GREEN}{t}{RESET}")
        if colour
        else (lambda t: f"[-{t}-]", lambda t: f"{{+{t}+}}")
    )
    before = "".join(mark[0](t) if c else t for c, t in old)
    after = "".join(mark[1](t) if c else t for c, t in new)
    return [f"  {label:>11}: - {before}", f"  {'':>11}  + {after}"]


# ---------------------------------------------------------------- markdown

_MD_SPECIAL = re.compile(r"([\\`*_~\[\]|#])")


def render_markdown(diff: Diff) -> str:
    """For a pull request: a table, ~~removed~~ and **added** words; tags shown as text."""
    lines = [
        f"### locbrief diff: `{diff.old.label}` → `{diff.new.label}`",
        "",
        f"**{_summary(diff)}**",
    ]
    if diff.facts:
        lines += [""] + [f"- {_md_escape(line)}" for line in _fact_lines(diff)]
    if not diff.changes:
        return "\n".join(lines) + "\n"
    po = diff.new.kind == "po"
    lines += [
        "",
        "| change | unit | source |"
        + (f" {diff.new.lang or 'translation'} | status |" if po else ""),
        "| --- | --- | --- |" + (" --- | --- |" if po else ""),
    ]
    for change in diff.changes:
        kind = change.kind + (" + moved" if change.moved and change.kind == "changed" else "")
        cells = [kind, f"`{change.block}`", _md_cell(*_sides(change, "source"))]
        if po:
            cells += [_md_cell(*_sides(change, "translation")), _md_escape(_status_text(change))]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _md_cell(old: list, new: list) -> str:
    if not old or not new:
        return _md_escape("".join(t for _, t in old or new))
    out = []
    for ops in _unified(old, new):
        kind, text = ops
        text = _md_escape(text)
        out.append(
            text
            if kind == "equal" or not text.strip()
            else f"~~{text.strip()}~~"
            if kind == "delete"
            else f"**{text.strip()}**"
        )
    return " ".join(" ".join(out).split())


def _unified(old: list, new: list) -> list[tuple[str, str]]:
    """Old and new runs merged in reading order: equal, delete, insert."""
    out, i, j = [], 0, 0
    while i < len(old) or j < len(new):
        if i < len(old) and old[i][0]:
            out.append(("delete", old[i][1]))
            i += 1
        elif j < len(new) and new[j][0]:
            out.append(("insert", new[j][1]))
            j += 1
        else:
            out.append(("equal", old[i][1] if i < len(old) else new[j][1]))
            i += 1
            j += 1
    return out


def _md_escape(text: str) -> str:
    text = html.escape(text, quote=False)
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


# ---------------------------------------------------------------- HTML


def render_html(diff: Diff) -> str:
    """A self-contained side-by-side report: before | after, words marked with <del>/<ins>."""
    title = f"locbrief diff: {diff.old.label} → {diff.new.label}"
    po = diff.new.kind == "po"
    rows = [
        E.TR(
            E.TH("change"),
            E.TH("unit"),
            E.TH(f"before ({diff.old.label})"),
            E.TH(f"after ({diff.new.label})"),
        )
    ]
    for change in diff.changes:
        kind = change.kind + (" + moved" if change.moved and change.kind == "changed" else "")
        before, after = E.TD(), E.TD()
        for field in ("source", "translation") if po else ("source",):
            old, new = _sides(change, field)
            before.append(_html_runs(old, "del", field))
            after.append(_html_runs(new, "ins", field))
        status = _status_text(change)
        rows.append(
            E.TR(
                E.TD(kind, *([E.BR(), E.SMALL(status)] if status else [])),
                E.TD(E.CODE(change.block)),
                before,
                after,
                **{"class": change.kind},
            )
        )
    facts = [E.UL(*[E.LI(line) for line in _fact_lines(diff)])] if diff.facts else []
    return report_page(
        title,
        DIFF_STYLE,
        E.P(_summary(diff)),
        *facts,
        *([E.TABLE(*rows)] if diff.changes else []),
    )


def _html_runs(runs: list, tag: str, field: str):
    node = E.DIV(**{"class": field})
    for changed, text in runs:
        if changed:
            mark = etree.SubElement(node, tag)
            mark.text = text
        elif len(node):
            node[-1].tail = (node[-1].tail or "") + text
        else:
            node.text = (node.text or "") + text
    return node


DIFF_STYLE = """
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #ddd; padding: .4rem .6rem; vertical-align: top; text-align: left; }
th:nth-child(1), th:nth-child(2) { width: 8rem; }
.translation { margin-top: .4rem; padding-top: .4rem; border-top: 1px dashed #ccc; }
del { background: #ffd7d5; text-decoration: line-through; }
ins { background: #ccffd8; text-decoration: none; }
tr.added td:last-child { background: #eaffea; } tr.removed td:nth-child(3) { background: #ffecec; }
tr.moved td:first-child { color: #0b5394; }
"""


# ---------------------------------------------------------------- git textconv


def textconv(po: polib.POFile) -> str:
    """A PO as git should diff it: one block per unit (status, references, msgid, msgstr), unwrapped.

    Stable: no dates, no wrapping, so a changed sentence is one changed line.
    """
    names = [po.metadata.get(field, "") for field in ("Project-Id-Version", "Language")]
    out = ["# " + " · ".join(name for name in names if name)]
    for entry in po:
        status = "obsolete" if entry.obsolete else unit_status(entry, None)
        refs = " ".join(references(entry))
        out += ["", f"== {status}" + (f" · {refs}" if refs else "")]
        if entry.msgctxt is not None:
            out.append(f"msgctxt: {_one_line(entry.msgctxt)}")
        out += [f"msgid:  {_one_line(entry.msgid)}", f"msgstr: {_one_line(entry.msgstr)}"]
    return "\n".join(out) + "\n"


def _one_line(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")
