"""Build-time benchmark: our full build against a plain Material build of the same pages.

Each build runs in a fresh Python process so that its peak memory (max RSS) is its own.
Figures are reported, never asserted: the machines this runs on are shared and noisy.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .synth import copy_site_files, write_plan

# Runs inside the child process: load the config and build, timing both, and the time
# spent in each MkDocs event (plugins and hooks) and in Markdown conversion; the rest is
# MkDocs itself and the theme's templates.
_CHILD = """
import collections, json, resource, sys, time
from mkdocs import plugins
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.structure.pages import Page
spent = collections.Counter()
def timed(name, call):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - start
    return wrapper
run_event = plugins.PluginCollection.run_event
plugins.PluginCollection.run_event = lambda self, name, *a, **k: timed(name, run_event)(self, name, *a, **k)
Page.render = timed("markdown", Page.render)
t = time.perf_counter()
config = load_config(sys.argv[1], site_dir=sys.argv[2])
config.plugins.on_startup(command="build", dirty=False)  # as `mkdocs build` does
build(config)
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kb": peak, "stages": spent}))
"""

# The edit-preview loop of `scripts/serve` (`mkdocs serve --dirty`): a first build, then
# the site is rebuilt as serve does (config reloaded) after one programme's narrative
# changes, then after its title (front matter) changes. Saves come two seconds apart, as
# a person's do.
_REBUILD_CHILD = """
import json, pathlib, sys, time
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(sys.argv[1], site_dir=sys.argv[2])
config.plugins.on_startup(command="serve", dirty=True)
build(config, dirty=True)
page = pathlib.Path(sys.argv[3])
seconds = {}
for edit, change in (("narrative", lambda t: t + "\\nParagraf baru.\\n"),
                     ("front", lambda t: t.replace("title: ", "title: Disunting ", 1))):
    time.sleep(2)
    page.write_text(change(page.read_text(encoding="utf-8")), encoding="utf-8")
    t = time.perf_counter()
    build(load_config(sys.argv[1], site_dir=sys.argv[2]), dirty=True)
    seconds[edit] = time.perf_counter() - t
print(json.dumps(seconds))
"""

# `masterplan validate` as a command (a fresh process), and a second check in the same
# process (what `mkdocs serve` does after a save).
_VALIDATE_CHILD = """
import json, pathlib, sys, time
t = time.perf_counter()
from masterplan.build.site import check_kept
report = check_kept(pathlib.Path(sys.argv[1]))
cold = time.perf_counter() - t
assert report.ok, report.problems[:3]
t = time.perf_counter()
check_kept(pathlib.Path(sys.argv[1]))
print(json.dumps({"cold": cold, "warm": time.perf_counter() - t}))
"""

#: Stages of a build as the report names them, by MkDocs event.
STAGES = {
    "config": "muat & validasi rencana (on_config)",
    "files": "berkas (on_files)",
    "page_read_source": "baca halaman",
    "page_markdown": "makro & tampilan (on_page_markdown)",
    "markdown": "Markdown ke HTML",
    "page_content": "narasi staf (on_page_content)",
    "page_context": "indeks pencarian (on_page_context)",
    "post_page": "slot & HTML akhir (on_post_page)",
    "post_build": "data terbuka, /admin/, indeks (on_post_build)",
}


class BenchError(Exception):
    """A benchmark build failed; the message holds the end of its output."""


@dataclass(frozen=True)
class Run:
    """One build, or the summary of several: median seconds and stages, highest memory."""

    seconds: float
    peak_mb: float
    stages: dict[str, float]

    @property
    def rest(self) -> float:
        """Seconds outside the timed stages: MkDocs itself, the theme, writing files."""
        return self.seconds - sum(self.stages.get(name, 0.0) for name in STAGES)

    @staticmethod
    def summary(runs: list[Run]) -> Run:
        names = {name for run in runs for name in run.stages}
        return Run(
            seconds=statistics.median(run.seconds for run in runs),
            peak_mb=max(run.peak_mb for run in runs),
            stages={name: statistics.median(run.stages.get(name, 0.0) for run in runs) for name in names},
        )


@dataclass(frozen=True)
class Measure:
    programs: int
    full: Run
    """Our build with an empty disk cache."""
    warm: Run
    """Our build again, with the cache the first one left."""
    plain: Run
    rebuild_narrative: float
    rebuild_front: float
    validate_cold: float
    """A new process, empty disk cache."""
    validate_kept: float
    """A new process, the cache the first check left."""
    validate_warm: float
    """A second check in the same process."""

    @property
    def ratio(self) -> float:
        return self.full.seconds / self.plain.seconds

    @property
    def warm_ratio(self) -> float:
        return self.warm.seconds / self.plain.seconds


def _child(script: str, *args: str, cache: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        check=False,
        env={
            "NO_MKDOCS_2_WARNING": "1",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(Path(__file__).parents[2]),
            "MASTERPLAN_CACHE": str(cache),
        },
    )
    if result.returncode != 0:
        raise BenchError(f"{' '.join(args)} gagal:\n{result.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def build_once(config: Path, site: Path, cache: Path) -> Run:
    """Seconds, peak MB and per-stage seconds of one ``mkdocs build`` of ``config``, with
    the disk cache in ``cache`` (see :mod:`masterplan.build.cache`)."""
    data = _child(_CHILD, str(config), str(site), cache=cache)
    return Run(
        float(data["seconds"]),
        data["peak_kb"] / 1024,
        {k: float(v) for k, v in data["stages"].items()},
    )


def rebuild_once(config: Path, site: Path, page: Path, cache: Path) -> tuple[float, float]:
    """Seconds of a `scripts/serve` rebuild after ``page``'s narrative changed, then
    after its front matter changed."""
    data = _child(_REBUILD_CHILD, str(config), str(site), str(page), cache=cache)
    return float(data["narrative"]), float(data["front"])


def plain_config(full: Path, dest: Path) -> Path:
    """A Material-only mkdocs.yml over the same docs: no macros, no overrides, same nav."""
    config = yaml.safe_load(full.read_text(encoding="utf-8"))
    config["plugins"] = ["search"]
    config.pop("hooks", None)
    config["theme"].pop("custom_dir", None)
    config["docs_dir"] = str(full.parent / "docs")
    config.pop("extra_css", None)
    path = dest / "mkdocs-plain.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def measure(source_root: Path, work: Path, *, programs: int, opds: int, repeat: int) -> Measure:
    repo = work / f"plan-{programs}"
    copy_site_files(source_root, repo)
    write_plan(source_root, repo, programs=programs, opds=opds)
    plain = plain_config(repo / "mkdocs.yml", work)
    cold_runs, warm_runs, plain_runs = [], [], []
    for i in range(repeat):
        # Interleaved, so that a slow moment of a shared machine hits every build alike.
        # Cold: an empty disk cache (a fresh clone, CI); warm: the cache the cold build
        # left (the next build on the same machine, whatever changed since).
        cache = work / f"cache-{programs}-{i}"
        cold_runs.append(build_once(repo / "mkdocs.yml", work / "site-full", cache))
        warm_runs.append(build_once(repo / "mkdocs.yml", work / "site-full", cache))
        plain_runs.append(build_once(plain, work / "site-plain", work / "cache-plain"))
    cache = work / f"cache-{programs}-validate"
    checks = _child(_VALIDATE_CHILD, str(repo), cache=cache)
    again = _child(_VALIDATE_CHILD, str(repo), cache=cache)
    page = sorted((repo / "docs" / "program").rglob("*.md"))[programs // 2]
    rebuilds = [
        rebuild_once(
            repo / "mkdocs.yml", work / f"site-serve-{i}", page, work / f"cache-{programs}-serve-{i}"
        )
        for i in range(repeat)
    ]
    return Measure(
        programs=programs,
        full=Run.summary(cold_runs),
        warm=Run.summary(warm_runs),
        plain=Run.summary(plain_runs),
        rebuild_narrative=statistics.median(r[0] for r in rebuilds),
        rebuild_front=statistics.median(r[1] for r in rebuilds),
        validate_cold=float(checks["cold"]),
        validate_kept=float(again["cold"]),
        validate_warm=float(checks["warm"]),
    )


def run(source_root: Path, sizes: list[int], *, opds: int, repeat: int) -> list[Measure]:
    with tempfile.TemporaryDirectory(prefix="masterplan-bench-") as tmp:
        return [measure(source_root, Path(tmp), programs=n, opds=opds, repeat=repeat) for n in sizes]


def report(measures: list[Measure]) -> str:
    """Markdown tables: the ratio to plain Material, where the time goes, the edit-preview
    loop and validation; then how time grows with the number of programmes."""
    lines = [
        "| program | build penuh, cache kosong (s) | build penuh, cache terisi (s) | Material polos (s) "
        "| rasio, cache kosong | rasio, cache terisi | memori puncak penuh / polos (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in measures:
        lines.append(
            f"| {m.programs} | {m.full.seconds:.2f} | {m.warm.seconds:.2f} | {m.plain.seconds:.2f} | "
            f"{m.ratio:.2f} | {m.warm_ratio:.2f} | {m.full.peak_mb:.0f} / {m.plain.peak_mb:.0f} |"
        )
    lines += [
        "",
        "| program | build ulang `scripts/serve`: narasi 1 program disunting (s) | "
        "judulnya disunting (s) | validasi, proses baru, cache kosong (s) | "
        "validasi, proses baru, cache terisi (s) | validasi kedua, proses sama (s) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for m in measures:
        lines.append(
            f"| {m.programs} | {m.rebuild_narrative:.2f} | {m.rebuild_front:.2f} | "
            f"{m.validate_cold:.2f} | {m.validate_kept:.2f} | {m.validate_warm:.2f} |"
        )
    for m in measures:
        lines += [
            "",
            f"Tahap build, {m.programs} program (detik):",
            "",
            "| tahap | penuh, cache kosong | penuh, cache terisi | polos |",
            "|---|---:|---:|---:|",
        ]
        for name, label in STAGES.items():
            lines.append(
                f"| {label} | {_s(m.full.stages.get(name))} | {_s(m.warm.stages.get(name))} | "
                f"{_s(m.plain.stages.get(name))} |"
            )
        lines.append(
            f"| MkDocs, templat tema, tulis berkas | {m.full.rest:.2f} | {m.warm.rest:.2f} | "
            f"{m.plain.rest:.2f} |"
        )
    first = measures[0]
    for m in measures[1:]:
        lines.append(
            f"\n{m.programs / first.programs:g}x program: waktu build penuh "
            f"{m.full.seconds / first.full.seconds:.2f}x."
        )
    return "\n".join(lines) + "\n"


def _s(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.2f}"


#: Inputs that make Markdown parsers or regexes slow: long runs of openers, nested or
#: unclosed constructs, thousands of alike headings.
HOSTILE_PATTERNS = [
    "[",
    "[a](",
    "![",
    "(",
    "[[]",
    "`",
    "``a",
    "<",
    "<a ",
    "<a href=",
    "<http://a",
    "*",
    "**a",
    "_a_b",
    "~~a",
    "&#",
    "|a|\n",
    "\n|-|\n",
    "\\",
    "> ",
    "- [",
    "\n- a",
    "# a\n",
    "<!--",
    "<div>",
    "[x]: /u\n[x]",
    "Penyandang disabilitas **kesulitan** naik [angkutan](https://contoh.example/) umum.\n\n",
]


def hostile(source_root: Path, *, sizes: tuple[int, ...] = (49_000, 999_000)) -> list[tuple[str, int, float]]:
    """Seconds that `check()` takes on a plan with one page of ``size`` characters of each
    hostile pattern (just under the narrative limit, and just under the file limit)."""
    import time

    from ..check.validate import check

    results = []
    # Each check must do its work: check() keeps nothing on disk unless given a memo.
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "plan"
        write_plan(source_root, root, programs=6, opds=5)
        page = sorted((root / "docs/program").rglob("*.md"))[-1]
        head = page.read_text(encoding="utf-8")
        for size in sizes:
            for pattern in HOSTILE_PATTERNS:
                page.write_text(head + (pattern * (size // len(pattern) + 1))[:size], encoding="utf-8")
                start = time.perf_counter()
                check(root)
                results.append((pattern, size, time.perf_counter() - start))
        page.write_text(head, encoding="utf-8")
        start = time.perf_counter()
        check(root)
        baseline = time.perf_counter() - start
    return [(p, size, seconds - baseline) for p, size, seconds in results]


def hostile_report(results: list[tuple[str, int, float]]) -> str:
    lines = ["| Pola | Ukuran (karakter) | Validasi (detik) |", "|---|---:|---:|"]
    for pattern, size, seconds in sorted(results, key=lambda r: -r[2])[:10]:
        lines.append(f"| `{pattern[:24]!r}` | {size:,} | {seconds:.3f} |".replace(",", "."))
    worst = max(seconds for _, _, seconds in results)
    lines.append(f"\nTerlama: {worst:.3f} detik untuk {len(results)} halaman uji.")
    return "\n".join(lines) + "\n"
