"""Indonesian formatting of numbers, money, dates, and the labels of coded values."""

from __future__ import annotations

import datetime

STATUS = {
    "planned": "Direncanakan",
    "ongoing": "Berjalan",
    "done": "Selesai",
    "delayed": "Tertunda",
    "cancelled": "Dibatalkan",
}
HORIZON = {
    "quick-win": "Quick win",
    "short": "Jangka pendek",
    "medium": "Jangka menengah",
    "long": "Jangka panjang",
}
PARTNER_KIND = {
    "akademisi": "Akademisi",
    "bisnis": "Bisnis",
    "komunitas": "Komunitas",
    "media": "Media",
    "pemerintah": "Pemerintah",
}
RATING = {"baik": "Baik", "sedang": "Sedang", "kurang": "Kurang"}
DIRECTION = {"up": "Naik (makin tinggi makin baik)", "down": "Turun (makin rendah makin baik)"}
READINESS = {
    "struktur": "Struktur",
    "infrastruktur": "Infrastruktur",
    "suprastruktur": "Suprastruktur",
}
SWOT = {
    "strengths": "Kekuatan (Strengths)",
    "weaknesses": "Kelemahan (Weaknesses)",
    "opportunities": "Peluang (Opportunities)",
    "threats": "Ancaman (Threats)",
}
#: The Indonesian label of every coded value that is written in English (``delayed``):
#: hints name both, and an Indonesian word staff type (``tertunda``) finds its value.
LABELS = {**STATUS, **HORIZON, **DIRECTION}

#: The Indonesian label of every field contributors write, by field name: the form's
#: labels, and the words of a rule when the form reports it (a test checks every schema
#: field of the edited files has one).
FIELDS = {
    "id": "Kode program",
    "title": "Judul",
    "element": "Elemen",
    "lead": "OPD pengampu",
    "support": "OPD pendukung",
    "partners": "Mitra",
    "name": "Nama",
    "kind": "Jenis",
    "horizon": "Jangka waktu",
    "start_year": "Tahun mulai",
    "end_year": "Tahun selesai",
    "budget": "Anggaran",
    "spending": "Realisasi anggaran",
    "year": "Tahun",
    "amount": "Jumlah (Rp)",
    "source": "Sumber dana",
    "indicators": "Indikator kinerja",
    "unit": "Satuan",
    "baseline": "Nilai awal",
    "direction": "Arah",
    "targets": "Target per tahun",
    "actuals": "Realisasi per tahun",
    "value": "Nilai",
    "rpjmd": "Misi/tujuan RPJMD",
    "status": "Status",
    "status_note": "Keterangan status",
    "progress": "Progres (%)",
    "key": "Kunci",
    "short": "Singkatan",
    "team": "Tim GitHub",
    "goals": "Tujuan",
    "sub_activities": "Kode sub-kegiatan",
    "shared_sub_activities": "Sub-kegiatan dipakai bersama",
    "allocations": "Pagu APBD",
    "phase": "Tahap APBD",
    "quarter": "Triwulan",
    "definition": "Definisi",
    "formula": "Rumus",
    "frequency": "Frekuensi",
    "producer": "OPD produsen data",
    "code": "Kode indikator",
    "review_by": "Ditinjau paling lambat",
    "corrections": "Koreksi data tahun yang ditutup",
    "field": "Yang dikoreksi",
    "old": "Nilai lama",
    "new": "Nilai baru",
    "reason": "Alasan",
    "date": "Tanggal",
    "editions": "Edisi yang ditetapkan",
    "legal_basis": "Dasar hukum",
    "ref": "Tag git",
    "closed_years": "Tahun yang ditutup",
}

MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def number(value: float, *, decimals: int = 2) -> str:
    """``1234567.5`` -> ``1.234.567,5``: dots group thousands, a comma marks decimals."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def rupiah(amount: int) -> str:
    """Full amount for tables: ``Rp1.250.000.000``."""
    return "Rp" + number(amount)


def rupiah_words(amount: int) -> str:
    """Rounded amount for prose: ``Rp1,25 miliar``."""
    for size, word in ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu")):
        if abs(amount) >= size:
            return f"Rp{number(round(amount / size, 2))} {word}"
    return rupiah(amount)


def percent(part: float, whole: float) -> str:
    """``percent(10, 12)`` -> ``83,33%``."""
    return number(round(100 * part / whole, 2) if whole else 0) + "%"


def date(value: datetime.date) -> str:
    """``2024-06-24`` -> ``24 Juni 2024``."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def years(start: int, end: int) -> str:
    return str(start) if start == end else f"{start}–{end}"
