"""A dimension's page: elements and figures, the narrative, then SWOT, readiness and strategy."""

from __future__ import annotations

from markupsafe import Markup

from ..html.safehtml import Rendered, render
from ..model import Dimension, DimensionPage
from .base import ViewBase
from .budget import absorption_text


class DimensionViews(ViewBase):
    """Dimension pages."""

    def dimension_content(self, dimension: Dimension, page: DimensionPage | None, base: str) -> Rendered:
        """Elements and figures, the narrative, then SWOT, readiness, strategy, programmes."""
        programs = self.plan.programs_of(dimension.key)
        by_element = {e.key: [p for p in programs if p.element == e.key] for e in dimension.elements}
        context = dict(
            d=dimension,
            programs=programs,
            by_element=by_element,
            program_list=lambda items, caption: Markup(self.keep(self.program_list(items, caption, base))),
            roadmap_of=lambda key: Markup(self.keep(self.roadmap(base, dimension=key))),
        )
        intro = self.keep(
            self.render_template(
                "dimension_intro.html",
                base,
                total=sum(p.total_budget for p in programs if p.counted),
                # The same cell as the budget page's table per dimension.
                money=self.figures.money_by_dimension[dimension.key],
                as_of=self.plan.as_of,
                absorption_text=absorption_text,
                **context,
            )
        )
        after = ""
        if page is not None:
            after = self.render_template("dimension_analysis.md", base, page=page, **context)
        rendered = render(
            page.body if page is not None else "",
            before=intro,
            after=after,
            page=page.path.removeprefix("docs/") if page is not None else "",
            base=base,
        )
        rendered.html = self._unkeep(rendered.html)
        return rendered

    def dimension_page(self, dimension: Dimension, page: DimensionPage | None, base: str) -> str:
        return self.dimension_content(dimension, page, base).html
