"""The achievement (/capaian/) and evaluation (/evaluasi/) pages: golden files on the test
plan, every count checked against the model, and both pages in a real strict build."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import jsonschema
import pytest

from conftest import build_site, loaded
from masterplan import fmt
from masterplan.figures import delivery
from masterplan.outputs.schemas import json_schemas
from masterplan.source import read_yaml
from masterplan.views import Views, page_url
from masterplan.views.achievement import capaian

#: The order of the state columns: worst first, as delivery.STATES lists them.
STATE_ORDER: list[delivery.State] = ["not-reported", "behind", "on-track", "not-due"]


@pytest.fixture
def views(plan_repo: Path) -> Views:
    return Views(loaded(plan_repo))


@pytest.mark.parametrize(
    ("name", "render"),
    [
        ("achievement.html", lambda v: v.achievement("../")),
        ("evaluation.html", lambda v: v.evaluation("../")),
    ],
)
def test_view_golden(views: Views, golden, name: str, render) -> None:  # type: ignore[no-untyped-def]
    golden(f"views/{name}", render(views))


def table(html: str, table_id: str) -> str:
    match = re.search(rf'<table [^>]*id="{table_id}">.*?</table>', html, re.S)
    assert match, table_id
    return match.group(0)


def tally_rows(html: str, table_id: str) -> list[tuple[str, list[int]]]:
    """(link target, counts per state in STATES order, indicator total) of each body row."""
    body = table(html, table_id).split("<tbody>")[1].split("</tbody>")[0]
    rows = []
    for href, cells in re.findall(r'<tr><th scope="row"><a href="\.\./([^"]+)">.*?</th>(.*?)</tr>', body):
        numbers = re.findall(r'<td (?:data-label="[^"]*" )?class="mp-num[^"]*">(\d+)</td>', cells)
        rows.append((href, [int(n) for n in numbers]))
    return rows


def expected(tally: delivery.Tally) -> list[int]:
    assert list(delivery.STATES) == STATE_ORDER
    return [tally.count(s) for s in STATE_ORDER] + [len(tally.items)]


def test_achievement_counts_match_the_tally_worst_first(views: Views) -> None:
    plan = views.plan
    html = views.achievement("../")
    whole = delivery.tally(plan.programs, plan.as_of)
    # The test plan has one indicator in each state that matters: the page must tell them apart.
    assert [whole.count(s) for s in ("on-track", "behind", "not-reported")] == [1, 1, 1]

    dims = tally_rows(html, "capaian-dimensi")
    assert sorted(href for href, _ in dims) == sorted(f"dimensi/{d.key}/" for d in plan.dimensions)
    tallies = {
        f"dimensi/{d.key}/": delivery.tally(plan.programs_of(d.key), plan.as_of) for d in plan.dimensions
    }
    for href, counts in dims:
        assert counts == expected(tallies[href]), href
    badness = [tallies[href].badness for href, _ in dims]
    assert badness == sorted(badness)
    assert dims[0][0] == "dimensi/living/"  # its only due indicator is not reported

    opds = tally_rows(html, "capaian-opd")
    leads = {p.lead for p in plan.programs}
    assert sorted(href for href, _ in opds) == sorted(f"opd/{key}/" for key in leads)
    for href, counts in opds:
        key = href.split("/")[1]
        assert counts == expected(delivery.tally([p for p in plan.programs if p.lead == key], plan.as_of))
    assert [href for href, _ in opds][:2] == ["opd/dishub/", "opd/dinsos/"]

    for table_id in ("capaian-dimensi", "capaian-opd"):
        foot = table(html, table_id).split("<tfoot>")[1]
        assert [int(n) for n in re.findall(r"<strong>(\d+)</strong>", foot)] == expected(whole)
    assert f"Keadaan per <strong>{fmt.date(plan.as_of)}</strong>" in html


def test_indicators_behind_or_missing_are_listed_worst_first(views: Views) -> None:
    plan = views.plan
    html = table(views.achievement("../"), "capaian-indikator")
    whole = delivery.tally(plan.programs, plan.as_of)
    rows = re.findall(r'<tr class="mp-state--([a-z-]+)">(.*?)</tr>', html)
    want = whole.of("not-reported") + whole.of("behind")
    assert [state for state, _ in rows] == [a.state for a in want] == ["not-reported", "behind"]
    for (_, row), a in zip(rows, want, strict=True):
        assert a.year is not None
        assert f'<a href="../{page_url(a.program.path)}">{a.program.id}</a>' in row
        assert f">{a.indicator.name}<" in row
        assert f"{fmt.number(a.year.target or 0)} {a.indicator.unit}" in row
        assert f">{capaian(a.year.achievement)}<" in row
        assert delivery.STATES[a.state] in row
    behind = whole.of("behind")[0]
    assert behind.year is not None and capaian(behind.year.achievement) == "60%"
    # The on-track indicator (lower is better: 2,8% against 3%) is not listed.
    assert "Angka putus sekolah" not in html


def recommendation_items(html: str) -> dict[str, str]:
    return dict(
        re.findall(
            r'<li class="mp-recommendation[^"]*" id="([^"]+)">(.*?)</li>\n(?=<li class="mp-rec|</ol>)',
            html,
            re.S,
        )
    )


def test_every_recommendation_shows_its_programmes_and_the_unanswered_one_is_flagged(views: Views) -> None:
    html = views.evaluation("../")
    items = recommendation_items(html)
    evaluation = views.plan.evaluations[-1]
    assert list(items) == [r.key for r in evaluation.recommendations]
    by_id = {p.id: p for p in views.plan.programs}
    flag = "Belum ada program yang menjawab rekomendasi ini"
    for rec in evaluation.recommendations:
        item = items[rec.key]
        assert rec.text.replace("&", "&amp;") in item
        answering = [by_id[i] for i in rec.programs if i in by_id]
        for p in answering:
            assert f'<a href="../{page_url(p.path)}">{p.id} {p.title}</a>' in item
            assert f'<span class="mp-status mp-status--{p.status}">{fmt.STATUS[p.status]}</span>' in item
        assert (flag in item) == (not answering), rec.key
        marked = f'<li class="mp-recommendation mp-recommendation--unanswered" id="{rec.key}">' in html
        assert marked == (not answering), rec.key
    assert html.count(flag) == 1


def test_unknown_programme_ids_are_shown_as_text(plan_repo: Path) -> None:
    plan = loaded(plan_repo)
    rec = plan.evaluations[-1].recommendations[1]
    rec.programs.append("ENV-99")
    item = recommendation_items(Views(plan).evaluation("../"))[rec.key]
    assert "<li>ENV-99 (kode program tidak dikenal)</li>" in item
    assert "ENV-99</a>" not in item
    assert "Belum ada program yang menjawab rekomendasi ini" in item


def score_cells(html: str, table_id: str) -> list[tuple[str, list[str]]]:
    body = table(html, table_id).split("<tbody>")[1]
    return [
        (re.sub(r"<[^>]+>", "", head), re.findall(r'<td (?:data-label="[^"]*" )?class="mp-num">([^<]+)</td>', cells))  # noqa: E501
        for head, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', body)
    ]


def test_scores_match_the_model_with_the_previous_year_beside_the_latest(plan_repo: Path) -> None:
    plan = loaded(plan_repo)
    latest = plan.evaluations[-1]
    earlier = dataclasses.replace(
        latest,
        year=latest.year - 1,
        index=1.75,
        parts=dataclasses.replace(latest.parts, outcome=1.5),
        dimensions={"living": 1.25},
        recommendations=[],
    )
    plan.evaluations.insert(0, earlier)
    html = Views(plan).evaluation("../")
    assert (
        f'<th scope="col" class="mp-num">{earlier.year}</th><th scope="col" class="mp-num">{latest.year}</th>'
        in html
    )
    parts = dict(score_cells(html, "evaluasi-bagian"))
    assert parts["Outcome"] == [fmt.number(1.5), fmt.number(latest.parts.outcome)]
    assert parts["Quick win"] == [fmt.number(latest.parts.quick_win)] * 2
    names = {d.key: d.name_en for d in plan.dimensions}
    dims = dict(score_cells(html, "evaluasi-dimensi"))
    assert list(dims) == [names[k] for k in names if k in latest.dimensions]
    assert dims[names["living"]] == [fmt.number(1.25), fmt.number(latest.dimensions["living"])]
    assert dims[names["economy"]] == ["—", fmt.number(latest.dimensions["economy"])]
    index = score_cells(html, "evaluasi-indeks")
    assert [(year, cells[-1]) for year, cells in index] == [
        (str(e.year), fmt.number(e.index)) for e in plan.evaluations
    ]
    # The charts carry the same scores, plus the full scale every bar reads against.
    assert html.count('class="mp-chart-value">4</text>') == 3
    assert f'class="mp-chart-value">{fmt.number(latest.index)}</text>' in html
    assert "Rekomendasi evaluasi 2024</h3>\n<p>Hasil evaluasi 2024 tidak memuat rekomendasi.</p>" in html


def test_without_evaluations_the_page_says_where_to_add_them(plan_repo: Path) -> None:
    (plan_repo / "data/evaluations.yml").unlink()
    plan = loaded(plan_repo)
    assert plan.evaluations == []
    html = Views(plan).evaluation("../")
    assert "Belum ada hasil evaluasi yang tercatat" in html
    assert "<code>data/evaluations.yml</code>" in html
    assert "<svg" not in html and "<table" not in html


def test_evaluation_json_schema_accepts_the_test_plan_and_rejects_bad_scores(plan_repo: Path) -> None:
    schema = json.loads(json_schemas()["evaluasi.schema.json"])
    assert schema["title"] == "data/evaluations.yml"
    validator = jsonschema.Draft202012Validator(schema)
    data = json.loads(json.dumps(read_yaml(plan_repo / "data/evaluations.yml").data, default=str))
    assert list(validator.iter_errors(data)) == []
    data[0]["parts"]["impact"] = 4.5
    assert list(validator.iter_errors(data))


def test_both_pages_in_a_strict_build(site_repo: Path) -> None:
    result = build_site(site_repo)
    assert result.returncode == 0, result.stderr
    site = site_repo / "site"
    capaian_page = (site / "capaian/index.html").read_text(encoding="utf-8")
    evaluasi_page = (site / "evaluasi/index.html").read_text(encoding="utf-8")
    assert '<h1 id="capaian-kinerja">Capaian kinerja' in capaian_page
    assert '<h1 id="evaluasi">Evaluasi' in evaluasi_page
    for page, other in ((capaian_page, "evaluasi"), (evaluasi_page, "capaian")):
        assert "masterplan:deferred" not in page
        assert f'href="../{other}/"' in page  # each is in the navigation
    assert 'id="capaian-dimensi"' in capaian_page and 'aria-describedby="capaian-dimensi"' in capaian_page
    assert 'href="../program/living/alat-bantu/">LIV-01</a>' in capaian_page
    assert 'id="evaluasi-indeks"' in evaluasi_page and "mp-recommendation--unanswered" in evaluasi_page
    assert 'href="../program/society/ruang-belajar/">SOC-01 Ruang Belajar Digital Desa</a>' in evaluasi_page
