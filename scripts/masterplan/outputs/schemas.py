"""The JSON Schemas published with the site, one per kind of contributor file."""

from __future__ import annotations

import json
from typing import Any

from ..model import Dimension, DimensionPage, Evaluation, Opd, PlanInfo, Program, RpjmdMission
from ..read.schema import json_schema

#: File name -> (type, title). Lists are the data files that hold many entries.
SCHEMAS: dict[str, tuple[Any, str]] = {
    "program.schema.json": (Program, "Front matter halaman program (docs/program/<dimensi>/*.md)"),
    "dimensi.schema.json": (DimensionPage, "Front matter halaman dimensi (docs/dimensi/<dimensi>/index.md)"),
    "plan.schema.json": (PlanInfo, "data/plan.yml"),
    "dimensions.schema.json": (list[Dimension], "data/dimensions.yml"),
    "opd.schema.json": (list[Opd], "data/opd.yml"),
    "rpjmd.schema.json": (list[RpjmdMission], "data/rpjmd.yml"),
    "evaluasi.schema.json": (list[Evaluation], "data/evaluations.yml"),
}


def json_schemas() -> dict[str, str]:
    """Each schema as pretty-printed JSON text."""
    return {
        name: json.dumps(json_schema(tp, title=title), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
        for name, (tp, title) in SCHEMAS.items()
    }
