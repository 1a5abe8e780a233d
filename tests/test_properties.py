"""No input that validates can make the build or an export raise: plans with generated
amounts, targets, actuals, progress and titles are checked, and every one the validator
accepts is rendered page by page (as the build asks the engine) and exported."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import FIXTURE
from masterplan.build.site import Site
from masterplan.model import NUMBER_LIMIT

PAGE = "docs/program/living/alat-bantu.md"
SMALLEST = 0.000001


def _decimal(low: float, high: float) -> st.SearchStrategy[str]:
    """A number as staff write it in YAML: an integer, or a decimal with a dot (and
    sometimes 0, the edge of every ratio)."""
    whole = st.integers(int(low), int(high)).map(str)
    fraction = st.decimals(min_value=low, max_value=high, places=6, allow_nan=False, allow_infinity=False)
    tiny = st.sampled_from(["0", "0.0", "0.000001", "-0.000001", str(SMALLEST * 3)])
    return st.one_of(whole, fraction.map(lambda d: format(d, "f")), tiny)


VALUES = _decimal(-1e12, 1e12)
AMOUNTS = st.integers(0, NUMBER_LIMIT).map(str)
TITLES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=60)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    amounts=st.tuples(AMOUNTS, AMOUNTS),
    targets=st.tuples(VALUES, VALUES),
    actual=VALUES,
    baseline=VALUES,
    progress=st.integers(-5, 105),
    title=TITLES,
)
def test_a_plan_that_validates_always_renders_and_exports(
    tmp_path: Path,
    amounts: tuple[str, str],
    targets: tuple[str, str],
    actual: str,
    baseline: str,
    progress: int,
    title: str,
) -> None:
    repo = tmp_path / "repo"
    if repo.exists():
        shutil.rmtree(repo)
    shutil.copytree(FIXTURE, repo)
    page = repo / PAGE
    text = page.read_text(encoding="utf-8")
    for old, new in (
        ("title: Alat Bantu Disabilitas di Angkutan Umum", f"title: {json.dumps(title)}"),
        ("amount: 350000000", f"amount: {amounts[0]}"),
        ("amount: 200000000", f"amount: {amounts[1]}"),
        ("baseline: 0", f"baseline: {baseline}"),
        (
            "targets: {2025: 20, 2026: 60.5}",
            f"targets: {{2025: {targets[0]}, 2026: {targets[1]}}}\n    actuals: {{2025: {actual}}}",
        ),
        ("progress: 40", f"progress: {progress}"),
    ):
        assert old in text
        text = text.replace(old, new)
    page.write_text(text, encoding="utf-8")

    site = Site(repo)
    event("refused" if site.problems else "validates")
    if site.problems:
        return  # refused with a problem, never a traceback: test_values and the cases pin those
    views = site.views
    for render in (
        views.home,
        views.catalogue,
        views.matrices,
        views.budget,
        views.progress,
        views.achievement,
        views.evaluation,
        views.rpjmd,
        views.opd_index,
        views.roadmap,
    ):
        render("")
    for opd in site.plan.opds:
        views.opd_page(opd, "../../")
    for program in site.plan.programs:
        views.program_page(program, "../../../")
    html = site.page_html("docs/cetak/index.md", site.print_edition("../"), "cetak/")
    assert re.search(r"(?i)\b(nan|inf|infinity)\b", html) is None, "a ratio printed as inf or nan"
    files = site.exports
    assert set(files) >= {"programs.csv", "programs.json", "programs.xlsx", "datapackage.json"}
