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

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.bccache import Bucket, BytecodeCache
from markupsafe import Markup, escape

from .. import diskcache, fmt
from ..aggregate import Figures, Table
from ..history import Revision
from ..model import PREFIXES, Masterplan, Program
from ..safehtml import slot
from ..source import Yaml

TEMPLATES = Path(__file__).parent.parent / "templates"
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


class _Compiled(BytecodeCache):
    """Compiled templates, kept for the process. Each build makes a new environment, so
    `mkdocs serve` sees an edited template (a bucket whose source checksum differs is
    compiled again), but compiling some 80 templates anew cost every rebuild 0.7 s.
    Keys hold the template's file name, so the theme's environment can share it."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is None:
            # A `mkdocs build` or `masterplan validate` is a new process: compiled code
            # is kept on disk too (see :mod:`diskcache`), 0.5 s of a cold build, and
            # with an empty cache compiled by a second process (:func:`compile_ahead`).
            found = diskcache.kept("templates", diskcache.key(bucket.key))
            if isinstance(found, bytes):
                code = self._code[bucket.key] = found
        if code is not None:
            bucket.bytecode_from_string(code)

    def holds(self, key: str) -> bool:
        """Whether the code of the bucket ``key`` is kept, by this process or on disk."""
        if key in self._code:
            return True
        return diskcache.store("templates").get(diskcache.key(key)) is not diskcache.MISSING

    def dump_bytecode(self, bucket: Bucket) -> None:
        code = self._code[bucket.key] = bucket.bytecode_to_string()
        diskcache.store("templates").put(diskcache.key(bucket.key), code)


COMPILED_TEMPLATES = _Compiled()


def compile_ahead(templates: Iterable[tuple[Environment, Iterable[str]]]) -> bool:
    """Compile, in a second process, the named templates of each environment that the
    disk cache does not hold yet (an empty cache: a fresh clone, CI), while this process
    loads and checks the plan; its first use of one of them takes the code over
    (:func:`diskcache.in_background`). Returns whether a process was started.

    Each environment must use :data:`COMPILED_TEMPLATES` and be made as the one that
    renders (the compiled code depends on its options). A template that fails to
    compile there is compiled again, and reported, where it is used."""
    if not diskcache.can_work_in_background():
        return False
    wanted: list[tuple[Environment, str, bytes]] = []
    claims: set[bytes] = set()
    for env, names in templates:
        assert env.bytecode_cache is COMPILED_TEMPLATES and env.loader is not None
        for name in names:
            try:
                _, filename, _ = env.loader.get_source(env, name)
            except TemplateNotFound:
                continue
            bucket = COMPILED_TEMPLATES.get_cache_key(name, filename)
            digest = diskcache.key(bucket)
            if digest not in claims and not COMPILED_TEMPLATES.holds(bucket):
                wanted.append((env, name, digest))
                claims.add(digest)
    if not wanted:
        return False

    def work() -> None:
        for env, name, digest in wanted:
            try:
                env.get_template(name)
            except Exception:  # e.g. a theme's template for a plugin this site does not use
                # Kept as failed, so that the next build does not start a process for it.
                diskcache.store("templates").put(digest, None)

    return diskcache.in_background(("templates",), work, claims)


def engine_templates() -> tuple[Environment, list[str]]:
    """The engine's environment and the names of all its templates (for :func:`compile_ahead`)."""
    names = sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*") if p.is_file())
    return environment(), names


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
        # A build renders ~50 templates per programme: without this, every lookup stats
        # the template file (2 s of a 1,000-programme build). Each build makes a new
        # environment, so `mkdocs serve` still sees edited templates.
        auto_reload=False,
        bytecode_cache=COMPILED_TEMPLATES,
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
        panels: dict[str, tuple[Yaml | None, dict[str, str]]] | None = None,
        panels_made_from: str = "",
    ):
        self.plan = plan
        # Programme panels by page, with the front matter each was made from (see
        # ProgramViews.program_fragments).
        self.panels = {} if panels is None else panels
        # A digest of everything a programme's panels are made from besides its own
        # page; when given, panels are also kept on disk under it and the page's digest.
        self.panels_made_from = panels_made_from
        # Each page's commits, newest first (empty outside a git checkout).
        self.history: Mapping[str, list[Revision]] = history or {}
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
