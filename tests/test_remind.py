"""`masterplan remind`: what each lead OPD has to do, printed, and one reminder issue per
OPD kept in step with it. GitHub is a small local fake of the issue endpoints the command
uses (in memory, in a thread): no test reaches the network."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import cmarkgfm
import pytest
import yaml

from conftest import ROOT, loaded
from masterplan.commands import remind
from masterplan.commands.cli import main

REPOSITORY = "kota/masterplan"
TOKEN = "rahasia-uji-7f3a"
ECO = "docs/program/economy/promosi-umkm.md"
LIV = "docs/program/living/alat-bantu.md"
SOC = "docs/program/society/ruang-belajar.md"
#: The day every page was written: long before the plan's as_of (2026-03-31), so every
#: page is older than stale_after_days (180).
OLD = "2025-09-01T10:00:00+07:00"
RECENT = "2026-03-20T10:00:00+07:00"


def git(repo: Path, *args: str, date: str = OLD) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Uji", "-c", "user.email=uji@contoh.id", *args],
        check=True,
        env=env,
        capture_output=True,
    )


def commit(repo: Path, date: str = OLD) -> None:
    git(repo, "add", "-A", date=date)
    git(repo, "commit", "-q", "-m", "ubah", date=date)


def edit(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def repo(plan_repo: Path) -> Path:
    """The test plan as a git repository whose pages were last changed on 1 September 2025,
    with a review date past (ECO-01, Diskominfo), a missing actual (LIV-01, Dishub), a
    delayed programme and a correction since the 2025 closing (SOC-01, Dinsos)."""
    with (plan_repo / "data/plan.yml").open("a", encoding="utf-8") as plan:
        plan.write("closed_years:\n  - {year: 2025, date: 2026-02-15, ref: tahun-2025-ditutup}\n")
    edit(plan_repo, "data/opd.yml", "short: Dishub}", 'short: Dishub, team: "@kota/dishub"}')
    edit(plan_repo, ECO, "progress: 0\n", "progress: 0\nreview_by: 2026-01-31\n")
    edit(
        plan_repo,
        SOC,
        "progress: 25\n",
        "progress: 25\ncorrections:\n  - {year: 2025, field: spending.APBD, old: 200000000, "
        'new: 220000000, reason: "Belanja Desember terlambat dicatat.", date: 2026-03-01}\n',
    )
    (plan_repo / "mkdocs.yml").write_text(
        "site_name: Kota Contoh\nsite_url: https://kota.example/masterplan/\n", encoding="utf-8"
    )
    git(plan_repo, "init", "-q", "-b", "main")
    commit(plan_repo)
    git(plan_repo, "tag", "tahun-2025-ditutup")
    return plan_repo


EXPECTED = """\
Dinas Komunikasi dan Informatika (Diskominfo)
  - ECO-01 Platform Promosi UMKM Digital: tanggal tinjau 31 Januari 2026 sudah lewat: pastikan isi \
halaman masih benar, lalu majukan `review_by` (docs/program/economy/promosi-umkm.md)
  - ECO-01 Platform Promosi UMKM Digital: halaman tidak diubah sejak 1 September 2025 padahal program \
semestinya berjalan: perbarui status, progres dan realisasinya (docs/program/economy/promosi-umkm.md)

Dinas Perhubungan (Dishub)
  - LIV-01 Alat Bantu Disabilitas di Angkutan Umum: halaman tidak diubah sejak 1 September 2025 padahal \
program semestinya berjalan: perbarui status, progres dan realisasinya (docs/program/living/alat-bantu.md)
  - LIV-01 Alat Bantu Disabilitas di Angkutan Umum: realisasi indikator `Armada dengan alat bantu` tahun \
2025 belum diisi: isi `actuals` (docs/program/living/alat-bantu.md)

Dinas Sosial (Dinsos)
  - SOC-01 Ruang Belajar Digital Desa: tertunda dan halamannya tidak diubah sejak 1 September 2025: tulis \
perkembangan terbaru di `status_note` (docs/program/society/ruang-belajar.md)
  - SOC-01 Ruang Belajar Digital Desa: koreksi `spending.APBD` tahun 2025 (1 Maret 2026) belum ditinjau \
Dewan Smart City: pastikan alasannya jelas (docs/program/society/ruang-belajar.md)

6 pengingat untuk 3 OPD (tanggal acuan 31 Maret 2026).
"""


def run(repo: Path, *flags: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["remind", "--root", str(repo), *flags], out=out)
    return code, out.getvalue()


def test_remind_lists_each_lead_opds_reminders(repo: Path) -> None:
    assert run(repo) == (0, EXPECTED)


def test_recent_pages_reviewed_corrections_and_cancelled_programmes_need_nothing(repo: Path) -> None:
    # A correction made before the latest closing was reviewed then; a delayed programme
    # whose page changed recently has its note; a cancelled programme is never listed.
    edit(repo, "data/plan.yml", "date: 2026-02-15", "date: 2026-03-15")
    edit(repo, SOC, "Pengadaan perangkat diulang", "Pengadaan perangkat selesai diulang")
    edit(repo, ECO, "status: planned", 'status: cancelled\nstatus_note: "Digabung ke ECO-02."')
    commit(repo, RECENT)
    code, text = run(repo)
    assert code == 0
    assert "Diskominfo" not in text and "Dinsos" not in text
    assert text.endswith("2 pengingat untuk 1 OPD (tanggal acuan 31 Maret 2026).\n")


class FakeGitHub:
    """GitHub's issue endpoints for one repository, in memory; every request recorded."""

    def __init__(self) -> None:
        self.issues: dict[int, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, Any]] = []

    def writes(self) -> list[tuple[str, str, Any]]:
        return [r for r in self.requests if r[0] != "GET"]

    def answer(self, method: str, path: str, data: Any) -> tuple[int, Any]:
        url = urlsplit(path)
        base = f"/repos/{REPOSITORY}/issues"
        if method == "GET" and url.path == base:
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            found = [
                i
                for _, i in sorted(self.issues.items())
                if i["state"] == query.get("state", "open")
                and query.get("labels", "") in [label["name"] for label in i["labels"]]
            ]
            size, page = int(query.get("per_page", 30)), int(query.get("page", 1))
            return 200, found[(page - 1) * size : page * size]
        if method == "POST" and url.path == base:
            number = len(self.issues) + 1
            labels = [{"name": name} for name in data.get("labels", [])]
            self.issues[number] = {"number": number, "state": "open", "labels": labels}
            self.issues[number] |= {"title": data["title"], "body": data.get("body")}
            return 201, self.issues[number]
        number = url.path.removeprefix(base + "/")
        if method == "PATCH" and number.isdigit() and int(number) in self.issues:
            self.issues[int(number)] |= data
            return 200, self.issues[int(number)]
        return 404, {"message": "Not Found"}

    def bodies(self) -> dict[str, str]:
        """Open issues' bodies by title."""
        return {i["title"]: i["body"] for i in self.issues.values() if i["state"] == "open"}


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """A fake GitHub on 127.0.0.1, and the environment a workflow would give the command."""
    fake = FakeGitHub()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self.handle_request("GET")

        def do_POST(self) -> None:
            self.handle_request("POST")

        def do_PATCH(self) -> None:
            self.handle_request("PATCH")

        def handle_request(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            data = json.loads(self.rfile.read(length)) if length else None
            fake.requests.append((method, self.path, data))
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                status, answer = 401, {"message": "Bad credentials"}
            else:
                status, answer = fake.answer(method, self.path, data)
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("GITHUB_REPOSITORY", REPOSITORY)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    for name in ("no_proxy", "NO_PROXY"):  # never through a proxy the machine may set
        monkeypatch.setenv(name, "*")
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


TITLES = [
    "Pengingat: Dinas Komunikasi dan Informatika",
    "Pengingat: Dinas Perhubungan",
    "Pengingat: Dinas Sosial",
]


def test_github_keeps_one_issue_per_opd_and_writes_only_changes(repo: Path, github: FakeGitHub) -> None:
    code, text = run(repo, "--github")
    assert code == 0 and text.startswith(EXPECTED)
    assert text.endswith(
        "Diskominfo: isu #1 dibuka (2 pengingat).\n"
        "Dishub: isu #2 dibuka (2 pengingat).\n"
        "Dinsos: isu #3 dibuka (2 pengingat).\n"
    )
    # One issue per OPD with reminders; Bappeda and DLH have none and get nothing.
    assert [w[:2] for w in github.writes()] == [("POST", f"/repos/{REPOSITORY}/issues")] * 3
    assert [i["title"] for i in github.issues.values()] == TITLES
    assert all(i["labels"] == [{"name": "pengingat"}] for i in github.issues.values())
    bodies = github.bodies()
    dishub = bodies["Pengingat: Dinas Perhubungan"]
    assert dishub.startswith("<!-- masterplan-remind: dishub -->\n")
    assert "Tim OPD: @kota/dishub" in dishub
    assert (
        "- [LIV-01 Alat Bantu Disabilitas di Angkutan Umum](https://kota.example/masterplan/program/living/"
        "alat-bantu/): realisasi indikator `Armada dengan alat bantu` tahun 2025 belum diisi: isi `actuals` "
        "(`docs/program/living/alat-bantu.md`)"
    ) in dishub
    diskominfo = bodies["Pengingat: Dinas Komunikasi dan Informatika"]
    assert diskominfo.startswith("<!-- masterplan-remind: diskominfo -->\n")
    assert "Tim GitHub OPD ini belum diisi" in diskominfo and "@" not in diskominfo

    # The same data again: nothing is written (no duplicate, no comment, no edit).
    github.requests.clear()
    code, text = run(repo, "--github")
    assert code == 0 and github.writes() == []
    assert "Diskominfo: isu #1 tetap (2 pengingat).\n" in text

    # Diskominfo confirms its page: its issue is closed, saying the list is empty.
    edit(repo, ECO, "review_by: 2026-01-31", "review_by: 2026-09-30")
    commit(repo, RECENT)
    github.requests.clear()
    assert run(repo, "--github")[0] == 0
    ((method, path, data),) = github.writes()
    assert (method, path, data["state"]) == ("PATCH", f"/repos/{REPOSITORY}/issues/1", "closed")
    assert data["body"].startswith("<!-- masterplan-remind: diskominfo -->\n")
    assert "daftarnya kosong" in data["body"]

    # Dishub's list changes (a review date passes; the page is still old): its body is
    # updated once, and then left alone; the closed issue stays closed.
    edit(repo, LIV, "progress: 40\n", "progress: 40\nreview_by: 2026-02-28\n")
    commit(repo, OLD)
    github.requests.clear()
    assert run(repo, "--github")[0] == 0
    ((method, path, data),) = github.writes()
    assert (method, path) == ("PATCH", f"/repos/{REPOSITORY}/issues/2")
    assert data["body"].count("\n- ") == 3 and "tanggal tinjau 28 Februari 2026 sudah lewat" in data["body"]
    github.requests.clear()
    assert run(repo, "--github")[0] == 0
    assert github.writes() == []
    assert len(github.issues) == 3


def test_a_renamed_opd_keeps_its_issue(repo: Path, github: FakeGitHub) -> None:
    assert run(repo, "--github")[0] == 0
    edit(repo, "data/opd.yml", "name: Dinas Perhubungan,", "name: Dinas Perhubungan dan Pertanahan,")
    commit(repo, OLD)
    github.requests.clear()
    assert run(repo, "--github")[0] == 0
    ((method, path, data),) = github.writes()
    assert (method, path) == ("PATCH", f"/repos/{REPOSITORY}/issues/2")
    assert data["title"] == "Pengingat: Dinas Perhubungan dan Pertanahan"


def test_the_listing_is_read_page_by_page(
    repo: Path, github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remind, "PER_PAGE", 1)
    assert run(repo, "--github")[0] == 0
    github.requests.clear()
    assert run(repo, "--github")[0] == 0
    pages = [parse_qs(urlsplit(path).query)["page"] for method, path, _ in github.requests]
    assert pages == [["1"], ["2"], ["3"], ["4"]]  # the fourth is empty: the listing ends
    assert github.writes() == []


HOSTILE = "Bus @someone --> <script>alert(1)</script> [x](javascript:alert(1)) #12 www.jahat.example"


def assert_inert(body: str) -> None:
    """The body as GitHub renders it: no tag, no foreign link, no mention but the team's,
    and the marker comment closed where it is."""
    page = cmarkgfm.github_flavored_markdown_to_html(body, options=cmarkgfm.Options.CMARK_OPT_UNSAFE)
    # The marker is the one comment, closed on its own line; everything after it shows.
    assert page.startswith("<!-- masterplan-remind: dishub -->\n<p>Pengingat untuk")
    assert page.count("<!--") == page.count("-->") == 1
    assert "<script" not in page and "<img" not in page
    assert all(href.startswith("https://kota.example/") for href in re.findall(r'href="([^"]*)"', page))
    assert "www.jahat" not in page and "#12" not in page  # no bare link, no issue reference
    # GitHub mentions no one inside code; elsewhere, only the OPD's team.
    assert re.findall(r"@\w+", re.sub(r"<code>.*?</code>", "", page)) == ["@kota"]


def test_contributor_text_in_an_issue_is_inert(repo: Path, github: FakeGitHub) -> None:
    # What the validator lets through, end to end ...
    title = "Bus @someone --> [x](javascript:alert(1)) #12 www.jahat.example"
    edit(repo, LIV, "title: Alat Bantu Disabilitas di Angkutan Umum", f'title: "{title}"')
    edit(repo, LIV, "name: Armada dengan alat bantu", 'name: "Armada `@admin` -->"')
    commit(repo)
    assert run(repo, "--github")[0] == 0
    body = github.bodies()["Pengingat: Dinas Perhubungan"]
    assert_inert(body)
    assert "Bus @\u200bsomeone --&gt; \\[x\\](javascript:alert(1))" in body
    # ... and HTML, which it refuses, in a programme and an OPD name.
    plan = loaded(repo)
    program = dataclasses.replace(plan.programs[1], title=HOSTILE)
    opd = dataclasses.replace(plan.opds[1], name="Dinas <b>@semua</b> -->")
    body = remind.issue_body(
        opd, [remind.Reminder(program, "isi `actuals`")], "@kota/dishub", "https://kota.example/"
    )
    assert_inert(body)
    assert "&lt;script&gt;" in body and "Dinas &lt;b&gt;@\u200bsemua" in body


def test_missing_token_is_a_clear_message(
    repo: Path, github: FakeGitHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    assert run(repo, "--github") == (1, "")
    err = capsys.readouterr().err
    assert err.startswith("masterplan remind: GITHUB_TOKEN belum diisi.")
    assert github.requests == []


def test_a_refused_request_is_a_clear_message_without_the_token(
    repo: Path, github: FakeGitHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "token-lain-9c1e")
    code, text = run(repo, "--github")
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert err.startswith("masterplan remind: GitHub menolak GET issues: HTTP 401 (Bad credentials).")
    assert "token-lain" not in err + text and github.writes() == []


def test_the_weekly_workflow_runs_remind_with_least_privilege() -> None:
    # test_workflows.py lints every workflow (actionlint, no expression in a script).
    workflow = yaml.safe_load((ROOT / ".github/workflows/remind.yml").read_text(encoding="utf-8"))
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}  # YAML 1.1 reads `on` as True
    assert workflow["permissions"] == {"contents": "read", "issues": "write"}
    (job,) = workflow["jobs"].values()
    checkout, *_, send = job["steps"]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0
    assert send["run"] == ".venv/bin/masterplan remind --github"
    assert send["env"] == {"GITHUB_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}
