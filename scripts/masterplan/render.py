"""Rendering the model into the Markdown/HTML fragments the site shows.

Templates are files under ``templates/``; this module only prepares their context. The
Jinja environment autoescapes, so a value written by a contributor can never become
markup; no contributor text is ever used as a template. Contributor values only land
inside HTML blocks, where Markdown does not interpret them, or pass :func:`md_text`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from . import charts, fmt, schema
from .aggregate import Figures, Table
from .model import PREFIXES, Dimension, DimensionPage, Masterplan, Opd, Program
from .safehtml import Rendered, render, slot

TEMPLATES = Path(__file__).parent / "templates"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def page_url(src: str) -> str:
    """Site URL (relative to the site root) of a docs file, as MkDocs writes it.

    ``docs/program/living/alat-bantu.md`` -> ``program/living/alat-bantu/``.
    """
    rel = src.removeprefix("docs/").removesuffix(".md")
    rel = rel.removesuffix("index") if rel == "index" or rel.endswith("/index") else rel + "/"
    return quote(rel)


def dimension_url(key: str) -> str:
    return f"dimensi/{quote(key)}/"


def md_text(value: Any) -> str:
    """Backslash-escape Markdown punctuation so a value stays plain text in Markdown."""
    return _MD_SPECIAL.sub(r"\\\1", str(value))


def ticks(text: str) -> Markup:
    """Escape ``text`` and show its `backticked` parts as code (schema docs, messages)."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def yaml_value(value: Any) -> str:
    """An example value as staff write it in YAML: ``[dinsos, diskominfo]``, not a repr."""
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


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


def environment() -> Environment:
    # Our own templates, never contributor text: autoescape protects the values they
    # print. (The sandbox is for mkdocs-macros, which renders the project's pages.)
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        rupiah=fmt.rupiah,
        rupiah_words=fmt.rupiah_words,
        number=fmt.number,
        date_id=fmt.date,
        years=fmt.years,
        md_text=md_text,
        ticks=ticks,
        yaml_value=yaml_value,
    )
    env.globals.update(
        STATUS=fmt.STATUS,
        HORIZON=fmt.HORIZON,
        PARTNER_KIND=fmt.PARTNER_KIND,
        RATING=fmt.RATING,
        READINESS=fmt.READINESS,
        SWOT=fmt.SWOT,
        page_url=page_url,
        dimension_url=dimension_url,
        percent=fmt.percent,
    )
    return env


class Views:
    """Every generated fragment of the site, for one loaded plan.

    ``base`` is the relative path from the page being rendered to the site root
    (``"../../../"`` on a programme page), so links work on any host and sub-path.
    """

    def __init__(self, plan: Masterplan, *, defer: Callable[[str], str] | None = None, repository: str = ""):
        self.plan = plan
        self.repository = repository.rstrip("/")
        self.env = environment()
        # Large generated HTML (tables of many programmes) can be handed to ``defer``,
        # which returns a placeholder to put in the Markdown instead: the site fills it
        # in after Markdown and search have run, so they never parse those tables.
        self.defer = defer or (lambda html: html)
        self._opds = {o.key: o for o in plan.opds}
        # Generated HTML inside a contributor page, kept out of the sanitizer's way.
        self._kept: list[str] = []
        self.env.filters["keep"] = lambda html: Markup(self.keep(str(html)))

    def keep(self, html: str) -> str:
        """Put generated ``html`` aside as a slot that :meth:`page_content` refills after
        cleaning the page (the sanitizer would strip our classes, tables and charts)."""
        self._kept.append(html)
        return "\n" + slot(f"kept-{len(self._kept) - 1}") + "\n"

    def _unkeep(self, html: str) -> str:
        start = html.find("<!-- masterplan:kept-")
        while start != -1:
            end = html.index(" -->", start)
            index = int(html[start + len("<!-- masterplan:kept-") : end])
            html = html[:start] + self._kept[index].strip() + html[end + 4 :]
            start = html.find("<!-- masterplan:kept-", start)
        return html

    def opd_name(self, key: str) -> str:
        opd = self._opds.get(key)
        return f"{opd.name} ({opd.short})" if opd else key

    def opd_short(self, key: str) -> str:
        opd = self._opds.get(key)
        return opd.short if opd else key

    def render_template(self, template: str, base: str, **context: Any) -> str:
        """Render one of the templates with the common context (plan, names, helpers)."""
        common: dict[str, Any] = dict(
            plan=self.plan,
            info=self.plan.info,
            base=base,
            opd_name=self.opd_name,
            opd_short=self.opd_short,
            rpjmd_name=self.plan.rpjmd_name,
            program_list=lambda programs, caption: Markup(self.program_list(programs, caption, base)),
            dimension_cards=lambda: Markup(self.dimension_cards(base)),
            opd_roles=self.figures.opd_roles,
            feedback_url=self.feedback_url,
            roadmap_of=lambda key: Markup(self.roadmap(base, dimension=key)),
        )
        return self.env.get_template(template).render({**common, **context})

    @cached_property
    def quick_wins(self) -> list[Program]:
        return [p for p in self.plan.programs if p.quick_win]

    @cached_property
    def figures(self) -> Figures:
        return Figures(self.plan)

    @cached_property
    def names(self) -> dict[str, dict[str, str]]:
        """Display names by key: dimensions, elements and OPDs."""
        return {
            "dimension": {d.key: d.name_en for d in self.plan.dimensions},
            "element": {e.key: e.name for d in self.plan.dimensions for e in d.elements},
            "opd": {o.key: o.short for o in self.plan.opds},
        }

    def sum_table(
        self, table: Table, table_id: str, caption: str, row_title: str, row_labels: dict[str, str]
    ) -> Markup:
        """A two-way rupiah table with row and column totals."""
        return Markup(
            self.render_template(
                "sum_table.html",
                "",
                table=table,
                table_id=table_id,
                caption=caption,
                row_title=row_title,
                row_labels=row_labels,
            )
        )

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
        return self.render_template(
            "opd_page.md",
            base,
            opd=opd,
            roles=roles,
            roles_table=Markup(roles_table),
            dimensions_involved=sum(1 for r in f.roles[opd.key].values() if r.count),
            budget=f.budget_source_year(roles.lead),
            partners=[(name, kind, ids) for (name, kind), ids in partners.items()],
            sum_table=lambda *args: Markup(self.defer(self.sum_table(*args))),
        )

    def downloads(self, sizes: dict[str, int], base: str) -> str:
        """The open-data files with their sizes, and the PDF."""
        return self.render_template("downloads.html", base, sizes=sizes)

    def feedback_url(self, program: Program) -> str:
        """The "Beri masukan" link: the feedback issue form, prefilled with the programme."""
        if not self.repository:
            return ""
        query = urlencode(
            {
                "template": "masukan-program.yml",
                "title": f"Masukan: {program.id} {program.title}",
                "program": f"{program.id} {program.title}",
            },
            quote_via=quote,
        )
        return f"{self.repository}/issues/new?{query}"

    def program_list(self, programs: Iterable[Program], caption: str, base: str) -> str:
        """A table of programmes with links, status and lead OPD."""
        ordered = sorted(programs, key=program_order)
        return self.defer(self.render_template("program_list.html", base, programs=ordered, caption=caption))

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
                "dimension_intro.html", base, total=sum(p.total_budget for p in programs), **context
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

    def home(self, base: str = "") -> str:
        """Vision, missions, key figures, the six dimensions and the quick wins."""
        return self.render_template("home.md", base, quick_wins=self.quick_wins)

    def governance(self, base: str = "") -> str:
        """Governance bodies and the Bimtek history."""
        return self.render_template("governance.md", base)

    def dimension_cards(self, base: str = "") -> str:
        """The six dimensions as cards with their programme count and budget."""
        return self.render_template("dimension_cards.html", base)

    def schema_table(self, cls: type) -> str:
        """The fields of one schema, for the contributor guide."""
        return self.render_template("schema_table.html", "", fields=schema.describe(cls))

    def problem_codes(self, codes: dict[str, str]) -> str:
        """The validator's problem codes and what they mean."""
        return self.render_template("problem_codes.html", "", codes=codes)


_PREFIX_ORDER = list(PREFIXES.values())


def program_order(program: Program) -> tuple[int, int, str]:
    """Programmes sort in dimension order, then by number: GOV-2 before GOV-10."""
    prefix, _, number = program.id.partition("-")
    rank = _PREFIX_ORDER.index(prefix) if prefix in _PREFIX_ORDER else len(_PREFIX_ORDER)
    return (rank, int(number) if number.isdigit() else 0, program.id)
