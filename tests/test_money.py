"""Indication, pagu, realisasi, terdanai and serapan (masterplan.figures.money): each defined
once, and the same figures on the budget page, the OPD pages, the programme pages, the
print edition and the open data."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from test_render import Tables, percent_value, rupiah_value

from conftest import loaded
from masterplan.figures import money
from masterplan.figures.aggregate import Figures
from masterplan.model import Allocation, BudgetLine, Masterplan, Program, SpendingLine
from masterplan.views.budget import absorption_text


def programme(**fields: Any) -> Program:
    base: dict[str, Any] = dict(
        id="GOV-01",
        title="Contoh",
        element="e",
        lead="opd",
        horizon="short",
        start_year=2025,
        end_year=2027,
        status="ongoing",
    )
    return Program(**(base | fields))


@pytest.fixture
def plan(plan_repo: Path) -> Masterplan:
    return loaded(plan_repo)


def test_the_latest_pagu_is_the_perubahan_of_its_source_else_the_murni() -> None:
    p = programme(
        allocations=[
            Allocation(2026, "APBD", "murni", 500),
            Allocation(2026, "APBD", "perubahan", 450),
            Allocation(2026, "DAK", "murni", 300),  # the APBD-P left DAK as it was
        ]
    )
    assert money.latest_allocations(p) == {(2026, "APBD"): 450, (2026, "DAK"): 300}


def test_serapan_divides_by_the_pagu_where_recorded_and_by_the_indication_elsewhere() -> None:
    p = programme(
        budget=[BudgetLine(2025, 400, "APBD"), BudgetLine(2026, 1000, "APBD")],
        allocations=[Allocation(2026, "APBD", "murni", 800)],
        spending=[SpendingLine(2025, 300, "APBD"), SpendingLine(2026, 400, "APBD")],
    )
    cells = money.cells(p)
    assert cells[2025, "APBD"].absorption == 75  # no pagu recorded for 2025: 300 / 400
    assert cells[2026, "APBD"].absorption == 50  # 400 / 800, not 400 / 1000
    assert cells[2026, "APBD"].funded == 80
    both = money.of_programs([p], [2025, 2026])
    assert (both.base, both.on_indication, both.allocation) == (1200, 400, 800)
    assert both.absorption == pytest.approx(700 / 1200 * 100)
    assert both.funded == 80  # only the programme-years whose pagu is recorded
    assert money.of_programs([p], [2025]).funded is None


def test_a_pagu_of_zero_is_not_funded_and_no_pagu_is_not_known() -> None:
    unfunded = programme(
        budget=[BudgetLine(2026, 850, "APBD")], allocations=[Allocation(2026, "APBD", "murni", 0)]
    )
    unknown = programme(budget=[BudgetLine(2026, 850, "APBD")])
    assert money.of_programs([unfunded], [2026]).funded == 0
    assert money.of_programs([unfunded], [2026]).absorption is None  # nothing to absorb
    assert money.of_programs([unknown], [2026]).funded is None
    assert money.of_programs([unknown], [2026]).absorption == 0
    together = money.of_programs([unfunded, unknown], [2026])
    assert (together.funded, together.base) == (0, 850)


def test_quarterly_realisasi_is_cumulative_and_a_whole_year_line_counts_from_the_fourth() -> None:
    a = programme(spending=[SpendingLine(2026, 100, "APBD", 1), SpendingLine(2026, 50, "APBD", 3)])
    b = programme(spending=[SpendingLine(2026, 70, "DAK"), SpendingLine(2025, 999, "APBD")])
    assert money.quarterly_spent([a, b], 2026) == [100, 100, 150, 220]


def test_quarters_stop_at_the_reference_dates_quarter(plan: Masterplan) -> None:
    p = plan.counted_programs[0]
    p.allocations = [Allocation(2026, "APBD", "murni", 1000)]
    p.spending = [SpendingLine(2026, 100, "APBD", 1)]
    plan.info.as_of = datetime.date(2026, 5, 2)
    quarters = Figures(plan).quarters([p])
    assert quarters is not None
    assert quarters.rows == [(1, 100, 10.0), (2, 100, 10.0)]


def _table(html: str, table_id: str) -> dict[str, Any]:
    (table,) = [t for t in Tables(html).tables if t["id"] == table_id]
    return table


def _columns(table: dict[str, Any]) -> list[str]:
    return table["rows"]["thead"][0]


def test_money_reconciles_between_pages_print_and_open_data(sample_site: tuple[Path, Masterplan]) -> None:
    """The sample has pagu for some programmes (one below its indication, one not funded),
    quarterly realisasi for 2026 and programmes without pagu: every published total of
    the started years is the same sum of the open data's rows."""
    site, plan = sample_site
    spending = json.loads((site / "data/spending.json").read_text(encoding="utf-8"))
    status = {
        p["id"]: p["status"] for p in json.loads((site / "data/programs.json").read_text(encoding="utf-8"))
    }
    started = [
        r for r in spending if r["tahun"] <= plan.as_of.year and status[r["id_program"]] != "cancelled"
    ]
    on_pagu = [r for r in started if r["dasar_serapan"] == "pagu"]
    assert on_pagu and len(on_pagu) < len(started), "the sample mixes both bases"
    open_data = {
        "Indikatif": sum(r["rencana"] for r in started),
        "Pagu": sum(r["pagu"] for r in on_pagu),
        "Realisasi": sum(r["realisasi"] or 0 for r in started),
        "Dasar serapan": sum(r["pagu"] for r in on_pagu)
        + sum(r["rencana"] for r in started if r["dasar_serapan"] == "rencana"),
    }
    funded = open_data["Pagu"] / sum(r["rencana"] for r in on_pagu) * 100
    absorbed = open_data["Realisasi"] / open_data["Dasar serapan"] * 100

    budget_page = (site / "anggaran/index.html").read_text(encoding="utf-8")
    book = (site / "cetak/index.html").read_text(encoding="utf-8")
    for html, table_id in ((budget_page, "realisasi-tahun"), (book, "cetak-realisasi-tahun")):
        table = _table(html, table_id)
        total = dict(zip(_columns(table), table["rows"]["tfoot"][0], strict=True))
        for column, value in open_data.items():
            assert rupiah_value(total[column]) == value, (table_id, column)
        assert percent_value(total["Terdanai"]) == pytest.approx(funded, abs=0.005)
        assert percent_value(total["Serapan"]) == pytest.approx(absorbed, abs=0.005)
    for html, table_id in (
        (budget_page, "realisasi-sumber"),
        (budget_page, "realisasi-dimensi"),
        (budget_page, "realisasi-opd"),
        (book, "cetak-realisasi-dimensi"),
        (book, "cetak-realisasi-opd"),
    ):
        table = _table(html, table_id)
        columns = _columns(table)
        for column in ("Pagu", "Realisasi", "Dasar serapan"):
            at = columns.index(column)
            rows = sum(rupiah_value(row[at]) for row in table["rows"]["tbody"])
            assert rows == rupiah_value(table["rows"]["tfoot"][0][at]) == open_data[column], (
                table_id,
                column,
            )

    # Each dimension page states its row of the budget page's table per dimension.
    by_dimension = _table(budget_page, "realisasi-dimensi")
    columns = _columns(by_dimension)
    for d, row in zip(plan.dimensions, by_dimension["rows"]["tbody"], strict=True):
        cells = dict(zip(columns[1:], row[1:], strict=True))
        page = (site / "dimensi" / d.key / "index.html").read_text(encoding="utf-8")
        said = page.split('class="mp-dimension-money">', 1)[1].split("</p>", 1)[0]
        assert f"<strong>{cells['Realisasi']}</strong> dari" in said, d.key
        assert f" {cells['Dasar serapan']} tahun" in said, d.key
        assert f"<strong>{cells['Serapan']}</strong>" in said, d.key

    # Per year, terdanai as the budget page lists it.
    for year in {r["tahun"] for r in on_pagu}:
        rows = [r for r in on_pagu if r["tahun"] == year]
        share = sum(r["pagu"] for r in rows) / sum(r["rencana"] for r in rows) * 100
        assert f"{year}: <strong>{absorption_text(share)}</strong>" in budget_page

    # Each OPD page: the programmes it leads; together, the whole plan.
    opd_total = 0
    for opd in plan.opds:
        html = (site / "opd" / opd.key / "index.html").read_text(encoding="utf-8")
        tables = [t for t in Tables(html).tables if t["id"] == f"realisasi-{opd.key}"]
        if tables:
            total = dict(zip(_columns(tables[0]), tables[0]["rows"]["tfoot"][0], strict=True))
            opd_total += rupiah_value(total["Realisasi"])
    assert opd_total == open_data["Realisasi"]

    # Each programme page: its pagu and realisasi over all its years, as the open data has them.
    for p in plan.programs:
        rows = [r for r in spending if r["id_program"] == p.id]
        url = p.path.removeprefix("docs/").removesuffix(".md") + "/index.html"
        (table,) = Tables((site / url).read_text(encoding="utf-8")).table("mp-budget") or [None]
        if table is None:
            assert not rows
            continue
        # The footer's label spans the year and source columns.
        whole = dict(zip(_columns(table)[1:], table["rows"]["tfoot"][-1], strict=True))
        assert rupiah_value(whole["Realisasi"]) == sum(r["realisasi"] or 0 for r in rows), p.id
        if "Pagu" in whole:
            assert rupiah_value(whole["Pagu"]) == sum(r["pagu"] or 0 for r in rows), p.id
        else:
            assert all(r["pagu"] is None for r in rows), p.id
