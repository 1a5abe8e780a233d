"""What a run worked out from a file's text, kept on disk for the next run.

Reading and checking a page (YAML, schema, the narrative's rendering and cleaning) depends
only on its text and on this engine: the same text gives the same result in every run.
`masterplan validate`, `mkdocs build` and the pre-commit hook read a plan whose pages are
almost all unchanged since the last run, so each result is kept, keyed by a digest of its
inputs, like pip's, mypy's or ruff's caches.

Where: ``$MASTERPLAN_CACHE``, else ``$XDG_CACHE_HOME/masterplan``, else
``~/.cache/masterplan``; ``MASTERPLAN_CACHE=0`` turns it off. Never inside the
repository: what is there comes from pull requests, and a cache is loaded with pickle,
which runs code. A folder per engine version (its source and the versions of the
libraries that shape results), so a changed engine never reads an older result.

A store is read once per process, on its first lookup, and written at exit when the run
added something; an unreadable store is treated as empty. Only the entries this run used
are kept first, then earlier ones up to :data:`MAX_ENTRIES`.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import hashlib
import os
import pickle
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

ENV = "MASTERPLAN_CACHE"
#: Per store: twice a 4,000-programme plan's pages, so two plans share one cache.
MAX_ENTRIES = 10_000
#: Engine versions not used for this long are removed.
STALE_DAYS = 30
#: Libraries whose version can change what a page reads or renders as.
_LIBRARIES = ("PyYAML", "cmarkgfm", "nh3", "Markdown", "Jinja2", "python-frontmatter")
_ENGINE = Path(__file__).parent
#: What :meth:`Store.get` returns for a result not kept.
MISSING = object()


def _root() -> Path | None:
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return None if chosen.strip() in ("", "0", "off") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "masterplan"


_VERSION_NAME = re.compile(r"[0-9a-f]{24}")


def _fingerprint() -> str:
    digest = hashlib.blake2b(sys.version.encode(), digest_size=12)
    for name in _LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"\0{name}={metadata.version(name)}".encode())
    for path in sorted(_ENGINE.rglob("*")):
        if path.suffix in (".py", ".html", ".md") and "__pycache__" not in path.parts:
            digest.update(b"\0" + path.relative_to(_ENGINE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def key(*parts: str | bytes | bool) -> bytes:
    """A digest of ``parts`` (texts, names, flags, other digests): the key of one result."""
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.digest()


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    # Unpickling a store makes ~10^6 objects that all stay alive; the cycle collector
    # would walk them again and again while they arrive (twice the time of the load).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Store:
    """One named table of results, loaded on first use and saved at exit."""

    def __init__(self, name: str, entries: int = MAX_ENTRIES) -> None:
        self.name = name
        self.entries = entries
        self._loaded: dict[bytes, Any] | None = None
        self._used: dict[bytes, Any] = {}
        self._added = False

    def path(self) -> Path | None:
        folder = _folder()
        return None if folder is None else folder / f"{self.name}.pickle"

    def _earlier(self) -> dict[bytes, Any]:
        if self._loaded is None:
            self._loaded = {}
            path = self.path()
            if path is not None:
                with contextlib.suppress(Exception), _collection_paused():
                    # Anything wrong with the file (cut short, from another Python,
                    # removed meanwhile) only means starting empty.
                    loaded = pickle.loads(path.read_bytes())
                    if isinstance(loaded, dict):
                        self._loaded = loaded
        return self._loaded

    def get(self, digest: bytes) -> Any:
        """The kept result for ``digest``, or :data:`MISSING`."""
        found = self._used.get(digest, MISSING)
        if found is MISSING:
            found = self._earlier().get(digest, MISSING)
            if found is not MISSING:
                self._used[digest] = found
        return found

    def put(self, digest: bytes, value: Any) -> None:
        if self.path() is None:
            return
        # A long `mkdocs serve` adds a result per save: the oldest go past the bound.
        while len(self._used) >= self.entries:
            del self._used[next(iter(self._used))]
        self._used[digest] = value
        self._added = True

    def save(self) -> None:
        """Write the entries this run used, then earlier ones, when this run added any."""
        path = self.path()
        if not self._added or path is None:
            return
        kept = dict(self._used)
        for digest, value in self._earlier().items():
            if len(kept) >= self.entries:
                break
            kept.setdefault(digest, value)
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Written aside and renamed: a reader never sees half a file, and two runs
            # that finish together leave one whole store.
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{self.name}-")
            try:
                with os.fdopen(fd, "wb") as out:
                    pickle.dump(kept, out, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        self._added = False


_STORES: dict[str, Store] = {}
_FOLDER: list[Path | None] = []


def _folder() -> Path | None:
    """This engine's folder in the cache, or ``None`` when the cache is off or unsafe."""
    if not _FOLDER:
        root = _root()
        folder = None
        if root is not None:
            folder = root / _fingerprint()
            with contextlib.suppress(OSError):
                # Someone else's folder could hold anything; pickle would run it.
                if root.exists() and hasattr(os, "getuid") and root.stat().st_uid != os.getuid():
                    folder = None
        _FOLDER.append(folder)
    return _FOLDER[0]


def store(name: str, entries: int = MAX_ENTRIES) -> Store:
    """The store ``name``, keeping at most ``entries`` results (those of this run first)."""
    if name not in _STORES:
        _STORES[name] = Store(name, entries)
    return _STORES[name]


def value(name: str, digest: bytes, make: Callable[[], T], *, entries: int = MAX_ENTRIES) -> T:
    """The result kept in the store ``name`` under ``digest``, or ``make()``'s, then kept."""
    table = store(name, entries)
    found = table.get(digest)
    if found is MISSING:
        found = make()
        table.put(digest, found)
    return found  # type: ignore[no-any-return]


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """No disk cache inside the block (timings of work that must not be skipped)."""
    folder, stores = list(_FOLDER), dict(_STORES)
    _FOLDER[:] = [None]
    _STORES.clear()
    try:
        yield
    finally:
        _FOLDER[:] = folder
        _STORES.clear()
        _STORES.update(stores)


def flush() -> None:
    """Save every store that this run added to; remove engine versions unused for
    :data:`STALE_DAYS` days."""
    for table in list(_STORES.values()):
        table.save()
    folder = _FOLDER[0] if _FOLDER else None
    if folder is not None and folder.exists():
        with contextlib.suppress(OSError):
            os.utime(folder)
            for other in folder.parent.iterdir():
                # Only folders this module made (``$MASTERPLAN_CACHE`` may name a folder
                # that holds other things), and in them only its stores.
                ours = _VERSION_NAME.fullmatch(other.name) is not None and other.is_dir()
                if ours and other != folder and time.time() - other.stat().st_mtime > STALE_DAYS * 86400:
                    for child in other.glob("*.pickle"):
                        child.unlink()
                    other.rmdir()  # fails, harmlessly, if anything else is in it


atexit.register(flush)
