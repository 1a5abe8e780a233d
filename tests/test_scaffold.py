"""`masterplan new`: files written from templates, refusals, and no overwrite."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from masterplan.cli import main
from masterplan.validate import check


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_program_is_valid_and_takes_the_next_id(plan_repo: Path) -> None:
    code, out = run(
        "new",
        "--root",
        str(plan_repo),
        "program",
        "--dimension",
        "living",
        "--element",
        "kesehatan",
        "--lead",
        "dishub",
        "--support",
        "dinsos",
        "--title",
        "Layanan: Ambulans Desa",
    )
    assert (code, out) == (0, "docs/program/living/layanan-ambulans-desa.md\n")
    report = check(plan_repo)
    assert report.problems == []
    assert report.plan is not None
    program = report.plan.program("LIV-02")
    assert program is not None
    assert (program.title, program.lead, program.support) == ("Layanan: Ambulans Desa", "dishub", ["dinsos"])
    assert program.status == "planned" and program.progress == 0


def test_new_program_refuses_unknown_keys_with_validator_messages(plan_repo: Path) -> None:
    before = sorted(p.relative_to(plan_repo) for p in plan_repo.rglob("*"))
    code, out = run(
        "new",
        "--root",
        str(plan_repo),
        "program",
        "--dimension",
        "living",
        "--element",
        "pelayanan-publik",
        "--lead",
        "dishubb",
        "--title",
        "X",
    )
    assert code == 1
    assert out == (
        "(perintah): [element-not-in-dimension] --element: Elemen `pelayanan-publik` bukan elemen dimensi "
        "`living`.\n"
        '  Perbaikan: Pilihan yang sah (dari elemen Smart Living): "harmonisasi-tata-ruang", "kesehatan", '
        '"mobilitas-transportasi".\n'
        "(perintah): [unknown-opd] --lead: OPD `dishubb` tidak ada di data/opd.yml.\n"
        '  Perbaikan: Mungkin maksud Anda: "dishub" (dari data/opd.yml).\n'
    )
    assert sorted(p.relative_to(plan_repo) for p in plan_repo.rglob("*")) == before


def test_new_program_never_overwrites(plan_repo: Path) -> None:
    page = plan_repo / "docs/program/living/alat-bantu.md"
    before = digest(page)
    code, out = run(
        "new",
        "--root",
        str(plan_repo),
        "program",
        "--dimension",
        "living",
        "--element",
        "kesehatan",
        "--lead",
        "dishub",
        "--title",
        "Alat Bantu",
    )
    assert code == 1 and "[file-exists]" in out
    assert digest(page) == before


def test_new_opd_appends_and_keeps_comments(plan_repo: Path) -> None:
    data = plan_repo / "data/opd.yml"
    data.write_text("# Daftar OPD\n" + data.read_text(encoding="utf-8"), encoding="utf-8")
    code, out = run(
        "new",
        "--root",
        str(plan_repo),
        "opd",
        "--key",
        "dinkes",
        "--name",
        "Dinas Kesehatan",
        "--short",
        "Dinkes",
    )
    assert (code, out) == (0, "OPD `dinkes` ditambahkan ke data/opd.yml.\n")
    text = data.read_text(encoding="utf-8")
    assert text.startswith("# Daftar OPD\n")
    assert text.endswith("- {key: dinkes, name: Dinas Kesehatan, short: Dinkes}\n")
    report = check(plan_repo)
    assert report.problems == [] and report.plan is not None and report.plan.opd("dinkes") is not None


def test_new_opd_refuses_a_duplicate_key(plan_repo: Path) -> None:
    data = plan_repo / "data/opd.yml"
    before = digest(data)
    code, out = run("new", "--root", str(plan_repo), "opd", "--key", "dishub", "--name", "X", "--short", "X")
    assert code == 1 and "[duplicate-key] --key: OPD `dishub` sudah ada" in out
    assert digest(data) == before
