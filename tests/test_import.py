"""`masterplan import nomenclature`: the table Bappeda keeps, as Excel with Indonesian
settings saves it (`;`, BOM), into data/nomenclature.csv, all or nothing."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from conftest import FIXTURE
from masterplan.check.validate import check
from masterplan.commands.cli import main

EXPORT = (
    "\ufeffKode;Uraian\r\n"
    "1;URUSAN PEMERINTAHAN WAJIB YANG BERKAITAN DENGAN PELAYANAN DASAR\r\n"
    "1.02;URUSAN PEMERINTAHAN BIDANG KESEHATAN\r\n"
    "1.02.02.02.01;Penyediaan Fasilitas Pelayanan Kesehatan\r\n"
    '1.02.02.02.01.0001;"Pembangunan Rumah Sakit; beserta Sarana"\r\n'
    "\r\n"
)


def _run(repo: Path, source: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["import", "nomenclature", str(source), "--root", str(repo)], out=out)
    return code, out.getvalue()


def test_imports_a_semicolon_export_in_the_decrees_shape_once(tmp_path: Path) -> None:
    repo = shutil.copytree(FIXTURE, tmp_path / "repo")
    source = tmp_path / "nomenklatur.csv"
    source.write_text(EXPORT, "utf-8")
    code, said = _run(repo, source)
    assert code == 0, said
    assert "4 kode" in said
    table = repo / "data/nomenclature.csv"
    assert table.read_text("utf-8") == (
        "code,name\n"
        "1,URUSAN PEMERINTAHAN WAJIB YANG BERKAITAN DENGAN PELAYANAN DASAR\n"
        "1.02,URUSAN PEMERINTAHAN BIDANG KESEHATAN\n"
        "1.02.02.2.01,Penyediaan Fasilitas Pelayanan Kesehatan\n"
        "1.02.02.2.01.0001,Pembangunan Rumah Sakit; beserta Sarana\n"
    )
    stamp = table.stat().st_mtime_ns
    code, said = _run(repo, source)
    assert code == 0 and "tidak ada yang diubah" in said
    assert table.stat().st_mtime_ns == stamp
    # The validator reads what was written, and a programme may now name the code.
    page = repo / "docs/program/living/alat-bantu.md"
    text = page.read_text("utf-8").replace(
        "support: [dinsos, diskominfo]", "support: [dinsos, diskominfo]\nsub_activities: [1.02.02.2.01.0001]"
    )
    page.write_text(text, "utf-8")
    assert check(repo).problems == []


def test_a_wrong_row_refuses_the_whole_import_and_names_its_line(tmp_path: Path) -> None:
    repo = shutil.copytree(FIXTURE, tmp_path / "repo")
    table = repo / "data/nomenclature.csv"
    table.write_text("code,name\n1,Lama\n", "utf-8")
    source = tmp_path / "nomenklatur.csv"
    source.write_text(EXPORT + "1.2.x;Salah\r\n1.02;Nama lain\r\n", "utf-8")
    code, said = _run(repo, source)
    assert code == 1
    assert "nomenklatur.csv:7: kode '1.2.x' tidak berbentuk kode nomenklatur" in said
    assert "nomenklatur.csv:8: kode 1.02 tertulis lagi dengan nama lain." in said
    assert "Tidak ada berkas yang diubah." in said
    assert table.read_text("utf-8") == "code,name\n1,Lama\n"
    assert not [p for p in table.parent.iterdir() if p.name.startswith(".nomenclature-")]
