"""Reviewer and staff workflow files: CODEOWNERS, the feedback form and its link, and
page provenance from git history."""

from __future__ import annotations

import datetime
import io
import os
import subprocess
from pathlib import Path

import yaml

from conftest import ROOT
from masterplan.build.site import Site
from masterplan.commands.cli import main
from masterplan.outputs import codeowners
from masterplan.read.loader import load_plan
from masterplan.read.provenance import last_changed
from masterplan.views import Views


def test_codeowners_check_tells_when_the_file_is_stale(plan_repo: Path) -> None:
    # The region's own CODEOWNERS is checked by `masterplan check` (test_check.py).
    out = io.StringIO()
    assert main(["codeowners", "--root", str(plan_repo)], out=out) == 0
    out = io.StringIO()
    code = main(["codeowners", "--root", str(plan_repo), "--check"], out=out)
    assert (code, out.getvalue()) == (0, ".github/CODEOWNERS mutakhir.\n")
    page = plan_repo / "docs/program/living/alat-bantu.md"
    page.write_text(page.read_text("utf-8").replace("lead: dishub", "lead: dinsos"), "utf-8")
    (plan_repo / "data/opd.yml").write_text(
        (plan_repo / "data/opd.yml")
        .read_text("utf-8")
        .replace("short: Dinsos}", 'short: Dinsos, team: "@kota/dinsos"}'),
        "utf-8",
    )
    out = io.StringIO()
    code = main(["codeowners", "--root", str(plan_repo), "--check"], out=out)
    assert (code, out.getvalue()) == (
        1,
        ".github/CODEOWNERS belum mutakhir: jalankan `masterplan codeowners`.\n",
    )


def test_codeowners_gives_each_programme_to_its_lead_team(plan_repo: Path) -> None:
    opd = plan_repo / "data/opd.yml"
    opd.write_text(
        opd.read_text(encoding="utf-8").replace("short: Dishub}", 'short: Dishub, team: "@kota/dishub"}'),
        encoding="utf-8",
    )
    plan = load_plan(plan_repo).plan
    assert plan is not None
    plan.info.maintainers = ["@kota/diskominfo"]
    text = codeowners.generate(plan)
    rules = [line for line in text.splitlines() if not line.startswith("#")]
    assert rules == ["* @kota/diskominfo", "/docs/program/living/alat-bantu.md @kota/dishub"]


def test_stale_codeowners_is_reported(plan_repo: Path) -> None:
    (plan_repo / ".github").mkdir()
    (plan_repo / ".github/CODEOWNERS").write_text("# lama\n", encoding="utf-8")
    out = io.StringIO()
    assert main(["codeowners", "--root", str(plan_repo), "--check"], out=out) == 1
    assert "belum mutakhir" in out.getvalue()


def test_feedback_link_prefills_the_issue_form(plan_repo: Path) -> None:
    plan = load_plan(plan_repo).plan
    assert plan is not None
    program = plan.program("LIV-01")
    assert program is not None
    views = Views(plan, repository="https://github.com/kota/masterplan/")
    facts = views.program_fragments(program, "../../../")["facts"]
    url = (
        "https://github.com/kota/masterplan/issues/new?template=masukan-program.yml&amp;"
        "title=Masukan%3A%20LIV-01%20Alat%20Bantu%20Disabilitas%20di%20Angkutan%20Umum&amp;"
        "program=LIV-01%20Alat%20Bantu%20Disabilitas%20di%20Angkutan%20Umum"
    )
    assert f'href="{url}">Beri masukan</a>' in facts
    form = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/masukan-program.yml").read_text(encoding="utf-8"))
    assert "program" in [field.get("id") for field in form["body"]]


def commit(repo: Path, message: str, date: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(
            ["git", "-C", str(repo), "-c", "user.name=Uji", "-c", "user.email=uji@contoh.id", *args],
            check=True,
            env=env,
        )


def test_pages_show_their_last_change_and_who_to_ask(plan_repo: Path) -> None:
    subprocess.run(["git", "-C", str(plan_repo), "init", "-q", "-b", "main"], check=True)
    commit(plan_repo, "awal", "2026-01-05T10:00:00+07:00")
    page = plan_repo / "docs/program/economy/promosi-umkm.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Platform", "Platform Baru"), encoding="utf-8")
    commit(plan_repo, "ubah", "2026-03-17T10:00:00+07:00")
    dates = last_changed(plan_repo)
    assert dates["docs/program/living/alat-bantu.md"] == datetime.date(2026, 1, 5)
    assert dates["docs/program/economy/promosi-umkm.md"] == datetime.date(2026, 3, 17)
    site = Site(plan_repo)
    assert "Terakhir diubah 5 Januari 2026. Narahubung: Dinas Perhubungan (Dishub), OPD pengampu." in (
        site.provenance("docs/program/living/alat-bantu.md")
    )
    # A page computed from the whole plan is as new as the plan's newest change.
    assert "Terakhir diubah 17 Maret 2026." in site.provenance("docs/opd/dishub.md")


def test_no_git_history_means_no_date(plan_repo: Path) -> None:
    assert last_changed(plan_repo) == {}
    text = Site(plan_repo).provenance("docs/program/living/alat-bantu.md")
    assert "Terakhir diubah" not in text and "Narahubung: Dinas Perhubungan" in text
