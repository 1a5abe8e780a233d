"""What a change does to the plan, for reviewers: `masterplan diff BASE HEAD`.

Both revisions are read from git into temporary folders and loaded with the same
loader as the build, then compared programme by programme (by id), budget by budget.
The result is Markdown, meant for a pull-request comment.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import fmt
from .model import Masterplan, Program
from .problems import Problem
from .validate import Report, check

#: Fields compared between revisions, with the label reviewers read.
FIELDS = {
    "title": "judul",
    "element": "elemen",
    "lead": "OPD pengampu",
    "support": "OPD pendukung",
    "horizon": "jangka",
    "start_year": "tahun mulai",
    "end_year": "tahun selesai",
    "status": "status",
    "progress": "progres",
    "rpjmd": "RPJMD",
    "partners": "mitra",
    "indicators": "indikator",
}


class DiffError(Exception):
    """A revision cannot be read (unknown revision, not a git repository)."""


def read_revision(root: Path, revision: str, dest: Path) -> None:
    """Extract ``data/`` and ``docs/`` of ``revision`` into ``dest``."""
    result = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", revision, "data", "docs"],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise DiffError(f"revisi `{revision}` tidak dapat dibaca dari git: {message}")
    with tarfile.open(fileobj=io.BytesIO(result.stdout)) as archive:
        archive.extractall(dest, filter="data")  # "data" refuses links and paths outside dest


def load_revision(root: Path, revision: str) -> Report:
    with tempfile.TemporaryDirectory(prefix="masterplan-diff-") as tmp:
        read_revision(root, revision, Path(tmp))
        report = check(Path(tmp))
    return report


@dataclass
class PlanDiff:
    base: str
    head: str
    added: list[Program]
    removed: list[Program]
    moved: list[tuple[Program, Program]]
    changed: list[tuple[Program, list[tuple[str, str, str]]]]
    budget: dict[str, list[tuple[str, int, int]]]
    new_problems: list[Problem]

    @property
    def empty(self) -> bool:
        return not (
            self.added or self.removed or self.moved or self.changed or self.new_problems
        ) and not any(self.budget.values())


def compare(base: Report, head: Report, *, base_name: str, head_name: str) -> PlanDiff:
    old = _by_id(base.plan)
    new = _by_id(head.plan)
    changed = []
    for id_ in sorted(old.keys() & new.keys()):
        rows = [
            (label, _shown(getattr(old[id_], key)), _shown(getattr(new[id_], key)))
            for key, label in FIELDS.items()
            if _comparable(getattr(old[id_], key)) != _comparable(getattr(new[id_], key))
        ]
        if rows:
            changed.append((new[id_], rows))
    seen = {(p.file, p.code, p.key, p.message) for p in base.problems}
    return PlanDiff(
        base=base_name,
        head=head_name,
        added=[new[i] for i in sorted(new.keys() - old.keys())],
        removed=[old[i] for i in sorted(old.keys() - new.keys())],
        moved=[(old[i], new[i]) for i in sorted(old.keys() & new.keys()) if old[i].path != new[i].path],
        changed=changed,
        budget=_budget_deltas(base.plan, head.plan),
        new_problems=[p for p in head.problems if (p.file, p.code, p.key, p.message) not in seen],
    )


def _by_id(plan: Masterplan | None) -> dict[str, Program]:
    out: dict[str, Program] = {}
    for p in plan.programs if plan else []:
        out.setdefault(p.id, p)
    return out


def _comparable(value: Any) -> Any:
    return repr(value)


def _shown(value: Any) -> str:
    if isinstance(value, list):
        if value and hasattr(value[0], "targets"):
            return "; ".join(
                f"{i.name} ({fmt.number(i.baseline)} → "
                + ", ".join(f"{y}: {fmt.number(v)}" for y, v in sorted(i.targets.items()))
                + f" {i.unit})"
                for i in value
            )
        if value and hasattr(value[0], "kind"):
            return ", ".join(f"{p.name} ({p.kind})" for p in value)
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def _budget_deltas(base: Masterplan | None, head: Masterplan | None) -> dict[str, list[tuple[str, int, int]]]:
    def totals(plan: Masterplan | None) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {
            "dimensi": defaultdict(int),
            "OPD": defaultdict(int),
            "tahun": defaultdict(int),
        }
        for p in plan.programs if plan else []:
            for line in p.budget:
                out["dimensi"][p.dimension] += line.amount
                out["OPD"][p.lead] += line.amount
                out["tahun"][str(line.year)] += line.amount
        return out

    old, new = totals(base), totals(head)
    return {
        kind: [
            (key, old[kind].get(key, 0), new[kind].get(key, 0))
            for key in sorted(old[kind].keys() | new[kind].keys())
            if old[kind].get(key, 0) != new[kind].get(key, 0)
        ]
        for kind in ("dimensi", "OPD", "tahun")
    }


def render(diff: PlanDiff) -> str:
    """The diff as Markdown for a pull-request comment."""
    out = [f"## Perubahan rencana induk: `{diff.base}` → `{diff.head}`", ""]
    if diff.empty:
        return "\n".join([*out, "Perubahan ini tidak mengubah program, anggaran, maupun hasil validasi.", ""])

    def title(p: Program) -> str:
        return f"**{p.id}** {_md(p.title)}"

    for heading, programs in (("Program baru", diff.added), ("Program dihapus", diff.removed)):
        if programs:
            out += [f"### {heading}", ""]
            out += [
                f"- {title(p)} ({p.dimension}, pengampu {p.lead}, {fmt.rupiah(p.total_budget)})"
                for p in programs
            ]
            out.append("")
    if diff.moved:
        out += ["### Program dipindahkan atau diganti nama berkasnya", ""]
        out += [f"- {title(new)}: `{old.path}` → `{new.path}`" for old, new in diff.moved]
        out.append("")
    if diff.changed:
        out += ["### Isian yang berubah", ""]
        for program, rows in diff.changed:
            out.append(f"- {title(program)}")
            out += [f"  - {label}: {_md(old)} → {_md(new)}" for label, old, new in rows]
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
    if diff.new_problems:
        out += ["### Masalah validasi baru", ""]
        out += [f"- `{p.where}` [{p.code}] {_md(p.message)}" for p in diff.new_problems]
        out.append("")
    return "\n".join(out)


def _md(text: str) -> str:
    # A comment is Markdown that GitHub renders: keep contributor text from becoming markup.
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", " ")
    )
