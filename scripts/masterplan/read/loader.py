"""One pass over ``data/`` and ``docs/`` into a :class:`Masterplan`.

The loader reports what is wrong *inside* each file (syntax, types, missing fields);
:mod:`masterplan.check.validate` then checks the references *between* files. A file that
cannot be read is left out of the model, so the rest of the plan still loads.
"""

from __future__ import annotations

import functools
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..memo import Memo, compute, digest
from ..model import (
    DIMENSION_KEYS,
    PREFIXES,
    Dimension,
    DimensionPage,
    Evaluation,
    Masterplan,
    Opd,
    PlanInfo,
    Program,
    RpjmdMission,
)
from ..problems import Problem, choice_hint
from ..source import KeyPath, Page, SourceError, Yaml, read_text, read_yaml, split_page
from .files import ALLOWED_FILES, DIMENSION_DIR, PROGRAM_DIR, has_link, scan
from .nomenclature import read_nomenclature
from .schema import Context, build, is_required, schema_fields

T = TypeVar("T")

PLAN_FILE = "data/plan.yml"
DIMENSIONS_FILE = "data/dimensions.yml"
OPD_FILE = "data/opd.yml"
RPJMD_FILE = "data/rpjmd.yml"
#: Optional: a plan has no evaluation before its first year is assessed.
EVALUATIONS_FILE = "data/evaluations.yml"
__all__ = ["ALLOWED_FILES", "DIMENSION_DIR", "PROGRAM_DIR", "load_plan"]


@dataclass
class Loaded:
    """The model and every problem found while reading the files."""

    plan: Masterplan | None
    """``None`` when a data file cannot be used: nothing can be cross-checked then."""
    problems: list[Problem] = field(default_factory=list)
    partial: list[Program] = field(default_factory=list)
    """Programmes with a wrong required field: kept out of the plan, still cross-checked."""
    files: int = 0
    """How many files were read, for the validator's summary."""
    data: dict[str, Yaml] = field(default_factory=dict)
    """The data files as read, for rules on their text."""


class _Reader:
    def __init__(self, root: Path, memo: Memo = compute):
        self.memo = memo
        self.root = root
        self.scan = scan(root)
        self.problems: list[Problem] = list(self.scan.problems)
        self.files = 0
        self.data_ok = True
        self.docs: dict[str, Yaml] = {}

    def source_problem(self, rel: str, err: SourceError) -> None:
        self.problems.append(
            Problem(file=rel, line=err.line, code=err.code, key="", message=err.message, hint=err.hint)
        )

    def data(self, rel: str, *, optional: bool = False) -> Yaml | None:
        path = self.root / rel
        if has_link(self.root, rel):
            self.data_ok = False  # scan() reported it; a link is never followed
            return None
        if optional and not path.exists():
            return None
        if not path.is_file():
            self.problems.append(
                Problem(
                    file=rel,
                    line=None,
                    code="missing-file",
                    key="",
                    message=f"Berkas data `{rel}` tidak ada.",
                    hint="Salin berkas itu dari rencana contoh di repositori asal, lalu sesuaikan.",
                )
            )
            self.data_ok = False
            return None
        self.files += 1
        try:
            doc = read_yaml(path)
        except SourceError as err:
            self.source_problem(rel, err)
            self.data_ok = False
            return None
        self.docs[rel] = doc
        return doc

    def one(self, cls: type[T], rel: str) -> T | None:
        doc = self.data(rel)
        if doc is None:
            return None
        built = build(cls, doc.data, Context(rel, doc, self.problems))
        if built is None:
            self.data_ok = False
        return built

    def many(
        self,
        cls: type[T],
        rel: str,
        *,
        check: Callable[[Context, list[T | None]], None] | None = None,
        whole: bool = False,
        optional: bool = False,
        numbered: bool = False,
    ) -> list[T]:
        doc = self.data(rel, optional=optional)
        if doc is None:
            return []
        ctx = Context(rel, doc, self.problems)
        if not isinstance(doc.data, list):
            ctx.report(
                "bad-type",
                (),
                f"`{rel}` harus berisi daftar (setiap butir diawali `- `).",
                "Lihat contoh di panduan kontributor.",
            )
            self.data_ok = False
            return []
        items = [build(cls, item, ctx, (i,)) for i, item in enumerate(doc.data)]
        if numbered:  # rules between files name the item's line
            for i, built in enumerate(items):
                if built is not None:
                    built.item = i  # type: ignore[attr-defined]
        _check_unique_keys(ctx, items)
        if check is not None:
            check(ctx, items)
        if whole and None in items:
            self.data_ok = False  # e.g. a dimension without its programmes' home
        return [item for item in items if item is not None]

    def page(
        self, rel: str, cls: type[T], *, invalid: set[str] | None = None
    ) -> tuple[T, Page] | None:
        """The object and parts of the page ``rel``."""
        self.files += 1
        try:
            text = read_text(os.path.join(self.root, rel))
            # A class is hashable; mypy cannot tell for a type variable's class.
            read = _read_page(rel, cls, text, partial=invalid is not None, memo=self.memo)  # type: ignore[arg-type]
        except SourceError as err:
            self.source_problem(rel, err)
            return None
        frozen, page, problems, wrong = read
        self.problems += problems
        if invalid is not None:
            invalid |= wrong
        if frozen is None:
            return None
        # A new object on every load: callers set the fields they derive (path,
        # dimension...), and tests change nested values; neither may reach the next load.
        return pickle.loads(frozen), page

    def misplaced(self, rel: str, message: str, hint: str) -> None:
        self.problems.append(
            Problem(file=rel, line=None, code="misplaced-page", key="", message=message, hint=hint)
        )

    def unknown_dimension(self, rel: str, folder: str) -> None:
        self.problems.append(
            Problem(
                file=rel,
                line=None,
                code="unknown-dimension",
                key="",
                message=f"Folder `{folder}` bukan kunci dimensi.",
                hint="Pindahkan berkas ke folder dimensi yang benar. " + choice_hint(folder, DIMENSION_KEYS),
            )
        )


#: Pages whose reading is kept (by path, class and text). `mkdocs serve` loads the whole
#: plan again after every save, and all pages but the saved one are as they were:
#: reading them again cost 1.3 s of each rebuild of a 1,000-programme plan.
PAGE_CACHE_SIZE = 10_000


@functools.lru_cache(maxsize=PAGE_CACHE_SIZE)
def _read_page(
    rel: str, cls: type, text: str, *, partial: bool, memo: Memo
) -> tuple[bytes | None, Page, tuple[Problem, ...], frozenset[str]]:
    """A page's object, pickled (``None`` when it cannot be built), its parts, its problems and,
    when ``partial`` (see :func:`build`), its wrong required fields; a
    :class:`SourceError` when it cannot be read.

    Kept in memory for `mkdocs serve`, and by ``memo`` for the next command."""
    key = digest(rel, f"{cls.__module__}.{cls.__qualname__}", partial, text)
    return memo("pages", key, lambda: _parse_page(rel, cls, text, key, partial=partial))


def _parse_page(
    rel: str, cls: type, text: str, digest: bytes, *, partial: bool
) -> tuple[bytes | None, Page, tuple[Problem, ...], frozenset[str]]:
    page = split_page(text)
    page.meta.digest = digest
    problems: list[Problem] = []
    invalid: set[str] | None = set() if partial else None
    built = build(cls, page.meta.data, Context(rel, page.meta, problems), invalid=invalid)
    # Kept pickled (made here from our own classes): unpickling is four times faster
    # than a deep copy.
    frozen = None if built is None else pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL)
    return frozen, page, tuple(problems), frozenset(invalid or ())


def load_plan(root: Path, *, memo: Memo = compute) -> Loaded:
    """Read the plan under ``root`` (the repository) into a model plus problems; ``memo``
    keeps what each page's reading gave (see :mod:`masterplan.memo`)."""
    reader = _Reader(root, memo)
    info = reader.one(PlanInfo, PLAN_FILE)
    # Every view is organised by dimension: the plan is only usable with all of them.
    dimensions = reader.many(Dimension, DIMENSIONS_FILE, check=_check_dimensions, whole=True)
    opds = reader.many(Opd, OPD_FILE)
    rpjmd = reader.many(RpjmdMission, RPJMD_FILE)
    programs, partial = _load_programs(reader)
    pages = _load_dimension_pages(reader)
    # A wrong evaluation is left out; the rest of the plan is still published.
    evaluations = reader.many(Evaluation, EVALUATIONS_FILE, optional=True, numbered=True)
    nomenclature, problems = read_nomenclature(root)
    reader.problems += problems
    if nomenclature is not None or problems:
        reader.files += 1
    plan = None
    if info is not None and reader.data_ok:
        plan = Masterplan(
            info=info,
            dimensions=dimensions,
            opds=opds,
            rpjmd=rpjmd,
            programs=programs,
            pages=pages,
            evaluations=sorted(evaluations, key=lambda e: (e.year, e.date)),
            nomenclature=nomenclature,
        )
    return Loaded(plan=plan, problems=reader.problems, partial=partial, files=reader.files, data=reader.docs)


def _check_unique_keys(ctx: Context, items: list[Any]) -> None:
    """Keys in a data file are references: each may be declared once only."""
    seen: set[str] = set()
    for i, item in enumerate(items):
        keys: list[tuple[KeyPath, str | None]] = [(("key",), getattr(item, "key", None))]
        for name in ("elements", "goals", "recommendations"):
            keys += [((name, j, "key"), sub.key) for j, sub in enumerate(getattr(item, name, []))]
        for path, key in keys:
            if key is None:
                continue
            if key in seen:
                ctx.report(
                    "duplicate-key",
                    (i, *path),
                    f"Kunci `{key}` sudah dipakai di berkas ini.",
                    "Setiap kunci harus unik; ganti salah satunya.",
                )
            seen.add(key)


def _check_dimensions(ctx: Context, dimensions: list[Dimension | None]) -> None:
    """The national guideline fixes six dimensions, their prefixes and three elements each."""
    for i, d in enumerate(dimensions):
        if d is None:
            continue
        if d.key not in PREFIXES:
            ctx.report(
                "unknown-dimension",
                (i, "key"),
                f"Dimensi `{d.key}` tidak dikenal.",
                choice_hint(d.key, DIMENSION_KEYS),
            )
        elif d.prefix != PREFIXES[d.key]:
            ctx.report(
                "bad-value",
                (i, "prefix"),
                f"Prefiks dimensi `{d.key}` harus `{PREFIXES[d.key]}`, tertulis `{d.prefix}`.",
                f"Tulis `prefix: {PREFIXES[d.key]}`: prefiks ditetapkan pedoman nasional.",
            )
        if len(d.elements) != 3:
            ctx.report(
                "bad-value",
                (i, "elements"),
                f"Dimensi `{d.key}` harus memiliki tepat tiga elemen, tertulis {len(d.elements)}.",
                "Setiap dimensi memiliki tiga elemen pedoman nasional; salin dari rencana contoh.",
            )
    keys = [d.key for d in dimensions if d is not None]
    for key in DIMENSION_KEYS:
        if key not in keys and len(keys) == len(dimensions):
            ctx.report(
                "missing-field",
                (),
                f"Dimensi `{key}` tidak ada di {DIMENSIONS_FILE}.",
                "Keenam dimensi pedoman nasional wajib ada; salin dari rencana contoh.",
            )


def _markdown_files(reader: _Reader, folder: str) -> list[tuple[str, list[str]]]:
    """Pages below ``folder`` (docs-relative), with their path parts below it.

    Sorted so that problems, ids and lists come out in the same order on every machine;
    only regular files with safe names (scan() reported the others). Strings, not Paths:
    pathlib cost a 4,000-programme check 0.2 s."""
    return [(rel, rel[len(folder) + 1 :].split("/")) for rel in reader.scan.markdown_below(folder)]


def _load_programs(reader: _Reader) -> tuple[list[Program], list[Program]]:
    programs: list[Program] = []
    partial: list[Program] = []
    required = {f.name for f in schema_fields(Program) if is_required(f)}
    files = _markdown_files(reader, PROGRAM_DIR)
    for rel, parts in files:
        if len(parts) == 1:
            if parts[0] != "index.md":
                reader.misplaced(
                    rel,
                    "Halaman program harus berada di dalam folder dimensinya.",
                    f"Pindahkan ke `{PROGRAM_DIR}/<dimensi>/{parts[0]}`, mis. `{PROGRAM_DIR}/living/`.",
                )
            continue
        if len(parts) > 2:
            reader.misplaced(
                rel,
                "Halaman program tidak boleh berada di subfolder dari folder dimensi.",
                f"Pindahkan ke `{PROGRAM_DIR}/{parts[0]}/{parts[-1]}`.",
            )
            continue
        if parts[0] not in DIMENSION_KEYS:
            reader.unknown_dimension(rel, parts[0])
            continue
        invalid: set[str] = set()
        loaded = reader.page(rel, Program, invalid=invalid)
        if loaded is None:
            continue
        program, page = loaded
        program.dimension, program.path, program.invalid = parts[0], rel, invalid
        program.body, program.body_line, program.meta = page.body, page.body_line, page.meta
        (partial if invalid & required else programs).append(program)
    return programs, partial


def _load_dimension_pages(reader: _Reader) -> dict[str, DimensionPage]:
    pages: dict[str, DimensionPage] = {}
    for rel, parts in _markdown_files(reader, DIMENSION_DIR):
        if len(parts) != 2 or parts[1] != "index.md":
            if len(parts) == 1 and parts[0] == "index.md":
                continue  # the project's own overview of the dimensions
            reader.misplaced(
                rel,
                "Di folder dimensi hanya boleh ada `index.md`.",
                "Pindahkan narasi tambahan ke `index.md` dimensi, atau jadikan halaman program.",
            )
            continue
        if parts[0] not in DIMENSION_KEYS:
            reader.unknown_dimension(rel, parts[0])
            continue
        loaded = reader.page(rel, DimensionPage)
        if loaded is None:
            continue
        dim_page, page = loaded
        dim_page.dimension, dim_page.path = parts[0], rel
        dim_page.body, dim_page.body_line, dim_page.meta = page.body, page.body_line, page.meta
        pages[parts[0]] = dim_page
    for key in DIMENSION_KEYS:
        rel = f"{DIMENSION_DIR}/{key}/index.md"
        if not (reader.root / rel).is_file() and not has_link(reader.root, rel):
            reader.problems.append(
                Problem(
                    file=rel,
                    line=None,
                    code="missing-file",
                    key="",
                    message=f"Halaman dimensi `{key}` tidak ada.",
                    hint="Buat halaman itu dengan front matter swot, readiness dan strategy "
                    "(contoh di panduan kontributor).",
                )
            )
    return pages
