"""`masterplan diff` on a temporary git repository with real commits."""

from __future__ import annotations

import io
import os
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from masterplan.commands import plandiff
from masterplan.commands.cli import main
from masterplan.html import gfm

SOC = """---
id: SOC-02
title: Ronda Digital
element: keamanan-masyarakat
lead: dinsos
horizon: short
start_year: 2026
end_year: 2026
budget:
  - {year: 2026, amount: 100000000, source: APBD}
status: planned
---
## Latar belakang

Ronda.
"""


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Uji", "-c", "user.email=uji@contoh.id", *args],
        check=True,
        capture_output=True,
    )


def edit(path: Path, *changes: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def history(plan_repo: Path) -> Path:
    # The base has no evaluation yet: the change adds the fixture's 2025 result.
    evaluations = plan_repo / "data/evaluations.yml"
    evaluation_text = evaluations.read_text(encoding="utf-8")
    evaluations.unlink()
    git(plan_repo, "init", "-q", "-b", "main")
    git(plan_repo, "add", "-A")
    git(plan_repo, "commit", "-q", "-m", "Rencana awal")
    evaluations.write_text(evaluation_text, encoding="utf-8")
    (plan_repo / "docs/program/society/ronda.md").write_text(SOC, encoding="utf-8")
    (plan_repo / "docs/program/economy/promosi-umkm.md").unlink()
    old = plan_repo / "docs/program/living/alat-bantu.md"
    edit(
        old,
        ("lead: dishub", "lead: diskominfo"),
        ("amount: 350000000", "amount: 500000000"),
        ("status: ongoing", "status: delayed\nstatus_note: Armada baru belum dikirim penyedia."),
        ("targets: {2025: 20, 2026: 60.5}", "targets: {2025: 20, 2026: 60.5}\n    actuals: {2025: 1250}"),
        ("indicators:", "spending:\n  - {year: 2025, amount: 312500000, source: APBD}\nindicators:"),
    )
    old.rename(plan_repo / "docs/program/living/alat-bantu-disabilitas.md")
    edit(
        plan_repo / "docs/program/society/ruang-belajar.md",
        ('"Pengadaan perangkat diulang karena penyedia mundur."', '"Kontrak baru ditandatangani Mei 2026."'),
        ("amount: 220000000", "amount: 385000000"),
        ("actuals: {2025: 2.8}", "actuals: {2025: 2.75}"),
    )
    git(plan_repo, "add", "-A")
    git(plan_repo, "commit", "-q", "-m", "Perubahan")
    return plan_repo


def test_diff_shows_what_the_change_does_to_the_plan(history: Path, golden) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    assert main(["diff", "--root", str(history), "HEAD~1", "HEAD"], out=out) == 0
    text = out.getvalue()
    assert "**SOC-02** Ronda Digital" in text
    assert "**ECO-01** Platform Promosi UMKM Digital" in text
    assert "`docs/program/living/alat-bantu.md` → `docs/program/living/alat-bantu-disabilitas.md`" in text
    assert "  - OPD pengampu: dishub → diskominfo" in text
    assert "| living | Rp550.000.000 | Rp700.000.000 | +Rp150.000.000 |" in text
    assert "[lead-in-support]" in text
    # What was delivered reads as sentences, in Indonesian number format.
    assert "  - keterangan status: — → Armada baru belum dikirim penyedia." in text
    assert "  - realisasi 2025 «Armada dengan alat bantu»: — → 1.250 unit" in text
    assert "  - realisasi anggaran 2025 APBD: — → Rp312.500.000" in text
    assert (
        "  - keterangan status: Pengadaan perangkat diulang karena penyedia mundur. → "
        "Kontrak baru ditandatangani Mei 2026." in text
    )
    assert "  - realisasi 2025 «Angka putus sekolah»: 2,8 persen → 2,75 persen" in text
    assert "  - realisasi anggaran 2025 APBD: Rp220.000.000 → Rp385.000.000" in text
    assert "- Evaluasi 2025 ditambahkan (indeks 2,35)" in text
    assert "- Rekomendasi rek-2025-02 ditambahkan: «Susun rencana aksi" in text
    # An actual is not a change of the indicator itself.
    assert "  - indikator:" not in text
    golden("plan_diff.md", text)


def test_diff_reads_changes_to_an_evaluation_and_its_recommendations(history: Path) -> None:
    edit(
        history / "data/evaluations.yml",
        ("index: 2.35", "index: 2.4"),
        ("outcome: 2.1", "outcome: 2.3"),
        ("living: 2.7,", "living: 2.8,"),
        ("      dimension: environment", "      dimension: environment\n      programs: [LIV-01]"),
        ("Percepat pemasangan", "Segerakan pemasangan"),
    )
    edit(history / "docs/program/society/ruang-belajar.md", ("    actuals: {2025: 6}\n", ""))
    git(history, "add", "-A")
    git(history, "commit", "-q", "-m", "Evaluasi diperbaiki")
    out = io.StringIO()
    assert main(["diff", "--root", str(history), "HEAD~1", "HEAD"], out=out) == 0
    text = out.getvalue()
    section = text.split("### Evaluasi dan rekomendasi\n\n")[1].split("\n\n")[0]
    assert section.splitlines() == [
        "- Evaluasi 2025 indeks: 2,35 → 2,4",
        "- Evaluasi 2025 bagian outcome: 2,1 → 2,3",
        "- Evaluasi 2025 dimensi living: 2,7 → 2,8",
        "- Rekomendasi rek-2025-01: isi Percepat pemasangan alat bantu &amp; laporkan realisasinya → "
        "Segerakan pemasangan alat bantu &amp; laporkan realisasinya",
        "- Rekomendasi rek-2025-02: program penjawab — → LIV-01",
    ]
    assert "  - realisasi 2025 «Desa dengan ruang belajar digital»: 6 desa → —" in text
    assert "### Isian yang berubah" in text and "### Perubahan anggaran indikatif" not in text


def test_diff_of_a_revision_with_itself_says_nothing_changed(history: Path) -> None:
    out = io.StringIO()
    assert main(["diff", "--root", str(history), "HEAD", "HEAD"], out=out) == 0
    assert "tidak mengubah program, anggaran, maupun hasil validasi" in out.getvalue()


def test_unknown_revision_is_a_usage_error(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "--root", str(history), "tidak-ada", "HEAD"], out=io.StringIO()) == 2
    assert "revisi `tidak-ada` tidak dapat dibaca" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["--", "--output=OUT", "HEAD"],
        ["HEAD", "--", "--output=OUT"],
        ["--", "-c", "core.pager=touch OUT"],
        ["--", "--exec=touch OUT", "HEAD"],
    ],
)
def test_a_revision_is_never_read_as_a_git_option(
    history: Path, tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "dibuat-git"
    argv = [arg.replace("OUT", str(target)) for arg in argv]
    assert main(["diff", "--root", str(history), *argv], out=io.StringIO()) == 2
    err = capsys.readouterr().err
    assert "tidak boleh diawali tanda minus" in err
    assert not target.exists()


def test_an_option_given_as_a_revision_is_a_usage_error(
    history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["diff", "--root", str(history), "HEAD~1", "HEAD", f"--output={tmp_path / 'x'}"])
    assert exit_info.value.code == 2
    assert "penggunaan salah: argumen tidak dikenal: --output=" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_a_revision_is_resolved_to_its_commit(history: Path) -> None:
    sha = subprocess.run(
        ["git", "-C", str(history), "rev-parse", "HEAD~1"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert plandiff.resolve_revision(history, "HEAD~1") == sha
    assert plandiff.resolve_revision(history, "main~1") == sha
    for bad in ("HEAD:docs", "HEAD^{tree}", "HEAD\n--output=x", ""):
        with pytest.raises(plandiff.DiffError):
            plandiff.resolve_revision(history, bad)


SECRET = SOC.replace("SOC-02", "SOC-09").replace("Ronda Digital", "Rahasia di luar repositori")


def test_symlinks_in_a_revision_are_skipped_and_reported(history: Path, tmp_path: Path) -> None:
    outside = tmp_path / "rahasia.md"
    outside.write_text(SECRET, encoding="utf-8")
    (history / "docs/program/society/rahasia.md").symlink_to(outside)
    (history / "docs/program/society/relatif.md").symlink_to("ronda.md")
    (history / "docs/gambar").symlink_to("/etc")
    with open(os.fsencode(history / "docs/program/society") + b"/\xff.md", "w", encoding="utf-8") as page:
        page.write(SOC)  # a file name that is not UTF-8
    git(history, "add", "-A")
    git(history, "commit", "-q", "-m", "Symlink")
    out = io.StringIO()
    assert main(["diff", "--root", str(history), "HEAD~1", "HEAD"], out=out) == 0
    text = out.getvalue()
    assert "Rahasia" not in text
    for path in ("docs/gambar", "docs/program/society/rahasia.md", "docs/program/society/relatif.md"):
        assert f"- `{path}` [unsafe-file] `{path}` adalah tautan simbolik (symlink)" in text
    assert "`docs/program/society/\ufffd.md` memiliki nama yang bukan teks UTF-8" in text

    dest = tmp_path / "revisi"
    dest.mkdir()
    skipped = plandiff.read_revision(history, plandiff.resolve_revision(history, "HEAD"), dest)
    assert [(p.file, p.code) for p in skipped] == [
        ("docs/gambar", "unsafe-file"),
        ("docs/program/society/rahasia.md", "unsafe-file"),
        ("docs/program/society/relatif.md", "unsafe-file"),
        ("docs/program/society/\ufffd.md", "unsafe-file"),
    ]
    assert not [p for p in dest.rglob("*") if p.is_symlink()]
    assert (dest / "docs/program/society/ronda.md").read_text(encoding="utf-8") == SOC


HOSTILE = (
    "[klik](https://evil.example) ![x](https://evil.example/a.png) @org/team "
    "<img src=x onerror=alert(1)> | pipe `kode` ``` #123 https://bare.example www.evil.example "
    "**tebal** <script>alert(1)</script> &amp; \\\n::error::pwned"
)

#: What the comment may contain once rendered: the renderer's own markup only.
ALLOWED_TAGS = {"h2", "h3", "p", "ul", "li", "strong", "code", "table", "thead", "tbody", "tr", "th", "td"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        #: Text outside code spans, where GitHub links mentions, references and addresses.
        self.prose: list[str] = []
        self.in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self.in_code = self.in_code or tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self.in_code = self.in_code and tag != "code"

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if not self.in_code:
            self.prose.append(data)


def rendered(text: str) -> _Tags:
    """The comment as HTML, roughly as GitHub renders it, split into tags and text."""
    parser = _Tags()
    parser.feed(markdown.markdown(text, extensions=["tables"]))
    return parser


def assert_inert(comment: str) -> None:
    html = rendered(comment)
    assert {tag for tag, _ in html.tags} <= ALLOWED_TAGS
    assert all(name == "style" for _, attrs in html.tags for name, _ in attrs)
    prose = "".join(html.prose)
    assert "@org" not in prose and "#123" not in prose
    assert "https://" not in prose and "www.evil" not in prose
    assert not any(line.lstrip().startswith("::") for line in comment.splitlines())


def test_contributor_text_in_the_comment_is_inert(history: Path) -> None:
    page = history / "docs/program/society/ronda.md"
    hostile = HOSTILE.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    text = page.read_text(encoding="utf-8").replace("title: Ronda Digital", f'title: "{hostile}"')
    text = text.replace("lead: dinsos", f'lead: "@org/team <b>x</b> | {hostile}"')
    page.write_text(text, encoding="utf-8")
    (history / "docs/program/society/x`` [a](http:evil.example) @org <b>x<b> ``.md").write_text(text)
    edit(
        history / "data/evaluations.yml",
        ("assessor: Tim Evaluasi Nasional", f'assessor: "{hostile}"'),
        ("text: Susun rencana aksi pengurangan emisi kendaraan dinas", f'text: "{hostile}"'),
    )
    edit(
        history / "docs/program/society/ruang-belajar.md", ("name: Angka putus sekolah", f'name: "{hostile}"')
    )
    git(history, "add", "-A")
    git(history, "commit", "-q", "-m", "Judul berbahaya")
    out = io.StringIO()
    assert main(["diff", "--root", str(history), "HEAD~1", "HEAD"], out=out) == 0
    comment = out.getvalue()
    assert "### Isian yang berubah" in comment and "### Masalah validasi baru" in comment
    assert (
        "- Evaluasi 2025 penilai: Tim Evaluasi Nasional → \\[klik\\](https:\u200b//evil.example)" in comment
    )
    assert "- Rekomendasi rek-2025-02: isi Susun rencana aksi" in comment
    assert "  - realisasi 2025 «\\[klik\\](https:\u200b//evil.example)" in comment
    assert "| @\u200borg/team" in comment
    assert_inert(comment)
    for line in comment.splitlines():
        if line.startswith("|"):
            assert line.count(" | ") - line.count("\\|") <= 3, line  # four cells, no more


def test_hostile_text_renders_as_itself() -> None:
    html = rendered(
        f"- {gfm.inline(HOSTILE)}\n- {gfm.code(HOSTILE)}\n- {gfm.message(HOSTILE)}\n"
    )
    assert [tag for tag, _ in html.tags][:5] == ["ul", "li", "li", "code", "li"]
    assert {tag for tag, _ in html.tags} == {"ul", "li", "code"}
    text = "".join(html.text).replace("\u200b", "")
    assert HOSTILE.replace("\n", " ") in text  # the code span: exactly the text
    assert "[klik](https://evil.example) ![x](https://evil.example/a.png) @org/team" in text
    assert "<img src=x onerror=alert(1)> | pipe" in text
    assert_inert(f"- {gfm.inline(HOSTILE)}\n- {gfm.code(HOSTILE)}\n- {gfm.message(HOSTILE)}\n")


@pytest.mark.parametrize("value", ["`", "``a`", " a ", "a`", "x | y", "<b>", "##[error]x"])
def test_code_spans_hold_any_text(value: str) -> None:
    html = rendered(f"- {gfm.code(value)}\n")
    assert [tag for tag, _ in html.tags] == ["ul", "li", "code"]
    assert "".join(html.text).strip().replace("\u200b", "") == value.strip()
    assert "##[" not in gfm.code(value)
