"""What was delivered against what was planned: achievement (capaian) and what needs
updating (money and serapan: :mod:`.money`). Plain data from the model; views only lay it out.

Achievement follows the formula Indonesian performance reports (SAKIP/LKjIP) use, so
Bappeda reads the same figure here as in its own reports:

- a higher value is better (``direction: up``): actual / target x 100;
- a lower value is better (``direction: down``): (2 x target - actual) / target x 100,
  i.e. each unit above the target costs what a unit below it would have earned.

A target of 0 is met (100) when the actual is on the right side of it, else missed (0).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from ..model import Evaluation, Indicator, Program, Recommendation

State = Literal["on-track", "behind", "not-reported", "not-due"]
#: Indonesian labels of the states, worst first (the order pages list them in).
STATES: dict[str, str] = {
    "not-reported": "Belum dilaporkan",
    "behind": "Di bawah target",
    "on-track": "Sesuai target",
    "not-due": "Belum jatuh tempo",
}
#: Achievement at or above this percentage meets the target.
MET = 100.0
#: Statuses of programmes that no longer need updates.
CLOSED = ("done", "cancelled")


def achievement(indicator: Indicator, year: int) -> float | None:
    """Capaian in percent for ``year``; ``None`` without both a target and an actual."""
    target, actual = indicator.targets.get(year), indicator.actuals.get(year)
    if target is None or actual is None:
        return None
    down = indicator.better_down
    if target == 0:
        return 100.0 if (actual <= 0 if down else actual >= 0) else 0.0
    ratio = actual / target
    value = (2 - ratio) * 100 if down else ratio * 100
    # The validator keeps targets and actuals within bounds that keep this finite; a
    # plan built in code is held to the same promise: never inf% on a page.
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class IndicatorYear:
    """One year of an indicator: target, actual, achievement and its state."""

    year: int
    target: float | None
    actual: float | None
    achievement: float | None
    state: State


def year_state(indicator: Indicator, year: int, as_of: datetime.date) -> State:
    """A year with a target is due once it has ended (or earlier, when an actual is in)."""
    if year not in indicator.targets:
        return "not-due"
    value = achievement(indicator, year)
    if value is not None:
        return "on-track" if value >= MET else "behind"
    return "not-reported" if year < as_of.year else "not-due"


def indicator_years(indicator: Indicator, as_of: datetime.date) -> list[IndicatorYear]:
    """Every year with a target or an actual, in order."""
    years = sorted(set(indicator.targets) | set(indicator.actuals))
    return [
        IndicatorYear(
            year,
            indicator.targets.get(year),
            indicator.actuals.get(year),
            achievement(indicator, year),
            year_state(indicator, year, as_of),
        )
        for year in years
    ]


def latest(indicator: Indicator, as_of: datetime.date) -> IndicatorYear | None:
    """The indicator's latest due year: what its state is today (``None``: nothing due)."""
    due = [y for y in indicator_years(indicator, as_of) if y.state != "not-due"]
    return due[-1] if due else None


@dataclass(frozen=True)
class Assessed:
    """An indicator of a programme with its state today."""

    program: Program
    indicator: Indicator
    year: IndicatorYear | None

    @property
    def state(self) -> State:
        return self.year.state if self.year is not None else "not-due"


@dataclass
class Tally:
    """Indicators of a group of programmes by state."""

    items: list[Assessed] = field(default_factory=list)

    def of(self, state: State) -> list[Assessed]:
        return [a for a in self.items if a.state == state]

    def count(self, state: State) -> int:
        return len(self.of(state))

    @property
    def due(self) -> int:
        return sum(1 for a in self.items if a.state != "not-due")

    @property
    def badness(self) -> tuple[int, float]:
        """Sort key, worst first: the most due indicators not on track (below target or not
        reported), then the larger share of them, as the pages' captions say."""
        bad = self.count("not-reported") + self.count("behind")
        return (-bad, -(bad / self.due) if self.due else 0.0)


def tally(programs: Iterable[Program], as_of: datetime.date) -> Tally:
    """The indicators of ``programs`` by state; a cancelled programme's are not counted
    (nobody reports on a programme that will not run)."""
    counted = [p for p in programs if p.counted]
    return Tally([Assessed(p, ind, latest(ind, as_of)) for p in counted for ind in p.indicators])


def due_to_run(program: Program, as_of: datetime.date) -> bool:
    """Planned to be running at ``as_of`` and not closed."""
    return program.start_year <= as_of.year <= program.end_year and program.status not in CLOSED


@dataclass(frozen=True)
class Attention:
    """Why a programme needs updating ("perlu diperbarui")."""

    program: Program
    delayed: bool
    stale_since: datetime.date | None
    """Its last change, when that is more than ``stale_after_days`` before ``as_of``."""
    stale_days: int | None
    """Days from ``stale_since`` to the reference date."""
    missing: list[tuple[Indicator, int]]
    """Indicators without an actual for a year that has passed."""


def attention(
    programs: Iterable[Program],
    as_of: datetime.date,
    stale_after_days: int,
    updated: Mapping[str, datetime.date],
) -> list[Attention]:
    """Programmes that are delayed, not updated for ``stale_after_days`` while due to
    run, or miss an actual for a year that has passed; never a cancelled one. ``updated``
    holds each page's last change (from git); a page without one is never called stale."""
    out = []
    for p in programs:
        if not p.counted:
            continue  # shown with its note in the lists, never asked for an update
        last = updated.get(p.path)
        stale = last is not None and due_to_run(p, as_of) and (as_of - last).days > stale_after_days
        missing = [
            (ind, y.year)
            for ind in p.indicators
            for y in indicator_years(ind, as_of)
            if y.state == "not-reported"
        ]
        if p.status == "delayed" or stale or missing:
            since = last if stale else None
            days = (as_of - since).days if since is not None else None
            out.append(Attention(p, p.status == "delayed", since, days, missing))
    return out


@dataclass(frozen=True)
class Reporting:
    """How many indicators with a target for a year that has ended got their actual."""

    year: int
    due: int
    reported: int
    closed: bool
    """The year is closed (``data/plan.yml: closed_years``): its figures are final."""

    @property
    def share(self) -> float | None:
        return self.reported / self.due * 100 if self.due else None


def reporting(
    programs: Iterable[Program], as_of: datetime.date, years: Iterable[int], closed: Iterable[int]
) -> list[Reporting]:
    """Per year of ``years`` that has ended by ``as_of``: the indicators of the counted
    ``programs`` with a target for it, and how many were reported (Open SDG's reporting
    status)."""
    counted = [p for p in programs if p.counted]
    shut = set(closed)
    out = []
    for year in years:
        if year >= as_of.year:
            continue
        due = [ind for p in counted for ind in p.indicators if year in ind.targets]
        reported = sum(1 for ind in due if year in ind.actuals)
        out.append(Reporting(year, len(due), reported, year in shut))
    return out


def last_passed_year(first: int, last: int, as_of: datetime.date) -> int | None:
    """The latest year of the period that has ended by ``as_of``: the year a programme is
    judged on ("behind in 2025"); ``None`` before the first year has ended."""
    year = min(as_of.year - 1, last)
    return year if year >= first else None


@dataclass(frozen=True)
class Behind:
    """A programme behind in a year: its indicators below target or not reported then."""

    program: Program
    missed: list[tuple[Indicator, IndicatorYear]]


def behind(programs: Iterable[Program], year: int, as_of: datetime.date) -> list[Behind]:
    """Counted programmes with an indicator below target or not reported in ``year``, the
    most such indicators first (the plan's order breaks ties)."""
    out = []
    for p in programs:
        if not p.counted:
            continue
        missed = [
            (ind, y)
            for ind in p.indicators
            for y in indicator_years(ind, as_of)
            if y.year == year and y.state in ("behind", "not-reported")
        ]
        if missed:
            out.append(Behind(p, missed))
    return sorted(out, key=lambda b: -len(b.missed))


def by_lead(items: Iterable[Behind], opd_order: Iterable[str]) -> list[tuple[str, list[Behind]]]:
    """``items`` grouped by lead OPD, worst first: the most programmes behind, then the
    most indicators missed; equal OPDs keep the plan's order."""
    groups: dict[str, list[Behind]] = {key: [] for key in opd_order}
    for b in items:
        groups.setdefault(b.program.lead, []).append(b)
    filled = [(key, group) for key, group in groups.items() if group]
    return sorted(filled, key=lambda g: (-len(g[1]), -sum(len(b.missed) for b in g[1])))


def answers(evaluations: Iterable[Evaluation]) -> dict[str, list[tuple[int, Recommendation]]]:
    """Programme id -> the recommendations it answers, as (evaluation year, recommendation),
    the latest evaluation first."""
    out: dict[str, list[tuple[int, Recommendation]]] = {}
    for e in sorted(evaluations, key=lambda e: -e.year):
        for rec in e.recommendations:
            for id_ in dict.fromkeys(rec.programs):
                out.setdefault(id_, []).append((e.year, rec))
    return out
