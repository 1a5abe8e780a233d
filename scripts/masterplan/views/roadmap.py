"""The roadmap: programmes by year of the plan."""

from __future__ import annotations

from .base import ViewBase, program_order


class RoadmapViews(ViewBase):
    """Roadmaps of the plan, a dimension or the quick wins."""

    def roadmap(self, base: str, *, dimension: str | None = None, quick_wins: bool = False) -> str:
        """Programmes x years of the plan, grouped by dimension, quick wins marked."""
        groups = []
        for d in self.plan.dimensions:
            if dimension is not None and d.key != dimension:
                continue
            programs = [p for p in self.plan.programs_of(d.key) if p.quick_win or not quick_wins]
            if programs:
                groups.append((d, sorted(programs, key=program_order)))
        what = "quick win" if quick_wins else "program"
        caption = f"Peta jalan {what} {self.plan.info.period.start}–{self.plan.info.period.end}"
        if dimension is not None and groups:
            caption += f", dimensi {groups[0][0].name_en}"
        return self.defer(
            self.render_template(
                "roadmap.html", base, groups=groups, years=self.plan.info.period.years, caption=caption
            )
        )
