"""What changed between two plans, programme by programme: the fields reviewers read,
each reported actual, pagu and realisasi, the indicative budget per dimension, OPD and
year, the evaluations. Plain data; the pull-request comment (:mod:`masterplan.commands.plandiff`)
and the "since adopted" page (:mod:`masterplan.views.pages`) each lay it out.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .. import fmt
from ..check.validate import Report
from ..model import Evaluation, Masterplan, Program
from ..problems import Problem

#: Fields compared between revisions, with the label reviewers read.
FIELDS = {
    "title": "judul",
    "element": "elemen",
    "lead": "OPD pengampu",
    "support": "OPD pendukung",
    "horizon": "jangka",
    "start_year": "tahun mulai",
    "end_year": "tahun selesai",
    "budget": "anggaran indikatif",
    "status": "status",
    "progress": "progres",
    "rpjmd": "RPJMD",
    "partners": "mitra",
    "indicators": "indikator",
    "status_note": "keterangan status",
}
#: The national evaluation's five parts, as its reports name them.
PARTS = {
    "baseline": "baseline",
    "output": "output",
    "outcome": "outcome",
    "impact": "impact",
    "quick_win": "quick win",
}


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
    evaluations: list[str] = field(default_factory=list)
    """Changes to data/evaluations.yml, each a sentence of plain text."""
    budget_total: tuple[int, int] = (0, 0)
    """The indicative budget of every programme (cancelled ones too, as ``budget``),
    before and after."""

    @property
    def empty(self) -> bool:
        return not (
            self.added or self.removed or self.moved or self.changed or self.new_problems or self.evaluations
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
        rows += _delivery_rows(old[id_], new[id_])
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
        budget_total=(_all_budget(base.plan), _all_budget(head.plan)),
        new_problems=[p for p in head.problems if (p.file, p.code, p.key, p.message) not in seen],
        evaluations=_evaluation_changes(
            base.plan.evaluations if base.plan else [], head.plan.evaluations if head.plan else []
        ),
    )


def _by_id(plan: Masterplan | None) -> dict[str, Program]:
    out: dict[str, Program] = {}
    for p in plan.programs if plan else []:
        out.setdefault(p.id, p)
    return out


def _comparable(value: Any) -> Any:
    # Actuals are reported year by year as rows of their own (see _delivery_rows), not
    # as a change of the whole indicator list.
    if isinstance(value, list) and value and hasattr(value[0], "actuals"):
        value = [dataclasses.replace(i, actuals={}) for i in value]
    return repr(value)


def _shown(value: Any) -> str:
    if isinstance(value, list):
        if value and hasattr(value[0], "targets"):
            return "; ".join(
                f"{i.name} ({fmt.number(i.baseline)} → "
                + ", ".join(f"{y}: {fmt.number(v)}" for y, v in sorted(i.targets.items()))
                + f" {i.unit}{', makin rendah makin baik' if i.better_down else ''})"
                for i in value
            )
        if value and hasattr(value[0], "amount"):  # budget lines
            return "; ".join(f"{b.year} {b.source} {fmt.rupiah(b.amount)}" for b in value)
        if value and hasattr(value[0], "kind"):
            return ", ".join(f"{p.name} ({p.kind})" for p in value)
        return ", ".join(str(v) for v in value) or "—"
    return str(value) if value != "" else "—"


def _delivery_rows(old: Program, new: Program) -> list[tuple[str, str, str]]:
    """What was reported: each actual by indicator and year, each pagu by year, source
    and phase, each spending by year and source (and quarter), as ``(label, before,
    after)`` with ``—`` for nothing."""
    rows = []
    before = {(i.name, y): (v, i.unit) for i in old.indicators for y, v in i.actuals.items()}
    after = {(i.name, y): (v, i.unit) for i in new.indicators for y, v in i.actuals.items()}
    # Indicators in the new page's order, then any only the old page had.
    names = list(dict.fromkeys([i.name for i in new.indicators] + [i.name for i in old.indicators]))
    for name, year in sorted(before.keys() | after.keys(), key=lambda k: (names.index(k[0]), k[1])):
        if before.get((name, year)) != after.get((name, year)):
            rows.append(
                (
                    f"realisasi {year} «{name}»",
                    _measured(before.get((name, year))),
                    _measured(after.get((name, year))),
                )
            )
    rows += _money_rows("pagu", _allotted(old), _allotted(new))
    return rows + _money_rows("realisasi anggaran", _spent(old), _spent(new))


#: Money of a programme by year, source and detail (an APBD phase, a quarter, or ``""``).
Money = dict[tuple[int, str, str], int]


def _money_rows(what: str, before: Money, after: Money) -> list[tuple[str, str, str]]:
    rows = []
    for key in sorted(before.keys() | after.keys()):
        if before.get(key) != after.get(key):
            label = " ".join(str(part) for part in (what, *key) if part)
            rows.append((label, _money(before.get(key)), _money(after.get(key))))
    return rows


def _allotted(program: Program) -> Money:
    """The pagu by year, source and APBD phase: ``pagu 2026 APBD perubahan``."""
    out: Money = defaultdict(int)
    for line in program.allocations:
        out[line.year, line.source, line.phase] += line.amount
    return dict(out)


def _spent(program: Program) -> Money:
    """Spending by year and source, and by quarter when reported by quarter: an import
    that moves a year from one line to quarters shows as both."""
    out: Money = defaultdict(int)
    for line in program.spending:
        out[line.year, line.source, f"triwulan {line.quarter}" if line.quarter else ""] += line.amount
    return dict(out)


def _measured(value: tuple[float, str] | None) -> str:
    return "—" if value is None else f"{fmt.number(value[0])} {value[1]}"


def _money(amount: int | None) -> str:
    return "—" if amount is None else fmt.rupiah(amount)


def _evaluation_changes(base: list[Evaluation], head: list[Evaluation]) -> list[str]:
    """Evaluation results added, removed or changed (by year), then recommendations
    (by key, wherever they are in the file), as sentences of plain text."""
    out = []
    old, new = {e.year: e for e in base}, {e.year: e for e in head}
    for year in sorted(old.keys() | new.keys()):
        a, b = old.get(year), new.get(year)
        if a is None and b is not None:
            out.append(f"Evaluasi {year} ditambahkan (indeks {fmt.number(b.index)})")
        elif b is None and a is not None:
            out.append(f"Evaluasi {year} dihapus (indeks {fmt.number(a.index)})")
        elif a is not None and b is not None:
            pairs = [
                ("tanggal", fmt.date(a.date), fmt.date(b.date)),
                ("penilai", a.assessor, b.assessor),
                ("indeks", _score(a.index), _score(b.index)),
            ]
            pairs += [
                (f"bagian {label}", _score(getattr(a.parts, key)), _score(getattr(b.parts, key)))
                for key, label in PARTS.items()
            ]
            pairs += [
                (f"dimensi {key}", _score(a.dimensions.get(key)), _score(b.dimensions.get(key)))
                for key in sorted(a.dimensions.keys() | b.dimensions.keys())
            ]
            out += [f"Evaluasi {year} {label}: {x} → {y}" for label, x, y in pairs if x != y]
    old_recs = {r.key: r for e in base for r in e.recommendations}
    new_recs = {r.key: r for e in head for r in e.recommendations}
    for key in sorted(old_recs.keys() | new_recs.keys()):
        a_rec, b_rec = old_recs.get(key), new_recs.get(key)
        if a_rec is None and b_rec is not None:
            answering = ", ".join(b_rec.programs) or "belum ada"
            out.append(f"Rekomendasi {key} ditambahkan: «{b_rec.text}» (program penjawab: {answering})")
        elif b_rec is None and a_rec is not None:
            out.append(f"Rekomendasi {key} dihapus: «{a_rec.text}»")
        elif a_rec is not None and b_rec is not None:
            pairs = [
                ("isi", a_rec.text, b_rec.text),
                ("dimensi", a_rec.dimension or "—", b_rec.dimension or "—"),
                ("program penjawab", ", ".join(a_rec.programs) or "—", ", ".join(b_rec.programs) or "—"),
            ]
            out += [f"Rekomendasi {key}: {label} {x} → {y}" for label, x, y in pairs if x != y]
    return out


def _score(value: float | None) -> str:
    return "—" if value is None else fmt.number(value)


def _all_budget(plan: Masterplan | None) -> int:
    return sum(p.total_budget for p in plan.programs) if plan else 0


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
