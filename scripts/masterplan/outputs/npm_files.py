"""The form's JavaScript is the JavaScript the lock file pins.

``/admin/`` publishes Decap's and the yaml library's files from ``node_modules``, on a page
where staff are signed in to GitHub. ``npm ci`` checks each package's tarball against the
integrity hash in ``package-lock.json``, but a ``node_modules`` folder can change after
that (or come from somewhere else). So before publishing, every file is compared, byte for
byte, with the same file in the package's tarball, which npm keeps in its cache under that
very hash (``_cacache/content-v2/sha512/...``): the tarball is hashed again here, so the
cache is trusted for nothing.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import tarfile
from pathlib import Path


class Unverified(Exception):
    """The files cannot be checked (no lock entry, no tarball in npm's cache)."""


class Mismatch(Exception):
    """A file differs from the one in the tarball the lock file pins."""


def npm_cache() -> Path:
    """npm's cache folder: ``npm_config_cache`` when set, else npm's default."""
    # npm's own spelling is lower case; it reads the upper-case one too.
    named = os.environ.get("npm_config_cache") or os.environ.get("NPM_CONFIG_CACHE")  # noqa: SIM112
    return Path(named) if named else Path.home() / ".npm"


def verify(root: Path, package: str, files: list[Path]) -> None:
    """Raise unless each of ``files`` (under ``root/node_modules/<package>``) is, byte for
    byte, the file of the same name in the tarball ``package-lock.json`` pins."""
    stats = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in sorted(files))
    _verify(str(root), package, stats)


@functools.lru_cache(maxsize=8)
def _verify(root: str, package: str, stats: tuple[tuple[str, int, int], ...]) -> None:
    """Once per process and set of files: `mkdocs serve` rebuilds often, files rarely change."""
    lock = json.loads((Path(root) / "package-lock.json").read_text("utf-8"))
    entry = lock.get("packages", {}).get(f"node_modules/{package}", {})
    integrity = str(entry.get("integrity", ""))
    if not integrity.startswith("sha512-"):
        raise Unverified(f"package-lock.json tidak mencatat hash integritas {package}.")
    digest = base64.b64decode(integrity.removeprefix("sha512-"))
    hexa = digest.hex()
    tarball = npm_cache() / "_cacache/content-v2/sha512" / hexa[:2] / hexa[2:4] / hexa[4:]
    if not tarball.is_file():
        raise Unverified(f"paket {package} {entry.get('version')} tidak ada di cache npm: jalankan `npm ci`.")
    # Streamed, never held whole: Decap's tarball is 16 MB.
    hasher = hashlib.sha512()
    with tarball.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            hasher.update(chunk)
    if hasher.digest() != digest:
        raise Unverified(f"paket {package} di cache npm tidak sesuai package-lock.json: jalankan `npm ci`.")
    base = Path(root) / "node_modules" / package
    wanted = {f"package/{Path(name).relative_to(base).as_posix()}": Path(name) for name, _, _ in stats}
    # Read a second time to extract: whoever could rewrite npm's cache between the two
    # reads can already run code as this user.
    with tarfile.open(tarball, mode="r|gz") as tar:
        for member in tar:
            path = wanted.pop(member.name, None)
            if path is None:
                continue
            extracted = tar.extractfile(member)
            if extracted is None or extracted.read() != path.read_bytes():
                raise Mismatch(f"{path.relative_to(root)} berbeda dari paket {package} di package-lock.json.")
    if wanted:
        raise Mismatch(f"{sorted(wanted)[0]} tidak ada di paket {package} yang dicatat package-lock.json.")
