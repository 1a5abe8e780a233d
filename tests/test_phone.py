"""Who is behind, on a phone: the sample site measured in a real browser at 360 and 1280
pixels. Every table's cells are on screen without scrolling sideways (the OPD × programme
matrices excepted: grids that scroll with their first column fixed), no table is
wider than its column, words break only between words (or after a hyphen), programme codes
never, and every chart label is at least 12 CSS pixels tall on a phone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from test_browser import browser, expect, page, server

__all__ = ["browser", "page", "server"]  # fixtures shared with the other browser journeys

PAGES = [
    "",
    "dimensi/living/",
    "program/living/alat-bantu-disabilitas-di-angkutan-umum/",
    "program/",
    "capaian/",
    "evaluasi/",
    "anggaran/",
    "opd/dishub/",
    "progres/",
    "cetak/",
]
#: The OPD × programme matrices are grids read across both axes: they scroll inside
#: their frame, with the OPD column and the header row fixed.
GRIDS = ".mp-matrix"

MEASURE = (Path(__file__).parent / "phone_measure.js").read_text("utf-8")


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("path", PAGES)
def test_tables_words_and_charts_read_at_this_width(page: Any, server: str, path: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(server + path)
    found = page.evaluate(MEASURE, GRIDS)
    assert found["off"] == [], f"{path} at {width}px: cells off screen"
    assert found["wide"] == [], f"{path} at {width}px: tables wider than their column"
    assert found["split"] == [], f"{path} at {width}px: words broken across lines"
    if found["smallest"] is not None and width == 360:
        assert found["smallest"] >= 12, f"{path}: a chart label is {found['smallest']:.1f}px tall"


def test_a_stacked_row_names_each_value(page: Any, server: str) -> None:
    """On a phone a budget line reads as labelled values, and the same table stays in the
    HTML (its header row for screen readers and copying)."""
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(server + "program/living/alat-bantu-disabilitas-di-angkutan-umum/")
    table = page.locator("table.mp-budget")
    expect(table.locator("thead th")).to_have_count(5)
    cell = table.locator("tbody tr").first.locator('td[data-label="Serapan"]')
    label = cell.evaluate("c => getComputedStyle(c, '::before').content")
    assert label == '"Serapan"'
    box = cell.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360


def test_catalogue_filters_live_in_the_address(page: Any, server: str) -> None:
    page.goto(server + "program/")
    rows = page.locator("#mp-catalogue tbody tr:visible")
    everything = rows.count()
    # katalog.js makes the headings sort buttons once it has bound the filters.
    expect(page.get_by_role("button", name="Kode")).to_be_visible()
    page.locator("select[data-filter=opd]").select_option("dishub")
    expect(page).to_have_url(re.compile(r"\?opd=dishub$"))
    chosen = page.locator("#mp-catalogue .mp-count").inner_text()
    assert not chosen.startswith(f"{everything} dari")
    # Opened fresh (a shared link), the same list.
    page.goto(server + "program/?opd=dishub")
    expect(page.get_by_role("button", name="Kode")).to_be_visible()
    expect(page.locator("#mp-catalogue .mp-count")).to_have_text(chosen)
    page.locator("select[data-filter=status]").select_option("ongoing")
    expect(page).to_have_url(re.compile(r"\?opd=dishub&status=ongoing$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?opd=dishub$"))
    expect(page.locator("select[data-filter=status]")).to_have_value("")
    expect(page.locator("#mp-catalogue .mp-count")).to_have_text(chosen)
