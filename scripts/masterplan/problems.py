"""The catalogue of problems the validator reports, each with a stable code.

Codes are a public contract: tests, CI annotations and the contributor guide refer to
them, so a code is never renamed. Messages are Indonesian because OPD staff read them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

#: code -> what it means, in Indonesian; shown in the contributor guide.
CATALOGUE: dict[str, str] = {
    "yaml-syntax": "YAML tidak dapat dibaca (indentasi, titik dua, tanda kutip).",
    "frontmatter-missing": "Halaman tidak diawali front matter `---`.",
    "frontmatter-unclosed": "Front matter dibuka dengan `---` tetapi tidak ditutup.",
    "empty-file": "Berkas kosong.",
    "file-too-large": "Berkas terlalu besar untuk sebuah halaman atau data.",
    "encoding": "Berkas bukan teks UTF-8.",
    "missing-file": "Berkas wajib tidak ada.",
    "missing-field": "Isian wajib tidak ada atau kosong.",
    "bad-type": "Jenis nilai salah (mis. teks di tempat angka, atau satu nilai di tempat daftar).",
    "bad-value": "Nilai di luar pilihan atau rentang yang diizinkan.",
    "unknown-key": "Isian tidak dikenal (sering karena salah ketik).",
    "duplicate-key": "Kunci yang sama ditulis dua kali.",
    "unknown-dimension": "Folder bukan kunci dimensi yang dikenal.",
    "misplaced-page": "Halaman program berada di luar folder dimensi.",
    "bad-id": "Kode program tidak berbentuk `<PREFIKS>-<nomor>`.",
    "id-prefix-mismatch": "Prefiks kode program tidak sesuai dengan dimensinya.",
    "duplicate-id": "Kode program dipakai oleh lebih dari satu halaman.",
    "element-not-in-dimension": "Elemen bukan salah satu elemen dimensi program.",
    "unknown-opd": "Kunci OPD tidak ada di `data/opd.yml`.",
    "lead-in-support": "OPD pengampu juga tercantum sebagai OPD pendukung.",
    "unknown-rpjmd": "Kunci RPJMD tidak ada di `data/rpjmd.yml`.",
    "year-out-of-period": "Tahun di luar periode rencana induk atau di luar tahun program.",
    "year-in-future": "Realisasi, belanja atau evaluasi untuk tahun atau tanggal sesudah tanggal acuan "
    "(`as_of` di `data/plan.yml`).",
    "missing-status-note": "Status `delayed` atau `cancelled` tanpa keterangan `status_note`.",
    "unknown-program": "Kode program yang dirujuk tidak ada di rencana.",
    "year-order": "Tahun mulai lebih besar daripada tahun selesai.",
    "progress-mismatch": "Progres tidak sesuai dengan status.",
    "raw-html": "HTML mentah tidak diizinkan di halaman kontributor.",
    "template-syntax": "Sintaks templat (`{{`, `{%`, `{#`, `render_macros`) tidak diizinkan.",
    "unsafe-link": "Tautan dengan skema selain http(s) atau mailto, atau alamat host yang disamarkan.",
    "too-complex": "Narasi terlalu rumit untuk dibaca sebagai Markdown; ditampilkan sebagai teks.",
    "remote-image": "Gambar dimuat dari host lain; gambar harus disimpan di repositori.",
    "unsafe-file": "Berkas yang tidak boleh dibaca atau diterbitkan: jenis HTML/SVG/JS, symlink, "
    "atau folder yang bernama seperti halaman.",
    "bad-filename": "Nama halaman atau gambar di luar pola aman (huruf kecil, angka, tanda hubung).",
    "file-exists": "Berkas yang akan dibuat sudah ada (perintah `masterplan new` tidak menimpa).",
}

#: Codes only the commands report (never the validator), so no validation case has them.
COMMAND_ONLY = {"file-exists"}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the plan, positioned as precisely as the source allows."""

    file: str
    """Path relative to the repository root, with forward slashes."""
    line: int | None
    code: str
    key: str
    """Dotted path of the offending key inside the file (``budget[1].amount``), or ``""``."""
    message: str
    hint: str = ""

    def __post_init__(self) -> None:
        # A typo in a code would silently break the contract the guide documents.
        if self.code not in CATALOGUE:
            raise ValueError(f"unknown problem code {self.code!r}")

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


def choice_hint(value: object, choices: Iterable[str], *, source: str = "") -> str:
    """A fix hint naming the nearest valid values, e.g. ``gunakan "dishub"``."""
    options = list(choices)
    close = difflib.get_close_matches(str(value), options, n=3, cutoff=0.5)
    where = f" (dari {source})" if source else ""
    if close:
        return "Mungkin maksud Anda: " + ", ".join(f'"{c}"' for c in close) + where + "."
    shown = ", ".join(f'"{c}"' for c in options[:8])
    more = f", … ({len(options)} pilihan)" if len(options) > 8 else ""
    return f"Pilihan yang sah{where}: {shown}{more}."
