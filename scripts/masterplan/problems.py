"""The catalogue of problems the validator reports, each with a stable code.

Codes are a public contract: tests, CI annotations and the contributor guide refer to
them, so a code is never renamed. Messages are Indonesian because OPD staff read them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: code -> what it means, in Indonesian; shown in the contributor guide.
CATALOGUE: dict[str, str] = {
    "yaml-syntax": "YAML tidak dapat dibaca (indentasi, titik dua, tanda kutip).",
    "yaml-tag": "Nilai diberi tag YAML (`!!bool`, `!!int`...), yang tidak dipakai rencana ini.",
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
    "unknown-code": "Kode sub-kegiatan tidak ada di `data/nomenclature.csv`.",
    "closed-year-changed": (
        "Realisasi indikator atau anggaran tahun yang sudah ditutup berubah tanpa butir `corrections`."
    ),
    "closed-year-ref": "Tag git tahun yang ditutup (`closed_years`) tidak dapat dibaca.",
    "correction-open-year": "Butir `corrections` untuk tahun yang belum ditutup.",
    "shared-code": (
        "Kode sub-kegiatan dipakai dua program tanpa keduanya menyatakan `shared_sub_activities: true`."
    ),
    "duplicate-entry": (
        "Butir yang sama ditulis dua kali dalam satu daftar (tahun, sumber dana, tahap atau triwulan)."
    ),
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
#: Codes that compare the plan with its git tags: a case file (a plan without history)
#: cannot show them; tests/test_cycle.py does, on temporary repositories.
GIT_ONLY = {"closed-year-changed", "closed-year-ref"}


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


def choice_hint(
    value: object, choices: Iterable[str], *, source: str = "", labels: Mapping[str, str] | None = None
) -> str:
    """A fix hint naming the nearest valid values, e.g. ``gunakan "dishub"``; with
    ``labels``, each value with its Indonesian label, and a value typed as its label
    (``tertunda``) answered with the value it means (``delayed``)."""
    options = list(choices)
    labels = labels or {}

    def named(choice: str) -> str:
        label = labels.get(choice)
        return f'"{choice}" ({label.lower()})' if label else f'"{choice}"'

    typed = str(value).strip().casefold()
    meant = [c for c in options if c in labels and labels[c].casefold().split(" (")[0] == typed]
    if meant:
        return f"Maksud Anda {named(meant[0])}? Nilainya ditulis dengan kata kunci bahasa Inggris itu."
    close = difflib.get_close_matches(str(value), options, n=3, cutoff=0.5)
    where = f" (dari {source})" if source else ""
    if close:
        return "Mungkin maksud Anda: " + ", ".join(named(c) for c in close) + where + "."
    shown = ", ".join(named(c) for c in options[:8])
    more = f", … ({len(options)} pilihan)" if len(options) > 8 else ""
    return f"Pilihan yang sah{where}: {shown}{more}."


#: Characters that end a line in a terminal, a log or the Actions runner (which also
#: reads a lone carriage return as a line break).
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
#: What the Actions runner reads as a workflow command: `::name::` at the start of a
#: line, and the older `##[name]` anywhere in it.
_RUNNER_COMMAND = re.compile(r":(?=:)|#(?=#\[)")


def plain(text: str) -> str:
    """Text for one line of plain output, whoever wrote it.

    A contributor's value can hold a line break followed by ``::add-mask::`` or
    ``::error::``. Control characters become visible escapes (``\\n``), so the value
    stays on its problem's line, and ``::`` and ``##[`` get a zero-width space, so no
    output can be read as a GitHub Actions workflow command.
    """
    text = _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)
    return _RUNNER_COMMAND.sub(lambda m: m.group() + "\u200b", text)


def plain_lines(text: str) -> str:
    """:func:`plain` for each line of a message that is meant to span lines (the build's
    log): each stays a line of its own, and none can be read as a workflow command."""
    return "\n".join(plain(line) for line in text.split("\n"))
