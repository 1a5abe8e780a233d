"""Writing new contributor files from templates: a programme page, an OPD entry.

Nothing here overwrites or rewrites a file a person wrote: a programme page is created
with exclusive mode, an OPD is appended to data/opd.yml. Before anything is written,
the would-be content is read back with the same parser, schema and validator the build
uses: what the validator would reject is refused, and no file is touched.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..check.validate import check, validate
from ..model import DIMENSION_KEYS, SLUG, Masterplan, Opd, Program
from ..outputs import codeowners, layout
from ..problems import Problem, choice_hint
from ..read.loader import OPD_FILE, PROGRAM_DIR
from ..read.schema import Context, build
from ..source import SourceError, parse_yaml, split_page


class ScaffoldError(Exception):
    """The request cannot be carried out; ``problems`` say why, as the validator would."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class NewProgram:
    dimension: str
    element: str
    lead: str
    title: str
    support: tuple[str, ...] = ()


def slugify(title: str) -> str:
    """``"Alat Bantu: Angkutan Umum"`` -> ``alat-bantu-angkutan-umum`` (ASCII only)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:80] or "program"


def _loaded(root: Path) -> Masterplan:
    report = check(root)
    if report.plan is None:
        raise ScaffoldError(report.problems)
    return report.plan


def _problem(code: str, key: str, message: str, hint: str) -> Problem:
    return Problem(file="(perintah)", line=None, code=code, key=key, message=message, hint=hint)


#: Fields the command fills from a flag: a problem in one is reported against the flag.
FLAGS = {"title": "--title", "element": "--element", "lead": "--lead", "support": "--support"}
FLAGS_OPD = {"key": "--key", "name": "--name", "short": "--short"}
# A flag value is one line of text; a newline or control character is a paste accident
# that would end up as an escaped string in the file.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What validate.py refuses in a contributor's plain text: template syntax, and `<` that a
# browser could read as markup. data/opd.yml has no such rule (its values are escaped on
# output), so the command keeps an OPD's names as plain as a programme's title.
TEMPLATE = re.compile(r"\{\{|\{%|\{#")
TAG = re.compile(r"<[A-Za-z/!?]")


def _visible(text: str) -> str:
    """``"dinkes\\n"`` shown as ``dinkes\\n``: a control character must not break the message."""
    return CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def _one_line(flag: str, value: str) -> list[Problem]:
    if not CONTROL.search(value):
        return []
    return [
        _problem(
            "bad-value",
            flag,
            f"{flag} memuat baris baru atau karakter kendali.",
            f'Tulis {flag} pada satu baris, mis. {flag} "…".',
        )
    ]


def _as_flags(problems: list[Problem], flags: dict[str, str]) -> list[Problem]:
    """The validator's problems in the would-be file, told against the flags that caused them."""
    out = []
    for p in problems:
        # "support[0]" -> "support", "[5].name" -> "name"
        name = re.sub(r"^\[\d+\]\.", "", p.key).split("[")[0].split(".")[0]
        out.append(_problem(p.code, flags.get(name, p.key), p.message, p.hint))
    return sorted(set(out), key=lambda p: (p.key, p.code, p.message))


def new_program(root: Path, request: NewProgram) -> Path:
    """Write a valid programme page with the next free id; return its path."""
    plan = _loaded(root)
    problems: list[Problem] = []
    if request.dimension not in DIMENSION_KEYS:
        problems.append(
            _problem(
                "unknown-dimension",
                "--dimension",
                f"Dimensi `{request.dimension}` tidak dikenal.",
                choice_hint(request.dimension, DIMENSION_KEYS),
            )
        )
    dimension = plan.dimension(request.dimension)
    if dimension is not None:
        own = [e.key for e in dimension.elements]
        if request.element not in own:
            problems.append(
                _problem(
                    "element-not-in-dimension",
                    "--element",
                    f"Elemen `{request.element}` bukan elemen dimensi `{request.dimension}`.",
                    choice_hint(request.element, own, source=f"elemen {dimension.name_en}"),
                )
            )
    opd_keys = [o.key for o in plan.opds]
    for flag, key in [("--lead", request.lead), *(("--support", s) for s in request.support)]:
        if key not in opd_keys:
            problems.append(
                _problem(
                    "unknown-opd",
                    flag,
                    f"OPD `{key}` tidak ada di data/opd.yml.",
                    choice_hint(key, opd_keys, source="data/opd.yml"),
                )
            )
    if request.lead in request.support:
        problems.append(
            _problem(
                "lead-in-support",
                "--support",
                f"`{request.lead}` sudah menjadi OPD pengampu.",
                f"Hapus `--support {request.lead}`.",
            )
        )
    if not request.title.strip():
        problems.append(
            _problem("missing-field", "--title", "Judul kosong.", 'Beri judul, mis. --title "…".')
        )
    problems += _one_line("--title", request.title)
    if problems:
        raise ScaffoldError(problems)
    front = {
        "title": request.title.strip(),
        "element": request.element,
        "lead": request.lead,
        "support": list(request.support),
        "partners": [],
        "budget": [],
        "indicators": [],
        "rpjmd": [],
        **layout.starting_values(plan, request.dimension),
    }
    text = layout.page(front, layout.BODY)
    path = root / PROGRAM_DIR / request.dimension / f"{slugify(request.title)}.md"
    refused = _program_problems(plan, path.relative_to(root).as_posix(), request.dimension, text)
    if refused:
        raise ScaffoldError(refused)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # "x": fail rather than overwrite, even if another process wrote the file meanwhile.
        with path.open("x", encoding="utf-8", newline="\n") as f:
            f.write(text)
    except FileExistsError:
        raise ScaffoldError(
            [
                _problem(
                    "file-exists",
                    "--title",
                    f"Berkas `{path.relative_to(root).as_posix()}` sudah ada.",
                    "Pilih judul lain, atau sunting berkas yang sudah ada.",
                )
            ]
        ) from None
    # Keep CODEOWNERS in step, so the lead OPD's team is asked to review the new page.
    owners = root / codeowners.PATH
    if owners.is_file():
        loaded = check(root).plan
        if loaded is not None:
            owners.write_text(codeowners.generate(loaded), encoding="utf-8")
    return path


def _program_problems(plan: Masterplan, rel: str, dimension: str, text: str) -> list[Problem]:
    """What the validator would report in the page ``text`` if it were written at ``rel``."""
    problems: list[Problem] = []
    try:
        page = split_page(text)
    except SourceError as err:  # our own YAML: a bug, but still not a file to write
        return [_problem(err.code, "", err.message, err.hint)]
    invalid: set[str] = set()
    program = build(Program, page.meta.data, Context(rel, page.meta, problems), invalid=invalid)
    if program is not None:
        # The fields the loader derives, as it would for the file on disk.
        program.dimension, program.path, program.invalid = dimension, rel, invalid
        program.body, program.body_line, program.meta = page.body, page.body_line, page.meta
        candidate = dataclasses.replace(plan, programs=[*plan.programs, program])
        problems += validate(candidate)
    return _as_flags([p for p in problems if p.file == rel], FLAGS)


def _opd_problems(plan: Masterplan, text: str, before: set[Problem]) -> list[Problem]:
    """What the schema and the validator would newly report in data/opd.yml if it held ``text``."""
    problems: list[Problem] = []
    # The entry is appended as a block item: a file written otherwise (a flow list `[…]`)
    # would not read back, and is refused as it is, untouched.
    hint = f"Tambahkan OPD ke {OPD_FILE} secara manual, atau tulis berkas itu sebagai daftar `- …`."
    try:
        doc = parse_yaml(text)
    except SourceError as err:
        return [Problem(OPD_FILE, err.line, err.code, "", f"Setelah OPD ditambahkan: {err.message}", hint)]
    if not isinstance(doc.data, list) or not doc.data:
        return [Problem(OPD_FILE, None, "bad-type", "", f"{OPD_FILE} tidak lagi berupa daftar.", hint)]
    index = len(doc.data) - 1
    opd = build(Opd, doc.data[index], Context(OPD_FILE, doc, problems), (index,))
    if opd is not None:
        problems += validate(dataclasses.replace(plan, opds=[*plan.opds, opd]))
    return _as_flags([p for p in problems if p.file == OPD_FILE and p not in before], FLAGS_OPD)


def new_opd(root: Path, *, key: str, name: str, short: str) -> None:
    """Append an OPD to data/opd.yml, keeping the file's comments and layout."""
    report = check(root)
    if report.plan is None:
        raise ScaffoldError(report.problems)
    plan = report.plan
    before = {p for p in report.problems if p.file == OPD_FILE}
    problems = []
    if not re.fullmatch(SLUG, key):
        problems.append(
            _problem(
                "bad-value",
                "--key",
                f"Kunci `{_visible(key)}` tidak sah.",
                "Gunakan huruf kecil, angka dan tanda hubung, mis. dinkes.",
            )
        )
    if key in [o.key for o in plan.opds]:
        problems.append(
            _problem("duplicate-key", "--key", f"OPD `{key}` sudah ada di data/opd.yml.", "Pilih kunci lain.")
        )
    for flag, value in (("--name", name), ("--short", short)):
        if not value.strip():
            problems.append(_problem("missing-field", flag, f"{flag} kosong.", f'Isi {flag} "…".'))
        problems += _one_line(flag, value)
        if TEMPLATE.search(value):
            problems.append(
                _problem(
                    "template-syntax",
                    flag,
                    f"{flag} memuat sintaks templat (`{{{{`, `{{%` atau `{{#`).",
                    "Hapus kurung kurawal ganda.",
                )
            )
        if TAG.search(value):
            problems.append(
                _problem("raw-html", flag, f"{flag} memuat tag HTML.", "Tulis teks biasa tanpa < dan >.")
            )
    if problems:
        raise ScaffoldError(problems)
    path = root / OPD_FILE
    original = path.read_bytes()
    item = {"key": key, "name": name.strip(), "short": short.strip()}
    entry = yaml.safe_dump([item], allow_unicode=True, default_flow_style=None, width=1000)
    separator = b"" if original.endswith(b"\n") or not original else b"\n"
    updated = original + separator + entry.encode("utf-8")
    refused = _opd_problems(
        plan, updated.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n"), before
    )
    if refused:
        raise ScaffoldError(refused)
    path.write_bytes(updated)
