"""Content migrations: what a release changes in the region's own files, declared once.

`masterplan upgrade` runs this module from the *new* engine (``python -m
masterplan.commands.migrations --root R --since OLD``), which applies every migration of a version
newer than ``OLD``. A migration edits the text of the key it renames, so comments and
layout stay as the region wrote them, and reads the file back with the engine's parser to
confirm the change; a file it cannot change cleanly is reported and left as it was.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ..source import SourceError, parse_yaml, split_page


@dataclass(frozen=True)
class RenameKey:
    """A top-level key renamed in a release (front matter or data file)."""

    version: str
    files: str  # glob relative to the repository, e.g. docs/program/*/*.md
    old: str
    new: str
    note: str  # Indonesian, for the report


#: Every content migration, oldest first. A release that renames or moves a field adds
#: one here, with the version that introduces it.
MIGRATIONS: list[RenameKey] = []


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split("."))


def _front(text: str, is_page: bool) -> tuple[int, int]:
    """Where the YAML of a file is: the front matter of a page, or the whole data file."""
    if not is_page:
        return 0, len(text)
    fence = re.compile(r"^-{3,}\s*$", re.MULTILINE)
    first = fence.match(text)
    closing = fence.search(text, first.end()) if first else None
    if first is None or closing is None:
        raise SourceError("frontmatter-missing", "Halaman tanpa front matter.")
    return first.end(), closing.start()


def _data(text: str, is_page: bool) -> object:
    return split_page(text).meta.data if is_page else parse_yaml(text).data


class Refused(Exception):
    """A file a migration must change but cannot read or change safely: a problem code and
    its Indonesian message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def rename(path: Path, m: RenameKey, *, write: bool = True) -> str | None:
    """Apply one rename to one file; the report line, or None when the key is not there.
    :class:`Refused` when the file cannot be read or changed safely. Without ``write``,
    only checks."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise Refused("encoding", "bukan teks UTF-8; simpan ulang sebagai UTF-8") from None
    except OSError as err:
        raise Refused("unreadable", f"tidak dapat dibaca ({err.strerror})") from None
    is_page = path.suffix == ".md"
    try:
        start, end = _front(text, is_page)
        before = _data(text, is_page)
    except SourceError as err:
        raise Refused(err.code, f"tidak terbaca ({err.message})") from None
    if not isinstance(before, dict) or m.old not in before:
        return None
    if m.new in before:
        raise Refused("duplicate-key", f"`{m.old}` dan `{m.new}` sama-sama ada; gabungkan secara manual")
    head = re.compile(rf"^{re.escape(m.old)}(?=\s*:)", re.MULTILINE)
    updated = text[:start] + head.sub(m.new, text[start:end], count=1) + text[end:]
    after = _data(updated, is_page)
    if not isinstance(after, dict) or m.new not in after or m.old in after or after[m.new] != before[m.old]:
        raise Refused("unsafe-edit", f"`{m.old}` tidak dapat diganti dengan aman; ubah secara manual")
    if write:
        path.write_text(updated, encoding="utf-8")
    return f"{m.old} → {m.new} ({m.note})"


def _files(root: Path, pattern: str) -> tuple[list[Path], list[str]]:
    """The regular files inside ``root`` that ``pattern`` names, and a refusal for each other
    match: a symbolic link (it could point anywhere) or a folder named like a file."""
    files, refused = [], []
    for path in sorted(root.glob(pattern)):
        rel = path.relative_to(root)
        linked = any((root / Path(*rel.parts[: i + 1])).is_symlink() for i in range(len(rel.parts)))
        if linked:
            refused.append(f"{rel.as_posix()}: [symlink] tautan simbolik tidak pernah diubah migrasi")
        elif not path.is_file():
            refused.append(f"{rel.as_posix()}: [not-a-file] bukan berkas biasa (mis. folder bernama .md)")
        else:
            files.append(path)
    return files, refused


def apply(root: Path, since: str, *, write: bool = True) -> tuple[list[str], list[str]]:
    """What the migrations newer than ``since`` change, and what they refuse. Every file is
    checked first; nothing is written when anything is refused (or without ``write``)."""
    pending = [m for m in MIGRATIONS if _version(m.version) > _version(since)]
    lines: list[str] = []
    refused: list[str] = []
    for m in pending:
        files, bad = _files(root, m.files)
        refused += bad
        for path in files:
            try:
                line = rename(path, m, write=False)
            except Refused as err:
                refused.append(f"{path.relative_to(root).as_posix()}: [{err.code}] {err.message}")
                continue
            if line is not None:
                lines.append(f"{path.relative_to(root).as_posix()}: {line}")
    if write and not refused:
        # In order, each reading what the one before wrote. A refusal here (one migration
        # undoing what the check of another expected) stops the upgrade, which puts the
        # tree back as it was.
        for m in pending:
            for path in _files(root, m.files)[0]:
                try:
                    rename(path, m)
                except Refused as err:
                    refused.append(f"{path.relative_to(root).as_posix()}: [{err.code}] {err.message}")
    return lines, refused


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="masterplan.commands.migrations")
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--since", required=True, help="versi mesin sebelum pembaruan, mis. 0.1.0")
    parser.add_argument("--check", action="store_true", help="hanya periksa, tidak mengubah berkas")
    args = parser.parse_args(argv)
    lines, refused = apply(args.root, args.since, write=not args.check)
    for line in lines:
        sys.stdout.write(line + "\n")
    if refused:
        sys.stderr.write("Migrasi isi tidak dijalankan; tidak ada berkas yang diubah:\n")
        for line in refused:
            sys.stderr.write(f"  {line}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
