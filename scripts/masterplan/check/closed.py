"""Closed years: once a reported year is closed (``data/plan.yml: closed_years``, a git
tag), its indicator actuals and realisasi are compared with the values at that tag. A
value changed since must be an open correction (``corrections`` on the programme page),
shown to readers; otherwise it is ``closed-year-changed``.

The plan at the tag is read from git objects (:mod:`masterplan.read.revision`) and only
loaded, never validated: its own closed years are not checked again.
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path
from typing import get_args

from .. import fmt
from ..model import Masterplan, Program, Source
from ..problems import Problem
from ..read.loader import PLAN_FILE, load_plan
from ..read.revision import DiffError, read_revision, resolve_revision
from ..read.schema import key_name
from ..source import Yaml

#: (programme id, year, field) -> value. ``field`` is an indicator's name (its actual) or
#: ``spending.<SOURCE>`` (the year's realisasi of one source, quarters added up): the
#: words a correction names it by.
Values = dict[tuple[str, int, str], float]


#: How a correction names the realisasi anggaran of one source: ``spending.APBD``.
SPENDING = "spending."


def spending_field(source: str) -> str:
    return SPENDING + source


def spending_source(field: str) -> str | None:
    """The funding source a correction's ``field`` names, or ``None``: then it names an
    indicator (by its name)."""
    source = field.removeprefix(SPENDING)
    return source if field.startswith(SPENDING) and source in get_args(Source) else None


def shown(field: str, value: float | None) -> str:
    """A value of ``field`` as readers read it: rupiah for realisasi anggaran."""
    if value is None:
        return "tidak ada"
    return fmt.rupiah(int(value)) if spending_source(field) else fmt.number(value)


def reported_values(programs: list[Program], years: set[int]) -> Values:
    out: Values = {}
    for p in programs:
        for ind in p.indicators:
            for year, value in ind.actuals.items():
                if year in years:
                    out[p.id, year, ind.name] = value
        for line in p.spending:
            if line.year in years:
                key = (p.id, line.year, spending_field(line.source))
                out[key] = out.get(key, 0) + line.amount
    return out


@lru_cache(maxsize=8)
def _values_at(root: str, commit: str, years: frozenset[int]) -> Values:
    """The closed years' values at ``commit`` (a commit does not change: kept per process,
    so ``mkdocs serve`` reads the tag once)."""
    with tempfile.TemporaryDirectory(prefix="masterplan-closed-") as tmp:
        read_revision(Path(root), commit, Path(tmp))
        loaded = load_plan(Path(tmp))
    if loaded.plan is None:
        return {}
    return reported_values(loaded.plan.programs, set(years))


def check_closed_years(
    root: Path, plan: Masterplan, plan_doc: Yaml | None, pages: set[str] | None
) -> list[Problem]:
    """A problem for each value of a closed year that differs from its tag without a
    matching correction, for each programme with such values whose page is gone (``pages``:
    the ids of every programme page read, even one with a wrong field; ``None`` when a page
    could not be read at all, whose id is then unknown), and when a closing's tag cannot be
    read."""
    problems: list[Problem] = []
    by_ref: dict[str, list[int]] = {}
    for i, closed in enumerate(plan.info.closed_years):
        by_ref.setdefault(closed.ref, []).append(i)
    for ref, items in by_ref.items():
        years = frozenset(plan.info.closed_years[i].year for i in items)
        try:
            before = _values_at(str(root), resolve_revision(root, f"refs/tags/{ref}"), years)
        except DiffError as err:
            line = plan_doc.line(("closed_years", items[0])) if plan_doc else None
            problems.append(_unreadable(ref, str(err), line))
            continue
        now = reported_values(plan.programs, set(years))
        programs = {p.id: p for p in plan.programs}
        line = plan_doc.line(("closed_years", items[0])) if plan_doc else None
        for id_ in sorted({key[0] for key in before} - pages if pages is not None else set()):
            problems.append(_removed(id_, min(k[1] for k in before if k[0] == id_), ref, line))
        for key in sorted(set(before) | set(now), key=lambda k: (k[0], k[1], k[2])):
            old, new = before.get(key), now.get(key)
            program = programs.get(key[0])
            if old == new or program is None:
                continue  # removed (above), or read with a wrong field (reported already)
            if not _corrected(program, key, old, new):
                problems.append(_changed(program, key, old, new, ref))
    return problems


def _removed(id_: str, year: int, ref: str, line: int | None) -> Problem:
    return Problem(
        file=PLAN_FILE,
        line=line,
        code="closed-year-changed",
        key="closed_years",
        message=(
            f"Program {id_} melaporkan realisasi tahun {year} yang sudah ditutup (tag {ref}), "
            "tetapi halamannya dihapus."
        ),
        hint=(
            "Kembalikan halamannya; bila program itu tidak dilanjutkan, ubah statusnya menjadi "
            "`cancelled` dengan `status_note`, agar angka tahun yang ditutup tetap utuh."
        ),
    )


def _corrected(program: Program, key: tuple[str, int, str], old: float | None, new: float | None) -> bool:
    _, year, field = key
    return any(
        c.year == year and c.field == field and c.old == (old or 0) and c.new == (new or 0)
        for c in program.corrections
    )


def _where(program: Program, year: int, field: str) -> tuple[int | None, str]:
    """The line and key of the changed value on the page as it is now."""
    meta = program.meta
    if spending_source(field):
        at = [
            i for i, s in enumerate(program.spending) if s.year == year and spending_field(s.source) == field
        ]
        path: tuple[str | int, ...] = ("spending", at[0]) if at else ("spending",)
    else:
        found = [i for i, ind in enumerate(program.indicators) if ind.name == field]
        path = ("indicators", found[0], "actuals", year) if found else ("indicators",)
    return (meta.line(path) if meta else None), key_name(path)


def _changed(
    program: Program, key: tuple[str, int, str], old: float | None, new: float | None, ref: str
) -> Problem:
    _, year, field = key
    source = spending_source(field)
    what = f"realisasi anggaran {source}" if source else f"realisasi {field!r}"
    entry = (
        f'- {{year: {year}, field: "{field}", old: {_number(old)}, new: {_number(new)}, '
        'reason: "…", date: TTTT-BB-HH}'
    )
    line, key_path = _where(program, year, field)
    return Problem(
        file=program.path,
        line=line,
        code="closed-year-changed",
        key=key_path,
        message=(
            f"{what[:1].upper()}{what[1:]} tahun {year} diubah sesudah tahun itu ditutup (tag {ref}): "
            f"{shown(field, old)} menjadi {shown(field, new)}."
        ),
        hint=(
            f"Bila ini koreksi, catat terbuka di `corrections` halaman ini: {entry} (isi alasan dan "
            f"tanggal). Bila tidak, kembalikan nilainya ke {shown(field, old)}."
        ),
    )


def _number(value: float | None) -> str:
    value = value or 0
    return str(int(value)) if float(value).is_integer() else str(value)


def _unreadable(ref: str, why: str, line: int | None) -> Problem:
    return Problem(
        file=PLAN_FILE,
        line=line,
        code="closed-year-ref",
        key="closed_years",
        message=f"Tag `{ref}` tahun yang ditutup tidak dapat dibaca: {why}",
        hint="Ambil tag dari GitHub (`git fetch --tags`), atau perbaiki `ref` di `closed_years`.",
    )
