"""Open data and the print edition: valid data package, totals that reconcile with the
site, and a PDF that holds every programme."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import frictionless
import pytest
from pypdf import PdfReader

from conftest import ROOT
from masterplan import exports, fmt
from masterplan.book import write_pdf
from masterplan.cli import main
from masterplan.model import Masterplan
from masterplan.render import Views
from masterplan.validate import Report, check


@pytest.fixture(scope="module")
def sample() -> Report:
    report = check(ROOT)
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
    assert len(report.tasks) == 8


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
    assert {r["path"] for r in meta["resources"]} == {
        f"{t}.{f}" for t in ("programs", "budget", "indicators", "opd") for f in ("csv", "json")
    }


def test_totals_in_the_files_equal_the_totals_on_the_site(sample: Report, package: Path) -> None:
    plan = sample.plan
    assert plan is not None
    budget = sum(int(r["jumlah"]) for r in rows(package, "budget.csv"))
    programmes = sum(int(r["anggaran_total"]) for r in rows(package, "programs.csv"))
    opds = sum(int(r["anggaran_program_dipimpin"]) for r in rows(package, "opd.csv"))
    json_total = sum(r["jumlah"] for r in json.loads((package / "budget.json").read_text(encoding="utf-8")))
    assert budget == programmes == opds == json_total == plan.total_budget
    page = Views(plan).budget("")
    assert f"<strong>{fmt.rupiah(budget)}</strong>" in page
    assert len(rows(package, "programs.csv")) == len(plan.programs)


def test_export_command_writes_the_same_files(sample: Report, tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["export", "--root", str(ROOT), "--out", str(tmp_path)], out=out) == 0
    assert sample.plan is not None
    for name, data in exports.export(sample.plan).items():
        assert (tmp_path / name).read_bytes() == data


def text_of(reader: PdfReader) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_pdf_holds_every_programme_with_version_on_every_page(sample: Report, tmp_path: Path) -> None:
    plan: Masterplan | None = sample.plan
    assert plan is not None
    out = tmp_path / "masterplan.pdf"
    pages = write_pdf(sample, Views(plan), ROOT, out)
    reader = PdfReader(str(out))
    assert len(reader.pages) == pages
    # A cover, a contents page, eight chapters, and at most four programmes a page.
    assert len(plan.programs) // 4 + 10 <= pages <= len(plan.programs) * 3
    text = text_of(reader)
    for program in plan.programs:
        assert f"{program.id} {program.title}" in text, program.id
    for number, page in enumerate(reader.pages, start=1):
        footer = re.sub(r"\s+", " ", page.extract_text())
        assert re.search(r"Versi \S+, \d+ \w+ \d{4}", footer), number
        assert f"Halaman {number} dari {pages}" in footer
    assert "Daftar isi" in text and "Ringkasan anggaran" in text
