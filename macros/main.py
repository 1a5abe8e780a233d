"""The MkDocs edge: an mkdocs-macros module that hands every page to the engine.

Only this file (and the theme overrides beside it) knows about MkDocs, Material and
mkdocs-macros. It loads the plan once per build, reports problems through MkDocs'
logger (so ``--strict`` fails on them), registers the macros that the project's own
pages call, and swaps generated content into the contributor pages.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment
from mkdocs.exceptions import PluginError

from masterplan.model import (
    BimtekStage,
    BudgetLine,
    Dimension,
    DimensionPage,
    Element,
    GovernanceBody,
    Indicator,
    Member,
    Opd,
    Partner,
    PlanInfo,
    Program,
    RpjmdGoal,
    RpjmdMission,
)
from masterplan.problems import CATALOGUE
from masterplan.site import Site, is_contributor_page

log = logging.getLogger("mkdocs.plugins.masterplan")

_site: Site | None = None

#: Schemas the contributor guide documents, by the name its macro call uses.
GUIDE_SCHEMAS: dict[str, type] = {
    "program": Program,
    "partner": Partner,
    "budget": BudgetLine,
    "indicator": Indicator,
    "dimension": DimensionPage,
    "plan": PlanInfo,
    "governance": GovernanceBody,
    "member": Member,
    "bimtek": BimtekStage,
    "opd": Opd,
    "rpjmd": RpjmdMission,
    "rpjmd-goal": RpjmdGoal,
    "dimension-data": Dimension,
    "element": Element,
}


def define_env(env: Any) -> None:
    """Called once per build by mkdocs-macros: load the plan and register the macros."""
    global _site
    root = Path(env.conf["config_file_path"]).parent
    _site = site = Site(root)
    for p in site.problems:
        hint = f" Perbaikan: {p.hint}" if p.hint else ""
        log.warning(f"{p.where}: [{p.code}] {p.key + ': ' if p.key else ''}{p.message}{hint}")
    if site.report.plan is None:
        raise PluginError(
            "Data rencana induk (data/*.yml) tidak dapat dibaca; perbaiki masalah di atas. "
            "Jalankan `masterplan validate` untuk daftar lengkapnya."
        )
    info = site.plan.info
    env.conf["extra"]["illustration"] = info.illustration
    env.conf["extra"]["region"] = info.region

    env.macro(lambda: site.views.home(), "beranda")
    env.macro(lambda: site.views.governance(), "tata_kelola")
    env.macro(lambda: site.views.dimension_cards(), "daftar_dimensi")
    env.macro(lambda: site.views.all_programs(base="../"), "daftar_program")
    env.macro(lambda name: site.views.schema_table(GUIDE_SCHEMAS[name]), "tabel_isian")
    env.macro(lambda: site.views.problem_codes(CATALOGUE), "kode_masalah")


def on_pre_page_macros(env: Any) -> None:
    """Before mkdocs-macros looks at a page: sandbox Jinja, and never render staff pages."""
    _sandbox(env)
    if is_contributor_page(_src(env)):
        # `render_macros: true` in a staff page's front matter would opt it in to
        # template rendering; False takes precedence in mkdocs-macros.
        env.page.meta["render_macros"] = False


def on_post_page_macros(env: Any) -> None:
    """After mkdocs-macros: put the generated panels into the staff pages."""
    assert _site is not None
    src = _src(env)
    env.markdown = _site.page_markdown(src, env.markdown, env.page.url)
    if is_contributor_page(src):
        # The theme reads page.meta (title, description, template, hide...) and prints it
        # unescaped: a staff page's front matter must not reach it, only what we derive.
        title = _site.page_title(src)
        env.page.meta.clear()
        env.page.meta.update(title=title, render_macros=False)
        env.page.title = title
        description = _site.page_description(src)
        if description is not None:
            env.page.meta["description"] = description


def _src(env: Any) -> str:
    """Path of the page's file relative to the repository, e.g. ``docs/index.md``."""
    root = Path(env.conf["config_file_path"]).parent
    return Path(env.page.file.abs_src_path).relative_to(root).as_posix()


def _sandbox(env: Any) -> None:
    # mkdocs-macros builds a plain Jinja Environment after our define_env has run and
    # offers no option for a sandbox, so replace it once with an equivalent sandboxed one.
    plain = env.env
    if isinstance(plain, SandboxedEnvironment):
        return
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
    env._env = sandbox
