"""A programme's page: the panels generated from its front matter, then its narrative."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cached_property

from markupsafe import Markup

from .. import fmt
from ..check.closed import shown, spending_source
from ..figures import delivery, money
from ..figures.delivery import IndicatorYear
from ..html import charts
from ..html.safehtml import BASE_STAND_IN, Rendered, fill_slots, render, slot
from ..model import Indicator, Program, canonical_code
from ..read.history import FieldChange, Revision
from .base import ViewBase

#: The panels under their own heading on a programme page, by slot, in page order.
PANEL_HEADINGS = {
    "budget": "Anggaran dan realisasi",
    "indicators": "Indikator kinerja",
    "history": "Riwayat perubahan",
}
#: A programme page above its narrative: fixed headings (for the table of contents)
#: between slots that :func:`fill_slots` fills with generated HTML. The site fills them
#: only after search indexing, which then never reads the generated tables: that keeps a
#: 1,000-programme build close to a plain one. Generated HTML never meets the sanitizer.
PROGRAM_SKELETON = "{facts}\n\n" + "".join(
    f"## {title}\n\n{{{name}}}\n\n" for name, title in PANEL_HEADINGS.items()
)
PROGRAM_SLOTS = ("facts", *PANEL_HEADINGS)
#: Only a full hash is a commit we link to: anything else came from somewhere else.
COMMIT = re.compile(r"^[0-9a-f]{40}$")


def program_skeleton() -> str:
    return PROGRAM_SKELETON.format(**{name: slot(name) for name in PROGRAM_SLOTS})


#: Where a programme page's panel headings and slots wait while search indexes the page.
PANELS_AWAY = slot("panel-headings")


def panels_apart(html: str) -> tuple[str, str]:
    """A programme page's HTML as its panel headings and slots (everything up to the last
    slot of :data:`PROGRAM_SKELETON`) and the rest: the narrative. The slot is ours alone
    (the sanitizer removes every comment of the narrative), so the split is exact."""
    head, end, rest = html.partition(slot(PROGRAM_SLOTS[-1]))
    return (head + end, rest) if end else ("", html)


def fill_panels(text: str, fragments: dict[str, str]) -> str:
    """A programme page's slots filled with its panels (see :func:`slot`)."""
    return fill_slots(text, lambda name: fragments[name].strip() if name in fragments else None)


def achievement_text(value: float | None) -> str:
    """Capaian as the page prints it: ``106,67%``; ``—`` without a target and an actual."""
    return "—" if value is None else fmt.number(round(value, 2)) + "%"


def correction_field(field: str) -> str:
    """What a correction names, as readers say it: ``spending.APBD`` -> "Realisasi anggaran
    APBD"; an indicator's name -> "Realisasi indikator: <name>"."""
    source = spending_source(field)
    return f"Realisasi anggaran {source}" if source else f"Realisasi indikator: {field}"


@dataclass(frozen=True)
class IndicatorPanel:
    """One indicator with its years, today's state and its chart."""

    indicator: Indicator
    table_id: str
    years: list[IndicatorYear]
    latest: IndicatorYear | None
    chart: Markup


@dataclass(frozen=True)
class HistoryEntry:
    """One listed revision: its date, what changed, and the commit link (or none)."""

    date: datetime.date
    changes: list[str]
    url: str
    short: str


class ProgramViews(ViewBase):
    """Programme pages."""

    @cached_property
    def _positions(self) -> dict[str, int]:
        # Ids of a programme's charts and tables come from its place in the plan: unique
        # on its page and in the print edition, which holds every programme, and never
        # made of contributor text.
        return {p.path: i for i, p in enumerate(self.plan.programs, start=1)}

    def program_fragments(self, program: Program, base: str) -> dict[str, str]:
        """The HTML generated from a programme's front matter, by :data:`PROGRAM_SKELETON` slot.

        Each programme's panels are rendered once per build, with a secret stand-in for
        ``base``, and reused by its page and by the print edition (which has another
        base): rendering them twice cost a 1,000-programme build 0.7 s."""
        made = self._panels.get(program.path)
        if made is None:
            made = self._panels[program.path] = self._render_fragments(program, BASE_STAND_IN)
        return {name: html.replace(BASE_STAND_IN, base) for name, html in made.items()}

    def _render_fragments(self, program: Program, base: str) -> dict[str, str]:
        dimension = self.plan.dimension(program.dimension)
        assert dimension is not None  # the loader only keeps programmes in known folders
        as_of = self.plan.as_of
        rows = money.rows(program, as_of)
        started = [y for y in program.years if y <= as_of.year]
        context = dict(
            p=program,
            dimension=dimension,
            element=self.plan.element(program.element),
            as_of=as_of,
            STATES=delivery.STATES,
            achievement_text=achievement_text,
            absorption_text=achievement_text,
            rows=rows,
            to_date=money.of_programs([program], started),
            whole=money.total(r.money for r in rows),
            quarters=self.figures.quarters([program]) if program.counted else None,
            panels=self._indicator_panels(program),
            history=self._history_entries(program),
            unreadable=sum(not r.readable for r in self.history.get(program.path, [])),
            in_git=program.path in self.history,
            answers=self.answers.get(program.id, []),
            # Codes in the decree's shape, each once, named from data/nomenclature.csv.
            codes=list(dict.fromkeys(canonical_code(c) for c in program.sub_activities)),
            nomenclature=self.plan.nomenclature,
            correction_field=correction_field,
            correction_value=shown,
        )
        # The corrections again on their own, for the print edition (which has no history).
        return {
            name: self.render_template(f"program_{name}.html", base, **context)
            for name in (*PROGRAM_SLOTS, "corrections")
        }

    def _indicator_panels(self, program: Program) -> list[IndicatorPanel]:
        as_of = self.plan.as_of
        panels = []
        for i, ind in enumerate(program.indicators, start=1):
            table_id = f"mp--{self._positions.get(program.path, 0)}-indikator-{i}"
            years = delivery.indicator_years(ind, as_of)
            chart = charts.series_chart(
                [y.year for y in years],
                [("Target", ind.targets), ("Realisasi", ind.actuals)],
                title=f"{ind.name}: target dan realisasi per tahun ({ind.unit})",
                title_id=f"{table_id}-judul",
                describedby=table_id,
                value_text=fmt.number,
            )
            panels.append(IndicatorPanel(ind, table_id, years, delivery.latest(ind, as_of), chart))
        return panels

    def _history_entries(self, program: Program) -> list[HistoryEntry]:
        revisions: list[Revision] = list(self.history.get(program.path, []))
        entries = []
        for n, revision in enumerate(revisions):
            if not revision.readable:
                continue  # counted once below the list (program_history.html)
            if revision.changes:
                changes = [self._change_text(c) for c in revision.changes]
            elif n == len(revisions) - 1:  # the oldest: the page's creation
                changes = ["Halaman dibuat"]
            else:
                continue  # only the narrative or untracked fields changed
            linked = bool(self.repository) and COMMIT.match(revision.commit) is not None
            url = f"{self.repository}/commit/{revision.commit}" if linked else ""
            entries.append(HistoryEntry(revision.date, changes, url, revision.commit[:7] if linked else ""))
        return entries

    def _change_text(self, change: FieldChange) -> str:
        """A tracked change in Indonesian: ``Status: Direncanakan → Berjalan``."""
        before, after = change.before, change.after
        if change.name == "status":
            return f"Status: {_label(fmt.STATUS, before)} → {_label(fmt.STATUS, after)}"
        if change.name == "progress":
            return f"Progres: {_percent(before)} → {_percent(after)}"
        if change.name == "lead":
            return f"OPD pengampu: {self._opd(before)} → {self._opd(after)}"
        if change.name == "budget":
            return f"Anggaran: {_money(before)} → {_money(after)}"
        if change.name == "spending":
            return f"Realisasi anggaran: {_money(before)} → {_money(after)}"
        if change.name == "status_note":
            if not before:
                return "Keterangan status ditambahkan"
            return "Keterangan status dihapus" if not after else "Keterangan status diubah"
        return f"{change.name} diubah"

    def _opd(self, key: object) -> str:
        return self.opd_short(key) if isinstance(key, str) and key else "—"

    def program_content(self, program: Program, base: str) -> Rendered:
        """A programme page as clean HTML: panel headings and slots, then the narrative.
        The slots of :meth:`program_fragments` are left for the caller to fill."""
        return render(
            program.body, before=program_skeleton(), page=program.path.removeprefix("docs/"), base=base
        )

    def program_page(self, program: Program, base: str) -> str:
        """The whole programme page as HTML: generated panel above the staff's narrative."""
        return fill_panels(self.program_content(program, base).html, self.program_fragments(program, base))


def _label(labels: dict[str, str], value: object) -> str:
    if value is None or value == "":
        return "—"
    return labels.get(str(value), str(value))


def _percent(value: object) -> str:
    return f"{fmt.number(value)}%" if isinstance(value, int | float) else "—"


def _money(value: object) -> str:
    return fmt.rupiah(value) if isinstance(value, int) else "—"
