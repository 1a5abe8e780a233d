"""`masterplan check`: the live plan's end-to-end check in CI, run here on the fixture
plan in a temporary copy of the repository (the engine's tests never read the live plan)."""

from __future__ import annotations

from pathlib import Path

from masterplan.commands.cli import main


def _check(repo: Path, capsys: object) -> tuple[int, str]:
    code = main(["check", "--root", str(repo)])
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    return code, out


def test_a_three_programme_plan_passes_every_check(site_repo: Path, capsys: object) -> None:
    code, out = _check(site_repo, capsys)
    assert code == 0, out
    assert out.splitlines() == [
        "1. Validasi: bersih (3 program).",
        out.splitlines()[1],
        "3. Tautan, sumber dan CODEOWNERS: cocok.",
        "4. Anggaran dan realisasi: cocok.",
        "5. Isi yang belum ditulis: tidak ada.",
        "Rencana induk siap terbit.",
    ]
    assert out.splitlines()[1].startswith("2. Build --strict: berhasil (")


def test_check_names_a_broken_link_and_a_resource_from_another_host(site_repo: Path, capsys: object) -> None:
    page = site_repo / "docs/tentang.md"
    page.write_text(
        page.read_text("utf-8")
        + '\n[Arsip](/arsip-lama/)\n\n<img src="https://cdn.example.com/peta.png" alt="Peta">\n',
        "utf-8",
    )
    code, out = _check(site_repo, capsys)
    assert code == 1
    assert "  tentang/index.html: tautan rusak: /arsip-lama/" in out
    assert "  tentang/index.html: memuat sumber dari host lain: https://cdn.example.com/peta.png" in out
    assert "3. Tautan, sumber dan CODEOWNERS: 2 masalah" in out


def test_check_stops_at_validation_with_the_validator_s_message(site_repo: Path, capsys: object) -> None:
    page = site_repo / "docs/program/living/alat-bantu.md"
    page.write_text(page.read_text("utf-8").replace("lead: dishub", "lead: dishubb"), "utf-8")
    code, out = _check(site_repo, capsys)
    assert code == 1
    assert "[unknown-opd] lead: OPD `dishubb` tidak ada di data/opd.yml." in out
    assert "Build" not in out


def test_check_fails_a_strict_build(site_repo: Path, capsys: object) -> None:
    page = site_repo / "docs/tentang.md"
    page.write_text(page.read_text("utf-8") + "\n[Hilang](tidak-ada.md)\n", "utf-8")
    code, out = _check(site_repo, capsys)
    assert code == 1
    assert "2. Build --strict: GAGAL" in out and "tidak-ada.md" in out


def test_check_names_a_stale_codeowners(site_repo: Path, capsys: object) -> None:
    owners = site_repo / ".github/CODEOWNERS"
    owners.parent.mkdir(parents=True, exist_ok=True)
    owners.write_text("* @kota/lama\n", "utf-8")
    code, out = _check(site_repo, capsys)
    assert code == 1
    assert "  .github/CODEOWNERS: belum mutakhir: jalankan `masterplan codeowners`" in out


def test_check_names_template_text_and_does_not_call_the_plan_ready(site_repo: Path, capsys: object) -> None:
    """What `adopt` and `new program` leave for the region to write is named with its file
    and line (as warnings): the report does not say the plan is ready while any remain."""

    def edit(rel: str, old: str, new: str) -> None:
        path = site_repo / rel
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    edit("data/plan.yml", '"Kota Contoh yang cerdas & sejahtera"', '"Visi RPJMD Kota Contoh (belum diisi)"')
    template = "Tuliskan apa yang ingin dicapai program ini."
    edit("docs/program/living/alat-bantu.md", "Memasang alat bantu.", template)
    for part in ("Kekuatan", "Kelemahan", "Peluang", "Ancaman"):
        edit("docs/dimensi/living/index.md", f'["{part} living"]', "[]")
    edit("docs/dimensi/living/index.md", 'notes: "Tim ada"', 'notes: "Belum dinilai."')
    code, out = _check(site_repo, capsys)
    assert code == 0, out
    assert "5. Isi yang belum ditulis: 4 peringatan" in out, out
    assert "data/plan.yml:5: teks templat belum diganti" in out
    assert "docs/program/living/alat-bantu.md:" in out and "docs/dimensi/living/index.md:8:" in out
    assert "docs/dimensi/living/index.md:2: analisis SWOT masih kosong" in out
    assert "Rencana induk siap terbit." not in out and "belum siap terbit" in out
