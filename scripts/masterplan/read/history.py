"""A programme's history from git: when its status, progress, lead or budget changed.

The types below are what views show; :func:`program_history` fills them in one pass over
the history per build (never one git call per page): one ``git log`` lists every commit
with the blobs it wrote under ``data/`` and ``docs/`` (:func:`read_log`, which also gives
each page's last change to :mod:`masterplan.read.provenance`), and one ``git cat-file --batch``
reads every version of the programme pages.

Every version comes from a contributor, possibly long ago and possibly broken. Blobs are
read from git's object store by hash, never from the working tree, so no symlink is
followed and nothing outside the repository is read; a path is only ever a dictionary
key; and a version that does not read as a page (not UTF-8, broken YAML, a field of the
wrong type) is skipped, its successor compared with the last version that did read.
"""

from __future__ import annotations

import datetime
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from ..model import NUMBER_LIMIT
from ..source import MAX_BYTES, SourceError, split_page
from .files import PROGRAM_DIR

#: Front-matter fields whose changes a programme's history lists, in this order.
TRACKED = ("status", "progress", "lead", "budget", "spending", "status_note")

#: The folders whose history the build reads (the plan's data and pages).
FOLDERS = ("data", "docs")

#: Modes of regular files; symlinks (120000) and submodules (160000) are never read.
_REGULAR = {b"100644", b"100755"}


@dataclass(frozen=True)
class FieldChange:
    """One tracked field before and after a commit; budgets as their total in rupiah."""

    name: str
    before: object
    after: object


@dataclass(frozen=True)
class Revision:
    """One commit that changed a programme's page."""

    commit: str
    """Full hash, for the link to the commit."""
    date: datetime.date
    changes: list[FieldChange] = field(default_factory=list)
    """Tracked fields that changed; empty when only the narrative or other fields did.
    The first revision (the page's creation) lists none."""
    readable: bool = True
    """False for a version that does not read as a programme page (broken YAML, a value
    out of range): it is listed as such, and the next one is compared with the last
    version that did read. One bad old commit never breaks a later build."""


@dataclass(frozen=True)
class FileVersion:
    """One commit that touched a file, as ``git log`` lists it."""

    commit: str
    date: datetime.date
    """Committer date, the date the change reached the branch."""
    blob: str | None
    """Hash of the file's content after the commit; ``None`` when the commit deleted it
    or it is not a regular file (a symlink or submodule, never read)."""


#: Each file's commits, newest first, keyed by path relative to the repository.
Log = dict[str, list[FileVersion]]


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """Run git in ``root``; ``None`` when git is missing or fails (not a checkout)."""
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "-c", "log.showSignature=false", *args],
            input=stdin,
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    return result.stdout if result.returncode == 0 else None


def read_log(root: Path) -> Log:
    """Every commit that touched ``data/`` or ``docs/``, per file, newest first.

    One ``git log`` call. ``-z`` keeps file names as they are (no quoting, any byte but
    NUL), ``--raw --no-abbrev`` gives each file's new mode and blob hash, and
    ``--no-renames`` lists a rename as a deletion and an addition. Empty outside a git
    checkout.
    """
    out = _git(
        root,
        "log",
        "-z",
        "--no-renames",
        "--raw",
        "--no-abbrev",
        "--relative",
        "--format=%x01%H %cs",
        "--",
        *FOLDERS,
    )
    if out is None:
        return {}
    log: Log = {}
    tokens = out.split(b"\0")
    commit, date = "", None
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        i += 1
        if token.startswith(b"\x01"):
            sha, _, day = token[1:].decode("ascii", "replace").partition(" ")
            commit, date = sha, _date(day)
        elif token.startswith(b":") and i < len(tokens):
            # ":<old mode> <new mode> <old blob> <new blob> <status>", then the path.
            raw_path = tokens[i]
            i += 1
            fields = token[1:].split(b" ")
            path = _path(raw_path)
            if date is None or len(fields) != 5 or path is None:
                continue
            new_mode, new_blob, status = fields[1], fields[3], fields[4]
            regular = status != b"D" and new_mode in _REGULAR
            blob = new_blob.decode("ascii") if regular else None
            log.setdefault(path, []).append(FileVersion(commit, date, blob))
    return log


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _path(raw: bytes) -> str | None:
    """A file name from git as a key: UTF-8, relative, without ``.``/``..`` parts."""
    try:
        path = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return path


def is_program_page(path: str) -> bool:
    return path.startswith(PROGRAM_DIR + "/") and path.endswith(".md") and not path.endswith("/index.md")


def program_history(
    root: Path, paths: Iterable[str] | None = None, *, log: Log | None = None
) -> dict[str, list[Revision]]:
    """Each programme page's revisions, newest first, with the tracked fields that changed.

    ``paths`` limits the history to those pages (default: every page under
    ``docs/program/``); ``log`` is :func:`read_log`'s result when the caller already has
    it (the site shares one log with the pages' last-change dates). Empty outside a git
    checkout or when git fails.
    """
    if log is None:
        log = read_log(root)
    wanted = set(paths) if paths is not None else None
    pages = {
        path: versions
        for path, versions in log.items()
        if (path in wanted if wanted is not None else is_program_page(path))
    }
    blobs = sorted({v.blob for versions in pages.values() for v in versions if v.blob is not None})
    fields = _read_fields(root, blobs)
    if fields is None:
        return {}
    history: dict[str, list[Revision]] = {}
    for path, versions in pages.items():
        revisions: list[Revision] = []
        previous: dict[str, Any] | None = None
        for version in reversed(versions):  # oldest first, to compare each with the last
            if version.blob is None:
                continue  # deleted, or not a regular file: nothing to show
            current = fields.get(version.blob)
            if current is None:
                revisions.append(Revision(version.commit, version.date, [], readable=False))
                continue
            changes = []
            if previous is not None:
                changes = [
                    FieldChange(name, previous[name], current[name])
                    for name in TRACKED
                    if previous[name] != current[name]
                ]
            revisions.append(Revision(version.commit, version.date, changes))
            previous = current
        if revisions:
            history[path] = revisions[::-1]
    return history


def _read_fields(root: Path, blobs: list[str]) -> dict[str, dict[str, Any]] | None:
    """The tracked fields of every blob that reads as a programme page (one git call)."""
    if not blobs:
        return {}
    out = _git(root, "cat-file", "--batch", stdin="".join(f"{b}\n" for b in blobs).encode("ascii"))
    if out is None:
        return None
    fields: dict[str, dict[str, Any]] = {}
    at = 0
    for blob in blobs:
        newline = out.find(b"\n", at)
        if newline == -1:
            break
        header = out[at:newline].split(b" ")
        if len(header) != 3 or header[1] != b"blob" or not header[2].isdigit():
            at = newline + 1  # "<hash> missing": no content follows
            continue
        size = int(header[2])
        content = out[newline + 1 : newline + 1 + size]
        at = newline + 1 + size + 1
        tracked = _tracked(content)
        if tracked is not None:
            fields[blob] = tracked
    return fields


def _tracked(raw: bytes) -> dict[str, Any] | None:
    """The tracked fields of one version, or ``None`` when it does not read as a page.

    The same guards as reading a page from disk (:mod:`masterplan.source`): size, UTF-8,
    then the bounded YAML parser.
    """
    if len(raw) > MAX_BYTES:
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        data = split_page(text).meta.data
    except (UnicodeDecodeError, SourceError):
        return None
    if not isinstance(data, dict):
        return None
    status, lead = data.get("status"), data.get("lead")
    progress = data.get("progress", 0)
    note = data.get("status_note") or ""
    budget, spending = _total(data.get("budget", [])), _total(data.get("spending", []))
    if not (isinstance(status, str) and isinstance(lead, str) and isinstance(note, str)):
        return None
    if not (_is_int(progress) and 0 <= progress <= 100) or budget is None or spending is None:
        return None
    return {
        "status": status,
        "progress": progress,
        "lead": lead,
        "budget": budget,
        "spending": spending,
        "status_note": note,
    }


def _total(lines: object) -> int | None:
    """Sum of the lines' amounts in rupiah; ``None`` when they are not such lines."""
    if lines is None:
        return 0
    if not isinstance(lines, list):
        return None
    total = 0
    for line in lines:
        amount = line.get("amount") if isinstance(line, Mapping) else None
        if not (_is_int(amount) and 0 <= amount <= NUMBER_LIMIT):
            return None
        total += amount
    return total


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def newest(history: Mapping[str, list[Revision]]) -> dict[str, datetime.date]:
    """Each page's last revision date (what "not updated since" measures)."""
    return {path: revisions[0].date for path, revisions in history.items() if revisions}
