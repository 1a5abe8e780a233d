"""What the website build needs from the engine, free of any MkDocs import.

A site generator's edge (``macros/`` for MkDocs) creates one :class:`Site` per
build and asks it, page by page, for generated Markdown. Moving to another generator
means writing another edge against this class, not touching the engine.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import re
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from . import diskcache, fmt
from .book import book_parts, with_narratives
from .exports import export
from .history import Log, Revision, program_history, read_log
from .loader import DIMENSION_DIR, PROGRAM_DIR
from .model import Dimension, DimensionPage, Masterplan, Opd, Program
from .problems import Problem
from .provenance import last_changed
from .render import TEMPLATES, Views, fill_slots
from .safehtml import Rendered, slot
from .schemas import json_schemas
from .source import Yaml
from .validate import Report, check
from .views.program import PANELS_AWAY, panels_apart

DEFERRED = re.compile(r"<!-- masterplan:deferred-(\d+) -->")

#: Where a site generator's edge keeps the loaded :class:`Site` in its configuration.
SITE_KEY = "masterplan_site"


T = TypeVar("T")

#: What the latest build of this process made, by the digest of what it was made from:
#: programme panels (:attr:`Site.programs_digest`) and the open-data files (that and
#: :attr:`Site.front_matter_digest`). `mkdocs serve` rebuilds reuse them.
_kept_panels: dict[str, dict[str, tuple[Yaml | None, dict[str, str]]]] = {}
_kept_exports: dict[str, dict[str, bytes]] = {}
#: The print edition without its narratives (see :meth:`Site.print_edition`).
_kept_books: dict[str, list[str]] = {}


def _latest(store: dict[str, T], key: str, make: Callable[[], T]) -> T:
    """``store``'s value for ``key``, made when missing; only the latest key is kept."""
    if key not in store:
        store.clear()
        store[key] = make()
    return store[key]


#: Whole-plan results kept on disk: the last two plans only (each is megabytes, and any
#: front-matter edit makes another).
KEPT_PLANS = 2


def _latest_kept(store: dict[str, T], name: str, key: str, make: Callable[[], T]) -> T:
    """:func:`_latest`, and on disk in the store ``name`` for the next build."""
    return _latest(store, key, lambda: diskcache.value(name, diskcache.key(key), make, entries=KEPT_PLANS))


def _is_kept(store: dict[str, T], name: str, key: str) -> bool:
    """Whether :func:`_latest_kept` has the value for ``key`` without making it."""
    kept = diskcache.store(name, KEPT_PLANS)
    return key in store or kept.get(diskcache.key(key)) is not diskcache.MISSING


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

    def __init__(self, root: Path, *, repository: str = ""):
        self.root = root
        self.repository = repository
        self.report: Report = check(root)
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
                panels=_latest(_kept_panels, self.programs_digest, dict),
                panels_made_from=f"{self.programs_digest}\0{self.repository}",
            )
        return self._views

    def defer(self, html: str | Callable[[], str]) -> str:
        """Keep ``html`` aside and return the placeholder :meth:`page_html` replaces; a
        callable is called there, when the page is written."""
        self._deferred.append(html)
        return "\n" + slot(f"deferred-{len(self._deferred) - 1}") + "\n"

    def work_ahead(self, book_bases: tuple[str, ...] = ()) -> bool:
        """Start working out, in a second process, what a full build needs only late and
        the disk cache may not hold: the open data (the download page, near the end of
        the pages) and every programme's panels (programme pages are finished after
        every page is read; the print edition is made when its page is written). A
        1,000-programme build with an empty cache spent 0.9 s on them, now spent on the
        other core while this one reads pages. Also the print edition's parts for pages
        at ``book_bases`` (the relative paths to the site root of the pages that print it).
        Returns whether the process started (see :func:`diskcache.in_background`)."""
        # Worked out here, not twice: the copy inherits them (the git history is read once).
        views = self.views
        # Only what neither this process nor the disk cache holds: the next build of an
        # unchanged plan starts no process at all.
        exports = not _is_kept(_kept_exports, "exports", self._exports_key)
        panels = views.unmade_panels()
        books = [base for base in book_bases if not _is_kept(_kept_books, "books", self._book_key(base))]
        if not (exports or panels or books):
            return False

        def work() -> None:
            if exports:
                self.exports  # noqa: B018  # a cached property: computing it keeps it
            for program in panels:
                views.program_fragments(program, "")
            for base in books:
                self._kept_book_parts(base)

        # The copy renders with the templates compiled ahead (see `compile_ahead`),
        # taken over first; any it compiles itself go to the disk cache too, but this
        # process does not wait for them.
        diskcache.take_over("templates")
        return diskcache.in_background(("exports", "panels", "books"), work, also=("templates",))

    @staticmethod
    def join_background() -> None:
        """Take over what :meth:`work_ahead` made (the end of a build)."""
        diskcache.take_over()

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
        """The open-data files, computed once per build (the download page lists them),
        and kept for the next build (of the process, and on disk) while the data and
        every front matter are the same (they hold no narrative)."""
        return _latest_kept(_kept_exports, "exports", self._exports_key, self._export)

    @property
    def _exports_key(self) -> str:
        return self.programs_digest + self.front_matter_digest

    def _export(self) -> dict[str, bytes]:
        # A programme's rows are made from its page and what programme pages are made from.
        made_from = self.programs_digest.encode()
        return export(
            self.plan,
            {p.path: p.meta.digest + made_from for p in self.plan.programs if p.meta and p.meta.digest},
        )

    def downloads(self, base: str) -> str:
        """The open-data files and their sizes, for /unduh/: made when its page is written,
        like the print edition, so that the build does not wait for the open data while
        :meth:`work_ahead` makes it."""
        return self.defer(lambda: self.views.downloads({n: len(d) for n, d in self.exports.items()}, base))

    def print_edition(self, base: str) -> str:
        """The whole plan in book order, for /cetak/. Rebuilt by `mkdocs serve` after every
        save, it keeps what is made from data and front matter (all but the narratives)
        while those stay the same: a third of a second of each save at 4,000 programmes."""
        # Made when its page is written: by then :meth:`work_ahead` has made its parts.
        return self.defer(lambda: with_narratives(self._kept_book_parts(base), self.plan, base))

    def _kept_book_parts(self, base: str) -> list[str]:
        return _latest_kept(_kept_books, "books", self._book_key(base), lambda: self._book_parts(base))

    def _book_key(self, base: str) -> str:
        return f"{self.views.panels_made_from}\0{self.front_matter_digest}\0{base}"

    def _book_parts(self, base: str) -> list[str]:
        # Kept whole: the deferred tables they hold are this build's. Nothing in them is
        # this process's (the narrative stand-in is gone, links lead from ``base``).
        return [self._resolved(p) for p in book_parts(self.report, self.views, base)]

    def generated_pages(self) -> list[str]:
        """Pages that exist only in the build (one per OPD), as paths below ``docs/``."""
        return [f"opd/{o.key}.md" for o in self.plan.opds]

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
            html = html.replace(PANELS_AWAY, fill_slots(self._panel_heads.pop(src, ""), fragments), 1)
        return self._resolved(html)

    def _resolved(self, html: str) -> str:
        """``html`` with the deferred HTML of this build in its placeholders."""
        # Deferred HTML may itself hold placeholders (the print edition holds tables).
        while "<!-- masterplan:deferred-" in html:
            html = DEFERRED.sub(self._deferred_html, html)
        return html

    def _deferred_html(self, match: re.Match[str]) -> str:
        number = int(match.group(1))
        found = self._deferred[number]
        if callable(found):
            found = self._deferred[number] = found()
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
