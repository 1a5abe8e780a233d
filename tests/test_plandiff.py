"""`masterplan diff` on a temporary git repository with real commits."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from masterplan.cli import main

SOC = """---
id: SOC-01
title: Ronda Digital
element: keamanan-masyarakat
lead: dinsos
horizon: short
start_year: 2026
end_year: 2026
budget:
  - {year: 2026, amount: 100000000, source: APBD}
status: planned
---
## Latar belakang

Ronda.
"""


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Uji", "-c", "user.email=uji@contoh.id", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def history(plan_repo: Path) -> Path:
    git(plan_repo, "init", "-q", "-b", "main")
    git(plan_repo, "add", "-A")
    git(plan_repo, "commit", "-q", "-m", "Rencana awal")
    (plan_repo / "docs/program/society").mkdir()
    (plan_repo / "docs/program/society/ronda.md").write_text(SOC, encoding="utf-8")
    (plan_repo / "docs/program/economy/promosi-umkm.md").unlink()
    old = plan_repo / "docs/program/living/alat-bantu.md"
    text = old.read_text(encoding="utf-8")
    text = text.replace("lead: dishub", "lead: diskominfo").replace("amount: 350000000", "amount: 500000000")
    text = text.replace("status: ongoing", "status: delayed")
    old.unlink()
    (plan_repo / "docs/program/living/alat-bantu-disabilitas.md").write_text(text, encoding="utf-8")
    git(plan_repo, "add", "-A")
    git(plan_repo, "commit", "-q", "-m", "Perubahan")
    return plan_repo


def test_diff_shows_what_the_change_does_to_the_plan(history: Path, golden) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    assert main(["diff", "--root", str(history), "HEAD~1", "HEAD"], out=out) == 0
    text = out.getvalue()
    assert "**SOC-01** Ronda Digital" in text
    assert "**ECO-01** Platform Promosi UMKM Digital" in text
    assert "`docs/program/living/alat-bantu.md` → `docs/program/living/alat-bantu-disabilitas.md`" in text
    assert "  - OPD pengampu: dishub → diskominfo" in text
    assert "| living | Rp550.000.000 | Rp700.000.000 | +Rp150.000.000 |" in text
    assert "[lead-in-support]" in text
    golden("plan_diff.md", text)


def test_diff_of_a_revision_with_itself_says_nothing_changed(history: Path) -> None:
    out = io.StringIO()
    assert main(["diff", "--root", str(history), "HEAD", "HEAD"], out=out) == 0
    assert "tidak mengubah program, anggaran, maupun hasil validasi" in out.getvalue()


def test_unknown_revision_is_a_usage_error(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "--root", str(history), "tidak-ada", "HEAD"], out=io.StringIO()) == 2
    assert "revisi `tidak-ada` tidak dapat dibaca" in capsys.readouterr().err
