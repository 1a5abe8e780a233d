"""The yearly cycle in git (issue 28): a closed year whose values change only through open
corrections, and the adopted edition recorded as a tag. On temporary git repositories."""

from __future__ import annotations

import datetime
import io
import subprocess
from pathlib import Path

import pytest

from masterplan import fmt
from masterplan.check.validate import check
from masterplan.commands import cycle
from masterplan.commands.cli import main
from masterplan.outputs import exports
from masterplan.views import Views

SOC = "docs/program/society/ruang-belajar.md"


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return result.stdout


@pytest.fixture
def repo(plan_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test plan as a git repository with one commit; commits need an identity."""
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Uji")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "uji@contoh.id")
    git(plan_repo, "init", "-q", "-b", "main")
    git(plan_repo, "add", "-A")
    git(plan_repo, "commit", "-q", "-m", "Rencana")
    return plan_repo


def run(repo: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main([*args, "--root", str(repo)], out=out), out.getvalue()


def edit(repo: Path, old: str, new: str) -> None:
    page = repo / SOC
    text = page.read_text(encoding="utf-8")
    assert old in text
    page.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_closing_a_year_records_it_commits_and_tags(repo: Path) -> None:
    plan_before = (repo / "data/plan.yml").read_text(encoding="utf-8")
    code, said = run(repo, "close-year", "2025")
    assert code == 0, said
    assert "tahun-2025-ditutup" in said
    plan_after = (repo / "data/plan.yml").read_text(encoding="utf-8")
    # The item is appended; every line of the file before it is kept, comments included.
    assert plan_after.startswith(plan_before.rstrip("\n"))
    report = check(repo)
    assert report.problems == [] and report.plan is not None
    (closed,) = report.plan.info.closed_years
    assert (closed.year, closed.ref, closed.date) == (2025, "tahun-2025-ditutup", datetime.date.today())
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "rev-parse", "tahun-2025-ditutup^{commit}") == git(repo, "rev-parse", "HEAD")
    assert git(repo, "cat-file", "-t", "tahun-2025-ditutup").strip() == "tag"  # annotated

    # Again: the tag exists. A year not ended, a dirty tree: refused, nothing changed.
    head = git(repo, "rev-parse", "HEAD")
    for args, why in (
        (("close-year", "2025"), "sudah ada"),
        (("close-year", str(datetime.date.today().year)), "belum berakhir"),
        (("close-year", "2031"), "di luar periode"),
    ):
        code, said = run(repo, *args)
        assert code == 1 and why in said and "Tidak ada yang diubah" in said, said
    edit(repo, "progress: 25", "progress: 30")
    code, said = run(repo, "close-year", "2024")
    assert code == 1 and "belum di-commit" in said
    assert git(repo, "rev-parse", "HEAD") == head


def test_a_closed_year_changes_only_through_an_open_correction(repo: Path) -> None:
    assert run(repo, "close-year", "2025")[0] == 0
    edit(repo, "actuals: {2025: 6}", "actuals: {2025: 7}")
    edit(
        repo,
        "  - {year: 2025, amount: 220000000, source: APBD}",
        "  - {year: 2025, amount: 235000000, source: APBD}",
    )
    problems = [p for p in check(repo).problems if p.code == "closed-year-changed"]
    assert [(p.file, p.line) for p in problems] == [(SOC, 18), (SOC, 24)]
    spending, actual = problems
    assert "Realisasi anggaran APBD tahun 2025" in spending.message
    assert "Rp220.000.000 menjadi Rp235.000.000" in spending.message
    assert "'Desa dengan ruang belajar digital'" in actual.message and "6 menjadi 7" in actual.message
    # The fix names the entry to copy.
    assert '{year: 2025, field: "spending.APBD", old: 220000000, new: 235000000' in spending.hint

    edit(
        repo,
        "rpjmd: [tujuan-1-1]\n",
        "rpjmd: [tujuan-1-1]\ncorrections:\n"
        '  - {year: 2025, field: "spending.APBD", old: 220000000, new: 235000000, '
        'reason: "Tagihan Desember tercatat terlambat.", date: 2026-04-15}\n'
        '  - {year: 2025, field: "Desa dengan ruang belajar digital", old: 6, new: 7, '
        'reason: "Satu desa terlewat saat verifikasi.", date: 2026-04-15}\n',
    )
    report = check(repo)
    assert report.problems == [] and report.plan is not None
    program = report.plan.program("SOC-01")
    assert program is not None
    page = Views(report.plan).program_page(program, "")
    assert "Koreksi data 2025" in page
    assert "Rp220.000.000" in page and "Rp235.000.000" in page and "Tagihan Desember" in page
    # The print edition carries them too.
    from masterplan.outputs.book import book_html

    printed = book_html(report, Views(report.plan), "")
    assert printed.count("Koreksi data 2025") == 1 and 'id="koreksi-soc-01-2025"' in printed
    rows = exports.export(report.plan)["corrections.csv"].decode("utf-8").splitlines()
    assert rows[1:] == [
        "SOC-01,2025,Desa dengan ruang belajar digital,6,7,Satu desa terlewat saat verifikasi.,2026-04-15",
        "SOC-01,2025,spending.APBD,220000000,235000000,Tagihan Desember tercatat terlambat.,2026-04-15",
    ]


def test_a_correction_that_does_not_match_the_change_is_not_enough(repo: Path) -> None:
    assert run(repo, "close-year", "2025")[0] == 0
    edit(repo, "actuals: {2025: 6}", "actuals: {2025: 8}")
    edit(
        repo,
        "rpjmd: [tujuan-1-1]\n",
        'rpjmd: [tujuan-1-1]\ncorrections:\n  - {year: 2025, field: "Desa dengan ruang belajar digital", '
        'old: 6, new: 7, reason: "x", date: 2026-04-15}\n',
    )
    assert [p.code for p in check(repo).problems] == ["closed-year-changed"]


def test_a_missing_tag_is_named_with_how_to_fetch_it(repo: Path) -> None:
    assert run(repo, "close-year", "2025")[0] == 0
    git(repo, "tag", "-d", "tahun-2025-ditutup")
    (problem,) = check(repo).problems
    assert (problem.file, problem.code) == ("data/plan.yml", "closed-year-ref")
    assert "git fetch --tags" in problem.hint


def test_an_edition_is_recorded_and_tagged(repo: Path) -> None:
    adopt_edition(repo)
    report = check(repo)
    assert report.plan is not None and report.problems == []
    (edition,) = report.plan.info.editions
    assert (edition.name, edition.ref) == ("Edisi Perbup 2025", "edisi-2025-06-30")
    assert git(repo, "cat-file", "-t", "edisi-2025-06-30").strip() == "tag"
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    code, said = run(repo, "edition", "--name", "X", "--legal-basis", "Y", "--date", tomorrow)
    assert code == 1 and "belum terjadi" in said


def test_an_item_goes_after_the_list_before_the_next_keys_comment() -> None:
    from masterplan.source import parse_yaml

    text = (
        "region: X\nclosed_years:\n  - {year: 2025, date: 2026-01-05, ref: a}\n"
        "\n# Pemantauan\nas_of: 2026-03-31\n"
    )
    item = {"year": 2026, "date": datetime.date(2027, 1, 4), "ref": "b"}
    added = cycle.add_item(text, parse_yaml(text), "closed_years", item)
    assert added == (
        "region: X\nclosed_years:\n  - {year: 2025, date: 2026-01-05, ref: a}\n"
        '  - {year: 2026, date: 2027-01-04, ref: "b"}\n\n# Pemantauan\nas_of: 2026-03-31\n'
    )


def test_reporting_status_per_opd_says_which_years_are_closed(repo: Path) -> None:
    assert run(repo, "close-year", "2025")[0] == 0
    report = check(repo)
    plan = report.plan
    assert plan is not None
    views = Views(plan)
    html = views.achievement("")
    assert "2025 (ditutup)</th>" in html
    # Counted here from the plan: indicators with a 2025 target, and those with its actual.
    shares = []
    for opd in plan.opds:
        led = [p for p in plan.programs if p.lead == opd.key and p.counted]
        due = [i for p in led for i in p.indicators if 2025 in i.targets]
        if not due:
            continue
        reported = sum(1 for i in due if 2025 in i.actuals)
        shares.append(reported / len(due))
        assert f"{reported} dari {len(due)} (" in html
        page = views.opd_page(opd, "")
        assert f"2025 (ditutup): <strong>{reported} dari {len(due)}</strong> indikator dilaporkan" in page
    # LIV-01's 2025 actual is missing: one lead has not reported everything.
    assert len(shares) >= 2 and min(shares) < 1 == max(shares)


def adopt_edition(repo: Path) -> None:
    code, said = run(
        repo,
        "edition",
        "--name",
        "Edisi Perbup 2025",
        "--legal-basis",
        "Peraturan Bupati Contoh Nomor 12 Tahun 2025",
        "--date",
        "2025-06-30",
    )
    assert code == 0, said


def test_the_changes_since_the_adopted_edition_are_listed_with_totals(repo: Path) -> None:
    from masterplan.build.site import Site

    adopt_edition(repo)
    edit(repo, "title: Ruang Belajar Digital Desa", "title: Ruang Belajar Digital Desa dan Kelurahan")
    edit(
        repo,
        "  - {year: 2026, amount: 300000000, source: APBD}",
        "  - {year: 2026, amount: 350000000, source: APBD}",
    )
    (repo / "docs/program/economy/promosi-umkm.md").unlink()
    site = Site(repo)
    diff, error = site.since_adopted
    assert error == "" and diff is not None
    html = site.views.since_adopted("", diff, error)
    assert "Edisi Perbup 2025" in html and "Peraturan Bupati Contoh Nomor 12 Tahun 2025" in html
    assert (
        "<strong>0</strong> program baru, <strong>1</strong> program dihapus, "
        "<strong>1</strong> program berubah" in html
    )
    assert "judul: Ruang Belajar Digital Desa → Ruang Belajar Digital Desa dan Kelurahan" in html
    assert "2026 APBD Rp300.000.000" in html and "2026 APBD Rp350.000.000" in html
    assert '<span class="mp-code">ECO-01</span>' in html  # removed, named
    # The budget tables' totals: the edition's and today's, per year.
    report = check(repo)
    assert report.plan is not None
    now = sum(b.amount for p in report.plan.programs for b in p.budget)
    assert f"<strong>{fmt.rupiah(now)}</strong>" in html
    # The page says so when nothing changed, and when there is no edition at all.
    git(repo, "checkout", "-q", "--", ".")
    assert "Belum ada perubahan sejak edisi itu ditetapkan." in Site(repo).views.since_adopted(
        "", *Site(repo).since_adopted
    )


def test_an_editions_open_data_is_rebuilt_from_its_tag_byte_for_byte(repo: Path, tmp_path: Path) -> None:
    adopt_edition(repo)
    edit(repo, "title: Ruang Belajar Digital Desa", "title: Judul sesudah penetapan")
    git(repo, "commit", "-q", "-am", "Ubah judul")
    first, second = tmp_path / "a", tmp_path / "b"
    assert run(repo, "export", "--ref", "edisi-2025-06-30", "--out", str(first))[0] == 0
    assert run(repo, "export", "--ref", "edisi-2025-06-30", "--out", str(second))[0] == 0
    files = sorted(p.name for p in first.iterdir())
    assert files and all((first / n).read_bytes() == (second / n).read_bytes() for n in files)
    programs = (first / "programs.csv").read_text(encoding="utf-8")
    assert "Ruang Belajar Digital Desa" in programs and "Judul sesudah penetapan" not in programs
    code, said = run(repo, "export", "--ref", "edisi-1999-01-01", "--out", str(tmp_path / "c"))
    assert code == 1 and "edisi-1999-01-01" in said


def test_an_editions_pdf_is_printed_from_its_tag(repo: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    adopt_edition(repo)
    tagged = git(repo, "rev-parse", "--short", "edisi-2025-06-30^{commit}").strip()
    edit(repo, "title: Ruang Belajar Digital Desa", "title: Judul sesudah penetapan")
    git(repo, "commit", "-q", "-am", "Ubah judul")
    (repo / "docs/assets").mkdir(parents=True, exist_ok=True)
    (repo / "docs/assets/masterplan.css").write_text("", encoding="utf-8")
    out = tmp_path / "edisi.pdf"
    code, said = run(repo, "pdf", "--ref", "edisi-2025-06-30", "--out", str(out))
    assert code == 0, said
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Ruang Belajar Digital Desa" in text and "Judul sesudah penetapan" not in text
    assert f"Versi {tagged}" in text


def test_removing_a_programme_with_closed_year_values_is_refused(repo: Path) -> None:
    assert run(repo, "close-year", "2025")[0] == 0
    (repo / SOC).unlink()
    problems = check(repo).problems
    removed = [p for p in problems if p.code == "closed-year-changed"]
    assert [(p.file, p.key) for p in removed] == [("data/plan.yml", "closed_years")]
    assert "SOC-01" in removed[0].message and "cancelled" in removed[0].hint


def test_the_since_adopted_totals_are_the_whole_plans_not_the_changed_years(repo: Path) -> None:
    from masterplan.build.site import Site

    adopt_edition(repo)
    before = sum(p.total_budget for p in check(repo).plan.programs)  # type: ignore[union-attr]
    edit(
        repo,
        "  - {year: 2026, amount: 300000000, source: APBD}",
        "  - {year: 2026, amount: 350000000, source: APBD}",
    )
    site = Site(repo)
    html = site.views.since_adopted("", *site.since_adopted)
    after = before + 50_000_000
    assert f"{fmt.rupiah(before)} menjadi <strong>{fmt.rupiah(after)}</strong>" in html
