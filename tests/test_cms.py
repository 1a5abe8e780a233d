"""The web form at /admin/ (Decap CMS): its config follows the model, its writer writes
what the scaffolder writes, and a person can create and edit a programme with it.

The end-to-end test runs Decap's own local backend (decap-server from npm, git mode, on
127.0.0.1) against a temporary git copy of the fixture plan: with the editorial workflow
each saved entry is a commit on a ``cms/<collection>/<slug>`` branch, which is what the
GitHub backend turns into a pull request.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
import yaml
from test_browser import browser, expect, serve_folder, watched_tab

from conftest import FIXTURE, ROOT, add_site_files, loaded
from masterplan.check.validate import check
from masterplan.commands import plandiff
from masterplan.commands.scaffold import NewProgram, new_program
from masterplan.model import PREFIXES, Program
from masterplan.outputs import cms, layout
from masterplan.outputs.layout import BODY
from masterplan.read.schema import _hints, is_required, optional, schema_fields
from masterplan.source import split_page

__all__ = ["browser"]  # the fixture, shared with the other browser journeys

NODE = shutil.which("node")
LAYOUT_JS = ROOT / "scripts/masterplan/outputs/admin/layout.js"


# --- The config follows the model ---------------------------------------------------------


def _collection(config: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in config["collections"] if c["name"] == name)


def _check_fields(cls: type, fields: list[dict[str, Any]], where: str) -> None:
    """Every schema field is in the form, with its required flag, choices and pattern."""
    by_name = {f["name"]: f for f in fields}
    hints = _hints(cls)
    for f in schema_fields(cls):
        assert f.name in by_name, f"{where}: {f.name} missing from the form"
        field = by_name[f.name]
        assert field["required"] == is_required(f), f"{where}.{f.name}: required"
        assert field["hint"].startswith(f.metadata["doc"][:10].replace("`", "")), f"{where}.{f.name}: hint"
        tp = optional(hints[f.name])
        if str(get_origin(tp)) == "typing.Literal":
            assert [o["value"] for o in field["options"]] == list(get_args(tp)), f"{where}.{f.name}"
        if f.metadata.get("pattern") and field.get("widget") == "string" and f.name != "id":
            assert field["pattern"][0] == f.metadata["pattern"]
        sub = get_args(tp)[0] if get_origin(tp) is list and get_args(tp) else None
        if sub is not None and dataclasses.is_dataclass(sub):
            _check_fields(sub, field["fields"], f"{where}.{f.name}")  # type: ignore[arg-type]
    extra = set(by_name) - {f.name for f in schema_fields(cls)} - {"body"}
    assert not extra, f"{where}: fields the model does not have: {extra}"


def test_config_has_every_schema_field_with_its_rules(plan_repo: Path) -> None:
    plan = loaded(plan_repo)
    config = cms.config(plan, repository="https://github.com/pemkab/masterplan")
    assert config["backend"] == {**config["backend"], "name": "github", "repo": "pemkab/masterplan"}
    assert config["publish_mode"] == "editorial_workflow"
    for dim in plan.dimensions:
        collection = _collection(config, f"program-{dim.key}")
        assert collection["folder"] == f"docs/program/{dim.key}"
        fields = collection["fields"]
        _check_fields(Program, fields, collection["name"])
        # The form asks in the order the page is written.
        assert [f["name"] for f in fields] == [k.name for k in layout.PROGRAM] + ["body"]
        by_name = {f["name"]: f for f in fields}
        opd_keys = [o.key for o in plan.opds]
        assert [o["value"] for o in by_name["lead"]["options"]] == opd_keys
        assert [o["value"] for o in by_name["support"]["options"]] == opd_keys
        assert by_name["support"]["multiple"] and not by_name["lead"]["multiple"]
        assert [o["value"] for o in by_name["element"]["options"]] == [e.key for e in dim.elements]
        rpjmd = [m.key for m in plan.rpjmd] + [g.key for m in plan.rpjmd for g in m.goals]
        assert sorted(o["value"] for o in by_name["rpjmd"]["options"]) == sorted(rpjmd)
        assert re.fullmatch(by_name["id"]["pattern"][0], by_name["id"]["default"])
        assert by_name["id"]["default"].startswith(PREFIXES[dim.key] + "-")
        assert by_name["body"]["default"] == BODY
    opd = _collection(config, "opd")["files"][0]
    assert opd["file"] == "data/opd.yml"


def test_sign_in_settings_come_from_mkdocs_yml_and_bad_ones_are_named(plan_repo: Path) -> None:
    good, bad = cms.auth_settings(
        {"base_url": "https://oauth.wonosobokab.go.id", "auth_endpoint": "auth", "auth_scope": "repo"}
    )
    backend = cms.config(loaded(plan_repo), auth=good)["backend"]
    assert (backend["base_url"], backend["auth_endpoint"], backend["auth_scope"]) == (
        "https://oauth.wonosobokab.go.id",
        "auth",
        "repo",
    )
    assert bad == []
    # Without settings the form asks GitHub for the least it needs on a public repository.
    assert cms.config(loaded(plan_repo))["backend"]["auth_scope"] == "public_repo"
    _, bad = cms.auth_settings(
        {"base_url": "http://evil.example\nx", "client_secret": "s", "auth_scope": "admin"}
    )
    assert bad == [
        "extra.cms.base_url tidak sah: 'http://evil.example\\nx'.",
        "extra.cms.client_secret tidak dikenal (yang dikenal: base_url, auth_endpoint, auth_scope).",
        "extra.cms.auth_scope tidak sah: 'admin'.",
    ]


def test_new_programme_id_is_the_next_free_one(plan_repo: Path) -> None:
    config = cms.config(loaded(plan_repo))
    ids = {
        c["name"]: c["fields"][0]["default"]
        for c in config["collections"]
        if c["name"].startswith("program-")
    }
    # The fixture has LIV-01, ECO-01 and SOC-01.
    assert ids["program-living"] == "LIV-02"
    assert ids["program-governance"] == "GOV-01"


def test_every_key_of_the_layout_exists_in_the_model() -> None:
    for cls, keys in layout.DESCRIBES:
        names = [f.name for f in schema_fields(cls)]
        assert sorted(k.name for k in keys) == sorted(names), cls.__name__


# --- One writer in two languages -----------------------------------------------------------


def _encode(value: Any) -> Any:
    """JSON for the JavaScript writer: a year mapping becomes tagged pairs (JSON keys are text)."""
    if isinstance(value, dict):
        if value and all(isinstance(k, int) for k in value):
            return {"__years__": [[k, _encode(v)] for k, v in value.items()]}
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


NODE_HARNESS = """
import { readFileSync } from "node:fs";
import { YearMap, dump, dumpList } from %s;
const decode = (v) => Array.isArray(v) ? v.map(decode)
  : v && typeof v === "object" ? (v.__years__ ? new YearMap(v.__years__.map(([k, x]) => [k, decode(x)]))
  : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]))) : v;
const cases = JSON.parse(readFileSync(0, "utf8"));
const out = cases.map((c) => c.list ? dumpList(decode(c.value), c.layout) : dump(decode(c.value), c.layout));
process.stdout.write(JSON.stringify(out));
"""


def _js_dump(cases: list[tuple[Any, tuple[layout.Key, ...], bool]]) -> list[str]:
    if NODE is None:
        pytest.fail("Node.js is not installed: scripts/bootstrap needs npm and node")
    payload = [
        {"value": _encode(v), "layout": layout.as_config(lay), "list": is_list} for v, lay, is_list in cases
    ]
    script = NODE_HARNESS % json.dumps(LAYOUT_JS.as_uri())
    result = subprocess.run(
        [NODE, "--input-type=module", "-e", script],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(result.stdout))


TRICKY = [
    "Alat Bantu: Angkutan Umum",
    "yes",
    "No",
    "null",
    "2025",
    "#tagar",
    "- daftar",
    "kutip \"ganda\" dan 'tunggal'",
    "garis\nbaru dan\ttab",
    "akhir spasi ",
    " awal spasi",
    "koma, titik.",
    "{kurung}",
    "@org/tim",
    "kontrol \x07 \x7f \u2028 \ufeff",
    "Ünïcode é",
    "",
    "a",
    "Rp1.000 (perkiraan)",
]
NUMBERS = [0, 1, -1, 2.5, 60.5, 3.0, 0.1, 1e-7, 0.00001, 123456789012345, 1e15, -0.25, 2 / 3]


def test_javascript_writer_writes_the_same_bytes_as_python(plan_repo: Path) -> None:
    cases: list[tuple[Any, tuple[layout.Key, ...], bool]] = []
    for page in sorted((plan_repo / "docs/program").rglob("*.md")):
        cases.append((split_page(page.read_text("utf-8")).meta.data, layout.PROGRAM, False))
    for name, lay in (("opd", layout.OPD), ("rpjmd", layout.RPJMD)):
        cases.append((yaml.safe_load((plan_repo / f"data/{name}.yml").read_text("utf-8")), lay, True))
    for text in TRICKY:
        cases.append(
            (
                {"id": "LIV-09", "title": text, "status_note": text, "support": [text, "dinkes"]},
                layout.PROGRAM,
                False,
            )
        )
        cases.append(([{"key": "x", "name": text, "short": text}], layout.OPD, True))
    cases.append(
        (
            {
                "id": "LIV-09",
                "indicators": [
                    {
                        "name": "n",
                        "unit": "u",
                        "baseline": n,
                        "direction": "up",
                        "targets": {2026: n, 2025: 1},
                    }
                    for n in NUMBERS
                ],
                "budget": [{"source": "APBD", "year": 2025, "amount": 10**12}],
                "spending": [],
                "status_note": "",
                "extra_key": {"nested": [1, 2]},
            },
            layout.PROGRAM,
            False,
        )
    )
    # Dates as the form's date widget gives them: written bare, so YAML reads dates.
    dated = {
        "id": "LIV-09",
        "review_by": "2026-06-30",
        "corrections": [
            {"year": 2025, "field": "spending.APBD", "old": 1, "new": 2, "reason": "r", "date": "2026-04-15"}
        ],
    }
    cases.append((dated, layout.PROGRAM, False))
    expected = [layout.dump_list(v, lay) if is_list else layout.dump(v, lay) for v, lay, is_list in cases]
    assert _js_dump(cases) == expected
    assert "review_by: 2026-06-30\n" in expected[-1] and "date: 2026-04-15}" in expected[-1]


def test_a_date_is_written_as_a_date() -> None:
    front = {"id": "LIV-09", "review_by": datetime.date(2026, 6, 30)}
    assert yaml.safe_load(layout.dump(front)) == front


@pytest.mark.parametrize("text", TRICKY)
def test_written_text_reads_back_as_written(text: str) -> None:
    front = {"id": "LIV-09", "title": text, "support": [text], "partners": [{"name": text, "kind": "media"}]}
    assert yaml.safe_load(layout.dump(front)) == front


@pytest.mark.parametrize("number", NUMBERS)
def test_written_numbers_read_back_as_numbers(number: float) -> None:
    front = {"indicators": [{"name": "n", "unit": "u", "baseline": number, "targets": {2025: number}}]}
    assert yaml.safe_load(layout.dump(front)) == front


# --- The form, end to end ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def cms_repo(plan_repo: Path, tmp_path: Path) -> Iterator[tuple[Path, Path, int]]:
    """The fixture plan as a git repository, its site built outside it, and decap-server."""
    repo = add_site_files(plan_repo)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "form@example.invalid")
    _git(repo, "config", "user.name", "Formulir")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Rencana awal")
    site = tmp_path / "site"
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(repo / "mkdocs.yml"), "-d", str(site)]
    built = subprocess.run(cmd, capture_output=True, text=True, cwd=repo, check=False)
    assert built.returncode == 0, built.stderr
    # Public pages never load the form's scripts.
    public = [p for p in site.rglob("*.html") if "admin" not in p.relative_to(site).parts]
    assert public and not [p for p in public if "-cms.js" in p.read_text("utf-8")]
    port = _free_port()
    # The published config points the local backend at decap-server's usual port; this
    # test runs it on a free one.
    config = site / "admin/config.yml"
    config.write_text(config.read_text("utf-8").replace("127.0.0.1:8081", f"127.0.0.1:{port}"), "utf-8")
    if NODE is None:
        pytest.fail("Node.js is not installed: scripts/bootstrap needs npm and node")
    env = {
        **os.environ,
        "MODE": "git",
        "GIT_REPO_DIRECTORY": str(repo),
        "PORT": str(port),
        "BIND_HOST": "127.0.0.1",
        "LOG_LEVEL": "error",
    }
    server = subprocess.Popen(
        [NODE, str(ROOT / "node_modules/decap-server/dist/index.js")], env=env, cwd=repo
    )
    try:
        _wait_for_proxy(port)
        yield repo, site, port
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for_proxy(port: int) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1",
        data=json.dumps({"action": "info"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if json.load(response)["type"] == "local_git":
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _branch_file(repo: Path, branch: str, path: str) -> str:
    return _git(repo, "show", f"{branch}:{path}")


def _checked_out(repo: Path, branch: str, dest: Path) -> Path:
    """A copy of ``repo`` at ``branch``: what CI validates for the pull request."""
    shutil.copytree(repo, dest)
    _git(dest, "checkout", "-q", branch)
    return dest


def _choose(page: Any, label: str, text: str) -> None:
    """A select as a person uses it: type part of the name, pick it with Enter."""
    # Decap adds "(opsional)" to the label of a field that is not required.
    field = page.get_by_label(re.compile(rf"^{re.escape(label)}( \(opsional\))?$", re.IGNORECASE))
    field.fill(text)
    page.keyboard.press("Enter")


def test_form_creates_a_programme_and_edits_a_budget(
    cms_repo: tuple[Path, Path, int], browser: Any, tmp_path: Path
) -> None:
    repo, site, _ = cms_repo
    plan_repo_copy = shutil.copytree(FIXTURE, tmp_path / "scaffolded")

    # decap-server listens on another port of 127.0.0.1: any port there is ours.
    with serve_folder(site) as server, watched_tab(browser, "http://127.0.0.1:", "test_cms_form") as page:
        page.goto(server + "admin/")
        page.get_by_role("button", name="Masuk").click()
        expect(page.get_by_text("Koleksi")).to_be_visible()

        # A new programme, as an OPD officer fills it in.
        page.goto(server + "admin/#/collections/program-living/new")
        expect(page.get_by_label("Kode program", exact=True)).to_have_value("LIV-02")
        page.get_by_label("Judul", exact=True).fill("Layanan Air Bersih Desa")
        _choose(page, "Elemen", "Kesehatan")
        _choose(page, "OPD pengampu", "Dishub")
        _choose(page, "OPD pendukung", "Dinsos")
        page.get_by_role("button", name="Simpan").click()
        expect(page.get_by_text("Status: Konsep")).to_be_visible(timeout=20_000)

        # The budget of an existing one.
        page.goto(server + "admin/#/collections/program-living")
        page.get_by_text("LIV-01 · Alat Bantu Disabilitas di Angkutan Umum").click()
        expect(page.get_by_label("Judul", exact=True)).to_have_value(
            "Alat Bantu Disabilitas di Angkutan Umum"
        )
        # Budget lines open with their fields; the first is 2025, APBD. Amounts show and
        # are typed as Indonesians write them; what cannot be read exactly is refused.
        amounts = page.get_by_label("Jumlah (Rp)", exact=True)
        expect(amounts.first).to_have_value("350.000.000")
        amounts.first.fill("1,5 miliar")
        page.get_by_role("button", name="Simpan").click()
        expect(page.get_by_text("Tulis jumlah rupiah dengan angka").first).to_be_visible()
        amounts.first.fill("1.500.000.000")
        amounts.nth(1).fill("Rp 2.000.000.000")
        # An indicator opens with the arrow of its card; its yearly targets are rows.
        summary = page.get_by_text(re.compile(r"^Armada dengan alat bantu · ")).first
        summary.locator("xpath=ancestor::div[.//button][1]").locator("button").first.click()
        target = page.get_by_label("Nilai", exact=True).first
        expect(target).to_be_visible()
        expect(target).to_have_value("20")
        target.fill("82,5")
        page.get_by_role("button", name="Simpan").click()
        expect(page.get_by_text("Status: Konsep")).to_be_visible(timeout=20_000)

        # What the validator would refuse, the form refuses before saving, in its words
        # with the form's labels (the branch below still holds the save above).
        page.get_by_label("Tahun selesai", exact=True).fill("2028")
        _choose(page, "Status", "Tertunda")
        page.get_by_role("button", name="Tambah Realisasi anggaran").click()
        # Its fields follow the two budget lines' (the layout's order).
        page.get_by_label("Tahun", exact=True).nth(2).fill("2027")
        amounts.nth(2).fill("5.000.000")
        page.get_by_label(re.compile(r"^Sumber dana$")).nth(2).fill("APBD")
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Simpan").click()
        expect(page.get_by_text("Status Tertunda tanpa keterangan.", exact=False)).to_be_visible()
        expect(page.get_by_text("Realisasi anggaran tahun 2027 belum terjadi.", exact=False)).to_be_visible()
        page.get_by_label("Tahun mulai", exact=True).fill("2029")
        page.get_by_role("button", name="Simpan").click()
        expect(
            page.get_by_text("Tahun mulai 2029 lebih besar daripada Tahun selesai 2028.", exact=False)
        ).to_be_visible()

    # The new page is, byte for byte, what `masterplan new program` writes.
    created = "docs/program/living/layanan-air-bersih-desa.md"
    branch = "cms/program-living/layanan-air-bersih-desa"
    scaffolded = new_program(
        plan_repo_copy,
        NewProgram(
            dimension="living",
            element="kesehatan",
            lead="dishub",
            title="Layanan Air Bersih Desa",
            support=("dinsos",),
        ),
    )
    assert scaffolded.relative_to(plan_repo_copy).as_posix() == created
    assert _branch_file(repo, branch, created) == scaffolded.read_text("utf-8")
    assert check(_checked_out(repo, branch, tmp_path / "new")).problems == []

    # The edited page changes the amount, and is written as the layout writes it.
    edited = "docs/program/living/alat-bantu.md"
    branch = "cms/program-living/alat-bantu"
    before = split_page((plan_repo_copy / edited).read_text("utf-8"))
    front = dict(before.meta.data)
    front["budget"] = [dict(line) for line in front["budget"]]
    front["budget"][0]["amount"] = 1_500_000_000
    front["budget"][1]["amount"] = 2_000_000_000
    front["indicators"] = [dict(i) for i in front["indicators"]]
    front["indicators"][0]["targets"] = {**front["indicators"][0]["targets"], 2025: 82.5}
    body = before.body[1:]  # what follows the closing fence's line
    assert _branch_file(repo, branch, edited) == layout.page(front, body)
    head = _checked_out(repo, branch, tmp_path / "edit")
    assert check(head).problems == []
    # Reviewers read the change as a sentence, not as YAML.
    diff = plandiff.render(plandiff.compare(check(repo), check(head), base_name="main", head_name=branch))
    assert "| 2025 | Rp2.000.000.000 | Rp3.150.000.000 | +Rp1.150.000.000 |" in diff
    # main is untouched until a reviewer merges.
    assert _git(repo, "status", "--porcelain") == ""
    assert "layanan-air-bersih-desa" not in _git(repo, "ls-files")


NUMBERS_JS = ROOT / "scripts/masterplan/outputs/admin/numbers.js"
NUMBERS_HARNESS = """
import { readNumber, showNumber } from %s;
import { readFileSync } from "node:fs";
const { typed, shown } = JSON.parse(readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify({
  typed: typed.map(([text, money]) => readNumber(text, money)),
  shown: shown.map(([n, money]) => readNumber(showNumber(n), money)),
}));
"""


def test_the_form_reads_numbers_as_indonesians_type_them_and_never_another_number() -> None:
    """`1.500.000.000` is one and a half billion rupiah, not 1.5 nor 100; `82,5` is 82.5;
    what cannot be read exactly is not a number (the form then refuses to save)."""
    if NODE is None:
        pytest.fail("Node.js is not installed: scripts/bootstrap needs npm and node")
    typed = [
        ("1500000000", True, 1_500_000_000),
        ("1.500.000.000", True, 1_500_000_000),
        ("Rp 1.500.000.000", True, 1_500_000_000),
        ("Rp1.500.000.000", True, 1_500_000_000),
        ("1.500.000.000,00", True, 1_500_000_000),
        ("\u00a0Rp 2.000.000.000 ", True, 2_000_000_000),
        ("1,5 miliar", True, None),
        ("1.500.000.000,50", True, None),
        ("1.5", True, None),
        ("15.00.000", True, None),
        ("-5", True, None),
        ("82,5", False, 82.5),
        ("82", False, 82),
        ("-2,8", False, -2.8),
        ("1.250", False, 1250),
        ("1.250,75", False, 1250.75),
        ("82.5", False, None),
        ("82,5%", False, None),
        ("", False, None),
    ]
    shown = [(n, False) for n in (0, 1, 60.5, 2.8, -0.25, 0.00001, 123456.789, 10**15)]
    shown += [(n, True) for n in (0, 350_000_000, 1_500_000_000, 10**15)]
    payload = {"typed": [[t, m] for t, m, _ in typed], "shown": [[n, m] for n, m in shown]}
    result = subprocess.run(
        [NODE, "--input-type=module", "-e", NUMBERS_HARNESS % json.dumps(NUMBERS_JS.as_uri())],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
    )
    read = json.loads(result.stdout)
    assert read["typed"] == [want for _, _, want in typed]
    assert read["shown"] == [n for n, _ in shown], "what the form shows reads back as the same number"


def test_the_form_explains_a_wrong_id_or_key_with_an_example_never_a_regex(plan_repo: Path) -> None:
    """Staff read "Contoh bentuk yang benar: "LIV-01"", the validator's own words."""
    config = cms.config(loaded(plan_repo), repository="https://github.com/a/b", site_url="")
    patterns = []

    def walk(fields: list[dict[str, Any]]) -> None:
        for field in fields:
            if "pattern" in field:
                patterns.append((field["name"], field["pattern"][1]))
            walk(field.get("fields", []))
            if isinstance(field.get("field"), dict):
                walk([field["field"]])

    for collection in config["collections"]:
        walk(collection.get("fields", []))
        for file in collection.get("files", []):
            walk(file.get("fields", []))
    assert ("id", 'Contoh bentuk yang benar: "LIV-01".') in patterns
    assert patterns and all("^" not in message and "[" not in message for _, message in patterns), patterns
