"""Where MkDocs publishes a page: the URLs every stage that writes a link agrees on."""

from __future__ import annotations

from urllib.parse import quote


def page_url(src: str) -> str:
    """Site URL (relative to the site root) of a docs file, as MkDocs writes it.

    ``docs/program/living/alat-bantu.md`` -> ``program/living/alat-bantu/``.
    """
    rel = src.removeprefix("docs/").removesuffix(".md")
    rel = rel.removesuffix("index") if rel == "index" or rel.endswith("/index") else rel + "/"
    return quote(rel)


def dimension_url(key: str) -> str:
    return f"dimensi/{quote(key)}/"
