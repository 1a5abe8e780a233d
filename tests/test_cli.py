"""The `masterplan` command, run in-process: exit codes and the exact text staff read."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from masterplan.commands.cli import COMMANDS, build_parser, main


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def break_plan(repo: Path) -> None:
    page = repo / "docs/program/living/alat-bantu.md"
    text = page.read_text(encoding="utf-8")
    text = text.replace("lead: dishub", "lead: dishubb").replace("progress: 40", "progress: 140")
    page.write_text(text, encoding="utf-8")


def test_clean_plan_exits_0_with_summary(plan_repo: Path) -> None:
    code, out = run("validate", "--root", str(plan_repo))
    assert code == 0
    assert out == "Rencana induk valid: 14 berkas diperiksa, 3 program, 6 dimensi, 5 OPD.\n"


def test_problems_exit_1_with_file_line_key_code_and_fix(plan_repo: Path) -> None:
    break_plan(plan_repo)
    code, out = run("validate", "--root", str(plan_repo), "--format", "text")
    assert code == 1
    assert out == (
        "docs/program/living/alat-bantu.md:5: [unknown-opd] lead: OPD `dishubb` tidak ada di "
        "data/opd.yml.\n"
        '  Perbaikan: Mungkin maksud Anda: "dishub" (dari data/opd.yml).\n'
        "docs/program/living/alat-bantu.md:22: [bad-value] progress: `progress` bernilai 140, "
        "harus angka 0 sampai 100.\n"
        "  Perbaikan: Isi angka 0 sampai 100.\n"
        "\n"
        "2 masalah di 1 berkas (14 berkas diperiksa).\n"
    )


def test_github_format_adds_annotations(plan_repo: Path) -> None:
    break_plan(plan_repo)
    code, out = run("validate", "--root", str(plan_repo), "--format", "github")
    assert code == 1
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert annotations[0] == (
        "::error file=docs/program/living/alat-bantu.md,line=5,title=unknown-opd::"
        'OPD `dishubb` tidak ada di data/opd.yml. Perbaikan: Mungkin maksud Anda: "dishub" '
        "(dari data/opd.yml)."
    )
    assert len(annotations) == 2


def test_annotations_are_automatic_under_github_actions(
    plan_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    break_plan(plan_repo)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out = run("validate", "--root", str(plan_repo))
    assert out.count("::error ") == 2
    _, out = run("validate", "--root", str(plan_repo), "--format", "text")
    assert "::error" not in out


def test_root_is_found_from_a_subfolder(plan_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (plan_repo / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    monkeypatch.chdir(plan_repo / "docs/program/living")
    assert run("validate") == (0, "Rencana induk valid: 14 berkas diperiksa, 3 program, 6 dimensi, 5 OPD.\n")


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "--format", "xml"])
    assert exit_info.value.code == 2
    assert "penggunaan salah" in capsys.readouterr().err
    assert run("validate", "--root", str(tmp_path))[0] == 2
    assert "bukan repositori rencana induk" in capsys.readouterr().err


def test_a_broken_data_file_is_a_message_not_a_traceback(plan_repo: Path) -> None:
    (plan_repo / "data/plan.yml").write_bytes(b"region: [unclosed\n\xff\xfe")
    code, out = run("validate", "--root", str(plan_repo))
    assert code == 1
    assert out.startswith("data/plan.yml:2: [encoding] Berkas bukan teks UTF-8")
    assert "Traceback" not in out


def test_every_command_has_help_with_an_example() -> None:
    parser = build_parser()
    for name, func in COMMANDS.items():
        assert func.__doc__ and "Contoh:" in func.__doc__, name
        assert name in parser.format_help()


def plant_workflow_commands(repo: Path) -> None:
    """Values and a file name that try to start a GitHub Actions workflow command."""
    page = repo / "docs/program/living/alat-bantu.md"
    text = page.read_text(encoding="utf-8")
    text = text.replace("lead: dishub", 'lead: "x\\n::error::pwned\\r::add-mask::y"')
    text = text.replace("support: [dinsos, diskominfo]", 'support: ["50% ##[add-mask]z, a:b"]')
    page.write_text(text, encoding="utf-8")
    other = repo / "docs/program/economy/promosi-umkm.md"
    other.write_text(
        other.read_text(encoding="utf-8").replace("lead: diskominfo", "lead: x"), encoding="utf-8"
    )
    other.rename(other.with_name("a\n::add-mask::x,y:z%0A.md"))


def test_contributor_text_cannot_start_a_workflow_command(plan_repo: Path) -> None:
    plant_workflow_commands(plan_repo)
    code, out = run("validate", "--root", str(plan_repo), "--format", "github")
    assert code == 1
    lines = out.splitlines()
    annotations = [line for line in lines if line.startswith("::error file=")]
    problems = [line for line in lines if line.startswith("docs/")]
    assert len(annotations) == len(problems) >= 3  # one line each, whatever the text holds
    assert [line for line in lines if line.lstrip().startswith("::") and line not in annotations] == []
    assert "##[" not in out
    assert (
        "docs/program/living/alat-bantu.md:5: [unknown-opd] lead: OPD `x\\n:\u200b:error:\u200b:pwned"
        "\\r:\u200b:add-mask:\u200b:y` tidak ada di data/opd.yml."
    ) in lines
    assert any(
        line.startswith(
            "::error file=docs/program/living/alat-bantu.md,line=5,title=unknown-opd::OPD "
            "`x%0A::error::pwned%0D::add-mask::y` tidak ada di data/opd.yml."
        )
        for line in annotations
    )
    assert any("OPD `50%25 ##\u200b[add-mask]z, a:b` tidak ada" in line for line in annotations)
    renamed = [line for line in annotations if line.startswith("::error file=docs/program/economy/")]
    assert renamed
    for line in renamed:
        file_property = line.split(",title=")[0].split(",line=")[0].removeprefix("::error file=")
        assert ":" not in file_property and "," not in file_property and "add-mask" in file_property


def test_export_refuses_an_existing_file(plan_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = plan_repo / "terbuka.csv"
    target.write_text("milik orang lain\n", encoding="utf-8")
    assert run("export", "--root", str(plan_repo), "--out", str(target)) == (2, "")
    assert "adalah berkas, bukan folder; berkas itu tidak ditimpa" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "milik orang lain\n"


def test_export_writes_into_a_new_folder(plan_repo: Path) -> None:
    code, out = run("export", "--root", str(plan_repo), "--out", str(plan_repo / "baru/terbuka"))
    assert code == 0
    assert sorted(p.name for p in (plan_repo / "baru/terbuka").iterdir()) == sorted(
        Path(line.split(" (")[0]).name for line in out.splitlines()
    )


def test_pdf_into_a_missing_folder_is_a_usage_error(
    plan_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = plan_repo / "tidak-ada/juga/rencana.pdf"
    assert run("pdf", "--root", str(plan_repo), "--out", str(missing)) == (2, "")
    assert f"folder {missing.parent} tidak ada." in capsys.readouterr().err
    assert run("pdf", "--root", str(plan_repo), "--out", str(plan_repo / "docs")) == (2, "")
    assert "adalah folder; beri path berkas PDF" in capsys.readouterr().err
    assert not missing.parent.exists()
