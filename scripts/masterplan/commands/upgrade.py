"""``masterplan upgrade``: take a newer engine from upstream without touching the region's plan.

The repository is two things declared once here: the **engine** (code, tests, workflows,
tooling), which every region shares and takes from upstream as it is, and the **region**
(its plan and site settings), which upstream never writes. An upgrade fetches a tagged
release, replaces the engine's paths with upstream's (files upstream removed are removed),
then lets the *new* engine migrate the region's content (a renamed field, say) and validate
it: the new code runs in a child process, because this process still holds the old one.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

#: Shared by every region: replaced by upstream's on upgrade.
ENGINE_PATHS = (
    "scripts/",
    "macros/",
    "tests/",
    ".github/workflows/",
    ".github/ISSUE_TEMPLATE/",
    ".github/pull_request_template.md",
    ".ci/",
    "pyproject.toml",
    "constraints.txt",
    "package.json",
    "package-lock.json",
    ".gitignore",
    ".pre-commit-config.yaml",
    "README.md",
    "CHANGELOG.md",
)
#: The region's own: never written by an upgrade (only by its content migrations).
REGION_PATHS = ("data/", "docs/", "mkdocs.yml", ".github/CODEOWNERS")
VERSION_FILE = "scripts/masterplan/__init__.py"
VERSION = re.compile(r'^__version__ = "(\d+)\.(\d+)\.(\d+)"$', re.MULTILINE)
# A ref names a tag or branch; anything option-like or with odd characters is refused
# before it reaches git.
REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")


class UpgradeError(Exception):
    """The upgrade cannot be done as asked; nothing was changed."""


@dataclass
class Result:
    old: str
    new: str
    ref: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    migrations: str = ""


def _git(root: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise UpgradeError(f"git {args[0]} gagal: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def version_of(text: str) -> tuple[int, int, int]:
    m = VERSION.search(text)
    if m is None:
        raise UpgradeError(f"{VERSION_FILE} tidak memuat __version__.")
    return int(m[1]), int(m[2]), int(m[3])


def _shown(version: tuple[int, int, int]) -> str:
    return ".".join(map(str, version))


def latest_tag(root: Path, source: str) -> str:
    """The highest ``vX.Y.Z`` tag of ``source``."""
    out = _git(root, "ls-remote", "--tags", "--refs", "--", source)
    tags = re.findall(r"refs/tags/(v\d+\.\d+\.\d+)$", out, re.MULTILINE)
    if not tags:
        raise UpgradeError(f"{source} tidak punya tag rilis vX.Y.Z; beri --ref.")
    return str(max(tags, key=lambda t: tuple(int(x) for x in t[1:].split("."))))


def _tree(root: Path, rev: str) -> dict[str, str]:
    """Engine files of ``rev``: path -> blob id."""
    out = _git(root, "ls-tree", "-r", "--full-tree", rev, "--", *ENGINE_PATHS)
    files = {}
    for line in out.splitlines():
        meta, path = line.split("\t", 1)
        files[path] = meta.split()[2]
    return files


def upgrade(root: Path, source: str, ref: str | None = None) -> Result:
    """Bring the engine of ``root`` to ``ref`` of ``source`` (a git remote or path)."""
    if _git(root, "status", "--porcelain"):
        raise UpgradeError("ada perubahan yang belum di-commit (git status). Commit atau batalkan dulu.")
    if source.startswith("-"):
        raise UpgradeError(f"--from tidak sah: {source}")
    ref = ref or latest_tag(root, source)
    if not REF.fullmatch(ref) or ".." in ref:
        raise UpgradeError(f"--ref tidak sah: {ref}")
    _git(
        root,
        "fetch",
        "--quiet",
        "--no-tags",
        "--",
        source,
        f"refs/tags/{ref}" if ref.startswith("v") else ref,
    )
    upstream = _git(root, "rev-parse", "--verify", "FETCH_HEAD^{commit}").strip()
    old = version_of((root / VERSION_FILE).read_text(encoding="utf-8"))
    new = version_of(_git(root, "show", f"{upstream}:{VERSION_FILE}"))
    if new < old:
        raise UpgradeError(f"{ref} ({_shown(new)}) lebih lama dari mesin sekarang ({_shown(old)}).")
    before, after = _tree(root, "HEAD"), _tree(root, upstream)
    result = Result(old=_shown(old), new=_shown(new), ref=ref)
    result.added = sorted(set(after) - set(before))
    result.changed = sorted(p for p in set(after) & set(before) if after[p] != before[p])
    result.removed = sorted(set(before) - set(after))
    # Upstream's engine files as they are, then the ones it no longer has removed.
    present = [p for p in ENGINE_PATHS if any(f == p or f.startswith(p) for f in after)]
    try:
        if present:
            _git(root, "checkout", upstream, "--", *present)
        if result.removed:
            _git(root, "rm", "-q", "--", *result.removed)
        # The new engine migrates the region's content, in its own process: it checks every
        # file first and changes none when one is refused.
        migrated = subprocess.run(
            [sys.executable, "-m", "masterplan.commands.migrations"]
            + ["--root", str(root), "--since", result.old],
            capture_output=True,
            text=True,
            check=False,
            env=_env(root),
        )
        result.migrations = migrated.stdout
        if migrated.returncode != 0:
            raise UpgradeError(f"migrasi isi gagal: {migrated.stderr.strip() or migrated.stdout.strip()}")
    except BaseException:
        # The tree was clean when the upgrade began: put every file back as it was.
        _git(root, "reset", "-q", "--hard", "HEAD", check=False)
        if result.added:
            _git(root, "clean", "-q", "-f", "--", *result.added, check=False)
        raise
    return result


def _env(root: Path) -> dict[str, str]:
    # The new engine's code first on the path, ahead of the installed (old) one.
    return {**os.environ, "PYTHONPATH": str(root / "scripts")}


def validate_with_new_engine(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "masterplan.commands.cli", "validate", "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
        env=_env(root),
    )
