"""The one way a programme's front matter is written: key order, quoting, flow or block.

Two writers produce programme pages: ``masterplan new program`` (Python) and the web form
at ``/admin/`` (JavaScript, ``admin/masterplan-cms.js``). Both follow this module, so a
page looks the same whoever wrote it and a form's pull request changes only the lines the
person changed. The JavaScript writer reads :data:`PROGRAM` from the generated
``admin/config.yml`` instead of declaring it again, and a test runs both writers on the
same values and compares the bytes.

The layout is the hand-written sample's: keys in reading order, lists of plain values and
small records on one line (``support: [a, b]``, ``- {year: 2025, amount: 1, source:
APBD}``), indicators as indented blocks, and free text (names, units, notes) always in
double quotes, so that a colon or a leading digit can never change what YAML reads.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..check.validate import next_id
from ..model import (
    Allocation,
    BudgetLine,
    Indicator,
    Masterplan,
    Opd,
    Partner,
    Program,
    RpjmdGoal,
    RpjmdMission,
    SpendingLine,
)


@dataclass(frozen=True)
class Key:
    name: str
    #: Written even when empty or default; otherwise only when it differs from the default.
    always: bool = True
    #: Free text: always double-quoted.
    prose: bool = False
    #: The layout of each item (a list of records) or of the value (a record).
    items: tuple[Key, ...] = ()


_LINE = (Key("year"), Key("amount"), Key("source"))
_SPENT = (*_LINE, Key("quarter", always=False))
_ALLOCATION = (Key("year"), Key("source"), Key("phase"), Key("amount"))

#: Programme front matter, in the order it is written.
PROGRAM: tuple[Key, ...] = (
    Key("id"),
    Key("title"),
    Key("element"),
    Key("lead"),
    Key("support"),
    Key("sub_activities", always=False),
    Key("shared_sub_activities", always=False),
    Key("partners", items=(Key("name", prose=True), Key("kind"))),
    Key("horizon"),
    Key("start_year"),
    Key("end_year"),
    Key("budget", items=_LINE),
    Key("allocations", always=False, items=_ALLOCATION),
    Key("spending", always=False, items=_SPENT),
    Key(
        "indicators",
        items=(
            Key("name", prose=True),
            Key("unit", prose=True),
            Key("baseline"),
            Key("direction", always=False),
            Key("targets"),
            Key("actuals", always=False),
            Key("definition", always=False, prose=True),
            Key("formula", always=False, prose=True),
            Key("frequency", always=False),
            Key("producer", always=False),
            Key("code", always=False, prose=True),
        ),
    ),
    Key("rpjmd"),
    Key("status"),
    Key("status_note", always=False, prose=True),
    Key("progress"),
    Key("review_by", always=False),
    Key(
        "corrections",
        always=False,
        items=(
            Key("year"),
            Key("field", prose=True),
            Key("old"),
            Key("new"),
            Key("reason", prose=True),
            Key("date"),
        ),
    ),
)

#: data/opd.yml and data/rpjmd.yml: lists of records, as the sample writes them.
OPD: tuple[Key, ...] = (Key("key"), Key("name"), Key("short"), Key("team", always=False))
RPJMD: tuple[Key, ...] = (
    Key("key"),
    Key("name", prose=True),
    Key("goals", always=False, items=(Key("key"), Key("name", prose=True))),
)

#: The dataclass each layout describes: a test checks that every schema field has its key.
def _layout_of(keys: tuple[Key, ...], name: str) -> tuple[Key, ...]:
    return next(k.items for k in keys if k.name == name)


DESCRIBES: list[tuple[type, tuple[Key, ...]]] = [
    (Program, PROGRAM),
    (Partner, _layout_of(PROGRAM, "partners")),
    (BudgetLine, _layout_of(PROGRAM, "budget")),
    (Allocation, _layout_of(PROGRAM, "allocations")),
    (SpendingLine, _layout_of(PROGRAM, "spending")),
    (Indicator, _layout_of(PROGRAM, "indicators")),
    (Opd, OPD),
    (RpjmdMission, RPJMD),
    (RpjmdGoal, RPJMD[2].items),
]

# A string YAML 1.1 reads back as the same string when written bare: starts with a letter
# (never a number, date or indicator), holds nothing that ends a plain scalar in block or
# flow context (`: `, ` #`, `,`, brackets, quotes), and is not one of YAML 1.1's words for
# booleans and null.
PLAIN = re.compile(r"[A-Za-z](?:[A-Za-z0-9 ._()/-]*[A-Za-z0-9._()/-])?")
RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
# A date (review_by, a correction's date) is written bare, as YAML reads a date; quoted it
# would be text, which the validator refuses for a date field.
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Escaped inside double quotes: what YAML does not allow raw, or a reader would not see.
ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]')
NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}


def _quoted(text: str) -> str:
    return '"' + ESCAPE.sub(lambda m: NAMED.get(m.group(), f"\\u{ord(m.group()):04x}"), text) + '"'


def _number(value: float) -> str:
    """Decimal notation, never an exponent: PyYAML reads ``1e-07`` as text, not a number."""
    if float(value).is_integer():
        return str(int(value))
    return format(Decimal(repr(float(value))), "f")


def scalar(value: Any, *, prose: bool = False) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value)
    text = value.isoformat() if isinstance(value, datetime.date) else str(value)
    if not prose and ((PLAIN.fullmatch(text) and text.lower() not in RESERVED) or DATE.fullmatch(text)):
        return text
    return _quoted(text)


def _nested(value: Any) -> bool:
    return isinstance(value, list | dict)


def _flow(value: Any, layout: tuple[Key, ...]) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    pairs = _ordered(value, layout)
    return "{" + ", ".join(f"{scalar(k)}: {scalar(v, prose=_prose(k, layout))}" for k, v in pairs) + "}"


def _prose(key: Any, layout: tuple[Key, ...]) -> bool:
    return any(k.name == key and k.prose for k in layout)


def _ordered(record: dict[Any, Any], layout: tuple[Key, ...]) -> list[tuple[Any, Any]]:
    """Declared keys in their order (optional ones only when set), then any others as given.

    A mapping without a layout (``targets``) is written by year.
    """
    if not layout:
        return sorted(record.items(), key=lambda kv: (str(type(kv[0])), kv[0]))
    known = {k.name for k in layout}
    out = [(k.name, record[k.name]) for k in layout if k.name in record and _keep(k, record[k.name])]
    return out + [(k, v) for k, v in record.items() if k not in known]


def _keep(key: Key, value: Any) -> bool:
    return key.always or value not in ("", None, [], {}, DEFAULTS.get(key.name))


def _lines(key: Any, value: Any, layout: tuple[Key, ...], prose: bool, indent: str) -> list[str]:
    head = f"{indent}{scalar(key)}:"
    if not _nested(value):
        return [f"{head} {scalar(value, prose=prose)}"]
    if not value or not any(_nested(v) for v in (value if isinstance(value, list) else value.values())):
        return [f"{head} {_flow(value, layout)}"]
    inner = indent + "  "
    if isinstance(value, dict):
        out = [head]
        for k, v in _ordered(value, layout):
            out += _lines(k, v, (), _prose(k, layout), inner)
        return out
    return [head, *_items_lines(value, layout, inner)]


def _items_lines(items: list[Any], layout: tuple[Key, ...], indent: str) -> list[str]:
    """A block list: flat items on one line each, records that hold lists as blocks."""
    out: list[str] = []
    for item in items:
        if not isinstance(item, dict) or not any(_nested(v) for v in item.values()):
            text = _flow(item, layout) if _nested(item) else scalar(item)
            out.append(f"{indent}- {text}")
            continue
        block: list[str] = []
        for k, v in _ordered(item, layout):
            block += _lines(k, v, _items(k, layout), _prose(k, layout), indent + "  ")
        block[0] = f"{indent}- {block[0][len(indent) + 2 :]}"
        out += block
    return out


def _items(key: Any, layout: tuple[Key, ...]) -> tuple[Key, ...]:
    return next((k.items for k in layout if k.name == key), ())


def dump(front: dict[str, Any], layout: tuple[Key, ...] = PROGRAM) -> str:
    """The front matter ``front`` as YAML text (without the ``---`` fences)."""
    lines: list[str] = []
    for key, value in _ordered(front, layout):
        lines += _lines(key, value, _items(key, layout), _prose(key, layout), "")
    return "".join(line + "\n" for line in lines)


def dump_list(items: list[Any], layout: tuple[Key, ...]) -> str:
    """A data file that is a list of records (data/opd.yml, data/rpjmd.yml)."""
    return "".join(line + "\n" for line in _items_lines(items, layout, ""))


def page(front: dict[str, Any], body: str) -> str:
    """A whole programme page: fenced front matter, then the narrative as written."""
    return "---\n" + dump(front) + "---\n" + body


def _defaults() -> dict[str, Any]:
    """Schema defaults of the optional keys, so "unset" means what the model means."""
    out: dict[str, Any] = {}
    for cls, keys in DESCRIBES:
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for k in keys:
            f = fields.get(k.name)
            if f is None:
                continue
            if f.default is not dataclasses.MISSING:
                out[k.name] = f.default
            elif f.default_factory is not dataclasses.MISSING:
                out[k.name] = f.default_factory()
    return out


#: Schema defaults by key: an optional key equal to its default is left out
#: (``direction: up``); the form fills an untouched key the scaffolder always writes.
DEFAULTS = _defaults()


def as_config(layout: tuple[Key, ...] = PROGRAM) -> list[dict[str, Any]]:
    """The layout as plain data, for the JavaScript writer (in the generated config)."""
    out = []
    for k in layout:
        item: dict[str, Any] = {"name": k.name, "always": k.always, "prose": k.prose}
        if k.name in DEFAULTS:
            item["default"] = DEFAULTS[k.name]
        if k.items:
            item["items"] = as_config(k.items)
        out.append(item)
    return out


#: What a new programme page's narrative starts with, whoever creates it.
BODY = """## Latar belakang

Tuliskan masalah yang dijawab program ini, dengan data bila ada.

## Tujuan

Tuliskan apa yang ingin dicapai program ini.

## Keluaran dan manfaat

- Keluaran yang dihasilkan.
- Manfaat bagi warga.
"""


def starting_values(plan: Masterplan, dimension: str) -> dict[str, object]:
    """What a new programme starts with, whoever creates it: this command or the web
    form (whose defaults come from here)."""
    period = plan.info.period
    return {
        "id": next_id(plan, dimension),
        "horizon": "short",
        "start_year": period.start,
        "end_year": min(period.start + 1, period.end),
        "status": "planned",
        "progress": 0,
    }
