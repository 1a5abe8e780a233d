"""The project's own pages: home, governance, downloads and the contributor guide's tables."""

from __future__ import annotations

from ..figures.changes import PlanDiff
from ..read import schema
from .base import ViewBase
from .budget import absorption_text


class PageViews(ViewBase):
    """Home, governance, downloads and guide tables."""

    def home(self, base: str = "") -> str:
        """Vision, missions, key figures, the six dimensions and the quick wins."""
        return self.render_template(
            "home.md",
            base,
            quick_wins=self.quick_wins,
            spending=self.figures.money_by_year(),
            absorption_text=absorption_text,
        )

    def governance(self, base: str = "") -> str:
        """Governance bodies and the Bimtek history."""
        return self.render_template("governance.md", base)

    def downloads(self, sizes: dict[str, int], titles: dict[str, str], base: str) -> str:
        """The open-data files with their sizes and what each holds (by name without its
        extension), and the PDF."""
        return self.render_template("downloads.html", base, sizes=sizes, titles=titles)

    def since_adopted(self, base: str, diff: PlanDiff | None, error: str) -> str:
        """"Perubahan sejak ditetapkan": programme by programme, what the living plan
        changed since the edition in force, with totals."""
        return self.render_template(
            "since_adopted.html", base, edition=self.plan.info.edition, diff=diff, error=error
        )

    def schema_table(self, cls: type) -> str:
        """The fields of one schema, for the contributor guide."""
        return self.render_template("schema_table.html", "", fields=schema.describe(cls))

    def problem_codes(self, codes: dict[str, str]) -> str:
        """The validator's problem codes and what they mean."""
        return self.render_template("problem_codes.html", "", codes=codes)
