"""`masterplan adopt` on a fresh clone of this repository: the sample goes, a minimal
valid plan of the new region stays, and the engine's tests still pass there."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, loaded
from masterplan.check.validate import check
from masterplan.commands.cli import main

FLAGS = [
    "--region",
    "Kota Magelang",
    "--kind",
    "kota",
    "--start",
    "2025",
    "--end",
    "2029",
    "--repository",
    "https://github.com/pemkot-magelang/masterplan",
]


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A fresh clone of the committed repository, as a new region gets it from its fork."""
    repo = tmp_path / "fork"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(repo)], check=True)
    return repo


def _adopt(repo: Path, *flags: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["adopt", "--root", str(repo), *flags], out=out)
    return code, out.getvalue()


def _snapshot(repo: Path) -> dict[str, bytes]:
    files = subprocess.run(["git", "-C", str(repo), "ls-files"], capture_output=True, text=True, check=True)
    return {name: (repo / name).read_bytes() for name in files.stdout.splitlines() if (repo / name).is_file()}


def test_adopt_leaves_a_clean_plan_of_the_new_region(clone: Path) -> None:
    taxonomy = (clone / "data/dimensions.yml").read_bytes()
    code, out = _adopt(clone, *FLAGS)
    assert code == 0, out
    assert "Rencana induk valid: 10 berkas diperiksa, 0 program, 6 dimensi, 3 OPD." in out
    assert "Langkah berikutnya:" in out
    plan = loaded(clone)
    info = plan.info
    assert (info.region, info.region_kind, info.illustration) == ("Kota Magelang", "kota", False)
    assert (plan.info.period.start, plan.info.period.end) == (2025, 2029)
    assert plan.programs == [] and plan.evaluations == [] and plan.rpjmd == []
    assert [o.key for o in plan.opds] == ["setda", "bappeda", "diskominfo"]
    # The national taxonomy stays as it was.
    assert (clone / "data/dimensions.yml").read_bytes() == taxonomy
    # Nothing of the sample is left.
    left = [*clone.glob("data/*.yml"), *clone.glob("docs/dimensi/*/index.md")]
    text = "\n".join(p.read_text("utf-8") for p in left)
    assert "Wonosobo" not in text
    settings = yaml.safe_load((clone / "mkdocs.yml").read_text("utf-8"))
    assert settings["site_name"] == "Masterplan Smart City Kota Magelang"
    assert settings["edit_uri"] == "https://github.com/pemkot-magelang/masterplan/edit/main/docs/"
    assert settings["extra"]["repository"] == "https://github.com/pemkot-magelang/masterplan"
    assert (clone / ".github/CODEOWNERS").read_text("utf-8").count("\n/") == 0  # no programme yet
    # It builds strict and passes the whole plan check.
    out = io.StringIO()
    assert main(["check", "--root", str(clone)], out=out) == 0, out.getvalue()


def test_engine_tests_stay_green_in_an_adopted_repository(clone: Path) -> None:
    """The engine's tests use fixture plans: replacing the sample does not touch them."""
    assert _adopt(clone, *FLAGS)[0] == 0
    tests = [f"tests/test_{name}.py" for name in ("json_schema", "cases", "values")]
    # Every engine test reads tests/fixtures; a sample of the validation cases shows that
    # here (all 170 of them again would add 20 s to the suite).
    sample = "test_json_schema or test_values or every_code or allocation or shared or year-order"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", "-k", sample, *tests],
        cwd=clone,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout.splitlines()[-1]


def test_adopt_refuses_a_working_tree_with_changes_and_touches_nothing(clone: Path) -> None:
    page = next(clone.glob("docs/program/*/*.md"))
    page.write_text(page.read_text("utf-8") + "\nCatatan yang belum di-commit.\n", "utf-8")
    before = _snapshot(clone)
    code, _ = _adopt(clone, *FLAGS)
    assert code == 2
    assert _snapshot(clone) == before


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--region", "Magelang", "--region \"Magelang\" tidak sah"),
        ("--kind", "kabupaten", "--region harus diawali \"Kabupaten\" untuk --kind kabupaten."),
        ("--end", "2019", "--start dan --end harus tahun periode RPJMD"),
        ("--repository", "https://gitlab.com/x/y", "--repository harus alamat GitHub"),
    ],
)
def test_adopt_refuses_bad_flags_before_changing_anything(
    clone: Path, capsys: pytest.CaptureFixture[str], flag: str, value: str, message: str
) -> None:
    flags = list(FLAGS)
    flags[flags.index(flag) + 1] = value
    before = _snapshot(clone)
    code, _ = _adopt(clone, *flags)
    assert code == 2
    assert message in capsys.readouterr().err
    assert _snapshot(clone) == before


def test_adopt_without_flags_outside_a_terminal_names_what_is_missing(
    clone: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    code, _ = _adopt(clone, "--region", "Kota Magelang")
    assert code == 2
    assert "beri --kind, --start, --end, --repository" in capsys.readouterr().err
    assert check(clone).plan is not None
