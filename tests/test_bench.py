"""`masterplan bench`: the figures issue 12 asks for, reported (never asserted as times)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_bench_reports_the_ratio_stages_rebuild_and_validation() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "masterplan.cli", "bench", "--programs", "12", "--opds", "5", "--repeat", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = [[cell.strip() for cell in line.split("|")[1:-1]] for line in result.stdout.splitlines()]
    builds = [r for r in rows if r and r[0] == "12"]
    assert len(builds) == 2, result.stdout
    full, plain, ratio = (float(x) for x in builds[0][1:4])
    assert abs(ratio - full / plain) < 0.02  # both printed to two decimals
    narrative, front, cold, warm = (float(x) for x in builds[1][1:5])
    assert narrative > 0 and front > 0 and cold > 0 and warm > 0
    stages = {r[0]: r[1:] for r in rows if len(r) == 3}
    macros = stages["makro & tampilan (on_page_markdown)"]
    assert float(macros[0]) > float(macros[1]), "only the full build renders the plan's views"
    assert set(stages) >= {"muat & validasi rencana (on_config)", "MkDocs, templat tema, tulis berkas"}
