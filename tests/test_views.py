"""Cross-OPD views: golden files on the test plan, and every count and total checked
against the model on the sample plan."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT
from masterplan import fmt
from masterplan.aggregate import Figures
from masterplan.loader import load_plan
from masterplan.model import Masterplan
from masterplan.render import Views


def loaded(repo: Path) -> Masterplan:
    result = load_plan(repo)
    assert result.plan is not None and not result.problems
    return result.plan


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
    grand = sum(line.amount for p in sample.programs for line in p.budget)
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
        assert (
            f"{running} dari {len(programs)} program berjalan ({fmt.percent(running, len(programs))})" in html
        )
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
    assert re.search(r'<tr class="mp-group mp-gap"><td><code>misi-3</code>', html)
    assert re.search(r'<tr class=" mp-gap"><td><code>tujuan-3-1</code>', html)


def test_roadmap_marks_each_programme_year(sample: Masterplan) -> None:
    html = Views(sample).roadmap("")
    cells = len(re.findall(r'<td class="mp-on ', html))
    assert cells == sum(len(p.years) for p in sample.programs)
