"""Real `mkdocs build --strict` runs: the bundled sample, and test plans that are broken
or hostile. Asserts what the generated pages contain, as a citizen's browser gets them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, build_site
from masterplan import fmt
from masterplan.commands.synth import copy_site_files, write_plan
from masterplan.model import Masterplan
from masterplan.outputs import exports
from masterplan.views import page_url


@pytest.fixture(scope="module")
def sample(sample_site: tuple[Path, Masterplan]) -> tuple[Path, Masterplan]:
    return sample_site


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_home_shows_vision_missions_and_figures_from_the_model(sample: tuple[Path, Masterplan]) -> None:
    site, plan = sample
    home = read(site, "")
    assert '<html lang="id"' in home
    assert plan.info.vision in home
    for mission in plan.info.missions:
        assert mission in home
    quick_wins = [p for p in plan.programs if p.quick_win]
    assert f"<strong>{len(plan.programs)}</strong> program" in home
    assert f"<strong>{len(quick_wins)}</strong> quick win" in home
    assert f"<strong>{fmt.rupiah_words(plan.total_budget)}</strong> anggaran indikatif" in home
    assert f"<strong>{len(plan.involved_opds)}</strong> OPD terlibat" in home
    assert "Contoh ilustrasi." in home


def test_every_programme_page_has_its_panel_and_edit_link(sample: tuple[Path, Masterplan]) -> None:
    site, plan = sample
    for program in plan.programs:
        page = read(site, page_url(program.path))
        assert f'<span class="mp-badge mp-id">{program.id}</span>' in page
        assert fmt.rupiah(program.total_budget) in page if program.budget else True
        lead = plan.opd(program.lead)
        assert lead is not None and lead.short in page
        edit = f"https://github.com/smartcity-wonosobo/masterplan/edit/main/{program.path}"
        assert f'href="{edit}"' in page
        assert "Contoh ilustrasi." in page


def test_dimension_pages_list_their_programmes(sample: tuple[Path, Masterplan]) -> None:
    site, plan = sample
    for dimension in plan.dimensions:
        page = read(site, f"dimensi/{dimension.key}")
        for element in dimension.elements:
            assert element.name in page
        assert "Analisis SWOT" in page and "Analisis kesiapan" in page and "Strategi" in page
        listed = set(re.findall(r"<td>([A-Z]{3}-\d+)</td>", page))
        assert listed == {p.id for p in plan.programs_of(dimension.key)}


def test_programme_pages_are_not_in_the_navigation(sample: tuple[Path, Masterplan]) -> None:
    site, plan = sample
    for url in ("tentang", "dimensi/living", page_url(plan.programs[0].path)):
        page = read(site, url)
        nav = page.split('<nav class="md-nav md-nav--primary"')[1].split('<div class="md-content"')[0]
        assert 'society/"' in nav  # the section is there (links are relative)
        assert not any(page_url(p.path) in nav for p in plan.programs), url


def test_search_finds_a_programme_by_its_title(sample: tuple[Path, Masterplan]) -> None:
    site, plan = sample
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    titles = {doc["title"] for doc in index["docs"]}
    for program in plan.programs:
        assert any(program.title in title for title in titles), program.title


def test_the_site_requests_nothing_from_another_host(sample: tuple[Path, Masterplan]) -> None:
    site, _ = sample
    for path in site.rglob("*"):
        if path.suffix not in {".html", ".css", ".js"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        # Things a browser fetches by itself: scripts, styles, fonts, images, preconnects.
        for match in re.finditer(r"<(script|link|img|iframe|source)\b[^>]*>", text):
            tag = match.group(0)
            if 'rel="canonical"' in tag or 'rel="alternate"' in tag:
                continue
            assert not re.search(r'(src|href)="(https?:)?//', tag), f"{path}: {tag}"
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, path


def test_strict_build_fails_on_a_validation_problem(site_repo: Path) -> None:
    page = site_repo / "docs/program/living/alat-bantu.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("lead: dishub", "lead: dishubb"), encoding="utf-8"
    )
    result = build_site(site_repo)
    assert result.returncode != 0
    assert "[unknown-opd] lead: OPD `dishubb` tidak ada di data/opd.yml." in result.stderr
    assert "Traceback" not in result.stderr


def test_hostile_page_is_inert_in_a_non_strict_build(site_repo: Path) -> None:
    page = site_repo / "docs/program/living/alat-bantu.md"
    text = page.read_text(encoding="utf-8")
    text = text.replace("progress: 40", "progress: 40\nrender_macros: true")
    text = text.replace(
        "title: Alat Bantu Disabilitas di Angkutan Umum", 'title: "<script>alert(1)</script>"'
    )
    text += "\n<img src=x onerror=alert(1)> {{ config.site_name }} [x](javascript:alert(1))\n"
    page.write_text(text, encoding="utf-8")
    result = build_site(site_repo, strict=False)
    assert result.returncode == 0, result.stderr
    html = read(site_repo / "site", "program/living/alat-bantu")
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert 'href="javascript' not in html
    assert "{{ config.site_name }}" in html  # shown as text, never rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_project_pages_render_macros_in_a_sandbox(site_repo: Path) -> None:
    (site_repo / "docs/tentang.md").write_text(
        "---\nrender_macros: true\n---\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8"
    )
    result = build_site(site_repo)
    assert result.returncode != 0
    assert "SecurityError" in result.stderr


def test_undefined_names_in_project_pages_fail_the_build(site_repo: Path) -> None:
    (site_repo / "docs/tentang.md").write_text(
        "---\nrender_macros: true\n---\n{{ tidak_ada() }}\n", encoding="utf-8"
    )
    assert build_site(site_repo).returncode != 0


def test_every_opd_gets_a_page_even_without_programmes(site_repo: Path) -> None:
    result = build_site(site_repo)
    assert result.returncode == 0, result.stderr
    site = site_repo / "site"
    for key in ("diskominfo", "dishub", "dinsos", "bappeda", "dlh"):
        assert (site / "opd" / key / "index.html").is_file(), key
    dlh = read(site, "opd/dlh")
    assert "<title>DLH: Dinas Lingkungan Hidup" in dlh
    assert "belum tercantum sebagai pengampu maupun pendukung program mana pun" in dlh
    matrix = read(site, "matriks")
    assert 'href="../opd/dlh/"' in matrix


def test_a_300_programme_plan_builds_with_every_view(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    copy_site_files(ROOT, repo)
    write_plan(SAMPLE, repo, programs=300, opds=25)
    result = build_site(repo)
    assert result.returncode == 0, result.stderr
    site = repo / "site"
    catalogue = read(site, "program")
    assert catalogue.count("<tr data-dimension=") == 300
    assert len(list((site / "program").glob("*/*/index.html"))) == 300
    assert len(list((site / "opd").glob("*/index.html"))) == 25
    roadmap = read(site, "peta-jalan")
    assert roadmap.count('<th scope="row"><a href=') == 300
    assert "masterplan:" not in catalogue + roadmap  # every slot was filled


def test_site_publishes_open_data_and_the_print_edition(sample: tuple[Path, Masterplan]) -> None:
    site, plan = sample
    files = exports.export(plan)
    for name, data in files.items():
        assert (site / "data" / name).read_bytes() == data
    downloads = read(site, "unduh")
    for name in files:
        assert f'href="../data/{name}"' in downloads
    book = read(site, "cetak")
    for program in plan.programs:
        assert f'id="prog-{program.id}"' in book
    assert "masterplan:deferred" not in book


def test_every_page_has_a_meta_description(sample: tuple[Path, Masterplan]) -> None:
    site, plan = sample
    pages = list(site.rglob("*.html"))
    assert len(pages) > len(plan.programs)
    for path in pages:
        match = re.search(r'<meta name="description" content="([^"]+)"', path.read_text(encoding="utf-8"))
        assert match and len(match.group(1)) > 20, path
    program = read(site, page_url(plan.programs[0].path))
    assert f'<meta name="description" content="Program {plan.programs[0].id} ' in program


def test_search_index_holds_what_citizens_search_for(sample: tuple[Path, Masterplan]) -> None:
    site, plan = sample
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert "panduan/" not in locations and "performa/" not in locations
    assert not any("Rp" in doc["text"] and "<table" in doc["text"] for doc in index["docs"])
    assert (site / "search/search_index.json").stat().st_size < 4000 * len(plan.programs)


def test_html_and_svg_files_among_staff_pages_are_not_published(site_repo: Path) -> None:
    folder = site_repo / "docs/program/living"
    (folder / "peta.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    (folder / "logo.svg").write_text("<svg onload='alert(1)'/>", encoding="utf-8")
    result = build_site(site_repo, strict=False)
    assert result.returncode == 0, result.stderr
    assert "[unsafe-file]" in result.stderr
    assert not (site_repo / "site/program/living/peta.html").exists()
    assert not (site_repo / "site/program/living/logo.svg").exists()
    assert build_site(site_repo).returncode != 0  # strict


def test_symlinks_and_unsafe_names_are_not_published(site_repo: Path) -> None:
    folder = site_repo / "docs/program/living"
    (folder / "rahasia.md").symlink_to("/etc/passwd")
    (folder / "sistem").symlink_to("/etc")
    (site_repo / "docs/assets/gaya.css").symlink_to("/etc/passwd")
    (folder / "Alat Baru.MD").write_text("---\nid: LIV-09\n---\n", encoding="utf-8")
    (folder / "foto-halte.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    result = build_site(site_repo, strict=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("[unsafe-file]") == 3 and "[bad-filename]" in result.stderr
    site = site_repo / "site"
    published = {p.relative_to(site).as_posix() for p in site.rglob("*")}
    assert not any("rahasia" in p or "sistem" in p or "gaya.css" in p or "Alat" in p for p in published)
    assert "program/living/foto-halte.png" in published  # a picture with a safe name is
    assert build_site(site_repo).returncode != 0  # strict


def test_the_site_builds_with_a_relative_config_path(site_repo: Path) -> None:
    # `mkdocs build -f mkdocs.yml` from the repository: the edge must not assume an
    # absolute path to the config file.
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", "mkdocs.yml", "-d", "site", "--strict"],
        capture_output=True,
        text=True,
        cwd=site_repo,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "LIV-01" in read(site_repo / "site", "program/living/alat-bantu")


def test_the_search_dialog_has_an_accessible_name(sample: tuple[Path, Masterplan]) -> None:
    site, _ = sample
    for url in ("", "program", "capaian"):
        page = read(site, url)
        assert page.count('role="dialog"') == 1
        assert 'role="dialog" aria-label="Cari di rencana induk"' in page, url


def test_serve_rebuilds_on_changes_to_data_and_templates(site_repo: Path) -> None:
    from masterplan.build.plugin import MasterplanPlugin
    from masterplan.views import TEMPLATES

    plugin = MasterplanPlugin()

    class Server:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    class Config:
        config_file_path = str(site_repo / "mkdocs.yml")

    server = Server()
    assert plugin.on_serve(server, Config(), None) is server
    assert server.watched == [str(site_repo / "data"), str(TEMPLATES)]


def test_serve_rebuilds_an_edited_programme_and_every_page_that_shows_it(site_repo: Path) -> None:
    """`scripts/serve` runs `mkdocs serve --dirty`: after a save, an unchanged programme
    page is kept, the edited one and every page aggregating the plan are rebuilt (only
    the print edition when the narrative alone changed), and a change to data/ rebuilds
    every programme page (they show OPD names)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = site_repo / "site"

    def rebuild(*, first: bool = False) -> None:
        config = load_config(str(site_repo / "mkdocs.yml"), site_dir=str(site))
        if first:
            config.plugins.on_startup(command="serve", dirty=True)
        build(config, dirty=True)

    def stamp(url: str) -> int:
        return (site / url / "index.html").stat().st_mtime_ns

    def entries(folder: Path) -> list[tuple[str, str]]:
        docs = json.loads((folder / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
        return sorted((d["location"], d["title"]) for d in docs)

    def edit(rel: str, old: str, new: str) -> None:
        path = site_repo / rel
        text = path.read_text(encoding="utf-8")
        assert old in text
        time.sleep(0.02)  # a new mtime, even on a coarse file system clock
        path.write_text(text.replace(old, new), encoding="utf-8")

    rebuild(first=True)
    edited, other = "program/living/alat-bantu", "program/economy/promosi-umkm"
    kept = stamp(other)
    # Pages that do not list the edited programme: another dimension, an OPD that
    # neither leads nor supports it.
    apart = {url: stamp(url) for url in ("dimensi/economy", "opd/dlh")}
    edit("docs/program/living/alat-bantu.md", "title: Alat Bantu", "title: Lift Kursi Roda dan Alat Bantu")
    rebuild()
    assert "Lift Kursi Roda dan Alat Bantu" in read(site, edited)
    for aggregate in ("program", "dimensi/living", "opd/dishub", "opd/dinsos", "cetak"):
        assert "Lift Kursi Roda dan Alat Bantu" in read(site, aggregate), aggregate
    assert stamp(other) == kept, "an unchanged programme page was rebuilt"
    assert {url: stamp(url) for url in apart} == apart, "a page that does not list the programme was rebuilt"
    assert "Lift Kursi Roda dan Alat Bantu" in (site / "data" / "programs.csv").read_text(encoding="utf-8")

    # Handing the programme to another OPD: the page of the one that led it and the page
    # of the one that leads it now both change.
    edit("docs/program/living/alat-bantu.md", "lead: dishub", "lead: dlh")
    rebuild()
    assert "Lift Kursi Roda dan Alat Bantu" in read(site, "opd/dlh")
    assert "Lift Kursi Roda dan Alat Bantu" not in read(site, "opd/dishub")
    edit("docs/program/living/alat-bantu.md", "lead: dlh", "lead: dishub")
    rebuild()

    # A narrative alone: its page and the print edition show it; the pages made from
    # front matter only are kept.
    catalogue, opd = stamp("program"), stamp("opd/dishub")
    found = entries(site)
    assert ("", "Masterplan Smart City") in found
    edit("docs/program/living/alat-bantu.md", "Memasang alat bantu.", "Memasang lift kursi roda.")
    rebuild()
    assert "Memasang lift kursi roda." in read(site, edited)
    assert "Memasang lift kursi roda." in read(site, "cetak")
    assert (stamp("program"), stamp("opd/dishub")) == (catalogue, opd)
    # Search still finds every page it found, the home page too (its URL is "./" in the
    # list of files and "" in the index).
    assert entries(site) == found

    edit("data/opd.yml", "name: Dinas Perhubungan,", "name: Dinas Perhubungan dan Jalan,")
    rebuild()
    assert "Dinas Perhubungan dan Jalan" in read(site, edited)
    assert stamp(other) != kept, "a change to data/ must rebuild every programme page"
    (site_repo / "docs/program/society/ruang-belajar.md").unlink()
    rebuild()

    # Search finds every page once, and not the deleted one, as after a full build.
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", "mkdocs.yml", "-d", str(site_repo / "full")],
        cwd=site_repo,
        check=True,
        capture_output=True,
    )

    assert entries(site) == entries(site_repo / "full")
    assert not any(location.startswith("program/society/") for location, _ in entries(site))
    assert "lift kursi roda" in (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert (
        "program/living/alat-bantu/",
        "LIV-01 Lift Kursi Roda dan Alat Bantu Disabilitas di Angkutan Umum",
    ) in entries(site)


def test_a_build_in_process_leaves_the_cycle_collector_as_it_found_it(site_repo: Path) -> None:
    """A build puts off Python's full collections until it ends (see
    masterplan.build.plugin); a process that builds (tests, tools, `mkdocs serve`) must get
    them back, also when the build fails."""
    import gc

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, PluginError

    from masterplan.build.plugin import FULL_COLLECTION_DEFERRED

    build(load_config(str(site_repo / "mkdocs.yml"), site_dir=str(site_repo / "site")))
    assert (site_repo / "site" / "index.html").is_file()
    assert gc.get_threshold()[2] != FULL_COLLECTION_DEFERRED

    (site_repo / "data" / "plan.yml").write_text("info: [tidak, lengkap\n", encoding="utf-8")
    with pytest.raises((PluginError, Abort)):
        build(load_config(str(site_repo / "mkdocs.yml"), site_dir=str(site_repo / "site")))
    assert gc.get_threshold()[2] != FULL_COLLECTION_DEFERRED


def test_a_navigation_is_shared_only_by_pages_outside_it_in_one_folder() -> None:
    from masterplan.build.material_nav import shared_folder

    class Page:
        def __init__(self, url: str) -> None:
            self.url = url

    inside, outside, sibling = Page("anggaran/"), Page("program/living/a/"), Page("program/living/b/")
    targets = ["", "anggaran/", "program/", "program/living/"]
    in_nav = {id(inside)}
    assert shared_folder(inside, in_nav, targets) is None  # its item is active
    assert shared_folder(outside, in_nav, targets) == "/program/living/"
    assert shared_folder(sibling, in_nav, targets) == "/program/living/"
    # A link into the page's own folder is written "lampiran/" from it, "../a/lampiran/"
    # from its sibling: that page keeps its own rendering.
    into = [*targets, "program/living/a/lampiran/"]
    assert shared_folder(outside, in_nav, into) is None
    assert shared_folder(sibling, in_nav, into) == "/program/living/"
    assert shared_folder(Page("program/living/a.html"), in_nav, targets) is None
    assert shared_folder(None, in_nav, targets) is None  # the 404 page


def test_pages_share_renderings_of_the_navigation_and_search_box_and_the_site_is_the_same(
    site_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Material's navigation is rendered once per folder for the programme pages (a
    quarter of a large build), its search box once, and the site is byte for byte the
    one rendered page by page."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    monkeypatch.setenv("MASTERPLAN_CACHE", "0")

    def built(name: str, *, shared: bool) -> tuple[dict[str, bytes], dict[str, str]]:
        config = load_config(str(site_repo / "mkdocs.yml"), site_dir=str(site_repo / name))
        plugin = config.plugins["macros/hooks.py"].plugin
        monkeypatch.setitem(plugin.config, "share_navigation", shared)
        plugin.shared = {}
        build(config)
        site = site_repo / name
        files = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
        return files, plugin.shared

    shared, renderings = built("shared", shared=True)
    navigations = renderings["partials/nav.html"]
    assert list(renderings["partials/search.html"]) == [""], "one search box for every page"
    alone, _ = built("alone", shared=False)
    assert shared.keys() == alone.keys()
    assert [name for name in shared if shared[name] != alone[name]] == []
    pages = [name for name in shared if name.endswith("/index.html")]
    programs = {n.rsplit("/", 2)[0] for n in pages if n.count("/") == 3 and n.startswith("program/")}
    assert {f"/{folder}/" for folder in programs} <= navigations.keys()
    sharing = [name for name in pages if "/" + name.rsplit("/", 2)[0] + "/" in navigations]
    assert len(sharing) > len(navigations), "some pages took a rendering made for another"
    page = shared["program/living/alat-bantu/index.html"].decode()
    assert 'class="md-nav md-nav--primary' in page and "../../../anggaran/" in page


def test_the_build_log_escapes_contributor_text_as_validate_does(site_repo: Path) -> None:
    """A dimension key in data/evaluations.yml is printed in the build's warnings: a
    terminal escape or a GitHub Actions workflow command in it stays inert text."""
    evaluations = site_repo / "data/evaluations.yml"
    text = evaluations.read_text(encoding="utf-8")
    hostile = '"::error file=README.md::palsu\\n::add-mask::rahasia": 2.0, "\\e[31mmerah": 1.0, '
    evaluations.write_text(text.replace("dimensions: {", "dimensions: {" + hostile, 1), encoding="utf-8")
    result = build_site(site_repo, strict=False)
    log = result.stderr
    assert "[unknown-dimension]" in log or "[bad-value]" in log or "evaluations.yml" in log, log
    assert "\x1b" not in log, "a terminal escape reached the log"
    lines = log.split("\n")
    assert not [line for line in lines if line.lstrip().startswith(("::", "##["))]
    assert "::error" not in log and "::add-mask::" not in log
    assert ":\u200b:error" in log, "the key is shown, made inert"


def test_readers_see_indonesian_and_no_developer_page_and_the_log_no_page_list(site_repo: Path) -> None:
    """The footer credits the theme in Indonesian, the build-performance page for
    developers is not published, and the build does not list every programme and OPD
    page as "not included in the nav" (they are reached from the catalogue)."""
    result = build_site(site_repo)
    assert result.returncode == 0, result.stderr
    site = site_repo / "site"
    home = read(site, "")
    assert "Made with" not in home and "Dibuat dengan" in home
    assert not (site / "performa").exists() and "Performa build" not in home
    assert "not included in the" not in result.stderr, result.stderr
    assert (site / "program/living/alat-bantu/index.html").is_file()
    assert (site / "opd/dishub/index.html").is_file()


def test_serve_prints_only_what_a_newcomer_needs(site_repo: Path) -> None:
    """`scripts/serve` builds with --dirty: no macros chatter, no warning about dirty
    builds (every aggregating page is rebuilt), no line per generated page."""
    built = build_site(site_repo, dirty=True)
    assert built.returncode == 0, built.stderr
    lines = [line for line in built.stderr.splitlines() if line.strip()]
    assert not [line for line in lines if "[macros]" in line or "dirty" in line], lines
    assert len(lines) <= 3, lines


def test_readers_see_no_english_interface_text(sample: tuple[Path, Masterplan]) -> None:
    """The theme's strings are Indonesian (footer, search, heading links); the credit to
    the theme is kept, in Indonesian, on /tentang/."""
    site, _ = sample
    english = ("Permanent link", "Made with", "Skip to content", "Back to top", "Initializing search",
               "Type to start searching", "Copy to clipboard", "Previous", "Next")  # fmt: skip
    for page in site.rglob("*.html"):
        if "admin" in page.relative_to(site).parts:
            continue  # the form has its own Indonesian locale (admin/locale-id.js)
        text = page.read_text("utf-8")
        found = [word for word in english if word in text]
        assert not found, f"{page.relative_to(site)}: {found}"
    assert "Material for MkDocs" in (site / "tentang/index.html").read_text("utf-8")
