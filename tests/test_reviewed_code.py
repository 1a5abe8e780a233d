"""The code that runs is the code reviewed: a repository that tracks files where git
ignores them is refused before anything is installed, and the project's Python never
reads bytecode from beside the sources."""

from __future__ import annotations

import py_compile
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Uji", "-c", "user.email=uji@contoh.id", *args],
        check=True,
        capture_output=True,
    )


def test_bootstrap_refuses_a_repository_that_tracks_ignored_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "scripts/masterplan/__pycache__").mkdir(parents=True)
    shutil.copy2(ROOT / "scripts/bootstrap", repo / "scripts/bootstrap")
    shutil.copy2(ROOT / ".gitignore", repo / ".gitignore")
    planted = repo / "scripts/masterplan/__pycache__/::error file=x::boom.cpython-311.pyc"
    planted.write_bytes(b"\x00not reviewed")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "scripts/bootstrap", ".gitignore")
    _git(repo, "add", "--force", str(planted.relative_to(repo)))
    _git(repo, "commit", "-q", "-m", "pr")

    result = subprocess.run(
        ["bash", "scripts/bootstrap"], cwd=repo, capture_output=True, text=True, check=False
    )

    assert result.returncode == 1
    assert "diabaikan git" in result.stderr and "git rm -r --cached" in result.stderr
    assert "boom.cpython-311.pyc" in result.stderr
    assert "::error" not in result.stderr, "a file name must not become a workflow command"
    assert not (repo / ".venv").exists(), "refused before installing anything"


def test_python_of_the_project_never_reads_bytecode_beside_the_sources(tmp_path: Path) -> None:
    (tmp_path / "modul.py").write_text("ASAL = 'ditinjau'\n", encoding="utf-8")
    other = tmp_path / "lain.py"
    other.write_text("ASAL = 'tidak ditinjau'\n", encoding="utf-8")
    # What a pull request could add: bytecode of other source, in unchecked-hash mode
    # (Python would not compare it with modul.py).
    cached = tmp_path / "__pycache__" / f"modul.{sys.implementation.cache_tag}.pyc"
    py_compile.compile(
        str(other), cfile=str(cached), invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH
    )
    other.unlink()

    result = subprocess.run(
        [sys.executable, "-c", "import sys, modul; print(modul.ASAL, sys.pycache_prefix)"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )
    shown, prefix = result.stdout.split()
    assert shown == "ditinjau"
    assert Path(prefix).is_relative_to(ROOT / ".venv")
