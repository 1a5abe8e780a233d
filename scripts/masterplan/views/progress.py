"""Progress of the programmes, what needs updating, and alignment with the RPJMD."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING

from markupsafe import Markup

from .. import fmt
from ..figures import delivery
from ..html import charts
from ..model import Program
from ..read.history import newest
from .base import ViewBase, program_order


class ProgressViews(ViewBase):
    """The progress and RPJMD pages, and the "perlu diperbarui" list OPD pages share."""

    def progress(self, base: str) -> str:
        """Status counts and the share of running programmes, per dimension; then the
        programmes that need updating, with why."""
        rows = [(d, self.figures.progress(d.key)) for d in self.plan.dimensions]
        chart = charts.stacked_chart(
            [(d.name_en, {k: prog.count(k) for k in fmt.STATUS}) for d, prog in rows],
            order=list(charts.STATUS_COLOURS),
            labels=fmt.STATUS,
            title="Sebaran status program per dimensi",
            describedby="progres-dimensi",
        )
        return self.defer(self.behind(base)) + self.defer(
            self.render_template(
                "progress.html",
                base,
                rows=rows,
                whole=self.figures.progress(),
                chart=chart,
                attention=Markup(
                    self.attention_list(self.plan.programs, base, "Program yang perlu diperbarui")
                ),
            )
        )

    @cached_property
    def needing_update(self) -> list[delivery.Attention]:
        """Every programme that needs updating, in catalogue order. A page's last update
        is its newest commit (no history, outside a git checkout: never stale)."""
        return delivery.attention(
            sorted(self.plan.programs, key=program_order),
            self.plan.as_of,
            self.plan.info.stale_after_days,
            newest(self.history),
        )

    def attention_list(self, programs: Iterable[Program], base: str, caption: str) -> str:
        """Those of ``programs`` that need updating, with their reasons (HTML)."""
        ids = {p.id for p in programs}
        items = [a for a in self.needing_update if a.program.id in ids]
        return self.render_template(
            "attention.html",
            base,
            items=items,
            caption=caption,
            as_of=self.plan.as_of,
            stale_after_days=self.plan.info.stale_after_days,
        )

    if TYPE_CHECKING:  # provided by AchievementViews: both pages open with who is behind

        def behind(self, base: str) -> str: ...

    def rpjmd(self, base: str) -> str:
        """Each RPJMD mission and goal with the programmes that serve it, gaps marked."""
        rows = self.figures.rpjmd_alignment()
        goals = [row for row in rows if not row.is_mission]
        served = sum(1 for row in goals if not row.gap)
        return self.defer(
            self.render_template("rpjmd.html", base, rows=rows, goals=len(goals), served=served)
        )
