"""The form refuses what the validator refuses, in the same words: the rules between fields
are one table (masterplan/check/rules.py), run by the validator in Python and by the form in
JavaScript (outputs/admin/rules.js). These tests run both on the same records, and check
that every problem the validator reports on a field the form edits has a counterpart in
the form: a rule from the table, or the field's own widget (required, pattern, choices,
range, a typed widget)."""

from __future__ import annotations

import copy
import datetime
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_cases import CASES, apply_case

from conftest import FIXTURE, ROOT
from masterplan import fmt
from masterplan.check import rules
from masterplan.check.validate import check
from masterplan.outputs import cms
from masterplan.read.schema import key_name
from masterplan.source import split_page

NODE = shutil.which("node")
RULES_JS = ROOT / "scripts/masterplan/outputs/admin/rules.js"
HARNESS = """
import { violations, words } from %s;
import { readFileSync } from "node:fs";
const { rules, items } = JSON.parse(readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(items.map(({ record, context, program }) =>
  violations(record, rules, context, program).map((v) => ({
    code: v.rule.code,
    path: v.path,
    message: words(v.rule.message, v, context),
    hint: words(v.rule.hint, v, context),
  })))));
"""

#: Problems the form cannot produce, with the reason: its writer writes well-formed YAML
#: with known keys, one file per entry, in its collection's folder; the narrative is
#: checked by the renderer in the pull request's check (the form previews it, it cannot run
#: the sanitizer).
NOT_FORM = {
    "yaml-syntax", "yaml-tag", "frontmatter-missing", "frontmatter-unclosed", "empty-file",
    "file-too-large", "encoding", "missing-file", "unknown-key", "duplicate-key",
    "unknown-dimension", "misplaced-page", "unsafe-file", "bad-filename", "too-complex",
    "unsafe-link", "remote-image",
}  # fmt: skip
#: Problems the form's widgets prevent, and what a field needs to prevent each.
WIDGET = {
    "missing-field": lambda f: f.get("required") is True,
    # Every widget writes its own type: a number field a number, a list a list.
    "bad-type": lambda f: "widget" in f,
    "bad-value": lambda f: (
        "options" in f
        or "min" in f
        or f.get("widget") in ("rupiah", "angka")
        or "pattern" in f.get("field", {})  # each code of a list of codes
    ),
    "bad-id": lambda f: "pattern" in f,
    "id-prefix-mismatch": lambda f: "pattern" in f,
    "element-not-in-dimension": lambda f: "options" in f,
    "unknown-opd": lambda f: "options" in f,
    "unknown-rpjmd": lambda f: "options" in f,
    "unknown-code": lambda f: "options" in f,  # the region's sub-kegiatan, from its table
    "year-out-of-period": lambda f: "min" in f and "max" in f,
}


def _run_js(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    if NODE is None:
        pytest.fail("Node.js is not installed: scripts/bootstrap needs npm and node")
    result = subprocess.run(
        [NODE, "--input-type=module", "-e", HARNESS % json.dumps(RULES_JS.as_uri())],
        input=json.dumps({"rules": rules.table(), "items": items}, default=str),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _json_record(record: dict[str, Any]) -> Any:
    """The record as the form holds it: JSON, year keys as text (a JavaScript object)."""
    return json.loads(json.dumps(record, default=str))


def _python(record: dict[str, Any], context: dict[str, Any], path: str) -> list[tuple[str, str]]:
    ctx = rules.Context(
        period=tuple(context["period"]),  # type: ignore[arg-type]
        as_of=datetime.date.fromisoformat(context["as_of"]),
        ids=context["ids"],
        next_ids=context["next_ids"],
        path=path,
    )
    return [(v.rule.code, key_name(v.path)) for v in rules.violations(record, ctx, program=True)]


def _form_field(fields: list[dict[str, Any]], key: str) -> dict[str, Any] | None:
    """The form's field for a validator key (``budget[1].year``, ``targets[2025]``)."""
    names = [n for n in re.split(r"\[[^\]]*\]|\.", key) if n]
    field: dict[str, Any] | None = None
    for name in names:
        field = next((f for f in fields if f["name"] == name), None)
        if field is None:
            return None
        fields = field.get("fields", [])
    if field is not None and key.endswith("]") and field.get("widget") == "list" and field.get("fields"):
        # A year of a year mapping: the row's year field.
        field = next((f for f in field["fields"] if f["name"] == "year"), field)
    return field


def test_every_validator_problem_on_a_form_field_is_refused_by_the_form(tmp_path: Path) -> None:
    items: list[dict[str, Any]] = []
    expected: list[tuple[str, str, str]] = []  # (case, code, key) the form's rules must report
    uncovered = []
    shutil.copytree(FIXTURE, tmp_path / "base")
    base = check(tmp_path / "base").plan
    assert base is not None
    base_config = cms.config(base)  # when a case leaves no plan to build the form from
    for case_file in CASES:
        case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
        repo = tmp_path / case_file.stem
        shutil.copytree(FIXTURE, repo)
        apply_case(repo, case)
        report = check(repo)
        for problem in report.problems:
            if not problem.file.startswith("docs/program/") or problem.code in NOT_FORM:
                continue
            key = problem.key
            if problem.code == "missing-field" and not key:  # the key is absent: named in the message
                key = re.search(r"`([^`]+)`", problem.message).group(1)  # type: ignore[union-attr]
            if not key:
                assert problem.code in ("raw-html", "template-syntax"), problem
                continue  # the narrative: the renderer's check, in the pull request
            dimension = problem.file.split("/")[2]
            # The form of this plan: its choices come from the plan's own data files.
            config = cms.config(report.plan) if report.plan is not None else base_config
            (collection,) = (c for c in config["collections"] if c["name"] == f"program-{dimension}")
            field = _form_field(collection["fields"], key)
            if field is None:
                continue  # a key the form has no field for: it cannot write it
            if problem.code in WIDGET and WIDGET[problem.code](field):
                continue  # the field's own widget refuses it
            if problem.code in {r.code for r in rules.RULES}:
                page = split_page((repo / problem.file).read_text("utf-8"))
                context = {**cms.rule_context(report.plan or base), "path": problem.file}
                items.append(
                    {"record": _json_record(dict(page.meta.data)), "context": context, "program": True}
                )
                expected.append((case_file.stem, problem.code, problem.key))
                continue
            uncovered.append(f"{case_file.stem}: {problem.code} {key} ({field})")
    assert not uncovered, "validator rules the form does not apply:\n" + "\n".join(uncovered)
    assert len(expected) >= 10, expected
    found = _run_js(items)
    missing = [
        (case, code, key)
        for (case, code, key), said in zip(expected, found, strict=True)
        if (code, key) not in {(v["code"], _key(v["path"])) for v in said}
    ]
    assert not missing, f"the form's rules miss what the validator reports: {missing}"


def _key(path: list[Any]) -> str:
    return key_name(tuple(path))


def _page() -> dict[str, Any]:
    text = (FIXTURE / "docs/program/living/alat-bantu.md").read_text("utf-8")
    return dict(split_page(text).meta.data)


def _broken() -> list[tuple[str, dict[str, Any]]]:
    """Records that each break one rule (and one that breaks them all)."""
    out = []

    def variant(name: str, **changes: Any) -> dict[str, Any]:
        record = copy.deepcopy(_page())
        record.update(changes)
        out.append((name, record))
        return record

    variant("start after end", start_year=2027)
    variant("budget outside", budget=[{"year": 2028, "amount": 1, "source": "APBD"}])
    variant("spending outside", spending=[{"year": 2024, "amount": 1, "source": "APBD"}])
    variant("spending ahead", end_year=2029, spending=[{"year": 2027, "amount": 1, "source": "APBD"}])
    variant("delayed without note", status="delayed")
    variant("cancelled blank note", status="cancelled", status_note="  ")
    variant("done at 40", status="done")
    variant("planned at 40", status="planned")
    variant("lead in support", support=["dinsos", "dishub"])
    variant("id of another page", id="ECO-01")
    variant("markup and template", title="<b>Alat</b> {{ x }}")
    pagu = {"year": 2025, "source": "APBD", "phase": "murni", "amount": 1}
    variant("allocation twice", allocations=[pagu, {**pagu, "amount": 2}])
    variant("allocation outside", allocations=[{**pagu, "year": 2028}])
    line = {"year": 2025, "amount": 1, "source": "APBD", "quarter": 2}
    variant("quarter twice", spending=[line, dict(line)])
    variant("quarter not begun", spending=[{**line, "year": 2026, "quarter": 3}])
    variant("whole year and quarter", spending=[{**line, "quarter": None}, line])
    record = variant("actuals", indicators=copy.deepcopy(_page()["indicators"]))
    record["indicators"][0]["actuals"] = {2025: 5, 2027: 9, 2031: 1}
    record["indicators"][0]["targets"] = {2024: 1}
    everything = copy.deepcopy(_page())
    for _, r in out:
        everything.update({k: v for k, v in r.items() if v != _page().get(k)})
    out.append(("everything", everything))
    return out


def test_python_and_javascript_rules_agree_and_the_form_speaks_in_labels(plan_repo: Path) -> None:
    plan = check(plan_repo).plan
    assert plan is not None
    context = {**cms.rule_context(plan), "path": "docs/program/living/alat-bantu.md"}
    broken = _broken()
    found = _run_js([{"record": _json_record(r), "context": context, "program": True} for _, r in broken])
    for (name, record), said in zip(broken, found, strict=True):
        python = _python(record, context, context["path"])
        assert python, f"{name}: the record breaks no rule"
        assert [(v["code"], _key(v["path"])) for v in said] == python, name
        for v in said:
            text = v["message"] + " " + v["hint"]
            # Labels, never a YAML key or a regular expression.
            assert not re.search(rf"`({'|'.join(fmt.FIELDS)})`", text), text
            assert "^" not in text and "[0-9]" not in text, text
    by_name = {name: said for (name, _), said in zip(broken, found, strict=True)}
    assert (
        by_name["start after end"][0]["message"]
        == "Tahun mulai 2027 lebih besar daripada Tahun selesai 2026."
    )
    assert by_name["delayed without note"][0]["message"] == "Status Tertunda tanpa keterangan."
    assert "Keterangan status" in by_name["delayed without note"][0]["hint"]
    assert by_name["spending ahead"][0]["message"] == "Realisasi anggaran tahun 2027 belum terjadi."
    assert by_name["lead in support"][0]["message"] == "Dishub adalah OPD pengampu sekaligus pendukung."
    assert (
        by_name["done at 40"][0]["hint"] == "Isi Progres (%) dengan 100, atau ubah Status menjadi Berjalan."
    )
    assert "docs/program/economy/" in by_name["id of another page"][0]["message"]
    ahead = by_name["quarter not begun"][0]["message"]
    assert ahead == "Realisasi anggaran tahun 2026 triwulan 3 belum dimulai."
    twice = by_name["allocation twice"][0]["message"]
    assert twice == "Pagu APBD 2025 APBD murni sudah tertulis di butir ke-1."


def test_the_validator_prints_the_same_rule_with_keys(plan_repo: Path) -> None:
    """The same table, the validator's words: YAML keys and coded values, for the file."""
    page = plan_repo / "docs/program/living/alat-bantu.md"
    page.write_text(page.read_text("utf-8").replace("status: ongoing", "status: delayed"), "utf-8")
    (problem,) = check(plan_repo).problems
    assert problem.message == "Status `delayed` (Tertunda) tanpa keterangan."
    assert problem.hint.startswith("Isi `status_note` dengan alasan singkatnya")
