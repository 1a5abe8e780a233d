"""``masterplan import finance FILE``: the pagu and realisasi of the region's finance
application (an export per sub-kegiatan) into the programme pages that claim the codes.

The file is a CSV (``,`` or ``;``, UTF-8 with or without a BOM) or an XLSX workbook (its
first sheet, the values Excel saved rather than the formulas). Headings are matched
loosely (:func:`masterplan.commands.importer.header`), in any order, below any title
rows; other columns are ignored:

- required: ``kode sub kegiatan``, ``tahun``, ``pagu murni``, ``realisasi``;
- optional: ``triwulan`` (1 to 4; empty: the row is the whole year), ``sumber dana``
  (one of the model's sources; empty: APBD), ``pagu perubahan`` (the APBD-P pagu).

The realisasi of a quarter row is what was spent *in* that quarter, not the total so far.
An empty realisasi brings the row's pagu only (a year that has not started); ``0`` says
nothing was spent. Amounts are read as Indonesians write them (``1.500.000.000``,
``Rp1.500.000.000,00``, ``1500000000``) or as numbers of the workbook; a fraction of a
rupiah is refused.

A row's code (in either shape, :func:`masterplan.model.canonical_code`) belongs to the
programme whose ``sub_activities`` name it; a code no programme names is listed and
skipped, a code two programmes name refuses the import (its money cannot be split by a
machine). A programme's lines are the sums over its codes, per year and source:

- ``allocations``: ``murni``, the sum of the codes' pagu murni; ``perubahan``, when any
  code has a pagu perubahan, the sum of each code's pagu perubahan (its pagu murni when it
  has none): the programme's APBD-P total. The pagu is a yearly figure that quarter rows
  repeat, so it counts once per code, year and source (rows that disagree are refused);
- ``spending``: per quarter (or for the whole year), the sum of the realisasi.

The file's lines replace the page's lines with the same key (year, source, phase or
quarter); lines for the whole year are replaced by the file's quarters of that year and
source, and the other way round, since a page may not hold both. Only those two keys are
rewritten, by the layout writer every command and the web form use
(:mod:`masterplan.outputs.layout`); every other line and the narrative stay as they were.

All or nothing: the plan as it would be after the import is validated in a copy first,
and the import is refused if it would bring a problem; pages are written (temporary file,
then rename) only once every one of them is ready. A second run of the same file writes
nothing.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import shutil
import stat
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from .. import fmt
from ..check.validate import Report, check, claimed_codes
from ..model import (
    FIRST_YEAR,
    LAST_YEAR,
    SUB_ACTIVITY,
    Allocation,
    Masterplan,
    Phase,
    Program,
    Source,
    SpendingLine,
    canonical_code,
)
from ..outputs import layout
from ..problems import Problem
from ..read.files import DATA_DIR, DOCS_DIR
from ..source import SourceError, split_page
from .importer import ImportRefused, header, read_csv
from .plandiff import compare

#: What ``masterplan import finance --help`` says, for finance staff.
HELP = """Pagu dan realisasi dari aplikasi keuangan daerah ke halaman program.

Contoh: masterplan import finance realisasi-2026.csv --dry-run
        masterplan import finance realisasi-2026.xlsx

Berkas: CSV (pemisah `,` atau `;`, UTF-8) atau XLSX (lembar pertama, nilai yang
tersimpan, bukan rumus), satu baris per sub-kegiatan, tahun, sumber dana dan triwulan.
Judul kolom (huruf besar, spasi dan tanda hubung tidak dibedakan):
  wajib: kode sub kegiatan, tahun, pagu murni, realisasi
  boleh: triwulan (1-4; kosong: setahun), sumber dana (kosong: APBD), pagu perubahan

Realisasi per triwulan adalah belanja triwulan itu saja, bukan jumlah sampai triwulan
itu. Realisasi kosong: baris hanya membawa pagu. Angka ditulis seperti 1.500.000.000,
Rp1.500.000.000,00 atau 1500000000; pecahan rupiah ditolak.

Baris masuk ke program yang mencantumkan kodenya di `sub_activities` (1.02.02.2.01.0001
atau 1.02.02.02.01.0001). Kode yang tidak dicantumkan program mana pun didaftar dan
dilewati; kode yang dicantumkan dua program menolak impor. Pagu dijumlahkan per tahun dan
sumber dana (pagu setahun dihitung sekali per kode walau diulang di baris triwulan), dan
pagu perubahan ditulis bila ada; realisasi per tahun, sumber dana dan triwulan. Angka
berkas menggantikan baris halaman dengan kunci yang sama.

Semua atau tidak sama sekali: rencana sesudah impor divalidasi dulu, dan bila ada masalah
baru tidak ada berkas yang ditulis. Berkas yang sama diimpor dua kali tidak mengubah apa pun.
"""

#: Headings of the export, as :func:`importer.header` writes them.
CODE, YEAR, MURNI, SPENT = "kode sub kegiatan", "tahun", "pagu murni", "realisasi"
QUARTER, SOURCE, PERUBAHAN = "triwulan", "sumber dana", "pagu perubahan"
REQUIRED = (CODE, YEAR, MURNI, SPENT)
OPTIONAL = (QUARTER, SOURCE, PERUBAHAN)
#: The kinds of file read, by suffix.
SUFFIXES = (".csv", ".xlsx")
#: An export may open with a title block (the report's name, the region, the date): the
#: headings are looked for in this many rows.
HEADING_ROWS = 20

SOURCES: tuple[Source, ...] = get_args(Source)
PHASES: tuple[Phase, ...] = get_args(Phase)
_SOURCE_NAMES: dict[str, Source] = {s.lower(): s for s in SOURCES}
# `Rp`, digits in groups of three separated by dots (or not grouped), then a decimal comma
# with zeros or a dash (`,00`, `,-`): how Indonesian reports write rupiah.
_RUPIAH = re.compile(r"(?:rp\.?)?(?P<whole>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<cents>\d+|-))?", re.IGNORECASE)
# Where a page's front matter starts and ends, as source.split_page finds them.
_FENCE = re.compile(r"^-{3,}\s*$", re.MULTILINE)
# A key of the front matter's top mapping: at the start of its line.
_TOP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*:")
_LIST_ITEM = re.compile(r"(allocations|spending)\[(\d+)\]")

AllocationKey = tuple[int, Source, Phase]
SpendingKey = tuple[int, Source, int | None]


@dataclass(frozen=True)
class Row:
    """One row of the export, read."""

    line: int
    code: str
    year: int
    quarter: int | None
    source: Source
    murni: int
    perubahan: int | None
    spent: int | None


@dataclass
class Totals:
    """What the rows of one programme add up to, and the file lines behind each sum."""

    allocations: dict[AllocationKey, int] = field(default_factory=lambda: defaultdict(int))
    spending: dict[SpendingKey, int] = field(default_factory=lambda: defaultdict(int))
    lines: dict[tuple[str, tuple[Any, ...]], list[int]] = field(default_factory=lambda: defaultdict(list))


@dataclass(frozen=True)
class Imported:
    """What the import changes (or, with ``--dry-run``, would change)."""

    changes: list[tuple[Program, list[tuple[str, str, str]]]]
    """Each programme changed, with the plan diff's ``(label, before, after)`` rows."""
    unmatched: list[tuple[int, str]]
    """(line, code) of each row whose code no programme names."""
    written: bool


# --- reading the export ---------------------------------------------------------------


def rupiah(value: object) -> int:
    """A whole amount of rupiah from a cell; ValueError saying why it is not one."""
    if isinstance(value, bool):
        raise ValueError("bukan jumlah rupiah")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("bukan jumlah rupiah")
        if not value.is_integer():
            raise ValueError("memuat pecahan rupiah")
        value = int(value)
    if isinstance(value, int):
        if value < 0:
            raise ValueError("kurang dari nol")
        return value
    match = _RUPIAH.fullmatch(re.sub(r"\s", "", str(value)))
    if match is None:
        raise ValueError("bukan jumlah rupiah")
    if (match["cents"] or "-").strip("0-"):
        raise ValueError(f"memuat pecahan rupiah (,{match['cents']})")
    return int(match["whole"].replace(".", ""))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a year or quarter a workbook holds as 2026.0
    return str(value).replace("\u00a0", " ").strip()


def _workbook(source: Path) -> list[list[object]]:
    """The rows of the first sheet, as the values Excel last saved."""
    import openpyxl  # only an XLSX import needs it, and it takes a while to load

    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except FileNotFoundError:
        raise ImportRefused([f"{source}: berkas tidak ditemukan."]) from None
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, TypeError):
        # openpyxl raises these, and not one kind of its own, for what is not a workbook.
        raise ImportRefused(
            [
                f"{source.name}: bukan buku kerja XLSX yang dapat dibaca; simpan ulang dari Excel "
                "sebagai .xlsx atau CSV."
            ]
        ) from None
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(min_row=1, values_only=True)]
    finally:
        book.close()


def _table(source: Path) -> list[list[object]]:
    if source.suffix.lower() == ".xlsx":
        return _workbook(source)
    return [list(row) for row in read_csv(source)]


def _columns(name: str, table: list[list[object]]) -> tuple[int, dict[str, tuple[int, str]]]:
    """Index of the headings row, and each known heading's column and text as written."""
    for at, cells in enumerate(table[:HEADING_ROWS]):
        found = {header(c): (i, _text(c)) for i, c in reversed(list(enumerate(cells)))}
        if all(h in found for h in REQUIRED):
            return at, {h: found[h] for h in (*REQUIRED, *OPTIONAL) if h in found}
    # Told against the first row that holds anything, where the headings were expected.
    at = next((i for i, cells in enumerate(table) if any(_text(c) for c in cells)), 0)
    missing = [h for h in REQUIRED if h not in {header(c) for c in (table[at] if table else [])}]
    raise ImportRefused(
        [
            f"{name}:{at + 1}: kolom wajib tidak ditemukan: {', '.join(missing)}. Beri judul kolom "
            f"{', '.join(REQUIRED)} (wajib) dan bila ada {', '.join(OPTIONAL)}; huruf besar dan "
            "spasi tidak dibedakan."
        ]
    )


def _row(name: str, line: int, cells: list[object], columns: dict[str, tuple[int, str]]) -> Row | list[str]:
    """The row read, or what is wrong with it (a sentence per cell)."""
    read: dict[str, Any] = {}
    errors: list[str] = []
    for heading, (reader, fix) in _CELLS.items():
        at, written = columns.get(heading, (len(cells), heading))
        value = cells[at] if at < len(cells) else None
        try:
            read[heading] = reader(value)
        except ValueError as err:
            said = f"`{_text(value)}` {err}" if _text(value) else "kosong"
            errors.append(f"{name}:{line}: kolom `{written}`: {said}. {fix}")
    if errors:
        return errors
    return Row(
        line=line,
        code=read[CODE],
        year=read[YEAR],
        quarter=read[QUARTER],
        source=read[SOURCE],
        murni=read[MURNI],
        perubahan=read[PERUBAHAN],
        spent=read[SPENT],
    )


def _code(value: object) -> str:
    text = re.sub(r"\s", "", _text(value))
    if not re.fullmatch(SUB_ACTIVITY, text):
        raise ValueError("bukan kode sub-kegiatan")
    return canonical_code(text)


def _year(value: object) -> int:
    text = _text(value)
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise ValueError("bukan tahun")
    return int(text)


def _quarter(value: object) -> int | None:
    text = _text(value)
    if not text:
        return None
    if text not in ("1", "2", "3", "4"):
        raise ValueError("bukan triwulan")
    return int(text)


def _source(value: object) -> Source:
    text = _text(value)
    if not text:
        return "APBD"
    if text.lower() not in _SOURCE_NAMES:
        raise ValueError("bukan sumber dana yang dikenal")
    return _SOURCE_NAMES[text.lower()]


def _amount(value: object) -> int:
    if not _text(value):
        raise ValueError("kosong")
    return rupiah(value)


def _optional_amount(value: object) -> int | None:
    return rupiah(value) if _text(value) else None


_AMOUNT = "Tulis rupiah bulat, mis. 1.500.000.000 atau 1500000000"
#: How each heading's cell is read, and what to write instead of a wrong one.
_CELLS: dict[str, tuple[Callable[[object], Any], str]] = {
    CODE: (_code, "Tulis kode sub-kegiatan, mis. 1.02.02.2.01.0001; hapus baris jumlah."),
    YEAR: (_year, f"Tulis tahun anggaran {FIRST_YEAR}–{LAST_YEAR}, mis. 2026."),
    QUARTER: (_quarter, "Tulis 1, 2, 3 atau 4; kosongkan bila baris berlaku setahun."),
    SOURCE: (_source, f"Tulis salah satu: {', '.join(SOURCES)} (kosong: APBD)."),
    MURNI: (_amount, _AMOUNT + " (0 bila tidak ada pagu)."),
    PERUBAHAN: (_optional_amount, _AMOUNT + ", atau kosongkan bila tidak ada APBD-P."),
    SPENT: (_optional_amount, _AMOUNT + " (0 bila belum ada; kosong: hanya pagu)."),
}


def read_rows(source: Path) -> list[Row]:
    """The rows of an export, in its order; :class:`ImportRefused` naming every wrong cell."""
    table = _table(source)
    at, columns = _columns(source.name, table)
    rows: list[Row] = []
    errors: list[str] = []
    # A workbook's row and a CSV's line have the same number: the headings are row `at`+1.
    for line, cells in enumerate(table[at + 1 :], start=at + 2):
        if not any(_text(c) for c in cells):
            continue
        read = _row(source.name, line, cells, columns)
        if isinstance(read, Row):
            rows.append(read)
        else:
            errors += read
    errors += _repeated(source.name, rows)
    if errors:
        raise ImportRefused(errors)
    return rows


def _repeated(name: str, rows: list[Row]) -> list[str]:
    """A row written twice, and a yearly pagu its quarter rows do not agree on."""
    errors = []
    seen: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        first = seen.setdefault((row.code, row.year, row.source, row.quarter), row)
        if first is not row:
            errors.append(
                f"{name}:{row.line}: kode {row.code} tahun {row.year} {row.source} "
                f"{_period(row.quarter)} sudah ada di baris {first.line}. Hapus salah satunya, atau satukan."
            )
        for kind, amount in (("murni", row.murni), ("perubahan", row.perubahan)):
            if amount is None:
                continue
            first = seen.setdefault((row.code, row.year, row.source, kind), row)
            if getattr(first, kind) != amount:
                errors.append(
                    f"{name}:{row.line}: pagu {kind} kode {row.code} tahun {row.year} {row.source} "
                    f"{fmt.rupiah(amount)}, padahal {fmt.rupiah(getattr(first, kind))} "
                    f"di baris {first.line}. "
                    "Pagu setahun ditulis sama di setiap baris triwulan; samakan angkanya."
                )
    return errors


def _period(quarter: int | None) -> str:
    return f"triwulan {quarter}" if quarter else "setahun"


# --- from rows to programme lines -------------------------------------------------------


def _assign(
    name: str, rows: list[Row], plan: Masterplan
) -> tuple[dict[str, list[Row]], list[tuple[int, str]]]:
    """The rows of each programme page, and the (line, code) no programme claims.
    :class:`ImportRefused` for a code two programmes claim."""
    claims = claimed_codes(plan.programs)
    mine: dict[str, list[Row]] = defaultdict(list)
    unmatched, errors = [], []
    for row in rows:
        pages = [path for path, _ in claims.get(row.code, [])]
        if not pages:
            unmatched.append((row.line, row.code))
        elif len(pages) > 1:
            errors.append(
                f"{name}:{row.line}: kode {row.code} dicantumkan oleh {len(pages)} program "
                f"({' dan '.join(pages)}); uangnya tidak dapat dibagi otomatis. Catat bagian tiap program "
                "di halamannya sendiri dan hapus baris ini dari berkas, atau biarkan satu program saja "
                "yang mencantumkan kode itu."
            )
        else:
            mine[pages[0]].append(row)
    if errors:
        raise ImportRefused(errors)
    return dict(mine), unmatched


def _totals(rows: list[Row]) -> Totals:
    """A programme's lines from its rows (see the module's docstring)."""
    out = Totals()
    yearly: dict[tuple[str, int, Source], list[Row]] = defaultdict(list)
    for row in rows:
        yearly[row.code, row.year, row.source].append(row)
        if row.spent is not None:
            key: SpendingKey = (row.year, row.source, row.quarter)
            out.spending[key] += row.spent
            out.lines["spending", key].append(row.line)
    revised = {(year, source) for (_, year, source), rs in yearly.items() if _revision(rs) is not None}
    for (_, year, source), rs in yearly.items():
        phases: list[tuple[Phase, int]] = [("murni", rs[0].murni)]
        if (year, source) in revised:
            revision = _revision(rs)
            phases.append(("perubahan", rs[0].murni if revision is None else revision))
        for phase, amount in phases:
            out.allocations[year, source, phase] += amount
            out.lines["allocations", (year, source, phase)] += [r.line for r in rs]
    return out


def _revision(rows: list[Row]) -> int | None:
    """A code's pagu perubahan, given on any of its rows (quarters before the APBD-P
    leave it empty)."""
    return next((r.perubahan for r in rows if r.perubahan is not None), None)


def _one_kind(name: str, program: Program, totals: Totals) -> list[str]:
    """A year and source the file gives a programme both for the whole year and by
    quarter: the page would count that money twice."""
    whole = {(y, s): totals.lines["spending", (y, s, q)][0] for y, s, q in totals.spending if q is None}
    return [
        f"{name}:{totals.lines['spending', (year, source, quarter)][0]}: {program.id} ({program.path}) "
        f"{year} {source} dilaporkan per triwulan di baris ini dan setahun penuh di baris "
        f"{whole[year, source]}; keduanya akan dijumlahkan. Tulis semua baris tahun itu per "
        "triwulan, atau semua setahun."
        for year, source, quarter in totals.spending
        if quarter is not None and (year, source) in whole
    ]


def _rank(values: tuple[str, ...], value: str) -> int:
    # A value outside the model's (a page the validator already faults) sorts last.
    return values.index(value) if value in values else len(values)


def _allocation_order(line: Allocation) -> tuple[int, int, int]:
    return line.year, _rank(SOURCES, line.source), _rank(PHASES, line.phase)


def _spending_order(line: SpendingLine) -> tuple[int, int, int]:
    return line.year, _rank(SOURCES, line.source), line.quarter or 0


def _merged(program: Program, totals: Totals) -> tuple[list[Allocation], list[SpendingLine]]:
    """The page's lines with the file's in place of those with the same key, sorted."""
    allocations = [a for a in program.allocations if (a.year, a.source, a.phase) not in totals.allocations]
    allocations += [
        Allocation(year=y, source=s, phase=p, amount=amount)
        for (y, s, p), amount in totals.allocations.items()
    ]
    whole = {(y, s): q is None for y, s, q in totals.spending}

    def kept(line: SpendingLine) -> bool:
        # Replaced: the same key, or the other kind (whole year, quarters) of its year and source.
        brought = whole.get((line.year, line.source))
        return brought is None or (
            brought == (line.quarter is None)
            and (line.year, line.source, line.quarter) not in totals.spending
        )

    spending = [line for line in program.spending if kept(line)]
    spending += [
        SpendingLine(year=y, amount=amount, source=s, quarter=q)
        for (y, s, q), amount in totals.spending.items()
    ]
    return sorted(allocations, key=_allocation_order), sorted(spending, key=_spending_order)


def _changed(program: Program, totals: Totals) -> dict[str, list[dict[str, Any]]]:
    """The keys the import changes on the page, with their new items; a list that only
    differs from the page's in order is left as the page has it."""
    allocations, spending = _merged(program, totals)
    out = {}
    if allocations != sorted(program.allocations, key=_allocation_order):
        out["allocations"] = _items(allocations)
    if spending != sorted(program.spending, key=_spending_order):
        out["spending"] = _items(spending)
    return out


# --- writing pages ------------------------------------------------------------------------


def _items(lines: list[Allocation] | list[SpendingLine]) -> list[dict[str, Any]]:
    """Lines as the front matter holds them (no ``quarter`` for a whole year)."""
    return [{k: v for k, v in dataclasses.asdict(line).items() if v is not None} for line in lines]


def _spans(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Each key of the top mapping and the lines its value takes; blank and comment lines
    at the end belong to what follows."""
    starts = [(i, m[1]) for i, line in enumerate(lines) if (m := _TOP_KEY.match(line))]
    spans: dict[str, tuple[int, int]] = {}
    for (at, key), (end, _) in zip(starts, [*starts[1:], (len(lines), "")], strict=True):
        while end > at + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1
        spans.setdefault(key, (at, end))
    return spans


def _put(lines: list[str], key: str, items: list[dict[str, Any]], newline: str) -> list[str]:
    """``lines`` with ``key`` written by the layout writer, in place of the page's own or,
    when the page has none, after the key the layout writes before it."""
    written = [line + newline for line in layout.dump({key: items}).splitlines()]
    spans = _spans(lines)
    if key in spans:
        at, end = spans[key]
        return lines[:at] + written + lines[end:]
    order = [k.name for k in layout.PROGRAM]
    before = [spans[k][1] for k in order[: order.index(key)] if k in spans]
    at = max(before, default=len(lines))
    return lines[:at] + written + lines[at:]


def _front_matter(text: str) -> tuple[Any, list[Any]]:
    """What the page's front matter reads as, and the keys it writes twice (YAML keeps
    one of them without a word); ``(None, [])`` when it cannot be read."""
    try:
        meta = split_page(text.lstrip("\ufeff").replace("\r\n", "\n")).meta
    except SourceError:
        return None, []
    return meta.data, [path for path, _, _ in meta.duplicates]


def rewrite(text: str, values: dict[str, list[dict[str, Any]]]) -> str:
    """A programme page with the keys of ``values`` rewritten, every other line and the
    narrative kept as they are. A page whose YAML this cannot edit in place (it would not
    read back as intended) gets its whole front matter from the layout writer instead, as
    the web form writes it."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text[len(bom) :]
    newline = "\r\n" if "\r\n" in text else "\n"
    first = _FENCE.match(text)
    closing = _FENCE.search(text, first.end()) if first else None
    if first is None or closing is None:
        raise ValueError("not a page with front matter")  # the plan loaded it: never here
    # The opening fence, its front matter, and the closing fence with the narrative.
    head, tail = text[: first.end()], text[closing.start() :]
    lines = re.split(r"(?<=\n)", text[first.end() : closing.start()])
    for key, items in values.items():
        lines = _put(lines, key, items, newline)
    edited = head + "".join(lines) + tail
    data, twice = _front_matter(text)
    expected = {**data, **values}
    if _front_matter(edited) == (expected, twice):
        return bom + edited
    return bom + head + newline + layout.dump(expected).replace("\n", newline) + tail


def _after(root: Path, pages: dict[str, bytes]) -> Report:
    """The validator's report on the plan with ``pages`` written, from a copy."""
    with tempfile.TemporaryDirectory(prefix="masterplan-finance-") as tmp:
        for top in (DATA_DIR, DOCS_DIR):
            if (root / top).is_dir():
                # Links stay links: the copy's scan reports them as the plan's own does.
                shutil.copytree(root / top, Path(tmp, top), symlinks=True)
        for rel, data in pages.items():
            Path(tmp, rel).write_bytes(data)
        return check(Path(tmp))


def _write(root: Path, pages: dict[str, bytes]) -> None:
    """Every page or none: each is written beside its old self, then all are moved over."""
    ready: list[tuple[str, Path]] = []
    try:
        for rel, data in pages.items():
            target = root / rel
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".finance-", suffix=".tmp")
            ready.append((temporary, target))
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))
        for temporary, target in ready:
            os.replace(temporary, target)
    except BaseException:
        for temporary, _ in ready:
            Path(temporary).unlink(missing_ok=True)
        raise


# --- the import -----------------------------------------------------------------------------


def _plan(before: Report) -> Masterplan:
    if before.plan is None:
        said = [f"{p.where}: {p.message} {p.hint}".strip() for p in before.problems]
        raise ImportRefused([*said, "Rencana induk tidak dapat dibaca; perbaiki dulu (masterplan validate)."])
    return before.plan


def _damaged(before: Report, program: Program) -> list[str]:
    """Refusals for a page whose pagu or realisasi the validator already reports: the
    import would rewrite those lines and could lose what was meant."""
    return [
        f"{p.where}: {p.message} Perbaiki dulu (masterplan validate), lalu ulangi impor: "
        f"impor menulis ulang `{m[1]}` {program.id}."
        for p in before.problems
        if p.file == program.path and (m := re.match(r"(allocations|spending)\b", p.key))
    ]


def _introduced(
    name: str, problems: list[Problem], origins: dict[str, Totals], pages: dict[str, Any]
) -> list[str]:
    """The problems the import would bring, told against the file's rows behind them."""
    said = []
    for p in problems:
        item = _LIST_ITEM.match(p.key)
        lines: list[int] = []
        written = pages.get(p.file, {}).get(item[1], []) if item else []
        if item and p.file in origins and int(item[2]) < len(written):
            line = written[int(item[2])]
            detail = "phase" if item[1] == "allocations" else "quarter"
            key = (line["year"], line["source"], line.get(detail))
            lines = origins[p.file].lines.get((item[1], key), [])
        where = f"{name}:{lines[0]}" if lines else p.where
        also = f" (baris {', '.join(map(str, lines))})" if len(lines) > 1 else ""
        said.append(f"{where}: sesudah impor, {p.file}: {p.message}{also} {p.hint}".rstrip())
    return said


def import_finance(root: Path, source: Path, *, dry_run: bool = False) -> Imported:
    """Read ``source`` into the programme pages under ``root``; nothing is written on a
    refusal (:class:`ImportRefused`), with ``dry_run``, or when nothing changes."""
    rows = read_rows(source)
    before = check(root)
    plan = _plan(before)
    mine, unmatched = _assign(source.name, rows, plan)
    pages: dict[str, bytes] = {}
    values: dict[str, dict[str, list[dict[str, Any]]]] = {}
    origins: dict[str, Totals] = {}
    refused: list[str] = []
    for program in plan.programs:
        if program.path not in mine:
            continue
        totals = _totals(mine[program.path])
        wrong = _one_kind(source.name, program, totals)
        if wrong:
            refused += wrong
            continue
        changed = _changed(program, totals)
        if not changed:
            continue
        damaged = _damaged(before, program)
        if damaged:
            refused += damaged
            continue
        values[program.path] = changed
        origins[program.path] = totals
        text = (root / program.path).read_bytes().decode("utf-8")
        pages[program.path] = rewrite(text, values[program.path]).encode("utf-8")
    if refused:
        raise ImportRefused(refused)
    if not pages:
        return Imported(changes=[], unmatched=unmatched, written=False)
    after = _after(root, pages)
    diff = compare(before, after, base_name="", head_name="")
    if diff.new_problems:
        raise ImportRefused(_introduced(source.name, diff.new_problems, origins, values))
    if not dry_run:
        _write(root, pages)
    changes = [(p, rows) for p, rows in diff.changed if p.path in pages]
    return Imported(changes=changes, unmatched=unmatched, written=not dry_run)
