"""The print edition reads files of the docs folder only: no other file, no network, no
data: URI, and it embeds no attachment."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from masterplan.outputs import book
from masterplan.outputs.pdf_fetch import RefusedUrl, make_fetcher

SECRET = "mp-secret-4f1c9e"  # text of files the PDF must never hold


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A repository whose docs/ holds a page and an image, beside a secret file."""
    repo = tmp_path / "repo"
    docs = repo / "docs"
    (docs / "assets").mkdir(parents=True)
    (docs / "page.md").write_text("# Halaman\n", encoding="utf-8")
    Image.new("RGB", (4, 4), "red").save(docs / "assets/dot.png")
    (repo / "secret.txt").write_text(SECRET, encoding="utf-8")
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (docs / "link.txt").symlink_to(tmp_path / "secret.txt")
    (docs / "inside-link.md").symlink_to(docs / "page.md")
    (docs / "folder-link").symlink_to(tmp_path, target_is_directory=True)
    return repo


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://{docs}/../secret.txt",
        "file://{docs}/assets/../../../secret.txt",
        "file://{docs}/link.txt",
        "file://{docs}/inside-link.md",
        "file://{docs}/folder-link/secret.txt",
        "file://{docs}/assets",
        "file://{docs}/missing.png",
        "file://other-host{docs}/page.md",
        "http://127.0.0.1:1/x",
        "https://example.com/x",
        "ftp://example.com/x",
        "data:text/plain,mp-secret",
        "data:image/png;base64,iVBORw0KGgo=",
    ],
)
def test_refuses_everything_but_a_regular_file_in_the_folder(root: Path, url: str) -> None:
    fetcher = make_fetcher(root / "docs")
    with pytest.raises(RefusedUrl):
        fetcher(url.format(docs=root / "docs"))


def test_serves_a_file_in_the_folder(root: Path) -> None:
    fetcher = make_fetcher(root / "docs")
    response = fetcher((root / "docs/page.md").as_uri())
    assert response.read() == b"# Halaman\n"
    image = fetcher(f"file://{root}/docs/assets/./dot.png")
    assert image.content_type == "image/png"
    assert image.read() == (root / "docs/assets/dot.png").read_bytes()


def test_serves_the_folder_when_it_is_named_through_a_symlink(root: Path, tmp_path: Path) -> None:
    # The repository may sit behind a symlink (/home/x/masterplan -> /srv/...): that is
    # the folder's own path, not a symlink inside it.
    alias = tmp_path / "alias"
    alias.symlink_to(root, target_is_directory=True)
    response = make_fetcher(alias / "docs")((alias / "docs/page.md").as_uri())
    assert response.read() == b"# Halaman\n"


HOSTILE = """<!doctype html>
<html><head>
<link rel="stylesheet" href="file:///etc/passwd">
<link rel="stylesheet" href="secret.txt">
<link rel="attachment" href="file:///etc/passwd">
<link rel="attachment" href="docs/page.md">
<style>body { background: url("../secret.txt"); }</style>
</head><body>
<h1>Buku</h1>
<img src="file:///etc/passwd" alt="a">
<img src="docs/link.txt" alt="b">
<img src="docs/../../secret.txt" alt="c">
<img src="http://127.0.0.1:1/x.png" alt="d">
<img src="docs/assets/dot.png" alt="e">
<a rel="attachment" href="docs/page.md">lampiran</a>
<object data="file:///etc/passwd"></object>
<embed src="file:///etc/passwd">
</body></html>
"""


def pdf_bytes(reader: PdfReader) -> bytes:
    """Every object of the PDF, streams decompressed."""
    chunks = []
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # free entries of the cross-reference table
            continue
        chunks.append(obj.get_data() if hasattr(obj, "get_data") else repr(obj).encode())
    return b"\n".join(chunks)


def test_pdf_of_hostile_html_holds_nothing_from_outside(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Through the real write_pdf, with the book's HTML replaced by a hostile document.
    monkeypatch.setattr(book, "pdf_html", lambda *args: HOSTILE)
    out = tmp_path / "buku.pdf"
    nothing: Any = None
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        assert book.write_pdf(nothing, nothing, root, out) == 1
    reader = PdfReader(str(out))
    assert "Buku" in reader.pages[0].extract_text()
    assert reader.attachments == {}
    # The one image of the folder is served; the others are left out.
    assert len(reader.pages[0].images) == 1
    content = pdf_bytes(reader)
    passwd = Path("/etc/passwd").read_bytes().splitlines()[0]
    assert passwd not in content
    assert SECRET.encode() not in content
    assert b"# Halaman" not in content
    refused = caplog.text
    assert "RefusedUrl" in refused and "file:///etc/passwd" in refused
    assert "http://127.0.0.1:1/x.png" in refused
