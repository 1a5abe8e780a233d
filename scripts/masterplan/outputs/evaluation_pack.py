"""The assessors' pack: what a region shows the national evaluation of "Gerakan Menuju 100
Smart City" for one year, built from the plan with the functions the site uses.

For a year Y the pack lists, per dimension, the programmes that run in Y (or have an
indicator target or actual in Y), each with its lead OPD, sub-kegiatan, status, its
indicators' target, realisasi and capaian in Y (:mod:`..figures.delivery`), its
indication, pagu and realisasi of Y (:mod:`..figures.money`), the recommendations of the
previous evaluation it answers, and links to its page and to its history of changes. The
figures are the site's and the open data's, to the rupiah. The files themselves (XLSX and
PDF) are written by :mod:`.evaluation_pack_files`.

Decisions, written down once:

- A cancelled programme is listed with its status and note, but without indicators or
  money, as every total of the site leaves it out: a dimension's columns then add up to
  its line in the summary.
- The recommendations are those of the *previous* evaluation: the latest one of a year
  before Y. The evaluation of Y itself judges the work this pack documents; its
  recommendations come after Y and are answered in later years. Without an earlier
  evaluation the column stays empty and the pack says so.
- The indicators counted for Y are those with a target in Y, by their state at the
  plan's reference date (an indicator without a target in Y is listed, not counted).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from .. import fmt
from ..figures import delivery, money
from ..figures.delivery import IndicatorYear, State
from ..figures.money import Money
from ..html.urls import page_url
from ..model import Dimension, Evaluation, Indicator, Masterplan, Program, Recommendation, canonical_code
from ..views.base import program_order


def year_refusal(plan: Masterplan, year: int) -> str | None:
    """Why the plan cannot give a pack for ``year`` (an Indonesian sentence), or None."""
    period = plan.info.period
    if year not in period.years:
        return f"tahun {year} di luar periode rencana {fmt.years(period.start, period.end)} (data/plan.yml)."
    if year > plan.as_of.year:
        return (
            f"tahun {year} belum berjalan pada tanggal acuan pemantauan {fmt.date(plan.as_of)} "
            "(data/plan.yml: as_of); paket evaluasi disusun untuk tahun yang sudah berjalan."
        )
    return None


@dataclass(frozen=True)
class Links:
    """Where a programme's evidence is online: its page on the site and its history of
    changes in the repository. An address that is not known gives an empty link."""

    site_url: str = ""
    repository: str = ""
    branch: str = "main"

    def page(self, program: Program) -> str:
        return f"{self.site_url.rstrip('/')}/{page_url(program.path)}" if self.site_url else ""

    def history(self, program: Program) -> str:
        """The list of commits that changed the programme's page (GitHub's address form)."""
        if not self.repository:
            return ""
        return f"{self.repository.rstrip('/')}/commits/{quote(self.branch)}/{quote(program.path)}"


def read_links(mkdocs: Path) -> Links:
    """The links' addresses from the site's settings: ``site_url``, the repository
    (``repo_url``, else ``extra.repository``, which this project sets instead: a
    ``repo_url`` makes the theme ask GitHub's API for stars), and the branch that
    ``edit_uri`` edits (``…/edit/<branch>/docs/``; ``main`` when it names none). Only
    http(s) addresses are taken; an unreadable file gives no links."""
    try:
        settings = yaml.safe_load(mkdocs.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):  # a !!python tag: MkDocs reads it, a safe reader does not
        return Links()
    if not isinstance(settings, dict):
        return Links()
    extra = settings.get("extra")
    repository = _web_address(settings.get("repo_url")) or _web_address(
        extra.get("repository") if isinstance(extra, dict) else None
    )
    edit_uri = settings.get("edit_uri")
    edited = re.search(r"(?:^|/)(?:edit|blob)/([^/]+)/", edit_uri if isinstance(edit_uri, str) else "")
    return Links(_web_address(settings.get("site_url")), repository, edited.group(1) if edited else "main")


def _web_address(value: Any) -> str:
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) else ""


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator of a programme in the pack's year."""

    indicator: Indicator
    year: IndicatorYear | None
    """Target, realisasi, capaian and state in the year; None with neither a target nor an
    actual then."""

    @property
    def state(self) -> State | None:
        """The state it is counted in; None without a target in the year (not counted)."""
        return self.year.state if self.year is not None and self.year.target is not None else None


@dataclass(frozen=True)
class Entry:
    """One programme in the pack."""

    program: Program
    sub_activities: list[tuple[str, str]]
    """(code, name) in the decree's form; the name is empty when the nomenclature table
    does not hold the code, or there is no table."""
    indicators: list[IndicatorLine]
    money: Money
    reported: bool
    """Some realisasi of the year is recorded (``0`` is a report too)."""
    recommendations: list[Recommendation]
    page: str
    history: str

    @property
    def indication(self) -> int | None:
        """The year's indication; None for a cancelled programme (it counts nowhere)."""
        return self.money.indication if self.program.counted else None

    @property
    def pagu(self) -> int | None:
        """The year's latest pagu; None when it is not recorded (not read as zero)."""
        return self.money.allocation if self.money.allocated else None

    @property
    def spent(self) -> int | None:
        """The year's realisasi; None when none is reported."""
        return self.money.spent if self.reported else None


@dataclass(frozen=True)
class Section:
    """A dimension: its programmes and what they add up to (cancelled ones left out)."""

    dimension: Dimension
    entries: list[Entry]
    money: Money
    states: Counter[str]


@dataclass(frozen=True)
class Pack:
    """The pack of one year: the dimensions in the plan's order, then their totals."""

    plan: Masterplan
    year: int
    previous: Evaluation | None
    """The evaluation whose recommendations the programmes answer (see the module)."""
    sections: list[Section]

    @property
    def money(self) -> Money:
        return money.total(s.money for s in self.sections)

    @property
    def states(self) -> Counter[str]:
        return sum((s.states for s in self.sections), Counter())

    @property
    def programs(self) -> int:
        return sum(len(s.entries) for s in self.sections)


def build(plan: Masterplan, year: int, links: Links) -> Pack:
    """The pack of ``year``; :func:`year_refusal` says which years a plan can give."""
    earlier = [e for e in plan.evaluations if e.year < year]
    previous = max(earlier, key=lambda e: e.year) if earlier else None
    answers = delivery.answers([previous] if previous else [])
    sections = []
    for d in plan.dimensions:
        chosen = sorted((p for p in plan.programs_of(d.key) if _in_year(p, year)), key=program_order)
        entries = [_entry(plan, p, year, links, [rec for _, rec in answers.get(p.id, [])]) for p in chosen]
        counted = [p for p in chosen if p.counted]
        states: Counter[str] = Counter(line.state for e in entries for line in e.indicators if line.state)
        sections.append(Section(d, entries, money.of_programs(counted, [year]), states))
    return Pack(plan, year, previous, sections)


def _in_year(program: Program, year: int) -> bool:
    """The programme runs in ``year``, or one of its indicators is measured then (an
    outcome may be measured after the programme ends)."""
    measured = any(year in ind.targets or year in ind.actuals for ind in program.indicators)
    return year in program.years or measured


def _entry(
    plan: Masterplan, p: Program, year: int, links: Links, recommendations: list[Recommendation]
) -> Entry:
    names = plan.nomenclature or {}
    codes = list(dict.fromkeys(canonical_code(c) for c in p.sub_activities))
    if p.counted:
        indicators = [IndicatorLine(ind, _in(ind, year, plan)) for ind in p.indicators]
        figures = money.of_programs([p], [year])
        reported = any(s.year == year for s in p.spending)
    else:  # listed with its note; its figures count nowhere (see the module)
        indicators, figures, reported = [], Money(), False
    return Entry(
        p,
        [(c, names.get(c, "")) for c in codes],
        indicators,
        figures,
        reported,
        recommendations,
        links.page(p),
        links.history(p),
    )


def _in(indicator: Indicator, year: int, plan: Masterplan) -> IndicatorYear | None:
    """The indicator's ``year`` as its programme page shows it."""
    return next((y for y in delivery.indicator_years(indicator, plan.as_of) if y.year == year), None)
