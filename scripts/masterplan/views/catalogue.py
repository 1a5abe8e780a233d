"""The catalogue of programmes, the cross-OPD matrices and the OPD pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from markupsafe import Markup

from ..figures import delivery
from ..model import Dimension, Opd, Program, Recommendation
from .base import ViewBase, md_text, program_order
from .budget import absorption_text


class CatalogueViews(ViewBase):
    """Catalogue, matrices and OPD pages."""

    def catalogue(self, base: str) -> str:
        """Every programme in one sortable, filterable table (complete without JavaScript)."""
        programs = sorted(self.plan.programs, key=program_order)
        return self.defer(
            self.render_template(
                "catalogue.html",
                base,
                programs=programs,
                total=self.plan.total_budget,
                dimension_names=self.names["dimension"],
                element_names=self.names["element"],
            )
        )

    def matrix_opd_dimension(self, base: str) -> str:
        """OPD x dimension: how many programmes each OPD leads and supports."""
        return self.defer(
            self.render_template(
                "matrix_opd_dimension.html", base, opds=self.plan.opds, roles=self.figures.roles
            )
        )

    def matrix_dimension(self, dimension: Dimension, base: str) -> str:
        """OPD x programme of one dimension, with L (lead) and S (support) marks."""
        programs = sorted(self.plan.programs_of(dimension.key), key=program_order)
        opds = self.figures.opds_in(dimension.key)
        return self.defer(
            self.render_template("matrix_dimension.html", base, d=dimension, programs=programs, opds=opds)
        )

    def matrices(self, base: str) -> str:
        """All matrices: OPD x dimension, then OPD x programme per dimension."""
        parts = ["## OPD × dimensi\n", self.matrix_opd_dimension(base)]
        for d in self.plan.dimensions:
            parts += [f"\n## {md_text(d.name_en)}: OPD × program\n", self.matrix_dimension(d, base)]
        return "\n".join(parts)

    def opd_index(self, base: str) -> str:
        """All OPDs with how many programmes they lead and support."""
        return self.defer(self.render_template("opd_index.html", base))

    def opd_page(self, opd: Opd, base: str) -> str:
        """The generated page of one OPD."""
        f = self.figures
        roles = f.opd_roles(opd.key)
        partners: dict[tuple[str, str], list[str]] = {}
        for p in sorted(roles.lead + roles.support, key=program_order):
            for partner in p.partners:
                partners.setdefault((partner.name, partner.kind), []).append(p.id)
        # The tables are deferred: readers browse them, nobody searches for their cells,
        # and keeping them out of the search index keeps it small on a phone.
        roles_table = self.defer(
            self.render_template("opd_roles.html", base, opd=opd, by_dimension=f.roles[opd.key])
        )
        attention = self.defer(
            self.attention_list(roles.lead, base, f"Program yang dipimpin {opd.short} dan perlu diperbarui")
        )
        as_of = self.plan.as_of
        year, behind = self.behind_last_year
        # Each recommendation once, with the OPD's programmes that answer it.
        recommendations: dict[str, tuple[int, Recommendation, list[Program]]] = {}
        for p in sorted(roles.lead + roles.support, key=program_order):
            for evaluation_year, rec in self.answers.get(p.id, []):
                recommendations.setdefault(rec.key, (evaluation_year, rec, []))[2].append(p)
        context = dict(
            opd=opd,
            roles=roles,
            as_of=as_of,
            spent=f.money_by_year(roles.lead),
            absorption_text=absorption_text,
            tally=delivery.tally(roles.lead, as_of),
            reporting=delivery.reporting(
                roles.lead, as_of, self.plan.info.period.years, self.plan.info.closed
            ),
            STATES=delivery.STATES,
            behind_year=year,
            behind=[b for b in behind if b.program.lead == opd.key],
            delayed=[p for p in sorted(roles.lead, key=program_order) if p.status == "delayed"],
            recommendations=sorted(recommendations.values(), key=lambda r: (-r[0], r[1].key)),
        )
        # Deferred like the tables: readers browse them; the search index stays small.
        sections = {
            part: Markup(self.defer(self.render_template("opd_delivery.html", base, part=part, **context)))
            for part in ("spent", "results", "delayed", "answers")
        }
        return self.render_template(
            "opd_page.md",
            base,
            opd=opd,
            roles=roles,
            sections=sections,
            roles_table=Markup(roles_table),
            attention=Markup(attention),
            dimensions_involved=sum(1 for r in f.roles[opd.key].values() if r.count),
            budget=f.budget_source_year(roles.lead),
            partners=[(name, kind, ids) for (name, kind), ids in partners.items()],
            sum_table=lambda *args: Markup(self.defer(self.sum_table(*args))),
        )

    if TYPE_CHECKING:  # provided by ProgressViews: the progress page shows the same list

        def attention_list(self, programs: Iterable[Program], base: str, caption: str) -> str: ...
