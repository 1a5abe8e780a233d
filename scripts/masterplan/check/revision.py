"""A plan as it was at a git revision, read from git objects and validated."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..read.revision import read_revision, resolve_revision
from .validate import Report, check


def load_revision(root: Path, revision: str) -> Report:
    """Validate the plan as it is at ``revision``, read from git."""
    commit = resolve_revision(root, revision)
    with tempfile.TemporaryDirectory(prefix="masterplan-diff-") as tmp:
        skipped = read_revision(root, commit, Path(tmp))
        # A revision in a temporary folder has no git history to compare closed years with.
        report = check(Path(tmp), closed_years=False)
    problems = sorted({*report.problems, *skipped}, key=lambda p: (p.file, p.line or 0, p.code, p.key))
    return Report(plan=report.plan, problems=problems, files=report.files)
