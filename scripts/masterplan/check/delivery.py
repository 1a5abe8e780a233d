"""Rules on the evaluations file: years, dates, dimensions and programmes it names.

An evaluation is a fact about the past, so every year or date here is held against the
plan's reference date (``plan.yml: as_of``, else the build date) as well as the period.
(A programme's actuals, spending and status note follow :mod:`.rules`, which the form
shares.)
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Evaluation, Masterplan
from ..problems import Problem, choice_hint
from ..read.loader import EVALUATIONS_FILE, PLAN_FILE
from ..read.schema import key_name
from ..source import KeyPath, Yaml


def check_evaluations(plan: Masterplan, doc: Yaml | None, ids: Iterable[str] | None) -> list[Problem]:
    """Evaluation years in the period and not ahead of the reference date; dimension keys
    and programme ids that exist (``ids``; ``None`` while some programme page cannot be
    read, whose own problem comes first); one result per year."""
    out: list[Problem] = []

    def at(e: Evaluation, path: KeyPath, code: str, message: str, hint: str) -> None:
        full = (e.item, *path)
        line = doc.line(full) if doc is not None else None
        out.append(
            Problem(
                file=EVALUATIONS_FILE, line=line, code=code, key=key_name(full), message=message, hint=hint
            )
        )

    period, today = plan.info.period, plan.as_of
    dimension_keys = [d.key for d in plan.dimensions]
    known = sorted(set(ids)) if ids is not None else None
    seen: dict[int, Evaluation] = {}
    for e in sorted(plan.evaluations, key=lambda e: e.item):
        if not period.start <= e.year <= period.end:
            at(
                e,
                ("year",),
                "year-out-of-period",
                f"Evaluasi tahun {e.year} di luar periode {period.start}–{period.end}.",
                f"Periode rencana induk ({PLAN_FILE}) adalah {period.start}–{period.end}.",
            )
        elif e.year > today.year:
            at(
                e,
                ("year",),
                "year-in-future",
                f"Evaluasi tahun {e.year} belum dapat dilakukan.",
                f"Tanggal acuan pemantauan adalah {today.isoformat()} (`as_of` di {PLAN_FILE}).",
            )
        if e.date > today:
            at(
                e,
                ("date",),
                "year-in-future",
                f"Tanggal evaluasi {e.date.isoformat()} sesudah tanggal acuan {today.isoformat()}.",
                f"Periksa tanggalnya, atau majukan `as_of` di {PLAN_FILE}.",
            )
        first = seen.setdefault(e.year, e)
        if first is not e:
            at(
                e,
                ("year",),
                "duplicate-key",
                f"Evaluasi tahun {e.year} sudah tercatat di butir ke-{first.item + 1}.",
                "Satukan hasil evaluasi satu tahun dalam satu butir.",
            )
        for key in e.dimensions:
            if key not in dimension_keys:
                at(
                    e,
                    ("dimensions", key),
                    "unknown-dimension",
                    f"Dimensi `{key}` tidak dikenal.",
                    choice_hint(key, dimension_keys),
                )
        for j, rec in enumerate(e.recommendations):
            if rec.dimension and rec.dimension not in dimension_keys:
                at(
                    e,
                    ("recommendations", j, "dimension"),
                    "unknown-dimension",
                    f"Dimensi `{rec.dimension}` tidak dikenal.",
                    choice_hint(rec.dimension, dimension_keys),
                )
            for k, id_ in enumerate(rec.programs):
                if known is not None and id_ not in known:
                    at(
                        e,
                        ("recommendations", j, "programs", k),
                        "unknown-program",
                        f"Program `{id_}` tidak ada di rencana.",
                        choice_hint(id_, known, source="kode program di docs/program/"),
                    )
    return out
