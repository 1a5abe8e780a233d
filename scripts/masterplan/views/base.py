"""What every view shares: the template environment, names, links and the slots that
keep generated HTML out of the sanitizer's way.

The templates are files under ``templates/``; the view modules only prepare their
context. The Jinja environment autoescapes, so a value written by a contributor can never
become markup; no contributor text is ever used as a template. Contributor values only
land inside HTML blocks, where Markdown does not interpret them, or pass :func:`md_text`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from .. import fmt
from ..figures import delivery
from ..figures.aggregate import Figures, Table
from ..html.safehtml import fill_slots, slot
from ..html.urls import dimension_url, page_url
from ..model import PREFIXES, Masterplan, Program, Recommendation
from ..read.history import Revision

TEMPLATES = Path(__file__).parent / "templates"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def md_text(value: Any) -> str:
    """Backslash-escape Markdown punctuation so a value stays plain text in Markdown."""
    return _MD_SPECIAL.sub(r"\\\1", str(value))


def years_span(start: int, end: int) -> Markup:
    """``2025–2027`` that never breaks at its dash (a line break there split the range)."""
    return Markup('<span class="mp-nowrap">{}</span>').format(fmt.years(start, end))


def ticks(text: str) -> Markup:
    """Escape ``text`` and show its `backticked` parts as code (schema docs, messages)."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def yaml_value(value: Any) -> str:
    """An example value as staff write it in YAML: ``[dinsos, diskominfo]``, not a repr."""
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def environment(bytecode_cache: BytecodeCache | None = None) -> Environment:
    # Our own templates, never contributor text: autoescape protects the values they
    # print. (The sandbox is for mkdocs-macros, which renders the project's pages.)
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # A build renders ~50 templates per programme: without this, every lookup stats
        # the template file (2 s of a 1,000-programme build). Each build makes a new
        # environment, so `mkdocs serve` still sees edited templates.
        auto_reload=False,
        bytecode_cache=bytecode_cache,
    )
    env.filters.update(
        rupiah=fmt.rupiah,
        rupiah_words=fmt.rupiah_words,
        number=fmt.number,
        date_id=fmt.date,
        years=years_span,
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


class ViewBase:
    """The state and helpers every page family's views use.

    ``base`` is the relative path from the page being rendered to the site root
    (``"../../../"`` on a programme page), so links work on any host and sub-path.
    """

    def __init__(
        self,
        plan: Masterplan,
        *,
        defer: Callable[[str], str] | None = None,
        repository: str = "",
        history: Mapping[str, list[Revision]] | None = None,
        bytecode_cache: BytecodeCache | None = None,
    ):
        self.plan = plan
        # Programme panels by page (see ProgramViews.program_fragments).
        self._panels: dict[str, dict[str, str]] = {}
        # Each page's commits, newest first (empty outside a git checkout).
        self.history: Mapping[str, list[Revision]] = history or {}
        self.repository = repository.rstrip("/")
        self.env = environment(bytecode_cache)
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
        return fill_slots(html, self._kept_html)

    def _kept_html(self, name: str) -> str | None:
        kind, _, index = name.partition("-")
        return self._kept[int(index)].strip() if kind == "kept" else None

    @cached_property
    def behind_last_year(self) -> tuple[int | None, list[delivery.Behind]]:
        """The last year of the period that has passed, and the programmes behind in it
        (worst first): /capaian/, /progres/ and every OPD page show them, computed once."""
        period, as_of = self.plan.info.period, self.plan.as_of
        year = delivery.last_passed_year(period.start, period.end, as_of)
        return year, (delivery.behind(self.plan.programs, year, as_of) if year is not None else [])

    @cached_property
    def answers(self) -> dict[str, list[tuple[int, Recommendation]]]:
        """Programme id -> the evaluation recommendations it answers, latest first."""
        return delivery.answers(self.plan.evaluations)

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
            cancelled=self.cancelled,
        )
        return self.env.get_template(template).render({**common, **context})

    @cached_property
    def cancelled(self) -> list[Program]:
        """Cancelled programmes: listed, but left out of every total (pages say so)."""
        return [p for p in self.plan.programs if not p.counted]

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

    def dimension_cards(self, base: str = "") -> str:
        """The six dimensions as cards with their programme count and budget."""
        return self.render_template("dimension_cards.html", base)

    if TYPE_CHECKING:  # provided by RoadmapViews; every template may show a roadmap

        def roadmap(self, base: str, *, dimension: str | None = None, quick_wins: bool = False) -> str: ...


_PREFIX_ORDER = list(PREFIXES.values())


def program_order(program: Program) -> tuple[int, int, str]:
    """Programmes sort in dimension order, then by number: GOV-2 before GOV-10."""
    prefix, _, number = program.id.partition("-")
    rank = _PREFIX_ORDER.index(prefix) if prefix in _PREFIX_ORDER else len(_PREFIX_ORDER)
    return (rank, int(number) if number.isdigit() else 0, program.id)
