"""Search in Indonesian: the stemmer the site's search loads, and a reader who types a
root (or an OPD, an element, an id) and finds the programme, on the fixture plan's site."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_browser import SEARCH_READY, browser, expect, serve_folder, watched_tab

from conftest import FIXTURE, ROOT, add_site_files, build_site

__all__ = ["browser"]  # the fixture, shared with the other browser journeys

STEMMER = ROOT / "macros/overrides/assets/javascripts/lunr/min/lunr.id.min.js"
NODE = shutil.which("node")

# Affixed words and the root a reader types: what Indonesian readers expect to match.
PAIRS = {
    "pelayanan": "layan",
    "layanan": "layan",
    "melayani": "layan",
    "dilayani": "layan",
    "persampahan": "sampah",
    "sampah": "sampah",
    "pembangunan": "bangun",
    "membangun": "bangun",
    "kesehatan": "sehat",
    "ditetapkan": "tetap",
    "berbasis": "basis",
    "menyediakan": "sedia",
    "pendidikan": "didik",
    "bekerja": "kerja",
    "pembelajaran": "ajar",
    "belajar": "ajar",
    "pertanian": "tani",
    "petani": "tani",
    "kesejahteraan": "sejahtera",
    "rumahnya": "rumah",
    "memakai": "paka",
    "pakai": "paka",
    # Two syllables or fewer, codes and abbreviations are left alone.
    "desa": "desa",
    "dinas": "dinas",
    "liv": "liv",
    "03": "03",
    "umkm": "umkm",
}


def test_stemmer_maps_affixed_words_to_their_root() -> None:
    if NODE is None:
        pytest.fail("Node.js is not installed: scripts/bootstrap needs npm and node")
    script = (
        f"const {{stem}} = require({json.dumps(str(STEMMER))});"
        f"process.stdout.write(JSON.stringify({json.dumps(list(PAIRS))}.map(stem)));"
    )
    result = subprocess.run([NODE, "-e", script], capture_output=True, text=True, check=True)
    assert dict(zip(PAIRS, json.loads(result.stdout), strict=True)) == PAIRS


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture plan's site, built strict once for this module."""
    repo = tmp_path_factory.mktemp("search") / "repo"
    shutil.copytree(FIXTURE, repo)
    add_site_files(repo)
    result = build_site(repo)
    assert result.returncode == 0, result.stderr
    return repo / "site"


def test_index_is_indonesian_and_programmes_carry_their_opd_and_element(fixture_site: Path) -> None:
    index = json.loads((fixture_site / "search/search_index.json").read_text("utf-8"))
    assert index["config"]["lang"] == ["id"]
    assert index["config"]["pipeline"] == ["stemmer", "stopWordFilter", "trimmer"]
    assert (fixture_site / "assets/javascripts/lunr/min/lunr.id.min.js").is_file()
    tagged = {d["location"]: d["tags"] for d in index["docs"] if "tags" in d}
    assert tagged["program/living/alat-bantu/"] == [
        "Dishub",
        "Dinas Perhubungan",
        "Mobilitas dan Transportasi",
    ]
    # Tags once per programme, not on each of its sections.
    assert all("#" not in location for location in tagged)
    # A programme is found by its page and by the headings of its narrative, not by the
    # panel headings every programme shares (they have no text of their own).
    sections = [d["title"] for d in index["docs"] if d["location"].startswith("program/living/alat-bantu/#")]
    assert sections
    assert not {"Anggaran dan realisasi", "Indikator kinerja", "Riwayat perubahan"} & set(sections)


@pytest.fixture
def page(browser: Any, fixture_site: Path) -> Iterator[tuple[Any, str]]:
    with (
        serve_folder(fixture_site) as server,
        watched_tab(browser, server, "test_search", width=360, height=740) as tab,
    ):
        yield tab, server


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("pasang", "LIV-01 Alat Bantu Disabilitas di Angkutan Umum"),  # the page says "Memasang"
        ("angkut", "LIV-01 Alat Bantu Disabilitas di Angkutan Umum"),  # "Angkutan"
        ("pembelajaran", "SOC-01 Ruang Belajar Digital Desa"),  # the title says "Belajar"
        ("Dinsos", "SOC-01 Ruang Belajar Digital Desa"),  # its lead OPD
        ("Kesejahteraan", "ECO-01 Platform Promosi UMKM Digital"),  # its element
        ("ECO-01", "ECO-01 Platform Promosi UMKM Digital"),
    ],
)
def test_reader_finds_a_programme_by_root_opd_element_or_id(
    page: tuple[Any, str], typed: str, found: str
) -> None:
    tab, server = page
    tab.goto(server)
    box = tab.get_by_role("textbox", name="Cari")
    # At phone width the search field is behind the header's search button.
    tab.locator("label[for=__search]").first.click()
    expect(tab.locator(".md-search-result__meta")).to_have_text(SEARCH_READY, timeout=15000)
    box.press_sequentially(typed, delay=20)
    result = tab.locator(".md-search-result__item").filter(has_text=found)
    expect(result.first).to_be_visible(timeout=15000)
