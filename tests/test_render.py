"""Generated fragments: golden files for the panels and lists, and escaping of every
value a contributor wrote."""

from __future__ import annotations

import datetime
from pathlib import Path

import markdown
import pytest

from masterplan import fmt
from masterplan.loader import load_plan
from masterplan.model import Masterplan
from masterplan.render import Views, md_text, page_url


def loaded(repo: Path) -> Masterplan:
    result = load_plan(repo)
    assert result.plan is not None and not result.problems
    return result.plan


def test_program_page_golden(plan_repo: Path, golden) -> None:  # type: ignore[no-untyped-def]
    plan = loaded(plan_repo)
    program = plan.program("LIV-01")
    assert program is not None
    golden("program_page.html", Views(plan).program_page(program, "../../../"))


def test_dimension_page_golden(plan_repo: Path, golden) -> None:  # type: ignore[no-untyped-def]
    plan = loaded(plan_repo)
    dimension = plan.dimension("living")
    assert dimension is not None
    golden("dimension_page.html", Views(plan).dimension_page(dimension, plan.pages["living"], "../../"))


def test_home_golden(plan_repo: Path, golden) -> None:  # type: ignore[no-untyped-def]
    golden("home.md", Views(loaded(plan_repo)).home())


def test_governance_golden(plan_repo: Path, golden) -> None:  # type: ignore[no-untyped-def]
    golden("governance.md", Views(loaded(plan_repo)).governance())


HOSTILE = '<script>alert("x")</script> & [klik](javascript:alert(1)) {{ 7*7 }}'


def test_contributor_values_are_escaped(plan_repo: Path) -> None:
    plan = loaded(plan_repo)
    program = plan.program("LIV-01")
    assert program is not None
    program.title = HOSTILE
    program.partners[0].name = HOSTILE
    program.indicators[0].name = HOSTILE
    opd = plan.opd("dishub")
    assert opd is not None
    opd.name = HOSTILE
    plan.dimensions[3].elements[2].name = HOSTILE  # living / mobilitas-transportasi
    views = Views(plan)
    for page in (
        views.program_page(program, "../../../"),
        views.dimension_page(plan.dimensions[3], plan.pages["living"], "../../"),
        markdown.markdown(views.home(), extensions=["tables", "admonition", "toc"]),
    ):
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp;" in page
        assert "<script" not in page
        assert 'href="javascript' not in page


def test_hostile_narrative_is_published_clean_with_its_prose(plan_repo: Path) -> None:
    plan = loaded(plan_repo)
    program = plan.program("LIV-01")
    assert program is not None
    program.body = (
        "Halte <img src=x onerror=alert(1)> ramah [difabel](javascript:alert(1)).\n\n"
        "<script>alert(2)</script>\n\n![foto](https://contoh.example/a.png) akhir."
    )
    page = Views(plan).program_page(program, "")
    assert "Halte" in page and "ramah" in page and "difabel" in page and "akhir." in page
    for gone in ("onerror", "javascript", "<script", "alert(2)", "contoh.example"):
        assert gone not in page


@pytest.mark.parametrize(
    ("src", "url"),
    [
        ("docs/index.md", ""),
        ("docs/program/index.md", "program/"),
        ("docs/program/living/alat-bantu.md", "program/living/alat-bantu/"),
        ("docs/program/living/a b.md", "program/living/a%20b/"),
    ],
)
def test_page_url_matches_mkdocs_directory_urls(src: str, url: str) -> None:
    assert page_url(src) == url


def test_md_text_escapes_markdown_punctuation() -> None:
    assert md_text("[a](b) *c* #1") == r"\[a\]\(b\) \*c\* \#1"


@pytest.mark.parametrize(
    ("amount", "table", "prose"),
    [
        (1_250_000_000, "Rp1.250.000.000", "Rp1,25 miliar"),
        (350_000_000, "Rp350.000.000", "Rp350 juta"),
        (91_210_000_000, "Rp91.210.000.000", "Rp91,21 miliar"),
        (2_500_000_000_000, "Rp2.500.000.000.000", "Rp2,5 triliun"),
        (0, "Rp0", "Rp0"),
    ],
)
def test_rupiah_in_indonesian_format(amount: int, table: str, prose: str) -> None:
    assert fmt.rupiah(amount) == table
    assert fmt.rupiah_words(amount) == prose


def test_numbers_dates_and_percentages() -> None:
    assert fmt.number(60.5) == "60,5"
    assert fmt.number(1234567.25) == "1.234.567,25"
    assert fmt.percent(10, 12) == "83,33%"
    assert fmt.date(datetime.date(2024, 6, 24)) == "24 Juni 2024"
    assert fmt.years(2025, 2025) == "2025" and fmt.years(2025, 2027) == "2025–2027"
