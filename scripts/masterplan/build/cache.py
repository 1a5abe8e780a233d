"""What one run worked out from a page's text, kept on disk for the next run.

Reading a page (YAML, schema) and checking its narrative depend only on the page's text
and on this engine, and `masterplan validate`, `mkdocs build` and the pre-commit hook read
a plan whose pages are almost all unchanged since the last run. :class:`DiskCache` is the
:class:`~masterplan.memo.Memo` the build hands the loader and the checker, like pip's,
mypy's or Pelican's caches: one small class at one seam, the only module that knows it.
Compiled templates go to Jinja's own bytecode cache in the same folder.

Where: ``$MASTERPLAN_CACHE``, else ``$XDG_CACHE_HOME/masterplan``, else
``~/.cache/masterplan``; ``MASTERPLAN_CACHE=0`` turns it off. Never inside the
repository: what is there comes from pull requests. Results are loaded with pickle and
templates with marshal, both of which run code, so a folder or file that another user
owns or may write is never read: the cache is then off, and the log says so once.
A folder per engine version (its source and the versions of the libraries that shape
results), so a changed engine never reads an older result.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import re
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import FileSystemBytecodeCache

T = TypeVar("T")

log = logging.getLogger("mkdocs.plugins.masterplan")

ENV = "MASTERPLAN_CACHE"
#: Per kind: twice a 4,000-programme plan's pages, so two plans share one cache.
MAX_ENTRIES = 10_000
#: Engine versions not used for this long are removed.
STALE_DAYS = 30
#: Libraries whose version can change what a page reads or renders as.
_LIBRARIES = ("PyYAML", "cmarkgfm", "nh3", "Markdown", "Jinja2", "python-frontmatter")
_ENGINE = Path(__file__).parent.parent
_VERSION_NAME = re.compile(r"[0-9a-f]{24}")
_MISSING = object()


def chosen_root() -> Path | None:
    """The cache folder the environment names (``None``: turned off)."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return None if chosen.strip() in ("", "0", "off") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "masterplan"


def fingerprint() -> str:
    """This engine's version: its source and the libraries that shape its results."""
    digest = hashlib.blake2b(sys.version.encode(), digest_size=12)
    for name in _LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"\0{name}={metadata.version(name)}".encode())
    for path in sorted(_ENGINE.rglob("*")):
        if path.suffix in (".py", ".html", ".md") and "__pycache__" not in path.parts:
            digest.update(b"\0" + path.relative_to(_ENGINE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def is_private(path: Path) -> bool:
    """Whether ``path`` (not followed if a link) is this user's and nobody else may write it."""
    try:
        found = path.lstat()
    except OSError:
        return False
    if stat.S_ISLNK(found.st_mode):
        return False
    mine = not hasattr(os, "getuid") or found.st_uid == os.getuid()
    return mine and not found.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _private_folder(path: Path) -> bool:
    """Make ``path`` (mode 700) unless it exists; whether it is safe to read from."""
    with contextlib.suppress(OSError):
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path.is_dir() and is_private(path)


class DiskCache:
    """Results by kind and key, each kind one file, read on first use and saved by :meth:`save`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._earlier: dict[str, dict[bytes, Any]] = {}
        self._used: dict[str, dict[bytes, Any]] = {}
        self._added: set[str] = set()

    @classmethod
    def open(cls) -> DiskCache | None:
        """The cache of this engine version, or ``None`` when it is off or not safe."""
        root = chosen_root()
        if root is None:
            return None
        folder = root / fingerprint()
        if not (_private_folder(root) and _private_folder(folder)):
            log.info(f"Cache {root} tidak dipakai: folder itu dapat ditulis pengguna lain.")
            return None
        return cls(folder)

    def __call__(self, kind: str, key: bytes, make: Callable[[], T]) -> T:
        """The result kept under ``key`` in ``kind``, or ``make()``'s, then kept."""
        used = self._used.setdefault(kind, {})
        found = used.get(key, _MISSING)
        if found is _MISSING:
            found = self._read(kind).get(key, _MISSING)
            if found is _MISSING:
                found = make()
                self._added.add(kind)
            used[key] = found
        return found  # type: ignore[no-any-return]

    def _read(self, kind: str) -> dict[bytes, Any]:
        if kind not in self._earlier:
            self._earlier[kind] = {}
            path = self.folder / f"{kind}.pickle"
            if path.is_file() and is_private(path):
                # Anything wrong with the file (cut short, from another Python, removed
                # meanwhile) only means starting empty.
                with contextlib.suppress(Exception):
                    loaded = pickle.loads(path.read_bytes())
                    if isinstance(loaded, dict):
                        self._earlier[kind] = loaded
        return self._earlier[kind]

    def templates(self) -> FileSystemBytecodeCache:
        """Jinja's own bytecode cache, in this engine version's folder."""
        folder = self.folder / "templates"
        with contextlib.suppress(OSError):
            folder.mkdir(exist_ok=True, mode=0o700)
        return _PrivateBytecodeCache(str(folder))

    def save(self) -> None:
        """Write each kind this run added to: the entries it used first, then earlier ones
        up to :data:`MAX_ENTRIES`; remove engine versions unused for :data:`STALE_DAYS`."""
        for kind in sorted(self._added):
            kept = dict(self._used[kind])
            for key, value in self._read(kind).items():
                if len(kept) >= MAX_ENTRIES:
                    break
                kept.setdefault(key, value)
            self._write(self.folder / f"{kind}.pickle", kept)
        self._added.clear()
        self._forget_old_versions()

    def _write(self, path: Path, kept: dict[bytes, Any]) -> None:
        with contextlib.suppress(OSError):
            # Written aside and renamed: a reader never sees half a file, and two runs
            # that finish together leave one whole file.
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-")
            try:
                with os.fdopen(fd, "wb") as out:
                    pickle.dump(kept, out, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise

    def _forget_old_versions(self) -> None:
        with contextlib.suppress(OSError):
            os.utime(self.folder)
            for other in self.folder.parent.iterdir():
                # Only folders this class made (``$MASTERPLAN_CACHE`` may name a folder
                # that holds other things), and in them only what it writes.
                ours = _VERSION_NAME.fullmatch(other.name) is not None and other.is_dir()
                if ours and other != self.folder and time.time() - other.stat().st_mtime > STALE_DAYS * 86400:
                    for child in [*other.glob("*.pickle"), *other.glob("templates/*.cache")]:
                        child.unlink()
                    with contextlib.suppress(OSError):
                        (other / "templates").rmdir()
                    other.rmdir()  # fails, harmlessly, if anything else is in it


class _PrivateBytecodeCache(FileSystemBytecodeCache):
    """Jinja's file cache, reading only files that are this user's alone (compiled code)."""

    def load_bytecode(self, bucket: Any) -> None:
        if is_private(Path(self._get_cache_filename(bucket))):
            super().load_bytecode(bucket)
