"""What the website build needs from the engine, free of any MkDocs import.

A site generator's edge (:mod:`.plugin` for MkDocs) creates one :class:`Site` per build
and asks it, page by page, for generated Markdown and HTML. Moving to another generator
means writing another edge against this class, not touching the engine.
"""

from __future__ import annotations

import datetime
import hashlib
import html
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

from jinja2 import BytecodeCache

from .. import fmt
from ..check.revision import load_revision
from ..check.validate import Report, check
from ..figures.changes import PlanDiff, compare
from ..html.safehtml import Rendered, fill_slots, slot
from ..memo import compute
from ..model import Dimension, DimensionPage, Masterplan, Opd, Program
from ..outputs.book import book_html
from ..outputs.exports import PACKAGE_TITLE, TABLES, export
from ..outputs.schemas import json_schemas
from ..problems import Problem
from ..read.history import Log, Revision, program_history, read_log
from ..read.loader import DIMENSION_DIR, PROGRAM_DIR
from ..read.provenance import last_changed
from ..read.revision import DiffError
from ..views import TEMPLATES, Views, fill_panels
from ..views.program import PANELS_AWAY, panels_apart
from .cache import DiskCache

#: Where a site generator's edge keeps the loaded :class:`Site` in its configuration.
SITE_KEY = "masterplan_site"


def check_kept(root: Path) -> Report:
    """:func:`check` with the disk cache, as `masterplan validate` runs it (see
    :mod:`masterplan.build.cache`)."""
    cache = DiskCache.open()
    report = check(root, memo=cache or compute)
    if cache is not None:
        cache.save()
    return report


def base_of(url: str) -> str:
    """Relative path from a page at ``url`` (directory URLs) back to the site root."""
    return "../" * url.count("/")


def is_contributor_page(src: str) -> bool:
    """Pages written by OPD staff: never rendered as templates, always checked."""
    return src.startswith((PROGRAM_DIR + "/", DIMENSION_DIR + "/")) and not src.endswith(
        (f"{PROGRAM_DIR}/index.md", f"{DIMENSION_DIR}/index.md")
    )


class Site:
    """The plan loaded once per build, and the generated content of every page."""

    def __init__(self, root: Path, *, repository: str = "", cache: DiskCache | None = None):
        self.root = root
        self.repository = repository
        self.cache = cache
        self.report: Report = check(root, memo=cache or compute)
        if cache is not None:
            cache.save()
        self._deferred: list[str | Callable[[], str]] = []
        # Programme pages' panel headings, from page_content to page_html.
        self._panel_heads: dict[str, str] = {}
        plan = self.report.plan
        self._opd_pages: dict[str, Opd] = {}
        self._programs: dict[str, Program] = {}
        self._dimensions: dict[str, tuple[Dimension, DimensionPage]] = {}
        if plan is not None:
            self._opd_pages = {f"docs/opd/{o.key}.md": o for o in plan.opds}
            self._programs = {p.path: p for p in plan.programs}
            self._dimensions = {
                plan.pages[d.key].path: (d, plan.pages[d.key]) for d in plan.dimensions if d.key in plan.pages
            }

    @property
    def plan(self) -> Masterplan:
        if self.report.plan is None:
            raise RuntimeError("plan not loaded")  # the edge stops the build before this
        return self.report.plan

    @property
    def problems(self) -> list[Problem]:
        return self.report.problems

    @property
    def views(self) -> Views:
        if not hasattr(self, "_views"):
            self._views = Views(
                self.plan,
                defer=self.defer,
                repository=self.repository,
                history=self.history,
                bytecode_cache=self.bytecode_cache,
            )
        return self._views

    def defer(self, html: str | Callable[[], str]) -> str:
        """Keep ``html`` aside and return the placeholder :meth:`page_html` replaces; a
        callable is called there, when the page is written."""
        self._deferred.append(html)
        return "\n" + slot(f"deferred-{len(self._deferred) - 1}") + "\n"

    @staticmethod
    def open_cache() -> DiskCache | None:
        """The disk cache (see :mod:`masterplan.build.cache`): the edge opens it once per process
        and hands it to each build."""
        return DiskCache.open()

    @cached_property
    def bytecode_cache(self) -> BytecodeCache | None:
        """Where every template environment of the build keeps its compiled templates."""
        return None if self.cache is None else self.cache.templates()

    def is_program(self, src: str) -> bool:
        return src in self._programs

    @cached_property
    def programs_digest(self) -> str:
        """A digest of everything a programme page is made from besides its own file: the
        data files, the engine's templates, which programmes exist (a page's chart ids
        come from its place in the plan), the reference date and the git history. While
        it stays the same, a programme page whose file did not change comes out as it
        did: `mkdocs serve --dirty` keeps the page, the views keep its panels."""
        digest = hashlib.sha256()
        for folder in (self.root / "data", TEMPLATES):
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    digest.update(path.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
        digest.update("\0".join(sorted(self._programs)).encode())
        digest.update(f"\0{self.plan.as_of.isoformat()}".encode())
        for page, revisions in sorted(self.history.items()):  # each page lists its commits
            digest.update(f"\0{page} {revisions[0].commit if revisions else ''}".encode())
        return digest.hexdigest()

    @cached_property
    def front_matter_digest(self) -> str:
        """A digest of every staff page's front matter, which the aggregate pages are
        made from; a change to a narrative alone leaves it as it was."""
        digest = hashlib.sha256()
        for entry in self._front_matter.values():
            digest.update(entry)
        return digest.hexdigest()

    @cached_property
    def _front_matter(self) -> dict[str, bytes]:
        """Each staff page's path and front matter, as the digests above take them (worked
        out once: both run on every `mkdocs serve` rebuild)."""
        pages: list[Program | DimensionPage] = [*self._programs.values()]
        pages += [page for _, page in self._dimensions.values()]
        return {p.path: f"{p.path}\0{p.meta.data if p.meta else None!r}\0".encode() for p in pages}

    def scope_of(self, src: str) -> str | None:
        """The part of the plan a dimension or OPD page shows (see :attr:`scope_digests`)."""
        if src in self._dimensions:
            return "dimension/" + self._dimensions[src][0].key
        if src in self._opd_pages:
            return "opd/" + self._opd_pages[src].key
        return None

    @cached_property
    def scope_digests(self) -> dict[str, str]:
        """Per dimension and per OPD, a digest of the front matter of the programmes its
        page lists (those of the dimension; those the OPD leads or supports). Editing one
        programme changes the digests of its dimension and its OPDs only, so
        `mkdocs serve` rebuilds those pages and not the forty others."""
        digests: dict[str, hashlib._Hash] = {}
        for p in self._programs.values():
            entry = self._front_matter[p.path]
            for scope in {f"dimension/{p.dimension}", f"opd/{p.lead}", *(f"opd/{key}" for key in p.support)}:
                digests.setdefault(scope, hashlib.sha256()).update(entry)
        return {scope: digest.hexdigest() for scope, digest in digests.items()}

    def generated_files(self) -> dict[str, str]:
        """Static files that exist only in the build: the JSON Schemas, below ``docs/``."""
        return {f"schema/{name}": text for name, text in json_schemas().items()}

    @cached_property
    def exports(self) -> dict[str, bytes]:
        """The open-data files, computed once per build (the download page lists them)."""
        return export(self.plan)

    def downloads(self, base: str) -> str:
        """The open-data files and their sizes, for /unduh/: made when its page is written,
        like the print edition."""
        titles = {t.name: t.title for t in TABLES} | {"datapackage": PACKAGE_TITLE}
        return self.defer(
            lambda: self.views.downloads({n: len(d) for n, d in self.exports.items()}, titles, base)
        )

    def print_edition(self, base: str) -> str:
        """The whole plan in book order, for /cetak/: made when its page is written, so
        that Markdown and search never parse it."""
        return self.defer(lambda: book_html(self.report, self.views, base))

    def generated_pages(self) -> list[str]:
        """Pages that exist only in the build (one per OPD), as paths below ``docs/``; an OPD
        key declared twice (the validator reports it) makes one page."""
        return list(dict.fromkeys(f"opd/{o.key}.md" for o in self.plan.opds))

    def is_generated(self, src: str) -> bool:
        return src in self._opd_pages

    @cached_property
    def _log(self) -> Log:
        """The git history of data/ and docs/, read once: dates and history share it."""
        return read_log(self.root)

    @cached_property
    def history(self) -> dict[str, list[Revision]]:
        """Each programme page's revisions, newest first (empty outside a git checkout)."""
        return program_history(self.root, self._programs, log=self._log)

    @cached_property
    def since_adopted(self) -> tuple[PlanDiff | None, str]:
        """The plan now against the edition in force, read from its git tag; or why it
        cannot be compared (no edition yet, the tag not in this clone)."""
        edition = self.plan.info.edition
        if edition is None:
            return None, ""
        try:
            base = load_revision(self.root, f"refs/tags/{edition.ref}")
        except DiffError as err:
            return None, str(err)
        return compare(base, self.report, base_name=edition.ref, head_name="sekarang"), ""

    @cached_property
    def _dates(self) -> dict[str, datetime.date]:
        return last_changed(self.root, log=self._log)

    @cached_property
    def _newest(self) -> datetime.date | None:
        """The plan's last change: the date of pages computed from all of it."""
        return max(self._dates.values(), default=None)

    def provenance(self, src: str) -> str:
        """ "Last changed ... ask ..." for a page: its own file's date for a staff page,
        otherwise the newest change to the plan (the page is computed from all of it)."""
        program = self._programs.get(src)
        if program is not None:
            lead = self.plan.opd(program.lead)
            contact = f"{lead.name} ({lead.short}), OPD pengampu" if lead else program.lead
            date = self._dates.get(src)
        else:
            opd = self._opd_pages.get(src)
            contact = f"{opd.name} ({opd.short})" if opd else self.plan.info.contact
            own = self._dates.get(src)
            if src in self._dimensions:
                date = own
            else:
                dates = [d for d in (own, self._newest) if d is not None]
                date = max(dates, default=None)
        parts = []
        if date is not None:
            parts.append(f"Terakhir diubah {fmt.date(date)}.")
        if contact:
            parts.append(f"Narahubung: {contact}.")
        if not parts:
            return ""
        return f'\n\n<p class="mp-provenance">{html.escape(" ".join(parts))}</p>\n'

    def page_source(self, src: str) -> str | None:
        """What MkDocs should read for a staff page: its narrative without front matter
        (``None`` for the project's own pages, which MkDocs reads itself)."""
        program = self._programs.get(src)
        if program is not None:
            return program.body
        if src in self._dimensions:
            return self._dimensions[src][1].body
        if is_contributor_page(src):
            # A staff page that did not load (broken YAML, not UTF-8, too large): MkDocs
            # must not read it either; the page shows its problems instead.
            return ""
        return None

    def page_markdown(self, src: str, markdown: str, url: str) -> str:
        """The Markdown to build for the docs file ``src`` (``docs/...``) at ``url``.

        Staff pages that loaded get none: their HTML comes from :meth:`page_content`,
        the renderer and sanitizer the validator runs too, never from the generator.
        """
        if src in self._opd_pages:
            return self.views.opd_page(self._opd_pages[src], base_of(url))
        if not is_contributor_page(src):
            return markdown
        if src in self._programs or src in self._dimensions:
            return ""
        return self._broken_page(src)

    def page_content(self, src: str, url: str) -> Rendered | None:
        """The clean HTML and table of contents of a staff page (``None`` for others)."""
        base = base_of(url)
        if src in self._programs:
            rendered = self.views.program_content(self._programs[src], base)
            # Search reads the page between this and page_html: it gets the narrative
            # only. The panel headings (the same on every programme, with no text of their
            # own) made a third of its work and a thousand empty entries.
            self._panel_heads[src], rendered.html = panels_apart(rendered.html)
            rendered.html = PANELS_AWAY + rendered.html
        elif src in self._dimensions:
            rendered = self.views.dimension_content(*self._dimensions[src], base)
        else:
            return None
        rendered.html += self.provenance(src)
        return rendered

    def page_html(self, src: str, html: str, url: str) -> str:
        """The final HTML of a page, with the generated fragments in their slots."""
        program = self._programs.get(src)
        if program is not None:
            # The slots are all in the panel headings page_content put aside: filled there,
            # the page is gone over once, not once per slot.
            fragments = self.views.program_fragments(program, base_of(url))
            html = html.replace(PANELS_AWAY, fill_panels(self._panel_heads.pop(src, ""), fragments), 1)
        return self._resolved(html)

    def _resolved(self, html: str) -> str:
        """``html`` with the deferred HTML of this build in its placeholders."""
        # Deferred HTML may itself hold placeholders (the print edition holds tables).
        while "<!-- masterplan:deferred-" in html:
            html = fill_slots(html, self._deferred_html)
        return html

    def _deferred_html(self, name: str) -> str | None:
        kind, _, number = name.partition("-")
        if kind != "deferred":
            return None
        found = self._deferred[int(number)]
        if callable(found):
            found = self._deferred[int(number)] = found()
        return found

    def page_title(self, src: str) -> str:
        """HTML-escaped title of a contributor page (themes print titles unescaped)."""
        if src in self._programs:
            program = self._programs[src]
            return html.escape(f"{program.id} {program.title}")
        if src in self._dimensions:
            dimension, _ = self._dimensions[src]
            return html.escape(f"{dimension.name_en}: {dimension.name}")
        if src in self._opd_pages:
            opd = self._opd_pages[src]
            return html.escape(f"{opd.short}: {opd.name}")
        return "Halaman bermasalah"

    def page_tags(self, src: str) -> list[str]:
        """Words a programme is found by in search although its page shows them only in the
        panels filled after indexing: its lead OPD (short and full name) and its element.
        Material's search shows them as text, never as markup."""
        program = self._programs.get(src)
        if program is None:
            return []
        tags = []
        lead = self.plan.opd(program.lead)
        if lead is not None:
            tags += [lead.short, lead.name]
        element = self.plan.element(program.element)
        if element is not None:
            tags.append(element.name)
        return tags

    def page_description(self, src: str) -> str | None:
        """A meta description for search engines and link previews."""
        program = self._programs.get(src)
        if program is None:
            return None
        dimension = self.plan.dimension(program.dimension)
        name = dimension.name_en if dimension else program.dimension
        text = f"Program {program.id} {program.title}, dimensi {name}, {self.plan.info.region}."
        return html.escape(text)  # themes print it unescaped inside an attribute

    def _broken_page(self, src: str) -> str:
        """A contributor page that failed to load: its problems, none of its text."""
        items = "".join(
            f"<li>{html.escape(p.where)}: [{html.escape(p.code)}] {html.escape(p.message)}</li>"
            for p in self.problems
            if p.file == src
        )
        return (
            '<div class="mp-inert" role="alert"><p><strong>Halaman ini belum dapat '
            f"ditampilkan karena bermasalah:</strong></p><ul>{items}</ul></div>\n\n"
        )
