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

:func:`in_background` works out results in a second process while this one goes on (a
build's other core); a lookup that misses in one of its stores takes them over first.
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
import threading
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
        if _RECORDING is not None and self.name in _RECORDING[0]:
            _RECORDING[1].append((self.name, self.entries, digest, value))
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
    found = kept(name, digest, entries=entries)
    if found is MISSING:
        found = make()
        store(name, entries).put(digest, found)
    return found  # type: ignore[no-any-return]


def kept(name: str, digest: bytes, *, entries: int = MAX_ENTRIES) -> Any:
    """The result kept in the store ``name`` under ``digest``, waiting for the background
    job that makes it (:func:`in_background`), or :data:`MISSING`."""
    table = store(name, entries)
    found = table.get(digest)
    if found is MISSING and _JOBS:
        take_over(name, digest)  # only a job that makes it
        found = table.get(digest)
    return found


#: In a child of :func:`in_background`: the stores it works for, and what it adds to them.
_RECORDING: tuple[frozenset[str], list[tuple[str, int, bytes, Any]]] | None = None


class _Job:
    """A child process of :func:`in_background` and the end of the pipe it answers on."""

    def __init__(self, stores: frozenset[str], claims: frozenset[bytes] | None, pid: int, reader: int):
        self.stores, self.claims, self.pid, self.reader = stores, claims, pid, reader

    def makes(self, name: str, digest: bytes) -> bool:
        """Whether the result for ``digest`` in the store ``name`` is this job's to make."""
        return name in self.stores and (self.claims is None or digest in self.claims)

    def take_over(self) -> None:
        """Wait for the child; keep what it made as if this process had made it."""
        try:
            with os.fdopen(self.reader, "rb") as pipe, _collection_paused():
                entries = pickle.loads(pipe.read())
        except Exception:
            entries = []  # the child failed: this process makes what it needs itself
        finally:
            os.waitpid(self.pid, 0)
        for name, entries_kept, digest, found in entries:
            store(name, entries_kept).put(digest, found)


_JOBS: list[_Job] = []


def take_over(name: str | None = None, digest: bytes | None = None) -> None:
    """Wait for the background jobs working for store ``name`` (all of them: ``None``),
    or only those making ``digest`` there, and take their results over."""
    jobs = [job for job in _JOBS if name is None or name in job.stores]
    if name is not None and digest is not None:
        jobs = [job for job in jobs if job.makes(name, digest)]
    for job in jobs:
        _JOBS.remove(job)
        job.take_over()


def can_work_in_background() -> bool:
    """Whether :func:`in_background` would start a process now (callers skip preparing
    work that would only be done here anyway)."""
    return _folder() is not None and sys.platform.startswith("linux") and threading.active_count() == 1


def in_background(
    stores: tuple[str, ...],
    work: Callable[[], object],
    claims: set[bytes] | None = None,
    *,
    also: tuple[str, ...] = (),
) -> bool:
    """Run ``work()`` in a forked copy of this process, on another core, and keep what it
    adds to ``stores`` as if this process had made it: the first lookup that misses in
    one of them waits for the copy and takes its results over (:func:`flush` takes over
    the rest). With ``claims``, only a miss of one of those digests waits: this process
    goes on making the others meanwhile. What it adds to the stores ``also`` is kept
    too, but no lookup there waits for it. Returns whether a copy was started.

    Only where it is cheap and safe: with the disk cache on (the results travel as its
    entries), on Linux (Windows has no fork; on macOS system libraries may not survive
    one), and from a process with a single thread (a lock another thread held at the
    fork would stay held in the copy forever). Elsewhere the work is done as before.
    The copy's work must not write files or print: whatever it does apart from the
    stores' entries is lost."""
    if not can_work_in_background():
        return False
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: never returns, never runs the parent's exit handlers
        global _RECORDING
        status = 1
        try:
            os.close(reader)
            for job in _JOBS:  # the parent's to take over, not this copy's
                os.close(job.reader)
            _JOBS.clear()
            _RECORDING = (frozenset(stores + also), [])
            work()
            with os.fdopen(writer, "wb") as pipe:
                pickle.dump(_RECORDING[1], pipe, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(writer)
    _JOBS.append(_Job(frozenset(stores), None if claims is None else frozenset(claims), pid, reader))
    return True


#: From this many items (pages, narratives), a second process works out the second half
#: while this one does the first; fewer are not worth starting it.
AHEAD_FROM = 200


def worth_halving(count: int) -> bool:
    """Whether :func:`second_half_ahead` may start a process for ``count`` items (callers
    skip preparing the second half otherwise)."""
    return count >= AHEAD_FROM and can_work_in_background()


def second_half_ahead(name: str, later: list[tuple[bytes, T]], make: Callable[[T], object]) -> bool:
    """Start ``make(item)`` for the items of ``later`` (each with the digest of its result
    in the store ``name``) that the store does not hold, in a second process, while this
    one works through the first half: a lookup of one of them waits for it
    (:func:`in_background`). Not when the store holds nearly all of them."""
    table = store(name)
    missing = [(digest, item) for digest, item in later if table.get(digest) is MISSING]
    if len(missing) < AHEAD_FROM // 2:
        return False

    def work() -> None:
        for _, item in missing:
            make(item)

    return in_background((name,), work, {digest for digest, _ in missing})


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
    take_over()
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
