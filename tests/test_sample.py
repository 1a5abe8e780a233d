"""The sample plan at full size: complete, valid, and showing what a plan holds (OPDs,
programmes over all 18 elements, quick wins). These tests read the frozen copy in
tests/fixtures/sample, so a region that replaces the bundled sample keeps a green test
command; its own plan is checked by `masterplan check`."""

from __future__ import annotations

import pytest

from conftest import ROOT, SAMPLE
from masterplan.check.validate import check
from masterplan.model import Masterplan


@pytest.fixture(scope="module")
def plan() -> Masterplan:
    report = check(SAMPLE)
    assert report.problems == []
    assert report.plan is not None
    return report.plan


def test_sample_is_a_full_plan(plan: Masterplan) -> None:
    assert plan.info.illustration is True
    assert plan.info.period.end - plan.info.period.start == 4
    assert len(plan.opds) >= 25
    assert len(plan.programs) >= 36
    elements = {e.key for d in plan.dimensions for e in d.elements}
    assert len(elements) == 18
    assert {p.element for p in plan.programs} == elements
    assert {p.status for p in plan.programs} == {"planned", "ongoing", "done", "delayed", "cancelled"}
    assert set(plan.pages) == {d.key for d in plan.dimensions}
    for page in plan.pages.values():
        assert page.swot.strengths and page.swot.threats and page.strategy
    assert all(p.budget and p.indicators and p.rpjmd for p in plan.programs)
    assert len(plan.info.bimtek) == 4


@pytest.mark.parametrize(
    ("dimension", "words"),
    [
        ("living", "disabilitas"),
        ("branding", "bimo lukar"),
        ("economy", "umkm"),
    ],
)
def test_sample_has_the_quick_wins_the_seeds_name(plan: Masterplan, dimension: str, words: str) -> None:
    assert any(p.quick_win and words in p.title.lower() for p in plan.programs_of(dimension))


def test_every_sample_page_says_it_is_an_illustration() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "ilustrasi" in readme.lower()
    banner = (ROOT / "macros/overrides/main.html").read_text(encoding="utf-8")
    assert "config.extra.illustration" in banner and "Contoh ilustrasi" in banner
