"""``masterplan adopt``: turn a fresh fork of this repository into a region's own plan.

The sample is illustration: its programmes, OPDs, RPJMD, evaluation and analysis are
removed; what a region always needs is left as a minimal valid plan (the national
taxonomy in data/dimensions.yml, the six dimension pages with empty analyses, the three
agencies every kabupaten/kota has). Site settings in mkdocs.yml name the region and its
repository. The command refuses a working tree with uncommitted changes, so that
``git checkout .`` always undoes it, and the plan it leaves validates clean.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..check.validate import check
from ..model import DIMENSION_KEYS, FIRST_YEAR, LAST_YEAR
from ..outputs import codeowners, layout
from ..read.files import DIMENSION_DIR, PROGRAM_DIR
from ..read.loader import EVALUATIONS_FILE, OPD_FILE, PLAN_FILE, RPJMD_FILE
from ..read.nomenclature import NOMENCLATURE_FILE
from ..read.revision import unclean

#: Agencies every kabupaten and kota has, with the names the national programme uses.
#: A region adds its own with `masterplan new opd` or in the form.
BASE_OPDS = [
    {"key": "setda", "name": "Sekretariat Daerah", "short": "Setda"},
    {"key": "bappeda", "name": "Badan Perencanaan Pembangunan Daerah", "short": "Bappeda"},
    {"key": "diskominfo", "name": "Dinas Komunikasi dan Informatika", "short": "Diskominfo"},
]
REPOSITORY = re.compile(r"https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
REGION = re.compile(r"(Kabupaten|Kota) [A-Z][A-Za-z .'-]{1,60}")

DIMENSION_PAGE = """---
swot:
  strengths: []
  weaknesses: []
  opportunities: []
  threats: []
readiness:
  struktur: {rating: kurang, notes: "Belum dinilai."}
  infrastruktur: {rating: kurang, notes: "Belum dinilai."}
  suprastruktur: {rating: kurang, notes: "Belum dinilai."}
strategy: []
---
## Gambaran umum

Belum ditulis. Isi dengan hasil analisis kelompok kerja dimensi ini: kondisi saat ini,
SWOT, kesiapan (struktur, infrastruktur, suprastruktur) dan strategi.
"""

NEXT_STEPS = """\
Repositori ini sekarang rencana induk {region} ({start}–{end}), tanpa isi contoh.

Langkah berikutnya:
  1. Tinjau perubahan: git status, lalu commit, mis.
       git add -A && git commit -m "Mulai rencana induk {region}"
  2. Isi data/plan.yml (visi, misi, Dewan Smart City, maintainers) dan data/rpjmd.yml.
  3. Tambah OPD: .venv/bin/masterplan new opd --key dinkes --name "Dinas Kesehatan" --short Dinkes
  4. Tulis analisis enam dimensi di docs/dimensi/*/index.md; masukkan tabel nomenklatur
     daerah: .venv/bin/masterplan import nomenclature nomenklatur.csv
  5. Tambah program: .venv/bin/masterplan new program --dimension living --element kesehatan \\
       --lead dinkes --title "…"   (atau lewat formulir /admin/ setelah situs terbit)
  6. Periksa: .venv/bin/masterplan check, lalu tayangkan: scripts/serve
  7. Di GitHub: aktifkan Pages (sumber "GitHub Actions") dan siapkan login formulir
     (Panduan kontributor, bagian formulir web).
"""


class AdoptError(Exception):
    """The repository cannot be adopted as asked; the message says why, in Indonesian."""


@dataclass(frozen=True)
class Region:
    name: str
    kind: str
    start: int
    end: int
    repository: str


def check_request(region: Region) -> list[str]:
    """What is wrong with the flags, one Indonesian sentence each."""
    errors = []
    if not REGION.fullmatch(region.name):
        errors.append(
            f"--region {json.dumps(region.name)} tidak sah: tulis mis. "
            '"Kabupaten Wonosobo" atau "Kota Magelang".'
        )
    if region.kind not in ("kabupaten", "kota"):
        errors.append("--kind harus kabupaten atau kota.")
    elif not region.name.lower().startswith(region.kind):
        errors.append(f'--region harus diawali "{region.kind.capitalize()}" untuk --kind {region.kind}.')
    if not (FIRST_YEAR <= region.start <= region.end <= LAST_YEAR) or region.end - region.start > 10:
        errors.append("--start dan --end harus tahun periode RPJMD, mis. --start 2025 --end 2029.")
    if not REPOSITORY.fullmatch(region.repository):
        errors.append(
            "--repository harus alamat GitHub repositori ini, mis. https://github.com/pemkab-contoh/masterplan."
        )
    return errors


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML string


def _site_settings(text: str, region: Region) -> str:
    """mkdocs.yml with the region's name and repository; comments and the rest kept."""
    settings = {
        "site_name": _quoted(f"Masterplan Smart City {region.name}"),
        "site_description": _quoted(
            f"Rencana induk (masterplan) Smart City {region.name} {region.start}–{region.end}."
        ),
        "edit_uri": f"{region.repository}/edit/main/docs/",
    }
    for key, value in settings.items():
        text, n = re.subn(rf"(?m)^{key}:.*$", f"{key}: {value}", text, count=1)
        if n == 0:
            raise AdoptError(f"mkdocs.yml tidak memuat `{key}:`; tambahkan dulu lalu ulangi.")
    text, n = re.subn(r"(?m)^(  repository:).*$", rf"\1 {region.repository}", text, count=1)
    if n == 0:
        raise AdoptError("mkdocs.yml tidak memuat `extra: repository:`; tambahkan dulu lalu ulangi.")
    return text


def _plan_file(region: Region) -> str:
    return (
        f"# Rencana induk Smart City {region.name}. Isi visi, misi dan lembaga tata kelola.\n"
        f"region: {_quoted(region.name)}\n"
        f"region_kind: {region.kind}\n"
        "illustration: false\n"
        f"period: {{start: {region.start}, end: {region.end}}}\n"
        f"vision: {_quoted(f'Visi RPJMD {region.name} {region.start}–{region.end} (belum diisi)')}\n"
        "missions: []\n"
        "maintainers: []\n"
    )


def adopt(root: Path, region: Region) -> list[str]:
    """Replace the sample with a minimal plan for ``region``; return the files written or
    removed (repository-relative). Raises :class:`AdoptError` before touching anything."""
    errors = check_request(region)
    if errors:
        raise AdoptError(" ".join(errors))
    why = unclean(root)
    if why:
        raise AdoptError(f"Tidak dijalankan: {why}")
    mkdocs = root / "mkdocs.yml"
    settings = _site_settings(mkdocs.read_text(encoding="utf-8"), region)  # may refuse: before any change
    changed: list[str] = []
    for page in sorted((root / PROGRAM_DIR).glob("*/*.md")):
        page.unlink()
        changed.append(page.relative_to(root).as_posix())
    for dimension in DIMENSION_KEYS:
        page = root / DIMENSION_DIR / dimension / "index.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(DIMENSION_PAGE, encoding="utf-8")
        changed.append(page.relative_to(root).as_posix())
    files = {
        PLAN_FILE: _plan_file(region),
        OPD_FILE: "# OPD yang dirujuk kolom lead dan support program. Tambah dengan `masterplan new opd`.\n"
        + layout.dump_list(BASE_OPDS, layout.OPD),
        RPJMD_FILE: "# Misi dan tujuan RPJMD yang dirujuk kolom rpjmd program.\n[]\n",
    }
    for rel, text in files.items():
        (root / rel).write_text(text, encoding="utf-8")
        changed.append(rel)
    # The sample's evaluations and its few nomenclature rows are the sample's own: the
    # region records its evaluations and imports its full nomenclature table.
    for rel in (EVALUATIONS_FILE, NOMENCLATURE_FILE):
        if (root / rel).is_file():
            (root / rel).unlink()
            changed.append(rel)
    mkdocs.write_text(settings, encoding="utf-8")
    changed.append("mkdocs.yml")
    report = check(root)
    if report.plan is not None:
        owners = root / codeowners.PATH
        owners.parent.mkdir(parents=True, exist_ok=True)
        owners.write_text(codeowners.generate(report.plan), encoding="utf-8")
        changed.append(codeowners.PATH)
    return changed


def next_steps(region: Region) -> str:
    return NEXT_STEPS.format(region=region.name, start=region.start, end=region.end)
