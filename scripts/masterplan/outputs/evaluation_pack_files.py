"""The evaluation pack's two files: a workbook to sum and filter, a PDF to read and print.

Both show the same :class:`~.evaluation_pack.Pack`: a summary per dimension with totals,
then every programme of each dimension. The workbook has a sheet "Ringkasan", one sheet a
dimension (named as the dimension in English, e.g. "Smart Governance") and a sheet
"Keterangan" saying what each figure means; the PDF is the print edition's style and
printer (:mod:`.book`) applied to ``views/templates/evaluation_pack.html``.

In a dimension's sheet a programme takes one row per indicator (at least one): its code
and title on each row, to filter and sort by; its other columns on its first row only, so
that each money column adds up to the summary's line (as the open data's Renja table does).
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from .. import fmt
from ..figures.delivery import STATES
from ..figures.money import Money
from ..views import environment
from ..views.achievement import capaian
from ..views.budget import absorption_text
from . import book, xlsx
from .evaluation_pack import Entry, Pack, Section

SUMMARY_SHEET = "Ringkasan"
NOTES_SHEET = "Keterangan"
#: Between the values of a list in one cell (codes, recommendations).
SEPARATOR = "; "

Row = dict[str, Any]


def file_names(year: int) -> tuple[str, str]:
    """The workbook's and the PDF's names."""
    return f"paket-evaluasi-{year}.xlsx", f"paket-evaluasi-{year}.pdf"


def state_column(state: str) -> str:
    """``Indikator sesuai target``: the summary's column of an indicator state."""
    label = STATES[state]
    return f"Indikator {label[0].lower()}{label[1:]}"


def money_columns(year: int) -> tuple[str, str, str]:
    """Indication, pagu and realisasi of ``year``, in rupiah."""
    return f"Indikasi {year} (Rp)", f"Pagu APBD {year} (Rp)", f"Realisasi {year} (Rp)"


def summary_columns(year: int) -> list[str]:
    return [
        "Dimensi",
        "Program",
        *(state_column(s) for s in STATES),
        *money_columns(year),
        f"Serapan {year} (%)",
        f"Terdanai {year} (%)",
    ]


def program_columns(year: int) -> list[str]:
    return [
        "Kode program",
        "Judul program",
        "OPD pengampu",
        "Sub-kegiatan",
        "Status",
        "Keterangan status",
        "Quick win",
        "Indikator",
        "Satuan",
        "Arah",
        f"Target {year}",
        f"Realisasi indikator {year}",
        f"Capaian {year} (%)",
        f"Keadaan {year}",
        *money_columns(year),
        "Rekomendasi evaluasi sebelumnya yang dijawab",
        "Halaman program",
        "Riwayat perubahan",
    ]


#: Column widths in characters, in :func:`program_columns`' order: long text gets room.
_PROGRAM_WIDTHS = (12, 40, 32, 44, 12, 32, 10, 44, 12, 14, 10, 12, 12, 18, 18, 18, 18, 60, 44, 44)
_SUMMARY_WIDTHS = (20, 9, 14, 14, 14, 14, 18, 18, 18, 12, 12)


def workbook(pack: Pack, version: str) -> bytes:
    """The pack as a workbook: summary, one sheet a dimension, notes."""
    columns = program_columns(pack.year)
    notes_rows = [{"Butir": label, "Isi": text} for label, text in notes(pack, version)]
    return xlsx.workbook_of(
        [
            xlsx.Sheet(SUMMARY_SHEET, summary_columns(pack.year), summary_rows(pack), _SUMMARY_WIDTHS),
            *(
                xlsx.Sheet(s.dimension.name_en, columns, dimension_rows(pack, s), _PROGRAM_WIDTHS)
                for s in pack.sections
            ),
            xlsx.Sheet(NOTES_SHEET, ["Butir", "Isi"], notes_rows, (28, 110)),
        ]
    )


def summary_rows(pack: Pack) -> list[Row]:
    rows = [_summary_row(pack, s.dimension.name_en, len(s.entries), s.money, s.states) for s in pack.sections]
    return [*rows, _summary_row(pack, "Jumlah", pack.programs, pack.money, pack.states)]


def _summary_row(pack: Pack, label: str, programs: int, m: Money, states: Counter[str]) -> Row:
    indication, pagu, spent = money_columns(pack.year)
    return {
        "Dimensi": label,
        "Program": programs,
        **{state_column(s): states[s] for s in STATES},
        indication: m.indication,
        pagu: m.allocation if m.allocated else None,
        spent: m.spent,
        f"Serapan {pack.year} (%)": _rounded(m.absorption),
        f"Terdanai {pack.year} (%)": _rounded(m.funded),
    }


def dimension_rows(pack: Pack, section: Section) -> list[Row]:
    return [row for e in section.entries for row in _entry_rows(pack, e)]


def _entry_rows(pack: Pack, e: Entry) -> list[Row]:
    p, year = e.program, pack.year
    indication, pagu, spent = money_columns(year)
    first: Row = {
        "OPD pengampu": opd_name(pack, p.lead),
        "Sub-kegiatan": SEPARATOR.join(f"{code} {name}".strip() for code, name in e.sub_activities),
        "Status": fmt.STATUS.get(p.status, p.status),
        "Keterangan status": p.status_note,
        "Quick win": "Ya" if p.quick_win else "Tidak",
        indication: e.indication,
        pagu: e.pagu,
        spent: e.spent,
        "Rekomendasi evaluasi sebelumnya yang dijawab": SEPARATOR.join(
            f"{r.key}: {r.text}" for r in e.recommendations
        ),
        "Halaman program": e.page,
        "Riwayat perubahan": e.history,
    }
    rows = []
    for i, line in enumerate(e.indicators or [None]):
        row: Row = {"Kode program": p.id, "Judul program": p.title, **(first if i == 0 else {})}
        if line is not None:
            y = line.year
            row |= {
                "Indikator": line.indicator.name,
                "Satuan": line.indicator.unit,
                "Arah": fmt.DIRECTION[line.indicator.direction],
                f"Target {year}": y.target if y else None,
                f"Realisasi indikator {year}": y.actual if y else None,
                f"Capaian {year} (%)": _rounded(y.achievement) if y else None,
                f"Keadaan {year}": STATES[line.state] if line.state else "",
            }
        rows.append(row)
    return rows


def opd_name(pack: Pack, key: str) -> str:
    opd = pack.plan.opd(key)
    return f"{opd.name} ({opd.short})" if opd else key


def notes(pack: Pack, version: str) -> list[tuple[str, str]]:
    """What the pack is and what each figure means: the workbook's last sheet and the PDF's
    notes say the same."""
    plan, year = pack.plan, pack.year
    previous = pack.previous
    if previous is None:
        evaluation = f"Belum ada hasil evaluasi untuk tahun sebelum {year}: kolom rekomendasi kosong."
    else:
        evaluation = (
            f"Evaluasi tahun {previous.year} ({fmt.date(previous.date)}, {previous.assessor}), "
            f"{len(previous.recommendations)} rekomendasi. Evaluasi tahun {year} sendiri menilai pekerjaan "
            "yang didokumentasikan paket ini, jadi rekomendasinya dijawab pada tahun-tahun sesudahnya."
        )
    return [
        ("Daerah", plan.info.region),
        ("Tahun yang dievaluasi", str(year)),
        (
            "Tanggal acuan pemantauan",
            f"{fmt.date(plan.as_of)}: realisasi yang dilaporkan di halaman program hingga tanggal ini.",
        ),
        ("Versi rencana", version),
        (
            "Program",
            f"Program yang berjalan pada {year} atau indikatornya diukur pada {year}. Program yang "
            "dibatalkan dicantumkan dengan keterangannya, tanpa indikator dan anggaran: keduanya tidak "
            "dihitung dalam jumlah (seperti di situs).",
        ),
        (
            "Indikator",
            f"Target, realisasi dan capaian {year}. Capaian = realisasi ÷ target × 100%; bila makin rendah "
            "makin baik, (2 × target − realisasi) ÷ target × 100%. Ringkasan menghitung indikator yang "
            f"bertarget pada {year} menurut keadaannya per tanggal acuan.",
        ),
        ("Indikasi", f"Anggaran indikatif rencana induk untuk {year}."),
        (
            "Pagu APBD",
            "Pagu terakhir tahun itu: perubahan bila ada, selain itu murni; kosong bila pagu program "
            "belum tercatat (0 berarti tidak didanai).",
        ),
        ("Realisasi", "Realisasi anggaran yang dilaporkan; kosong bila belum dilaporkan."),
        (
            "Serapan",
            "Realisasi ÷ dasar × 100%; dasarnya pagu untuk program yang pagunya tercatat, selain itu "
            "anggaran indikatif.",
        ),
        ("Terdanai", "Pagu ÷ anggaran indikatif × 100%, pada program yang pagunya tercatat."),
        ("Rekomendasi", evaluation),
        (
            "Tautan",
            "Halaman program di situs rencana induk, dan riwayat perubahan halaman itu di repositori "
            "(siapa mengubah apa, kapan) sebagai bukti. Kosong bila alamatnya tidak tercantum di mkdocs.yml.",
        ),
        ("Sumber angka", "Fungsi yang sama dengan halaman situs dan data terbuka (spending, actuals)."),
    ]


def _rounded(value: float | None) -> float | None:
    """Percentages to two decimals, as the pages and the open data give them."""
    return None if value is None else round(value, 2)


def pdf_html(pack: Pack, root: Path, version: str) -> str:
    """The pack as a standalone document for WeasyPrint, in the print edition's style."""
    info = pack.plan.info
    return (
        environment()
        .get_template("evaluation_pack.html")
        .render(
            pack=pack,
            info=info,
            css=book.site_css(root),
            version=version,
            running_title=f"Paket evaluasi {pack.year} · Smart City {info.region}",
            notes=notes(pack, version),
            STATES=STATES,
            state_column=state_column,
            opd_name=lambda key: opd_name(pack, key),
            capaian=capaian,
            absorption_text=absorption_text,
            DIRECTION=fmt.DIRECTION,
        )
    )


def write(pack: Pack, out: Path, root: Path, version: str) -> tuple[Path, Path, int]:
    """Write the workbook and the PDF into ``out`` (created if needed); return their paths
    and the PDF's page count. Each is written beside its final name and moved there once
    both are complete: an interrupted run leaves the previous files, never half a pack."""
    out.mkdir(parents=True, exist_ok=True)
    targets = [out / name for name in file_names(pack.year)]
    temporaries: list[Path] = []
    try:
        for target in targets:
            handle, name = tempfile.mkstemp(dir=out, prefix=f".{target.stem}-", suffix=target.suffix)
            os.close(handle)
            temporaries.append(Path(name))
        temporaries[0].write_bytes(workbook(pack, version))
        pages = book.render_pdf(pdf_html(pack, root, version), root, temporaries[1])
        for temporary, target in zip(temporaries, targets, strict=True):
            os.chmod(temporary, 0o644)  # mkstemp makes it private; the pack is to be shared
            os.replace(temporary, target)
    except BaseException:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
        raise
    return targets[0], targets[1], pages
