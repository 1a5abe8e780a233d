"""Cross-cutting figures computed from the model: matrices, budgets, roadmap, progress.

Everything here is plain data built from one loaded :class:`Masterplan`; the templates
only lay it out. Totals are computed once and reconcile by construction (a table's row
totals and column totals are sums of the same cells), and tests assert that they do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from ..model import BudgetLine, Masterplan, Opd, Program, quarter_of
from . import money
from .money import Money

#: Funding sources in the contract's order (tables list them in it).
SOURCES = ("APBD", "APBN", "DAK", "CSR", "KPBU", "hibah", "swasta", "desa")

#: Statuses counted as "berjalan": implementation has started or is complete.
RUNNING = ("ongoing", "done")


@dataclass
class Roles:
    """Programmes in which one OPD takes part, split by role."""

    lead: list[Program] = field(default_factory=list)
    support: list[Program] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.lead) + len(self.support)


@dataclass(frozen=True)
class Table:
    """A two-way sum table with its margins; cells default to 0."""

    rows: list[str]
    columns: list[str]
    cells: dict[tuple[str, str], int]

    def cell(self, row: str, column: str) -> int:
        return self.cells.get((row, column), 0)

    def row_total(self, row: str) -> int:
        return sum(self.cell(row, c) for c in self.columns)

    def column_total(self, column: str) -> int:
        return sum(self.cell(r, column) for r in self.rows)

    @property
    def total(self) -> int:
        return sum(self.cells.values())


@dataclass(frozen=True)
class MoneyTable:
    """Indication, pagu, realisasi, serapan and terdanai per row (see :mod:`.money`)."""

    rows: list[str]
    cells: dict[str, Money]

    def __getitem__(self, row: str) -> Money:
        return self.cells.get(row, Money())

    @property
    def total(self) -> Money:
        return money.total(self[r] for r in self.rows)

    @property
    def allocated(self) -> bool:
        """Some row has a recorded pagu: the tables then show the pagu and terdanai."""
        return any(self[r].allocated for r in self.rows)

    def lowest_absorption_first(self) -> MoneyTable:
        """The same rows, the lowest serapan first (rows with no dasar last); rows
        equally low keep their order."""
        def key(row: str) -> tuple[bool, float]:
            value = self[row].absorption
            return (value is None, value or 0.0)

        return MoneyTable(sorted(self.rows, key=key), self.cells)


@dataclass(frozen=True)
class Progress:
    """Status counts of a group of programmes."""

    programs: list[Program]

    @property
    def total(self) -> int:
        return len(self.programs)

    def count(self, status: str) -> int:
        return sum(1 for p in self.programs if p.status == status)

    @property
    def running(self) -> int:
        return sum(1 for p in self.programs if p.status in RUNNING)

    @property
    def delayed(self) -> list[Program]:
        return [p for p in self.programs if p.status == "delayed"]


class Figures:
    """All aggregates of one plan, each computed on first use and then kept."""

    def __init__(self, plan: Masterplan):
        self.plan = plan
        self._roles: dict[str, dict[str, Roles]] | None = None
        # Each programme's money per (year, source), worked out once per build: every
        # money table (per year, source, dimension, OPD, each OPD page) sums the same cells.
        self._cells: dict[str, dict[tuple[int, str], Money]] = {}

    @property
    def roles(self) -> dict[str, dict[str, Roles]]:
        """OPD key -> dimension key -> the programmes it leads and supports there."""
        if self._roles is None:
            table: dict[str, dict[str, Roles]] = {
                o.key: {d.key: Roles() for d in self.plan.dimensions} for o in self.plan.opds
            }
            for p in self.plan.programs:
                if p.lead in table:
                    table[p.lead][p.dimension].lead.append(p)
                for key in p.support:
                    if key in table:
                        table[key][p.dimension].support.append(p)
            self._roles = table
        return self._roles

    def opd_roles(self, opd: str) -> Roles:
        """Every programme an OPD leads or supports, over all dimensions."""
        out = Roles()
        for roles in self.roles.get(opd, {}).values():
            out.lead += roles.lead
            out.support += roles.support
        return out

    def opds_in(self, dimension: str) -> list[Opd]:
        """OPDs taking part in a dimension, in data order."""
        return [o for o in self.plan.opds if self.roles[o.key][dimension].count]

    def budget(
        self,
        rows: Callable[[Program, BudgetLine], str],
        columns: Callable[[Program, BudgetLine], str],
        *,
        row_order: Iterable[str],
        column_order: Iterable[str],
        programs: Iterable[Program] | None = None,
    ) -> Table:
        """Sum budget lines into a table keyed by two functions of (programme, line)."""
        cells: dict[tuple[str, str], int] = defaultdict(int)
        for p in self.plan.counted_programs if programs is None else programs:
            for line in p.budget:
                cells[rows(p, line), columns(p, line)] += line.amount
        return Table(rows=list(row_order), columns=list(column_order), cells=dict(cells))

    @property
    def years(self) -> list[str]:
        return [str(y) for y in self.plan.info.period.years]

    @property
    def sources(self) -> list[str]:
        """Funding sources that occur in the plan, in the contract's order."""
        used = {line.source for p in self.plan.counted_programs for line in p.budget}
        return [s for s in SOURCES if s in used]

    @property
    def money_sources(self) -> list[str]:
        """Sources of the indication, the pagu or the realisasi of the counted programmes,
        in the contract's order: every row a money table per source can have."""
        used: set[str] = set()
        for p in self.plan.counted_programs:
            used |= {line.source for line in p.budget} | {a.source for a in p.allocations}
            used |= {s.source for s in p.spending}
        return [s for s in SOURCES if s in used]

    @property
    def started_years(self) -> list[str]:
        """Years of the plan that have started by the reference date: those with spending."""
        return [str(y) for y in self.started_year_numbers]

    @property
    def started_year_numbers(self) -> list[int]:
        return [y for y in self.plan.info.period.years if y <= self.plan.as_of.year]

    def budget_dimension_year(self) -> Table:
        return self.budget(
            lambda p, _: p.dimension,
            lambda _, line: str(line.year),
            row_order=[d.key for d in self.plan.dimensions],
            column_order=self.years,
        )

    def budget_source_year(self, programs: Iterable[Program] | None = None) -> Table:
        return self.budget(
            lambda _, line: line.source,
            lambda _, line: str(line.year),
            row_order=self.sources,
            column_order=self.years,
            programs=programs,
        )

    def budget_opd_year(self) -> Table:
        """Budget of the programmes each OPD leads (the lead answers for the budget)."""
        return self.budget(
            lambda p, _: p.lead,
            lambda _, line: str(line.year),
            row_order=[o.key for o in self.plan.opds],
            column_order=self.years,
        )

    def money(
        self,
        row: Callable[[Program, int, str], str],
        row_order: Iterable[str],
        *,
        years: Iterable[int] | None = None,
        programs: Iterable[Program] | None = None,
    ) -> MoneyTable:
        """The money of ``programs`` (by default every programme the plan counts) in
        ``years`` (by default the years that have started: realisasi cannot exist for later
        ones, so counting them would understate serapan), per row of
        ``row(programme, year, source)``."""
        wanted = set(self.started_year_numbers if years is None else years)
        cells: dict[str, Money] = defaultdict(Money)
        for p in self.plan.counted_programs if programs is None else programs:
            if not p.counted:
                continue
            if p.path not in self._cells:
                self._cells[p.path] = money.cells(p)
            for (year, source), m in self._cells[p.path].items():
                if year in wanted:
                    key = row(p, year, source)
                    cells[key] = cells[key] + m
        return MoneyTable(list(row_order), dict(cells))

    def money_by_year(
        self, programs: Iterable[Program] | None = None, years: Iterable[int] | None = None
    ) -> MoneyTable:
        """Per year (by default the started ones), of ``programs`` or of the whole plan."""
        chosen = self.started_year_numbers if years is None else list(years)
        return self.money(lambda _p, y, _s: str(y), [str(y) for y in chosen], years=chosen, programs=programs)

    @cached_property
    def money_by_source(self) -> MoneyTable:
        return self.money(lambda _p, _y, s: s, self.money_sources)

    @cached_property
    def money_by_dimension(self) -> MoneyTable:
        return self.money(lambda p, _y, _s: p.dimension, [d.key for d in self.plan.dimensions])

    @cached_property
    def money_by_opd(self) -> MoneyTable:
        """Of the programmes each OPD leads (the lead answers for the money). Kept, as
        the other tables per source and dimension: several pages show them."""
        return self.money(lambda p, _y, _s: p.lead, [o.key for o in self.plan.opds])

    @property
    def allocation_years(self) -> list[int]:
        """Years of the period in which some counted programme has a pagu recorded."""
        recorded = {a.year for p in self.plan.counted_programs for a in p.allocations}
        return [y for y in self.plan.info.period.years if y in recorded]

    def quarters(self, programs: Iterable[Program] | None = None) -> Quarters | None:
        """Cumulative realisasi and serapan by quarter of the reference date's year, up to
        its current quarter; ``None`` when no line of that year gives a quarter."""
        chosen = [p for p in (self.plan.counted_programs if programs is None else programs) if p.counted]
        year = self.plan.as_of.year
        if not any(s.quarter and s.year == year for p in chosen for s in p.spending):
            return None
        base = money.of_programs(chosen, [year])
        spent = money.quarterly_spent(chosen, year)[: quarter_of(self.plan.as_of)]
        return Quarters(year, base, spent)

    def progress(self, dimension: str | None = None) -> Progress:
        programs = self.plan.programs if dimension is None else self.plan.programs_of(dimension)
        return Progress(programs)

    def rpjmd_alignment(self) -> list[Alignment]:
        """Every RPJMD mission and goal with the programmes that name it.

        A goal no programme names is a gap; a mission is a gap only when neither it nor
        any of its goals is named.
        """
        served: dict[str, list[Program]] = defaultdict(list)
        for p in self.plan.programs:
            for key in p.rpjmd:
                served[key].append(p)
        rows = []
        for mission in self.plan.rpjmd:
            goals = [Alignment(g.key, g.name, False, served.get(g.key, [])) for g in mission.goals]
            direct = served.get(mission.key, [])
            gap = not direct and all(not g.programs for g in goals)
            rows.append(Alignment(mission.key, mission.name, True, direct, gap_override=gap))
            rows += goals
        return rows


@dataclass(frozen=True)
class Quarters:
    """Realisasi of one year, cumulative at the end of each quarter so far, against the
    year's dasar (pagu where recorded, indication elsewhere)."""

    year: int
    money: Money
    spent: list[int]

    def absorption(self, quarter: int) -> float | None:
        return money.absorption(self.money.base, self.spent[quarter - 1])

    @property
    def rows(self) -> list[tuple[int, int, float | None]]:
        return [(q, amount, self.absorption(q)) for q, amount in enumerate(self.spent, start=1)]


@dataclass(frozen=True)
class Alignment:
    """One row of the RPJMD alignment: a mission or goal and the programmes naming it."""

    key: str
    name: str
    is_mission: bool
    programs: list[Program]
    gap_override: bool | None = None

    @property
    def gap(self) -> bool:
        return self.gap_override if self.gap_override is not None else not self.programs
