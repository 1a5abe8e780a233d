"""The one interface through which a build hands the engine results kept from an earlier run.

Reading a page (its YAML and schema) and checking its narrative depend only on the page's
text and on this engine: the same text gives the same result in every run. The loader and
the checker therefore take a :data:`Memo` from whoever calls them. A memo answers
``memo(kind, key, make)`` with a result kept under ``key``, or with ``make()``'s. The
build and the CLI pass the disk cache (:mod:`masterplan.build.cache`); everyone else,
tests included, gets :func:`compute`, which keeps nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Protocol, TypeVar

T = TypeVar("T")


class Memo(Protocol):
    def __call__(self, kind: str, key: bytes, make: Callable[[], T]) -> T: ...


def compute(kind: str, key: bytes, make: Callable[[], T]) -> T:
    """The memo that keeps nothing: every result is worked out."""
    return make()


def digest(*parts: str | bytes | bool) -> bytes:
    """A digest of ``parts`` (texts, names, flags, other digests): the key of one result."""
    found = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
        found.update(len(data).to_bytes(8, "little") + data)
    return found.digest()
