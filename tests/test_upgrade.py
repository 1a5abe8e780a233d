"""`masterplan upgrade` on temporary git repositories: a fork made at an older release
takes the current engine, keeps its own plan byte for byte, and has its content migrated."""

from __future__ import annotations

import io
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT
from masterplan.commands import upgrade
from masterplan.commands.cli import main

RULE = 'RenameKey("0.2.0", "docs/program/*/*.md", "catatan_status", "status_note", "nama isian dibakukan")'
MIGRATION = f"MIGRATIONS: list[RenameKey] = [\n    {RULE},\n]\n"
NO_MIGRATION = "MIGRATIONS: list[RenameKey] = []\n"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def _commit(repo: Path, message: str) -> None:
    _git(repo, "add", "-A")
    who = ["-c", "user.name=Rilis", "-c", "user.email=rilis@example.invalid"]
    _git(repo, *who, "commit", "-q", "-m", message)


def _files(repo: Path, paths: tuple[str, ...]) -> dict[str, bytes]:
    listed = _git(repo, "ls-files", "--", *paths).splitlines()
    return {p: (repo / p).read_bytes() for p in listed}


@pytest.fixture
def repos(tmp_path: Path) -> tuple[Path, Path]:
    """Upstream with releases v0.1.0 and v0.2.0, and a fork made at v0.1.0 with its own plan."""
    up = tmp_path / "upstream"
    # Without the repository's own release tags: this upstream makes its own.
    _git(ROOT, "clone", "-q", "--no-tags", str(ROOT), str(up))
    version = up / upgrade.VERSION_FILE
    current = version.read_text("utf-8")
    # v0.1.0: an older engine (its own version, a file the next release drops).
    version.write_text(re.sub(r'"\d+\.\d+\.\d+"', '"0.1.0"', current), "utf-8")
    (up / "scripts/masterplan/lama.py").write_text('"""Modul yang dihapus di 0.2.0."""\n', "utf-8")
    _commit(up, "Rilis 0.1.0")
    _git(up, "tag", "v0.1.0")
    # v0.2.0: this engine, with a migration that renames a field.
    version.write_text(re.sub(r'"\d+\.\d+\.\d+"', '"0.2.0"', current), "utf-8")
    (up / "scripts/masterplan/lama.py").unlink()
    migrations = up / "scripts/masterplan/commands/migrations.py"
    text = migrations.read_text("utf-8")
    assert NO_MIGRATION in text
    migrations.write_text(text.replace(NO_MIGRATION, MIGRATION), "utf-8")
    _commit(up, "Rilis 0.2.0")
    _git(up, "tag", "v0.2.0")
    # The fork: made at v0.1.0, then its own plan written with the field's old name.
    fork = tmp_path / "fork"
    _git(ROOT, "clone", "-q", "--branch", "v0.1.0", str(up), str(fork))
    _git(fork, "checkout", "-q", "-b", "main")
    plan = fork / "data/plan.yml"
    plan.write_text(plan.read_text("utf-8").replace("Kabupaten Wonosobo", "Kabupaten Temanggung"), "utf-8")
    page = next(p for p in sorted(fork.glob("docs/program/*/*.md")) if "status_note:" in p.read_text("utf-8"))
    page.write_text(page.read_text("utf-8").replace("status_note:", "catatan_status:"), "utf-8")
    _commit(fork, "Rencana Kabupaten Temanggung")
    return up, fork


def test_upgrade_takes_the_engine_keeps_the_plan_and_migrates_content(repos: tuple[Path, Path]) -> None:
    up, fork = repos
    region_before = _files(fork, upgrade.REGION_PATHS)
    renamed = [p for p, text in region_before.items() if b"catatan_status:" in text]
    out = io.StringIO()
    code = main(["upgrade", "--root", str(fork), "--from", str(up)], out=out)
    report = out.getvalue()
    assert code == 0, report
    assert "Mesin diperbarui: 0.1.0 → 0.2.0 (v0.2.0)." in report
    assert f"  {renamed[0]}: catatan_status → status_note (nama isian dibakukan)" in report
    assert "Rencana induk valid" in report
    # The engine is upstream's, file for file (the dropped module is gone).
    assert _files(fork, upgrade.ENGINE_PATHS) == _files(up, upgrade.ENGINE_PATHS)
    assert not (fork / "scripts/masterplan/lama.py").exists()
    # The region's files are as the region wrote them, but for the migrated key.
    region_after = _files(fork, upgrade.REGION_PATHS)
    assert region_after.keys() == region_before.keys()
    for path, text in region_before.items():
        expected = text.replace(b"catatan_status:", b"status_note:") if path in renamed else text
        assert region_after[path] == expected, path


def test_upgrade_refuses_uncommitted_changes_and_an_option_like_ref(repos: tuple[Path, Path]) -> None:
    up, fork = repos
    head = _git(fork, "rev-parse", "HEAD")
    assert main(["upgrade", "--root", str(fork), "--from", str(up), "--ref=--upload-pack=x"]) == 2
    (fork / "data/plan.yml").write_text("region: x\n", "utf-8")
    assert main(["upgrade", "--root", str(fork), "--from", str(up)]) == 2
    assert _git(fork, "rev-parse", "HEAD") == head
    assert _git(fork, "status", "--porcelain") == " M data/plan.yml\n"


def test_version_is_declared_once_and_described_in_the_changelog() -> None:
    version = upgrade.version_of((ROOT / upgrade.VERSION_FILE).read_text("utf-8"))
    shown = ".".join(map(str, version))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["version"] == shown
    assert f"\n## {shown} — " in (ROOT / "CHANGELOG.md").read_text("utf-8")


def test_a_migration_that_cannot_run_everywhere_changes_nothing(
    repos: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Migrations touch only regular files inside the repository, check every file before
    changing any, and a refusal leaves the whole tree as it was (engine included)."""
    up, fork = repos
    outside = tmp_path / "di-luar.md"
    outside.write_text("---\ncatatan_status: milik orang lain\n---\n", "utf-8")
    (fork / "docs/program/living/tautan.md").symlink_to(outside)
    latin1 = "---\ncatatan_status: caf\xe9\n---\n".encode("latin-1")
    (fork / "docs/program/living/latin1.md").write_bytes(latin1)
    (fork / "docs/program/living/folder.md").mkdir()
    (fork / "docs/program/living/folder.md/isi.txt").write_text("x", "utf-8")
    _commit(fork, "Berkas aneh")
    head = _git(fork, "rev-parse", "HEAD")
    before = _files(fork, (".",))

    code = main(["upgrade", "--root", str(fork), "--from", str(up)], out=io.StringIO())

    assert code != 0
    report = capsys.readouterr().err
    refused = (("tautan.md", "[symlink]"), ("latin1.md", "[encoding]"), ("folder.md", "[not-a-file]"))
    for name, reason in refused:
        assert name in report and reason in report, report
    assert "Traceback" not in report
    assert outside.read_text("utf-8") == "---\ncatatan_status: milik orang lain\n---\n"
    assert _git(fork, "rev-parse", "HEAD") == head
    assert _git(fork, "status", "--porcelain", "--ignored=no") == ""
    assert _files(fork, (".",)) == before
