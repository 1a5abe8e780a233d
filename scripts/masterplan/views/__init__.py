"""Stage 5, views: the model rendered into the Markdown/HTML fragments the site shows.

Each page family has its own module here, its templates under ``templates/``;
:class:`Views` puts them together for one loaded plan, and is the one name the rest imports.
"""

from __future__ import annotations

from ..html.urls import dimension_url, page_url
from .achievement import AchievementViews
from .base import (
    TEMPLATES,
    ViewBase,
    environment,
    md_text,
    program_order,
    ticks,
    yaml_value,
)
from .budget import BudgetViews
from .catalogue import CatalogueViews
from .dimension import DimensionViews
from .evaluation import EvaluationViews
from .pages import PageViews
from .program import PROGRAM_SKELETON, ProgramViews, fill_panels, program_skeleton
from .progress import ProgressViews
from .roadmap import RoadmapViews

__all__ = [
    "PROGRAM_SKELETON",
    "TEMPLATES",
    "Views",
    "dimension_url",
    "environment",
    "fill_panels",
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
