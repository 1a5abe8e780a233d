"""End-to-end journeys in a real browser (Debian's Chromium driven by Playwright), and
accessibility checks with axe-core, on the built sample site served from 127.0.0.1.

Every test fails if the page asks anything of another host. A failing test leaves a
screenshot in tests/artifacts/.

The tests act as a person does (click, type) and wait for what the page shows with
Playwright's retrying ``expect`` assertions, never with sleeps: a page that loads
something in the background (Material's search index) is given the time it needs.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import re
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from masterplan.model import Masterplan
from masterplan.views import page_url

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

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
# Material's search box says "Mempersiapkan pencarian" until its web worker holds the
# index (search/search_index.json), then this.
SEARCH_READY = "Ketik untuk mulai pencarian"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A test that is done closes its tab while the page may still load the search
        # index: the browser then drops the connection. Anything else is a real error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """A built site served on a free port of 127.0.0.1; its address."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()


def screenshot(tab: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@contextlib.contextmanager
def watched_tab(
    browser: Any, allowed: str, name: str, *, width: int = 1280, height: int = 800
) -> Iterator[Any]:
    """A tab that fails the test if the page asks anything of a host outside ``allowed``,
    and leaves a screenshot ``name`` in tests/artifacts/ when what it ran raised."""
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    outside: list[str] = []
    tab.on(
        "request",
        lambda r: None if r.url.startswith((allowed, "data:", "blob:", "about:")) else outside.append(r.url),
    )
    try:
        yield tab
    except Exception:
        screenshot(tab, name)
        raise
    finally:
        context.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"


@pytest.fixture(scope="module")
def server(sample_site: tuple[Path, Masterplan]) -> Iterator[str]:
    site, _ = sample_site
    with serve_folder(site) as address:
        yield address


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
    with watched_tab(browser, server, request.node.name) as tab:
        yield tab
        # A failing test does not raise here, in its fixture: pytest reports it.
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            screenshot(tab, request.node.name)


def test_home_to_dimension_to_programme_to_lead_opd(
    page: Any, server: str, sample_site: tuple[Path, Masterplan]
) -> None:
    _, plan = sample_site
    program = next(p for p in plan.programs if p.id == "LIV-03")
    lead = plan.opd(program.lead)
    assert lead is not None
    page.goto(server)
    page.get_by_role("link", name=re.compile("Smart Living")).first.click()
    heading = page.locator("h1")
    expect(heading).to_have_text(re.compile(r"^Smart Living"))
    page.locator("table.mp-programs").get_by_role("link", name=program.title).click()
    expect(heading).to_have_text(f"{program.id} {program.title}")
    page.locator(".mp-facts").get_by_role("link", name=re.compile(re.escape(lead.name))).first.click()
    expect(heading).to_have_text(f"{lead.short}: {lead.name}")
    expect(page.locator(f"td:text-is('{program.id}')").first).to_be_visible()


@pytest.mark.parametrize("index", ["loaded", "still loading"])
def test_search_finds_a_programme_by_a_word_of_its_title(page: Any, server: str, index: str) -> None:
    # Material reads the query on keyup (fill() sends none, so a query filled after the
    # index was ready was never searched) and sends the latest query to its worker once
    # the index is loaded: typing works before and after. "still loading" holds the index
    # back until the word is typed, so both orders are tested every run.
    held: list[Any] = []
    if index == "still loading":
        page.route("**/search/search_index.json", lambda route: held.append(route))
    page.goto(server)
    box = page.get_by_role("textbox", name="Cari")
    box.click()
    meta = page.locator(".md-search-result__meta")
    if index == "loaded":
        expect(meta).to_have_text(SEARCH_READY, timeout=15000)
    box.press_sequentially("ayopromo", delay=20)
    if index == "still loading":
        expect(meta).to_have_text("Mempersiapkan pencarian")
        assert len(held) == 1, "the index request was not held back"
        held[0].continue_()
    result = page.locator(".md-search-result__item").filter(
        has_text="Platform Promosi UMKM Digital (ayopromo)"
    )
    expect(result.first).to_be_visible(timeout=15000)


def test_catalogue_filters_by_opd(page: Any, server: str, sample_site: tuple[Path, Masterplan]) -> None:
    _, plan = sample_site
    page.goto(server + "program/")
    total = len(plan.programs)
    rows = page.locator("#mp-catalogue tbody tr")
    count = page.locator(".mp-count")
    expect(rows).to_have_count(total)
    expect(count).to_have_text(f"{total} dari {total} program ditampilkan")
    # katalog.js turns the column headings into sort buttons after binding the filters,
    # in the same run: once a heading is a button, choosing an OPD filters.
    expect(page.get_by_role("button", name="Kode")).to_be_visible()
    page.locator("select[data-filter=opd]").select_option("dishub")
    involved = [p for p in plan.programs if p.lead == "dishub" or "dishub" in p.support]
    expect(count).to_have_text(f"{len(involved)} dari {total} program ditampilkan")
    expect(page.locator("#mp-catalogue tbody tr:visible")).to_have_count(len(involved))


def test_edit_and_feedback_links_point_at_the_right_files(
    page: Any, server: str, sample_site: tuple[Path, Masterplan]
) -> None:
    _, plan = sample_site
    program = plan.programs[0]
    page.goto(server + page_url(program.path))
    expect(page.locator("a.md-content__button").first).to_have_attribute(
        "href", f"https://github.com/smartcity-wonosobo/masterplan/edit/main/{program.path}"
    )
    feedback = page.get_by_role("link", name="Beri masukan")
    expect(feedback).to_have_attribute(
        "href", re.compile(r"^https://github\.com/smartcity-wonosobo/masterplan/issues/new\?")
    )
    expect(feedback).to_have_attribute("href", re.compile(r"template=masukan-program\.yml"))
    expect(feedback).to_have_attribute("href", re.compile(rf"program={re.escape(program.id)}%20"))


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
    "capaian/",
    "evaluasi/",
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
    "capaian/",
    "evaluasi/",
    "peta-jalan/",
    "rpjmd/",
]


@pytest.mark.parametrize("path", AXE_PAGES)
def test_no_wcag_a_or_aa_violations(page: Any, server: str, path: str) -> None:
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: run scripts/bootstrap (npm ci)")
    page.goto(server + path)
    # The print edition lays out only the chapters near the viewport (content-visibility);
    # axe hit-tests the skipped ones wrongly and reports false contrast failures
    # (dequelabs/axe-core#2768). Lay everything out, as scrolling does, then check.
    page.add_style_tag(content="* { content-visibility: visible !important; }")
    page.add_script_tag(path=str(AXE))
    # The print edition repeats one programme template per programme (46 in the sample,
    # each page of which axe checks elsewhere): the first three of each run of them are
    # checked here, which keeps the page's own structure in and 20 s of the suite out.
    repeated = ".mp-book-program ~ .mp-book-program ~ .mp-book-program ~ .mp-book-program"
    result = page.evaluate(
        "(repeated) => axe.run({include: [['html']], exclude: [[repeated]]}, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})",
        repeated,
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
    # Count the search index and its worker too: they load after the page, and network
    # idle alone sometimes came before they were asked for.
    expect(tab.locator(".md-search-result__meta")).to_have_text(SEARCH_READY, timeout=15000)
    context.close()
    total = sum(sizes.values())
    assert total <= 300 * 1024, f"{path}: {total / 1024:.0f} KB over {len(sizes)} files"
