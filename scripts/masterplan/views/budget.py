"""The indicative budget by dimension, year, source and lead OPD."""

from __future__ import annotations

from .. import charts, fmt
from .base import ViewBase


class BudgetViews(ViewBase):
    """The budget page."""

    def budget(self, base: str) -> str:
        """Budget totals by dimension, year, funding source and lead OPD, with charts."""
        f = self.figures
        dims, sources = f.budget_dimension_year(), f.budget_source_year()
        names = self.names
        return self.defer(
            self.render_template(
                "budget.html",
                base,
                dims=dims,
                sources=sources,
                opds=f.budget_opd_year(),
                dimension_names=names["dimension"],
                opd_names=names["opd"],
                sum_table=self.sum_table,
                chart_dimensions=charts.bar_chart(
                    [(names["dimension"][r], dims.row_total(r)) for r in dims.rows],
                    title="Anggaran indikatif per dimensi",
                    describedby="anggaran-dimensi",
                    value_text=lambda v: fmt.rupiah_words(int(v)),
                ),
                chart_years=charts.bar_chart(
                    [(c, dims.column_total(c)) for c in dims.columns],
                    title="Anggaran indikatif per tahun",
                    describedby="anggaran-dimensi",
                    value_text=lambda v: fmt.rupiah_words(int(v)),
                ),
                chart_sources=charts.bar_chart(
                    [(r, sources.row_total(r)) for r in sources.rows],
                    title="Anggaran indikatif per sumber dana",
                    describedby="anggaran-sumber",
                    value_text=lambda v: fmt.rupiah_words(int(v)),
                ),
            )
        )
