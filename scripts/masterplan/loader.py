"""One pass over ``data/`` and ``docs/`` into a :class:`Masterplan`.

The loader reports what is wrong *inside* each file (syntax, types, missing fields);
:mod:`masterplan.validate` then checks the references *between* files. A file that
cannot be read is left out of the model, so the rest of the plan still loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .model import (
    DIMENSION_KEYS,
    Dimension,
    DimensionPage,
    Masterplan,
    Opd,
    PlanInfo,
    Program,
    RpjmdMission,
)
from .problems import Problem, choice_hint
from .schema import Context, build
from .source import SourceError, Yaml, read_page, read_yaml

T = TypeVar("T")

PLAN_FILE = "data/plan.yml"
DIMENSIONS_FILE = "data/dimensions.yml"
OPD_FILE = "data/opd.yml"
RPJMD_FILE = "data/rpjmd.yml"
DIMENSION_DIR = "docs/dimensi"
PROGRAM_DIR = "docs/program"


@dataclass
class Loaded:
    """The model and every problem found while reading the files."""

    plan: Masterplan | None
    """``None`` when a data file cannot be used: nothing can be cross-checked then."""
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    """How many files were read, for the validator's summary."""


class _Reader:
    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.files = 0
        self.data_ok = True

    def source_problem(self, rel: str, err: SourceError) -> None:
        self.problems.append(
            Problem(file=rel, line=err.line, code=err.code, key="", message=err.message, hint=err.hint)
        )

    def data(self, rel: str) -> Yaml | None:
        path = self.root / rel
        
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
        return doc

    def one(self, cls: type[T], rel: str) -> T | None:
        doc = self.data(rel)
        if doc is None:
            return None
        built = build(cls, doc.data, Context(rel, doc, self.problems))
        if built is None:
            self.data_ok = False
        return built

    def many(self, cls: type[T], rel: str) -> list[T]:
        doc = self.data(rel)
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
        return [item for item in items if item is not None]

    def page(self, path: Path, cls: type[T]) -> tuple[T, Any] | None:
        rel = path.relative_to(self.root).as_posix()
        self.files += 1
        try:
            page = read_page(path)
        except SourceError as err:
            self.source_problem(rel, err)
            return None
        built = build(cls, page.meta.data, Context(rel, page.meta, self.problems))
        if built is None:
            return None
        return built, page

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
                hint="Pindahkan berkas ke folder dimensi yang benar. "
                + choice_hint(folder, DIMENSION_KEYS),
            )
        )


def load_plan(root: Path) -> Loaded:
    """Read the plan under ``root`` (the repository) into a model plus problems."""
    reader = _Reader(root)
    info = reader.one(PlanInfo, PLAN_FILE)
    dimensions = reader.many(Dimension, DIMENSIONS_FILE)
    opds = reader.many(Opd, OPD_FILE)
    rpjmd = reader.many(RpjmdMission, RPJMD_FILE)
    programs = _load_programs(reader, root / PROGRAM_DIR)
    pages = _load_dimension_pages(reader, root / DIMENSION_DIR)
    plan = None
    if info is not None and reader.data_ok:
        plan = Masterplan(
            info=info,
            dimensions=dimensions,
            opds=opds,
            rpjmd=rpjmd,
            programs=programs,
            pages=pages,
        )
    return Loaded(plan=plan, problems=reader.problems, files=reader.files)


def _markdown_files(folder: Path) -> list[Path]:
    # Sorted so that problems, ids and lists come out in the same order on every machine.
    return sorted(folder.rglob("*.md")) if folder.is_dir() else []


def _load_programs(reader: _Reader, folder: Path) -> list[Program]:
    programs: list[Program] = []
    for path in _markdown_files(folder):
        rel = path.relative_to(reader.root).as_posix()
        parts = path.relative_to(folder).parts
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
        loaded = reader.page(path, Program)
        if loaded is None:
            continue
        program, page = loaded
        program.dimension, program.path = parts[0], rel
        program.body, program.body_line, program.meta = page.body, page.body_line, page.meta
        programs.append(program)
    return programs


def _load_dimension_pages(reader: _Reader, folder: Path) -> dict[str, DimensionPage]:
    pages: dict[str, DimensionPage] = {}
    for path in _markdown_files(folder):
        rel = path.relative_to(reader.root).as_posix()
        parts = path.relative_to(folder).parts
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
        loaded = reader.page(path, DimensionPage)
        if loaded is None:
            continue
        dim_page, page = loaded
        dim_page.dimension, dim_page.path = parts[0], rel
        dim_page.body, dim_page.body_line, dim_page.meta = page.body, page.body_line, page.meta
        pages[parts[0]] = dim_page
    return pages
