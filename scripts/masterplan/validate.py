"""Rules between files, and rules on the Markdown that contributors write.

:func:`check` is the one entry point the CLI and the build share: it loads the plan
and returns every problem, sorted by file and line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .loader import PLAN_FILE, load_plan
from .model import PREFIXES, DimensionPage, Masterplan, Program
from .problems import Problem, choice_hint
from .schema import key_name
from .source import KeyPath

TEMPLATE = re.compile(r"\{\{|\{%|\{#")
# Anything Python-Markdown would pass through as HTML: a tag, a comment, a processing
# instruction or declaration, or a tag name whose attributes continue on the next line.
HTML_TAG = re.compile(r"<(/?[A-Za-z][^<>]*)>|<!--|<\?|<![A-Za-z]|<[A-Za-z][A-Za-z0-9-]*(?:\s|$)")
# What Markdown itself turns into a safe link: <https://…>, <mailto:…>, <name@host>.
AUTOLINK = re.compile(r"(?:https?://|mailto:)[^\s<>]*|[^\s<>@:/]+@[^\s<>@]+")
LINK = re.compile(r"(!?)\[[^\]]*\]\(\s*<?([^\s)>]*)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)*?\1")
FENCE = re.compile(r"^\s{0,3}(```|~~~)")
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
#: Problems that make a narrative unsafe to render as Markdown: it is shown as text.
UNSAFE = {"raw-html", "template-syntax", "unsafe-link"}


@dataclass
class Report:
    """What :func:`check` found."""

    plan: Masterplan | None
    problems: list[Problem]
    files: int

    @property
    def ok(self) -> bool:
        return not self.problems


def check(root: Path) -> Report:
    """Load the plan under ``root`` and run every rule on it."""
    loaded = load_plan(root)
    problems = list(loaded.problems)
    if loaded.plan is not None:
        problems += validate(loaded.plan, loaded.partial)
    # One problem can be reached twice (e.g. a duplicate key seen at two depths).
    unique = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.code, p.key))
    return Report(plan=loaded.plan, problems=unique, files=loaded.files)


def validate(plan: Masterplan, partial: Iterable[Program] = ()) -> list[Problem]:
    """Cross-file rules: references to OPDs, elements, RPJMD, years and ids.

    ``partial`` programmes have a wrong required field; their other fields are checked.
    """
    problems: list[Problem] = []
    seen_ids: dict[str, Program] = {}
    for program in [*plan.programs, *partial]:
        problems += _check_program(plan, program)
        if "id" in program.invalid:
            continue
        first = seen_ids.setdefault(program.id, program)
        if first is not program:
            problems.append(
                _at(
                    program,
                    ("id",),
                    "duplicate-id",
                    f"Kode `{program.id}` sudah dipakai oleh `{first.path}`.",
                    f"Gunakan kode berikutnya yang belum dipakai: `{next_id(plan, program.dimension)}`.",
                )
            )
    for page in plan.pages.values():
        problems += _check_content(page)
    return problems


def next_id(plan: Masterplan, dimension: str) -> str:
    """The next free programme id of a dimension, e.g. ``LIV-07``."""
    prefix = PREFIXES[dimension]
    numbers = [int(p.id.split("-")[1]) for p in plan.programs if p.id.startswith(prefix + "-")]
    return f"{prefix}-{max(numbers, default=0) + 1:02d}"


def _at(item: Program | DimensionPage, path: KeyPath, code: str, message: str, hint: str = "") -> Problem:
    line = item.meta.line(path) if item.meta else None
    return Problem(file=item.path, line=line, code=code, key=key_name(path), message=message, hint=hint)


def _check_program(plan: Masterplan, p: Program) -> list[Problem]:
    out: list[Problem] = []

    def valid(*names: str) -> bool:
        return not p.invalid.intersection(names)

    dimension = plan.dimension(p.dimension)
    prefix = PREFIXES[p.dimension]
    if valid("id") and p.id.split("-")[0] != prefix:
        moved = next((k for k, v in PREFIXES.items() if v == p.id.split("-")[0]), None)
        hint = f"Gunakan prefiks `{prefix}` (mis. `{next_id(plan, p.dimension)}`)"
        hint += f", atau pindahkan berkas ke `docs/program/{moved}/`." if moved else "."
        out.append(
            _at(
                p,
                ("id",),
                "id-prefix-mismatch",
                f"Kode `{p.id}` tidak diawali `{prefix}-`, prefiks dimensi `{p.dimension}`.",
                hint,
            )
        )
    if dimension is not None and valid("element"):
        own = [e.key for e in dimension.elements]
        if p.element not in own:
            elsewhere = next((d for d in plan.dimensions for e in d.elements if e.key == p.element), None)
            where = f" Elemen itu milik dimensi `{elsewhere.key}`." if elsewhere else ""
            out.append(
                _at(
                    p,
                    ("element",),
                    "element-not-in-dimension",
                    f"Elemen `{p.element}` bukan elemen dimensi `{p.dimension}`.{where}",
                    choice_hint(p.element, own, source=f"elemen {dimension.name_en}"),
                )
            )
    opd_keys = [o.key for o in plan.opds]
    refs: list[tuple[KeyPath, str]] = [(("lead",), p.lead)] if valid("lead") else []
    refs += [(("support", i), key) for i, key in enumerate(p.support) if valid("support")]
    for path, key in refs:
        if key not in opd_keys:
            out.append(
                _at(
                    p,
                    path,
                    "unknown-opd",
                    f"OPD `{key}` tidak ada di data/opd.yml.",
                    choice_hint(key, opd_keys, source="data/opd.yml"),
                )
            )
    if valid("lead", "support") and p.lead in p.support:
        out.append(
            _at(
                p,
                ("support", p.support.index(p.lead)),
                "lead-in-support",
                f"`{p.lead}` adalah OPD pengampu sekaligus pendukung.",
                f"Hapus `{p.lead}` dari `support`.",
            )
        )
    rpjmd_keys = plan.rpjmd_keys
    for i, key in enumerate(p.rpjmd):
        if valid("rpjmd") and key not in rpjmd_keys:
            out.append(
                _at(
                    p,
                    ("rpjmd", i),
                    "unknown-rpjmd",
                    f"Kunci RPJMD `{key}` tidak ada di data/rpjmd.yml.",
                    choice_hint(key, rpjmd_keys, source="data/rpjmd.yml"),
                )
            )
    out += _check_years(plan, p)
    expected = {"done": 100, "planned": 0}.get(p.status) if valid("status", "progress") else None
    if expected is not None and p.progress != expected:
        label = {"done": "selesai", "planned": "direncanakan"}[p.status]
        out.append(
            _at(
                p,
                ("progress",),
                "progress-mismatch",
                f"Status `{p.status}` ({label}) tetapi progres {p.progress}%.",
                f"Isi `progress: {expected}`, atau ubah status menjadi `ongoing`.",
            )
        )
    out += _check_content(p)
    return out


def _check_years(plan: Masterplan, p: Program) -> list[Problem]:
    out: list[Problem] = []
    period = plan.info.period
    span = f"{period.start}–{period.end}"
    hint = f"Periode rencana induk ({PLAN_FILE}) adalah {span}."
    for key in ("start_year", "end_year"):
        year = getattr(p, key)
        if key not in p.invalid and not period.start <= year <= period.end:
            out.append(_at(p, (key,), "year-out-of-period", f"`{key}` {year} di luar periode {span}.", hint))
    if p.invalid & {"start_year", "end_year"}:
        return out  # budget years are checked against the programme's years
    if p.start_year > p.end_year:
        out.append(
            _at(
                p,
                ("end_year",),
                "year-order",
                f"`start_year` {p.start_year} lebih besar daripada `end_year` {p.end_year}.",
                "Tukar kedua tahun, atau perbaiki salah satunya.",
            )
        )
    for i, line in enumerate(p.budget):
        if not p.start_year <= line.year <= p.end_year or not period.start <= line.year <= period.end:
            out.append(
                _at(
                    p,
                    ("budget", i, "year"),
                    "year-out-of-period",
                    f"Anggaran tahun {line.year} di luar tahun program {p.start_year}–{p.end_year}.",
                    "Pindahkan anggaran ke tahun pelaksanaan, atau ubah `start_year`/`end_year`.",
                )
            )
    for i, indicator in enumerate(p.indicators):
        for year in indicator.targets:
            if not period.start <= year <= period.end:
                out.append(
                    _at(
                        p,
                        ("indicators", i, "targets", year),
                        "year-out-of-period",
                        f"Target tahun {year} di luar periode {span}.",
                        hint,
                    )
                )
    return out


def _check_content(item: Program | DimensionPage) -> list[Problem]:
    """Template syntax, raw HTML and unsafe links in a contributor page."""
    out: list[Problem] = []
    if item.meta is not None:
        for path, text in _strings(item.meta.data, ()):
            if TEMPLATE.search(text):
                out.append(_template_problem(item.path, item.meta.line(path), key_name(path)))
            if _html(text):
                out.append(
                    Problem(
                        file=item.path,
                        line=item.meta.line(path),
                        code="raw-html",
                        key=key_name(path),
                        message=f"`{key_name(path)}` memuat tag HTML.",
                        hint="Tulis teks biasa; tanda < dan > tidak diperlukan.",
                    )
                )
    for number, line, in_code in _body_lines(item):
        if TEMPLATE.search(line):
            out.append(_template_problem(item.path, number, ""))
        if in_code:
            continue
        prose = CODE_SPAN.sub("", line)
        tag = _html(prose)
        if tag is not None:
            scheme = SCHEME.match(tag)
            if scheme:
                out.append(_link_problem(item.path, number, tag))
            else:
                out.append(
                    Problem(
                        file=item.path,
                        line=number,
                        code="raw-html",
                        key="",
                        message=f"Narasi memuat HTML mentah: `{_clip(tag)}`.",
                        hint="Gunakan Markdown: **tebal**, *miring*, [teks](https://…), "
                        "daftar `- `, tabel `| a | b |`.",
                    )
                )
        for bang, target in LINK.findall(prose) + [("", t) for t in REFERENCE.findall(prose)]:
            if _unsafe(target, image=bool(bang)):
                out.append(_link_problem(item.path, number, target))
    return out


def _html(text: str) -> str | None:
    """The first raw-HTML fragment in ``text`` that Markdown would not make safe."""
    for match in HTML_TAG.finditer(text):
        inner = match.group(1)
        if inner is not None and AUTOLINK.fullmatch(inner):
            continue
        return inner if inner is not None else match.group(0)
    return None


def _unsafe(target: str, *, image: bool) -> bool:
    # Browsers decode entities and drop control characters inside href, so
    # `jav&#x61;script:` is `javascript:`: normalise before looking at the scheme.
    clean = re.sub(r"[\x00-\x20]", "", html.unescape(target))
    scheme = SCHEME.match(clean)
    if scheme is None:
        return image and clean.startswith("//")
    if image:
        return True  # images load from this site only: no request to another host
    return scheme.group(1).lower() not in SAFE_SCHEMES


def _link_problem(file: str, line: int, target: str) -> Problem:
    return Problem(
        file=file,
        line=line,
        code="unsafe-link",
        key="",
        message=f"Tautan atau gambar `{_clip(target)}` tidak diizinkan.",
        hint="Tautan harus https://, http:// atau mailto:; gambar disimpan di repositori "
        "dan dirujuk dengan path relatif.",
    )


def _template_problem(file: str, line: int | None, key: str) -> Problem:
    return Problem(
        file=file,
        line=line,
        code="template-syntax",
        key=key,
        message="Memuat sintaks templat (`{{`, `{%` atau `{#`).",
        hint="Halaman kontributor tidak dirender sebagai templat; hapus kurung kurawal ganda "
        "atau beri spasi di antaranya (`{ {`).",
    )


def _clip(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


def _strings(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, path + (i,))


def _body_lines(item: Program | DimensionPage) -> Iterator[tuple[int, str, bool]]:
    """Each body line with its file line number and whether it is inside a code fence."""
    fence: str | None = None
    for offset, line in enumerate(item.body.split("\n")):
        match = FENCE.match(line)
        if match and (fence is None or match.group(1) == fence):
            fence = None if fence else match.group(1)
            yield item.body_line + offset, line, True
            continue
        yield item.body_line + offset, line, fence is not None
