"""Achievement (capaian): how many indicators are on track, per dimension and lead OPD."""

from __future__ import annotations

from dataclasses import dataclass

from .. import fmt
from ..figures import delivery
from ..figures.delivery import Assessed, State, Tally
from ..html import charts
from ..html.urls import dimension_url
from .base import ViewBase, program_order

#: ``charts.stacked_chart`` colours its segments by programme status key; each state
#: borrows the status colour closest in meaning (on track reads as running, behind as
#: delayed), and the two states without a measurement stay grey. Worst first, as STATES.
STATE_COLOUR: dict[State, str] = {
    "not-reported": "planned",
    "behind": "delayed",
    "on-track": "ongoing",
    "not-due": "cancelled",
}


@dataclass(frozen=True)
class TallyRow:
    """One dimension or OPD with its indicators by state."""

    name: str
    url: str
    tally: Tally


def capaian(value: float | None) -> str:
    """``106.666`` -> ``106,67%``; a dash without both a target and an actual."""
    return "—" if value is None else fmt.number(round(value, 2)) + "%"


def worst_first(whole: Tally) -> list[Assessed]:
    """Indicators that need attention: not reported (oldest year first), then behind
    (lowest achievement first); programme order breaks ties."""

    def program_rank(a: Assessed) -> tuple[int, int, str]:
        return program_order(a.program)

    missing = sorted(whole.of("not-reported"), key=lambda a: (a.year.year if a.year else 0, program_rank(a)))
    behind = sorted(
        whole.of("behind"),
        key=lambda a: (
            a.year.achievement if a.year and a.year.achievement is not None else 0.0,
            program_rank(a),
        ),
    )
    return missing + behind


class AchievementViews(ViewBase):
    """The achievement page."""

    def achievement_rows(self) -> tuple[list[TallyRow], list[TallyRow]]:
        """Tallies per dimension and per lead OPD (OPDs that lead a programme), worst first."""
        as_of = self.plan.as_of
        dimensions = [
            TallyRow(d.name_en, dimension_url(d.key), delivery.tally(self.plan.programs_of(d.key), as_of))
            for d in self.plan.dimensions
        ]
        leads = {p.lead for p in self.plan.programs}
        opds = [
            TallyRow(
                f"{o.name} ({o.short})",
                f"opd/{o.key}/",
                delivery.tally([p for p in self.plan.programs if p.lead == o.key], as_of),
            )
            for o in self.plan.opds
            if o.key in leads
        ]
        # sorted() is stable: equally bad rows keep the plan's order.
        return (
            sorted(dimensions, key=lambda r: r.tally.badness),
            sorted(opds, key=lambda r: r.tally.badness),
        )

    def behind(self, base: str) -> str:
        """Programmes behind in the last year that has passed, by lead OPD, worst first:
        the answer /capaian/ and /progres/ open with."""
        year, items = self.behind_last_year
        judged = sum(
            1 for p in self.plan.counted_programs if any(year in ind.targets for ind in p.indicators)
        )
        return self.render_template(
            "behind.html",
            base,
            year=year,
            as_of=self.plan.as_of,
            judged=judged,
            total=len(items),
            groups=delivery.by_lead(items, [o.key for o in self.plan.opds]),
            capaian=capaian,
        )

    def achievement(self, base: str) -> str:
        """Indicators by state per dimension and lead OPD, then those behind or missing."""
        dimensions, opds = self.achievement_rows()
        whole = delivery.tally(self.plan.programs, self.plan.as_of)
        chart = charts.stacked_chart(
            [
                (row.name, {colour: row.tally.count(s) for s, colour in STATE_COLOUR.items()})
                for row in dimensions
            ],
            order=list(STATE_COLOUR.values()),
            labels={colour: delivery.STATES[s] for s, colour in STATE_COLOUR.items()},
            title="Keadaan indikator per dimensi",
            describedby="capaian-dimensi",
        )
        return self.defer(self.behind(base)) + self.defer(
            self.render_template(
                "achievement.html",
                base,
                as_of=self.plan.as_of,
                whole=whole,
                dimensions=dimensions,
                opds=opds,
                attention=worst_first(whole),
                cancelled=[p for p in self.plan.programs if not p.counted and p.indicators],
                chart=chart,
                STATES=delivery.STATES,
                MET=delivery.MET,
                capaian=capaian,
                reporting=self.reporting_rows(),
            )
        )

    def reporting_rows(self) -> list[tuple[str, str, list[delivery.Reporting]]]:
        """Reporting status per lead OPD (name, url, per passed year), the whole plan last."""
        plan = self.plan
        years, closed = plan.info.period.years, plan.info.closed
        rows = []
        for o in plan.opds:
            led = self.figures.opd_roles(o.key).lead
            if led:
                rows.append(
                    (
                        f"{o.name} ({o.short})",
                        f"opd/{o.key}/",
                        delivery.reporting(led, plan.as_of, years, closed),
                    )
                )
        return [*rows, ("Seluruh rencana", "", delivery.reporting(plan.programs, plan.as_of, years, closed))]
