"""Progress of the programmes and their alignment with the RPJMD."""

from __future__ import annotations

from .. import charts, fmt
from .base import ViewBase


class ProgressViews(ViewBase):
    """The progress and RPJMD pages."""

    def progress(self, base: str) -> str:
        """Status counts and the share of running programmes, per dimension."""
        rows = [(d, self.figures.progress(d.key)) for d in self.plan.dimensions]
        chart = charts.stacked_chart(
            [(d.name_en, {k: prog.count(k) for k in fmt.STATUS}) for d, prog in rows],
            order=list(charts.STATUS_COLOURS),
            labels=fmt.STATUS,
            title="Sebaran status program per dimensi",
            describedby="progres-dimensi",
        )
        return self.defer(
            self.render_template("progress.html", base, rows=rows, whole=self.figures.progress(), chart=chart)
        )

    def rpjmd(self, base: str) -> str:
        """Each RPJMD mission and goal with the programmes that serve it, gaps marked."""
        rows = self.figures.rpjmd_alignment()
        goals = [row for row in rows if not row.is_mission]
        served = sum(1 for row in goals if not row.gap)
        return self.defer(
            self.render_template("rpjmd.html", base, rows=rows, goals=len(goals), served=served)
        )
