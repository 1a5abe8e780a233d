"""A programme's history from git: when its status, progress, lead or budget changed.

The types below are what views show; :func:`program_history` fills them in one pass over
the history per build (never one git call per page).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

#: Front-matter fields whose changes a programme's history lists, in this order.
TRACKED = ("status", "progress", "lead", "budget", "spending", "status_note")


@dataclass(frozen=True)
class FieldChange:
    """One tracked field before and after a commit; budgets as their total in rupiah."""

    name: str
    before: object
    after: object


@dataclass(frozen=True)
class Revision:
    """One commit that changed a programme's page."""

    commit: str
    """Full hash, for the link to the commit."""
    date: datetime.date
    changes: list[FieldChange] = field(default_factory=list)
    """Tracked fields that changed; empty when only the narrative or other fields did.
    The first revision (the page's creation) lists none."""
