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

import yaml

from .synth import copy_site_files, write_plan

# Runs inside the child process: load the config and build, timing both.
_CHILD = """
import json, resource, sys, time
from mkdocs.commands.build import build
from mkdocs.config import load_config
t = time.perf_counter()
build(load_config(sys.argv[1], site_dir=sys.argv[2]))
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


class BenchError(Exception):
    """A benchmark build failed; the message holds the end of its output."""


@dataclass(frozen=True)
class Measure:
    programs: int
    full_seconds: float
    plain_seconds: float
    full_peak_mb: float
    plain_peak_mb: float

    @property
    def ratio(self) -> float:
        return self.full_seconds / self.plain_seconds


def build_once(config: Path, site: Path) -> tuple[float, float]:
    """Seconds and peak MB of one ``mkdocs build`` of ``config``."""
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(config), str(site)],
        capture_output=True,
        text=True,
        check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    if result.returncode != 0:
        raise BenchError(f"build {config} gagal:\n{result.stderr[-3000:]}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return float(data["seconds"]), data["peak_kb"] / 1024


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
    full_runs, plain_runs = [], []
    for _ in range(repeat):
        # Interleaved, so that a slow moment of a shared machine hits both builds alike.
        full_runs.append(build_once(repo / "mkdocs.yml", work / "site-full"))
        plain_runs.append(build_once(plain, work / "site-plain"))
    return Measure(
        programs=programs,
        full_seconds=statistics.median(s for s, _ in full_runs),
        plain_seconds=statistics.median(s for s, _ in plain_runs),
        full_peak_mb=max(m for _, m in full_runs),
        plain_peak_mb=max(m for _, m in plain_runs),
    )


def run(source_root: Path, sizes: list[int], *, opds: int, repeat: int) -> list[Measure]:
    with tempfile.TemporaryDirectory(prefix="masterplan-bench-") as tmp:
        return [measure(source_root, Path(tmp), programs=n, opds=opds, repeat=repeat) for n in sizes]


def report(measures: list[Measure]) -> str:
    """A Markdown table, plus how time grows with the number of programmes."""
    lines = [
        "| program | build penuh (s) | Material polos (s) | rasio | memori puncak penuh / polos (MB) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for m in measures:
        lines.append(
            f"| {m.programs} | {m.full_seconds:.2f} | {m.plain_seconds:.2f} | {m.ratio:.2f} | "
            f"{m.full_peak_mb:.0f} / {m.plain_peak_mb:.0f} |"
        )
    first = measures[0]
    for m in measures[1:]:
        lines.append(
            f"\n{m.programs / first.programs:g}x program: waktu build penuh "
            f"{m.full_seconds / first.full_seconds:.2f}x."
        )
    return "\n".join(lines) + "\n"


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


def hostile(
    source_root: Path, *, sizes: tuple[int, ...] = (49_000, 999_000)
) -> list[tuple[str, int, float]]:
    """Seconds that `check()` takes on a plan with one page of ``size`` characters of each
    hostile pattern (just under the narrative limit, and just under the file limit)."""
    import time

    from .validate import check

    results = []
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
