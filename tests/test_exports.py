"""Open data and the print edition: valid data package, totals that reconcile with the
site, delivery figures equal to the model's, and a PDF that holds every programme."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import frictionless
import pytest
from pypdf import PdfReader

from conftest import ROOT, SAMPLE
from masterplan import fmt
from masterplan.check.validate import Report, check
from masterplan.commands.cli import main
from masterplan.figures import delivery
from masterplan.figures.aggregate import Figures
from masterplan.model import Masterplan
from masterplan.outputs import exports
from masterplan.outputs.book import book_html, write_pdf
from masterplan.views import Views
from masterplan.views.achievement import capaian
from masterplan.views.budget import absorption_text

#: Every table of the package, by file name without extension.
TABLES = (
    "programs",
    "budget",
    "indicators",
    "actuals",
    "spending",
    "renja",
    "indicator-metadata",
    "corrections",
    "evaluations",
    "evaluation-dimensions",
    "recommendations",
    "opd",
)


@pytest.fixture(scope="module")
def sample() -> Report:
    report = check(SAMPLE)
    assert report.plan is not None and report.problems == []
    return report


@pytest.fixture(scope="module")
def package(sample: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("data")
    assert sample.plan is not None
    exports.write(exports.export(sample.plan), out)
    return out


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((folder / name).read_text(encoding="utf-8"))))


def test_every_file_validates_against_its_schema(package: Path) -> None:
    report = frictionless.validate(str(package / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    assert len(report.tasks) == 3 * len(TABLES)


def test_validation_would_catch_a_wrong_value(package: Path, tmp_path: Path) -> None:
    for path in package.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    budget = tmp_path / "budget.csv"
    budget.write_text(budget.read_text(encoding="utf-8").replace(",APBD,", ",APBD,x", 1), encoding="utf-8")
    assert not frictionless.validate(str(tmp_path / "datapackage.json")).valid


def test_package_names_producer_licence_and_every_file(package: Path) -> None:
    meta = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert meta["licenses"][0]["name"] == "CC-BY-4.0"
    assert {c["role"] for c in meta["contributors"]} == {"author", "publisher"}
    formats = ("csv", "json", "xlsx")
    assert {r["path"] for r in meta["resources"]} == {f"{t}.{f}" for t in TABLES for f in formats}


def test_totals_in_the_files_equal_the_totals_on_the_site(sample: Report, package: Path) -> None:
    plan = sample.plan
    assert plan is not None
    # Every total leaves cancelled programmes out (their rows stay in the files).
    cancelled = {r["id"] for r in rows(package, "programs.csv") if r["status"] == "cancelled"}
    assert cancelled, "the sample has a cancelled programme"
    budget = sum(int(r["jumlah"]) for r in rows(package, "budget.csv") if r["id_program"] not in cancelled)
    listed = rows(package, "programs.csv")
    programmes = sum(int(r["anggaran_total"]) for r in listed if r["id"] not in cancelled)
    opds = sum(int(r["anggaran_program_dipimpin"]) for r in rows(package, "opd.csv"))
    records = json.loads((package / "budget.json").read_text(encoding="utf-8"))
    json_total = sum(r["jumlah"] for r in records if r["id_program"] not in cancelled)
    assert budget == programmes == opds == json_total == plan.total_budget
    page = Views(plan).budget("")
    assert f"<strong>{fmt.rupiah(budget)}</strong>" in page
    assert len(rows(package, "programs.csv")) == len(plan.programs)


def test_export_command_writes_the_same_files(sample: Report, tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["export", "--root", str(SAMPLE), "--out", str(tmp_path)], out=out) == 0
    assert sample.plan is not None
    for name, data in exports.export(sample.plan).items():
        assert (tmp_path / name).read_bytes() == data


@pytest.fixture
def fixture_plan(plan_repo: Path) -> Masterplan:
    report = check(plan_repo)
    assert report.plan is not None and report.problems == [], report.problems
    return report.plan


def written(plan: Masterplan, folder: Path) -> Path:
    exports.write(exports.export(plan), folder)
    return folder


def json_rows(folder: Path, name: str) -> list[dict[str, object]]:
    data: list[dict[str, object]] = json.loads((folder / name).read_text(encoding="utf-8"))
    return data


def test_actuals_carry_the_achievement_and_state_the_pages_show(
    fixture_plan: Masterplan, tmp_path: Path
) -> None:
    folder = written(fixture_plan, tmp_path)
    as_of = fixture_plan.as_of
    expected = [
        (p.id, ind.name, ind.direction, y)
        for p in sorted(fixture_plan.programs, key=lambda p: p.id)
        for ind in p.indicators
        for y in delivery.indicator_years(ind, as_of)
    ]
    csv_rows, data = rows(folder, "actuals.csv"), json_rows(folder, "actuals.json")
    assert len(csv_rows) == len(data) == len(expected) == 7
    for row, item, (id_, name, direction, y) in zip(csv_rows, data, expected, strict=True):
        assert (row["id_program"], row["indikator"], row["arah"], int(row["tahun"])) == (
            id_,
            name,
            direction,
            y.year,
        )
        assert row["keadaan"] == item["keadaan"] == y.state
        assert item["realisasi"] == y.actual and item["target"] == y.target
        if y.achievement is None:
            assert row["capaian"] == "" and item["capaian"] is None
        else:
            assert float(row["capaian"]) == item["capaian"] == round(y.achievement, 2)
    # The fixture's two reported years: 6 of 10 villages (behind), a drop-out rate of 2.8
    # against 3.0 where lower is better (on track).
    reported = {
        (r["indikator"], r["tahun"]): (r["capaian"], r["keadaan"]) for r in csv_rows if r["realisasi"]
    }
    assert reported == {
        ("Desa dengan ruang belajar digital", "2025"): ("60.0", "behind"),
        ("Angka putus sekolah", "2025"): ("106.67", "on-track"),
    }
    assert ("Armada dengan alat bantu", "2025", "not-reported") in {
        (r["indikator"], r["tahun"], r["keadaan"]) for r in csv_rows
    }


def test_planned_and_spent_reconcile_with_the_model_and_the_budget_page(
    fixture_plan: Masterplan, tmp_path: Path
) -> None:
    folder = written(fixture_plan, tmp_path)
    spending = rows(folder, "spending.csv")
    planned = sum(int(r["rencana"]) for r in spending)
    spent = sum(int(r["realisasi"] or 0) for r in spending)
    assert planned == fixture_plan.total_budget == sum(int(r["jumlah"]) for r in rows(folder, "budget.csv"))
    assert spent == sum(p.total_spending for p in fixture_plan.programs) == 220_000_000
    data = json_rows(folder, "spending.json")
    assert sum(int(str(r["rencana"])) for r in data) == planned
    assert sum(int(str(r["realisasi"] or 0)) for r in data) == spent
    assert sum(int(r["realisasi_total"]) for r in rows(folder, "programs.csv")) == spent
    assert sum(int(r["realisasi_program_dipimpin"]) for r in rows(folder, "opd.csv")) == spent
    # Not reported is not zero: the cell stays empty, and only reported rows have serapan.
    soc = [r for r in spending if r["id_program"] == "SOC-01"]
    assert [(r["tahun"], r["sumber_dana"], r["realisasi"], r["serapan"]) for r in soc] == [
        ("2025", "APBD", "220000000", "55.0"),
        ("2026", "APBD", "", ""),
        ("2026", "CSR", "", ""),
    ]
    page = Views(fixture_plan).budget("")
    assert f"<strong>{fmt.rupiah(spent)}</strong>" in page


def test_evaluations_and_recommendations_equal_the_model(fixture_plan: Masterplan, tmp_path: Path) -> None:
    folder = written(fixture_plan, tmp_path)
    (evaluation,) = fixture_plan.evaluations
    (row,) = rows(folder, "evaluations.csv")
    assert row == {
        "tahun": "2025",
        "tanggal": "2026-02-20",
        "penilai": "Tim Evaluasi Nasional",
        "indeks": "2.35",
        "baseline": "2.8",
        "output": "2.4",
        "outcome": "2.1",
        "impact": "1.9",
        "quick_win": "3.1",
    }
    assert json_rows(folder, "evaluations.json")[0]["indeks"] == evaluation.index
    dimensions = rows(folder, "evaluation-dimensions.csv")
    assert [r["dimensi"] for r in dimensions] == [d.key for d in fixture_plan.dimensions]
    assert {r["dimensi"]: float(r["nilai"]) for r in dimensions} == evaluation.dimensions
    assert [(r["kunci"], r["program"], r["dijawab"]) for r in rows(folder, "recommendations.csv")] == [
        ("rek-2025-01", "SOC-01", "true"),
        ("rek-2025-02", "", "false"),
    ]
    assert [r["dijawab"] for r in json_rows(folder, "recommendations.json")] == [True, False]


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("evaluations.csv", ",2.35,", ",4.5,"),  # a score above the scale
        ("evaluation-dimensions.csv", ",2.6\r\n", ",-0.1\r\n"),  # below it
        ("actuals.csv", ",behind\r\n", ",late\r\n"),  # a state that does not exist
        ("actuals.csv", ",up,", ",sideways,"),  # a direction that does not exist
        ("spending.csv", ",APBD,", ",APBDX,"),  # an unknown source
        ("spending.csv", ",220000000,", ",-220000000,"),  # negative spending
        ("recommendations.csv", ",true\r\n", ",ya\r\n"),  # not a boolean
        ("recommendations.csv", "rek-2025-01", ""),  # a required key left blank
    ],
)
def test_the_package_rejects_a_value_outside_its_constraints(
    fixture_plan: Masterplan, tmp_path: Path, name: str, old: str, new: str
) -> None:
    folder = written(fixture_plan, tmp_path)
    assert frictionless.validate(str(folder / "datapackage.json")).valid
    path = folder / name
    data = path.read_bytes().decode("utf-8")
    assert old in data
    path.write_bytes(data.replace(old, new, 1).encode("utf-8"))
    # The hash and size would already fail; the package must fail on the value itself.
    meta = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in meta["resources"]:
        resource.pop("hash"), resource.pop("bytes")
    (folder / "datapackage.json").write_text(json.dumps(meta), encoding="utf-8")
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert not report.valid
    assert {task.name for task in report.tasks if not task.valid} == {name.removesuffix(".csv") + "-csv"}


def test_text_that_a_spreadsheet_would_run_is_defused_in_the_csv(plan_repo: Path, tmp_path: Path) -> None:
    formulas = {
        "docs/program/society/ruang-belajar.md": [
            ("name: Angka putus sekolah", 'name: \'=HYPERLINK("http://x","a")\''),
            ('status_note: "Pengadaan', 'status_note: "-2+3 Pengadaan'),
        ],
        "data/evaluations.yml": [
            ("assessor: Tim Evaluasi Nasional", "assessor: '@SUM(A1)'"),
            ("text: Susun rencana", "text: +Susun rencana"),
        ],
        # Read with `;` (Excel with Indonesian regional settings), the text after each `;`
        # is a cell of its own; a line break starts a row; blanks before `=` do not help.
        "docs/program/living/alat-bantu.md": [
            ("title: Alat Bantu Disabilitas di Angkutan Umum", "title: \"Layanan;=cmd|' /C calc'!A0;x\""),
            ("name: Armada dengan alat bantu", 'name: "\\u00a0 =1+1 armada,\\n-2 unit"'),
        ],
    }
    for rel, edits in formulas.items():
        path = plan_repo / rel
        text = path.read_text(encoding="utf-8")
        for old, new in edits:
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    report = check(plan_repo)
    assert report.plan is not None and report.problems == [], report.problems
    folder = written(report.plan, tmp_path)
    assert frictionless.validate(str(folder / "datapackage.json")).valid
    cells = [
        ("actuals", "indikator", '=HYPERLINK("http://x","a")'),
        ("programs", "keterangan_status", "-2+3 Pengadaan perangkat diulang karena penyedia mundur."),
        ("evaluations", "penilai", "@SUM(A1)"),
        ("recommendations", "rekomendasi", "+Susun rencana aksi pengurangan emisi kendaraan dinas"),
    ]
    for table, column, value in cells:
        assert "'" + value in [r[column] for r in rows(folder, f"{table}.csv")], (table, column)
        assert value in [r[column] for r in json_rows(folder, f"{table}.json")], (table, column)
    titles = [r["judul"] for r in json_rows(folder, "programs.json")]
    assert "Layanan;=cmd|' /C calc'!A0;x" in titles, "the JSON keeps the text as written"
    assert_no_formula_cell(folder)
    assert exports.csv_text("Rp5;-") == "Rp5;'-" and exports.csv_text("\nx") == "'\nx"


def assert_no_formula_cell(folder: Path) -> None:
    """Every CSV, read with `,` and with `;` as a spreadsheet does (quotes honoured only at
    the start of a cell, rows split at line breaks when a quote is not): no cell starts,
    after blanks and no-break spaces, with what starts a formula. A number is a number."""
    for path in folder.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        for separator in (",", ";"):
            readings = [list(csv.reader(io.StringIO(text), delimiter=separator))]
            readings.append([line.split(separator) for line in re.split(r"\r\n|\r|\n", text)])
            for table in readings:
                for row in table:
                    for cell in row:
                        shown = cell.strip(' \u00a0"')
                        if shown.startswith(exports.FORMULA_START) and not _is_number(shown):
                            raise AssertionError(f"{path.name} read with {separator!r}: {cell!r}")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def cells(html: str, table_id: str) -> list[list[str]]:
    """The text of each body row's cells (header cell included) of one table."""
    match = re.search(rf'<table [^>]*id="{table_id}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert match, table_id
    return [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", match.group(1))
    ]


def test_print_edition_has_a_monitoring_chapter_that_agrees_with_the_model(plan_repo: Path) -> None:
    report = check(plan_repo)
    plan = report.plan
    assert plan is not None and report.problems == []
    html = book_html(report, Views(plan), "")
    assert '<a class="mp-toc-link" href="#bab-pemantauan">Pemantauan dan evaluasi</a>' in html
    chapter = html.split('<section class="mp-chapter mp-book-monitoring" aria-labelledby="bab-pemantauan">')[
        1
    ]
    assert chapter.startswith('\n<h2 id="bab-pemantauan">9. Pemantauan dan evaluasi</h2>')
    assert f"per <strong>{fmt.date(plan.as_of)}</strong>" in chapter
    assert "<svg" not in chapter  # print: tables only
    assert chapter.count("<table ") == chapter.count("<caption>")

    # Every indicator, at its latest due year, as delivery computes it.
    shown = []
    for d in plan.dimensions:
        programs = plan.programs_of(d.key)
        if any(p.indicators for p in programs):
            shown += cells(chapter, f"cetak-capaian-{d.key}")
    expected = []
    for p in sorted(plan.programs, key=lambda p: p.id):
        for ind in p.indicators:
            y = delivery.latest(ind, plan.as_of)
            assert y is not None
            expected.append(
                [
                    p.id,
                    ind.name,
                    str(y.year),
                    fmt.number(y.target) if y.target is not None else "—",
                    fmt.number(y.actual) if y.actual is not None else "—",
                    capaian(y.achievement),
                    delivery.STATES[y.state],
                ]
            )
    assert [[row[0], row[1].split(" (")[0], *row[2:]] for row in shown] == expected
    assert [
        "SOC-01",
        "Desa dengan ruang belajar digital",
        "2025",
        "10",
        "6",
        "60%",
        "Di bawah target",
    ] in expected
    summary = {row[0]: row[1:] for row in cells(chapter, "cetak-capaian-ringkas")}
    whole = delivery.tally(plan.programs, plan.as_of)
    assert sum(int(counts[-1]) for counts in summary.values()) == len(whole.items) == 3
    assert summary["Smart Society"] == ["0", "1", "1", "0", "2"]

    # Planned (started years) against spent per dimension, as on the budget page.
    f = Figures(plan)
    ps = f.money_by_dimension
    rows_ = cells(chapter, "cetak-realisasi-dimensi")
    assert [row[0] for row in rows_] == [d.name_en for d in plan.dimensions]
    for d, row in zip(plan.dimensions, rows_, strict=True):
        planned, spent = ps[d.key].indication, ps[d.key].spent
        assert row[1:] == [
            fmt.rupiah(planned) if planned else "–",
            fmt.rupiah(spent) if spent else "–",
            absorption_text(ps[d.key].absorption),
        ]
    assert ps.total.spent == sum(p.total_spending for p in plan.programs)
    assert f"<strong>{fmt.rupiah(ps.total.spent)}</strong>" in chapter
    assert ["Smart Society", "Rp800.000.000", "Rp220.000.000", "27,5%"] in rows_

    # The latest evaluation: index, five parts, dimensions, recommendations.
    latest = plan.evaluations[-1]
    assert f"indeks <strong>{fmt.number(latest.index)}</strong> dari 4" in chapter
    assert [row[1] for row in cells(chapter, "cetak-evaluasi-bagian")] == [
        fmt.number(v) for v in (2.8, 2.4, 2.1, 1.9, 3.1)
    ]
    assert {row[0]: row[1] for row in cells(chapter, "cetak-evaluasi-dimensi")} == {
        d.name_en: fmt.number(latest.dimensions[d.key]) for d in plan.dimensions
    }
    recommendations = cells(chapter, "cetak-rekomendasi")
    assert [row[0] for row in recommendations] == [r.key for r in latest.recommendations]
    assert recommendations[0][3] == "SOC-01 Ruang Belajar Digital Desa (Tertunda)"
    assert recommendations[1][3] == "Belum ada program yang menjawab."


def test_monitoring_chapter_without_evaluations_or_indicators_says_so(plan_repo: Path) -> None:
    (plan_repo / "data/evaluations.yml").unlink()
    report = check(plan_repo)
    assert report.plan is not None and report.problems == []
    for p in report.plan.programs:
        p.indicators = []
    chapter = book_html(report, Views(report.plan), "").split('id="bab-pemantauan"')[1]
    assert "Belum ada program dengan indikator kinerja." in chapter
    assert "Belum ada hasil evaluasi yang tercatat." in chapter
    assert 'id="cetak-rekomendasi"' not in chapter


def text_of(reader: PdfReader) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_pdf_holds_every_programme_with_version_on_every_page(plan_repo: Path, tmp_path: Path) -> None:
    # The small test plan: WeasyPrint took 35 s for the 46 programmes of the sample.
    report = check(plan_repo)
    plan: Masterplan | None = report.plan
    assert plan is not None
    out = tmp_path / "masterplan.pdf"
    pages = write_pdf(report, Views(plan), ROOT, out)
    reader = PdfReader(str(out))
    assert len(reader.pages) == pages
    # A cover, a contents page, nine chapters, and at most four programmes a page.
    assert len(plan.programs) // 4 + 10 <= pages <= 10 + len(plan.programs) * 3
    text = text_of(reader)
    for program in plan.programs:
        assert f"{program.id} {program.title}" in text, program.id
    for number, page in enumerate(reader.pages, start=1):
        footer = re.sub(r"\s+", " ", page.extract_text())
        assert re.search(r"Versi \S+, \d+ \w+ \d{4}", footer), number
        assert f"Halaman {number} dari {pages}" in footer
    assert "Daftar isi" in text and "Ringkasan anggaran" in text
    assert "9. Pemantauan dan evaluasi" in text and "Rekomendasi evaluasi" in text


def test_every_table_is_also_a_workbook_with_typed_cells(fixture_plan: Masterplan, tmp_path: Path) -> None:
    """Bappeda opens XLSX: each table's workbook holds the JSON's rows, numbers as numbers
    and text as text (never a formula), and the same plan gives the same bytes."""
    import openpyxl

    folder = written(fixture_plan, tmp_path / "a")
    for table in exports.TABLES:
        book = openpyxl.load_workbook(folder / f"{table.name}.xlsx")
        sheet = book.active
        assert sheet is not None
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert values[0] == [f.name for f in table.fields], table.name
        records = json_rows(folder, f"{table.name}.json")
        assert len(values) - 1 == len(records), table.name
        for shown, record in zip(values[1:], records, strict=True):
            expected = [None if record[f.name] in ("", None) else record[f.name] for f in table.fields]
            assert shown == expected, table.name
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                assert cell.data_type != "f", f"{table.name}: a formula cell"
    again = written(fixture_plan, tmp_path / "b")
    assert (folder / "programs.xlsx").read_bytes() == (again / "programs.xlsx").read_bytes()


def test_renja_table_lists_codes_targets_and_money_once_per_programme_year(
    package: Path, sample: Report
) -> None:
    plan = sample.plan
    assert plan is not None
    renja = rows(package, "renja.csv")
    money = [r for r in renja if r["anggaran_indikatif"] != ""]
    # Money stands once per programme-year, so each column sums to the plan's figures.
    assert len(money) == len({(r["tahun"], r["id_program"]) for r in renja})
    assert sum(int(r["anggaran_indikatif"]) for r in money) == sum(
        b.amount for p in plan.counted_programs for b in p.budget if b.year in p.years
    )
    spent = sum(p.total_spending for p in plan.counted_programs)
    assert sum(int(r["realisasi"] or 0) for r in money) == spent
    mpp = [r for r in renja if r["id_program"] == "GOV-01" and r["tahun"] == "2026"]
    assert {r["kode_sub_kegiatan"] for r in mpp} == {"2.18.04.2.01.0001|2.18.04.2.01.0002"}
    assert mpp[0]["nama_sub_kegiatan"].startswith("Pelayanan Perizinan dan Nonperizinan")
    assert mpp[0]["opd"] == "dpmptsp" and mpp[0]["pagu"] == str(500_000_000 + 750_000_000)
    gov01 = plan.program("GOV-01")
    assert gov01 is not None
    assert [(r["indikator"], float(r["target"])) for r in mpp] == [
        (ind.name, ind.targets[2026]) for ind in gov01.indicators
    ]
    # Not funded: a pagu of 0 is written as 0, not left empty.
    (call,) = [r for r in renja if r["id_program"] == "SOC-05" and r["tahun"] == "2026" and r["pagu"] != ""]
    assert call["pagu"] == "0"


def test_indicator_metadata_follows_satu_data_indonesia(package: Path, sample: Report) -> None:
    plan = sample.plan
    assert plan is not None
    meta = rows(package, "indicator-metadata.csv")
    assert len(meta) == sum(len(p.indicators) for p in plan.programs)
    (portal,) = [r for r in meta if r["kode_indikator"] == "IKD-GOV-07-01"]
    assert portal["frekuensi"] == "tahunan" and portal["produsen_data"] == "diskominfo"
    assert portal["konsep_definisi"].startswith("Jumlah set data prioritas")
    assert portal["walidata"] == plan.info.data_custodian
    # Without metadata: the lead OPD produces the data, the code is the programme's.
    liv = plan.program("LIV-02")
    assert liv is not None
    (first,) = [r for r in meta if r["kode_indikator"] == "LIV-02-1"]
    assert first["produsen_data"] == liv.lead and first["nama_indikator"] == liv.indicators[0].name
