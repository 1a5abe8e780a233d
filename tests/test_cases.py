"""One test per case file in tests/cases: a change to the valid test plan and the exact
problems (file, line, code, key) the validator must report for it, no more, no less."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from masterplan.check.validate import check
from masterplan.problems import CATALOGUE, COMMAND_ONLY, GIT_ONLY

CASES = sorted((Path(__file__).parent / "cases").glob("*.yml"))


def apply_case(repo: Path, case: dict[str, Any]) -> None:
    for rel, pairs in (case.get("replace") or {}).items():
        path = repo / rel
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert text.count(old) == 1, f"{old!r} must occur once in {rel}"
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    for rel, content in (case.get("write") or {}).items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    for rel, size in (case.get("grow") or {}).items():
        with (repo / rel).open("a", encoding="utf-8") as f:
            f.write("Baris yang tertempel berulang kali.\n" * (size // 35 + 1))
    for rel in case.get("remove") or []:
        (repo / rel).unlink()
    for rel, (old, unit, times) in (case.get("expand") or {}).items():
        path = repo / rel  # `old` replaced by `unit` written `times` times
        path.write_text(path.read_text(encoding="utf-8").replace(old, unit * times, 1), encoding="utf-8")
    for rel, (text, times) in (case.get("repeat") or {}).items():
        with (repo / rel).open("a", encoding="utf-8") as f:
            f.write(text * times)
    for rel in case.get("mkdir") or []:
        (repo / rel).mkdir(parents=True)
    for rel, target in (case.get("symlink") or {}).items():
        # A target starting with / is outside the repository (e.g. /etc/passwd).
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).symlink_to(target)


def tree_digest(repo: Path) -> dict[str, str]:
    """Every file and link of ``repo``: content hashes, and link targets (never followed)."""
    return {
        p.relative_to(repo).as_posix(): (
            "link:" + str(p.readlink()) if p.is_symlink() else hashlib.sha256(p.read_bytes()).hexdigest()
        )
        for p in sorted(repo.rglob("*"))
        if p.is_symlink() or p.is_file()
    }


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_case(plan_repo: Path, case_file: Path) -> None:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    apply_case(plan_repo, case)
    before = tree_digest(plan_repo)
    report = check(plan_repo)
    found = sorted(([p.file, p.line, p.code, p.key] for p in report.problems), key=str)
    expected = sorted(([f, line, code, key or ""] for f, line, code, key in case["expect"]), key=str)
    assert found == expected, "\n".join(f"{p.where} {p.code} {p.key}: {p.message}" for p in report.problems)
    assert tree_digest(plan_repo) == before, "the validator must never write a file"
    for p in report.problems:
        assert p.message and p.hint, f"{p.code} needs a message and a fix hint"
    for words in case.get("says") or []:  # what staff read, in their words
        assert any(words in p.message for p in report.problems), [p.message for p in report.problems]


def test_every_code_has_a_case() -> None:
    covered = {e[2] for c in CASES for e in yaml.safe_load(c.read_text(encoding="utf-8"))["expect"]}
    assert set(CATALOGUE) - COMMAND_ONLY - GIT_ONLY - covered == set()
