"""Cross-OPD views: golden files on the test plan, and every count and total checked
against the model on the sample plan."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from conftest import ROOT, loaded
from masterplan import fmt
from masterplan.figures import delivery
from masterplan.figures.aggregate import Figures
from masterplan.model import Masterplan
from masterplan.read.history import Revision
from masterplan.views import Views
from masterplan.views.base import years_span


@pytest.fixture
def views(plan_repo: Path) -> Views:
    return Views(loaded(plan_repo))


@pytest.mark.parametrize(
    ("name", "render"),
    [
        ("catalogue.html", lambda v: v.catalogue("../")),
        ("matrices.md", lambda v: v.matrices("../")),
        ("roadmap.html", lambda v: v.roadmap("../")),
        ("roadmap_quick_wins.html", lambda v: v.roadmap("../", quick_wins=True)),
        ("budget.html", lambda v: v.budget("../")),
        ("progress.html", lambda v: v.progress("../")),
        ("rpjmd.html", lambda v: v.rpjmd("../")),
        ("opd_index.html", lambda v: v.opd_index("../")),
        ("opd_dishub.md", lambda v: v.opd_page(v.plan.opds[1], "../../")),
        ("opd_without_programmes.md", lambda v: v.opd_page(v.plan.opds[4], "../../")),
    ],
)
def test_view_golden(views: Views, golden, name: str, render) -> None:  # type: ignore[no-untyped-def]
    golden(f"views/{name}", render(views))


def test_an_opd_without_programmes_says_so(views: Views) -> None:
    page = views.opd_page(views.plan.opds[4], "../../")
    assert "belum tercantum sebagai pengampu maupun pendukung program mana pun" in page


@pytest.fixture(scope="module")
def sample() -> Masterplan:
    return loaded(ROOT)


def test_matrix_counts_match_the_model(sample: Masterplan) -> None:
    html = Views(sample).matrix_opd_dimension("")
    rows = re.findall(r'<tr><th scope="row"><a href="opd/([a-z0-9-]+)/">.*?</tr>', html)
    assert rows == [o.key for o in sample.opds]
    for opd in sample.opds:
        row = re.search(rf'<a href="opd/{opd.key}/">.*?</tr>', html)
        assert row is not None
        cells = re.findall(r"<td>(?:<a [^>]*>L(\d+) · S(\d+)</a>|<span[^>]*>—</span>)</td>", row.group(0))
        for d, (lead, support) in zip(sample.dimensions, cells, strict=True):
            want_lead = sum(1 for p in sample.programs_of(d.key) if p.lead == opd.key)
            want_support = sum(1 for p in sample.programs_of(d.key) if opd.key in p.support)
            assert (int(lead or 0), int(support or 0)) == (want_lead, want_support), (opd.key, d.key)


def test_dimension_matrices_mark_every_lead_and_support(sample: Masterplan) -> None:
    views = Views(sample)
    for d in sample.dimensions:
        html = views.matrix_dimension(d, "")
        programs = sample.programs_of(d.key)
        assert html.count('<td class="mp-lead-cell">') == len(programs)
        assert html.count('<td class="mp-support-cell">') == sum(len(p.support) for p in programs)


def test_opd_pages_count_what_the_model_says(sample: Masterplan) -> None:
    views = Views(sample)
    for opd in sample.opds:
        page = views.opd_page(opd, "../../")
        lead = [p for p in sample.programs if p.lead == opd.key]
        support = [p for p in sample.programs if opd.key in p.support]
        if lead or support:
            assert (
                f"Memimpin <strong>{len(lead)}</strong> program dan mendukung <strong>{len(support)}</strong>"
                in page
            )
        for p in lead + support:
            assert f"<td>{p.id}</td>" in page


def test_budget_tables_reconcile(sample: Masterplan) -> None:
    f = Figures(sample)
    grand = sum(line.amount for p in sample.counted_programs for line in p.budget)
    for table in (f.budget_dimension_year(), f.budget_source_year(), f.budget_opd_year()):
        assert table.total == grand
        assert sum(table.row_total(r) for r in table.rows) == grand
        assert sum(table.column_total(c) for c in table.columns) == grand
    html = Views(sample).budget("")
    # Every table's grand total, and the prose, show the same figure.
    assert html.count(f"<strong>{fmt.rupiah(grand)}</strong></td></tr></tfoot>") == 3
    assert fmt.rupiah_words(grand) in html


def test_progress_shares(sample: Masterplan) -> None:
    html = Views(sample).progress("")
    for d in sample.dimensions:
        programs = sample.programs_of(d.key)
        running = sum(1 for p in programs if p.status in ("ongoing", "done"))
        # The share counts exactly the two status columns it names.
        share = fmt.percent(running, len(programs))
        assert f'">{running} dari {len(programs)} program ({share})</td>' in html
    for p in sample.programs:
        if p.status == "delayed":
            assert f"<td>{p.id}</td>" in html


def test_rpjmd_alignment_lists_goals_without_programmes(plan_repo: Path) -> None:
    plan = loaded(plan_repo)
    html = Views(plan).rpjmd("")
    assert "2 dari 2 tujuan RPJMD didukung" in html and "mp-gap" not in html
    (plan_repo / "data/rpjmd.yml").write_text(
        (plan_repo / "data/rpjmd.yml").read_text(encoding="utf-8")
        + "- key: misi-3\n  name: Misi tanpa program\n  goals:\n    - {key: tujuan-3-1, name: Sepi}\n",
        encoding="utf-8",
    )
    html = Views(loaded(plan_repo)).rpjmd("")
    assert "2 dari 3 tujuan RPJMD didukung" in html
    assert re.search(r'<tr class="mp-group mp-gap"><td data-label="Kunci"><code>misi-3</code>', html)
    assert re.search(r'<tr class=" mp-gap"><td data-label="Kunci"><code>tujuan-3-1</code>', html)


def test_roadmap_marks_each_programme_year(sample: Masterplan) -> None:
    html = Views(sample).roadmap("")
    cells = len(re.findall(r'<td class="mp-on ', html))
    assert cells == sum(len(p.years) for p in sample.programs)


def spent_table(html: str, table_id: str) -> list[tuple[str, int, int, str]]:
    """Rows of a money table: (label, what serapan divides by, realisasi, serapan), total
    last. The divisor is the "Dasar serapan" column when the table has one (pagu and
    indication mixed), else the "Rencana" column."""
    table = re.search(rf'<table [^>]*id="{table_id}">.*?</table>', html, re.S)
    assert table is not None, table_id
    heads = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table.group(0))
    base = "Dasar serapan" if "Dasar serapan" in heads else "Rencana"
    rows = []
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table.group(0)):
        label, rest = row.split("</th>", 1)
        cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", rest)]
        by = dict(zip(heads[1:], cells, strict=True))
        rows.append((label, amount(by[base]), amount(by["Realisasi"]), by["Serapan"]))
    return rows


def amount(cell: str) -> int:
    return 0 if cell == "–" else int(cell.removeprefix("Rp").replace(".", ""))


def serapan_base(plan: Masterplan, years: list[int]) -> int:
    """What serapan divides by, computed here from the contract's words (not the engine's
    code): per programme and year, the pagu (perubahan, else murni, per source) when the
    page records any pagu for that year, else the indication."""
    total = 0
    for p in plan.counted_programs:
        for year in years:
            lines = [a for a in p.allocations if a.year == year]
            if lines:
                sources = {a.source for a in lines}
                for source in sources:
                    changed = [a.amount for a in lines if a.source == source and a.phase == "perubahan"]
                    murni = [a.amount for a in lines if a.source == source and a.phase == "murni"]
                    total += sum(changed) if changed else sum(murni)
            else:
                total += sum(b.amount for b in p.budget if b.year == year)
    return total


def test_budget_page_planned_against_spent_reconciles(sample: Masterplan) -> None:
    html = Views(sample).budget("")
    started = [y for y in sample.info.period.years if y <= sample.as_of.year]
    spent = sum(p.total_spending for p in sample.counted_programs)
    planned = serapan_base(sample, started)
    assert spent and planned
    serapan = fmt.percent(spent, planned)
    assert f"<strong>{fmt.rupiah_words(spent)}</strong> ({fmt.rupiah(spent)})" in html
    assert f"serapan <strong>{serapan}</strong>" in html
    by_year = spent_table(html, "realisasi-tahun")
    assert by_year[-1] == ("Total", planned, spent, serapan)
    for year, year_planned, year_spent, _ in by_year[:-1]:
        assert year_planned == serapan_base(sample, [int(year)])
        assert year_spent == sum(
            line.amount for p in sample.counted_programs for line in p.spending if line.year == int(year)
        )
    for table_id in ("realisasi-sumber", "realisasi-dimensi", "realisasi-opd"):
        rows = spent_table(html, table_id)
        assert rows[-1] == ("Total", planned, spent, serapan), table_id
        assert sum(r[1] for r in rows[:-1]) == planned and sum(r[2] for r in rows[:-1]) == spent, table_id
        for label, row_planned, row_spent, row_serapan in rows[:-1]:
            want = fmt.percent(row_spent, row_planned) if row_planned else "–"
            assert row_serapan == want, (table_id, label)
    opds = dict((r[0], r[2]) for r in spent_table(html, "realisasi-opd"))
    for opd in sample.opds:
        assert opds[opd.short] == sum(p.total_spending for p in sample.counted_programs if p.lead == opd.key)


def test_home_states_spending_against_the_plan(sample: Masterplan) -> None:
    spent = sum(p.total_spending for p in sample.counted_programs)
    last = min(sample.info.period.end, sample.as_of.year)
    planned = serapan_base(sample, list(range(sample.info.period.start, last + 1)))
    home = Views(sample).home()
    assert (
        f"<strong>{fmt.rupiah_words(spent)}</strong> realisasi anggaran</a> hingga {fmt.date(sample.as_of)}, "
        f"dari pagu APBD dan rencana (program-tahun tanpa pagu) {fmt.rupiah_words(planned)} untuk tahun "
        f"{years_span(sample.info.period.start, last)} (serapan {fmt.percent(spent, planned)}; terdanai APBD"
        in home
    )


def attention_rows(html: str) -> dict[str, list[str]]:
    """Programme id -> the reasons listed for it under "perlu diperbarui"."""
    table = re.search(r'<table class="mp-table mp-attention">.*?</table>', html, re.S)
    if table is None:
        return {}
    rows = re.findall(
        r"<tr><td>([A-Z]+-\d+)</td>.*?<ul class=\"mp-reasons\">(.*?)</ul>", table.group(0), re.S
    )
    return {id_: re.findall(r"<li>(.*?)</li>", reasons) for id_, reasons in rows}


def test_delayed_and_unreported_programmes_need_updating(views: Views) -> None:
    expected = {
        "LIV-01": ["Realisasi belum dilaporkan: Armada dengan alat bantu 2025"],
        "SOC-01": ["Tertunda: Pengadaan perangkat diulang karena penyedia mundur."],
    }
    assert attention_rows(views.progress("../")) == expected
    assert '<a href="../program/society/ruang-belajar/">Ruang Belajar Digital Desa</a>' in views.progress(
        "../"
    )
    # Each OPD page lists the programmes it leads, and only those.
    dishub, dinsos, diskominfo = (views.plan.opd(k) for k in ("dishub", "dinsos", "diskominfo"))
    assert dishub and dinsos and diskominfo
    assert attention_rows(views.opd_page(dishub, "../../")) == {"LIV-01": expected["LIV-01"]}
    assert attention_rows(views.opd_page(dinsos, "../../")) == {"SOC-01": expected["SOC-01"]}
    assert "Tidak ada program yang perlu diperbarui per 31 Maret 2026." in views.opd_page(
        diskominfo, "../../"
    )


def test_a_programme_not_changed_for_too_long_is_stale(plan_repo: Path) -> None:
    plan = loaded(plan_repo)
    eco = plan.program("ECO-01")
    assert eco is not None and plan.info.stale_after_days == 180
    # ECO-01 runs 2025-2027; its page last changed 303 days before 31 March 2026.
    old = {
        eco.path: [
            Revision("b" * 40, datetime.date(2025, 6, 1)),
            Revision("a" * 40, datetime.date(2025, 1, 2)),
        ]
    }
    views = Views(plan, history=old)
    scheduled = years_span(2025, 2027)
    stale = [f"Belum diperbarui sejak 1 Juni 2025 (303 hari), padahal dijadwalkan berjalan {scheduled}"]
    assert attention_rows(views.progress("../"))["ECO-01"] == stale
    diskominfo = plan.opd("diskominfo")
    assert diskominfo is not None
    assert attention_rows(views.opd_page(diskominfo, "../../")) == {"ECO-01": stale}
    # 180 days is not yet stale; nor is a programme that is done.
    recent = {eco.path: [Revision("c" * 40, datetime.date(2025, 10, 2))]}
    assert "ECO-01" not in attention_rows(Views(plan, history=recent).progress("../"))
    eco.status = "done"
    assert "ECO-01" not in attention_rows(Views(plan, history=old).progress("../"))


def test_a_cancelled_programme_is_shown_but_never_counted_as_behind_or_to_update(plan_repo: Path) -> None:
    """A cancelled programme stays listed with its note, but its indicators are not
    "belum dilaporkan", it is not asked for an update, and the page says it is left out."""
    page = plan_repo / "docs/program/society/ruang-belajar.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("status: delayed", "status: cancelled"), encoding="utf-8")
    plan = loaded(plan_repo)
    cancelled = next(p for p in plan.programs if p.status == "cancelled")
    views = Views(plan)
    whole = delivery.tally(plan.programs, plan.as_of)
    assert all(a.program is not cancelled for a in whole.items)
    assert all(a.program is not cancelled for a in views.needing_update)
    achievement = views.achievement("")
    assert "Indikator 1 program yang dibatalkan" in achievement and cancelled.id in achievement
    catalogue = views.catalogue("")
    assert cancelled.id in catalogue  # still listed, with its budget
    # Not counted in any total, and each total says so.
    total = sum(p.total_budget for p in plan.programs) - cancelled.total_budget
    assert plan.total_budget == total
    assert f"total {fmt.rupiah(total)} (tanpa 1 program yang dibatalkan)" in catalogue
    budget = views.budget("")
    assert f"({fmt.rupiah(total)})" in budget and "1 program yang dibatalkan tidak dihitung" in budget
    f = views.figures
    assert f.budget_opd_year().total == f.budget_dimension_year().total == total
    others = [p for p in plan.programs if p.lead == cancelled.lead and p is not cancelled]
    assert f.budget_opd_year().row_total(cancelled.lead) == sum(p.total_budget for p in others)


def test_opds_are_ordered_as_their_captions_say(plan_repo: Path) -> None:
    plan = loaded(plan_repo)
    views = Views(plan)
    _, opds = views.achievement_rows()
    bad = [row.tally.count("behind") + row.tally.count("not-reported") for row in opds]
    assert bad == sorted(bad, reverse=True), "the most indicators off target first"
    f = views.figures
    spent = f.money_by_opd.lowest_absorption_first()
    shown = [spent[r].absorption for r in spent.rows if spent[r].absorption is not None]
    assert shown == sorted(shown), "spending by OPD: the lowest serapan first"


def test_a_plan_without_budget_says_so_instead_of_rp0(plan_repo: Path) -> None:
    """An adopted plan before its first programme: an honest empty state, not "Rp0 (Rp0)"."""
    for page in (plan_repo / "docs/program").glob("*/*.md"):
        page.unlink()
    plan = loaded(plan_repo)
    views = Views(plan)
    budget, home = views.budget(""), views.home()
    assert "Rp0" not in budget and "Belum ada anggaran indikatif" in budget
    assert "<svg" not in budget, "no empty chart"
    assert "Rp0" not in home and "belum diisi" in home
