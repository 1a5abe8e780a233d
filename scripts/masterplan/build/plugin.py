"""The MkDocs edge: one plugin whose events, read top to bottom, are the build.

MkDocs calls these methods in the order they are written here. Each asks the engine's
:class:`~masterplan.build.site.Site` for one thing; nothing else in the engine imports
MkDocs. ``macros/hooks.py`` registers this plugin (the name forks' ``mkdocs.yml`` use);
a site may instead list ``- masterplan`` under ``plugins:``, after ``macros``, to set
the options below. Moving to another site generator means another edge like this one.

1. ``on_config``: load and check the plan once (problems go to the log, so ``--strict``
   fails on them); the project's pages render in a sandbox.
2. ``on_files``: drop unpublishable files, add the OPD pages and JSON Schemas; under
   ``mkdocs serve --dirty``, choose which pages an edit rebuilds.
3. ``on_env``: compiled templates kept; Material's navigation rendered once per folder.
4. Per page: the narrative the engine read (``on_page_read_source``), the generated
   skeleton (``on_page_markdown``), the clean HTML (``on_page_content``), generated
   HTML in its slots (``on_post_page``).
5. ``on_post_build``: the open data, the web form, an Indonesian search index.
"""

from __future__ import annotations

import functools
import gc
import json
import logging
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.toc import get_toc

from .. import fmt
from ..outputs import cms, npm_files
from ..problems import plain_lines
from ..read.files import publishable
from ..views import TEMPLATES
from .material_nav import share_partials
from .site import SITE_KEY, Site, is_contributor_page

log = logging.getLogger("mkdocs.plugins.masterplan")


class _PlainLines(logging.Filter):
    """Every line the build logs is escaped as `masterplan validate` escapes its output
    (:func:`~masterplan.problems.plain`): contributor text in a message (a dimension key,
    a file name, a title) cannot colour the terminal, break a line or issue a GitHub
    Actions workflow command (``::error``, ``::add-mask::``), whoever logs it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = plain_lines(record.getMessage()), None
        return True


class _Quiet(logging.Filter):
    """What `scripts/serve` and a build print is what a newcomer needs to read:
    mkdocs-macros' report of its modules and variables (8 INFO lines a build) is left out,
    and so is MkDocs' warning about ``--dirty`` builds: this plugin rebuilds every page
    that aggregates the plan on every save (see :meth:`MasterplanPlugin.on_files`), so
    the inaccurate pages it warns of do not occur. Warnings and errors all pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("mkdocs.plugins.mkdocs_macros") and record.levelno <= logging.INFO:
            return False
        return not (
            record.name == "mkdocs.commands.build" and str(record.msg).startswith("A 'dirty' build")
        )


def _escape_the_log() -> None:
    """Put :class:`_Quiet` and :class:`_PlainLines` on the handlers that print MkDocs'
    log (its command's)."""
    for handler in logging.getLogger("mkdocs").handlers:
        if not any(isinstance(f, _PlainLines) for f in handler.filters):
            handler.addFilter(_Quiet())
            handler.addFilter(_PlainLines())

#: Material's search dialog has no accessible name (axe `aria-dialog-name`, Lighthouse).
#: Its markup is the theme's, so the edge names it in each finished page.
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
NAMED_SEARCH_DIALOG = SEARCH_DIALOG[:-1] + ' aria-label="Cari di rencana induk">'

#: Macros that print contributors' narratives on a project page (see macros/main.py).
NARRATIVE_MACROS = ("edisi_cetak",)


class MasterplanConfig(Config):  # type: ignore[no-untyped-call]
    #: Keep what reading and checking each page gave, for the next build (see
    #: :mod:`masterplan.build.cache`; ``MASTERPLAN_CACHE=0`` also turns it off).
    cache = c.Type(bool, default=True)
    #: Render Material's navigation once per folder (see :mod:`material_nav`).
    share_navigation = c.Type(bool, default=True)


class MasterplanPlugin(BasePlugin[MasterplanConfig]):  # type: ignore[no-untyped-call]
    """The plan loaded once per build, each page made by the engine."""

    def __init__(self) -> None:
        self.command = "build"
        self.dirty = False
        self.cache: Any = None
        self.site: Site | None = None
        # Kept between the builds of one `mkdocs serve`: what the previous build was made
        # from (digests), its navigation, its pages and search entries.
        self.digests: tuple[str, str, dict[str, str]] | None = None
        self.nav: Any = None
        self.pages: set[str] = set()
        self.built: set[str] = set()
        self.search_docs: list[dict[str, Any]] | None = None
        self.shared: dict[str, dict[str, str]] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        _escape_the_log()
        self.command, self.dirty = command, dirty
        if self.config.cache:
            self.cache = Site.open_cache()  # once per process: `mkdocs serve` rebuilds share it

    def on_config(self, config: Any) -> Any:
        """Load the plan once per build and report its problems (``--strict`` fails on them)."""
        _escape_the_log()
        self.built = set()
        repository = config.extra.get("repository", "")
        site = self.site = Site(_root(config), repository=repository, cache=self.cache)
        for p in site.problems:
            hint = f" Perbaikan: {p.hint}" if p.hint else ""
            log.warning(f"{p.where}: [{p.code}] {p.key + ': ' if p.key else ''}{p.message}{hint}")
        if site.report.plan is None:
            raise PluginError(
                "Data rencana induk (data/*.yml) tidak dapat dibaca; perbaiki masalah di atas. "
                "Jalankan `masterplan validate` untuk daftar lengkapnya."
            )
        _defer_full_collections()
        config[SITE_KEY] = site  # for the project's macros (macros/main.py)
        config.extra["illustration"] = site.plan.info.illustration
        config.extra["region"] = site.plan.info.region
        edition = site.plan.info.edition
        # The footer names the edition in force (partials/copyright.html).
        config.extra["edition"] = (
            {"name": edition.name, "legal_basis": edition.legal_basis, "date": fmt.date(edition.date)}
            if edition
            else None
        )
        _sandbox(config.plugins["macros"])
        return config

    def on_files(self, files: Any, config: Any) -> Any:
        """Drop what must not be published; add the pages and files that exist only in the build."""
        site = self._site()
        root = _root(config)
        for file in list(files):
            # A symlink (MkDocs follows them), an HTML or SVG file among the staff pages, or an
            # unsafe name would be published as is: drop it (the validator reports each).
            if not publishable(root, _src_of(file.src_uri, config)):
                files.remove(file)
        for rel in site.generated_pages():
            files.append(File.generated(config, rel, content="", inclusion=InclusionLevel.NOT_IN_NAV))
        for file in files.documentation_pages():
            # Programme pages are reached from the catalogue, not the navigation (a thousand
            # of them there would make every page heavy): say so, so MkDocs does not list
            # each one as "not included in the nav" at every build and save.
            if site.is_program(_src_of(file.src_uri, config)):
                file.inclusion = InclusionLevel.NOT_IN_NAV
        for rel, text in site.generated_files().items():
            files.append(File.generated(config, rel, content=text))
        if self.dirty:  # `mkdocs serve --dirty` (scripts/serve); other builds build every page
            self._choose_pages_to_rebuild(files, config)
        return files

    def _choose_pages_to_rebuild(self, files: Any, config: Any) -> None:
        """Which pages a `mkdocs serve --dirty` rebuild builds again (in a full build every
        page is built and this changes nothing).

        - Programme and dimension pages: when their own file changed, or when anything
          else they are made from did (:attr:`Site.programs_digest`: data, templates...).
        - Dimension and OPD pages list programmes: also when the front matter of one of
          those changed (:attr:`Site.scope_digests`).
        - Every other page aggregates the plan's front matter (catalogue, matrices...):
          when any front matter changed. A page that prints narratives (the print
          edition): after every change.
        """
        site = self._site()
        digest, fronts, scopes = site.programs_digest, site.front_matter_digest, site.scope_digests
        before_digest, before_fronts, before = self.digests or ("", "", {})
        same = before_digest == digest
        same_fronts = same and before_fronts == fronts
        self.digests = (digest, fronts, scopes)
        for file in files.documentation_pages():
            src = _src_of(file.src_uri, config)
            scope = site.scope_of(src)
            if site.is_program(src):
                rebuild = not same
            elif scope is not None:
                # A dimension page's own file MkDocs compares by time; an OPD page has none.
                rebuild = not same or before.get(scope) != scopes.get(scope)
                gone = file.generated_by is not None and not Path(file.abs_dest_path).is_file()
                rebuild = rebuild or gone
            elif is_contributor_page(src):
                rebuild = not same_fronts
            elif not same_fronts or _prints_narratives(file):
                rebuild = True
            else:
                continue  # a project page: MkDocs compares its file's time with its page's
            if rebuild:
                file.is_modified = _modified
            elif file.generated_by is not None:
                file.is_modified = _unmodified

    def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
        self.nav = nav
        return nav

    def on_env(self, env: Any, config: Any, files: Any) -> Any:
        """The theme's templates compiled once, not once per build; its navigation and
        search box rendered once per folder (see :mod:`material_nav`)."""
        env.bytecode_cache = self._site().bytecode_cache
        if self.config.share_navigation and self.nav is not None:
            self.shared = share_partials(env, self.nav)
        # The pages of this build, by URL as the search index names them: the page's, not
        # the file's (the home page's file URL is "./", its page URL ""; with "./", a dirty
        # rebuild that kept the home page lost its search entries). Every page exists by now.
        self.pages = {file.page.url for file in files.documentation_pages() if file.page is not None}
        return env

    def on_page_read_source(self, page: Any, config: Any) -> str | None:
        """Staff pages: hand MkDocs the narrative the engine already read, without front matter.

        MkDocs would otherwise parse every programme's YAML a second time, with the slow
        pure-Python parser, only for on_page_markdown to replace the result.
        """
        return self._site().page_source(_src(page, config))

    def on_page_markdown(self, markdown: str, page: Any, config: Any, **_: Any) -> str:
        """Staff pages: the generated skeleton around their narrative; nothing else of theirs."""
        site = self._site()
        src = _src(page, config)
        if not (is_contributor_page(src) or site.is_generated(src)):
            return markdown + site.provenance(src)
        # The theme reads page.meta (title, description, template, hide...) and prints it
        # unescaped: a staff page's front matter must not reach it, only what we derive.
        title = site.page_title(src)
        page.meta.clear()
        page.meta.update(title=title)
        page.title = title
        description = site.page_description(src)
        if description is not None:
            page.meta["description"] = description
        tags = site.page_tags(src)
        if tags:
            # Read by Material's search index only: without the tags plugin the theme shows none.
            page.meta["tags"] = tags
        generated = site.page_markdown(src, markdown, page.url)
        return generated + site.provenance(src) if generated else generated

    def on_page_content(self, html: str, page: Any, config: Any, **_: Any) -> str:
        """Staff pages: the engine's clean HTML and table of contents, not the generator's.

        Their narrative is converted and sanitized by the same function the validator runs,
        so what a contributor wrote reaches the theme and the search index only cleaned.
        """
        self.built.add(page.url)
        rendered = self._site().page_content(_src(page, config), page.url)
        if rendered is None:
            return html
        page.toc = get_toc(rendered.toc_tokens)  # type: ignore[arg-type]  # the same dicts, untyped
        return rendered.html

    def on_post_page(self, output: str, page: Any, config: Any) -> str:
        """Fill the slots of generated HTML, after Markdown and search have seen the page."""
        html = self._site().page_html(_src(page, config), output, page.url)
        return html.replace(SEARCH_DIALOG, NAMED_SEARCH_DIALOG, 1)

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        """`mkdocs serve` watches docs/ only; the plan also lives in data/ and its pages are
        made from the engine's templates, so a change to either rebuilds the site too."""
        for folder in (_root(config) / "data", TEMPLATES):
            if folder.is_dir():
                server.watch(str(folder))
        return server

    def on_post_build(self, config: Any) -> None:
        """Publish the open data (CSV, JSON, datapackage.json) under /data/ of the site, and
        the web form under /admin/; make the search index Indonesian."""
        try:
            self._publish(config)
        finally:
            self._done()

    def on_build_error(self, error: Exception) -> None:
        self._done()

    def _done(self) -> None:
        # What the next build of `mkdocs serve` needs is kept apart (digests, search
        # entries); the plan itself may go.
        self.site = None
        _restore_full_collections()

    def _publish(self, config: Any) -> None:
        site = self._site()
        self._indonesian_search(Path(config.site_dir) / "search" / "search_index.json")
        out = Path(config.site_dir) / "data"
        out.mkdir(parents=True, exist_ok=True)
        for name, data in site.exports.items():
            (out / name).write_bytes(data)
        auth, bad = cms.auth_settings(config.extra.get("cms"))
        for message in bad:
            log.warning(f"mkdocs.yml: {message} Lihat Panduan kontributor, bagian formulir web.")
        try:
            cms.write(
                site.plan,
                Path(config.site_dir),
                root=_root(config),
                repository=config.extra.get("repository", ""),
                site_url=config.site_url or "",
                extra_css=tuple(str(css) for css in config.extra_css),
                auth=auth,
            )
        except cms.Unavailable as err:
            # The public site does not need the form; say what is missing, once.
            log.info(f"Formulir /admin/ tidak dibuat: {err}")
        except npm_files.Mismatch as err:
            # Someone changed the form's JavaScript after npm checked it: never publish it.
            log.error(f"Formulir /admin/ tidak dibuat: {err} Jalankan `npm ci`.")

    def _indonesian_search(self, index: Path) -> None:
        """Material's search builds its lunr index in the browser with the language named in
        search_index.json. MkDocs refuses `lang: id` in mkdocs.yml (lunr-languages has no
        Indonesian), so the edge names it here, and the theme override ships the stemmer
        the search worker then loads (assets/javascripts/lunr/min/lunr.id.min.js)."""
        if not index.is_file():
            return
        data = json.loads(index.read_text(encoding="utf-8"))
        data["config"]["lang"] = ["id"]
        for doc in data["docs"]:
            if "#" in doc["location"]:
                # Material copies a page's tags onto each of its sections; the page itself
                # is enough.
                doc.pop("tags", None)
        if self.dirty and self.search_docs is not None:
            data["docs"] = merge_search_entries(self.search_docs, data["docs"], self.built, self.pages)
        self.search_docs = data["docs"]
        index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    def _site(self) -> Site:
        assert self.site is not None, "on_config loads the plan before any other event"
        return self.site


#: Python's full collections walk every live object, and during a build nearly all of them
#: (the loaded plan, its pages and renderings) live until it ends: at 1,000 programmes four
#: full collections took 0.23 s and freed almost nothing, at 4,000 eight took 1.7 s. They
#: are put off until the build ends; young collections still run.
FULL_COLLECTION_DEFERRED = 1_000_000
_thresholds: list[tuple[int, int, int]] = []


def _defer_full_collections() -> None:
    if not _thresholds:  # a build that stopped without on_build_error left them deferred
        _thresholds.append(gc.get_threshold())
    young, middle, _ = _thresholds[0]
    gc.set_threshold(young, middle, FULL_COLLECTION_DEFERRED)


def _restore_full_collections() -> None:
    if _thresholds:
        gc.set_threshold(*_thresholds.pop())


def merge_search_entries(
    previous: list[dict[str, Any]], written: list[dict[str, Any]], built: set[str], pages: set[str]
) -> list[dict[str, Any]]:
    """The search entries after a `--dirty` rebuild: the previous build's, with those of
    the pages ``built`` now replaced by their new ones, and none of a page no longer in
    ``pages`` (a programme page deleted while serving).

    Material merges a dirty rebuild's entries into the previous index assuming one page
    was rebuilt; ours rebuild every page that aggregates the plan, and its merge would
    list them twice. What it wrote ends with each rebuilt page's new entries: the page's
    own, then its sections (``url#anchor``); the last such run of a page is the new one.
    """
    # One pass each: the index holds several entries per page, and a quadratic merge
    # cost a 4,000-programme `mkdocs serve` a second after every save.
    fresh: dict[str, list[dict[str, Any]]] = {}
    run: list[dict[str, Any]] | None = None
    sections = ""
    for doc in written:
        url = doc["location"]
        if url in built:
            run = fresh[url] = [doc]  # a later run of the same page replaces an earlier one
            sections = url + "#"
        elif run is not None and url.startswith(sections):
            run.append(doc)
        else:
            run = None
    alive = pages - fresh.keys()
    kept = [doc for doc in previous if doc["location"].partition("#")[0] in alive]
    return kept + [doc for run in fresh.values() for doc in run]


def _prints_narratives(file: Any) -> bool:
    if file.abs_src_path is None:
        return False
    text = Path(file.abs_src_path).read_text(encoding="utf-8", errors="replace")
    return any(name in text for name in NARRATIVE_MACROS)


def _modified() -> bool:
    return True


def _unmodified() -> bool:
    return False


def _src(page: Any, config: Any) -> str:
    """Path of the page relative to the repository, e.g. ``docs/index.md`` (also for
    generated pages, which have no file)."""
    return _src_of(page.file.src_uri, config)


def _src_of(src_uri: str, config: Any) -> str:
    return f"{_docs_prefix(config.docs_dir, config.config_file_path)}/{src_uri}"


@functools.lru_cache(maxsize=8)
def _docs_prefix(docs_dir: str, config_file: str) -> str:
    """``docs``: the docs folder relative to the repository (asked for every page, so
    worked out once: pathlib cost a 1,000-programme build 0.1 s)."""
    return Path(docs_dir).absolute().relative_to(Path(config_file).absolute().parent).as_posix()


def _root(config: Any) -> Path:
    """The repository: the folder of mkdocs.yml, absolute (``-f mkdocs.yml`` gives a
    relative path)."""
    return Path(config.config_file_path).absolute().parent


def _sandbox(macros: Any) -> None:
    # mkdocs-macros builds a plain Jinja Environment in its on_config and offers no option
    # for a sandbox; replace it with an equivalent sandboxed one before any page renders.
    plain = macros.env
    sandbox = SandboxedEnvironment(
        loader=plain.loader,
        undefined=plain.undefined,
        block_start_string=plain.block_start_string,
        block_end_string=plain.block_end_string,
        variable_start_string=plain.variable_start_string,
        variable_end_string=plain.variable_end_string,
        comment_start_string=plain.comment_start_string,
        comment_end_string=plain.comment_end_string,
    )
    sandbox.globals.update(plain.globals)
    sandbox.filters.update(plain.filters)
    sandbox.tests.update(plain.tests)
    macros._env = sandbox
