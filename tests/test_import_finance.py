"""`masterplan import finance`: the pagu and realisasi of the region's finance export
(CSV or XLSX, per sub-kegiatan) into the programme pages that claim the codes, all or
nothing, told in the plan diff's sentences."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE, ROOT, SAMPLE
from masterplan.check.validate import check
from masterplan.commands.cli import main
from masterplan.commands.finance import rewrite, rupiah
from masterplan.model import Allocation, Program, SpendingLine

LIV = "docs/program/living/alat-bantu.md"
SOC = "docs/program/society/ruang-belajar.md"
ECO = "docs/program/economy/promosi-umkm.md"
SAMPLE_EXPORT = ROOT / "tests/fixtures/finance/realisasi-2026.csv"

#: As a finance application saves it with Indonesian settings: BOM, `;`, CRLF, amounts
#: with thousands dots and ",00", the regional two-digit kegiatan, quarter rows repeating
#: the yearly pagu and the APBD-P pagu only on the quarter after it was passed.
EXPORT = (
    "\ufeffKode Sub Kegiatan;Nama Sub Kegiatan;Tahun;Triwulan;Sumber Dana;Pagu Murni;Pagu Perubahan;"
    "Realisasi\r\n"
    "2.20.02.02.01.0001;Data Statistik;2026;1;APBD;1.500.000.000,00;;250.000.000,00\r\n"
    "2.20.02.02.01.0001;Data Statistik;2026;2;APBD;1.500.000.000,00;;Rp 300.000.000\r\n"
    "2.20.02.02.01.0001;Data Statistik;2026;3;APBD;1.500.000.000,00;1.400.000.000,00;Rp125.000.000,-\r\n"
    "2.16.02.2.02.0005;Panggilan Darurat;2026;;DAK;200000000;250.000.000;150.000.000\r\n"
    "1.02.02.2.02.0025;Sistem Informasi Kesehatan;2026;;dak;100.000.000;;50.000.000\r\n"
    "3.26.02.2.01.0001;Daya Tarik Wisata;2026;1;APBD;1;;1\r\n"
)


def _plan(
    tmp_path: Path, claims: dict[str, list[str]], *, as_of: str = "2026-09-30", shared: bool = False
) -> Path:
    """A copy of the test plan whose pages claim ``claims`` (page -> codes)."""
    repo = shutil.copytree(FIXTURE, tmp_path / "repo")
    for rel, codes in claims.items():
        page = repo / rel
        text = page.read_text("utf-8")
        support = next(line for line in text.splitlines() if line.startswith("support:"))
        added = f"\nsub_activities: [{', '.join(codes)}]" + (
            "\nshared_sub_activities: true" if shared else ""
        )
        page.write_text(text.replace(support, support + added, 1), "utf-8")
    plan = repo / "data/plan.yml"
    plan.write_text(plan.read_text("utf-8").replace("as_of: 2026-03-31", f"as_of: {as_of}"), "utf-8")
    assert check(repo).problems == []
    return repo


def _export(tmp_path: Path, text: str = EXPORT, name: str = "fin.csv") -> Path:
    source = tmp_path / name
    source.write_bytes(text.encode("utf-8"))
    return source


def _run(repo: Path, source: Path, *flags: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["import", "finance", str(source), "--root", str(repo), *flags], out=out)
    return code, out.getvalue()


def _files(repo: Path) -> dict[str, bytes]:
    return {p.relative_to(repo).as_posix(): p.read_bytes() for p in sorted(repo.rglob("*")) if p.is_file()}


def _program(repo: Path, rel: str) -> Program:
    report = check(repo)
    assert report.plan is not None and report.problems == [], report.problems
    return next(p for p in report.plan.programs if p.path == rel)


def _csv(*rows: str) -> str:
    return "kode sub kegiatan;tahun;triwulan;sumber dana;pagu murni;pagu perubahan;realisasi\n" + "".join(
        row + "\n" for row in rows
    )


def test_import_writes_pagu_and_quarters_into_the_pages_and_a_second_run_changes_nothing(
    tmp_path: Path,
) -> None:
    repo = _plan(tmp_path, {LIV: ["2.20.02.2.01.0001"], SOC: ["2.16.02.2.02.0005", "1.02.02.2.02.0025"]})
    before = {rel: (repo / rel).read_text("utf-8") for rel in (LIV, SOC)}
    old = {rel: _program(repo, rel) for rel in (LIV, SOC)}
    code, said = _run(repo, _export(tmp_path))
    assert code == 0, said

    liv = _program(repo, LIV)
    assert liv.allocations == [
        Allocation(year=2026, source="APBD", phase="murni", amount=1_500_000_000),
        Allocation(year=2026, source="APBD", phase="perubahan", amount=1_400_000_000),
    ]
    assert liv.spending == [
        SpendingLine(year=2026, amount=250_000_000, source="APBD", quarter=1),
        SpendingLine(year=2026, amount=300_000_000, source="APBD", quarter=2),
        SpendingLine(year=2026, amount=125_000_000, source="APBD", quarter=3),
    ]
    soc = _program(repo, SOC)
    # Summed over the programme's codes; a code without an APBD-P counts its pagu murni.
    assert soc.allocations == [
        Allocation(year=2026, source="DAK", phase="murni", amount=300_000_000),
        Allocation(year=2026, source="DAK", phase="perubahan", amount=350_000_000),
    ]
    assert soc.spending == [
        SpendingLine(year=2025, amount=220_000_000, source="APBD"),
        SpendingLine(year=2026, amount=200_000_000, source="DAK"),
    ]
    for rel, new in ((LIV, liv), (SOC, soc)):
        kept = (old[rel].body, old[rel].indicators, old[rel].budget, old[rel].status, old[rel].support)
        assert (new.body, new.indicators, new.budget, new.status, new.support) == kept

    # Only the two keys change, where the layout writes them; every other line stays.
    assert (repo / SOC).read_text("utf-8") == before[SOC].replace(
        "spending:\n",
        "allocations:\n"
        "  - {year: 2026, source: DAK, phase: murni, amount: 300000000}\n"
        "  - {year: 2026, source: DAK, phase: perubahan, amount: 350000000}\n"
        "spending:\n",
    ).replace(
        "  - {year: 2025, amount: 220000000, source: APBD}\n",
        "  - {year: 2025, amount: 220000000, source: APBD}\n"
        "  - {year: 2026, amount: 200000000, source: DAK}\n",
    )
    assert (repo / LIV).read_text("utf-8") == before[LIV].replace(
        "indicators:\n",
        "allocations:\n"
        "  - {year: 2026, source: APBD, phase: murni, amount: 1500000000}\n"
        "  - {year: 2026, source: APBD, phase: perubahan, amount: 1400000000}\n"
        "spending:\n"
        "  - {year: 2026, amount: 250000000, source: APBD, quarter: 1}\n"
        "  - {year: 2026, amount: 300000000, source: APBD, quarter: 2}\n"
        "  - {year: 2026, amount: 125000000, source: APBD, quarter: 3}\n"
        "indicators:\n",
    )

    # Told in the plan diff's sentences, then the rows no programme claims, then a count.
    assert "LIV-01 Alat Bantu Disabilitas di Angkutan Umum (docs/program/living/alat-bantu.md)" in said
    assert "  - pagu 2026 APBD murni: — → Rp1.500.000.000" in said
    assert "  - pagu 2026 DAK perubahan: — → Rp350.000.000" in said
    assert "  - realisasi anggaran 2026 APBD triwulan 3: — → Rp125.000.000" in said
    assert "  - realisasi anggaran 2026 DAK: — → Rp200.000.000" in said
    assert "fin.csv:7: 3.26.02.2.01.0001" in said
    assert said.rstrip().endswith("2 program diubah.")

    files = _files(repo)
    code, said = _run(repo, _export(tmp_path))
    assert code == 0, said
    assert "Tidak ada yang diubah" in said and "fin.csv:7: 3.26.02.2.01.0001" in said
    assert _files(repo) == files


def test_dry_run_prints_the_changes_and_writes_nothing(tmp_path: Path) -> None:
    repo = _plan(tmp_path, {LIV: ["2.20.02.2.01.0001"]})
    files = _files(repo)
    code, said = _run(repo, _export(tmp_path), "--dry-run")
    assert code == 0, said
    assert "  - realisasi anggaran 2026 APBD triwulan 1: — → Rp250.000.000" in said
    assert "1 program akan diubah; --dry-run: tidak ada berkas yang ditulis." in said
    assert _files(repo) == files


def test_a_code_two_programmes_claim_refuses_the_whole_import(tmp_path: Path) -> None:
    repo = _plan(tmp_path, {LIV: ["2.20.02.2.01.0001"], SOC: ["2.20.02.2.01.0001"]}, shared=True)
    files = _files(repo)
    code, said = _run(repo, _export(tmp_path))
    assert code == 1
    first = said.splitlines()[0]
    assert first.startswith("fin.csv:2: kode 2.20.02.2.01.0001 dicantumkan oleh 2 program")
    assert LIV in first and SOC in first
    assert said.rstrip().endswith("Tidak ada berkas yang diubah.")
    assert "Traceback" not in said
    assert _files(repo) == files


def test_codes_no_programme_claims_are_listed_and_skipped(tmp_path: Path) -> None:
    repo = _plan(tmp_path, {})
    files = _files(repo)
    code, said = _run(repo, _export(tmp_path))
    assert code == 0, said
    for line, code_ in ((2, "2.20.02.2.01.0001"), (5, "2.16.02.2.02.0005"), (7, "3.26.02.2.01.0001")):
        assert f"  fin.csv:{line}: {code_}\n" in said
    assert "Tidak ada yang diubah" in said
    assert _files(repo) == files


@pytest.mark.parametrize(
    "written",
    [
        "1.500.000.000,00",
        "Rp 1.500.000.000",
        "Rp1.500.000.000,-",
        "Rp. 1.500.000.000",
        "1500000000",
        1500000000.0,
    ],
)
def test_amounts_are_read_as_indonesians_write_them(written: object) -> None:
    assert rupiah(written) == 1_500_000_000


@pytest.mark.parametrize("written", ["1.500,50", "1,500,000", "1.50", "-1.000", "satu juta", 1500.5, -1])
def test_what_is_not_a_whole_rupiah_is_refused(written: object) -> None:
    with pytest.raises(ValueError):
        rupiah(written)


def test_a_fraction_of_a_rupiah_is_refused_with_its_line_and_column(tmp_path: Path) -> None:
    repo = _plan(tmp_path, {LIV: ["2.20.02.2.01.0001"]})
    files = _files(repo)
    export = "Kode Sub Kegiatan;Tahun;Pagu Murni;Realisasi\n2.20.02.2.01.0001;2026;1.500.000,00;1.500,50\n"
    code, said = _run(repo, _export(tmp_path, export))
    assert code == 1
    assert said.splitlines()[0].startswith(
        "fin.csv:2: kolom `Realisasi`: `1.500,50` memuat pecahan rupiah (,50)."
    )
    assert _files(repo) == files


def test_a_missing_required_heading_is_refused_naming_the_expected_ones(tmp_path: Path) -> None:
    repo = _plan(tmp_path, {})
    code, said = _run(
        repo, _export(tmp_path, "Kode Sub Kegiatan;Tahun;Pagu;Realisasi\n1.02.02.2.02.0025;2026;1;1\n")
    )
    assert code == 1
    first = said.splitlines()[0]
    assert first.startswith("fin.csv:1: kolom wajib tidak ditemukan: pagu murni.")
    assert "kode sub kegiatan, tahun, pagu murni, realisasi" in first
    assert "triwulan, sumber dana, pagu perubahan" in first


def test_quarter_rows_that_disagree_on_the_yearly_pagu_are_refused(tmp_path: Path) -> None:
    repo = _plan(tmp_path, {LIV: ["2.20.02.2.01.0001"]})
    export = _csv("2.20.02.2.01.0001;2026;1;APBD;100;;1", "2.20.02.2.01.0001;2026;2;APBD;200;;1")
    code, said = _run(repo, _export(tmp_path, export))
    assert code == 1
    assert said.startswith(
        "fin.csv:3: pagu murni kode 2.20.02.2.01.0001 tahun 2026 APBD Rp200, padahal Rp100"
    )


def test_an_xlsx_export_gives_the_same_pages_as_the_csv(tmp_path: Path) -> None:
    import openpyxl

    claims = {LIV: ["2.20.02.2.01.0001"], SOC: ["2.16.02.2.02.0005", "1.02.02.2.02.0025"]}
    from_csv = _plan(tmp_path / "csv", claims)
    from_xlsx = _plan(tmp_path / "xlsx", claims)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    # A title block above the headings, headings in other case and with a unit, numbers
    # as numbers (a float where Excel keeps one), as a finance application exports them.
    sheet.append(["LAPORAN REALISASI ANGGARAN PER SUB KEGIATAN TAHUN 2026"])
    sheet.append([])
    sheet.append(
        [
            "KODE SUB KEGIATAN",
            "Tahun",
            "Triwulan",
            "Sumber Dana",
            "Pagu Murni (Rp)",
            "Pagu Perubahan",
            "REALISASI",
        ]
    )
    sheet.append(["2.20.02.02.01.0001", 2026, 1, "APBD", 1_500_000_000, None, 250_000_000])
    sheet.append(["2.20.02.02.01.0001", 2026, 2, "APBD", 1_500_000_000.0, None, 300_000_000])
    sheet.append(["2.20.02.02.01.0001", 2026, 3, "APBD", 1_500_000_000, 1_400_000_000, 125_000_000.0])
    sheet.append(["2.16.02.2.02.0005", 2026.0, None, "DAK", 200_000_000, "250.000.000", 150_000_000])
    sheet.append(["1.02.02.2.02.0025", 2026, None, "DAK", "100.000.000,00", None, 50_000_000])
    sheet.append(["3.26.02.2.01.0001", 2026, 1, "APBD", 1, None, 1])
    # Only the first sheet is read.
    book.create_sheet("Catatan").append(["kode sub kegiatan", "tahun", "pagu murni", "realisasi"])
    workbook = tmp_path / "fin.xlsx"
    book.save(workbook)

    assert _run(from_csv, _export(tmp_path))[0] == 0
    code, said = _run(from_xlsx, workbook)
    assert code == 0, said
    assert "fin.xlsx:9: 3.26.02.2.01.0001" in said
    for rel in (LIV, SOC):
        assert (from_xlsx / rel).read_bytes() == (from_csv / rel).read_bytes()


def test_quarters_replace_a_whole_year_line_and_the_reverse(tmp_path: Path) -> None:
    repo = _plan(tmp_path, {SOC: ["1.02.02.2.02.0025"]})  # SOC-01 holds 2025 APBD for the year
    quarters = _csv(*(f"1.02.02.2.02.0025;2025;{q};APBD;400.000.000;;{q}0.000.000" for q in (1, 2, 3, 4)))
    assert _run(repo, _export(tmp_path, quarters))[0] == 0
    assert _program(repo, SOC).spending == [
        SpendingLine(year=2025, amount=q * 10_000_000, source="APBD", quarter=q) for q in (1, 2, 3, 4)
    ]
    whole = _csv("1.02.02.2.02.0025;2025;;APBD;400.000.000;;385.000.000")
    code, said = _run(repo, _export(tmp_path, whole))
    assert code == 0, said
    assert "  - realisasi anggaran 2025 APBD triwulan 4: Rp40.000.000 → —" in said
    assert "  - realisasi anggaran 2025 APBD: — → Rp385.000.000" in said
    assert _program(repo, SOC).spending == [SpendingLine(year=2025, amount=385_000_000, source="APBD")]


def test_a_row_the_file_gives_for_the_year_and_by_quarter_is_refused(tmp_path: Path) -> None:
    repo = _plan(tmp_path, {SOC: ["1.02.02.2.02.0025", "2.16.02.2.02.0005"]})
    export = _csv("1.02.02.2.02.0025;2026;;APBD;1;;1", "2.16.02.2.02.0005;2026;1;APBD;1;;1")
    code, said = _run(repo, _export(tmp_path, export))
    assert code == 1
    assert said.startswith(
        "fin.csv:3: SOC-01 (docs/program/society/ruang-belajar.md) 2026 APBD dilaporkan per"
    )


def test_an_import_the_validator_would_refuse_writes_nothing(tmp_path: Path) -> None:
    repo = _plan(tmp_path, {LIV: ["2.20.02.2.01.0001"]}, as_of="2026-03-31")
    files = _files(repo)
    export = _csv("2.20.02.2.01.0001;2026;1;APBD;100;;10", "2.20.02.2.01.0001;2026;2;APBD;100;;20")
    code, said = _run(repo, _export(tmp_path, export))
    assert code == 1
    first = said.splitlines()[0]
    # Told against the row that brings it, with what the validator says.
    assert first.startswith("fin.csv:3: sesudah impor, docs/program/living/alat-bantu.md:")
    assert "triwulan 2 belum dimulai" in first
    assert _files(repo) == files


def test_the_sample_export_imports_into_a_plan_that_claims_its_codes(tmp_path: Path) -> None:
    repo = _plan(
        tmp_path,
        {
            ECO: ["2.18.04.2.01.0001"],
            LIV: ["1.02.02.2.02.0025"],
            SOC: ["2.20.02.2.01.0001", "2.16.02.2.02.0005"],
        },
        as_of="2026-11-30",
    )
    code, said = _run(repo, SAMPLE_EXPORT)
    assert code == 0, said
    assert "realisasi-2026.csv:16: 3.26.02.2.01.0001" in said
    assert said.rstrip().endswith("3 program diubah.")

    def lines(program: Program) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
        return (
            [(a.year, a.source, a.phase, a.amount) for a in program.allocations],
            [(s.year, s.source, s.quarter, s.amount) for s in program.spending],
        )

    assert lines(_program(repo, ECO)) == (
        [(2026, "APBD", "murni", 500_000_000), (2026, "DAK", "murni", 750_000_000)],
        [
            (2026, "APBD", 1, 90_000_000),
            (2026, "APBD", 2, 140_000_000),
            (2026, "APBD", 3, 95_000_000),
            (2026, "DAK", 2, 160_000_000),
            (2026, "DAK", 3, 240_000_000),
        ],
    )
    assert lines(_program(repo, LIV)) == (
        [(2026, "APBD", "murni", 600_000_000), (2026, "DAK", "murni", 800_000_000)],
        [
            (2026, "APBD", 1, 130_000_000),
            (2026, "APBD", 2, 210_000_000),
            (2026, "APBD", 3, 160_000_000),
            (2026, "DAK", 2, 350_000_000),
            (2026, "DAK", 3, 300_000_000),
        ],
    )
    # Two codes: GOV-07's with its APBD-P (550 of 600) and SOC-05's, not funded (0, no
    # realisasi): the programme's APBD-P total is 550 + SOC-05's unchanged 0.
    assert lines(_program(repo, SOC)) == (
        [(2026, "APBD", "murni", 600_000_000), (2026, "APBD", "perubahan", 550_000_000)],
        [
            (2025, "APBD", None, 220_000_000),
            (2026, "APBD", 1, 120_000_000),
            (2026, "APBD", 2, 150_000_000),
            (2026, "APBD", 3, 110_000_000),
        ],
    )


def test_the_sample_plans_2026_figures_are_those_of_the_sample_export(tmp_path: Path) -> None:
    """The sample's pagu and quarterly realisasi for 2026 came from this export: importing
    it again changes nothing."""
    repo = shutil.copytree(SAMPLE, tmp_path / "sample")
    before = _files(repo)
    code, said = _run(repo, SAMPLE_EXPORT)
    assert code == 0, said
    assert "Tidak ada yang diubah" in said
    assert _files(repo) == before


def test_a_rewritten_page_keeps_its_line_endings_comments_and_narrative() -> None:
    page = (
        "\ufeff---\r\n"
        "id: LIV-01\r\n"
        "# Diisi dari aplikasi keuangan.\r\n"
        "spending:\r\n"
        "- {year: 2025, amount: 1, source: APBD}   # lama\r\n"
        "\r\n"
        "# Indikator\r\n"
        "indicators: []\r\n"
        "---\r\n"
        "## Latar belakang\r\n\r\nTeks  \r\n"
    )
    items = [{"year": 2025, "amount": 2, "source": "APBD"}]
    assert rewrite(page, {"spending": items}) == page.replace(
        "- {year: 2025, amount: 1, source: APBD}   # lama\r\n",
        "  - {year: 2025, amount: 2, source: APBD}\r\n",
    )


def test_a_page_that_cannot_be_edited_in_place_gets_the_layout_writers_front_matter() -> None:
    # A quoted key is not found by its name: the in-place edit would write it twice.
    page = '---\nid: LIV-01\n"spending": [{year: 2025, amount: 1, source: APBD}]\nindicators: []\n---\n'
    page += "\n## Teks\n"
    items = [{"year": 2025, "amount": 2, "source": "APBD"}]
    assert rewrite(page, {"spending": items}) == (
        "---\nid: LIV-01\nspending:\n  - {year: 2025, amount: 2, source: APBD}\nindicators: []\n"
        "---\n\n## Teks\n"
    )


def test_a_page_whose_spending_is_already_wrong_is_not_rewritten(tmp_path: Path) -> None:
    repo = _plan(tmp_path, {SOC: ["1.02.02.2.02.0025"]})
    page = repo / SOC
    wrong = "  - {year: 2025, amount: 220000000, source: APBD, quarter: 5}\n"
    page.write_text(
        page.read_text("utf-8").replace("  - {year: 2025, amount: 220000000, source: APBD}\n", wrong)
    )
    files = _files(repo)
    code, said = _run(repo, _export(tmp_path, _csv("1.02.02.2.02.0025;2026;;APBD;1;;1")))
    assert code == 1
    assert said.startswith(f"{SOC}:")
    assert "`spending[0].quarter` bernilai 5" in said
    assert (
        "Perbaiki dulu (masterplan validate), lalu ulangi impor: impor menulis ulang `spending` SOC-01."
        in said
    )
    assert _files(repo) == files
