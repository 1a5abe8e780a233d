"""What `mkdocs serve` keeps from one rebuild to the next, and that keeping it changes
nothing in what is built or reported."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from jinja2 import DictLoader, Environment
from test_safehtml import markdown_text

from conftest import ROOT, loaded
from masterplan.build.cache import DiskCache
from masterplan.build.plugin import merge_search_entries
from masterplan.html.safehtml import (
    BASE_STAND_IN,
    Rendered,
    _anchor_headings,
    _changes,
    _render_clean,
    clean,
    convert,
    links,
    render,
)
from masterplan.outputs import book, cms
from masterplan.read.loader import load_plan
from masterplan.source import parse_yaml
from masterplan.views.program import program_skeleton

NARRATIVE = (
    "## Latar belakang\n\nLihat [program UMKM](../economy/promosi-umkm.md#tujuan) dan "
    "![peta](peta.png).\n\n<b onclick=x>tebal</b> <!-- catatan -->\n"
)


def one_pass(text: str, *, before: str = "", page: str = "", base: str = "") -> Rendered:
    """The reference: generated Markdown and narrative converted and cleaned together,
    nothing cached."""
    done = _render_clean(text, before=before, after="", page=page, report=True)
    html, tokens = _anchor_headings(done.html.replace(BASE_STAND_IN, base))
    return Rendered(
        html, tokens, [replace(c, value=c.value.replace(BASE_STAND_IN, base)) for c in done.changes]
    )


def test_a_narrative_rendered_for_one_page_is_right_for_another_base() -> None:
    page = "program/living/alat-bantu.md"
    for base in ("../../../", "../", ""):
        assert render(NARRATIVE, page=page, base=base) == one_pass(NARRATIVE, page=page, base=base), base
    html = render(NARRATIVE, page=page, base="../").html
    assert '<a href="../program/economy/promosi-umkm/#tujuan">' in html
    assert '<img src="../program/living/peta.png" alt="peta">' in html
    assert [(c.kind, c.tag) for c in render(NARRATIVE, page=page).changes] == [("tag", "b"), ("comment", "")]


def test_a_cached_rendering_cannot_be_changed_by_its_caller() -> None:
    first = render(NARRATIVE, page="program/living/x.md", base="../")
    first.toc_tokens[0]["name"] = "diubah"
    first.changes.clear()
    again = render(NARRATIVE, page="program/living/x.md", base="../")
    assert again.toc_tokens[0]["name"] == "Latar belakang"
    assert again.changes


def test_reloading_a_plan_sees_an_edited_page_and_returns_fresh_objects(plan_repo: Path) -> None:
    first = loaded(plan_repo)
    program = next(p for p in first.programs if p.id == "LIV-01")
    program.dimension = "diubah oleh pemanggil"
    program.indicators[0].name = "diubah oleh pemanggil"
    again = next(p for p in loaded(plan_repo).programs if p.id == "LIV-01")
    assert (again.dimension, again.indicators[0].name) == ("living", "Armada dengan alat bantu")

    page = plan_repo / "docs/program/living/alat-bantu.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("progress: 40", "progress: 140"), encoding="utf-8"
    )
    problems = load_plan(plan_repo).problems
    assert [(p.file, p.key, p.code) for p in problems] == [
        ("docs/program/living/alat-bantu.md", "progress", "bad-value")
    ]
    page.write_text(
        page.read_text(encoding="utf-8").replace("progress: 140", "progress: 50"), encoding="utf-8"
    )
    edited = loaded(plan_repo)
    assert next(p for p in edited.programs if p.id == "LIV-01").progress == 50


def test_an_edited_template_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASTERPLAN_CACHE", str(tmp_path / "cache"))
    cache = DiskCache.open()
    assert cache is not None
    templates = {"a.html": "satu {{ x }}"}

    def rendered() -> str:
        # A new environment per build, as `mkdocs serve` makes; compiled code from the disk.
        env = Environment(loader=DictLoader(templates), bytecode_cache=cache.templates(), auto_reload=False)
        return env.get_template("a.html").render(x=1)

    assert rendered() == "satu 1"
    assert rendered() == "satu 1"
    templates["a.html"] = "dua {{ x }}"
    assert rendered() == "dua 1"


def test_the_form_is_copied_once_and_kept_exact(plan_repo: Path, tmp_path: Path) -> None:
    plan = loaded(plan_repo)
    out = tmp_path / "site"
    cms.write(plan, out, root=ROOT)
    admin = out / "admin"
    bundle = admin / "decap-cms.js"
    before = bundle.stat().st_mtime_ns
    (admin / "lama.js").write_text("stale", encoding="utf-8")
    (admin / "yaml" / "lama").mkdir()
    (admin / "layout.js").write_text("diubah", encoding="utf-8")
    os.utime(admin / "layout.js", ns=(0, 0))
    cms.write(plan, out, root=ROOT)
    assert bundle.stat().st_mtime_ns == before
    assert not (admin / "lama.js").exists() and not (admin / "yaml" / "lama").exists()
    assert (admin / "layout.js").read_bytes() == (cms.ASSETS / "layout.js").read_bytes()
    fresh = tmp_path / "fresh"
    cms.write(plan, fresh, root=ROOT)
    listing = sorted(p.relative_to(admin).as_posix() for p in admin.rglob("*"))
    assert listing == sorted(p.relative_to(fresh / "admin").as_posix() for p in (fresh / "admin").rglob("*"))
    for name in listing:
        if (admin / name).is_file():
            assert (admin / name).read_bytes() == (fresh / "admin" / name).read_bytes(), name
    shutil.rmtree(fresh)


def test_the_form_config_is_what_yaml_safe_dump_writes(plan_repo: Path) -> None:
    config = cms.config(
        loaded(plan_repo), repository="https://github.com/a/b", site_url="https://a.github.io/b/"
    )
    fast = yaml.dump(config, Dumper=cms.DUMPER, allow_unicode=True, sort_keys=False)
    assert fast == yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def test_a_dirty_rebuild_replaces_the_search_entries_of_the_pages_it_built() -> None:
    def entries(url: str, *sections: str, text: str = "") -> list[dict[str, str]]:
        return [{"location": url, "text": text}] + [
            {"location": f"{url}#{s}", "text": text} for s in sections
        ]

    previous = (
        entries("", "visi")
        + entries("program/", "daftar")
        + entries("program/a/", "x")
        + entries("program/dihapus/", "y")
        + entries("cetak/")
    )
    # What Material writes: its merge keeps old runs of every rebuilt page but the first.
    written = (
        entries("program/", "daftar")
        + entries("program/a/", "x")
        + entries("cetak/")
        + entries("", "baru", text="baru")
        + entries("program/", text="baru")
        + entries("cetak/", "bab", text="baru")
    )
    pages = {"", "program/", "program/a/", "cetak/"}  # program/dihapus/ was deleted
    merged = merge_search_entries(previous, written, {"", "program/", "cetak/"}, pages)
    assert sorted(d["location"] for d in merged) == sorted(
        ["", "#baru", "program/", "program/a/", "program/a/#x", "cetak/", "cetak/#bab"]
    )
    assert all(d["text"] == "baru" for d in merged if not d["location"].startswith("program/a/"))


#: Narratives that could reach back into the blocks before them, if anything could.
EDGES = [
    "",
    "\n\n\n",
    "    kode terindentasi\n",
    "lanjutan paragraf\n===\n",
    "===\n",
    "- lanjutan\n  daftar",
    "   - daftar menjorok\n",
    "> kutipan\nlanjut",
    "```\nfence tidak ditutup\n",
    "~~~\n",
    "<!-- komentar tidak ditutup\n",
    "<pre>\nblok HTML tidak ditutup\n",
    "<div>\n",
    "[a]: https://contoh.example/\n\n[a] dan [b]",
    "## Indikator kinerja\n\n## Anggaran dan realisasi\n\n## Riwayat perubahan",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "mpslot bukan slot\n",
    "<!-- masterplan:facts -->\n",
    "a" * 50_001,
    "<" * 2_001,
    "> " * 150 + "dalam",
]


def _narratives() -> list[str]:
    from test_cases import CASES

    from masterplan.commands.bench import HOSTILE_PATTERNS

    texts = list(EDGES)
    for case_file in CASES:
        case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
        texts += [
            new for pairs in (case.get("replace") or {}).values() for _, new in pairs if isinstance(new, str)
        ]
    texts += [pattern * 40 for pattern in HOSTILE_PATTERNS]
    for page in sorted((ROOT / "tests/fixtures/sample/docs/program").rglob("*.md")):
        texts.append(page.read_text(encoding="utf-8").split("\n---\n", 1)[1])
    return texts


def test_a_programme_page_renders_as_if_its_panels_and_narrative_were_one_text() -> None:
    before = program_skeleton()
    for text in _narratives():
        for base in ("../../../", ""):
            split = render(text, before=before, page="program/living/x.md", base=base)
            assert split == one_pass(text, before=before, page="program/living/x.md", base=base), text[:80]


def _as_in_the_book(page_html: str) -> str:
    """The print edition's form of a page's narrative: headings h5, no ids, no permalinks."""
    html = re.sub(r'<a class="headerlink" href="#[^"]*" title="Tautan ke bagian ini">¶</a>', "", page_html)
    return re.sub(r"</h[1-6]>", "</h5>", re.sub(r'<h[1-6] id="[^"]*">', "<h5>", html))


def test_the_print_edition_shows_each_narrative_as_its_page_does_with_h5_headings() -> None:
    for text in _narratives():
        for base in ("../", ""):
            shown = render(text, page="program/living/x.md", base=base).html
            printed = book._narrative(text, "docs/program/living/x.md", base)
            assert printed == _as_in_the_book(shown), text[:80]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_text)
def test_any_narrative_shows_in_the_print_edition_as_on_its_page(text: str) -> None:
    shown = render(text, page="program/living/x.md", base="../").html
    assert book._narrative(text, "docs/program/living/x.md", "../") == _as_in_the_book(shown)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_text)
def test_any_narrative_after_the_panels_renders_as_one_text(text: str) -> None:
    before = program_skeleton()
    assert render(text, before=before, page="program/living/x.md", base="../") == one_pass(
        text, before=before, page="program/living/x.md", base="../"
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_text)
def test_a_rendering_that_cleaning_left_as_it_was_has_no_changes_to_report(text: str) -> None:
    # The validator skips listing changes when the clean HTML equals Markdown's: that
    # shortcut must agree with the full comparison on any text.
    rewrite = links("program/living/x.md", BASE_STAND_IN)
    raw = convert(text)
    out = clean(raw, rewrite)
    full = _changes(raw, out, text, rewrite)
    if out == raw:
        assert full == []
    done = _render_clean(text, before="", after="", page="program/living/x.md", report=True)
    assert list(done.changes) == full


def test_a_scalar_has_the_same_type_however_often_and_however_it_is_written() -> None:
    # The reader remembers each plain text's YAML tag: `2025` is a year, `"2025"` text,
    # `yes` a boolean, whether as key or value, first seen or seen again.
    doc = (
        'a: 2025\nb: "2025"\nc: yes\nd: "yes"\n2025: x\n"2026": y\non: 1\ne: 2024-01-31\n'
        "f: '2024-01-31'\ng: ~\nh: 0x1F\ni: .inf\nj: 1_000\nk: [2025, '2025', yes, 'yes']\n"
    )
    expected = yaml.load(doc, Loader=yaml.SafeLoader)  # pure-Python PyYAML, nothing kept
    for _ in range(3):
        assert parse_yaml(doc).data == expected
    assert parse_yaml("x: 2025").data == {"x": 2025} and parse_yaml("x: '2025'").data == {"x": "2025"}


def test_the_print_edition_shows_each_save_while_serving(plan_repo: Path) -> None:
    """Across the builds of one process, the print edition follows narratives, front
    matter and data, as a fresh build shows them."""
    from masterplan.build.site import Site

    def printed() -> str:
        site = Site(plan_repo)
        return site.page_html("docs/cetak/index.md", site.print_edition("../"), "cetak/")

    def edit(rel: str, old: str, new: str) -> None:
        path = plan_repo / rel
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")

    assert "Memasang alat bantu." in printed()
    edit("docs/program/living/alat-bantu.md", "Memasang alat bantu.", "Memasang lift kursi roda.")
    after_narrative = printed()
    assert "Memasang lift kursi roda." in after_narrative and "Memasang alat bantu." not in after_narrative
    edit("docs/program/living/alat-bantu.md", "title: Alat Bantu", "title: Lift Kursi Roda dan Alat Bantu")
    assert "Lift Kursi Roda dan Alat Bantu" in printed()
    edit("data/opd.yml", "name: Dinas Perhubungan,", "name: Dinas Perhubungan dan Jalan,")
    assert "Dinas Perhubungan dan Jalan" in printed()
    edit("docs/program/living/alat-bantu.md", "Memasang lift kursi roda.", "Memasang lift dan ramp.")
    assert "Memasang lift dan ramp." in printed()
