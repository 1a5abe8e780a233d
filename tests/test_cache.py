"""The disk cache (:mod:`masterplan.build.cache`): a second command reuses what the first
worked out from each page, and never a result that is stale, corrupt, from another
version of the engine, or from a folder or file another user could have written.
Commands run as staff run them, in their own processes."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from masterplan.build.cache import DiskCache, fingerprint
from masterplan.check.validate import check
from masterplan.model import Program
from masterplan.read import loader

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
    return command(
        "-m", "masterplan.commands.cli", "validate", "--root", str(repo), cache=cache, cwd=repo, home=home
    )


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


def kinds(cache: Path) -> dict[str, Path]:
    return {p.stem: p for p in cache.glob("*/*.pickle")}


def test_a_second_build_reads_the_cache_and_writes_the_same_site(site_repo: Path, tmp_path: Path) -> None:
    page = site_repo / PAGE
    page.write_text(page.read_text(encoding="utf-8") + "\n" + LINK + "\n", encoding="utf-8")
    cache = tmp_path / "cache"

    cold = build(site_repo, cache, "cold")
    kept = kinds(cache)
    assert set(kept) == {"pages", "content"}
    assert list(cache.glob("*/templates/*.cache")), "compiled templates are kept too"
    written = {name: path.stat().st_mtime_ns for name, path in kept.items()}
    warm = build(site_repo, cache, "warm")
    without = build(site_repo, "0", "without")

    assert warm == without and cold == without
    shown = warm["program/living/alat-bantu/index.html"]
    assert 'href="../../../program/economy/promosi-umkm/"' in shown and "mp-base-" not in shown
    # A run that added nothing leaves the cache as it was.
    assert {name: path.stat().st_mtime_ns for name, path in kinds(cache).items()} == written


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
    for path in kinds(cache).values():
        path.write_bytes(b"\x80\x05 not a pickle")

    again = validate(plan_repo, cache)

    assert (again.returncode, again.stdout, again.stderr) == (first.returncode, first.stdout, first.stderr)
    for path in kinds(cache).values():
        assert isinstance(pickle.loads(path.read_bytes()), dict)


def test_the_cache_lives_in_the_user_cache_folder_never_in_the_repository(
    plan_repo: Path, tmp_path: Path
) -> None:
    before = sorted(p.relative_to(plan_repo) for p in plan_repo.rglob("*"))
    home = tmp_path / "home"
    home.mkdir()

    assert validate(plan_repo, "", home=home).returncode == 0

    assert sorted(p.relative_to(plan_repo) for p in plan_repo.rglob("*")) == before
    assert "pages" in kinds(home / ".cache" / "masterplan")


def test_masterplan_cache_0_writes_nothing(plan_repo: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = command(
        "-c",
        "import os, pathlib, sys; os.environ['MASTERPLAN_CACHE'] = '0'; "
        "from masterplan.build.site import check_kept; "
        "sys.exit(not check_kept(pathlib.Path(sys.argv[1])).ok)",
        str(plan_repo),
        cache="",
        cwd=plan_repo,
        home=home,
    )
    assert result.returncode == 0, result.stderr
    assert not any(home.rglob("*"))


def _cache(folder: Path, monkeypatch: pytest.MonkeyPatch) -> DiskCache | None:
    monkeypatch.setenv("MASTERPLAN_CACHE", str(folder))
    return DiskCache.open()


def test_a_kept_page_is_not_read_again(
    plan_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _cache(tmp_path / "cache", monkeypatch)
    assert first is not None and check(plan_repo, memo=first).ok
    first.save()
    second = _cache(tmp_path / "cache", monkeypatch)
    assert second is not None

    def unread(text: str) -> None:
        raise AssertionError("the page was parsed again")

    monkeypatch.setattr(loader, "split_page", unread)
    text = (plan_repo / PAGE).read_text(encoding="utf-8")
    read = loader._read_page.__wrapped__  # type: ignore[attr-defined]  # past the in-memory cache
    frozen, page, problems, _ = read(PAGE, Program, text, partial=True, memo=second)
    assert frozen is not None and not problems
    assert page.body_line > 1 and "lead" in page.meta.data


def test_a_folder_or_file_others_may_write_is_never_read(
    plan_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # like /tmp
    assert _cache(shared, monkeypatch) is None
    assert _cache(shared / "masterplan", monkeypatch) is not None, "a private folder made inside it is"

    cache = _cache(tmp_path / "own", monkeypatch)
    assert cache is not None and check(plan_repo, memo=cache).ok
    cache.save()
    pages = cache.folder / "pages.pickle"
    planted = {key: "planted" for key in pickle.loads(pages.read_bytes())}
    pages.write_bytes(pickle.dumps(planted))
    pages.chmod(0o666)  # anyone could have written it
    again = _cache(tmp_path / "own", monkeypatch)
    assert again is not None and check(plan_repo, memo=again).ok, "the planted results were not loaded"


def test_another_engine_version_does_not_read_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from masterplan.build import cache

    engine = tmp_path / "engine"
    engine.mkdir()
    (engine / "schema.py").write_text("LIMIT = 1\n", encoding="utf-8")
    monkeypatch.setattr(cache, "_ENGINE", engine)
    first = fingerprint()
    (engine / "schema.py").write_text("LIMIT = 2\n", encoding="utf-8")
    assert fingerprint() != first


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
