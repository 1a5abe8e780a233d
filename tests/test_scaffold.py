"""`masterplan new`: files written from templates, refusals, and no overwrite."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from masterplan.check.validate import check
from masterplan.commands.cli import main


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


def tree(repo: Path) -> dict[str, str]:
    return {p.relative_to(repo).as_posix(): digest(p) for p in sorted(repo.rglob("*")) if p.is_file()}


def new_program(repo: Path, title: str) -> tuple[int, str]:
    return run(
        "new",
        "--root",
        str(repo),
        "program",
        "--dimension",
        "living",
        "--element",
        "kesehatan",
        "--lead",
        "dishub",
        "--title",
        title,
    )


TEMPLATE_FIX = (
    "  Perbaikan: Halaman kontributor tidak dirender sebagai templat; hapus kurung kurawal ganda "
    "atau beri spasi di antaranya (`{ {`).\n"
)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "<script>alert(1)</script>",
            "(perintah): [raw-html] --title: `title` memuat tag HTML.\n"
            "  Perbaikan: Tulis teks biasa; tanda < dan > tidak diperlukan.\n",
        ),
        (
            "Layanan {{ config }}",
            "(perintah): [template-syntax] --title: Memuat sintaks templat (`{{`, `{%` atau `{#`).\n"
            + TEMPLATE_FIX,
        ),
        (
            "Layanan {# catatan #}",
            "(perintah): [template-syntax] --title: Memuat sintaks templat (`{{`, `{%` atau `{#`).\n"
            + TEMPLATE_FIX,
        ),
        (
            "Layanan\nAmbulans",
            "(perintah): [bad-value] --title: --title memuat baris baru atau karakter kendali.\n"
            '  Perbaikan: Tulis --title pada satu baris, mis. --title "…".\n',
        ),
    ],
)
def test_new_program_refuses_what_the_validator_rejects_and_writes_nothing(
    plan_repo: Path, title: str, expected: str
) -> None:
    before = tree(plan_repo)
    assert new_program(plan_repo, title) == (1, expected)
    assert tree(plan_repo) == before


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (
            ("--key", "dinkes\n", "--name", "Dinas Kesehatan", "--short", "Dinkes"),
            "(perintah): [bad-value] --key: Kunci `dinkes\\n` tidak sah.\n"
            "  Perbaikan: Gunakan huruf kecil, angka dan tanda hubung, mis. dinkes.\n",
        ),
        (
            ("--key", "dinkes", "--name", "<script>alert(1)</script>", "--short", "Dinkes"),
            "(perintah): [raw-html] --name: --name memuat tag HTML.\n"
            "  Perbaikan: Tulis teks biasa tanpa < dan >.\n",
        ),
        (
            ("--key", "dinkes", "--name", "Dinas Kesehatan", "--short", "{{ x }}"),
            "(perintah): [template-syntax] --short: --short memuat sintaks templat (`{{`, `{%` atau `{#`).\n"
            "  Perbaikan: Hapus kurung kurawal ganda.\n",
        ),
        (
            ("--key", "dinkes", "--name", "Dinas\nKesehatan", "--short", "Dinkes"),
            "(perintah): [bad-value] --name: --name memuat baris baru atau karakter kendali.\n"
            '  Perbaikan: Tulis --name pada satu baris, mis. --name "…".\n',
        ),
    ],
)
def test_new_opd_refuses_what_the_validator_rejects_and_writes_nothing(
    plan_repo: Path, flags: tuple[str, ...], expected: str
) -> None:
    before = tree(plan_repo)
    assert run("new", "--root", str(plan_repo), "opd", *flags) == (1, expected)
    assert tree(plan_repo) == before


def test_new_opd_leaves_a_file_it_cannot_extend_untouched(plan_repo: Path) -> None:
    data = plan_repo / "data/opd.yml"
    data.write_text("[" + data.read_text(encoding="utf-8").replace("- ", "").replace("}\n", "}, ") + "]\n")
    assert check(plan_repo).problems == []
    before = tree(plan_repo)
    code, out = run(
        "new", "--root", str(plan_repo), "opd", "--key", "dinkes", "--name", "Dinkes", "--short", "D"
    )
    assert code == 1
    assert out.startswith("data/opd.yml:2: [yaml-syntax] Setelah OPD ditambahkan: YAML tidak dapat dibaca")
    assert tree(plan_repo) == before
