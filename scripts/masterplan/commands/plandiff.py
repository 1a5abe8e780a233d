"""What a change does to the plan, for reviewers: `masterplan diff BASE HEAD`.

Both revisions are read from git into temporary folders and loaded with the same
loader as the build, then compared programme by programme (by id), budget by budget.
The result is Markdown, meant for a pull-request comment.

The revisions and everything inside them come from contributors. A revision is only
ever passed to git after ``--end-of-options`` and resolved to a commit SHA first; files
are read as git objects (no ``git archive``: no symlinks recreated, no export
attributes from the revision); and every contributor string in the Markdown is inert.
"""

from __future__ import annotations

import re

from .. import fmt
from ..check.revision import load_revision
from ..figures.changes import PlanDiff, compare
from ..model import Program
from ..read.revision import DiffError, read_revision, resolve_revision

__all__ = ["DiffError", "PlanDiff", "compare", "load_revision", "read_revision", "render", "resolve_revision"]


def render(diff: PlanDiff) -> str:
    """The diff as Markdown for a pull-request comment.

    Every string a contributor wrote goes through :func:`_md` (prose and table cells),
    :func:`_code` (paths and revisions) or :func:`_message`, so it shows as the text it is.
    """
    out = [f"## Perubahan rencana induk: {_code(diff.base)} → {_code(diff.head)}", ""]
    if diff.empty:
        return "\n".join([*out, "Perubahan ini tidak mengubah program, anggaran, maupun hasil validasi.", ""])

    def title(p: Program) -> str:
        return f"**{_md(p.id)}** {_md(p.title)}"

    for heading, programs in (("Program baru", diff.added), ("Program dihapus", diff.removed)):
        if programs:
            out += [f"### {heading}", ""]
            out += [
                f"- {title(p)} ({_md(p.dimension)}, pengampu {_md(p.lead)}, {fmt.rupiah(p.total_budget)})"
                for p in programs
            ]
            out.append("")
    if diff.moved:
        out += ["### Program dipindahkan atau diganti nama berkasnya", ""]
        out += [f"- {title(new)}: {_code(old.path)} → {_code(new.path)}" for old, new in diff.moved]
        out.append("")
    if diff.changed:
        out += ["### Isian yang berubah", ""]
        for program, rows in diff.changed:
            out.append(f"- {title(program)}")
            out += [f"  - {_md(label)}: {_md(old)} → {_md(new)}" for label, old, new in rows]
        out.append("")
    if any(diff.budget.values()):
        out += ["### Perubahan anggaran indikatif", ""]
        for kind, deltas in diff.budget.items():
            if not deltas:
                continue
            out += [f"Per {kind}:", "", f"| {kind} | sebelum | sesudah | selisih |", "|---|---:|---:|---:|"]
            for key, old_amount, new_amount in deltas:
                delta = new_amount - old_amount
                sign = "+" if delta > 0 else "−"
                out.append(
                    f"| {_md(key)} | {fmt.rupiah(old_amount)} | {fmt.rupiah(new_amount)} | "
                    f"{sign}{fmt.rupiah(abs(delta))} |"
                )
            out.append("")
    if diff.evaluations:
        out += ["### Evaluasi dan rekomendasi", ""]
        out += [f"- {_md(sentence)}" for sentence in diff.evaluations]
        out.append("")
    if diff.new_problems:
        out += ["### Masalah validasi baru", ""]
        out += [f"- {_code(p.where)} [{p.code}] {_message(p.message)}" for p in diff.new_problems]
        out.append("")
    return "\n".join(out)


#: Characters that end a line somewhere (Markdown, a terminal, the Actions runner).
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
#: Markdown punctuation that can start markup in the middle of a line, as a backslash
#: escape; HTML as entities (an escaped `<` is not an escape in every renderer); `@`
#: followed by a zero-width space, so GitHub sees no mention or e-mail address.
_INLINE = str.maketrans(
    {c: "\\" + c for c in "\\`*_~[]|$"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;", "@": "@\u200b"}
)
#: What GitHub links without any markup: issue references and bare addresses.
_AUTOLINKS = re.compile(r"#(?=\d)|:(?=//)|(?i:www)(?=\.)")


def _md(text: str) -> str:
    """Contributor text as inert Markdown: it renders as itself, on one line, and
    creates no link, image, mention, reference, HTML or table cell."""
    text = _LINE_BREAKS.sub(" ", text).translate(_INLINE)
    return _AUTOLINKS.sub(lambda m: m.group() + "\u200b", text)


def _code(text: str) -> str:
    """Contributor text as a code span that no backtick inside it can close.

    Not for table cells: GitHub splits a table row at every `|`, even in code.
    """
    text = _LINE_BREAKS.sub(" ", text).replace("##[", "##\u200b[")  # no runner command
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _message(text: str) -> str:
    """A validator message, whose `quoted` values (often the contributor's) show as code.

    Splitting at backticks is safe whatever the values hold: each piece is rendered
    inert on its own, so a backtick in a value can only move where code starts.
    """
    parts = text.split("`")
    return "".join((_code(part) if part else "") if i % 2 else _md(part) for i, part in enumerate(parts))
