"""Open data: the plan as CSV and JSON files with a Frictionless data package.

Each table is declared once below (its fields, their types and descriptions); the CSV,
the JSON and the ``datapackage.json`` schema are all written from that declaration, so
the files and their description cannot disagree.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .aggregate import Figures
from .model import Masterplan
from .render import page_url

Row = dict[str, Any]


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Table Schema type: string, integer, number
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    fields: tuple[Field, ...]
    rows: Callable[[Masterplan], Iterator[Row]]


def _program_rows(plan: Masterplan) -> Iterator[Row]:
    names = {d.key: d.name_en for d in plan.dimensions}
    elements = {e.key: e.name for d in plan.dimensions for e in d.elements}
    for p in sorted(plan.programs, key=lambda p: p.id):
        yield {
            "id": p.id,
            "judul": p.title,
            "dimensi": p.dimension,
            "nama_dimensi": names.get(p.dimension, p.dimension),
            "elemen": p.element,
            "nama_elemen": elements.get(p.element, p.element),
            "opd_pengampu": p.lead,
            "opd_pendukung": ";".join(p.support),
            "jangka": p.horizon,
            "tahun_mulai": p.start_year,
            "tahun_selesai": p.end_year,
            "anggaran_total": p.total_budget,
            "status": p.status,
            "progres": p.progress,
            "rpjmd": ";".join(p.rpjmd),
            "halaman": page_url(p.path),
        }


def _budget_rows(plan: Masterplan) -> Iterator[Row]:
    for p in sorted(plan.programs, key=lambda p: p.id):
        for line in sorted(p.budget, key=lambda line: (line.year, line.source)):
            yield {
                "id_program": p.id,
                "dimensi": p.dimension,
                "opd_pengampu": p.lead,
                "tahun": line.year,
                "sumber_dana": line.source,
                "jumlah": line.amount,
            }


def _indicator_rows(plan: Masterplan) -> Iterator[Row]:
    for p in sorted(plan.programs, key=lambda p: p.id):
        for ind in p.indicators:
            for year, target in sorted(ind.targets.items()):
                yield {
                    "id_program": p.id,
                    "indikator": ind.name,
                    "satuan": ind.unit,
                    "nilai_awal": ind.baseline,
                    "tahun": year,
                    "target": target,
                }


def _opd_rows(plan: Masterplan) -> Iterator[Row]:
    figures = Figures(plan)
    for o in plan.opds:
        roles = figures.opd_roles(o.key)
        yield {
            "kunci": o.key,
            "nama": o.name,
            "singkatan": o.short,
            "program_dipimpin": len(roles.lead),
            "program_didukung": len(roles.support),
            "anggaran_program_dipimpin": sum(p.total_budget for p in roles.lead),
        }


TABLES = (
    Table(
        "programs",
        "Program rencana induk",
        (
            Field("id", "string", "Kode program, unik"),
            Field("judul", "string", "Judul program"),
            Field("dimensi", "string", "Kunci dimensi"),
            Field("nama_dimensi", "string", "Nama dimensi"),
            Field("elemen", "string", "Kunci elemen"),
            Field("nama_elemen", "string", "Nama elemen"),
            Field("opd_pengampu", "string", "Kunci OPD pengampu (lihat opd.csv)"),
            Field("opd_pendukung", "string", "Kunci OPD pendukung, dipisah titik koma"),
            Field("jangka", "string", "quick-win, short, medium atau long"),
            Field("tahun_mulai", "integer", "Tahun mulai"),
            Field("tahun_selesai", "integer", "Tahun selesai"),
            Field("anggaran_total", "integer", "Jumlah anggaran indikatif, rupiah"),
            Field("status", "string", "planned, ongoing, done, delayed atau cancelled"),
            Field("progres", "integer", "Progres, persen"),
            Field("rpjmd", "string", "Kunci misi/tujuan RPJMD, dipisah titik koma"),
            Field("halaman", "string", "Alamat halaman program, relatif terhadap situs"),
        ),
        _program_rows,
    ),
    Table(
        "budget",
        "Anggaran indikatif per program, tahun dan sumber dana",
        (
            Field("id_program", "string", "Kode program (lihat programs.csv)"),
            Field("dimensi", "string", "Kunci dimensi program"),
            Field("opd_pengampu", "string", "Kunci OPD pengampu program"),
            Field("tahun", "integer", "Tahun anggaran"),
            Field("sumber_dana", "string", "APBD, APBN, DAK, CSR, KPBU, hibah, swasta atau desa"),
            Field("jumlah", "integer", "Jumlah, rupiah"),
        ),
        _budget_rows,
    ),
    Table(
        "indicators",
        "Indikator kinerja dan target tahunan",
        (
            Field("id_program", "string", "Kode program (lihat programs.csv)"),
            Field("indikator", "string", "Nama indikator"),
            Field("satuan", "string", "Satuan"),
            Field("nilai_awal", "number", "Nilai awal (baseline)"),
            Field("tahun", "integer", "Tahun target"),
            Field("target", "number", "Target tahun itu"),
        ),
        _indicator_rows,
    ),
    Table(
        "opd",
        "Organisasi perangkat daerah dan perannya",
        (
            Field("kunci", "string", "Kunci OPD"),
            Field("nama", "string", "Nama OPD"),
            Field("singkatan", "string", "Singkatan"),
            Field("program_dipimpin", "integer", "Jumlah program yang dipimpin"),
            Field("program_didukung", "integer", "Jumlah program yang didukung"),
            Field("anggaran_program_dipimpin", "integer", "Anggaran indikatif program yang dipimpin, rupiah"),
        ),
        _opd_rows,
    ),
)


def _csv(table: Table, rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[f.name for f in table.fields], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _json(data: Any) -> bytes:
    # Strict JSON: the validator keeps NaN and infinity out of the plan, so one reaching
    # here is a bug that must fail the export, not become a `NaN` no JSON parser reads.
    return (json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode("utf-8")


def export(plan: Masterplan) -> dict[str, bytes]:
    """Every open-data file by name: CSV and JSON per table, then datapackage.json."""
    files: dict[str, bytes] = {}
    resources = []
    for table in TABLES:
        rows = list(table.rows(plan))
        schema = {
            "fields": [{"name": f.name, "type": f.type, "description": f.description} for f in table.fields]
        }
        for fmt_, data, media in (
            ("csv", _csv(table, rows), "text/csv"),
            ("json", _json(rows), "application/json"),
        ):
            name = f"{table.name}.{fmt_}"
            files[name] = data
            resource: dict[str, Any] = {
                "name": f"{table.name}-{fmt_}",
                "path": name,
                "title": table.title,
                "format": fmt_,
                "mediatype": media,
                "encoding": "utf-8",
                "bytes": len(data),
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "schema": schema,
            }
            if fmt_ == "csv":
                resource["dialect"] = {"delimiter": ",", "lineTerminator": "\r\n"}
            resources.append(resource)
    info = plan.info
    package = {
        "name": "masterplan-smart-city",
        "title": f"Masterplan Smart City {info.region} {info.period.start}–{info.period.end}",
        "description": "Program, anggaran indikatif, indikator dan OPD rencana induk Smart City.",
        "licenses": [{"name": info.data_license, "path": _license_url(info.data_license)}],
        "contributors": [
            {"title": info.data_producer or info.region, "role": "author"},
            {"title": info.data_custodian or info.data_producer or info.region, "role": "publisher"},
        ],
        "keywords": ["smart city", "masterplan", "rencana induk", "satu data indonesia"],
        "resources": resources,
    }
    files["datapackage.json"] = _json(package)
    return files


def _license_url(name: str) -> str:
    known = {
        "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
        "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
        "ODC-By-1.0": "https://opendatacommons.org/licenses/by/1-0/",
    }
    return known.get(name, "")


def write(files: dict[str, bytes], out: Path) -> None:
    """Write the files into ``out`` (created if needed)."""
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
