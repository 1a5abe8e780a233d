"""`.github/CODEOWNERS` generated from the plan: each programme page is owned by the
GitHub team of its lead OPD (``team`` in data/opd.yml); everything else by the plan's
``maintainers``. GitHub then asks the lead OPD to review changes to its programmes."""

from __future__ import annotations

import re

from ..model import GITHUB_HANDLE, Masterplan
from ..read.files import safe_name

PATH = ".github/CODEOWNERS"
HEADER = """\
# Dibuat oleh `masterplan codeowners` dari data/opd.yml (team), data/plan.yml
# (maintainers) dan OPD pengampu setiap program. Jangan disunting langsung: jalankan
# `masterplan codeowners` setelah menambah program atau mengganti OPD pengampu.
"""


def generate(plan: Masterplan) -> str:
    lines = [HEADER]
    # Each value already passed the schema; checked again here because a newline or a
    # space in CODEOWNERS would grant ownership to whatever follows it.
    maintainers = " ".join(m for m in plan.info.maintainers if re.fullmatch(GITHUB_HANDLE, m))
    if maintainers:
        lines.append(f"* {maintainers}\n")
    owners = teams(plan)
    for program in sorted(plan.programs, key=lambda p: p.path):
        team = owners.get(program.lead)
        if team and safe_name(program.path):
            lines.append(f"/{program.path} {team}\n")
    return "".join(lines)


def teams(plan: Masterplan) -> dict[str, str]:
    """Each OPD's GitHub team (``team`` in data/opd.yml) by OPD key, for OPDs that set one.

    Each value already passed the schema; checked again because CODEOWNERS and the
    reminder issues (``masterplan remind``) write it where it grants or mentions."""
    return {o.key: o.team for o in plan.opds if o.team and re.fullmatch(GITHUB_HANDLE, o.team)}
