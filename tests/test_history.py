"""A programme's history comes from real commits: one git log and one cat-file per build,
broken old versions skipped, symlinks never read."""

from __future__ import annotations

import datetime
import os
import subprocess
from pathlib import Path

import pytest

from masterplan.build.site import Site
from masterplan.read.history import FieldChange, Revision, program_history, read_log
from masterplan.read.provenance import last_changed

ECO = "docs/program/economy/promosi-umkm.md"
LIV = "docs/program/living/alat-bantu.md"


def git(repo: Path, *args: str, date: str = "2025-01-01T10:00:00+07:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    result = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Uji", "-c", "user.email=uji@contoh.id", *args],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def commit(repo: Path, message: str, date: str) -> str:
    git(repo, "add", "-A", date=date)
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")


def edit(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_history_lists_each_commit_with_the_tracked_fields_it_changed(plan_repo: Path) -> None:
    git(plan_repo, "init", "-q", "-b", "main")
    created = commit(plan_repo, "awal", "2025-01-10T09:00:00+07:00")
    edit(plan_repo, ECO, "status: planned\nprogress: 0", "status: ongoing\nprogress: 10")
    started = commit(plan_repo, "mulai", "2025-06-02T09:00:00+07:00")
    edit(plan_repo, ECO, "UMKM belum terpromosikan.", "UMKM belum terpromosikan secara daring.")
    narrative = commit(plan_repo, "narasi", "2025-07-01T09:00:00+07:00")
    edit(plan_repo, ECO, "status: ongoing", "status: [ongoing")
    broken = commit(plan_repo, "rusak", "2025-08-01T09:00:00+07:00")
    edit(plan_repo, ECO, "status: [ongoing", "status: ongoing")
    edit(plan_repo, ECO, "amount: 75000000", "amount: 125000000")
    budgeted = commit(plan_repo, "anggaran", "2025-09-15T09:00:00+07:00")

    history = program_history(plan_repo)

    assert history[ECO] == [
        # Compared with the last version that read (the broken one is marked, not read).
        Revision(budgeted, datetime.date(2025, 9, 15), [FieldChange("budget", 1_325_000_000, 1_375_000_000)]),
        Revision(broken, datetime.date(2025, 8, 1), [], readable=False),
        Revision(narrative, datetime.date(2025, 7, 1), []),
        Revision(
            started,
            datetime.date(2025, 6, 2),
            [FieldChange("status", "planned", "ongoing"), FieldChange("progress", 0, 10)],
        ),
        Revision(created, datetime.date(2025, 1, 10), []),
    ]
    assert history[LIV] == [Revision(created, datetime.date(2025, 1, 10), [])]
    assert set(history) == {ECO, LIV, "docs/program/society/ruang-belajar.md"}
    # The last change of a page counts the broken commit too: it did change the file.
    assert last_changed(plan_repo)[ECO] == datetime.date(2025, 9, 15)
    assert program_history(plan_repo, [LIV]) == {LIV: history[LIV]}


def test_spending_and_status_note_are_compared_as_totals_and_text(plan_repo: Path) -> None:
    soc = "docs/program/society/ruang-belajar.md"
    git(plan_repo, "init", "-q", "-b", "main")
    commit(plan_repo, "awal", "2025-01-10T09:00:00+07:00")
    edit(
        plan_repo,
        soc,
        "  - {year: 2025, amount: 220000000, source: APBD}",
        "  - {year: 2025, amount: 220000000, source: APBD}\n  - {year: 2025, amount: 5000000, source: CSR}",
    )
    edit(plan_repo, soc, "penyedia mundur.", "penyedia mundur; lelang ulang Mei.")
    sha = commit(plan_repo, "realisasi", "2026-02-03T09:00:00+07:00")
    assert program_history(plan_repo)[soc][0] == Revision(
        sha,
        datetime.date(2026, 2, 3),
        [
            FieldChange("spending", 220_000_000, 225_000_000),
            FieldChange(
                "status_note",
                "Pengadaan perangkat diulang karena penyedia mundur.",
                "Pengadaan perangkat diulang karena penyedia mundur; lelang ulang Mei.",
            ),
        ],
    )


def test_symlinked_and_odd_pages_are_never_read(plan_repo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "rahasia.md"
    secret.write_text("---\nstatus: done\nlead: x\n---\nrahasia\n", encoding="utf-8")
    (plan_repo / "docs/program/living/tautan.md").symlink_to(secret)
    odd = "docs/program/living/nama aneh\n-- '$(x)'.md"
    (plan_repo / odd).write_text((plan_repo / LIV).read_text(encoding="utf-8"), encoding="utf-8")
    git(plan_repo, "init", "-q", "-b", "main")
    sha = commit(plan_repo, "awal", "2025-01-10T09:00:00+07:00")
    history = program_history(plan_repo)
    assert "docs/program/living/tautan.md" not in history
    # A file name is data: newlines, quotes and dashes come back as they are.
    assert history[odd] == [Revision(sha, datetime.date(2025, 1, 10), [])]
    assert "docs/program/living/tautan.md" in read_log(plan_repo)  # listed, not read


def test_no_git_checkout_means_no_history(plan_repo: Path, tmp_path: Path) -> None:
    assert program_history(plan_repo) == {}
    assert program_history(tmp_path / "tidak-ada") == {}
    assert Site(plan_repo).history == {}


def programmes(repo: Path, count: int) -> None:
    """A repository with ``count`` programme pages, each changed in two commits."""
    page = (repo / LIV).read_text(encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    for i in range(count):
        (repo / f"docs/program/living/p{i}.md").write_text(page.replace("LIV-01", f"LIV-{i + 10}"), "utf-8")
    commit(repo, "awal", "2025-01-10T09:00:00+07:00")
    for i in range(count):
        edit(repo, f"docs/program/living/p{i}.md", "progress: 40", "progress: 50")
    commit(repo, "progres", "2025-03-10T09:00:00+07:00")


@pytest.mark.parametrize("count", [1, 5])
def test_git_runs_twice_whatever_the_number_of_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plan_repo: Path, count: int
) -> None:
    programmes(plan_repo, count)
    calls: list[list[str]] = []
    popen = subprocess.Popen

    def counting_popen(args, *a, **k):  # type: ignore[no-untyped-def]
        calls.append(list(args))
        return popen(args, *a, **k)

    # subprocess.run starts its process through Popen: this counts every process.
    monkeypatch.setattr(subprocess, "Popen", counting_popen)
    site = Site(plan_repo)
    history = site.history
    site.provenance(LIV)
    site.provenance("docs/opd/dishub.md")
    assert site.views.history is history
    pages = [f"docs/program/living/p{i}.md" for i in range(count)]
    assert all(history[p][0].changes == [FieldChange("progress", 40, 50)] for p in pages)
    # One git log (dates and history) and one cat-file (every version), however many pages.
    assert [c[c.index("-c") + 2] for c in calls] == ["log", "cat-file"]


def test_a_bad_old_commit_never_breaks_a_later_build(site_repo: Path) -> None:
    """A page committed with a 400-digit progress, then with a YAML tag, then fixed: every
    later build works, and the programme's history says the bad versions were left out."""
    from conftest import build_site

    git(site_repo, "init", "-q", "-b", "main")
    commit(site_repo, "awal", "2025-01-10T09:00:00+07:00")
    edit(site_repo, ECO, "progress: 0", "progress: " + "9" * 400)
    commit(site_repo, "progres raksasa", "2025-02-01T09:00:00+07:00")
    edit(site_repo, ECO, "progress: " + "9" * 400, "progress: !!int +")
    commit(site_repo, "tag", "2025-03-01T09:00:00+07:00")
    edit(site_repo, ECO, "progress: !!int +", "progress: 0")
    commit(site_repo, "diperbaiki", "2025-04-01T09:00:00+07:00")

    result = build_site(site_repo)
    assert result.returncode == 0, result.stderr
    page = (site_repo / "site/program/economy/promosi-umkm/index.html").read_text(encoding="utf-8")
    assert "2 versi lama halaman ini tidak dapat dibaca" in page
