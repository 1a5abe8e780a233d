"""The JSON Schemas derived from the model accept the sample plan and reject mistakes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import SAMPLE
from masterplan.outputs.schemas import json_schemas
from masterplan.source import read_page, read_yaml

SCHEMAS = {name: json.loads(text) for name, text in json_schemas().items()}


def as_json(data: Any) -> Any:
    # What an editor's YAML language server sees: dates as strings, year keys as strings.
    return json.loads(json.dumps(data, default=str))


def errors(schema: str, data: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMAS[schema])
    return [e.message for e in validator.iter_errors(as_json(data))]


def test_schemas_are_valid_json_schema() -> None:
    for schema in SCHEMAS.values():
        jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ("plan.schema.json", "data/plan.yml"),
        ("dimensions.schema.json", "data/dimensions.yml"),
        ("opd.schema.json", "data/opd.yml"),
        ("rpjmd.schema.json", "data/rpjmd.yml"),
    ],
)
def test_sample_data_files_match_their_schema(schema: str, path: str) -> None:
    assert errors(schema, read_yaml(SAMPLE / path).data) == []


def test_every_sample_page_matches_its_schema() -> None:
    pages = sorted((SAMPLE / "docs/program").glob("*/*.md"))
    assert len(pages) >= 36
    for page in pages:
        assert errors("program.schema.json", read_page(page).meta.data) == [], page
    for page in sorted((SAMPLE / "docs/dimensi").glob("*/index.md")):
        assert errors("dimensi.schema.json", read_page(page).meta.data) == [], page


def test_schema_rejects_what_the_validator_rejects(plan_repo: Path) -> None:
    meta = read_page(plan_repo / "docs/program/living/alat-bantu.md").meta.data
    assert errors("program.schema.json", meta) == []
    for key, value in [("status", "berjalan"), ("progress", 140), ("leed", "dishub"), ("support", "dinsos")]:
        assert errors("program.schema.json", {**meta, key: value}), key
    assert errors("program.schema.json", {k: v for k, v in meta.items() if k != "title"})
