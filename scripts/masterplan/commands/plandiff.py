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

from .. import fmt
from ..check.revision import load_revision
from ..figures.changes import PlanDiff, compare
from ..html.gfm import code, inline, message
from ..model import Program
from ..read.revision import DiffError, read_revision, resolve_revision

__all__ = ["DiffError", "PlanDiff", "compare", "load_revision", "read_revision", "render", "resolve_revision"]


def render(diff: PlanDiff) -> str:
    """The diff as Markdown for a pull-request comment.

    Every string a contributor wrote goes through :mod:`masterplan.html.gfm`: ``inline``
    (prose and table cells), ``code`` (paths and revisions) or ``message``, so it shows as
    the text it is.
    """
    out = [f"## Perubahan rencana induk: {code(diff.base)} → {code(diff.head)}", ""]
    if diff.empty:
        return "\n".join([*out, "Perubahan ini tidak mengubah program, anggaran, maupun hasil validasi.", ""])

    def title(p: Program) -> str:
        return f"**{inline(p.id)}** {inline(p.title)}"

    for heading, programs in (("Program baru", diff.added), ("Program dihapus", diff.removed)):
        if programs:
            out += [f"### {heading}", ""]
            out += [
                f"- {title(p)} ({inline(p.dimension)}, pengampu {inline(p.lead)}, "
                f"{fmt.rupiah(p.total_budget)})"
                for p in programs
            ]
            out.append("")
    if diff.moved:
        out += ["### Program dipindahkan atau diganti nama berkasnya", ""]
        out += [f"- {title(new)}: {code(old.path)} → {code(new.path)}" for old, new in diff.moved]
        out.append("")
    if diff.changed:
        out += ["### Isian yang berubah", ""]
        for program, rows in diff.changed:
            out.append(f"- {title(program)}")
            out += [f"  - {inline(label)}: {inline(old)} → {inline(new)}" for label, old, new in rows]
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
                    f"| {inline(key)} | {fmt.rupiah(old_amount)} | {fmt.rupiah(new_amount)} | "
                    f"{sign}{fmt.rupiah(abs(delta))} |"
                )
            out.append("")
    if diff.evaluations:
        out += ["### Evaluasi dan rekomendasi", ""]
        out += [f"- {inline(sentence)}" for sentence in diff.evaluations]
        out.append("")
    if diff.new_problems:
        out += ["### Masalah validasi baru", ""]
        out += [f"- {code(p.where)} [{p.code}] {message(p.message)}" for p in diff.new_problems]
        out.append("")
    return "\n".join(out)
