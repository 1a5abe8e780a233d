"""``data/nomenclature.csv``: the regional nomenclature (Permendagri 90/2019 and its
Kepmendagri updates), one ``code,name`` row per code at any level.

The file is optional: without it, a programme's ``sub_activities`` are checked for their
form only. A region replaces the sample's few illustrative rows with the full table (about
thirty thousand rows), so the file may be larger than a page and is read as CSV, not YAML.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..model import NOMENCLATURE_CODE, canonical_code
from ..problems import Problem
from .files import has_link

NOMENCLATURE_FILE = "data/nomenclature.csv"
#: The full national table is a few megabytes; anything much larger was not meant.
MAX_BYTES = 20_000_000


Wrong = tuple[int, str, str, str]


def check_rows(
    rows: Iterable[tuple[int, Any, Any]], *, repeats_ok: bool = False
) -> tuple[dict[str, str], list[Wrong]]:
    """The table of (line, code as written, name) rows, in the decree's shape, and what is
    wrong, as (line, problem code, message, hint): the data file's reader and
    ``masterplan import nomenclature`` check rows alike. A row given as (line, None, n)
    has n columns instead of 2. With ``repeats_ok`` a row repeating an earlier one
    exactly is skipped (exports list a code once per sheet)."""
    table: dict[str, str] = {}
    first: dict[str, int] = {}
    wrong: list[Wrong] = []
    for line, written, name in rows:
        if written is None:
            wrong.append(
                (
                    line,
                    "bad-value",
                    f"Baris berisi {name} kolom, bukan 2.",
                    "Tulis `kode,nama`; apit nama yang memuat koma dengan tanda kutip.",
                )
            )
            continue
        raw, name = str(written).strip(), str(name).strip()
        if not raw and not name:
            continue
        code = canonical_code(raw)
        if not re.fullmatch(NOMENCLATURE_CODE, code):
            wrong.append(
                (
                    line,
                    "bad-value",
                    f"Kode {raw!r} tidak berbentuk kode nomenklatur.",
                    'Contoh bentuk yang benar: "1.02.02.2.01.0001".',
                )
            )
        elif not name:
            wrong.append(
                (
                    line,
                    "missing-field",
                    f"Kode {code} tanpa nama.",
                    "Tulis nama sesuai keputusan yang diikuti.",
                )
            )
        elif code in first and not (repeats_ok and table[code] == name):
            wrong.append(
                (
                    line,
                    "duplicate-key",
                    f"Kode {code} tertulis lagi dengan nama lain."
                    if table[code] != name
                    else f"Kode {code} sudah tertulis di baris {first[code]}.",
                    "Hapus salah satu baris.",
                )
            )
        elif code not in first:
            first[code] = line
            table[code] = name
    return table, wrong


def read_nomenclature(root: Path) -> tuple[dict[str, str] | None, list[Problem]]:
    """The table as ``{canonical code: name}`` (``None`` without the file), and the
    problems of its rows, each on its line."""
    path = root / NOMENCLATURE_FILE
    if not path.exists() and not path.is_symlink():
        return None, []
    problems: list[Problem] = []

    def problem(line: int | None, code: str, message: str, hint: str) -> None:
        problems.append(
            Problem(file=NOMENCLATURE_FILE, line=line, code=code, key="", message=message, hint=hint)
        )

    if has_link(root, NOMENCLATURE_FILE) or not path.is_file():
        problem(
            None, "unsafe-file", "Tabel nomenklatur bukan berkas biasa.", "Simpan sebagai berkas CSV biasa."
        )
        return None, problems
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        problem(None, "file-too-large", "Tabel nomenklatur terlalu besar.", "Simpan hanya kolom `code,name`.")
        return None, problems
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        problem(line, "encoding", "Tabel nomenklatur bukan teks UTF-8.", "Simpan ulang sebagai CSV UTF-8.")
        return None, problems
    rows = list(csv.reader(io.StringIO(text.replace("\r\n", "\n"))))
    if not rows or [c.strip().lower() for c in rows[0]] != ["code", "name"]:
        problem(
            1,
            "bad-value",
            "Baris pertama tabel nomenklatur harus `code,name`.",
            "Tulis judul kolom `code,name`.",
        )
        return None, problems
    # Blank lines are skipped; a row of another width is reported as such.
    filled = [(line, row) for line, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)]
    table, wrong = check_rows(
        (line, row[0], row[1]) if len(row) == 2 else (line, None, len(row)) for line, row in filled
    )
    for line, code, message, hint in wrong:
        problem(line, code, message, hint)
    return table, problems
