"""End-to-end journeys in a real browser (Debian's Chromium driven by Playwright), and
accessibility checks with axe-core, on the built sample site served from 127.0.0.1.

Every test fails if the page asks anything of another host. A failing test leaves a
screenshot in tests/artifacts/.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from masterplan.model import Masterplan
from masterplan.render import page_url

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags for a sandboxed root user on a machine whose only network is loopback.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "node_modules/axe-core/axe.min.js"
ARTIFACTS = ROOT / "tests/artifacts"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server(sample_site: tuple[Path, Masterplan]) -> Iterator[str]:
    site, _ = sample_site
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: run scripts/bootstrap (installs Debian's chromium)")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, server: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    outside: list[str] = []

    def check(req: Any) -> None:
        if not req.url.startswith((server, "data:", "blob:", "about:")):
            outside.append(req.url)

    tab.on("request", check)
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"


def test_home_to_dimension_to_programme_to_lead_opd(
    page: Any, server: str, sample_site: tuple[Path, Masterplan]
) -> None:
    _, plan = sample_site
    program = next(p for p in plan.programs if p.id == "LIV-03")
    lead = plan.opd(program.lead)
    assert lead is not None
    page.goto(server)
    page.get_by_role("link", name=re.compile("Smart Living")).first.click()
    assert page.locator("h1").inner_text().startswith("Smart Living")
    page.locator("table.mp-programs").get_by_role("link", name=program.title).click()
    assert page.locator("h1").inner_text() == f"{program.id} {program.title}"
    page.locator(".mp-facts").get_by_role("link", name=re.compile(re.escape(lead.name))).first.click()
    assert page.locator("h1").inner_text() == f"{lead.short}: {lead.name}"
    assert page.locator(f"td:text-is('{program.id}')").count() >= 1


def test_search_finds_a_programme_by_a_word_of_its_title(page: Any, server: str) -> None:
    page.goto(server)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").fill("ayopromo")
    result = page.locator(".md-search-result__item").first
    result.wait_for(timeout=15000)
    assert "Platform Promosi UMKM Digital (ayopromo)" in result.inner_text()


def test_catalogue_filters_by_opd(page: Any, server: str, sample_site: tuple[Path, Masterplan]) -> None:
    _, plan = sample_site
    page.goto(server + "program/")
    rows = page.locator("#mp-catalogue tbody tr")
    assert rows.count() == len(plan.programs)
    page.select_option("select[data-filter=opd]", "dishub")
    involved = [p for p in plan.programs if p.lead == "dishub" or "dishub" in p.support]
    assert page.locator("#mp-catalogue tbody tr:visible").count() == len(involved)
    assert (
        page.locator(".mp-count").inner_text()
        == f"{len(involved)} dari {len(plan.programs)} program ditampilkan"
    )


def test_edit_and_feedback_links_point_at_the_right_files(
    page: Any, server: str, sample_site: tuple[Path, Masterplan]
) -> None:
    _, plan = sample_site
    program = plan.programs[0]
    page.goto(server + page_url(program.path))
    edit = page.locator("a.md-content__button").first.get_attribute("href")
    assert edit == f"https://github.com/smartcity-wonosobo/masterplan/edit/main/{program.path}"
    feedback = page.get_by_role("link", name="Beri masukan").get_attribute("href")
    assert feedback.startswith("https://github.com/smartcity-wonosobo/masterplan/issues/new?")
    assert "template=masukan-program.yml" in feedback and f"program={program.id}%20" in feedback


PAGES = [
    "",
    "dimensi/living/",
    "program/living/alat-bantu-disabilitas-di-angkutan-umum/",
    "opd/dishub/",
    "program/",
    "matriks/",
    "peta-jalan/",
    "anggaran/",
    "progres/",
    "rpjmd/",
    "quick-win/",
    "unduh/",
    "cetak/",
    "panduan/",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(page: Any, server: str, path: str) -> None:
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(server + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} is {width}px wide at 360px"


AXE_PAGES = [
    "",
    "dimensi/living/",
    "program/living/alat-bantu-disabilitas-di-angkutan-umum/",
    "opd/dishub/",
    "program/",
    "matriks/",
    "cetak/",
    "anggaran/",
    "progres/",
    "peta-jalan/",
    "rpjmd/",
]


@pytest.mark.parametrize("path", AXE_PAGES)
def test_no_wcag_a_or_aa_violations(page: Any, server: str, path: str) -> None:
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: run scripts/bootstrap (npm ci)")
    page.goto(server + path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    problems = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
        for v in result["violations"]
    ]
    assert problems == []


@pytest.mark.parametrize(
    "path", ["", "program/living/alat-bantu-disabilitas-di-angkutan-umum/", "program/", "cetak/"]
)
def test_first_visit_transfers_at_most_300_kb_compressed(browser: Any, server: str, path: str) -> None:
    context = browser.new_context()  # empty cache: a first visit
    tab = context.new_page()
    sizes: dict[str, int] = {}

    def record(response: Any) -> None:
        # Redirects and aborted requests have no body; a server would gzip the rest.
        with contextlib.suppress(playwright_api.Error):
            sizes[response.url] = len(gzip.compress(response.body(), 6))

    tab.on("response", record)
    tab.goto(server + path, wait_until="networkidle")
    context.close()
    total = sum(sizes.values())
    assert total <= 300 * 1024, f"{path}: {total / 1024:.0f} KB over {len(sizes)} files"
