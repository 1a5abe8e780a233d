"""The code that runs is the code reviewed: a repository that tracks files where git
ignores them is refused before anything is installed, the project's Python never reads
bytecode from beside the sources, and the form publishes only npm files the lock file pins."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import py_compile
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from conftest import ROOT
from masterplan.outputs import npm_files


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


def _package(tmp_path: Path, files: dict[str, bytes]) -> tuple[Path, Path]:
    """A project whose lock file pins a package ``demo`` (its tarball in an npm cache),
    with that package installed in node_modules: (project, cache)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    tarball = buffer.getvalue()
    digest = hashlib.sha512(tarball).digest()
    cache = tmp_path / "npm-cache"
    hexa = digest.hex()
    stored = cache / "_cacache/content-v2/sha512" / hexa[:2] / hexa[2:4] / hexa[4:]
    stored.parent.mkdir(parents=True)
    stored.write_bytes(tarball)
    project = tmp_path / "project"
    for name, data in files.items():
        (project / "node_modules/demo" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "node_modules/demo" / name).write_bytes(data)
    integrity = "sha512-" + base64.b64encode(digest).decode()
    lock = {"packages": {"node_modules/demo": {"version": "1.0.0", "integrity": integrity}}}
    (project / "package-lock.json").write_text(json.dumps(lock), "utf-8")
    return project, cache


def test_the_form_publishes_only_the_javascript_the_lock_file_pins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files copied to /admin/ are compared with the tarball whose hash
    package-lock.json records: an edited node_modules never reaches staff's browsers."""
    project, cache = _package(tmp_path, {"dist/app.js": b"console.log(1)", "dist/chunk.js": b"x"})
    monkeypatch.setenv("npm_config_cache", str(cache))
    published = sorted((project / "node_modules/demo/dist").iterdir())
    npm_files.verify(project, "demo", published)  # as installed: published

    (project / "node_modules/demo/dist/chunk.js").write_bytes(b"steal(document.cookie)")
    with pytest.raises(npm_files.Mismatch, match=r"node_modules/demo/dist/chunk\.js"):
        npm_files.verify(project, "demo", published)

    (project / "node_modules/demo/dist/chunk.js").write_bytes(b"x")
    (project / "node_modules/demo/dist/extra.js").write_bytes(b"added")
    with pytest.raises(npm_files.Mismatch, match=r"extra\.js"):
        npm_files.verify(project, "demo", [*published, project / "node_modules/demo/dist/extra.js"])

    # A cache entry that is not what its name says proves nothing.
    (stored,) = (p for p in cache.rglob("*") if p.is_file())
    stored.write_bytes(stored.read_bytes() + b"\0")
    with pytest.raises(npm_files.Unverified, match="npm ci"):
        npm_files.verify(project, "demo", published)
    stored.unlink()
    with pytest.raises(npm_files.Unverified, match="tidak ada di cache npm"):
        npm_files.verify(project, "demo", published)
