"""When each file last changed, from git history: one `git log` call per build, shared
with the programmes' history (:func:`masterplan.read.history.read_log`)."""

from __future__ import annotations

import datetime
from pathlib import Path

from .history import Log, read_log


def last_changed(root: Path, *, log: Log | None = None) -> dict[str, datetime.date]:
    """Commit date of the last change to every file under data/ and docs/.

    ``log`` is :func:`read_log`'s result when the caller already has it. Empty when
    ``root`` is not a git checkout (e.g. a downloaded archive): pages then simply show
    no date. A shallow clone shows the date of its one commit, so CI checks out full
    history.
    """
    if log is None:
        log = read_log(root)
    return {path: versions[0].date for path, versions in log.items() if versions}
