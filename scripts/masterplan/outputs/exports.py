"""Open data: the plan as CSV and JSON files with a Frictionless data package.

Each table is declared once below (its fields, their types, constraints and
descriptions); the CSV, the JSON and the ``datapackage.json`` schema are all written
from that declaration, so the files and their description cannot disagree. Figures of
delivery (achievement, state, absorption) come from :mod:`masterplan.figures.delivery` at the
plan's reference date, the same functions the pages use, so files and pages agree.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_args

from ..figures import delivery, money
from ..figures.aggregate import Figures
from ..html.urls import page_url
from ..model import (
    SCORE_MAX,
    Direction,
    EvaluationParts,
    Frequency,
    Horizon,
    Masterplan,
    Program,
    Source,
    Status,
    canonical_code,
)
from . import xlsx

Row = dict[str, Any]
ProgrammeRows = Callable[[Masterplan, Program], Iterator[Row]]

#: Allowed values of coded columns, from the model's own declarations.
SOURCES = list(get_args(Source))
STATUSES = list(get_args(Status))
HORIZONS = list(get_args(Horizon))
DIRECTIONS = list(get_args(Direction))
STATES = list(delivery.STATES)
#: The five parts of the national evaluation, in the model's order.
PARTS = [f.name for f in fields(EvaluationParts)]
#: Constraints shared by columns of the same kind.
REQUIRED: dict[str, Any] = {"required": True}
MONEY: dict[str, Any] = {"required": True, "minimum": 0}
SCORE: dict[str, Any] = {"required": True, "minimum": 0, "maximum": SCORE_MAX}

#: What a spreadsheet reads as the start of a formula (CSV injection, OWASP). Excel with
#: Indonesian regional settings splits lines at ``;``, not ``,``, and a ``;`` inside a
#: quoted cell then starts a new cell; a line break inside one starts a new row. So in the
#: CSV an apostrophe goes before such a character wherever a cell could begin: at the
#: start of the text and after any ``,``, ``;`` or line break, blanks and no-break spaces
#: between them ignored. The JSON and the XLSX keep the text as written.
_FORMULA = "=+-@\t"
#: (A line break starts a new row rather than a formula: it is guarded at the start only.)
FORMULA_START = (*_FORMULA, "\r", "\n")
_CELL_START = re.compile(rf"(^|[,;\r\n])([ \u00a0]*)(?=[{re.escape(_FORMULA)}])")
#: Between the values of a multi-valued cell: neither separator a spreadsheet splits at.
LIST_SEPARATOR = "|"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Table Schema type: string, integer, number, boolean, date
    description: str
    constraints: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    fields: tuple[Field, ...]
    rows: Callable[[Masterplan], Iterator[Row]]
    program_rows: ProgrammeRows | None = None
    """For a table of programmes' rows, those of one programme: its rows in the files are
    each programme's in the order of their ids (see :func:`export`)."""


def _by_programme(rows: ProgrammeRows) -> Callable[[Masterplan], Iterator[Row]]:
    def every(plan: Masterplan) -> Iterator[Row]:
        for p in _in_id_order(plan):
            yield from rows(plan, p)

    return every


def _in_id_order(plan: Masterplan) -> list[Program]:
    return sorted(plan.programs, key=lambda p: p.id)


def _program_rows(plan: Masterplan, p: Program) -> Iterator[Row]:
    dimension, element = plan.dimension(p.dimension), plan.element(p.element)
    yield {
        "id": p.id,
        "judul": p.title,
        "dimensi": p.dimension,
        "nama_dimensi": dimension.name_en if dimension else p.dimension,
        "elemen": p.element,
        "nama_elemen": element.name if element else p.element,
        "opd_pengampu": p.lead,
        "opd_pendukung": LIST_SEPARATOR.join(p.support),
        "jangka": p.horizon,
        "tahun_mulai": p.start_year,
        "tahun_selesai": p.end_year,
        "anggaran_total": p.total_budget,
        "status": p.status,
        "progres": p.progress,
        "rpjmd": LIST_SEPARATOR.join(p.rpjmd),
        "halaman": page_url(p.path),
        "keterangan_status": p.status_note,
        "realisasi_total": p.total_spending,
    }


def _budget_rows(plan: Masterplan, p: Program) -> Iterator[Row]:
    for line in sorted(p.budget, key=lambda line: (line.year, line.source)):
        yield {
            "id_program": p.id,
            "dimensi": p.dimension,
            "opd_pengampu": p.lead,
            "tahun": line.year,
            "sumber_dana": line.source,
            "jumlah": line.amount,
        }


def _indicator_rows(plan: Masterplan, p: Program) -> Iterator[Row]:
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
        # Money of the programmes the plan still counts, as on the site (not cancelled ones).
        led = [p for p in roles.lead if p.counted]
        yield {
            "kunci": o.key,
            "nama": o.name,
            "singkatan": o.short,
            "program_dipimpin": len(roles.lead),
            "program_didukung": len(roles.support),
            "anggaran_program_dipimpin": sum(p.total_budget for p in led),
            "realisasi_program_dipimpin": sum(p.total_spending for p in led),
        }


def _actual_rows(plan: Masterplan, p: Program) -> Iterator[Row]:
    """Every year an indicator has a target or an actual, as its programme page lists it."""
    as_of = plan.as_of
    for ind in p.indicators:
        for y in delivery.indicator_years(ind, as_of):
            yield {
                "id_program": p.id,
                "indikator": ind.name,
                "satuan": ind.unit,
                "arah": ind.direction,
                "tahun": y.year,
                "target": y.target,
                "realisasi": y.actual,
                "capaian": _rounded(y.achievement),
                "keadaan": y.state,
            }


def _spending_rows(plan: Masterplan, p: Program) -> Iterator[Row]:
    """Planned and spent per programme, year and source: the programme page's rows, so
    the columns add up to the programme's budget and spending totals."""
    for row in money.rows(p, plan.as_of):
        m = row.money
        yield {
            "id_program": p.id,
            "dimensi": p.dimension,
            "opd_pengampu": p.lead,
            "tahun": row.year,
            "sumber_dana": row.source,
            "rencana": m.indication,
            "pagu": m.allocation if m.allocated else None,
            "terdanai": _rounded(m.funded),
            "realisasi": m.spent if row.reported else None,
            "dasar_serapan": "pagu" if m.allocated else "rencana",
            "serapan": _rounded(row.absorption),
        }


def _evaluation_rows(plan: Masterplan) -> Iterator[Row]:
    for e in plan.evaluations:
        yield {
            "tahun": e.year,
            "tanggal": e.date.isoformat(),
            "penilai": e.assessor,
            "indeks": e.index,
        } | {part: getattr(e.parts, part) for part in PARTS}


def _evaluation_dimension_rows(plan: Masterplan) -> Iterator[Row]:
    names = {d.key: d.name_en for d in plan.dimensions}
    # Plan order, as the evaluation page lists them; a key the plan does not know last.
    order = {key: i for i, key in enumerate(names)}
    for e in plan.evaluations:
        for key in sorted(e.dimensions, key=lambda k: (order.get(k, len(order)), k)):
            yield {
                "tahun": e.year,
                "dimensi": key,
                "nama_dimensi": names.get(key, key),
                "nilai": e.dimensions[key],
            }


def _recommendation_rows(plan: Masterplan) -> Iterator[Row]:
    known = {p.id for p in plan.programs}
    for e in plan.evaluations:
        for rec in e.recommendations:
            answering = [i for i in rec.programs if i in known]
            yield {
                "tahun": e.year,
                "kunci": rec.key,
                "rekomendasi": rec.text,
                "dimensi": rec.dimension,
                "program": LIST_SEPARATOR.join(rec.programs),
                "dijawab": bool(answering),
            }


def _renja_rows(plan: Masterplan) -> Iterator[Row]:
    """The plan in the shape of a Renja or RKPD table: per year and lead OPD, each
    programme with its sub-kegiatan, then one row per indicator with its target for the
    year. A programme's money stands on its first row only, so that a column's sum is the
    plan's sum however many indicators a programme has."""
    opds = {o.key: o for o in plan.opds}
    order = {o.key: i for i, o in enumerate(plan.opds)}
    names = plan.nomenclature or {}
    programs = sorted(plan.counted_programs, key=lambda p: (order.get(p.lead, len(order)), p.id))
    for year in plan.info.period.years:
        for p in programs:
            if year not in p.years:
                continue
            codes = list(dict.fromkeys(canonical_code(c) for c in p.sub_activities))
            m = money.of_programs([p], [year])
            reported = any(s.year == year for s in p.spending)
            first: Row = {
                "anggaran_indikatif": m.indication,
                "pagu": m.allocation if m.allocated else None,
                "realisasi": m.spent if reported else None,
            }
            for i, ind in enumerate(p.indicators or [None]):
                opd = opds.get(p.lead)
                yield {
                    "tahun": year,
                    "opd": p.lead,
                    "nama_opd": opd.name if opd else p.lead,
                    "kode_sub_kegiatan": LIST_SEPARATOR.join(codes),
                    "nama_sub_kegiatan": LIST_SEPARATOR.join(names.get(c, "") for c in codes),
                    "id_program": p.id,
                    "judul_program": p.title,
                    "indikator": ind.name if ind else "",
                    "satuan": ind.unit if ind else "",
                    "target": ind.targets.get(year) if ind else None,
                } | (first if i == 0 else dict.fromkeys(first))


def _indicator_metadata_rows(plan: Masterplan, p: Program) -> Iterator[Row]:
    opds = {o.key: o for o in plan.opds}
    for i, ind in enumerate(p.indicators, start=1):
        producer = ind.producer or p.lead
        opd = opds.get(producer)
        yield {
            "kode_indikator": ind.code or f"{p.id}-{i}",
            "nama_indikator": ind.name,
            "id_program": p.id,
            "konsep_definisi": ind.definition,
            "rumus": ind.formula,
            "satuan": ind.unit,
            "interpretasi": "makin rendah makin baik" if ind.better_down else "makin tinggi makin baik",
            "frekuensi": ind.frequency or "tahunan",
            "produsen_data": producer,
            "nama_produsen_data": opd.name if opd else producer,
            "walidata": plan.info.data_custodian,
            "level_estimasi": plan.info.region,
            "nilai_awal": ind.baseline,
        }


def _correction_rows(plan: Masterplan, p: Program) -> Iterator[Row]:
    for c in sorted(p.corrections, key=lambda c: (c.year, c.date, c.field)):
        yield {
            "id_program": p.id,
            "tahun": c.year,
            "yang_dikoreksi": c.field,
            "nilai_lama": c.old,
            "nilai_baru": c.new,
            "alasan": c.reason,
            "tanggal": c.date.isoformat(),
        }


def _rounded(value: float | None) -> float | None:
    """Percentages to two decimals, as the pages print them."""
    return None if value is None else round(value, 2)


TABLES = (
    Table(
        "programs",
        "Program rencana induk",
        (
            Field("id", "string", "Kode program, unik", {**REQUIRED, "unique": True}),
            Field("judul", "string", "Judul program", REQUIRED),
            Field("dimensi", "string", "Kunci dimensi", REQUIRED),
            Field("nama_dimensi", "string", "Nama dimensi"),
            Field("elemen", "string", "Kunci elemen", REQUIRED),
            Field("nama_elemen", "string", "Nama elemen"),
            Field("opd_pengampu", "string", "Kunci OPD pengampu (lihat opd.csv)", REQUIRED),
            Field("opd_pendukung", "string", "Kunci OPD pendukung, dipisah `|`"),
            Field("jangka", "string", "quick-win, short, medium atau long", {**REQUIRED, "enum": HORIZONS}),
            Field("tahun_mulai", "integer", "Tahun mulai", REQUIRED),
            Field("tahun_selesai", "integer", "Tahun selesai", REQUIRED),
            Field("anggaran_total", "integer", "Jumlah anggaran indikatif, rupiah", MONEY),
            Field(
                "status",
                "string",
                "planned, ongoing, done, delayed atau cancelled",
                {**REQUIRED, "enum": STATUSES},
            ),
            Field("progres", "integer", "Progres, persen", {**REQUIRED, "minimum": 0, "maximum": 100}),
            Field("rpjmd", "string", "Kunci misi/tujuan RPJMD, dipisah `|`"),
            Field("halaman", "string", "Alamat halaman program, relatif terhadap situs", REQUIRED),
            Field(
                "keterangan_status", "string", "Keterangan singkat status (wajib bila delayed atau cancelled)"
            ),
            Field("realisasi_total", "integer", "Jumlah realisasi anggaran yang dilaporkan, rupiah", MONEY),
        ),
        _by_programme(_program_rows),
        _program_rows,
    ),
    Table(
        "budget",
        "Anggaran indikatif per program, tahun dan sumber dana",
        (
            Field("id_program", "string", "Kode program (lihat programs.csv)", REQUIRED),
            Field("dimensi", "string", "Kunci dimensi program", REQUIRED),
            Field("opd_pengampu", "string", "Kunci OPD pengampu program", REQUIRED),
            Field("tahun", "integer", "Tahun anggaran", REQUIRED),
            Field(
                "sumber_dana",
                "string",
                "APBD, APBN, DAK, CSR, KPBU, hibah, swasta atau desa",
                {**REQUIRED, "enum": SOURCES},
            ),
            Field("jumlah", "integer", "Jumlah, rupiah", MONEY),
        ),
        _by_programme(_budget_rows),
        _budget_rows,
    ),
    Table(
        "indicators",
        "Indikator kinerja dan target tahunan",
        (
            Field("id_program", "string", "Kode program (lihat programs.csv)", REQUIRED),
            Field("indikator", "string", "Nama indikator", REQUIRED),
            Field("satuan", "string", "Satuan", REQUIRED),
            Field("nilai_awal", "number", "Nilai awal (baseline)", REQUIRED),
            Field("tahun", "integer", "Tahun target", REQUIRED),
            Field("target", "number", "Target tahun itu", REQUIRED),
        ),
        _by_programme(_indicator_rows),
        _indicator_rows,
    ),
    Table(
        "actuals",
        "Realisasi dan capaian indikator per tahun",
        (
            Field("id_program", "string", "Kode program (lihat programs.csv)", REQUIRED),
            Field("indikator", "string", "Nama indikator", REQUIRED),
            Field("satuan", "string", "Satuan", REQUIRED),
            Field(
                "arah",
                "string",
                "up: makin tinggi makin baik; down: makin rendah makin baik",
                {**REQUIRED, "enum": DIRECTIONS},
            ),
            Field("tahun", "integer", "Tahun", REQUIRED),
            Field("target", "number", "Target tahun itu; kosong bila tidak ada"),
            Field("realisasi", "number", "Nilai terukur di akhir tahun itu; kosong bila belum dilaporkan"),
            Field(
                "capaian",
                "number",
                "Capaian, persen: realisasi/target x 100, atau (2 x target - realisasi)/target x 100 "
                "bila arah down; kosong tanpa target dan realisasi",
            ),
            Field(
                "keadaan",
                "string",
                "Keadaan pada tanggal acuan rencana: on-track (sesuai target), behind (di bawah target), "
                "not-reported (tahun sudah lewat tanpa realisasi), not-due (belum jatuh tempo)",
                {**REQUIRED, "enum": STATES},
            ),
        ),
        _by_programme(_actual_rows),
        _actual_rows,
    ),
    Table(
        "spending",
        "Anggaran indikatif, pagu APBD dan realisasi per program, tahun dan sumber dana",
        (
            Field("id_program", "string", "Kode program (lihat programs.csv)", REQUIRED),
            Field("dimensi", "string", "Kunci dimensi program", REQUIRED),
            Field("opd_pengampu", "string", "Kunci OPD pengampu program", REQUIRED),
            Field("tahun", "integer", "Tahun anggaran", REQUIRED),
            Field(
                "sumber_dana",
                "string",
                "APBD, APBN, DAK, CSR, KPBU, hibah, swasta atau desa",
                {**REQUIRED, "enum": SOURCES},
            ),
            Field("rencana", "integer", "Anggaran indikatif, rupiah (0 bila tidak direncanakan)", MONEY),
            Field(
                "pagu",
                "integer",
                "Pagu APBD tahun itu (perubahan bila ada, selain itu murni), rupiah; kosong bila pagu "
                "program tahun itu belum tercatat",
                {"minimum": 0},
            ),
            Field(
                "terdanai",
                "number",
                "Terdanai, persen: pagu/rencana x 100; kosong tanpa pagu atau tanpa rencana",
                {"minimum": 0},
            ),
            Field(
                "realisasi",
                "integer",
                "Realisasi anggaran, rupiah; kosong bila belum dilaporkan",
                {"minimum": 0},
            ),
            Field(
                "dasar_serapan",
                "string",
                "Pembagi serapan: pagu (bila pagu program tahun itu tercatat), selain itu rencana",
                {**REQUIRED, "enum": ["pagu", "rencana"]},
            ),
            Field(
                "serapan",
                "number",
                "Serapan, persen: realisasi/dasar_serapan x 100; kosong tanpa dasar atau realisasi",
                {"minimum": 0},
            ),
        ),
        _by_programme(_spending_rows),
        _spending_rows,
    ),
    Table(
        "renja",
        "Rencana induk dalam bentuk tabel Renja/RKPD: per tahun, OPD pengampu, sub-kegiatan, "
        "program dan indikator",
        (
            Field("tahun", "integer", "Tahun rencana kerja", REQUIRED),
            Field("opd", "string", "Kunci OPD pengampu (lihat opd.csv)", REQUIRED),
            Field("nama_opd", "string", "Nama OPD pengampu", REQUIRED),
            Field(
                "kode_sub_kegiatan",
                "string",
                "Kode sub-kegiatan nomenklatur (bentuk keputusan, X.XX.XX.X.XX.XXXX), dipisah `|`",
            ),
            Field("nama_sub_kegiatan", "string", "Nama sub-kegiatan dari tabel nomenklatur, dipisah `|`"),
            Field("id_program", "string", "Kode program (lihat programs.csv)", REQUIRED),
            Field("judul_program", "string", "Judul program", REQUIRED),
            Field("indikator", "string", "Indikator kinerja; kosong bila program belum punya indikator"),
            Field("satuan", "string", "Satuan indikator"),
            Field("target", "number", "Target indikator tahun itu; kosong bila tidak ada"),
            Field(
                "anggaran_indikatif",
                "integer",
                "Anggaran indikatif program tahun itu, rupiah; hanya pada baris pertama program",
                {"minimum": 0},
            ),
            Field(
                "pagu",
                "integer",
                "Pagu APBD program tahun itu (perubahan bila ada, selain itu murni), rupiah; kosong bila "
                "belum tercatat; hanya pada baris pertama program",
                {"minimum": 0},
            ),
            Field(
                "realisasi",
                "integer",
                "Realisasi anggaran program tahun itu, rupiah; kosong bila belum dilaporkan; hanya pada "
                "baris pertama program",
                {"minimum": 0},
            ),
        ),
        _renja_rows,
    ),
    Table(
        "indicator-metadata",
        "Metadata indikator (bentuk metadata indikator Satu Data Indonesia)",
        (
            Field(
                "kode_indikator",
                "string",
                "Kode indikator; bila tidak diisi, kode program dan urutan indikatornya",
                REQUIRED,
            ),
            Field("nama_indikator", "string", "Nama indikator", REQUIRED),
            Field("id_program", "string", "Kode program (lihat programs.csv)", REQUIRED),
            Field("konsep_definisi", "string", "Konsep dan definisi"),
            Field("rumus", "string", "Metode atau rumus perhitungan"),
            Field("satuan", "string", "Ukuran atau satuan", REQUIRED),
            Field(
                "interpretasi",
                "string",
                "Arah yang lebih baik",
                {**REQUIRED, "enum": ["makin tinggi makin baik", "makin rendah makin baik"]},
            ),
            Field(
                "frekuensi",
                "string",
                "Periodisitas pengukuran (bawaan: tahunan)",
                {**REQUIRED, "enum": list(get_args(Frequency))},
            ),
            Field(
                "produsen_data", "string", "Kunci OPD produsen data; bila tidak diisi, OPD pengampu", REQUIRED
            ),
            Field("nama_produsen_data", "string", "Nama produsen data", REQUIRED),
            Field("walidata", "string", "Walidata daerah"),
            Field("level_estimasi", "string", "Wilayah yang diukur", REQUIRED),
            Field("nilai_awal", "number", "Nilai awal (baseline)", REQUIRED),
        ),
        _by_programme(_indicator_metadata_rows),
        _indicator_metadata_rows,
    ),
    Table(
        "corrections",
        "Koreksi terbuka atas realisasi tahun yang sudah ditutup",
        (
            Field("id_program", "string", "Kode program (lihat programs.csv)", REQUIRED),
            Field("tahun", "integer", "Tahun yang sudah ditutup", REQUIRED),
            Field(
                "yang_dikoreksi",
                "string",
                "spending.<SUMBER> (realisasi anggaran satu sumber dana) atau nama indikator (realisasinya)",
                REQUIRED,
            ),
            Field("nilai_lama", "number", "Nilai saat tahun ditutup", REQUIRED),
            Field("nilai_baru", "number", "Nilai sesudah koreksi", REQUIRED),
            Field("alasan", "string", "Alasan koreksi", REQUIRED),
            Field("tanggal", "date", "Tanggal koreksi", REQUIRED),
        ),
        _by_programme(_correction_rows),
        _correction_rows,
    ),
    Table(
        "evaluations",
        "Hasil evaluasi nasional Gerakan Menuju 100 Smart City per tahun (skala 0-4)",
        (
            Field("tahun", "integer", "Tahun yang dievaluasi", {**REQUIRED, "unique": True}),
            Field("tanggal", "date", "Tanggal hasil evaluasi", REQUIRED),
            Field("penilai", "string", "Penilai", REQUIRED),
            Field("indeks", "number", "Indeks keseluruhan, 0 sampai 4", SCORE),
            Field("baseline", "number", "Nilai bagian baseline, 0 sampai 4", SCORE),
            Field("output", "number", "Nilai bagian output, 0 sampai 4", SCORE),
            Field("outcome", "number", "Nilai bagian outcome, 0 sampai 4", SCORE),
            Field("impact", "number", "Nilai bagian impact, 0 sampai 4", SCORE),
            Field("quick_win", "number", "Nilai bagian quick win, 0 sampai 4", SCORE),
        ),
        _evaluation_rows,
    ),
    Table(
        "evaluation-dimensions",
        "Nilai evaluasi nasional per tahun dan dimensi (skala 0-4)",
        (
            Field("tahun", "integer", "Tahun yang dievaluasi (lihat evaluations.csv)", REQUIRED),
            Field("dimensi", "string", "Kunci dimensi", REQUIRED),
            Field("nama_dimensi", "string", "Nama dimensi"),
            Field("nilai", "number", "Nilai dimensi, 0 sampai 4", SCORE),
        ),
        _evaluation_dimension_rows,
    ),
    Table(
        "recommendations",
        "Rekomendasi evaluasi nasional dan program yang menjawabnya",
        (
            Field("tahun", "integer", "Tahun yang dievaluasi (lihat evaluations.csv)", REQUIRED),
            # The validator refuses a key used twice in data/evaluations.yml (duplicate-key).
            Field("kunci", "string", "Kunci rekomendasi, unik", {**REQUIRED, "unique": True}),
            Field("rekomendasi", "string", "Isi rekomendasi", REQUIRED),
            Field("dimensi", "string", "Kunci dimensi yang dituju; kosong bila tidak ada"),
            Field("program", "string", "Kode program yang menjawab, dipisah `|`"),
            Field("dijawab", "boolean", "true bila setidaknya satu program rencana menjawabnya", REQUIRED),
        ),
        _recommendation_rows,
    ),
    Table(
        "opd",
        "Organisasi perangkat daerah dan perannya",
        (
            Field("kunci", "string", "Kunci OPD", {**REQUIRED, "unique": True}),
            Field("nama", "string", "Nama OPD", REQUIRED),
            Field("singkatan", "string", "Singkatan", REQUIRED),
            Field("program_dipimpin", "integer", "Jumlah program yang dipimpin", MONEY),
            Field("program_didukung", "integer", "Jumlah program yang didukung", MONEY),
            Field(
                "anggaran_program_dipimpin",
                "integer",
                "Anggaran indikatif program yang dipimpin, rupiah",
                MONEY,
            ),
            Field(
                "realisasi_program_dipimpin",
                "integer",
                "Realisasi anggaran program yang dipimpin, rupiah",
                MONEY,
            ),
        ),
        _opd_rows,
    ),
)


def _csv(table: Table, rows: list[Row]) -> bytes:
    return (_csv_lines(table, [], header=True) + _csv_lines(table, rows)).encode("utf-8")


def _csv_lines(table: Table, rows: list[Row], *, header: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[f.name for f in table.fields], lineterminator="\r\n")
    if header:
        writer.writeheader()
    text = [f.name for f in table.fields if f.type == "string"]
    flags = [f.name for f in table.fields if f.type == "boolean"]
    for row in rows:
        writer.writerow(
            row
            | {name: csv_text(row[name]) for name in text}
            | {name: str(row[name]).lower() for name in flags}
        )
    return buffer.getvalue()


def csv_text(value: str) -> str:
    """A text cell no spreadsheet runs as a formula, whichever separator it reads the file
    with: ``=1+1`` -> ``'=1+1``, ``a;=1+1`` -> ``a;'=1+1``."""
    guarded = _CELL_START.sub(lambda m: m.group(1) + m.group(2) + "'", value)
    return "'" + guarded if guarded.lstrip(" \u00a0").startswith(("\r", "\n")) else guarded


def _json(data: Any) -> bytes:
    if isinstance(data, list):
        return _json_table(_json_lines(data))
    return (json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode("utf-8")


def _json_lines(rows: list[Row]) -> list[str]:
    # Strict JSON: the validator keeps NaN and infinity out of the plan, so one reaching
    # here is a bug that must fail the export, not become a `NaN` no JSON parser reads.
    # One record per line, readable and diffable, and written by json's C encoder (an
    # indent makes it use the pure-Python one, four times slower).
    return [json.dumps(row, ensure_ascii=False, allow_nan=False) for row in rows]


def _json_table(lines: list[str]) -> bytes:
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode() if lines else b"[]\n"


#: What the download page says of datapackage.json.
PACKAGE_TITLE = "Deskripsi paket data (Frictionless): kolom, jenis, lisensi, produsen data"

#: The formats of every table: for machines (CSV, JSON) and for people (XLSX, typed cells).
FORMATS = (
    ("csv", "text/csv"),
    ("json", "application/json"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
)


def _table_files(table: Table, plan: Masterplan) -> dict[str, bytes]:
    """The CSV, JSON and XLSX of ``table``, from the same rows."""
    if table.program_rows is None:
        rows = list(table.rows(plan))
    else:
        rows = [row for p in _in_id_order(plan) for row in table.program_rows(plan, p)]
    columns = [f.name for f in table.fields]
    return {"csv": _csv(table, rows), "json": _json(rows), "xlsx": xlsx.workbook(table.name, columns, rows)}


def export(plan: Masterplan) -> dict[str, bytes]:
    """Every open-data file by name: CSV, JSON and XLSX per table, then datapackage.json."""
    files: dict[str, bytes] = {}
    resources = []
    for table in TABLES:
        made = _table_files(table, plan)
        schema = {"fields": [_schema_field(f) for f in table.fields]}
        for fmt_, media in FORMATS:
            data = made[fmt_]
            name = f"{table.name}.{fmt_}"
            files[name] = data
            resource: dict[str, Any] = {
                "name": f"{table.name}-{fmt_}",
                "path": name,
                "title": table.title,
                "format": fmt_,
                "mediatype": media,
                **({} if fmt_ == "xlsx" else {"encoding": "utf-8"}),
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
        "description": (
            "Program, anggaran indikatif, pagu APBD, indikator dan OPD rencana induk Smart City; "
            "realisasi indikator dan anggaran, hasil evaluasi nasional dan rekomendasinya. Keadaan dan "
            f"capaian dihitung pada tanggal acuan {plan.as_of.isoformat()}."
        ),
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


def _schema_field(f: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"name": f.name, "type": f.type, "description": f.description}
    if f.constraints:
        out["constraints"] = f.constraints
    if f.type == "boolean":
        out |= {"trueValues": ["true"], "falseValues": ["false"]}
    return out


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
