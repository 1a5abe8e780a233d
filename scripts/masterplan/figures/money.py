"""The plan's money, each figure defined once, here; every page, the print edition and
the open data read it from this module.

- *indikasi*: the masterplan's indicative budget (``budget``);
- *pagu*: the APBD allocation (``allocations``). Of a year and source the latest counts:
  the perubahan when the APBD-P set one, else the murni;
- *realisasi*: what was spent (``spending``);
- *terdanai* = pagu / indikasi, over the programme-years whose pagu is recorded: how much
  of the masterplan reached the APBD;
- *serapan* = realisasi / dasar, where the *dasar* of a programme-year is its pagu when
  recorded (regional practice) and its indication otherwise (a plan, or a year, without
  allocations keeps the figure it always had). Pages say which dasar they used.

A programme-year's pagu is *recorded* when the page has any allocation line for that
year: an amount 0 says the APBD allocated nothing (not funded); no line says the figure is
not known yet, and is not read as zero.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Program


def absorption(base: int, spent: int) -> float | None:
    """Serapan in percent; ``None`` when there is nothing to measure against."""
    return spent / base * 100 if base else None


@dataclass(frozen=True)
class Money:
    """The money of any group of programme-years and sources; groups add up."""

    indication: int = 0
    allocation: int = 0
    """Latest pagu of the programme-years whose pagu is recorded."""
    allocated_indication: int = 0
    """Indication of those same programme-years: what ``allocation`` is compared with."""
    spent: int = 0
    allocated: bool = False
    """Some programme-year in the group has its pagu recorded."""

    def __add__(self, other: Money) -> Money:
        return Money(
            self.indication + other.indication,
            self.allocation + other.allocation,
            self.allocated_indication + other.allocated_indication,
            self.spent + other.spent,
            self.allocated or other.allocated,
        )

    @property
    def on_indication(self) -> int:
        """The part of the dasar that is indication (programme-years without a pagu)."""
        return self.indication - self.allocated_indication

    @property
    def base(self) -> int:
        """What serapan divides by: the pagu where recorded, the indication elsewhere."""
        return self.allocation + self.on_indication

    @property
    def absorption(self) -> float | None:
        return absorption(self.base, self.spent)

    @property
    def funded(self) -> float | None:
        """Terdanai in percent; ``None`` without a recorded pagu or without indication."""
        if not self.allocated or not self.allocated_indication:
            return None
        return self.allocation / self.allocated_indication * 100


def total(items: Iterable[Money]) -> Money:
    out = Money()
    for m in items:
        out += m
    return out


def latest_allocations(program: Program) -> dict[tuple[int, str], int]:
    """Pagu per (year, source): the perubahan where there is one, else the murni."""
    murni: dict[tuple[int, str], int] = {}
    changed: dict[tuple[int, str], int] = {}
    for a in program.allocations:
        phase = changed if a.phase == "perubahan" else murni
        phase[a.year, a.source] = phase.get((a.year, a.source), 0) + a.amount
    return murni | changed


def cells(program: Program) -> dict[tuple[int, str], Money]:
    """The programme's money per (year, source) that has an indication, a pagu or a
    realisasi, by year then source as written."""
    recorded = {a.year for a in program.allocations}
    indication: dict[tuple[int, str], int] = {}
    spent: dict[tuple[int, str], int] = {}
    for b in program.budget:
        indication[b.year, b.source] = indication.get((b.year, b.source), 0) + b.amount
    for s in program.spending:
        spent[s.year, s.source] = spent.get((s.year, s.source), 0) + s.amount
    pagu = latest_allocations(program)
    keys = sorted(dict.fromkeys([*indication, *pagu, *spent]), key=lambda key: key[0])
    out = {}
    for year, source in keys:
        planned = indication.get((year, source), 0)
        on_pagu = year in recorded
        out[year, source] = Money(
            indication=planned,
            allocation=pagu.get((year, source), 0) if on_pagu else 0,
            allocated_indication=planned if on_pagu else 0,
            spent=spent.get((year, source), 0),
            allocated=on_pagu,
        )
    return out


@dataclass(frozen=True)
class Row:
    """A programme's money of one year and source, as its page and the open data list it."""

    year: int
    source: str
    money: Money
    reported: bool
    """Some realisasi line of this year and source exists (``0`` is a report too)."""
    due: bool
    """The year has ended, so its realisasi should have been reported."""

    @property
    def absorption(self) -> float | None:
        return self.money.absorption if self.reported else None


def rows(program: Program, as_of: datetime.date) -> list[Row]:
    """One row per (year, source) in the indication, the pagu or the realisasi, by year;
    the rows always sum to the programme's totals."""
    reported = {(s.year, s.source) for s in program.spending}
    return [
        Row(year, source, m, (year, source) in reported, year < as_of.year)
        for (year, source), m in cells(program).items()
    ]


def of_programs(programs: Iterable[Program], years: Iterable[int]) -> Money:
    """The money of ``programs`` in ``years``."""
    wanted = set(years)
    return total(m for p in programs for (y, _), m in cells(p).items() if y in wanted)


def quarterly_spent(programs: Iterable[Program], year: int) -> list[int]:
    """Cumulative realisasi of ``programs`` in ``year`` at the end of quarters 1 to 4. A
    line without a quarter is the whole year's report: it counts from the fourth."""
    by_quarter = [0, 0, 0, 0]
    for p in programs:
        for s in p.spending:
            if s.year == year:
                by_quarter[(s.quarter or 4) - 1] += s.amount
    return [sum(by_quarter[: q + 1]) for q in range(4)]
