"""Rules between files, and rules on the Markdown that contributors write.

:func:`check` is the one entry point the CLI and the build share: it loads the plan
and returns every problem, sorted by file and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import fmt
from ..html.safehtml import MAX_NARRATIVE, Change, line_of, normalize_url, render
from ..memo import Memo, compute
from ..model import PREFIXES, DimensionPage, Masterplan, Program
from ..problems import Problem, choice_hint
from ..read.loader import EVALUATIONS_FILE, PLAN_FILE, PROGRAM_DIR, load_plan
from ..read.schema import key_name
from ..source import KeyPath, Yaml
from . import delivery as validate_delivery

#: What a contributor page may not contain, in narrative or front matter: template
#: syntax. Pages are never rendered as templates; the rule keeps them from becoming so.
TEMPLATE_MARKS = ("{{", "{%", "{#")
#: At most this many text problems per file.
MAX_TEXT_PROBLEMS = 20


@dataclass
class Report:
    """What :func:`check` found."""

    plan: Masterplan | None
    problems: list[Problem]
    files: int

    @property
    def ok(self) -> bool:
        return not self.problems


def check(root: Path, *, memo: Memo = compute) -> Report:
    """Load the plan under ``root`` and run every rule on it; ``memo`` keeps what a page's
    reading and its narrative's check gave (see :mod:`masterplan.memo`)."""
    loaded = load_plan(root, memo=memo)
    problems = list(loaded.problems)
    for rel, doc in loaded.data.items():
        problems += _text_problems(rel, doc)
    if loaded.plan is not None:
        problems += validate(loaded.plan, loaded.partial, memo=memo)
        # Ids of every programme page that could be read, even with wrong fields; none
        # when a page could not be read at all (its id is unknown, its problem shown).
        pages = [*loaded.plan.programs, *loaded.partial]
        read = {p.path for p in pages}
        unread = any(p.file.startswith(PROGRAM_DIR + "/") and p.file not in read for p in loaded.problems)
        ids = None if unread else [p.id for p in pages if "id" not in p.invalid]
        evaluations = loaded.data.get(EVALUATIONS_FILE)
        problems += validate_delivery.check_evaluations(loaded.plan, evaluations, ids)
    # One problem can be reached twice (e.g. a duplicate key seen at two depths).
    unique = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.code, p.key))
    return Report(plan=loaded.plan, problems=unique, files=loaded.files)


def validate(plan: Masterplan, partial: Iterable[Program] = (), *, memo: Memo = compute) -> list[Problem]:
    """Cross-file rules: references to OPDs, elements, RPJMD, years and ids.

    ``partial`` programmes have a wrong required field; their other fields are checked.
    """
    problems: list[Problem] = []
    seen_ids: dict[str, Program] = {}
    programs = [*plan.programs, *partial]
    for program in programs:
        problems += _check_program(plan, program, memo)
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
        problems += _check_content(page, memo)
    return problems


def next_id(plan: Masterplan, dimension: str) -> str:
    """The next free programme id of a dimension, e.g. ``LIV-07``."""
    prefix = PREFIXES[dimension]
    numbers = [int(p.id.split("-")[1]) for p in plan.programs if p.id.startswith(prefix + "-")]
    return f"{prefix}-{max(numbers, default=0) + 1:02d}"


def _at(item: Program | DimensionPage, path: KeyPath, code: str, message: str, hint: str = "") -> Problem:
    line = item.meta.line(path) if item.meta else None
    return Problem(file=item.path, line=line, code=code, key=key_name(path), message=message, hint=hint)


def _check_program(plan: Masterplan, p: Program, memo: Memo) -> list[Problem]:
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
    validate_delivery.check_program(plan, p, lambda *args: out.append(_at(p, *args)))
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
    out += _check_content(p, memo)
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


def _check_content(item: Program | DimensionPage, memo: Memo) -> list[Problem]:
    """Template syntax and HTML in front matter; in the narrative, whatever the renderer's
    sanitizer would remove (the same function the build uses).

    Worked out from the page's own text alone, so ``memo`` keeps it by the page's digest:
    half of what checking an unchanged page costs."""
    digest = item.meta.digest if item.meta is not None else b""
    if not digest:  # a page built in code, not read from a file
        return _content_problems(item)
    return list(memo("content", digest, lambda: tuple(_content_problems(item))))


def _content_problems(item: Program | DimensionPage) -> list[Problem]:
    out = _text_problems(item.path, item.meta) if item.meta is not None else []
    body = item.body
    for offset, text in enumerate(body.split("\n")):
        if any(mark in text for mark in TEMPLATE_MARKS):
            out.append(_template_problem(item.path, item.body_line + offset, ""))
    rendered = render(item.body, page=item.path.removeprefix("docs/"))
    out += [_change_problem(item, change) for change in rendered.changes]
    return out


def _text_problems(file: str, doc: Yaml) -> list[Problem]:
    """Template syntax or markup in any text value of a front matter or data file: they
    are plain text everywhere they go (pages, CSV, YAML, pull-request comments)."""
    out: list[Problem] = []
    for path, text in _strings(doc.data, ()):
        if len(out) >= MAX_TEXT_PROBLEMS:
            break  # a pasted list would bury the report; the first ones show the fix
        if any(mark in text for mark in TEMPLATE_MARKS):
            out.append(_template_problem(file, doc.line(path), key_name(path)))
        if has_tag(text):
            out.append(
                Problem(
                    file=file,
                    line=doc.line(path),
                    code="raw-html",
                    key=key_name(path),
                    message=f"`{key_name(path)}` memuat tag HTML.",
                    hint="Tulis teks biasa; tanda < dan > tidak diperlukan.",
                )
            )
    return out


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


def _change_problem(item: Program | DimensionPage, change: Change) -> Problem:
    line = line_of(item.body, change.offset, item.body_line) if change.offset >= 0 else item.body_line

    def problem(code: str, message: str, hint: str) -> Problem:
        return Problem(file=item.path, line=line, code=code, key="", message=message, hint=hint)

    markdown_hint = (
        "Gunakan Markdown: **tebal**, *miring*, [teks](https://…), daftar `- `, tabel `| a | b |`."
    )
    if change.kind == "too-large":
        return problem(
            "file-too-large",
            f"Narasi berisi {fmt.number(len(change.value))} karakter, melebihi batas "
            f"{fmt.number(MAX_NARRATIVE)}; ditampilkan sebagai teks biasa.",
            "Pecah narasi menjadi beberapa halaman, atau hapus isi yang tidak sengaja tertempel.",
        )
    if change.kind == "too-complex":
        return problem(
            "too-complex",
            "Narasi memuat terlalu banyak tanda `<` atau bagian yang bersarang terlalu dalam "
            "(mis. `>` atau daftar di dalam daftar); ditampilkan sebagai teks biasa.",
            "Tulis narasi sebagai paragraf dan daftar biasa; kutipan `>` dan daftar cukup satu "
            "atau dua tingkat.",
        )
    if change.kind == "comment" and change.value == "unclosed":
        return problem(
            "raw-html",
            "Narasi memuat komentar HTML `<!--` yang tidak ditutup: semua teks sesudahnya tidak ditampilkan.",
            "Tutup komentar dengan `-->`, atau hapus `<!--` bila tidak sengaja ditulis.",
        )
    if change.kind == "comment":
        return problem(
            "raw-html",
            "Narasi memuat komentar HTML `<!-- … -->`, yang tidak ditampilkan.",
            "Hapus komentar itu; catatan untuk peninjau ditulis di pull request.",
        )
    if change.kind == "tag":
        return problem(
            "raw-html", f"Narasi memuat HTML `<{change.tag}>` yang dihapus saat diterbitkan.", markdown_hint
        )
    if change.attribute in ("href", "src"):
        shown = _clip(change.value)
        if change.tag == "img" and _remote(change.value):
            return problem(
                "remote-image",
                f"Gambar `{shown}` dimuat dari situs lain.",
                "Simpan gambar di repositori (mis. `docs/assets/`) dan rujuk dengan path relatif: "
                "situs tidak memuat apa pun dari host lain.",
            )
        return problem(
            "unsafe-link",
            f"Tautan atau gambar `{shown}` tidak diizinkan.",
            "Tautan harus https://, http:// atau mailto:, atau path relatif; gambar disimpan "
            "di repositori dan dirujuk dengan path relatif.",
        )
    return problem(
        "raw-html",
        f"Atribut `{_clip(change.attribute)}` pada `<{change.tag}>` dihapus saat diterbitkan.",
        markdown_hint,
    )


def _remote(url: str) -> bool:
    """An image URL that names another host (the sanitizer refuses every scheme for images)."""
    normal = normalize_url(url)
    return normal.startswith("//") or normal.lower().startswith(("http:", "https:"))


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
