"""Checking raw YAML against the model's dataclasses, and describing their fields.

The dataclasses in :mod:`masterplan.model` are the schema. :func:`build` walks their
annotations to turn parsed YAML into typed objects, collecting a :class:`Problem` for
every mismatch instead of stopping at the first; :func:`describe` lists the fields for
the contributor guide and later for JSON Schema.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import math
import re
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

from .. import fmt
from ..model import NUMBER_LIMIT, NUMBER_SMALLEST
from ..problems import Problem, choice_hint
from ..source import KeyPath, Yaml

T = TypeVar("T")

#: Keys that would make mkdocs-macros render a contributor page as a template.
TEMPLATE_KEYS = ("render_macros", "ignore_macros")


@dataclass
class Context:
    """Where the values being checked come from, and where problems go."""

    file: str
    doc: Yaml
    problems: list[Problem]

    def report(self, code: str, path: KeyPath, message: str, hint: str) -> None:
        self.problems.append(
            Problem(
                file=self.file,
                line=self.doc.line(path),
                code=code,
                key=key_name(path),
                message=message,
                hint=hint,
            )
        )


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def key_name(path: KeyPath) -> str:
    """``("budget", 1, "amount")`` -> ``budget[1].amount``."""
    out = ""
    for part in path:
        # Year keys of `targets` are ints too, but they follow a name: targets[2025].
        out += f"[{_text(part)}]" if isinstance(part, int) else ("." if out else "") + _text(part)
    return out


def _text(value: Any) -> str:
    """``str(value)``, except for an integer too long to print (YAML reads
    ``0xfff…`` of any length, and ``str()`` refuses more than 4,300 digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        digits = int(math.log10(abs(value))) + 1
        return f"(angka {'negatif ' if value < 0 else ''}dengan ±{digits:,} digit)".replace(",", ".")
    return str(value)


def schema_fields(cls: type) -> list[dataclasses.Field[Any]]:
    """The fields contributors write (not the ones the loader derives)."""
    return list(_schema_fields(cls))


@functools.cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in _schema_fields(cls))


@functools.cache
def _schema_fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return tuple(f for f in dataclasses.fields(cls) if not f.metadata.get("derived"))


def is_required(f: dataclasses.Field[Any]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def optional(tp: Any) -> Any:
    """``X | None`` -> ``X``: an optional field is checked as its type when it is written."""
    args = get_args(tp)
    if isinstance(tp, types.UnionType) or get_origin(tp) is typing.Union:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return tp


def type_label(tp: Any) -> str:
    """Indonesian name of a type, for messages and the guide."""
    tp = optional(tp)
    origin = get_origin(tp)
    if origin is Literal:
        return "salah satu dari " + ", ".join(str(a) for a in get_args(tp))
    if origin is list:
        return "daftar " + type_label(get_args(tp)[0])
    if origin is dict:
        return "pemetaan tahun ke angka" if get_args(tp)[0] is int else "pemetaan kunci ke angka"
    if dataclasses.is_dataclass(tp):
        return "isian bersarang"
    return {
        str: "teks",
        int: "bilangan bulat",
        float: "angka",
        bool: "true/false",
        datetime.date: "tanggal TTTT-BB-HH",
    }.get(tp, str(tp))


def _report_duplicates(ctx: Context, path: KeyPath) -> None:
    """Keys written twice anywhere below ``path`` (in this object, its lists and mappings
    such as ``actuals``): YAML keeps the later value and drops the first without a word,
    so each is a problem naming both lines. Nested objects are built after their parent
    has reported them: each is reported once."""
    for at, line, first in ctx.doc.duplicates:
        if at[: len(path)] != path:
            continue
        problem = Problem(
            file=ctx.file,
            line=line,
            code="duplicate-key",
            key=key_name(at),
            message=f"Kunci `{_text(at[-1])}` ditulis dua kali, di baris {first} dan {line}; "
            f"YAML hanya membaca yang terakhir, nilai di baris {first} hilang.",
            hint="Hapus salah satunya, atau gabungkan nilainya.",
        )
        if problem not in ctx.problems:
            ctx.problems.append(problem)


def build(
    cls: type[T], raw: Any, ctx: Context, path: KeyPath = (), *, invalid: set[str] | None = None
) -> T | None:
    """Turn ``raw`` into an instance of dataclass ``cls``; ``None`` if it cannot be.

    With ``invalid`` given, an object is built even when required fields are missing or
    wrong (they are ``None`` then) and their names are added to ``invalid``: the caller
    can still check the fields that are right, so staff see every problem at once.
    """
    if not isinstance(raw, dict):
        ctx.report(
            "bad-type",
            path,
            f"Diharapkan isian bersarang (kunci: nilai), tertulis {_shown(raw)}.",
            "Tulis setiap isian pada barisnya sendiri sebagai `kunci: nilai`.",
        )
        return None
    _report_duplicates(ctx, path)
    fields = _schema_fields(typing.cast(type, cls))
    names = _names(typing.cast(type, cls))  # in field order, for the hint
    hints = _hints(typing.cast(type, cls))
    values: dict[str, Any] = {}
    ok = True
    for key in raw:
        if key in names:
            continue
        if key in TEMPLATE_KEYS:
            ctx.report(
                "template-syntax",
                path + (key,),
                f"`{key}` tidak diizinkan: halaman kontributor tidak pernah dirender sebagai templat.",
                f"Hapus baris `{key}`.",
            )
        else:
            ctx.report(
                "unknown-key",
                path + (key,),
                f"Isian `{_text(key)}` tidak dikenal.",
                choice_hint(_text(key), names, source="isian yang sah"),
            )
    for f in fields:
        value = raw.get(f.name)
        if value is None or value == "":
            if is_required(f):
                ctx.report(
                    "missing-field",
                    path + (f.name,) if f.name in raw else path,
                    f"Isian wajib `{f.name}` tidak ada atau kosong.",
                    f"Tambahkan `{f.name}: …` ({type_label(hints[f.name])}): {f.metadata['doc']}",
                )
                ok = False
                if invalid is not None:
                    invalid.add(f.name)
                    values[f.name] = None
            continue
        converted = _convert(hints[f.name], value, ctx, path + (f.name,), f.metadata)
        if converted is not _INVALID:
            values[f.name] = converted
            continue
        if invalid is not None:
            invalid.add(f.name)
        if is_required(f):
            ok = False
            values[f.name] = None
        # An invalid optional field falls back to its default (already reported), so the
        # cross-file rules still run on the rest of the page: every problem at once.
    for f in fields:
        if _out_of_order(f, values, ctx, path):
            if invalid is not None:
                invalid.add(f.name)
            if is_required(f):
                ok = False
                values[f.name] = None
            else:
                del values[f.name]
    if not ok and invalid is None:
        return None
    return cls(**values)


def _out_of_order(f: dataclasses.Field[Any], values: dict[str, Any], ctx: Context, path: KeyPath) -> bool:
    """Report a year field that precedes the sibling it may not precede (``not_before``)."""
    other = f.metadata.get("not_before")
    value, before = values.get(f.name), values.get(other) if other else None
    if other is None or value is None or before is None or value >= before:
        return False
    first, second = key_name(path + (other,)), key_name(path + (f.name,))
    ctx.report(
        "year-order",
        path + (f.name,),
        f"`{first}` {before} lebih besar daripada `{second}` {value}.",
        "Tukar kedua tahun, atau perbaiki salah satunya.",
    )
    return True


class _Invalid:
    pass


_INVALID: Any = _Invalid()


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "isian bersarang"
    if isinstance(value, list):
        return "daftar"
    # A newline or other control character would break the message (and a CI annotation).
    text = re.sub(r"[\x00-\x1f\x7f]", lambda m: repr(m.group())[1:-1], _text(value))
    return f'"{text[:40]}…"' if len(text) > 40 else f'"{text}"'


@functools.cache
def _shape(tp: Any) -> tuple[Any, Any, tuple[Any, ...], bool]:
    """A field type without its ``| None``, its origin, its arguments and whether it is a
    dataclass: the same for every value of the field, and asked for each of them."""
    tp = optional(tp)
    return tp, get_origin(tp), get_args(tp), dataclasses.is_dataclass(tp)


def _convert(tp: Any, value: Any, ctx: Context, path: KeyPath, meta: typing.Mapping[str, Any]) -> Any:
    tp, origin, args, is_dataclass = _shape(tp)
    if is_dataclass:
        built = build(typing.cast(type, tp), value, ctx, path)
        return _INVALID if built is None else built
    if origin is list:
        (item_tp,) = args
        if not isinstance(value, list):
            example = (
                f"`{path[-1]}: [{_text(value)[:40]}]`" if not isinstance(value, dict) else "daftar `- …`"
            )
            ctx.report(
                "bad-type",
                path,
                f"`{key_name(path)}` harus berupa daftar, tertulis {_shown(value)}.",
                f"Tulis sebagai daftar, mis. {example}.",
            )
            return _INVALID
        # A list of codes checks each code's form (the field's pattern, its first example).
        examples = meta.get("example")
        first = examples[0] if isinstance(examples, list) else None
        item_meta = {"pattern": meta.get("pattern"), "example": first}
        items = [_convert(item_tp, item, ctx, path + (i,), item_meta) for i, item in enumerate(value)]
        return _INVALID if any(i is _INVALID for i in items) else items
    if origin is dict:
        key_tp, value_tp = args
        if not isinstance(value, dict):
            ctx.report(
                "bad-type",
                path,
                f"`{key_name(path)}` harus berupa pemetaan {'tahun' if key_tp is int else 'kunci'}: nilai, "
                f"tertulis {_shown(value)}.",
                "Tulis mis. `{2025: 20, 2026: 60}`." if key_tp is int else "Tulis mis. `{living: 2.5}`.",
            )
            return _INVALID
        out: dict[Any, Any] = {}
        for k, v in value.items():
            ck = _convert(key_tp, k, ctx, path + (k,), {})
            # The field's bounds are those of each value; the year keys have their own.
            cv = _convert(value_tp, v, ctx, path + (k,), meta)
            out[ck] = cv
        # Every entry is checked before giving up, so staff see every problem at once.
        return _INVALID if _INVALID in out or _INVALID in out.values() else out
    if origin is Literal:
        allowed = [str(a) for a in args]
        if not isinstance(value, str) or value not in allowed:
            ctx.report(
                "bad-value",
                path,
                f"Nilai {_shown(value)} tidak diizinkan untuk `{key_name(path)}`.",
                choice_hint(_text(value), allowed, labels=fmt.LABELS),
            )
            return _INVALID
        return value
    return _scalar(tp, value, ctx, path, meta)


def _scalar(tp: Any, value: Any, ctx: Context, path: KeyPath, meta: typing.Mapping[str, Any]) -> Any:
    # bool is a subclass of int, and YAML reads `yes`/`no`/`on` as booleans: check it first.
    if isinstance(value, bool) and tp is not bool:
        ctx.report(
            "bad-type",
            path,
            f"`{key_name(path)}` bernilai true/false, padahal diharapkan {type_label(tp)}.",
            'YAML membaca yes/no/on/off sebagai true/false; beri tanda kutip, mis. "on".',
        )
        return _INVALID
    if tp is str:
        if isinstance(value, int | float):
            try:
                return str(value)
            except ValueError:  # an int of over 4,300 digits, which YAML reads from 0xfff…
                ctx.report(
                    "bad-value",
                    path,
                    f"`{key_name(path)}` berisi {_text(value)}, bukan teks.",
                    "Beri tanda kutip bila nilainya memang teks.",
                )
                return _INVALID
        if isinstance(value, datetime.date):
            return value.isoformat()
        if not isinstance(value, str):
            ctx.report(
                "bad-type",
                path,
                f"`{key_name(path)}` harus berupa teks, tertulis {_shown(value)}.",
                "Tulis teksnya pada baris yang sama, diapit tanda kutip bila memuat `:` atau `#`.",
            )
            return _INVALID
        pattern = meta.get("pattern")
        # fullmatch: with re.match, `$` also matches before a final newline ("dishub\n").
        if pattern and not re.fullmatch(pattern, value):
            ctx.report(
                "bad-id" if key_name(path) == "id" else "bad-value",
                path,
                f"Nilai {_shown(value)} untuk `{key_name(path)}` tidak berbentuk yang diharapkan.",
                pattern_hint(meta.get("example"), pattern),
            )
            return _INVALID
        return value
    if tp is int or tp is float:
        return _number(tp, value, ctx, path, meta)
    if tp is bool:
        if not isinstance(value, bool):
            ctx.report(
                "bad-type",
                path,
                f"`{key_name(path)}` harus true atau false, tertulis {_shown(value)}.",
                "Tulis `true` atau `false` tanpa tanda kutip.",
            )
            return _INVALID
        return value
    if tp is datetime.date:
        # datetime is a subclass of date, so normalise it rather than reject it.
        if isinstance(value, datetime.datetime):
            return value.date()
        if not isinstance(value, datetime.date):
            ctx.report(
                "bad-type",
                path,
                f"`{key_name(path)}` harus tanggal, tertulis {_shown(value)}.",
                "Tulis tanggal sebagai TTTT-BB-HH tanpa tanda kutip, mis. 2024-06-24.",
            )
            return _INVALID
        return value
    raise TypeError(f"schema type not supported: {tp!r}")  # a bug in model.py, not input


def pattern_hint(example: object, pattern: str) -> str:
    """How to write a value of a fixed form (an id, a key), in the words the validator and
    the web form both use: an example, never the regular expression staff cannot read."""
    if example:
        return f'Contoh bentuk yang benar: "{example}".'
    return f"Tulis dengan bentuk yang sama seperti isian lain yang sejenis (pola {pattern})."


def bounds(meta: typing.Mapping[str, Any]) -> tuple[int, int]:
    """The range a number field accepts: its own bounds, else the plan-wide limit."""
    low, high = meta.get("minimum"), meta.get("maximum")
    return (-NUMBER_LIMIT if low is None else low, NUMBER_LIMIT if high is None else high)


def _number(tp: Any, value: Any, ctx: Context, path: KeyPath, meta: typing.Mapping[str, Any]) -> Any:
    low, high = bounds(meta)
    span = f"{_grouped(low)} sampai {_grouped(high)}"
    written = None if isinstance(value, int | float) else _read_number(value)
    number = value if isinstance(value, int | float) else written
    # NaN compares false with everything, so test "inside" rather than "outside" the range;
    # an int is never NaN (and math.isfinite would overflow converting a huge one).
    finite = isinstance(number, int) or (number is not None and math.isfinite(number))
    if number is not None and not (finite and low <= number <= high):
        ctx.report(
            "bad-value",
            path,
            f"`{key_name(path)}` bernilai {_text(value) if finite and value is number else _shown(value)}, "
            f"harus angka {span}.",
            f"Isi angka {span}"
            + (
                "; `.nan` dan `.inf` bukan angka."
                if not finite
                else ", periksa jumlah angka nolnya."
                if abs(number) > 10 * max(abs(high), abs(low), 1)
                else "."
            ),
        )
        return _INVALID
    if isinstance(number, float) and number != 0 and abs(number) < NUMBER_SMALLEST:
        ctx.report(
            "bad-value",
            path,
            f"`{key_name(path)}` bernilai {_text(value)}, terlalu kecil: angka selain nol paling "
            f"kecil {NUMBER_SMALLEST:.6f}".replace(".", ",") + ".",
            "Tulis 0, atau angka dengan paling banyak enam angka di belakang koma.",
        )
        return _INVALID
    if isinstance(value, float) and tp is int:
        ctx.report(
            "bad-type",
            path,
            f"`{key_name(path)}` harus bilangan bulat, tertulis {value}.",
            "Hapus angka di belakang koma.",
        )
        return _INVALID
    if not isinstance(value, int | float):
        if written is not None and written.is_integer():
            digits = str(int(written))  # "1e3" means 1000, not 13
        else:
            digits = re.sub(r"[^0-9]", "", value) if isinstance(value, str) else ""
        hint = (
            f"Tulis angka tanpa tanda kutip dan tanpa titik pemisah, mis. `{digits}`."
            if digits
            else "Tulis sebuah angka."
        )
        message = f"`{key_name(path)}` harus berupa angka, tertulis {_shown(value)}."
        ctx.report("bad-type", path, message, hint)
        return _INVALID
    return value


def _read_number(value: Any) -> float | None:
    """A number written as text (``"1e30"``, ``"nan"``: YAML 1.1 reads them as strings)."""
    if not isinstance(value, str) or len(value) > 100:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _grouped(n: int) -> str:
    """``1000000000000000`` -> ``1.000.000.000.000.000``; years stay ``2100``."""
    return f"{n:,}".replace(",", ".") if abs(n) >= 100_000 else str(n)


@dataclass(frozen=True)
class FieldDoc:
    """A schema field as the contributor guide shows it."""

    name: str
    type: str
    required: bool
    doc: str
    example: Any


def describe(cls: type) -> list[FieldDoc]:
    """The contributor-facing fields of a dataclass, for the guide and JSON Schema."""
    hints = _hints(cls)
    return [
        FieldDoc(
            name=f.name,
            type=type_label(hints[f.name]),
            required=is_required(f),
            doc=str(f.metadata["doc"]),
            example=f.metadata.get("example"),
        )
        for f in schema_fields(cls)
    ]


def json_schema(tp: Any, *, title: str = "") -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a schema type, for editors that check YAML as you type."""
    out = _json(tp)
    if title:
        out = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **out}
    return out


def _json(tp: Any, meta: typing.Mapping[str, Any] | None = None) -> dict[str, Any]:
    meta = meta or {}
    tp = optional(tp)
    origin = get_origin(tp)
    out: dict[str, Any]
    if dataclasses.is_dataclass(tp):
        cls = typing.cast(type, tp)
        hints = _hints(cls)
        fields = schema_fields(cls)
        out = {
            "type": "object",
            "properties": {f.name: _json(hints[f.name], f.metadata) for f in fields},
            "required": [f.name for f in fields if is_required(f)],
            "additionalProperties": False,
        }
    elif origin is list:
        item = {"pattern": meta["pattern"]} if meta.get("pattern") else {}
        out = {"type": "array", "items": _json(get_args(tp)[0], item)}
    elif origin is dict:
        out = {
            "type": "object",
            "propertyNames": {"pattern": "^[0-9]{4}$" if get_args(tp)[0] is int else "^[a-z0-9-]+$"},
            # The field's bounds are those of each value, as in build().
            "additionalProperties": _json(get_args(tp)[1], {k: meta.get(k) for k in ("minimum", "maximum")}),
        }
    elif origin is Literal:
        out = {"enum": list(get_args(tp))}
    elif tp is datetime.date:
        out = {"type": "string", "format": "date"}
    else:
        out = {"type": {str: "string", int: "integer", float: "number", bool: "boolean"}[tp]}
    if meta.get("doc"):
        out["description"] = meta["doc"]
    if meta.get("pattern") is not None and origin is not list:
        out["pattern"] = meta["pattern"]
    if tp is int or tp is float:
        out["minimum"], out["maximum"] = bounds(meta)
    return out
