"""The MkDocs edge, part two: hooks that feed every page through the engine.

Registered in mkdocs.yml under ``hooks:``; MkDocs runs them after the plugins, so
mkdocs-macros has already created its Jinja environment and rendered the project's
own pages when these run. Only this folder knows about MkDocs and Material.
"""

from __future__ import annotations

import functools
import gc
import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.structure.toc import get_toc

from masterplan import cms
from masterplan.diskcache import can_work_in_background
from masterplan.files import publishable
from masterplan.render import TEMPLATES
from masterplan.site import SITE_KEY, Site, base_of, is_contributor_page
from masterplan.views.base import COMPILED_TEMPLATES, compile_ahead, engine_templates

log = logging.getLogger("mkdocs.plugins.masterplan")

#: Material's search dialog has no accessible name (axe `aria-dialog-name`, Lighthouse).
#: Its markup is the theme's, so the edge names it in each finished page.
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
NAMED_SEARCH_DIALOG = SEARCH_DIALOG[:-1] + ' aria-label="Cari di rencana induk">'


#: Kept between the builds of one `mkdocs serve` (MkDocs loads this module once): the
#: command, whether rebuilds are dirty, the pages of the current build and those it
#: built, the search entries and digests of the previous one; and the collector's
#: thresholds while a build defers full collections.
_serve: dict[str, Any] = {"built": set()}


def on_startup(command: str, dirty: bool) -> None:
    _serve.update(command=command, dirty=dirty)


def on_pre_build(config: Any) -> None:
    _serve["built"] = set()


#: Python's full (oldest-generation) collection walks every live object: the loaded plan,
#: its pages and renderings, half a gigabyte at 4,000 programmes. During a build it ran
#: eight times there and freed almost nothing (the peak memory is the same without it),
#: costing 1.7 s; a build's garbage dies young, and young collections still run.
FULL_COLLECTION_DEFERRED = 1_000_000


#: `mkdocs serve`: seconds after a build before the full collection it deferred runs, in
#: the background, while the reloaded page is read.
COLLECT_AFTER_SERVE_BUILD = 1.0


def _defer_full_collections() -> None:
    """Until the build ends (see :data:`FULL_COLLECTION_DEFERRED`)."""
    if "thresholds" in _serve:
        return  # a build stopped (interrupted) before restoring them: keep the saved ones
    _serve["thresholds"] = gc.get_threshold()
    young, middle, _ = _serve["thresholds"]
    gc.set_threshold(young, middle, FULL_COLLECTION_DEFERRED)


def _restore_full_collections() -> None:
    thresholds = _serve.pop("thresholds", None)
    if thresholds is not None:
        gc.set_threshold(*thresholds)
    if _serve.get("command") == "serve":
        # The process lives on, and a rebuild leaves the previous build's plan as garbage;
        # an idle server allocates too little for Python to ever collect it. Collect it
        # once now that the browser is reloading, not during the next rebuild.
        timer = threading.Timer(COLLECT_AFTER_SERVE_BUILD, gc.collect)
        timer.daemon = True
        timer.start()


def on_build_error(error: Exception) -> None:
    Site.join_background()
    _restore_full_collections()


def on_config(config: Any) -> Any:
    """Load the plan once per build and report its problems (``--strict`` fails on them)."""
    _defer_full_collections()
    _compile_ahead(config)
    site = Site(_root(config), repository=config.extra.get("repository", ""))
    for p in site.problems:
        hint = f" Perbaikan: {p.hint}" if p.hint else ""
        log.warning(f"{p.where}: [{p.code}] {p.key + ': ' if p.key else ''}{p.message}{hint}")
    if site.report.plan is None:
        raise PluginError(
            "Data rencana induk (data/*.yml) tidak dapat dibaca; perbaiki masalah di atas. "
            "Jalankan `masterplan validate` untuk daftar lengkapnya."
        )
    config[SITE_KEY] = site
    config.extra["illustration"] = site.plan.info.illustration
    config.extra["region"] = site.plan.info.region
    _sandbox(config.plugins["macros"])
    return config


def _compile_ahead(config: Any) -> None:
    """With an empty disk cache, the engine's and the theme's templates are compiled by a
    second process while this one loads the plan (0.5 s of a 1,000-programme build)."""
    if not can_work_in_background():  # `mkdocs serve`'s rebuilds: nothing to prepare
        return
    theme = config.theme.get_env()  # as the build makes it (the code depends on it)
    theme.bytecode_cache = COMPILED_TEMPLATES
    compile_ahead([engine_templates(), (theme, _theme_templates(config))])


def _theme_templates(config: Any) -> list[str]:
    """The theme's page templates and partials, without its assets, its icons (a few are
    used, thousands exist) and the partials of languages other than the site's."""
    language = config.theme.get("language", "en")
    languages = {f"partials/languages/{language}.html", "partials/languages/en.html"}
    names = set()
    for folder in config.theme.dirs:
        for parent, subfolders, found in os.walk(folder):
            if parent == folder:  # thousands of files: not walked
                subfolders[:] = [name for name in subfolders if name not in ("assets", ".icons")]
            for file in found:
                name = Path(parent, file).relative_to(folder).as_posix()
                if not name.endswith((".html", ".xml")):
                    continue
                if name.startswith("partials/languages/") and name not in languages:
                    continue
                names.add(name)
    return sorted(names)


def on_files(files: Any, config: Any) -> Any:
    """Add the pages that exist only in the build: one per OPD in data/opd.yml."""
    site: Site = config[SITE_KEY]
    root = _root(config)
    for file in list(files):
        # A symlink (MkDocs follows them), an HTML or SVG file among the staff pages, or an
        # unsafe name would be published as is: drop it (the validator reports each).
        if not publishable(root, _src_of(file.src_uri, config)):
            files.remove(file)
    for rel in site.generated_pages():
        files.append(File.generated(config, rel, content=""))
    for rel, text in site.generated_files().items():
        files.append(File.generated(config, rel, content=text))
    _choose_pages_to_rebuild(files, site, config)
    if _serve.get("command") in BUILD_COMMANDS:
        own = [f for f in files.documentation_pages() if not is_contributor_page(_src_of(f.src_uri, config))]
        site.work_ahead(tuple(base_of(f.url) for f in own if _prints_narratives(f)))
    return files


#: Commands that build the whole site once: a second process works ahead for them. Not
#: `mkdocs serve`, whose rebuilds remake a few pages, and whose process has threads.
BUILD_COMMANDS = ("build", "gh-deploy")


#: Macros that print contributors' narratives on a project page (see macros/main.py).
NARRATIVE_MACROS = ("edisi_cetak",)


def _choose_pages_to_rebuild(files: Any, site: Site, config: Any) -> None:
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
    digest, fronts, scopes = site.programs_digest, site.front_matter_digest, site.scope_digests
    same = _serve.get("digest") == digest
    same_fronts = same and _serve.get("fronts") == fronts
    before = _serve.get("scopes", {})
    _serve.update(digest=digest, fronts=fronts, scopes=scopes)
    for file in files.documentation_pages():
        src = _src_of(file.src_uri, config)
        scope = site.scope_of(src)
        if site.is_program(src):
            rebuild = not same
        elif scope is not None:
            # A dimension page's own file MkDocs compares by time; an OPD page has none.
            rebuild = not same or before.get(scope) != scopes.get(scope)
            rebuild = rebuild or (file.generated_by is not None and not Path(file.abs_dest_path).is_file())
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


def _prints_narratives(file: Any) -> bool:
    if file.abs_src_path is None:
        return False
    text = Path(file.abs_src_path).read_text(encoding="utf-8", errors="replace")
    return any(name in text for name in NARRATIVE_MACROS)


def _modified() -> bool:
    return True


def _unmodified() -> bool:
    return False


def on_env(env: Any, config: Any, files: Any) -> Any:
    """The theme's templates compiled once per process, not once per `mkdocs serve`
    rebuild (0.3 s of each); a changed template is compiled again."""
    env.bytecode_cache = COMPILED_TEMPLATES
    _share_partials(env, _serve.pop("nav", None))
    # The pages of this build, by URL as the search index names them: the page's, not
    # the file's (the home page's file URL is "./", its page URL ""; with "./", a dirty
    # rebuild that kept the home page lost its search entries). Every page exists by now.
    _serve["pages"] = {file.page.url for file in files.documentation_pages() if file.page is not None}
    return env


def on_nav(nav: Any, config: Any, files: Any) -> Any:
    _serve["nav"] = nav
    return nav


#: Material's partials that render the same markup on many pages: the navigation and
#: the search box.
NAV_TEMPLATE, SEARCH_TEMPLATE = "partials/nav.html", "partials/search.html"


def _share_partials(env: Any, nav: Any) -> None:
    """Render the navigation once per folder for the pages outside it, and the search box
    once, not once per page.

    A programme page is not in the navigation, so no item of it is active there, and its
    links, relative to the page, are the same from every page of one folder; rendering
    it was a quarter of the time of a 1,000-programme build. Only where every link
    leaves the page's own folder, so that the page's name cannot show in them. The
    search box holds nothing of the page (no link, no title). The partials stay
    Material's: the edge only keeps what they rendered."""
    if nav is None:
        return
    in_nav = {id(page) for page in nav.pages}
    targets = [link.url for link in _links(nav.items)]
    _share(env, NAV_TEMPLATE, lambda page: _shared_folder(page, in_nav, targets))
    _share(env, SEARCH_TEMPLATE, lambda page: "")


def _share(env: Any, name: str, key: Callable[[Any], str | None]) -> None:
    """Keep what the partial ``name`` renders for the pages of one ``key`` (``None``:
    rendered for that page alone)."""
    try:
        template = env.get_template(name)
    except TemplateNotFound:  # another theme
        return
    render = template.root_render_func
    shared: dict[str, str] = {}
    _serve.setdefault("shared", {})[name] = shared

    def root(context: Any) -> Any:
        kept = key(context.get("page"))
        if kept is None:
            yield from render(context)
            return
        if kept not in shared:
            shared[kept] = "".join(render(context))
        yield shared[kept]

    template.root_render_func = root


def _links(items: list[Any]) -> Any:
    for item in items:
        if item.is_section:
            yield from _links(item.children)
        else:
            yield item


def _shared_folder(page: Any, in_nav: set[int], targets: list[str]) -> str | None:
    """The folder whose pages outside the navigation share ``page``'s, or ``None``."""
    url = getattr(page, "url", None)
    if not isinstance(url, str) or id(page) in in_nav or not url.endswith("/") or "://" in url:
        return None
    own = "/" + url.lstrip("/")
    if any(("/" + target.lstrip("/")).startswith(own) for target in targets):
        return None
    return own.rstrip("/").rpartition("/")[0] + "/"


def on_page_read_source(page: Any, config: Any) -> str | None:
    """Staff pages: hand MkDocs the narrative the engine already read, without front matter.

    MkDocs would otherwise parse every programme's YAML a second time, with the slow
    pure-Python parser, only for on_page_markdown to replace the result.
    """
    site: Site = config[SITE_KEY]
    return site.page_source(_src(page, config))


def on_page_markdown(markdown: str, page: Any, config: Any, **_: Any) -> str:
    """Staff pages: the generated skeleton around their narrative; nothing else of theirs."""
    site: Site = config[SITE_KEY]
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


def on_page_content(html: str, page: Any, config: Any, **_: Any) -> str:
    """Staff pages: the engine's clean HTML and table of contents, not the generator's.

    Their narrative is converted and sanitized by the same function the validator runs,
    so what a contributor wrote reaches the theme and the search index only cleaned.
    """
    _serve["built"].add(page.url)
    site: Site = config[SITE_KEY]
    rendered = site.page_content(_src(page, config), page.url)
    if rendered is None:
        return html
    page.toc = get_toc(rendered.toc_tokens)  # type: ignore[arg-type]  # the same dicts, untyped
    return rendered.html


def on_post_page(output: str, page: Any, config: Any) -> str:
    """Fill the slots of generated HTML, after Markdown and search have seen the page."""
    site: Site = config[SITE_KEY]
    return site.page_html(_src(page, config), output, page.url).replace(SEARCH_DIALOG, NAMED_SEARCH_DIALOG, 1)


def _indonesian_search(index: Path) -> None:
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
    if _serve.get("dirty") and "docs" in _serve:
        data["docs"] = merge_search_entries(_serve["docs"], data["docs"], _serve["built"], _serve["pages"])
    _serve["docs"] = data["docs"]
    index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


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


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    """`mkdocs serve` watches docs/ only; the plan also lives in data/ and its pages are
    made from the engine's templates, so a change to either rebuilds the site too."""
    for folder in (_root(config) / "data", TEMPLATES):
        if folder.is_dir():
            server.watch(str(folder))
    return server


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


def on_post_build(config: Any) -> None:
    """Publish the open data (CSV, JSON, datapackage.json) under /data/ of the site, and
    the web form under /admin/; make the search index Indonesian."""
    try:
        _publish(config)
    finally:
        Site.join_background()
        _restore_full_collections()


def _publish(config: Any) -> None:
    site: Site = config[SITE_KEY]
    _indonesian_search(Path(config.site_dir) / "search" / "search_index.json")
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
