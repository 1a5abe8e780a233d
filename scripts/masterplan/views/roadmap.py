"""The roadmap: programmes by year of the plan."""

from __future__ import annotations

from functools import cached_property

from .base import ViewBase, program_order


class RoadmapViews(ViewBase):
    """Roadmaps of the plan, a dimension or the quick wins."""

    def roadmap(self, base: str, *, dimension: str | None = None, quick_wins: bool = False) -> str:
        """Programmes x years of the plan, grouped by dimension, quick wins marked.

        Made once per build for each set of arguments: the roadmap page and the print
        edition (both one level below the root) show the same whole-plan roadmap, a row
        per programme."""
        key = (base, dimension, quick_wins)
        if key not in self._roadmaps:
            self._roadmaps[key] = self._roadmap(base, dimension, quick_wins)
        return self._roadmaps[key]

    @cached_property
    def _roadmaps(self) -> dict[tuple[str, str | None, bool], str]:
        return {}

    def _roadmap(self, base: str, dimension: str | None, quick_wins: bool) -> str:
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
