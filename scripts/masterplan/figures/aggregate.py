"""Cross-cutting figures computed from the model: matrices, budgets, roadmap, progress.

Everything here is plain data built from one loaded :class:`Masterplan`; the templates
only lay it out. Totals are computed once and reconcile by construction (a table's row
totals and column totals are sums of the same cells), and tests assert that they do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from ..model import BudgetLine, Masterplan, Opd, Program, SpendingLine
from .delivery import absorption

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
class PlannedSpent:
    """Planned budget against realized spending per row, with absorption (serapan).

    ``planned`` counts only the years that have started: spending cannot exist yet for
    later years, so comparing with them would understate absorption.
    """

    rows: list[str]
    planned: dict[str, int]
    spent: dict[str, int]

    def absorption(self, row: str) -> float | None:
        return absorption(self.planned.get(row, 0), self.spent.get(row, 0))

    @property
    def total_planned(self) -> int:
        return sum(self.planned.get(r, 0) for r in self.rows)

    @property
    def total_spent(self) -> int:
        return sum(self.spent.get(r, 0) for r in self.rows)

    @property
    def total_absorption(self) -> float | None:
        return absorption(self.total_planned, self.total_spent)

    def lowest_absorption_first(self) -> PlannedSpent:
        """The same rows, the lowest serapan first (rows with nothing planned last);
        rows equally low keep their order."""
        def key(row: str) -> tuple[bool, float]:
            value = self.absorption(row)
            return (value is None, value or 0.0)

        return PlannedSpent(sorted(self.rows, key=key), self.planned, self.spent)


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


#: A budget or spending line: both have a year, an amount and a source.
Line = TypeVar("Line", BudgetLine, SpendingLine)


class Figures:
    """All aggregates of one plan, each computed on first use and then kept."""

    def __init__(self, plan: Masterplan):
        self.plan = plan
        self._roles: dict[str, dict[str, Roles]] | None = None

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
        return self._sum(lambda p: p.budget, rows, columns, row_order, column_order, programs)

    def spending(
        self,
        rows: Callable[[Program, SpendingLine], str],
        columns: Callable[[Program, SpendingLine], str],
        *,
        row_order: Iterable[str],
        column_order: Iterable[str],
        programs: Iterable[Program] | None = None,
    ) -> Table:
        """Sum spending lines (realisasi) into a table, as :meth:`budget` does budgets."""
        return self._sum(lambda p: p.spending, rows, columns, row_order, column_order, programs)

    def _sum(
        self,
        lines: Callable[[Program], Iterable[Line]],
        rows: Callable[[Program, Line], str],
        columns: Callable[[Program, Line], str],
        row_order: Iterable[str],
        column_order: Iterable[str],
        programs: Iterable[Program] | None,
    ) -> Table:
        cells: dict[tuple[str, str], int] = defaultdict(int)
        for p in self.plan.counted_programs if programs is None else programs:
            for line in lines(p):
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
    def spending_sources(self) -> list[str]:
        """Sources of the budget or of the spending, in the contract's order."""
        used = {line.source for p in self.plan.counted_programs for line in p.budget}
        used |= {line.source for p in self.plan.programs for line in p.spending}
        return [s for s in SOURCES if s in used]

    @property
    def started_years(self) -> list[str]:
        """Years of the plan that have started by the reference date: those with spending."""
        return [str(y) for y in self.plan.info.period.years if y <= self.plan.as_of.year]

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

    def spending_dimension_year(self) -> Table:
        return self.spending(
            lambda p, _: p.dimension,
            lambda _, line: str(line.year),
            row_order=[d.key for d in self.plan.dimensions],
            column_order=self.years,
        )

    def spending_source_year(self, programs: Iterable[Program] | None = None) -> Table:
        return self.spending(
            lambda _, line: line.source,
            lambda _, line: str(line.year),
            row_order=self.spending_sources,
            column_order=self.years,
            programs=programs,
        )

    def spending_opd_year(self) -> Table:
        """Spending of the programmes each OPD leads."""
        return self.spending(
            lambda p, _: p.lead,
            lambda _, line: str(line.year),
            row_order=[o.key for o in self.plan.opds],
            column_order=self.years,
        )

    def planned_spent(
        self, budget: Table, spending: Table, rows: Iterable[str] | None = None
    ) -> PlannedSpent:
        """Per row of two year tables: the budget of the started years against all spending."""
        started = set(self.started_years)
        order = list(budget.rows if rows is None else rows)
        return PlannedSpent(
            rows=order,
            planned={r: sum(budget.cell(r, y) for y in budget.columns if y in started) for r in order},
            spent={r: spending.row_total(r) for r in order},
        )

    def planned_spent_by_year(self, programs: Iterable[Program] | None = None) -> PlannedSpent:
        """Per started year: that year's budget against that year's spending (of
        ``programs``, by default every programme the plan counts)."""
        if programs is not None:
            programs = [p for p in programs if p.counted]
        budget, spending = self.budget_source_year(programs), self.spending_source_year(programs)
        years = self.started_years
        return PlannedSpent(
            rows=years,
            planned={y: budget.column_total(y) for y in years},
            spent={y: spending.column_total(y) for y in years},
        )

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
