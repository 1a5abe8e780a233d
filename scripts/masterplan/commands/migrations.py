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


def rename(path: Path, m: RenameKey) -> str | None:
    """Apply one rename to one file; the report line, or None when the key is not there."""
    text = path.read_text(encoding="utf-8")
    is_page = path.suffix == ".md"
    try:
        start, end = _front(text, is_page)
        before = _data(text, is_page)
    except SourceError as err:
        return f"{path.name}: dilewati, tidak terbaca ({err.message})"
    if not isinstance(before, dict) or m.old not in before:
        return None
    if m.new in before:
        return f"{path.name}: dilewati, `{m.old}` dan `{m.new}` sama-sama ada; gabungkan secara manual"
    head = re.compile(rf"^{re.escape(m.old)}(?=\s*:)", re.MULTILINE)
    updated = text[:start] + head.sub(m.new, text[start:end], count=1) + text[end:]
    after = _data(updated, is_page)
    if not isinstance(after, dict) or m.new not in after or m.old in after or after[m.new] != before[m.old]:
        return f"{path.name}: dilewati, `{m.old}` tidak dapat diganti dengan aman; ubah secara manual"
    path.write_text(updated, encoding="utf-8")
    return f"{m.old} → {m.new} ({m.note})"


def apply(root: Path, since: str) -> list[str]:
    lines = []
    for m in MIGRATIONS:
        if _version(m.version) <= _version(since):
            continue
        for path in sorted(root.glob(m.files)):
            line = rename(path, m)
            if line is not None:
                lines.append(f"{path.relative_to(root).as_posix()}: {line}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="masterplan.commands.migrations")
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--since", required=True, help="versi mesin sebelum pembaruan, mis. 0.1.0")
    args = parser.parse_args(argv)
    for line in apply(args.root, args.since):
        sys.stdout.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
