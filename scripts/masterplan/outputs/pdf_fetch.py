"""What WeasyPrint may read while it prints the book: files of one folder, nothing more.

The book holds contributor text, so its HTML must not be able to pull anything else into
the PDF: no file elsewhere on the machine (``file:///etc/passwd``, ``../``, a symlink),
no network (``http:``, ``https:``, ``ftp:``), no ``data:`` URI (our stylesheet needs
none) and no embedded file (``<link rel="attachment">``, ``<a rel="attachment">``).
A refused URL raises :class:`RefusedUrl`; WeasyPrint logs it and prints the book
without that resource.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]


class RefusedUrl(ValueError):
    """A URL the book may not read."""


class FolderFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no type hints
    """A WeasyPrint URL fetcher that reads regular files inside ``allowed_root`` only."""

    def __init__(self, allowed_root: Path) -> None:
        # WeasyPrint's fetch() reads the options of a URLFetcher, so this stays one; its
        # own opener (network, data:, any file) is never used: fetch() is replaced.
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.given = Path(os.path.abspath(allowed_root))
        self.root = allowed_root.resolve(strict=True)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = self.path_of(url)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})

    def path_of(self, url: str) -> Path:
        """The file ``url`` names, or :class:`RefusedUrl` if it is not one we serve."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file":
            raise RefusedUrl(f"{url}: only files in {self.root} are read, not {parts.scheme}: URLs")
        if parts.netloc not in ("", "localhost"):
            raise RefusedUrl(f"{url}: a file URL on another host ({parts.netloc})")
        # normpath removes "..", so what is left can be compared with the folder as text.
        lexical = Path(os.path.normpath(url2pathname(parts.path)))
        for root in (self.root, self.given):
            if lexical.is_absolute() and lexical.is_relative_to(root):
                inside = self.root / lexical.relative_to(root)
                break
        else:
            raise RefusedUrl(f"{url}: outside {self.root}")
        # Resolving changes the path only if some part of it below the folder is a
        # symlink, and a symlink may point anywhere: refuse them all.
        if inside.resolve() != inside:
            raise RefusedUrl(f"{url}: a symlink in {self.root}")
        if not inside.is_file():
            raise RefusedUrl(f"{url}: no such file in {self.root}")
        return inside


def make_fetcher(allowed_root: Path) -> FolderFetcher:
    """A URL fetcher for WeasyPrint that serves files inside ``allowed_root`` and nothing else.

    Example: ``HTML(string=html, base_url=str(root), url_fetcher=make_fetcher(root / "docs"))``.
    """
    return FolderFetcher(allowed_root)


def drop_attachments(document: Any) -> None:
    """Remove every file a rendered WeasyPrint document would embed in its PDF.

    ``<link rel="attachment">`` lands in the metadata and ``<a rel="attachment">`` in the
    page links; both would be fetched and embedded when the PDF is written.
    """
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
