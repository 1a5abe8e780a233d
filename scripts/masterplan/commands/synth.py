"""Synthetic plans of any size, for the benchmark and for scale tests.

A synthetic plan is valid by construction (it passes :func:`masterplan.check.validate.check`)
and deterministic for a given seed, so timings compare like with like.
"""

from __future__ import annotations

import datetime
import random
import shutil
from pathlib import Path
from typing import Any

import yaml

from ..model import PREFIXES

#: Folders of docs/ whose subfolders hold the plan itself (contributor pages).
PLAN_FOLDERS = ("dimensi", "program")
SOURCES = ("APBD", "APBN", "DAK", "CSR", "KPBU", "hibah", "swasta", "desa")
STATUSES = ("planned", "ongoing", "ongoing", "done", "delayed", "cancelled")
HORIZONS = ("quick-win", "short", "medium", "long")
WORDS = (
    "layanan digital terpadu data desa pasar wisata sampah energi kesehatan sekolah "
    "transportasi aman sungai pertanian UMKM arsip pajak bencana air jalan literasi"
).split()


def copy_site_files(source_root: Path, dest: Path) -> None:
    """Copy the project's mkdocs.yml, edge and own pages (not the plan) from ``source_root``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source_root / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(
        source_root / "macros",
        dest / "macros",
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    docs = source_root / "docs"
    for path in docs.rglob("*"):
        rel = path.relative_to(docs)
        if path.is_dir() or (rel.parts[0] in PLAN_FOLDERS and len(rel.parts) > 2):
            continue
        target = dest / "docs" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def write_plan(source_root: Path, dest: Path, *, programs: int, opds: int, seed: int = 1) -> None:
    """Write a valid plan of ``programs`` programmes and ``opds`` OPDs into ``dest``."""
    rng = random.Random(seed)
    # Delivery data (actuals, spending) draws from its own generator, so that the plan
    # itself stays the same as before it existed: benchmark figures compare across versions.
    delivered = random.Random(seed + 1)
    as_of = datetime.date(2026, 11, 30)
    data = dest / "data"
    data.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source_root / "data" / "dimensions.yml", data / "dimensions.yml")
    dimensions = yaml.safe_load((data / "dimensions.yml").read_text(encoding="utf-8"))
    start = 2025
    _dump(
        data / "plan.yml",
        {
            "region": "Kabupaten Sintetis",
            "region_kind": "kabupaten",
            "illustration": True,
            "period": {"start": start, "end": start + 4},
            "vision": "Rencana sintetis untuk mengukur kecepatan build.",
            "missions": ["Misi satu", "Misi dua"],
            "as_of": as_of,
        },
    )
    opd_keys = [f"opd-{i:03d}" for i in range(1, opds + 1)]
    _dump(
        data / "opd.yml",
        [{"key": k, "name": f"Perangkat Daerah {k[4:]}", "short": f"PD{k[4:]}"} for k in opd_keys],
    )
    _dump(
        data / "rpjmd.yml",
        [
            {
                "key": f"misi-{m}",
                "name": f"Misi {m}",
                "goals": [{"key": f"tujuan-{m}-{g}", "name": f"Tujuan {m}.{g}"} for g in (1, 2)],
            }
            for m in (1, 2)
        ],
    )
    for d in dimensions:
        page = dest / "docs" / "dimensi" / d["key"] / "index.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        front = {
            "swot": {k: [f"Butir {k}"] for k in ("strengths", "weaknesses", "opportunities", "threats")},
            "readiness": {
                k: {"rating": "sedang", "notes": "Catatan."}
                for k in ("struktur", "infrastruktur", "suprastruktur")
            },
            "strategy": ["Strategi satu."],
        }
        _page(page, front, "## Gambaran umum\n\nNarasi dimensi sintetis.\n")
    ids: list[str] = []
    for i in range(programs):
        d = dimensions[i % len(dimensions)]
        number = i // len(dimensions) + 1
        begin = start + rng.randrange(0, 4)
        end = min(start + 4, begin + rng.randrange(0, 3))
        status = rng.choice(STATUSES)
        lead, *support = rng.sample(opd_keys, k=min(3, len(opd_keys)))
        title = " ".join(rng.choice(WORDS) for _ in range(5)).capitalize() + f" {number}"
        front = {
            "id": f"{PREFIXES[d['key']]}-{number:02d}",
            "title": title,
            "element": d["elements"][number % 3]["key"],
            "lead": lead,
            "support": support,
            "partners": [{"name": "Universitas Contoh", "kind": "akademisi"}],
            "horizon": rng.choice(HORIZONS),
            "start_year": begin,
            "end_year": end,
            "budget": [
                {"year": y, "amount": rng.randrange(25, 5000) * 1_000_000, "source": rng.choice(SOURCES)}
                for y in range(begin, end + 1)
            ],
            "indicators": [
                {
                    "name": "Capaian layanan",
                    "unit": "persen",
                    "baseline": 10,
                    "targets": {y: 10 + 10 * (y - begin + 1) for y in range(begin, end + 1)},
                }
            ],
            "rpjmd": [rng.choice(["tujuan-1-1", "tujuan-1-2", "tujuan-2-1", "tujuan-2-2"])],
            "status": status,
            "progress": {"planned": 0, "done": 100}.get(status, rng.randrange(0, 100)),
        }
        body = (
            "## Latar belakang\n\n"
            + " ".join(rng.choice(WORDS) for _ in range(120))
            + ".\n\n## Tujuan\n\nTujuan program.\n"
        )
        _deliver(front, delivered, as_of)
        ids.append(str(front["id"]))
        _page(dest / "docs" / "program" / d["key"] / f"program-{i + 1:05d}.md", front, body)
    _dump(
        data / "evaluations.yml",
        [
            {
                "year": start,
                "date": datetime.date(start + 1, 9, 1),
                "assessor": "Tim Evaluasi Sintetis",
                "index": 2.4,
                "parts": {"baseline": 2.9, "output": 2.5, "outcome": 2.2, "impact": 1.8, "quick_win": 3.2},
                "dimensions": {d["key"]: 2.0 + 0.1 * j for j, d in enumerate(dimensions)},
                "recommendations": [
                    {"key": f"rek-{r + 1:02d}", "text": f"Rekomendasi {r + 1}.", "programs": ids[r::50][:3]}
                    for r in range(10)
                ],
            }
        ],
    )


def _deliver(front: dict[str, Any], rng: random.Random, as_of: datetime.date) -> None:
    """Actuals for the years that have ended, spending for the years that have begun, and
    the note a delayed or cancelled programme must give."""
    if front["status"] in ("delayed", "cancelled"):
        front["status_note"] = "Keterangan status sintetis."
    if front["status"] == "planned":
        return
    for indicator in front["indicators"]:
        indicator["actuals"] = {
            y: round(t * rng.uniform(0.6, 1.15), 1) for y, t in indicator["targets"].items() if y < as_of.year
        }
    front["spending"] = [
        {**line, "amount": int(line["amount"] * rng.uniform(0.5, 1.0)) // 1_000_000 * 1_000_000}
        for line in front["budget"]
        if line["year"] <= as_of.year
    ]


def _dump(path: Path, value: object) -> None:
    path.write_text(yaml.safe_dump(value, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _page(path: Path, front: object, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{meta}---\n{body}", encoding="utf-8")
