"""Tables as an Excel workbook (XLSX), the format Bappeda and BPKAD open: one table
(:func:`workbook`, the open data) or several, one sheet each (:func:`workbook_of`, the
evaluation pack).

Numbers are written as numbers, true/false as booleans and everything else as text
(inline strings): a cell is never a formula, whatever its text starts with, and nothing
is read back the way a CSV is guessed at (``1.500`` stays a number, ``007`` stays text).
The file is the same bytes for the same tables (fixed dates in the archive), so a data
package rebuilt from the same plan is identical.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

#: What XML 1.0 cannot hold: replaced by U+FFFD (the validator reports control characters
#: in contributor text; a workbook must still open).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}"
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{number}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PACKAGE_RELS}">'
    "{sheets}"
    f'<Relationship Id="rId{{styles}}" Type="{_RELS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_SHEET_REL = (
    f'<Relationship Id="rId{{number}}" Type="{_RELS}/worksheet" Target="worksheets/sheet{{number}}.xml"/>'
)
#: One font, no fill or border: the least a workbook needs for Excel to open it silently.
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


@dataclass(frozen=True)
class Sheet:
    """One sheet: a bold header row of ``columns``, then ``rows`` (a row's values by column
    name; a missing or empty value is an empty cell). ``widths`` are optional column widths
    in characters, for sheets of long text a reader should not have to widen by hand."""

    name: str
    columns: Sequence[str]
    rows: Sequence[Mapping[str, object]]
    widths: Sequence[float] = ()


def workbook(sheet: str, columns: Sequence[str], rows: Sequence[Mapping[str, object]]) -> bytes:
    """One sheet named ``sheet``: a bold header row of ``columns``, then ``rows``."""
    return workbook_of([Sheet(sheet, columns, rows)])


def workbook_of(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of ``sheets``, in order. Their names are made valid and unique as Excel
    requires (see :func:`_sheet_names`)."""
    names = _sheet_names([s.name for s in sheets])
    listed = "".join(
        f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(names, start=1)
    )
    workbook_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>{listed}</sheets></workbook>'
    )
    numbers = range(1, len(sheets) + 1)
    types = "".join(_SHEET_TYPE.format(number=n) for n in numbers)
    rels = "".join(_SHEET_REL.format(number=n) for n in numbers)
    parts = [
        ("[Content_Types].xml", _CONTENT_TYPES.format(sheets=types)),
        ("_rels/.rels", _ROOT_RELS),
        ("xl/workbook.xml", workbook_xml),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(sheets=rels, styles=len(sheets) + 1)),
        ("xl/styles.xml", _STYLES),
        *((f"xl/worksheets/sheet{n}.xml", _sheet_xml(s)) for n, s in zip(numbers, sheets, strict=True)),
    ]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return out.getvalue()


def _sheet_xml(sheet: Sheet) -> str:
    lines = [_row(1, [_text(name, bold=True) for name in sheet.columns])]
    for number, row in enumerate(sheet.rows, start=2):
        lines.append(_row(number, [_cell(row.get(name)) for name in sheet.columns]))
    last = _column(len(sheet.columns) - 1) + str(len(sheet.rows) + 1)
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{width!r}" customWidth="1"/>'
        for i, width in enumerate(sheet.widths, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_MAIN}"><dimension ref="A1:{last}"/>'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + f"<sheetData>{''.join(lines)}</sheetData></worksheet>"
    )


def _row(number: int, cells: list[str]) -> str:
    return f'<row r="{number}">' + "".join(
        cell.replace("<c ", f'<c r="{_column(i)}{number}" ', 1) for i, cell in enumerate(cells)
    ) + "</row>"


def _cell(value: object) -> str:
    if value is None or value == "":
        return "<c />"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f"<c><v>{value!r}</v></c>"
    return _text(str(value))


def _text(value: str, *, bold: bool = False) -> str:
    style = ' s="1"' if bold else ""
    shown = escape(_NOT_XML.sub("\ufffd", value))
    return f'<c t="inlineStr"{style}><is><t xml:space="preserve">{shown}</t></is></c>'


def _column(index: int) -> str:
    """``0`` -> ``A``, ``26`` -> ``AA``."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _sheet_name(name: str) -> str:
    """Excel's rules: at most 31 characters, none of ``[]:*?/\\``, no apostrophe first or
    last (Excel refuses such a name and repairs the file)."""
    return re.sub(r"[\[\]:*?/\\]", "-", _NOT_XML.sub("-", name))[:31].strip("'") or "data"


def _sheet_names(names: Sequence[str]) -> list[str]:
    """Valid names, unique regardless of case as Excel compares them: a repeated one gets
    `` (2)``, `` (3)``… within the 31 characters."""
    out: list[str] = []
    taken: set[str] = set()
    for name in names:
        shown, n = _sheet_name(name), 1
        while shown.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            shown = _sheet_name(name)[: 31 - len(suffix)] + suffix
        taken.add(shown.casefold())
        out.append(shown)
    return out
