"""The MkDocs edge, part one: the mkdocs-macros module.

It registers the macros that the project's own pages call (``{{ beranda() }}``...) and
makes sure staff pages are never rendered as templates. The plan itself is loaded by
``hooks.py``; macros look it up when they are called. Only this folder knows MkDocs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from masterplan.build.site import SITE_KEY, Site, base_of, is_contributor_page
from masterplan.model import (
    Allocation,
    BimtekStage,
    BudgetLine,
    ClosedYear,
    Correction,
    Dimension,
    DimensionPage,
    Edition,
    Element,
    Evaluation,
    EvaluationParts,
    GovernanceBody,
    Indicator,
    Member,
    Opd,
    Partner,
    PlanInfo,
    Program,
    Recommendation,
    RpjmdGoal,
    RpjmdMission,
    SpendingLine,
)
from masterplan.problems import CATALOGUE
from masterplan.views import Views

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
    "spending": SpendingLine,
    "allocation": Allocation,
    "correction": Correction,
    "edition": Edition,
    "closed-year": ClosedYear,
    "evaluation": Evaluation,
    "evaluation-parts": EvaluationParts,
    "recommendation": Recommendation,
}


def define_env(env: Any) -> None:
    """Called by mkdocs-macros in its on_config: register the project's macros."""

    def site() -> Site:
        # Set by hooks.on_config, which runs after this plugin's on_config.
        return env.conf[SITE_KEY]  # type: ignore[no-any-return]

    env.macro(lambda: site().views.home(), "beranda")
    env.macro(lambda: site().views.governance(base()), "tata_kelola")

    def base() -> str:
        return base_of(env.page.url)

    # The cards link relative to the page: /dimensi/ needs "../" (found by masterplan check).
    env.macro(lambda: site().views.dimension_cards(base()), "daftar_dimensi")

    def views() -> Views:
        return site().views

    env.macro(lambda: views().catalogue(base()), "katalog")
    env.macro(lambda: views().matrices(base()), "matriks")
    env.macro(lambda: views().roadmap(base()), "peta_jalan")
    env.macro(lambda: views().roadmap(base(), quick_wins=True), "peta_jalan_quick_win")
    env.macro(lambda: views().program_list(views().quick_wins, "Quick win", base()), "daftar_quick_win")
    env.macro(lambda: views().budget(base()), "anggaran")
    env.macro(lambda: views().progress(base()), "progres")
    env.macro(lambda: views().rpjmd(base()), "keselarasan_rpjmd")
    env.macro(lambda: views().achievement(base()), "capaian")
    env.macro(lambda: views().evaluation(base()), "evaluasi")
    env.macro(lambda: views().opd_index(base()), "daftar_opd")
    env.macro(lambda: site().downloads(base()), "unduhan")
    env.macro(lambda: site().print_edition(base()), "edisi_cetak")
    env.macro(lambda: views().since_adopted(base(), *site().since_adopted), "perubahan_sejak_ditetapkan")
    env.macro(lambda name: site().views.schema_table(GUIDE_SCHEMAS[name]), "tabel_isian")
    env.macro(lambda: site().views.problem_codes(CATALOGUE), "kode_masalah")


def on_pre_page_macros(env: Any) -> None:
    """Before mkdocs-macros looks at a page: never render a staff page as a template."""
    root = Path(env.conf["config_file_path"]).absolute().parent
    abs_src = env.page.file.abs_src_path
    if abs_src and is_contributor_page(Path(abs_src).relative_to(root).as_posix()):
        # `render_macros: true` in a staff page's front matter would opt it in to
        # template rendering; False takes precedence in mkdocs-macros.
        env.page.meta["render_macros"] = False
