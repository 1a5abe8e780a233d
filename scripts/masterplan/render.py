"""Rendering the model into the Markdown/HTML fragments the site shows.

Templates are files under ``templates/``; this module only prepares their context. The
Jinja environment autoescapes, so a value written by a contributor can never become
markup; no contributor text is ever used as a template. Contributor values only land
inside HTML blocks, where Markdown does not interpret them, or pass :func:`md_text`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from . import fmt, schema
from .model import PREFIXES, Dimension, DimensionPage, Masterplan, Program

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


def inert(body: str) -> str:
    """A contributor narrative shown as plain text, used when it failed the safety rules."""
    return (
        '<div class="mp-inert" role="note"><p><strong>Narasi tidak ditampilkan sebagai '
        "Markdown karena memuat HTML, templat atau tautan yang tidak diizinkan.</strong></p>"
        f"<pre>{html.escape(body.strip())}</pre></div>\n"
    )


#: A programme page as Markdown: fixed headings (for the table of contents) between slots
#: that :func:`fill_slots` fills with generated HTML. The site fills them only after
#: Markdown and search indexing, which then never parse the generated tables: that keeps
#: a 1,000-programme build close to a plain one.
PROGRAM_SKELETON = "{facts}\n\n## Anggaran indikatif\n\n{budget}\n\n## Indikator kinerja\n\n{indicators}\n\n"


def slot(name: str) -> str:
    """The placeholder of a slot: an HTML comment, which Markdown passes through as is."""
    return f"<!-- masterplan:{name} -->"


def program_skeleton(body: str) -> str:
    return (
        PROGRAM_SKELETON.format(facts=slot("facts"), budget=slot("budget"), indicators=slot("indicators"))
        + body
    )


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
    )
    return env


class Views:
    """Every generated fragment of the site, for one loaded plan.

    ``base`` is the relative path from the page being rendered to the site root
    (``"../../../"`` on a programme page), so links work on any host and sub-path.
    """

    def __init__(self, plan: Masterplan, *, defer: Callable[[str], str] | None = None):
        self.plan = plan
        self.env = environment()
        # Large generated HTML (tables of many programmes) can be handed to ``defer``,
        # which returns a placeholder to put in the Markdown instead: the site fills it
        # in after Markdown and search have run, so they never parse those tables.
        self.defer = defer or (lambda html: html)
        self._opds = {o.key: o for o in plan.opds}

    def opd_name(self, key: str) -> str:
        opd = self._opds.get(key)
        return f"{opd.name} ({opd.short})" if opd else key

    def opd_short(self, key: str) -> str:
        opd = self._opds.get(key)
        return opd.short if opd else key

    def _render(self, template: str, base: str, **context: Any) -> str:
        return self.env.get_template(template).render(
            plan=self.plan,
            info=self.plan.info,
            base=base,
            opd_name=self.opd_name,
            opd_short=self.opd_short,
            rpjmd_name=self.plan.rpjmd_name,
            program_list=lambda programs, caption: Markup(self.program_list(programs, caption, base)),
            dimension_cards=lambda: Markup(self.dimension_cards(base)),
            **context,
        )

    @cached_property
    def quick_wins(self) -> list[Program]:
        return [p for p in self.plan.programs if p.quick_win]

    def program_list(self, programs: Iterable[Program], caption: str, base: str) -> str:
        """A table of programmes with links, status and lead OPD."""
        ordered = sorted(programs, key=program_order)
        return self.defer(self._render("program_list.html", base, programs=ordered, caption=caption))

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
            slot: self._render(f"program_{slot}.html", base, **context)
            for slot in ("facts", "budget", "indicators")
        }

    def program_page(self, program: Program, base: str, *, safe: bool = True) -> str:
        """The whole programme page: generated panel above the staff's narrative."""
        markdown = program_skeleton(program.body if safe else inert(program.body))
        return fill_slots(markdown, self.program_fragments(program, base))

    def dimension_page(
        self, dimension: Dimension, page: DimensionPage | None, base: str, *, safe: bool = True
    ) -> str:
        """Elements and figures, the narrative, then SWOT, readiness, strategy, programmes."""
        programs = self.plan.programs_of(dimension.key)
        by_element = {e.key: [p for p in programs if p.element == e.key] for e in dimension.elements}
        context = dict(d=dimension, programs=programs, by_element=by_element)
        intro = self._render(
            "dimension_intro.md", base, total=sum(p.total_budget for p in programs), **context
        )
        if page is None:
            return intro
        body = page.body if safe else inert(page.body)
        return intro + "\n" + body + "\n" + self._render("dimension_analysis.md", base, page=page, **context)

    def home(self, base: str = "") -> str:
        """Vision, missions, key figures, the six dimensions and the quick wins."""
        return self._render("home.md", base, quick_wins=self.quick_wins)

    def governance(self, base: str = "") -> str:
        """Governance bodies and the Bimtek history."""
        return self._render("governance.md", base)

    def dimension_cards(self, base: str = "") -> str:
        """The six dimensions as cards with their programme count and budget."""
        return self._render("dimension_cards.html", base)

    def all_programs(self, base: str) -> str:
        """Every programme, grouped by dimension."""
        return self._render("all_programs.md", base)

    def schema_table(self, cls: type) -> str:
        """The fields of one schema, for the contributor guide."""
        return self._render("schema_table.html", "", fields=schema.describe(cls))

    def problem_codes(self, codes: dict[str, str]) -> str:
        """The validator's problem codes and what they mean."""
        return self._render("problem_codes.html", "", codes=codes)


_PREFIX_ORDER = list(PREFIXES.values())


def program_order(program: Program) -> tuple[int, int, str]:
    """Programmes sort in dimension order, then by number: GOV-2 before GOV-10."""
    prefix, _, number = program.id.partition("-")
    rank = _PREFIX_ORDER.index(prefix) if prefix in _PREFIX_ORDER else len(_PREFIX_ORDER)
    return (rank, int(number) if number.isdigit() else 0, program.id)
