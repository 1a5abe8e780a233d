"""Numbers and keys at the edges: NaN, infinity, absurd magnitudes and keys with a
trailing newline are coded problems with a line, never a traceback; what the plan
publishes as JSON is strict JSON."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from masterplan import fmt
from masterplan.check.validate import check
from masterplan.model import NUMBER_LIMIT, BudgetLine
from masterplan.outputs import exports
from masterplan.outputs.schemas import json_schemas

PAGE = "docs/program/living/alat-bantu.md"


def edit(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems(repo: Path) -> list[tuple[str, int | None, str, str]]:
    report = check(repo)
    for p in report.problems:
        assert p.message and p.hint and "\n" not in p.message, p
    return [(p.file, p.line, p.code, p.key) for p in report.problems]


def strict_json(data: bytes | str) -> Any:
    def refuse(constant: str) -> Any:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(data, parse_constant=refuse)


HEX = "0x" + "f" * 4000  # 16,000 bits: more than the 4,300 digits str() will print


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("amount: 350000000", "amount: .nan", (13, "bad-value", "budget[0].amount")),
        ("amount: 350000000", "amount: -1", (13, "bad-value", "budget[0].amount")),
        ("amount: 350000000", f"amount: {NUMBER_LIMIT + 1}", (13, "bad-value", "budget[0].amount")),
        ("amount: 350000000", f"amount: {HEX}", (13, "bad-value", "budget[0].amount")),
        ("baseline: 0", "baseline: -1.0e+16", (18, "bad-value", "indicators[0].baseline")),
        ("baseline: 0", 'baseline: "inf"', (18, "bad-value", "indicators[0].baseline")),
        ("2026: 60.5}", "2026: 1.0e+400}", (19, "bad-value", "indicators[0].targets[2026]")),
        ("start_year: 2025", "start_year: .inf", (10, "bad-value", "start_year")),
        ("progress: 40", "progress: .nan", (22, "bad-value", "progress")),
        ("title: Alat Bantu Disabilitas di Angkutan Umum", f"title: {HEX}", (3, "bad-value", "title")),
        ("lead: dishub", f"lead: {HEX}", (5, "bad-value", "lead")),
        ("status: ongoing", f"status: {HEX}", (21, "bad-value", "status")),
    ],
)
def test_hostile_numbers_are_coded_problems(
    plan_repo: Path, old: str, new: str, expected: tuple[int, str, str]
) -> None:
    edit(plan_repo, PAGE, old, new)
    assert problems(plan_repo) == [(PAGE, *expected)]


def test_a_year_key_too_long_to_print_is_named_by_its_size(plan_repo: Path) -> None:
    edit(plan_repo, PAGE, "targets: {2025: 20, 2026: 60.5}", f"targets:\n      ? {HEX}\n      : 20")
    report = check(plan_repo)
    assert [(p.line, p.code, p.key) for p in report.problems] == [
        (20, "bad-value", "indicators[0].targets[(angka dengan ±4.817 digit)]")
    ]


def test_an_integer_too_long_for_python_is_a_problem_with_a_line(plan_repo: Path) -> None:
    # int() refuses more than 4,300 decimal digits; the YAML reader turns that into a
    # problem at the value's line (its code belongs to the reader, see source.py).
    edit(plan_repo, PAGE, "amount: 350000000", "amount: " + "9" * 5000)
    assert [(f, line) for f, line, _, _ in problems(plan_repo)] == [(PAGE, 13)]


def test_the_message_names_the_value_and_the_range(plan_repo: Path) -> None:
    edit(plan_repo, PAGE, "amount: 350000000", "amount: " + "1" * 1000)
    (problem,) = check(plan_repo).problems
    assert problem.message == (
        '`budget[0].amount` bernilai (angka dengan ±1.000 digit), harus angka 0 sampai '
        "1.000.000.000.000.000."
    )
    assert problem.hint == "Isi angka 0 sampai 1.000.000.000.000.000, periksa jumlah angka nolnya."


def test_a_number_written_as_text_gets_the_number_as_the_fix(plan_repo: Path) -> None:
    edit(plan_repo, PAGE, "amount: 350000000", "amount: 3.5e8")  # YAML 1.1 reads this as text
    (problem,) = check(plan_repo).problems
    assert (problem.code, problem.hint) == (
        "bad-type",
        "Tulis angka tanpa tanda kutip dan tanpa titik pemisah, mis. `350000000`.",
    )


def test_every_target_is_checked_not_only_the_first(plan_repo: Path) -> None:
    edit(plan_repo, PAGE, "targets: {2025: 20, 2026: 60.5}", "targets: {2025: .nan, 2026: .inf, 2027: 1}")
    assert [key for _, _, _, key in problems(plan_repo)] == [
        "indicators[0].targets[2025]",
        "indicators[0].targets[2026]",
    ]


def test_a_key_with_a_trailing_newline_is_shown_escaped(plan_repo: Path) -> None:
    edit(plan_repo, "data/opd.yml", "key: dlh,", 'key: "dlh\\n",')
    (problem,) = check(plan_repo).problems
    assert (problem.file, problem.line, problem.code, problem.key) == (
        "data/opd.yml",
        5,
        "bad-value",
        "[4].key",
    )
    assert problem.message == 'Nilai "dlh\\n" untuk `[4].key` tidak berbentuk yang diharapkan.'


def test_the_largest_allowed_values_pass_and_publish(plan_repo: Path) -> None:
    edit(plan_repo, PAGE, "amount: 350000000", f"amount: {NUMBER_LIMIT}")
    edit(plan_repo, PAGE, "baseline: 0", f"baseline: -{NUMBER_LIMIT}")
    edit(plan_repo, PAGE, "2026: 60.5}", f"2026: {NUMBER_LIMIT}.0}}")
    report = check(plan_repo)
    assert report.problems == [] and report.plan is not None
    files = exports.export(report.plan)
    budget = strict_json(files["budget.json"])
    assert NUMBER_LIMIT in [row["jumlah"] for row in budget]
    assert fmt.rupiah_words(report.plan.total_budget) == "Rp1.000 triliun"


def test_every_published_json_file_is_strict_json(plan_repo: Path) -> None:
    report = check(plan_repo)
    assert report.plan is not None
    files = exports.export(report.plan)
    published = [name for name in files if name.endswith(".json")]
    # One JSON file per table, and the data package that describes them.
    assert len(published) == len(exports.TABLES) + 1
    for name in published:
        strict_json(files[name])
    for text in json_schemas().values():
        strict_json(text)


def test_export_fails_loudly_on_a_nan_that_slipped_past_the_validator(plan_repo: Path) -> None:
    report = check(plan_repo)
    assert report.plan is not None
    indicator = report.plan.program("LIV-01").indicators[0]  # type: ignore[union-attr]
    indicator.targets[2025] = math.nan
    with pytest.raises(ValueError, match="not JSON compliant"):
        exports.export(report.plan)


def test_json_schema_carries_the_same_bounds(plan_repo: Path) -> None:
    schema = json.loads(json_schemas()["program.schema.json"])
    validator = jsonschema.Draft202012Validator(schema)
    line = dataclasses.asdict(BudgetLine(year=2025, amount=NUMBER_LIMIT, source="APBD"))
    base = {
        "id": "LIV-01",
        "title": "X",
        "element": "kesehatan",
        "lead": "dishub",
        "horizon": "short",
        "start_year": 2025,
        "end_year": 2026,
        "status": "planned",
    }
    assert list(validator.iter_errors({**base, "budget": [line]})) == []
    too_much = {**line, "amount": NUMBER_LIMIT + 1}
    target = {"name": "x", "unit": "x", "baseline": 0, "targets": {"2025": 1e16}}
    for bad in ({"budget": [too_much]}, {"indicators": [target]}, {"start_year": 1999}):
        assert list(validator.iter_errors({**base, **bad})), bad


@pytest.mark.parametrize(
    ("old", "new", "meant"),
    [
        ("status: ongoing", "status: tertunda", '"delayed" (tertunda)'),
        ("status: ongoing", "status: Dibatalkan", '"cancelled" (dibatalkan)'),
        ("horizon: quick-win", "horizon: jangka pendek", '"short" (jangka pendek)'),
    ],
)
def test_an_indonesian_value_is_answered_with_the_value_it_means(
    plan_repo: Path, old: str, new: str, meant: str
) -> None:
    edit(plan_repo, PAGE, old, new)
    (problem,) = [p for p in check(plan_repo).problems if p.code == "bad-value"]
    assert problem.hint.startswith(f"Maksud Anda {meant}?"), problem.hint


def test_a_hint_that_lists_values_gives_their_indonesian_labels(plan_repo: Path) -> None:
    edit(plan_repo, PAGE, "status: ongoing", "status: lanjut")
    (problem,) = [p for p in check(plan_repo).problems if p.code == "bad-value"]
    assert '"ongoing" (berjalan)' in problem.hint and '"delayed" (tertunda)' in problem.hint, problem.hint
