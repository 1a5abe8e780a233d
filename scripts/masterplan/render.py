"""Rendering the model into the Markdown/HTML fragments the site shows.

Each page family has its own module under :mod:`masterplan.views`; :class:`Views` puts
them together for one loaded plan, and this module is the one name the rest imports.
"""

from __future__ import annotations

from .views.achievement import AchievementViews
from .views.base import (
    TEMPLATES,
    ViewBase,
    dimension_url,
    environment,
    md_text,
    page_url,
    program_order,
    ticks,
    yaml_value,
)
from .views.budget import BudgetViews
from .views.catalogue import CatalogueViews
from .views.dimension import DimensionViews
from .views.evaluation import EvaluationViews
from .views.pages import PageViews
from .views.program import PROGRAM_SKELETON, ProgramViews, fill_slots, program_skeleton
from .views.progress import ProgressViews
from .views.roadmap import RoadmapViews

__all__ = [
    "PROGRAM_SKELETON",
    "TEMPLATES",
    "Views",
    "dimension_url",
    "environment",
    "fill_slots",
    "md_text",
    "page_url",
    "program_order",
    "program_skeleton",
    "ticks",
    "yaml_value",
]


class Views(
    ProgramViews,
    DimensionViews,
    CatalogueViews,
    RoadmapViews,
    BudgetViews,
    ProgressViews,
    AchievementViews,
    EvaluationViews,
    PageViews,
    ViewBase,
):
    """Every generated fragment of the site, for one loaded plan."""
