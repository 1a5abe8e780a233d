"""Writing new contributor files from templates: a programme page, an OPD entry.

Nothing here overwrites or rewrites a file a person wrote: a programme page is created
with exclusive mode, an OPD is appended to data/opd.yml and the file is restored
byte for byte if the result does not load.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import codeowners
from .loader import OPD_FILE, PROGRAM_DIR
from .model import DIMENSION_KEYS, SLUG, Masterplan
from .problems import Problem, choice_hint
from .validate import check, next_id

BODY = """## Latar belakang

Tuliskan masalah yang dijawab program ini, dengan data bila ada.

## Tujuan

Tuliskan apa yang ingin dicapai program ini.

## Keluaran dan manfaat

- Keluaran yang dihasilkan.
- Manfaat bagi warga.
"""


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
    if problems:
        raise ScaffoldError(problems)
    period = plan.info.period
    front = {
        "id": next_id(plan, request.dimension),
        "title": request.title.strip(),
        "element": request.element,
        "lead": request.lead,
        "support": list(request.support),
        "partners": [],
        "horizon": "short",
        "start_year": period.start,
        "end_year": min(period.start + 1, period.end),
        "budget": [],
        "indicators": [],
        "rpjmd": [],
        "status": "planned",
        "progress": 0,
    }
    meta = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=None)
    text = "---\n" + meta + "---\n" + BODY
    path = root / PROGRAM_DIR / request.dimension / f"{slugify(request.title)}.md"
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


def new_opd(root: Path, *, key: str, name: str, short: str) -> None:
    """Append an OPD to data/opd.yml, keeping the file's comments and layout."""
    report = check(root)
    if report.plan is None:
        raise ScaffoldError(report.problems)
    plan = report.plan
    before = {p for p in report.problems if p.file == OPD_FILE}
    problems = []
    if not re.match(SLUG, key):
        problems.append(
            _problem(
                "bad-value",
                "--key",
                f"Kunci `{key}` tidak sah.",
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
    if problems:
        raise ScaffoldError(problems)
    path = root / OPD_FILE
    original = path.read_bytes()
    item = {"key": key, "name": name.strip(), "short": short.strip()}
    entry = yaml.safe_dump([item], allow_unicode=True, default_flow_style=None, width=1000)
    separator = b"" if original.endswith(b"\n") or not original else b"\n"
    path.write_bytes(original + separator + entry.encode("utf-8"))
    broken = [p for p in check(root).problems if p.file == OPD_FILE and p not in before]
    if broken:
        path.write_bytes(original)  # nothing anyone wrote is lost
        raise ScaffoldError(broken)
