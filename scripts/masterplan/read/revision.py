"""A plan as it was at a git revision (a branch, a tag, a commit), read from git objects.

The revision and everything inside it come from contributors. A revision is only ever
passed to git after ``--end-of-options`` and resolved to a commit SHA first; files are
read as git objects (no ``git archive``: no symlinks recreated, no export attributes
from the revision). Used by the plan diff and by the closed-year rule.
"""

from __future__ import annotations

import datetime
import re
import subprocess
from pathlib import Path

from ..problems import Problem

#: The folders of a revision that hold the plan.
FOLDERS = ("data", "docs")

_REGULAR_FILES = {"100644", "100755"}
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


class DiffError(Exception):
    """A revision cannot be read (unknown revision, not a git repository)."""


def _git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError as err:
        raise DiffError("perintah `git` tidak ditemukan; pasang git lebih dulu.") from err


def unclean(root: Path) -> str | None:
    """Why the working tree may not be changed by a command that commits or replaces
    files (adopt, edition, close-year), or ``None`` when it is a clean git checkout."""
    try:
        result = _git(root, "status", "--porcelain", "--untracked-files=normal")
    except DiffError:
        return "git tidak ditemukan."
    if result.returncode != 0:
        return f"{root} bukan repositori git."
    if result.stdout.strip():
        return "ada perubahan yang belum di-commit (git status). Commit atau batalkan dulu."
    return None


def resolve_revision(root: Path, revision: str) -> str:
    """The commit SHA that ``revision`` names, or :class:`DiffError`.

    Git never reads ``revision`` as an option: one starting with ``-`` is refused, and
    the check itself puts it after ``--end-of-options``.
    """
    if revision.startswith("-"):
        raise DiffError(
            f"revisi `{revision}` ditolak: revisi tidak boleh diawali tanda minus (`-`) karena "
            "git akan membacanya sebagai opsi. Beri nama cabang, tag atau SHA commit, "
            "mis. `origin/main`."
        )
    if not revision or any(c in revision for c in "\0\r\n"):
        raise DiffError(f"revisi `{revision}` ditolak: bukan nama cabang, tag atau SHA commit.")
    result = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    sha = result.stdout.decode("ascii", "replace").strip()
    if result.returncode != 0 or not _SHA.fullmatch(sha):
        reason = result.stderr.decode("utf-8", "replace").strip() or (
            "bukan cabang, tag atau commit yang dikenal repositori ini"
        )
        raise DiffError(f"revisi `{revision}` tidak dapat dibaca dari git: {reason}.")
    return sha


def read_revision(root: Path, commit: str, dest: Path) -> list[Problem]:
    """Write the regular files of ``data/`` and ``docs/`` at ``commit`` into ``dest``.

    Symlinks and submodules are never followed or recreated: a symlink could point at
    any file on the machine running the diff. Each one skipped is returned as an
    ``unsafe-file`` problem.
    """
    if not _SHA.fullmatch(commit):
        raise DiffError(f"`{commit}` bukan SHA commit; gunakan resolve_revision lebih dulu.")
    listing = _git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *FOLDERS)
    if listing.returncode != 0:
        message = listing.stderr.decode("utf-8", "replace").strip()
        raise DiffError(f"revisi `{commit}` tidak dapat dibaca dari git: {message}")
    files: list[tuple[str, str]] = []
    skipped: list[Problem] = []
    for entry in listing.stdout.split(b"\0"):
        if not entry:
            continue
        info, _, raw_path = entry.partition(b"\t")
        mode, _, rest = info.decode("ascii").partition(" ")
        sha = rest.rpartition(" ")[2]
        path = raw_path.decode("utf-8", "replace")
        parts = path.split("/")
        if parts[0] not in FOLDERS or any(part in ("", ".", "..", ".git") for part in parts):
            skipped.append(_unsafe(path, "memiliki path yang tidak sah"))
        elif "\ufffd" in path:
            skipped.append(_unsafe(path, "memiliki nama yang bukan teks UTF-8"))
        elif mode == "120000":
            skipped.append(_unsafe(path, "adalah tautan simbolik (symlink)"))
        elif mode not in _REGULAR_FILES:
            skipped.append(_unsafe(path, "adalah submodul git"))
        else:
            files.append((path, sha))
    for (path, _), data in zip(files, _read_blobs(root, [sha for _, sha in files]), strict=True):
        target = dest.joinpath(*path.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        # "x": create a new file only; dest holds no links, so nothing is written elsewhere.
        with target.open("xb") as handle:
            handle.write(data)
    return skipped


def _read_blobs(root: Path, shas: list[str]) -> list[bytes]:
    if not shas:
        return []
    result = _git(root, "cat-file", "--batch", stdin="".join(f"{sha}\n" for sha in shas).encode())
    if result.returncode != 0:
        raise DiffError("isi revisi tidak dapat dibaca dari git: " + result.stderr.decode("utf-8", "replace"))
    out, blobs, at = result.stdout, [], 0
    for sha in shas:
        newline = out.index(b"\n", at)
        header = out[at:newline].split(b" ")
        if len(header) != 3 or header[1] != b"blob":
            raise DiffError(f"objek git `{sha}` tidak dapat dibaca.")
        size = int(header[2])
        blobs.append(out[newline + 1 : newline + 1 + size])
        at = newline + 1 + size + 1
    return blobs


def _unsafe(path: str, what: str) -> Problem:
    return Problem(
        file=path,
        line=None,
        code="unsafe-file",
        key="",
        message=f"`{path}` {what}; berkas ini dilewati dan tidak dibaca.",
        hint="Simpan halaman dan data sebagai berkas biasa; symlink dan submodul tidak pernah dibaca.",
    )


def commit_date(root: Path, commit: str) -> datetime.date:
    """The date ``commit`` was made (committer date): a revision's reference date when
    its plan sets none, so what is rebuilt from it does not depend on the day."""
    result = _git(root, "log", "-1", "--format=%cs", commit, "--")
    try:
        return datetime.date.fromisoformat(result.stdout.decode("ascii", "replace").strip())
    except ValueError:
        raise DiffError(f"tanggal commit `{commit}` tidak dapat dibaca dari git.") from None
