"""The disk cache (:mod:`masterplan.diskcache`): a second command reuses what the first
worked out from each page, and never a result that is stale, corrupt or from another
version of the engine. Commands run as staff run them, in their own processes."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import jinja2
import pytest

from conftest import ROOT, SAMPLE
from masterplan import diskcache, loader
from masterplan.loader import load_plan
from masterplan.model import Program
from masterplan.synth import write_plan

PAGE = "docs/program/living/alat-bantu.md"
LINK = "Lihat juga [promosi UMKM](../economy/promosi-umkm.md)."


def command(
    *args: str, cache: str | Path, cwd: Path, home: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MASTERPLAN_CACHE", "XDG_CACHE_HOME")}
    env["MASTERPLAN_CACHE"] = str(cache)
    env["PYTHONPATH"] = str(ROOT / "scripts")
    env["NO_MKDOCS_2_WARNING"] = "1"
    if home is not None:
        env["HOME"] = str(home)
        del env["MASTERPLAN_CACHE"]
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def validate(repo: Path, cache: str | Path, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    return command("-m", "masterplan.cli", "validate", "--root", str(repo), cache=cache, cwd=repo, home=home)


def build(repo: Path, cache: str | Path, site: str) -> dict[str, str]:
    result = command(
        "-m", "mkdocs", "build", "--strict", "-f", "mkdocs.yml", "-d", site, cache=cache, cwd=repo
    )
    assert result.returncode == 0, result.stderr
    return {
        p.relative_to(repo / site).as_posix(): p.read_text(encoding="utf-8")
        for p in (repo / site).rglob("*")
        if p.suffix in (".html", ".csv", ".json")
    }


def stores(cache: Path) -> dict[str, Path]:
    return {p.stem: p for p in cache.glob("*/*.pickle")}


def test_a_second_build_reads_the_cache_and_writes_the_same_site(site_repo: Path, tmp_path: Path) -> None:
    page = site_repo / PAGE
    page.write_text(page.read_text(encoding="utf-8") + "\n" + LINK + "\n", encoding="utf-8")
    cache = tmp_path / "cache"

    cold = build(site_repo, cache, "cold")
    kept = stores(cache)
    assert {"pages", "renderings", "content", "templates", "panels", "books"} <= set(kept)
    written = {name: path.stat().st_mtime_ns for name, path in kept.items()}
    warm = build(site_repo, cache, "warm")
    without = build(site_repo, "0", "without")

    assert warm == without and cold == without
    # The link was rendered by the first process, with its own secret stand-in for the
    # path to the site root, and shown by the second.
    shown = warm["program/living/alat-bantu/index.html"]
    assert 'href="../../../program/economy/promosi-umkm/"' in shown and "mp-base-" not in shown
    # A run that added nothing leaves the cache as it was.
    assert {name: path.stat().st_mtime_ns for name, path in stores(cache).items()} == written


def test_kept_panels_and_open_data_show_an_edited_plan(site_repo: Path, tmp_path: Path) -> None:
    # The panels of an unchanged programme page are kept; they name its RPJMD goal,
    # which lives in data/rpjmd.yml. The open data is kept while no front matter changes.
    cache = tmp_path / "cache"
    page = "program/living/alat-bantu/index.html"
    first = build(site_repo, cache, "first")
    assert "Layanan cepat dan terintegrasi" in first[page]
    assert "Platform Promosi UMKM" in first["data/programs.csv"]
    edit(site_repo / "data/rpjmd.yml", "cepat dan terintegrasi", "cepat dan ramah")
    edit(site_repo / "docs/program/economy/promosi-umkm.md", "Promosi UMKM", "Pameran UMKM")

    second = build(site_repo, cache, "second")
    assert "Layanan cepat dan ramah" in second[page]
    assert "Platform Pameran UMKM" in second["data/programs.csv"]
    assert "Platform Promosi UMKM" not in second["data/programs.csv"]
    assert "Platform Pameran UMKM" in second["cetak/index.html"]
    # The print edition is kept without its narratives: an edited narrative still shows.
    edit(site_repo / "docs/program/living/alat-bantu.md", "Memasang alat bantu.", "Memasang lift kursi roda.")
    third = build(site_repo, cache, "third")
    assert "Memasang lift kursi roda." in third["cetak/index.html"]
    assert "Memasang alat bantu." not in third["cetak/index.html"]


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_an_edited_page_is_checked_again(plan_repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert validate(plan_repo, cache).returncode == 0
    page = plan_repo / PAGE
    text = page.read_text(encoding="utf-8")
    page.write_text(
        text.replace("lead: dishub", "lead: dishubb") + '\n<iframe src="x"></iframe>\n', encoding="utf-8"
    )

    broken = validate(plan_repo, cache)
    assert broken.returncode == 1
    assert "[unknown-opd] lead" in broken.stdout and "iframe" in broken.stdout

    page.write_text(text, encoding="utf-8")
    assert validate(plan_repo, cache).returncode == 0


def test_a_damaged_cache_is_ignored_and_replaced(plan_repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = validate(plan_repo, cache)
    for path in stores(cache).values():
        path.write_bytes(b"\x80\x05 not a pickle")

    again = validate(plan_repo, cache)

    assert (again.returncode, again.stdout, again.stderr) == (first.returncode, first.stdout, first.stderr)
    for path in stores(cache).values():
        assert isinstance(pickle.loads(path.read_bytes()), dict)


def test_the_cache_lives_in_the_user_cache_folder_never_in_the_repository(
    plan_repo: Path, tmp_path: Path
) -> None:
    before = sorted(p.relative_to(plan_repo) for p in plan_repo.rglob("*"))
    home = tmp_path / "home"
    home.mkdir()

    assert validate(plan_repo, "", home=home).returncode == 0

    assert sorted(p.relative_to(plan_repo) for p in plan_repo.rglob("*")) == before
    assert "pages" in stores(home / ".cache" / "masterplan")


def test_masterplan_cache_0_writes_nothing(plan_repo: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = command(
        "-c",
        "import os, pathlib, sys; os.environ['MASTERPLAN_CACHE'] = '0'; "
        "from masterplan.validate import check; sys.exit(not check(pathlib.Path(sys.argv[1])).ok)",
        str(plan_repo),
        cache="",
        cwd=plan_repo,
        home=home,
    )
    assert result.returncode == 0, result.stderr
    assert not any(home.rglob("*"))


def test_a_kept_page_is_not_read_again(
    plan_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    assert validate(plan_repo, cache).returncode == 0
    monkeypatch.setenv("MASTERPLAN_CACHE", str(cache))
    monkeypatch.setattr(diskcache, "_STORES", {})
    monkeypatch.setattr(diskcache, "_FOLDER", [])

    def unread(text: str) -> None:
        raise AssertionError("the page was parsed again")

    monkeypatch.setattr(loader, "split_page", unread)
    text = (plan_repo / PAGE).read_text(encoding="utf-8")
    frozen, page, problems, _ = loader._read_page.__wrapped__(PAGE, Program, text, partial=True)  # type: ignore[attr-defined]
    assert frozen is not None and not problems
    assert page.body_line > 1 and "lead" in page.meta.data


def test_another_engine_version_does_not_read_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = tmp_path / "engine"
    engine.mkdir()
    (engine / "schema.py").write_text("LIMIT = 1\n", encoding="utf-8")
    monkeypatch.setattr(diskcache, "_ENGINE", engine)
    first = diskcache._fingerprint()
    (engine / "schema.py").write_text("LIMIT = 2\n", encoding="utf-8")
    assert diskcache._fingerprint() != first


def test_an_old_engine_version_is_removed_and_nothing_else(plan_repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    old, other = cache / ("ab" * 12), cache / "foto"
    for folder in (old, other):
        folder.mkdir(parents=True)
        (folder / "pages.pickle").write_bytes(pickle.dumps({}))
        forty_days_ago = time.time() - 40 * 86400
        os.utime(folder, (forty_days_ago, forty_days_ago))

    assert validate(plan_repo, cache).returncode == 0

    assert not old.exists()
    assert (other / "pages.pickle").exists()
    assert len(list(cache.glob("*/pages.pickle"))) == 2  # this version's, and foto/


def test_a_long_serve_session_keeps_a_bounded_number_of_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MASTERPLAN_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(diskcache, "_STORES", {})
    monkeypatch.setattr(diskcache, "_FOLDER", [])
    for save in range(5):  # the open data after each of five front-matter edits
        diskcache.value("exports", diskcache.key(str(save)), lambda: b"x" * 1000, entries=2)
    table = diskcache.store("exports")
    assert len(table._used) == 2
    assert table.get(diskcache.key("4")) == b"x" * 1000
    assert table.get(diskcache.key("0")) is diskcache.MISSING


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty disk cache for this process, with no background work pending."""
    monkeypatch.setenv("MASTERPLAN_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(diskcache, "_STORES", {})
    monkeypatch.setattr(diskcache, "_FOLDER", [])
    monkeypatch.setattr(diskcache, "_JOBS", [])
    return tmp_path / "cache"


def _made_by_pid(n: int) -> str:
    return f"panel {n} made by {os.getpid()}"


def test_what_a_second_process_made_is_taken_over_not_made_again(empty_cache: Path) -> None:
    def work() -> None:
        for n in range(3):
            diskcache.value("panels", diskcache.key(str(n)), lambda n=n: _made_by_pid(n))

    assert diskcache.in_background(("panels",), work)
    made_here: list[int] = []

    def here(n: int) -> str:
        made_here.append(n)
        return _made_by_pid(n)

    found = [diskcache.value("panels", diskcache.key(str(n)), lambda n=n: here(n)) for n in range(3)]
    assert made_here == []
    assert [f.split(" made by ")[0] for f in found] == ["panel 0", "panel 1", "panel 2"]
    assert all(f.split(" made by ")[1] != str(os.getpid()) for f in found), "made by the other process"
    diskcache.flush()  # and kept on disk for the next run, like this process's own results
    kept = pickle.loads((next(empty_cache.glob("*/panels.pickle"))).read_bytes())
    assert sorted(kept.values()) == sorted(found)


def test_when_the_second_process_fails_this_one_makes_the_results(empty_cache: Path) -> None:
    def work() -> None:
        diskcache.value("panels", diskcache.key("0"), lambda: "half made")
        raise RuntimeError("a bug in the work")

    assert diskcache.in_background(("panels",), work)
    assert diskcache.value("panels", diskcache.key("0"), lambda: "made here") == "made here"
    assert diskcache._JOBS == []


def test_a_miss_outside_the_claims_does_not_wait_for_the_second_process(empty_cache: Path) -> None:
    def work() -> None:
        diskcache.value("pages", diskcache.key("later"), lambda: "read over there")

    assert diskcache.in_background(("pages",), work, {diskcache.key("later")})
    assert diskcache.value("pages", diskcache.key("first"), lambda: "read here") == "read here"
    assert len(diskcache._JOBS) == 1, "a page the other process does not read did not wait for it"
    assert diskcache.value("pages", diskcache.key("later"), lambda: "read here") == "read over there"
    assert diskcache._JOBS == []


def test_no_second_process_from_a_process_with_threads_or_without_the_cache(
    empty_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        # A lock another thread holds at the fork would stay held in the copy forever.
        assert not diskcache.in_background(("panels",), lambda: None)
    finally:
        release.set()
        thread.join()
    monkeypatch.setenv("MASTERPLAN_CACHE", "0")
    monkeypatch.setattr(diskcache, "_FOLDER", [])
    assert not diskcache.in_background(("panels",), lambda: None)
    assert diskcache._JOBS == []


def test_a_full_build_makes_the_panels_open_data_and_print_edition_in_a_second_process(
    site_repo: Path, empty_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from masterplan import site as site_module
    from masterplan.site import Site
    from masterplan.views.base import COMPILED_TEMPLATES
    from masterplan.views.program import ProgramViews

    made_here: list[str] = []
    panels, export, book = ProgramViews._render_fragments, Site._export, Site._book_parts

    def counted_panels(self: ProgramViews, program: Program, base: str) -> dict[str, str]:
        made_here.append(program.path)
        return panels(self, program, base)

    def counted_export(self: Site) -> dict[str, bytes]:
        made_here.append("open data")
        return export(self)

    def counted_book(self: Site, base: str) -> list[str]:
        made_here.append("print edition")
        return book(self, base)

    monkeypatch.setattr(ProgramViews, "_render_fragments", counted_panels)
    monkeypatch.setattr(Site, "_export", counted_export)
    monkeypatch.setattr(Site, "_book_parts", counted_book)
    compiled_here: list[str | None] = []
    compile_template = jinja2.Environment.compile

    def counted_compile(self: jinja2.Environment, source: Any, name: str | None = None, *args: Any) -> Any:
        compiled_here.append(name)
        return compile_template(self, source, name, *args)

    monkeypatch.setattr(jinja2.Environment, "compile", counted_compile)
    monkeypatch.setattr(COMPILED_TEMPLATES, "_code", {})  # as a new process starts
    config = load_config(str(site_repo / "mkdocs.yml"), site_dir=str(site_repo / "ahead"))
    config.plugins.on_startup(command="build", dirty=False)  # as `mkdocs build` does
    mkdocs_build(config)

    assert made_here == [], "this process waited for the other's panels, open data and print edition"
    # The engine's and the theme's templates were compiled by the other process while
    # this one read the plan (only the search plugin's own language partials are not).
    ahead_of_time = {"main.html", "base.html", "partials/nav.html", "home.md", "budget.html"}
    assert ahead_of_time.isdisjoint(compiled_here), compiled_here
    ahead = {
        p.relative_to(site_repo / "ahead").as_posix(): p.read_text(encoding="utf-8")
        for p in (site_repo / "ahead").rglob("*")
        if p.suffix in (".html", ".csv", ".json")
    }
    alone = build(site_repo, "0", "alone")  # no cache: no second process
    assert ahead.keys() == alone.keys()
    assert [name for name in ahead if ahead[name] != alone[name]] == []
    assert "mp-progress" in ahead["program/living/alat-bantu/index.html"]  # its panels are in

    # The next build of the unchanged plan finds everything on disk: no second process.
    diskcache.flush()  # as `mkdocs build` does when it exits
    started: list[tuple[str, ...]] = []
    start = diskcache.in_background

    def spy(stores: tuple[str, ...], *args: Any) -> bool:
        started.append(stores)
        return start(stores, *args)

    monkeypatch.setattr(diskcache, "in_background", spy)
    # As a new process finds them: only what is on disk.
    monkeypatch.setattr(diskcache, "_STORES", {})
    for kept in ("_kept_panels", "_kept_exports", "_kept_books"):
        monkeypatch.setattr(site_module, kept, {})
    config = load_config(str(site_repo / "mkdocs.yml"), site_dir=str(site_repo / "again"))
    config.plugins.on_startup(command="build", dirty=False)
    mkdocs_build(config)
    assert started == [] and made_here == []
    again = (site_repo / "again" / "cetak" / "index.html").read_text(encoding="utf-8")
    assert again == ahead["cetak/index.html"]


def _large_plan(tmp_path: Path) -> tuple[Path, list[Path]]:
    """A plan large enough for a second process to read and check half of it, and its
    programme pages in the order the loader halves them."""
    repo = tmp_path / "big"
    write_plan(SAMPLE, repo, programs=300, opds=25)
    return repo, sorted((repo / "docs" / "program").glob("*/*.md"))


def test_a_large_plan_is_read_by_two_processes_with_the_same_result(
    tmp_path: Path, empty_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, pages = _large_plan(tmp_path)
    broken = pages[-1]  # read by the second process, which cannot
    broken.write_text(broken.read_text(encoding="utf-8").replace("title:", "title: [", 1), encoding="utf-8")
    parsed: list[str] = []
    parse = loader._parse_page

    def counted(rel: str, *args: Any, **kwargs: Any) -> Any:
        parsed.append(rel)
        return parse(rel, *args, **kwargs)

    monkeypatch.setattr(loader, "_parse_page", counted)
    loader._read_page.cache_clear()
    together = load_plan(repo)
    # This process read the first half of the programme pages, and the one the other
    # could not read (then the dimension pages).
    programs = [rel for rel in parsed if rel.startswith("docs/program/")]
    assert len(programs) == len(pages) // 2 + 1, len(programs)
    assert programs[-1] == broken.relative_to(repo).as_posix()

    monkeypatch.setenv("MASTERPLAN_CACHE", "0")
    monkeypatch.setattr(diskcache, "_FOLDER", [])
    loader._read_page.cache_clear()
    alone = load_plan(repo)
    loader._read_page.cache_clear()
    assert together.problems == alone.problems
    assert [p.file for p in together.problems] == [broken.relative_to(repo).as_posix()]
    assert together.plan is not None and alone.plan is not None
    assert together.plan.programs == alone.plan.programs
    assert len(together.plan.programs) == len(pages) - 1


def test_a_large_plan_has_its_narratives_checked_by_two_processes_with_the_same_problems(
    tmp_path: Path, empty_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from masterplan import validate

    repo, pages = _large_plan(tmp_path)
    unsafe = [pages[10], pages[-10]]  # one checked here, one by the second process
    for page in unsafe:
        page.write_text(page.read_text(encoding="utf-8") + "\n<script>alert(1)</script>\n", encoding="utf-8")
    checked: list[str] = []
    content = validate._content_problems

    def counted(item: Any) -> Any:
        checked.append(item.path)
        return content(item)

    monkeypatch.setattr(validate, "_content_problems", counted)
    loader._read_page.cache_clear()
    together = validate.check(repo)
    programs = [path for path in checked if path.startswith("docs/program/")]
    assert len(programs) == len(pages) // 2, "this process checked the first half only"
    assert diskcache._JOBS == []

    monkeypatch.setenv("MASTERPLAN_CACHE", "0")
    monkeypatch.setattr(diskcache, "_FOLDER", [])
    monkeypatch.setattr(diskcache, "_STORES", {})
    loader._read_page.cache_clear()
    alone = validate.check(repo)
    loader._read_page.cache_clear()
    assert together.problems == alone.problems
    files = sorted(page.relative_to(repo).as_posix() for page in unsafe)
    assert sorted({p.file for p in together.problems}) == files
