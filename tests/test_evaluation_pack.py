"""The evaluation pack (masterplan evaluation-pack): its figures are the site's and the open
data's to the rupiah, its sheets and columns are the assessors' contract, contributor text
stays inert in both files, the workbook is the same bytes twice, and the command refuses a
year or a plan it cannot give a pack for.

The PDF is rendered once for the module (the command, for 2026): WeasyPrint takes seconds."""

from __future__ import annotations

import copy
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from conftest import ROOT, SAMPLE, add_site_files
from masterplan import fmt
from masterplan.check.validate import check
from masterplan.commands.cli import main
from masterplan.figures import money
from masterplan.model import PREFIXES, Masterplan
from masterplan.outputs import book, exports, xlsx
from masterplan.outputs.evaluation_pack import Links, build, read_links
from masterplan.outputs.evaluation_pack_files import workbook, write
from masterplan.views.budget import absorption_text

SITE = "https://smartcity.example.go.id/masterplan/"
HOSTILE = '=HYPERLINK("https://evil.example/x","klik") <script>alert(1)</script>'
#: The programme given the hostile title: a governance programme with indicators.
HOSTILE_ID = "GOV-04"
MONEY = ("Indikasi", "Pagu APBD", "Realisasi")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with the site's files and a site_url."""
    repo = tmp_path_factory.mktemp("pack") / "repo"
    shutil.copytree(SAMPLE, repo)
    add_site_files(repo)
    config = repo / "mkdocs.yml"
    config.write_text(f"site_url: {SITE}\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    return repo


@pytest.fixture(scope="module")
def plan(repo: Path) -> Masterplan:
    report = check(repo)
    assert report.plan is not None and report.problems == [], report.problems
    return report.plan


@pytest.fixture(scope="module")
def written(plan: Masterplan, repo: Path) -> Path:
    """The pack of 2026 with a hostile programme title: the module's one PDF. The validator
    refuses a tag in a title, so the command never meets one; the files must stay inert
    whatever text reaches them, so this plan is changed in memory."""
    hostile = copy.deepcopy(plan)
    program = hostile.program(HOSTILE_ID)
    assert program is not None
    program.title = HOSTILE
    out = repo.parent / "paket"
    write(build(hostile, 2026, read_links(repo / "mkdocs.yml")), out, repo, "Versi uji")
    return out


def sheets(plan: Masterplan, year: int) -> dict[str, list[dict[str, Any]]]:
    """The workbook of ``year`` read back: sheet name -> rows by column name."""
    data = workbook(build(plan, year, Links(SITE, "https://github.com/contoh/masterplan")), "Versi uji")
    book_ = openpyxl.load_workbook(io.BytesIO(data))
    out = {}
    for sheet in book_.worksheets:
        values = list(sheet.iter_rows(values_only=True))
        out[sheet.title] = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    return out


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def column_sum(rows: list[dict[str, Any]], name: str) -> int:
    return sum(row[name] or 0 for row in rows)


def open_data(plan: Masterplan, year: int) -> list[dict[str, Any]]:
    """spending.json rows of ``year``, without the cancelled programmes (every total of the
    site leaves them out; their rows stay in the files)."""
    cancelled = {p.id for p in plan.programs if not p.counted}
    rows = json.loads(exports.export(plan)["spending.json"])
    return [r for r in rows if r["tahun"] == year and r["id_program"] not in cancelled]


@pytest.mark.parametrize("year", [2025, 2026])
def test_money_per_dimension_and_in_total_is_the_sites_and_the_open_datas(
    plan: Masterplan, year: int
) -> None:
    book_ = sheets(plan, year)
    summary = {row["Dimensi"]: row for row in book_["Ringkasan"]}
    spending = open_data(plan, year)
    columns = [f"{word} {year} (Rp)" for word in MONEY]
    for d in plan.dimensions:
        figures = money.of_programs([p for p in plan.programs_of(d.key) if p.counted], [year])
        files = [r for r in spending if r["dimensi"] == d.key]
        expected = (
            figures.indication,
            figures.allocation,
            figures.spent,
        )
        in_files = tuple(sum(r[key] or 0 for r in files) for key in ("rencana", "pagu", "realisasi"))
        in_sheet = tuple(column_sum(book_[d.name_en], c) for c in columns)
        in_summary = tuple(summary[d.name_en][c] or 0 for c in columns)
        assert expected == in_files == in_sheet == in_summary, d.key
        row = summary[d.name_en]
        assert row[f"Serapan {year} (%)"] == rounded(figures.absorption)
        assert row[f"Terdanai {year} (%)"] == rounded(figures.funded)
    whole = money.of_programs(plan.counted_programs, [year])
    total = summary["Jumlah"]
    assert (whole.indication, whole.allocation, whole.spent) == tuple(total[c] or 0 for c in columns)
    assert tuple(total[c] or 0 for c in columns) == tuple(
        sum(r[key] or 0 for r in spending) for key in ("rencana", "pagu", "realisasi")
    )
    assert whole.spent > 0 and whole.indication > 0  # the sample reports both years


def test_the_pdf_shows_the_same_money(plan: Masterplan, written: Path) -> None:
    text = pdf_text(written / "paket-evaluasi-2026.pdf")
    # Each programme's line "Anggaran 2026 Indikasi Rp…; pagu APBD Rp…; realisasi Rp…".
    line = r"Anggaran 2026 Indikasi (\S+); pagu APBD (\S+); realisasi (\S+?)(?= Rekomendasi)"
    found = re.findall(rf"\b([A-Z]{{3}})-\d+ .*?{line}", text)
    assert len(found) == len([p for p in plan.programs if 2026 in p.years])
    for d in plan.dimensions:
        shown = [row[1:] for row in found if row[0] == PREFIXES[d.key]]
        figures = money.of_programs([p for p in plan.programs_of(d.key) if p.counted], [2026])
        sums = tuple(sum(rupiah_value(row[i]) for row in shown) for i in range(3))
        assert sums == (figures.indication, figures.allocation, figures.spent), d.key
    whole = money.of_programs(plan.counted_programs, [2026])
    total = " ".join(
        [
            fmt.rupiah(whole.indication),
            fmt.rupiah(whole.allocation),
            fmt.rupiah(whole.spent),
            absorption_text(whole.absorption),
            absorption_text(whole.funded),
        ]
    )
    assert re.search(rf"Jumlah {len(found)} (\d+ ){{4}}{re.escape(total)}", text), total


def rupiah_value(shown: str) -> int:
    """``Rp1.250.000`` -> 1250000; the dash of a missing figure -> 0."""
    return 0 if shown == "–" else int(shown.removeprefix("Rp").replace(".", ""))


def pdf_text(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(str(path)).pages))


def test_sheets_columns_and_a_programmes_row(plan: Masterplan) -> None:
    book_ = sheets(plan, 2026)
    assert list(book_) == ["Ringkasan", *(d.name_en for d in plan.dimensions), "Keterangan"]
    assert list(book_["Ringkasan"][0]) == [
        "Dimensi",
        "Program",
        "Indikator belum dilaporkan",
        "Indikator di bawah target",
        "Indikator sesuai target",
        "Indikator belum jatuh tempo",
        "Indikasi 2026 (Rp)",
        "Pagu APBD 2026 (Rp)",
        "Realisasi 2026 (Rp)",
        "Serapan 2026 (%)",
        "Terdanai 2026 (%)",
    ]
    governance = book_["Smart Governance"]
    assert list(governance[0]) == [
        "Kode program",
        "Judul program",
        "OPD pengampu",
        "Sub-kegiatan",
        "Status",
        "Keterangan status",
        "Quick win",
        "Indikator",
        "Satuan",
        "Arah",
        "Target 2026",
        "Realisasi indikator 2026",
        "Capaian 2026 (%)",
        "Keadaan 2026",
        "Indikasi 2026 (Rp)",
        "Pagu APBD 2026 (Rp)",
        "Realisasi 2026 (Rp)",
        "Rekomendasi evaluasi sebelumnya yang dijawab",
        "Halaman program",
        "Riwayat perubahan",
    ]
    first, second = [row for row in governance if row["Kode program"] == "GOV-01"]
    assert first["OPD pengampu"] == "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu (DPMPTSP)"
    assert first["Sub-kegiatan"].startswith("2.18.04.2.01.0001 Pelayanan Perizinan dan Nonperizinan")
    assert (first["Status"], first["Quick win"]) == ("Berjalan", "Tidak")
    assert (first["Target 2026"], first["Keadaan 2026"]) == (140, "Belum jatuh tempo")
    assert first["Pagu APBD 2026 (Rp)"] == 500_000_000 + 750_000_000
    assert first["Halaman program"] == SITE + "program/governance/mal-pelayanan-publik-digital-terintegrasi/"
    assert first["Riwayat perubahan"] == (
        "https://github.com/contoh/masterplan/commits/main/docs/program/governance/"
        "mal-pelayanan-publik-digital-terintegrasi.md"
    )
    # The programme's own columns stand on its first row only: the columns add up.
    assert second["Indikator"] and second["Judul program"] and second["Indikasi 2026 (Rp)"] is None
    # 2026 answers the evaluation of 2025; 2025 has no earlier evaluation to answer.
    (gov07,) = [row for row in governance if row["Kode program"] == "GOV-07" and row["OPD pengampu"]]
    assert gov07["Rekomendasi evaluasi sebelumnya yang dijawab"].startswith("rek-2025-01: Laporkan realisasi")
    earlier = sheets(plan, 2025)["Smart Governance"]
    assert not any(row["Rekomendasi evaluasi sebelumnya yang dijawab"] for row in earlier)
    # A cancelled programme is listed with its note, without indicators or money.
    (card,) = [row for row in sheets(plan, 2025)["Smart Economy"] if row["Kode program"] == "ECO-10"]
    assert card["Status"] == "Dibatalkan" and card["Keterangan status"].startswith("Dibatalkan:")
    assert card["Indikator"] is None and card["Indikasi 2025 (Rp)"] is None
    # 2025 has ended: its indicators are judged.
    states = {row["Keadaan 2025"] for row in earlier if row["Keadaan 2025"]}
    assert {"Sesuai target", "Di bawah target"} <= states


def test_a_hostile_title_is_text_in_both_files(written: Path) -> None:
    path = written / "paket-evaluasi-2026.xlsx"
    book_ = openpyxl.load_workbook(path)
    cells = [cell for sheet in book_.worksheets for row in sheet.iter_rows() for cell in row]
    titled = [cell for cell in cells if cell.value == HOSTILE]
    assert titled and all(cell.data_type == "s" for cell in titled)
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    text = pdf_text(written / "paket-evaluasi-2026.pdf")
    assert HOSTILE in text  # printed as written: neither markup nor a link
    reader = PdfReader(str(written / "paket-evaluasi-2026.pdf"))
    targets = [
        str(annotation.get_object().get("/A", {}).get("/URI", ""))
        for page in reader.pages
        for annotation in page.get("/Annots") or []
    ]
    assert targets and not [t for t in targets if "evil.example" in t]
    history = "https://github.com/smartcity-wonosobo/masterplan/commits/main/"
    assert all(t.startswith((SITE, history)) for t in targets)


def test_the_command_writes_the_workbook_the_library_builds(
    plan: Masterplan, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same bytes twice, and the command's workbook is the library's, with the links of
    mkdocs.yml. (The printer is stubbed: the module's one PDF is the ``written`` fixture's.)"""

    def printer(html: str, root: Path, out: Path) -> int:
        assert "paket-evaluasi" in out.name and root == repo
        out.write_bytes(b"%PDF-1.7 uji")
        return 3

    monkeypatch.setattr(book, "render_pdf", printer)
    out = tmp_path / "baru" / "paket"
    said = io.StringIO()
    assert main(["evaluation-pack", "2026", "--out", str(out), "--root", str(repo)], out=said) == 0
    assert said.getvalue().splitlines() == [
        f"{out / 'paket-evaluasi-2026.xlsx'} (41 program)",
        f"{out / 'paket-evaluasi-2026.pdf'} (3 halaman)",
    ]
    links = read_links(repo / "mkdocs.yml")
    assert links == Links(SITE, "https://github.com/smartcity-wonosobo/masterplan", "main")
    once = workbook(build(plan, 2026, links), book.version(repo))
    again = workbook(build(plan, 2026, links), book.version(repo))
    assert once == again == (out / "paket-evaluasi-2026.xlsx").read_bytes()
    assert sorted(p.name for p in out.iterdir()) == ["paket-evaluasi-2026.pdf", "paket-evaluasi-2026.xlsx"]


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("2024", "tahun 2024 di luar periode rencana 2025–2029"),
        ("2030", "tahun 2030 di luar periode rencana 2025–2029"),
        ("2027", "tahun 2027 belum berjalan pada tanggal acuan pemantauan 30 November 2026"),
        ("dua", "TAHUN 'dua' bukan tahun"),
    ],
)
def test_a_year_without_a_pack_is_refused(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], year: str, message: str
) -> None:
    out = tmp_path / "paket"
    assert main(["evaluation-pack", year, "--out", str(out), "--root", str(repo)], out=io.StringIO()) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_a_plan_with_problems_or_a_file_as_out_is_refused(
    plan_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = next((plan_repo / "docs/program").glob("*/*.md"))
    page.write_text(re.sub(r"(?m)^status: .*$", "status: delayed", page.read_text("utf-8"), count=1), "utf-8")
    out = tmp_path / "paket"
    said = io.StringIO()
    assert main(["evaluation-pack", "2025", "--out", str(out), "--root", str(plan_repo)], out=said) == 1
    assert "missing-status-note" in said.getvalue() and not out.exists()
    afile = tmp_path / "paket.xlsx"
    afile.write_text("lama", encoding="utf-8")
    assert main(["evaluation-pack", "2025", "--out", str(afile), "--root", str(plan_repo)], out=said) == 2
    assert "bukan folder" in capsys.readouterr().err and afile.read_text(encoding="utf-8") == "lama"


def test_an_interrupted_pack_leaves_the_previous_files(
    plan: Masterplan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "paket"
    out.mkdir()
    (out / "paket-evaluasi-2025.xlsx").write_bytes(b"lama")

    def broken(*_: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(book, "render_pdf", broken)
    with pytest.raises(OSError):
        write(build(plan, 2025, Links()), out, ROOT, "Versi uji")
    assert [p.name for p in out.iterdir()] == ["paket-evaluasi-2025.xlsx"]
    assert (out / "paket-evaluasi-2025.xlsx").read_bytes() == b"lama"


def test_links_come_from_the_sites_settings(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_url: https://kota.example/\nrepo_url: https://github.com/kota/mp\n"
        "edit_uri: edit/rilis/docs/\nextra: {repository: https://github.com/lain/mp}\n",
        encoding="utf-8",
    )
    assert read_links(config) == Links("https://kota.example/", "https://github.com/kota/mp", "rilis")
    config.write_text("site_url: javascript:alert(1)\nextra: {repository: https://github.com/lain/mp}\n")
    assert read_links(config) == Links("", "https://github.com/lain/mp", "main")
    config.write_text("markdown_extensions: [!!python/name:x.y]\n", encoding="utf-8")
    assert read_links(config) == Links()
    assert read_links(tmp_path / "none.yml") == Links()


def test_sheet_names_are_valid_and_unique() -> None:
    names = ["Smart Living", "smart living", "A/B: [c]*?", "'kutip'", "x" * 40, "x" * 40]
    data = xlsx.workbook_of([xlsx.Sheet(name, ["a"], [{"a": 1}]) for name in names])
    read = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert read == ["Smart Living", "smart living (2)", "A-B- -c---", "kutip", "x" * 31, "x" * 27 + " (2)"]
