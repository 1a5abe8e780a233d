"""Rules between the fields of one page, declared once for two readers.

The validator checks every page against :data:`RULES`; the web form receives the same table
(``outputs/cms.py`` puts it in ``/admin/layout.json``) and checks an entry before saving it
(``outputs/admin/rules.js``). Staff therefore read, in the form, the sentence the pull
request's check would print, with the form's field labels where the validator names YAML
keys.

A rule's ``kind`` is its check. Each kind is written twice, here (:func:`violations`) and in
``rules.js``; ``tests/test_form_rules.py`` runs both on the case files and on records made to
break each rule, and fails when they disagree, or when the validator reports a problem on a
field the form edits that neither a rule nor the form's own widget (pattern, choices, range,
required) catches.

Messages are templates: ``{value}``, ``{other_value}``, ``{list}``, ``{start}``, ``{end}``,
``{period}``, ``{as_of}``, ``{path}``, ``{next}``, ``{expected}``; ``{field}``, ``{other}``
or any field name (``{status_note}``) is a field, written `` `key` `` by the validator and
with its label by the form; ``{=status:ongoing}`` is a coded value, written
`` `ongoing` (Berjalan) `` by the validator and "Berjalan" by the form.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .. import fmt
from ..model import NOTE_REQUIRED, canonical_code, quarter_of
from ..read.schema import _text, key_name
from ..source import KeyPath

#: What a contributor text may not contain: template syntax. Pages are never rendered as
#: templates; the rule keeps them from becoming so.
TEMPLATE_MARKS = ("{{", "{%", "{#")

Kind = Literal[
    "order",
    "in-period",
    "within-years",
    "not-after-as-of",
    "note-when",
    "progress-when",
    "not-in",
    "unused-id",
    "unique",
    "whole-or-quarters",
    "quarter-not-after-as-of",
    "claimed-code",
    "closed-year",
    "no-template",
    "no-tag",
]


@dataclass(frozen=True)
class Rule:
    """One rule: where it looks (``field``, a dotted path; ``*`` is every item of a list,
    ``#`` every key of a year mapping, ``**`` every text anywhere), what it compares
    (``other``, ``values``) and what it says."""

    code: str
    kind: Kind
    field: str
    message: str
    hint: str
    other: str = ""
    values: Mapping[str, int] = dataclasses.field(default_factory=dict)
    #: "program": programme pages only; "any": every record the form or the validator reads.
    scope: str = "program"


# Order matters: a value reported by one rule is not reported again by a later one (a
# spending year outside the programme is not also "in the future").
RULES: tuple[Rule, ...] = (
    Rule(
        "year-order",
        "order",
        "end_year",
        "{other} {other_value} lebih besar daripada {field} {value}.",
        "Tukar kedua tahun, atau perbaiki salah satunya.",
        other="start_year",
    ),
    Rule(
        "year-out-of-period",
        "within-years",
        "budget.*.year",
        "{list} tahun {value} di luar tahun program {start}–{end}.",
        "Pindahkan ke tahun pelaksanaan, atau ubah {start_year} atau {end_year}.",
    ),
    Rule(
        "year-out-of-period",
        "within-years",
        "spending.*.year",
        "{list} tahun {value} di luar tahun program {start}–{end}.",
        "Catat belanja pada tahun pelaksanaan, atau ubah {start_year} atau {end_year}.",
    ),
    Rule(
        "year-out-of-period",
        "within-years",
        "allocations.*.year",
        "{list} tahun {value} di luar tahun program {start}–{end}.",
        "Catat pagu pada tahun pelaksanaan, atau ubah {start_year} atau {end_year}.",
    ),
    Rule(
        "duplicate-entry",
        "unique",
        "allocations",
        "{list} {value} sudah tertulis di butir ke-{first}.",
        "Satukan kedua butir, atau perbaiki tahun, sumber dana atau tahapnya.",
        other="year,source,phase",
    ),
    Rule(
        "duplicate-entry",
        "unique",
        "spending",
        "{list} {value} sudah tertulis di butir ke-{first}.",
        "Satukan kedua butir, atau perbaiki tahun, sumber dana atau triwulannya.",
        other="year,source,quarter",
    ),
    Rule(
        "duplicate-entry",
        "whole-or-quarters",
        "spending",
        "{list} {value} ditulis setahun penuh dan juga per triwulan (lihat butir ke-{first}).",
        "Tulis realisasi tahun itu setahun penuh saja, atau per triwulan saja: keduanya dijumlahkan.",
    ),
    Rule(
        "shared-code",
        "claimed-code",
        "sub_activities.*",
        "Kode sub-kegiatan {value} juga dipakai oleh {path}.",
        "Bila sub-kegiatan itu memang membiayai kedua program, isi {shared_sub_activities} "
        "dengan `true` di kedua halaman; bila tidak, perbaiki kodenya.",
    ),
    Rule(
        "correction-open-year",
        "closed-year",
        "corrections.*.year",
        "Koreksi untuk tahun {value}, padahal tahun itu belum ditutup.",
        "Ubah realisasinya langsung lalu hapus butir koreksi ini, atau tutup tahun itu lebih dulu "
        "(`masterplan close-year {value}`).",
    ),
    Rule(
        "year-out-of-period",
        "in-period",
        "indicators.*.targets.#",
        "Target tahun {value} di luar periode {period}.",
        "Periode rencana induk (data/plan.yml) adalah {period}.",
    ),
    Rule(
        "year-out-of-period",
        "in-period",
        "indicators.*.actuals.#",
        "Realisasi tahun {value} di luar periode {period}.",
        "Periode rencana induk (data/plan.yml) adalah {period}.",
    ),
    Rule(
        "year-in-future",
        "not-after-as-of",
        "spending.*.year",
        "{list} tahun {value} belum terjadi.",
        "Realisasi ditulis sesudah tahunnya berjalan; tanggal acuan pemantauan adalah {as_of} "
        "(data/plan.yml).",
    ),
    Rule(
        "year-in-future",
        "quarter-not-after-as-of",
        "spending.*",
        "{list} tahun {year} triwulan {value} belum dimulai.",
        "Per tanggal acuan {as_of} (data/plan.yml) yang berjalan adalah triwulan {current}; "
        "realisasi triwulan ditulis sesudah triwulannya dimulai.",
    ),
    Rule(
        "year-in-future",
        "not-after-as-of",
        "indicators.*.actuals.#",
        "Realisasi tahun {value} belum dapat diukur.",
        "Realisasi ditulis sesudah tahunnya berjalan; tanggal acuan pemantauan adalah {as_of} "
        "(data/plan.yml).",
    ),
    Rule(
        "missing-status-note",
        "note-when",
        "status",
        "Status {value} tanpa keterangan.",
        "Isi {other} dengan alasan singkatnya, mis. Lelang ulang karena penyedia mundur.",
        other="status_note",
        values={status: 1 for status in NOTE_REQUIRED},
    ),
    Rule(
        "progress-mismatch",
        "progress-when",
        "progress",
        "Status {other_value} tetapi progres {value}%.",
        "Isi {field} dengan {expected}, atau ubah {other} menjadi {=status:ongoing}.",
        other="status",
        values={"done": 100, "planned": 0},
    ),
    Rule(
        "lead-in-support",
        "not-in",
        "support.*",
        "{value} adalah OPD pengampu sekaligus pendukung.",
        "Hapus {value} dari {field}.",
        other="lead",
    ),
    Rule(
        "duplicate-id",
        "unused-id",
        "id",
        "Kode {value} sudah dipakai oleh {path}.",
        "Gunakan kode berikutnya yang belum dipakai: {next}.",
    ),
    Rule(
        "template-syntax",
        "no-template",
        "**",
        "Memuat sintaks templat (`{{`, `{%` atau `{#`).",
        "Halaman kontributor tidak dirender sebagai templat; hapus kurung kurawal ganda atau beri "
        "spasi di antaranya (`{ {`).",
        scope="any",
    ),
    Rule(
        "raw-html",
        "no-tag",
        "**",
        "{field} memuat tag HTML.",
        "Tulis teks biasa; tanda < dan > tidak diperlukan.",
        scope="any",
    ),
)


@dataclass(frozen=True)
class Context:
    """What a rule needs beyond the record: the plan's period and reference date, and the
    programme ids other pages hold (``{id: path}``) with the next free id per prefix."""

    period: tuple[int, int]
    as_of: datetime.date
    ids: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: Canonical sub-kegiatan code -> [(page, whether that page declares it shared)].
    codes: Mapping[str, list[tuple[str, bool]]] = dataclasses.field(default_factory=dict)
    next_ids: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: Years closed in data/plan.yml (``closed_years``): only they take corrections.
    closed_years: tuple[int, ...] = ()
    path: str = ""


@dataclass(frozen=True)
class Violation:
    rule: Rule
    path: KeyPath
    words: dict[str, Any]


def has_tag(text: str) -> bool:
    """Whether plain text holds something a browser could read as markup (``<a``,
    ``</``, ``<!``, ``<?``). Front-matter values are printed escaped; the rule keeps
    them plain text in every output (CSV, YAML, pull-request comments)."""
    start = text.find("<")
    while start != -1:
        following = text[start + 1 : start + 2]
        if following.isascii() and (following.isalpha() or following in "/!?"):
            return True
        start = text.find("<", start + 1)
    return False


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _at(value: Any, parts: list[str], path: KeyPath) -> Iterator[tuple[KeyPath, Any]]:
    """Every (path, value) the dotted ``parts`` reach in ``value``."""
    if not parts:
        yield path, value
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from _at(item, rest, (*path, i))
    elif head == "#":
        if isinstance(value, Mapping):
            for key in value:
                yield (*path, key), key
    elif isinstance(value, Mapping) and head in value:
        yield from _at(value[head], rest, (*path, head))


def _texts(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _texts(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, (*path, i))


def _check(rule: Rule, record: Any, ctx: Context | None) -> Iterator[Violation]:
    """One rule on one record (the page's front matter as plain data)."""
    if rule.field == "**":
        for path, text in _texts(record, ()):
            if (rule.kind == "no-template" and any(m in text for m in TEMPLATE_MARKS)) or (
                rule.kind == "no-tag" and has_tag(text)
            ):
                yield Violation(rule, path, {})
        return
    assert ctx is not None and isinstance(record, Mapping)
    if rule.kind == "unique":
        yield from _duplicates(rule, record.get(rule.field))
        return
    if rule.kind == "whole-or-quarters":
        yield from _whole_and_quarters(rule, record.get(rule.field))
        return
    start, end = record.get("start_year"), record.get("end_year")
    other = record.get(rule.other) if rule.other else None
    for path, value in _at(record, rule.field.split("."), ()):
        words = {"value": value, "other_value": other, "list": path[0]}
        bad = False
        if rule.kind == "order":
            bad = _number(value) and _number(other) and other > value
        elif rule.kind == "in-period":
            bad = _number(value) and not ctx.period[0] <= value <= ctx.period[1]
        elif rule.kind == "within-years":
            words |= {"start": start, "end": end}
            bad = (
                _number(value)
                and _number(start)
                and _number(end)
                and not (start <= value <= end and ctx.period[0] <= value <= ctx.period[1])
            )
        elif rule.kind == "not-after-as-of":
            bad = _number(value) and value > ctx.as_of.year
        elif rule.kind == "note-when":
            bad = value in rule.values and not (isinstance(other, str) and other.strip())
        elif rule.kind == "progress-when":
            expected = rule.values.get(other) if isinstance(other, str) else None
            words["expected"] = expected
            bad = expected is not None and _number(value) and value != expected
        elif rule.kind == "not-in":
            bad = isinstance(value, str) and value == other
        elif rule.kind == "quarter-not-after-as-of":
            item = value if isinstance(value, Mapping) else {}
            quarter, year = item.get("quarter"), item.get("year")
            current = quarter_of(ctx.as_of)
            words |= {"value": quarter, "year": year, "current": current}
            path = (*path, "quarter")
            bad = isinstance(quarter, int) and year == ctx.as_of.year and quarter > current
        elif rule.kind == "claimed-code":
            holders = ctx.codes.get(canonical_code(value), []) if isinstance(value, str) else []
            others = [(page, shared) for page, shared in holders if page != ctx.path]
            words["path"] = others[0][0] if others else ""
            shared = record.get("shared_sub_activities") is True and all(s for _, s in others)
            bad = bool(others) and not shared
        elif rule.kind == "closed-year":
            bad = _number(value) and value not in ctx.closed_years
        elif rule.kind == "unused-id":
            holder = ctx.ids.get(value) if isinstance(value, str) else None
            prefix = value.split("-")[0] if isinstance(value, str) else ""
            words |= {"path": holder, "next": ctx.next_ids.get(prefix, "")}
            bad = holder is not None and holder != ctx.path
        if bad:
            yield Violation(rule, path, words)


def _duplicates(rule: Rule, items: Any) -> Iterator[Violation]:
    """Items of a list that repeat an earlier one in the fields ``rule.other`` names."""
    if not isinstance(items, list):
        return
    names = rule.other.split(",")
    first: dict[tuple[Any, ...], int] = {}
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            continue
        key = tuple(item.get(name) for name in names)
        if key in first:
            shown = " ".join(str(v) for v in key if v is not None)
            words = {"value": shown, "list": rule.field, "first": first[key] + 1}
            yield Violation(rule, (rule.field, i), words)
        else:
            first[key] = i


def _whole_and_quarters(rule: Rule, items: Any) -> Iterator[Violation]:
    """Lines of a year and source written both for the whole year (no quarter) and per
    quarter: the figures would count that money twice."""
    if not isinstance(items, list):
        return
    whole: dict[tuple[Any, Any], int] = {}
    quarters: dict[tuple[Any, Any], int] = {}
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            continue
        key = (item.get("year"), item.get("source"))
        mine, theirs = (quarters, whole) if item.get("quarter") is not None else (whole, quarters)
        if key in theirs:
            shown = " ".join(str(v) for v in key if v is not None)
            words = {"value": shown, "list": rule.field, "first": theirs[key] + 1}
            yield Violation(rule, (rule.field, i), words)
        mine.setdefault(key, i)


def text_violations(record: Any) -> list[Violation]:
    """Template syntax or markup in any text of a record (front matter or data file)."""
    return [v for rule in RULES if rule.field == "**" for v in _check(rule, record, None)]


def violations(
    record: Mapping[str, Any], ctx: Context, *, program: bool, skip: frozenset[str] = frozenset()
) -> list[Violation]:
    """Every rule's violations in ``record``; ``skip`` names top-level fields whose value
    is wrong (their own problem is reported; rules do not guess at them)."""
    out: list[Violation] = []
    seen: set[KeyPath] = set()
    for rule in RULES:
        if rule.scope == "program" and not program:
            continue
        names = {
            rule.field.split(".")[0],
            rule.other,
            *(("start_year", "end_year") if rule.kind == "within-years" else ()),
        }
        if skip & names:
            continue
        for v in _check(rule, record, ctx):
            if v.path not in seen or rule.field == "**":
                seen.add(v.path)
                out.append(v)
    return out


PLACEHOLDER = re.compile(r"\{(=?)([a-z_]+)(?::([a-z-]+))?\}")


def words(template: str, v: Violation, ctx: Context | None = None) -> str:
    """A rule's message or hint as the validator prints it: fields as `` `key` ``, coded
    values as `` `delayed` (Tertunda) ``."""

    def value(name: str, raw: Any) -> str:
        label = fmt.LABELS.get(raw) if name in ("status", "horizon", "direction") else None
        return f"`{_text(raw)}` ({label})" if label else f"`{_text(raw)}`"

    field_name = v.rule.field.split(".")[0]
    known: dict[str, str] = {
        "field": f"`{key_name(v.path)}`" if v.rule.field == "**" else f"`{v.rule.field.split('.')[0]}`",
        "other": f"`{v.rule.other}`",
        "value": value(field_name, v.words.get("value")),
        "other_value": value(v.rule.other, v.words.get("other_value")),
        "list": fmt.FIELDS.get(str(v.words.get("list")), ""),
    }
    if ctx is not None:
        known |= {"period": f"{ctx.period[0]}–{ctx.period[1]}", "as_of": ctx.as_of.isoformat()}
    for name in ("start", "end", "path", "next", "expected", "first", "year", "current"):
        known[name] = _text(v.words.get(name, ""))
    unquoted = ("in-period", "within-years", "not-after-as-of", "progress-when", "order", "unique")
    if v.rule.kind in (*unquoted, "whole-or-quarters", "quarter-not-after-as-of"):
        known["value"] = _text(v.words.get("value"))  # years and percentages, unquoted
    if v.rule.kind == "order":
        known["other_value"] = _text(v.words.get("other_value"))

    def fill(m: re.Match[str]) -> str:
        coded, name, code = m.groups()
        if coded:
            return value(name, code)
        return known.get(name, f"`{name}`")

    return PLACEHOLDER.sub(fill, template)


def table() -> list[dict[str, Any]]:
    """The rules as plain data, for the form."""
    return [
        {
            "code": r.code,
            "kind": r.kind,
            "field": r.field,
            "other": r.other,
            "values": dict(r.values),
            "scope": r.scope,
            "message": r.message,
            "hint": r.hint,
        }
        for r in RULES
    ]
