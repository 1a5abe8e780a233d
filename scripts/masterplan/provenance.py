"""When each file last changed, from git history: one `git log` call per build."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path


def last_changed(root: Path) -> dict[str, datetime.date]:
    """Commit date of the last change to every file under data/ and docs/.

    Empty when ``root`` is not a git checkout (e.g. a downloaded archive): pages then
    simply show no date. A shallow clone shows the date of its one commit, so CI checks
    out full history.
    """
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "log", "--format=%x00%cs", "--name-only", "--", "data", "docs"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return {}
    if result.returncode != 0:
        return {}
    dates: dict[str, datetime.date] = {}
    current: datetime.date | None = None
    for line in result.stdout.splitlines():
        if line.startswith("\0"):
            current = datetime.date.fromisoformat(line[1:])
        elif line and current is not None:
            dates.setdefault(line, current)  # newest commit first: keep the first seen
    return dates
