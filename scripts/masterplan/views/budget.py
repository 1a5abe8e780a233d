"""The budget: indicative by dimension, year, source and lead OPD, and what was spent."""

from __future__ import annotations

from .. import fmt
from ..figures.money import Money
from ..html import charts
from .base import ViewBase


def absorption_text(value: float | None) -> str:
    """Serapan as tables print it: ``8,46%``; ``–`` (an empty cell) when nothing was planned."""
    return "–" if value is None else fmt.number(round(value, 2)) + "%"


def base_label(m: Money) -> str:
    """What serapan of ``m`` divides by, in a word or two (a chart's bar label)."""
    if not m.allocated:
        return "rencana"
    return "dasar serapan" if m.on_indication else "pagu"


class BudgetViews(ViewBase):
    """The budget page."""

    def budget(self, base: str) -> str:
        """Budget totals by dimension, year, funding source and lead OPD, with charts, then
        planned against spent (serapan) by year, source, dimension and lead OPD."""
        f = self.figures
        dims, sources = f.budget_dimension_year(), f.budget_source_year()
        opds = f.budget_opd_year()
        names = self.names
        by_year = f.money_by_year()
        return self.defer(
            self.render_template(
                "budget.html",
                base,
                dims=dims,
                sources=sources,
                opds=opds,
                dimension_names=names["dimension"],
                opd_names=names["opd"],
                sum_table=self.sum_table,
                as_of=self.plan.as_of,
                started=f.started_years,
                by_year=by_year,
                funded_years=f.money_by_year(years=f.allocation_years),
                by_source=f.money_by_source,
                by_dimension=f.money_by_dimension,
                by_opd=f.money_by_opd.lowest_absorption_first(),
                quarters=f.quarters(),
                absorption_text=absorption_text,
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
                # Bars in pairs, each labelled with its year and kind: the label, not a
                # colour, tells plan from spending.
                chart_spent=charts.bar_chart(
                    [
                        (f"{year} {label}", amount)
                        for year in by_year.rows
                        for label, amount in (
                            (base_label(by_year[year]), by_year[year].base),
                            ("realisasi", by_year[year].spent),
                        )
                    ],
                    title="Rencana dan realisasi anggaran per tahun",
                    describedby="realisasi-tahun",
                    value_text=lambda v: fmt.rupiah_words(int(v)),
                ),
            )
        )
