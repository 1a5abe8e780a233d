"""Checks of a built site, for ``masterplan check``: what a reader would hit.

- every internal link and resource points at a file the site has;
- no page loads anything from another host (scripts, styles, images, frames, fonts);
- the money adds up: the open data's budget and spending lines sum to each programme's
  totals and to the plan's, and the budget page prints the plan's total.

Plain Python over the files MkDocs wrote: no theme or MkDocs knowledge beyond "a folder
of HTML with directory URLs".
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import fmt
from ..model import Masterplan

#: Attributes that make the browser fetch something when the page loads.
LOADS = {
    ("script", "src"),
    ("img", "src"),
    ("iframe", "src"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
}
#: ``<link rel=...>`` kinds that are fetched (not mere relations such as canonical).
FETCHED_LINKS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch", "apple-touch-icon"}
#: Files the publishing workflow adds after the build (`masterplan pdf --out site/...`).
ADDED_AFTER_BUILD = {"masterplan.pdf"}
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    page: str
    message: str


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.loads: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        if tag == "link" and "href" in values:
            rel = set(values.get("rel", "").lower().split())
            (self.loads if rel & FETCHED_LINKS else self.links).append(values["href"])
        for t, attr in LOADS:
            if tag == t and attr in values:
                self.loads.append(values[attr])


def _external(url: str) -> bool:
    return bool(urlsplit(url).netloc) or url.startswith("//")


def _target(site: Path, page: str, url: str, root_path: str) -> Path | None:
    """The file a URL on ``page`` names, or None for other hosts, schemes and anchors.
    ``root_path`` is where the site is served (``/`` or ``/<repo>/`` on GitHub Pages):
    the theme's 404 page links from it."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    if parts.path.startswith("/"):
        if not parts.path.startswith(root_path):
            return site / "__outside__"
        path = posixpath.normpath(unquote(parts.path[len(root_path) :]) or ".")
    else:
        base = posixpath.dirname(page)
        path = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
    if path in ADDED_AFTER_BUILD:
        return None
    if path.startswith("../") or path == "..":
        return site / "__outside__"
    target = site / path
    if url.split("#")[0].split("?")[0].endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def check_pages(site: Path, *, site_url: str = "") -> list[Finding]:
    findings: list[Finding] = []
    root_path = urlsplit(site_url).path or "/"
    root_path = root_path if root_path.endswith("/") else root_path + "/"
    for html in sorted(site.rglob("*.html")):
        page = html.relative_to(site).as_posix()
        refs = _Refs()
        refs.feed(html.read_text(encoding="utf-8", errors="replace"))
        for url in refs.loads:
            if _external(url):
                findings.append(Finding(page, f"memuat sumber dari host lain: {url}"))
        for url in refs.links + refs.loads:
            target = _target(site, page, url, root_path)
            if target is not None and not target.is_file():
                findings.append(Finding(page, f"tautan rusak: {url}"))
    for css in sorted(site.rglob("*.css")):
        for match in CSS_URL.finditer(css.read_text(encoding="utf-8", errors="replace")):
            findings.append(
                Finding(css.relative_to(site).as_posix(), f"memuat sumber dari host lain: {match[1]}")
            )
    return findings


def check_money(site: Path, plan: Masterplan) -> list[Finding]:
    """The published figures against the model, which the validator has checked."""
    findings: list[Finding] = []
    data = site / "data"
    budget = json.loads((data / "budget.json").read_text(encoding="utf-8"))
    spending = json.loads((data / "spending.json").read_text(encoding="utf-8"))
    programs = {p["id"]: p for p in json.loads((data / "programs.json").read_text(encoding="utf-8"))}
    for program in plan.programs:
        row = programs.get(program.id)
        if row is None:
            findings.append(Finding("data/programs.json", f"{program.id} tidak ada di data terbuka"))
            continue
        lines = sum(b["jumlah"] for b in budget if b["id_program"] == program.id)
        if not (lines == row["anggaran_total"] == program.total_budget):
            findings.append(
                Finding(
                    "data/budget.json",
                    f"{program.id}: baris anggaran {fmt.rupiah(lines)}, total program "
                    f"{fmt.rupiah(row['anggaran_total'])}, rencana {fmt.rupiah(program.total_budget)}",
                )
            )
        spent = sum(s["realisasi"] or 0 for s in spending if s["id_program"] == program.id)
        if not (spent == (row["realisasi_total"] or 0) == program.total_spending):
            findings.append(
                Finding("data/spending.json", f"{program.id}: realisasi tidak sama dengan totalnya")
            )
    # The plan's total leaves cancelled programmes out; their lines stay in the open data.
    total = sum(b["jumlah"] for b in budget if programs.get(b["id_program"], {}).get("status") != "cancelled")
    if total != plan.total_budget:
        findings.append(
            Finding(
                "data/budget.json",
                f"jumlah {fmt.rupiah(total)} ≠ total rencana {fmt.rupiah(plan.total_budget)}",
            )
        )
    page = site / "anggaran" / "index.html"
    # A plan without budget yet shows an empty state, not "Rp0".
    shown = page.read_text(encoding="utf-8") if page.is_file() else ""
    if plan.total_budget and shown and fmt.rupiah(plan.total_budget) not in shown:
        findings.append(
            Finding("anggaran/index.html", f"total {fmt.rupiah(plan.total_budget)} tidak tercantum")
        )
    return findings


#: Words the starting templates put where a region must write its own (``adopt`` and ``new
#: program``): a page still holding them is not ready for citizens.
PLACEHOLDER_MARKS = ("(belum diisi)", "Belum dinilai", "Belum ditulis.")


def _template_lines() -> frozenset[str]:
    """The sentences of the templates a new programme or dimension page starts with."""
    from ..outputs.layout import BODY
    from .adopt import DIMENSION_PAGE

    body = DIMENSION_PAGE.split("\n---\n", 1)[1]
    lines = (line.strip() for text in (BODY, body) for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def placeholders(root: Path, plan: Masterplan) -> list[Finding]:
    """Template text still in the plan, by file and line: sentences of the page templates,
    "(belum diisi)", "Belum dinilai", and a dimension page whose SWOT is empty."""
    template = _template_lines()
    pages = [page.path for page in plan.pages.values()]
    files = ["data/plan.yml", *(p.path for p in plan.programs), *pages]
    found: list[Finding] = []
    for rel in files:
        path = root / rel
        if not path.is_file() or path.is_symlink():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            text = line.strip()
            if text in template or any(mark in text for mark in PLACEHOLDER_MARKS):
                found.append(Finding(f"{rel}:{number}", f"teks templat belum diganti: {text[:80]}"))
    for page in plan.pages.values():
        swot = page.swot
        if not (swot.strengths or swot.weaknesses or swot.opportunities or swot.threats):
            at = page.meta.line(("swot",)) if page.meta is not None else None
            where = f"{page.path}:{at}" if at else page.path
            found.append(Finding(where, "analisis SWOT masih kosong"))
    return found
