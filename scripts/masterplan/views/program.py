"""A programme's page: the panels generated from its front matter, then its narrative."""

from __future__ import annotations

from ..model import Program
from ..safehtml import Rendered, render, slot
from .base import ViewBase

#: A programme page above its narrative: fixed headings (for the table of contents)
#: between slots that :func:`fill_slots` fills with generated HTML. The site fills them
#: only after search indexing, which then never reads the generated tables: that keeps a
#: 1,000-programme build close to a plain one. Generated HTML never meets the sanitizer.
PROGRAM_SKELETON = "{facts}\n\n## Anggaran indikatif\n\n{budget}\n\n## Indikator kinerja\n\n{indicators}\n\n"


def program_skeleton() -> str:
    return PROGRAM_SKELETON.format(facts=slot("facts"), budget=slot("budget"), indicators=slot("indicators"))


def fill_slots(text: str, fragments: dict[str, str]) -> str:
    """Replace each slot's first placeholder (ours come before any narrative)."""
    for name, fragment in fragments.items():
        text = text.replace(slot(name), fragment.strip(), 1)
    return text


class ProgramViews(ViewBase):
    """Programme pages."""

    def program_fragments(self, program: Program, base: str) -> dict[str, str]:
        """The HTML generated from a programme's front matter, by :data:`PROGRAM_SKELETON` slot."""
        dimension = self.plan.dimension(program.dimension)
        assert dimension is not None  # the loader only keeps programmes in known folders
        context = dict(
            p=program,
            dimension=dimension,
            element=self.plan.element(program.element),
            # Only the years some indicator has a target for: a column of dashes says nothing.
            years=sorted({year for ind in program.indicators for year in ind.targets}),
        )
        return {
            slot: self.render_template(f"program_{slot}.html", base, **context)
            for slot in ("facts", "budget", "indicators")
        }

    def program_content(self, program: Program, base: str) -> Rendered:
        """A programme page as clean HTML: panel headings and slots, then the narrative.
        The slots of :meth:`program_fragments` are left for the caller to fill."""
        return render(
            program.body, before=program_skeleton(), page=program.path.removeprefix("docs/"), base=base
        )

    def program_page(self, program: Program, base: str) -> str:
        """The whole programme page as HTML: generated panel above the staff's narrative."""
        return fill_slots(self.program_content(program, base).html, self.program_fragments(program, base))
