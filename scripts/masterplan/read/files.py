"""Which files of ``docs/`` and ``data/`` may be read and published.

A contributor names files, and names travel: into URLs, HTML attributes, the edit link,
``.github/CODEOWNERS``, git commands and workflow logs. So contributor folders accept
only names of a safe shape, and nothing anywhere under ``docs/`` or ``data/`` is read
through a symbolic link (it could point at any file of the build machine).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem

DATA_DIR = "data"
DOCS_DIR = "docs"
DIMENSION_DIR = "docs/dimensi"
PROGRAM_DIR = "docs/program"
CONTRIBUTOR_DIRS = (PROGRAM_DIR, DIMENSION_DIR)
#: Besides Markdown pages, contributor folders may hold these (pictures for narratives).
#: Anything else (HTML, SVG, scripts) would be published as is, so it is refused.
ALLOWED_FILES = (".md", ".png", ".jpg", ".jpeg", ".webp", ".gif")
#: Lowercase words joined by hyphens: safe in a URL, an attribute, a shell and CODEOWNERS.
SAFE_STEM = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

_RENAME_HINT = (
    "Ganti nama dengan huruf kecil, angka dan tanda hubung saja, berakhiran `.md` untuk halaman, "
    "mis. `alat-bantu-disabilitas.md`."
)


def in_contributor_dir(rel: str) -> bool:
    return rel.startswith(tuple(d + "/" for d in CONTRIBUTOR_DIRS))


def safe_name(rel: str) -> bool:
    """Whether every folder and file name of ``rel`` below a contributor folder is safe."""
    for d in CONTRIBUTOR_DIRS:
        if rel.startswith(d + "/"):
            *folders, name = rel[len(d) + 1 :].split("/")
            stem, dot, suffix = name.rpartition(".")
            return (
                all(SAFE_STEM.fullmatch(f) for f in folders)
                and bool(dot)
                and SAFE_STEM.fullmatch(stem) is not None
                and "." + suffix in ALLOWED_FILES
            )
    return True


def has_link(root: Path, rel: str) -> bool:
    """Whether ``rel`` or one of its folders (below ``root``) is a symbolic link."""
    # Strings, not Paths: the build asks this of every file on every build and `mkdocs
    # serve` rebuild (1,030 files at 1,000 programmes: 44 ms with pathlib, 34 ms without).
    path = os.fspath(root)
    for part in rel.split("/"):
        path = os.path.join(path, part)
        if os.path.islink(path):
            return True
    return False


def publishable(root: Path, rel: str) -> bool:
    """Whether the build may read and publish the docs file ``rel`` (``docs/...``)."""
    if has_link(root, rel):
        return False
    return not in_contributor_dir(rel) or safe_name(rel)


@dataclass
class Scan:
    """The regular files of ``docs/`` and ``data/``, and what was refused on the way."""

    files: list[str] = field(default_factory=list)
    """Readable files, relative to the root, sorted (the same order on every machine)."""
    problems: list[Problem] = field(default_factory=list)

    def markdown_below(self, folder: str) -> list[str]:
        return [f for f in self.files if f.startswith(folder + "/") and f.endswith(".md")]


def scan(root: Path) -> Scan:
    """Walk ``docs/`` and ``data/`` without following links; report links, folders named
    like pages and unsafe names in contributor folders."""
    out = Scan()
    for top in (DOCS_DIR, DATA_DIR):
        # Strings, not Paths: pathlib cost a 4,000-programme check 0.1 s here.
        start = os.path.join(root, top)
        for folder, dirs, names in os.walk(start, followlinks=False):
            base = top + folder[len(start) :].replace(os.sep, "/")
            for name in sorted(dirs):
                rel = f"{base}/{name}"
                if os.path.islink(os.path.join(folder, name)):
                    out.problems.append(_link_problem(rel))
                    dirs.remove(name)
                elif name.lower().endswith(".md"):
                    out.problems.append(
                        _problem(
                            rel,
                            "unsafe-file",
                            f"`{_shown(name)}` adalah folder, padahal namanya seperti halaman.",
                            "Pindahkan isinya keluar dan hapus folder itu; halaman adalah berkas `.md`.",
                        )
                    )
                    dirs.remove(name)
            for name in sorted(names):
                rel = f"{base}/{name}"
                if os.path.islink(os.path.join(folder, name)):
                    out.problems.append(_link_problem(rel))
                elif in_contributor_dir(rel) and not safe_name(rel):
                    out.problems.append(_name_problem(rel, name))
                else:
                    out.files.append(rel)
    out.files.sort()
    return out


def _name_problem(rel: str, name: str) -> Problem:
    folders = rel.split("/")[2:-1]  # below docs/program or docs/dimensi
    bad_folder = next((f for f in folders if not SAFE_STEM.fullmatch(f)), None)
    if bad_folder is not None:
        return _problem(
            rel, "bad-filename", f"Nama folder `{_shown(bad_folder)}` di luar pola yang aman.", _RENAME_HINT
        )
    name = _shown(name)
    suffix = name.rpartition(".")[2].lower() if "." in name else ""
    if "." + suffix not in ALLOWED_FILES:
        return _problem(
            rel,
            "unsafe-file",
            f"Berkas `{name}` tidak boleh ada di folder kontributor.",
            "Tulis narasi sebagai Markdown (.md); gambar boleh berupa PNG, JPG, WebP atau GIF. "
            "Hapus berkas ini.",
        )
    what = "halaman" if suffix == "md" else "berkas"
    return _problem(rel, "bad-filename", f"Nama {what} `{name}` di luar pola yang aman.", _RENAME_HINT)


def _link_problem(rel: str) -> Problem:
    return _problem(
        rel,
        "unsafe-file",
        f"`{_shown(rel)}` adalah tautan simbolik (symlink); isinya tidak dibaca dan tidak diterbitkan.",
        "Ganti symlink dengan berkas biasa yang berisi teksnya sendiri.",
    )


def _problem(rel: str, code: str, message: str, hint: str) -> Problem:
    # A name may hold any character: show it as Python would quote it when it is odd, so a
    # newline in a name cannot forge a second line of output.
    return Problem(file=_shown(rel), line=None, code=code, key="", message=message, hint=hint)


def _shown(rel: str) -> str:
    return rel if rel.isprintable() else repr(rel)[1:-1]
