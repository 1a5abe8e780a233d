"""The plan's yearly cycle in git: ``masterplan edition`` records an edition adopted by a
Perbup or Perwali, ``masterplan close-year`` closes a reported year. Each writes one item
into ``data/plan.yml`` (comments and the rest of the file kept), commits it and creates an
annotated tag at that commit: the tag is what the site, the PDF and the validator read the
edition or the closed year from.

Nothing is changed when any check fails; when git refuses the commit or the tag, the file
is put back as it was.
"""

from __future__ import annotations

import datetime
import json
import re
import subprocess
from pathlib import Path

from ..check.validate import check
from ..model import GIT_TAG, Masterplan
from ..read.loader import PLAN_FILE, load_plan
from ..read.revision import unclean
from ..source import Yaml


class CycleError(Exception):
    """The step cannot be taken as asked; the message says why, in Indonesian."""


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except OSError as err:
        raise CycleError("perintah `git` tidak ditemukan; pasang git lebih dulu.") from err


def _ready(root: Path, tag: str) -> Masterplan:
    """The plan, valid, in a clean git tree where ``tag`` does not exist yet."""
    why = unclean(root)
    if why:
        raise CycleError(why[:1].upper() + why[1:])
    if not re.fullmatch(GIT_TAG, tag):
        raise CycleError(f"Nama tag `{tag}` tidak sah.")
    if _git(root, "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}").returncode == 0:
        raise CycleError(f"Tag `{tag}` sudah ada: langkah ini sudah pernah dicatat.")
    report = check(root)
    if report.plan is None or report.problems:
        raise CycleError(
            f"Rencana belum valid ({len(report.problems)} masalah): jalankan `masterplan validate` "
            "dan perbaiki dulu."
        )
    return report.plan


def _flow(item: dict[str, object]) -> str:
    """One list item as a YAML flow mapping; text as JSON strings (valid YAML, never a tag
    or a key of its own), dates and numbers as they are."""
    parts = []
    for key, value in item.items():
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)
        parts.append(f"{key}: {shown}")
    return "{" + ", ".join(parts) + "}"


def add_item(text: str, doc: Yaml, key: str, item: dict[str, object]) -> str:
    """``text`` of data/plan.yml with ``item`` appended to the top-level list ``key``
    (created at the end of the file when absent)."""
    lines = text.split("\n")
    entry = f"  - {_flow(item)}"
    at = doc.lines.get((key,))
    if at is None:
        while lines and lines[-1] == "":
            lines.pop()
        return "\n".join([*lines, f"{key}:", entry]) + "\n"
    current = doc.data.get(key) if isinstance(doc.data, dict) else None
    if not isinstance(current, list):
        raise CycleError(f"`{key}` di {PLAN_FILE} bukan daftar; perbaiki dulu.")
    if not current:  # `key: []`: the line becomes the head of a block list
        lines[at - 1] = f"{key}:"
        return "\n".join([*lines[:at], entry, *lines[at:]])
    if lines[at - 1].split(":", 1)[1].strip():
        raise CycleError(f"Tulis `{key}` di {PLAN_FILE} sebagai daftar baris per baris (`- ...`).")
    # The block ends before the next top-level key, less the blank and comment lines that
    # introduce that key.
    later = [line for path, line in doc.lines.items() if len(path) == 1 and line > at]
    end = min(later) - 1 if later else len(lines)
    while end > at and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return "\n".join([*lines[:end], entry, *lines[end:]])


def _record(root: Path, key: str, item: dict[str, object], message: str, tag: str) -> None:
    """Write the item, commit data/plan.yml and tag the commit; undo the file if git refuses."""
    path = root / PLAN_FILE
    before = path.read_bytes()
    loaded = load_plan(root)
    doc = loaded.data.get(PLAN_FILE)
    if doc is None:
        raise CycleError(f"{PLAN_FILE} tidak dapat dibaca.")
    text = before.decode("utf-8-sig").replace("\r\n", "\n")
    path.write_text(add_item(text, doc, key, item), encoding="utf-8")
    after = check(root, closed_years=False)
    steps = (("add", "--", PLAN_FILE), ("commit", "-q", "-m", message), ("tag", "-a", tag, "-m", message))
    if after.problems:
        path.write_bytes(before)
        raise CycleError(f"Isian baru membuat {PLAN_FILE} tidak valid: {after.problems[0].message}")
    for i, step in enumerate(steps):
        result = _git(root, *step)
        if result.returncode != 0:
            if i >= 2:  # committed but not tagged: take the commit back
                _git(root, "reset", "-q", "--soft", "HEAD~1")
            _git(root, "reset", "-q", "--", PLAN_FILE)
            path.write_bytes(before)
            raise CycleError(f"git menolak `git {step[0]}`: {result.stderr.strip()}")


def close_year(root: Path, year: int, today: datetime.date) -> str:
    """Close ``year``: record it in data/plan.yml, commit, tag ``tahun-<year>-ditutup``."""
    tag = f"tahun-{year}-ditutup"
    plan = _ready(root, tag)
    period = plan.info.period
    if not period.start <= year <= period.end:
        raise CycleError(f"Tahun {year} di luar periode rencana {period.start}–{period.end}.")
    if year >= today.year:
        raise CycleError(f"Tahun {year} belum berakhir: tahun dapat ditutup sesudah 31 Desember {year}.")
    if any(c.year == year for c in plan.info.closed_years):
        raise CycleError(f"Tahun {year} sudah ditutup.")
    item: dict[str, object] = {"year": year, "date": today, "ref": tag}
    _record(root, "closed_years", item, f"Tutup tahun {year}", tag)
    return tag


def record_edition(root: Path, name: str, legal_basis: str, date: datetime.date, today: datetime.date) -> str:
    """Record an adopted edition: data/plan.yml, a commit and the tag ``edisi-<date>``."""
    tag = f"edisi-{date.isoformat()}"
    plan = _ready(root, tag)
    if date > today:
        raise CycleError(f"Tanggal penetapan {date.isoformat()} belum terjadi.")
    for label, value in (("--name", name), ("--legal-basis", legal_basis)):
        if not value.strip() or any(c in value for c in "\0\r\n") or len(value) > 300:
            raise CycleError(f"{label} harus satu baris teks (paling banyak 300 karakter).")
    if any(e.ref == tag for e in plan.info.editions):
        raise CycleError(f"Edisi bertanggal {date.isoformat()} sudah dicatat.")
    item: dict[str, object] = {"name": name, "legal_basis": legal_basis, "date": date, "ref": tag}
    _record(root, "editions", item, f"Catat {name} ({legal_basis})", tag)
    return tag
