"""``masterplan import nomenclature FILE``: the region's nomenclature table from the
spreadsheet Bappeda or BPKAD has (saved as CSV), into ``data/nomenclature.csv``.

Headers are matched loosely (``Kode``, ``Kode Rekening``; ``Nama``, ``Uraian``), the
separator may be ``,`` or ``;`` (Excel with Indonesian settings), codes are written in the
decree's shape (:func:`masterplan.model.canonical_code`). Any malformed row refuses the
whole import with its line, and nothing is written: the file in the repository is either
the old one or the complete new one.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..read.nomenclature import NOMENCLATURE_FILE, check_rows

CODE_HEADERS = ("kode", "code", "kode rekening", "kode nomenklatur", "kode sub kegiatan")
NAME_HEADERS = ("nama", "name", "uraian", "nomenklatur", "nama sub kegiatan")


class ImportRefused(Exception):
    """The source cannot be imported as it is; ``lines`` say where and why."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class Imported:
    rows: int
    changed: bool


def header(cell: object) -> str:
    """A column heading as the imports compare it: ``"Kode  Sub-Kegiatan "`` and
    ``"kode sub kegiatan"`` are the same heading, as is ``"Pagu Murni (Rp)"`` and
    ``"pagu murni"`` (spreadsheets differ in case, spacing, hyphens and units)."""
    text = str(cell or "").replace("\ufeff", "").replace("\u00a0", " ").lower()
    text = re.sub(r"\((?:rp|rupiah)\.?\)", " ", re.sub(r"[-_]", " ", text))
    return re.sub(r"\s+", " ", text).strip()


def read_csv(source: Path) -> list[list[str]]:
    """The rows of a CSV export: UTF-8 with or without a BOM, separated by ``,`` or by
    ``;`` (what Excel with Indonesian settings saves); the first line decides which."""
    try:
        text = source.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([f"{source.name}: bukan teks UTF-8; simpan ulang sebagai CSV UTF-8."]) from None
    except FileNotFoundError:
        raise ImportRefused([f"{source}: berkas tidak ditemukan."]) from None
    except OSError:
        raise ImportRefused([f"{source}: tidak dapat dibaca (folder, atau tanpa izin baca)."]) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text.replace("\r\n", "\n")), delimiter=delimiter))


def read_source(source: Path) -> list[tuple[str, str]]:
    """(canonical code, name) rows of a CSV export, in its order, each code once."""
    rows = read_csv(source)
    heads = [header(c) for c in rows[0]] if rows else []
    code_at = next((heads.index(h) for h in CODE_HEADERS if h in heads), None)
    name_at = next((heads.index(h) for h in NAME_HEADERS if h in heads), None)
    if code_at is None or name_at is None:
        raise ImportRefused(
            [
                f"{source.name}:1: kolom kode dan nama tidak ditemukan (judul kolom yang dikenal: "
                f"{', '.join(CODE_HEADERS)}; {', '.join(NAME_HEADERS)})."
            ]
        )
    table, wrong = check_rows(
        ((line, row[code_at] if code_at < len(row) else "", row[name_at] if name_at < len(row) else "")
         for line, row in enumerate(rows[1:], start=2)),
        repeats_ok=True,
    )  # fmt: skip
    if wrong:
        # After "file:line:" the sentence goes on in lower case, as compilers print it.
        said = [f"{source.name}:{line}: {m[:1].lower()}{m[1:]} {hint}" for line, _, m, hint in wrong]
        raise ImportRefused(said)
    return list(table.items())


def import_nomenclature(root: Path, source: Path) -> Imported:
    """Write ``data/nomenclature.csv`` from ``source``; nothing is written on a refusal or
    when the table is already the same."""
    rows = read_source(source)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "name"])
    writer.writerows(rows)
    text = buffer.getvalue()
    target = root / NOMENCLATURE_FILE
    if target.is_file() and not target.is_symlink() and target.read_text("utf-8") == text:
        return Imported(len(rows), changed=False)
    if target.is_symlink():
        raise ImportRefused([f"{NOMENCLATURE_FILE} adalah symlink; tidak ditimpa."])
    # A whole new file or none: written beside the old one, then moved over it.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".nomenclature-", suffix=".csv")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Imported(len(rows), changed=True)
