"""Rules between files, and rules on the Markdown that contributors write.

:func:`check` is the one entry point the CLI and the build share: it loads the plan
and returns every problem, sorted by file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from .. import fmt
from ..html.safehtml import MAX_NARRATIVE, Change, line_of, normalize_url, render
from ..memo import Memo, compute
from ..model import PREFIXES, DimensionPage, Masterplan, Program, canonical_code
from ..problems import Problem, choice_hint
from ..read.loader import EVALUATIONS_FILE, PLAN_FILE, PROGRAM_DIR, load_plan
from ..read.nomenclature import NOMENCLATURE_FILE
from ..read.schema import key_name
from ..source import KeyPath, Yaml
from . import closed, rules
from . import delivery as validate_delivery

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


def check(root: Path, *, memo: Memo = compute, closed_years: bool = True) -> Report:
    """Load the plan under ``root`` and run every rule on it; ``memo`` keeps what a page's
    reading and its narrative's check gave (see :mod:`masterplan.memo`). ``closed_years``
    False skips comparing closed years with their git tags (a plan read out of git has
    no history to compare with)."""
    loaded = load_plan(root, memo=memo)
    problems = list(loaded.problems)
    for rel, doc in loaded.data.items():
        problems += _text_problems(rel, doc)
    if loaded.plan is not None:
        # List items with a value already reported wrong: the rules between fields leave
        # them alone rather than guess (a quarter 5, dropped, would read as "whole year").
        reported: dict[str, set[tuple[str, int]]] = {}
        for problem in loaded.problems:
            item = re.match(r"([a-z_]+)\[(\d+)\]\.", problem.key)
            if item and problem.code in ("bad-value", "bad-type", "yaml-tag"):
                reported.setdefault(problem.file, set()).add((item.group(1), int(item.group(2))))
        problems += validate(loaded.plan, loaded.partial, memo=memo, reported=reported)
        # Ids of every programme page that could be read, even with wrong fields; none
        # when a page could not be read at all (its id is unknown, its problem shown).
        pages = [*loaded.plan.programs, *loaded.partial]
        read = {p.path for p in pages}
        unread = any(p.file.startswith(PROGRAM_DIR + "/") and p.file not in read for p in loaded.problems)
        ids = None if unread else [p.id for p in pages if "id" not in p.invalid]
        evaluations = loaded.data.get(EVALUATIONS_FILE)
        problems += validate_delivery.check_evaluations(loaded.plan, evaluations, ids)
        if closed_years and loaded.plan.info.closed_years:
            present = None if ids is None else set(ids)
            problems += closed.check_closed_years(root, loaded.plan, loaded.data.get(PLAN_FILE), present)
    # One problem can be reached twice (e.g. a duplicate key seen at two depths).
    unique = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.code, p.key))
    return Report(plan=loaded.plan, problems=unique, files=loaded.files)


def validate(
    plan: Masterplan,
    partial: Iterable[Program] = (),
    *,
    memo: Memo = compute,
    reported: Mapping[str, set[tuple[str, int]]] | None = None,
) -> list[Problem]:
    """Cross-file rules: references to OPDs, elements, RPJMD, years and ids.

    ``partial`` programmes have a wrong required field; their other fields are checked.
    """
    problems: list[Problem] = []
    programs = [*plan.programs, *partial]
    base = rule_context(plan, programs)
    for program in programs:
        wrong = (reported or {}).get(program.path, set())
        problems += _check_program(plan, program, memo, replace(base, path=program.path), wrong)
    for page in plan.pages.values():
        problems += _check_content(page, memo)
    return problems


def rule_context(plan: Masterplan, programs: Iterable[Program]) -> rules.Context:
    """What the rules between fields need from the plan (the form gets the same, from
    :func:`masterplan.outputs.cms.rule_context`). The first page that holds an id keeps
    it; a later one is told which page has it."""
    programs = list(programs)
    ids: dict[str, str] = {}
    for program in programs:
        if "id" not in program.invalid:
            ids.setdefault(program.id, program.path)
    return rules.Context(
        period=(plan.info.period.start, plan.info.period.end),
        as_of=plan.as_of,
        ids=ids,
        next_ids={prefix: next_id(plan, dim) for dim, prefix in PREFIXES.items()},
        codes=claimed_codes(programs),
        closed_years=plan.info.closed,
    )


def claimed_codes(programs: Iterable[Program]) -> dict[str, list[tuple[str, bool]]]:
    """Canonical sub-kegiatan code -> the pages that name it, each with whether it
    declares the code shared (``shared_sub_activities``)."""
    out: dict[str, list[tuple[str, bool]]] = {}
    for p in programs:
        if "sub_activities" in p.invalid:
            continue
        for code in dict.fromkeys(canonical_code(c) for c in p.sub_activities):
            out.setdefault(code, []).append((p.path, p.shared_sub_activities))
    return out


def next_id(plan: Masterplan, dimension: str) -> str:
    """The next free programme id of a dimension, e.g. ``LIV-07``."""
    prefix = PREFIXES[dimension]
    numbers = [int(p.id.split("-")[1]) for p in plan.programs if p.id.startswith(prefix + "-")]
    return f"{prefix}-{max(numbers, default=0) + 1:02d}"


def _at(item: Program | DimensionPage, path: KeyPath, code: str, message: str, hint: str = "") -> Problem:
    line = item.meta.line(path) if item.meta else None
    return Problem(file=item.path, line=line, code=code, key=key_name(path), message=message, hint=hint)


def _check_program(
    plan: Masterplan, p: Program, memo: Memo, ctx: rules.Context, wrong: set[tuple[str, int]] | None = None
) -> list[Problem]:
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
    for i, ind in enumerate(p.indicators if valid("indicators") else []):
        if ind.producer and ind.producer not in opd_keys:
            out.append(
                _at(
                    p,
                    ("indicators", i, "producer"),
                    "unknown-opd",
                    f"OPD produsen data `{ind.producer}` tidak ada di data/opd.yml.",
                    choice_hint(ind.producer, opd_keys, source="data/opd.yml"),
                )
            )
    if plan.nomenclature is not None and valid("sub_activities"):
        for i, code in enumerate(p.sub_activities):
            if canonical_code(code) not in plan.nomenclature:
                out.append(
                    _at(
                        p,
                        ("sub_activities", i),
                        "unknown-code",
                        f"Kode sub-kegiatan `{code}` tidak ada di {NOMENCLATURE_FILE}.",
                        choice_hint(canonical_code(code), plan.nomenclature, source=NOMENCLATURE_FILE),
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
    record = _record(p)
    for name, index in wrong or ():
        items = record.get(name)
        if isinstance(items, list) and index < len(items):
            items[index] = None  # rules skip what is not a record; the indices stay
    for v in rules.violations(record, ctx, program=True, skip=frozenset(p.invalid)):
        if v.rule.scope == "program":
            out.append(
                _at(
                    p,
                    v.path,
                    v.rule.code,
                    rules.words(v.rule.message, v, ctx),
                    rules.words(v.rule.hint, v, ctx),
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
    return out


def _record(p: Program) -> dict[str, Any]:
    """The page's fields as the loader read them (values of a wrong type left out), as
    plain data: what the form holds too."""
    return {
        f.name: [_plain(x) for x in value] if isinstance(value, list) else value
        for f in fields(p)
        if not f.metadata.get("derived")
        for value in [getattr(p, f.name)]
    }


def _plain(value: Any) -> Any:
    return asdict(value) if is_dataclass(value) and not isinstance(value, type) else value


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
        if any(mark in text for mark in rules.TEMPLATE_MARKS):
            out.append(_template_problem(item.path, item.body_line + offset))
    rendered = render(item.body, page=item.path.removeprefix("docs/"))
    out += [_change_problem(item, change) for change in rendered.changes]
    return out


def _text_problems(file: str, doc: Yaml) -> list[Problem]:
    """Template syntax or markup in any text value of a front matter or data file: they
    are plain text everywhere they go (pages, CSV, YAML, pull-request comments)."""
    found = rules.text_violations(doc.data)[:MAX_TEXT_PROBLEMS]  # a pasted list would bury the report
    return [
        Problem(
            file=file,
            line=doc.line(v.path),
            code=v.rule.code,
            key=key_name(v.path),
            message=rules.words(v.rule.message, v),
            hint=rules.words(v.rule.hint, v),
        )
        for v in found
    ]


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


def _template_problem(file: str, line: int | None) -> Problem:
    """Template syntax in a narrative line: the words of the rule on front-matter text."""
    (rule,) = (r for r in rules.RULES if r.kind == "no-template")
    v = rules.Violation(rule, (), {})
    return Problem(
        file=file,
        line=line,
        code=rule.code,
        key="",
        message=rules.words(rule.message, v),
        hint=rules.words(rule.hint, v),
    )


def _clip(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"
