"""`.github/CODEOWNERS` generated from the plan: each programme page is owned by the
GitHub team of its lead OPD (``team`` in data/opd.yml); everything else by the plan's
``maintainers``. GitHub then asks the lead OPD to review changes to its programmes."""

from __future__ import annotations

from .model import Masterplan

PATH = ".github/CODEOWNERS"
HEADER = """\
# Dibuat oleh `masterplan codeowners` dari data/opd.yml (team), data/plan.yml
# (maintainers) dan OPD pengampu setiap program. Jangan disunting langsung: jalankan
# `masterplan codeowners` setelah menambah program atau mengganti OPD pengampu.
"""


def generate(plan: Masterplan) -> str:
    lines = [HEADER]
    maintainers = " ".join(plan.info.maintainers)
    if maintainers:
        lines.append(f"* {maintainers}\n")
    teams = {o.key: o.team for o in plan.opds if o.team}
    for program in sorted(plan.programs, key=lambda p: p.path):
        team = teams.get(program.lead)
        if team:
            # Paths never contain spaces: the loader only keeps programmes it can address.
            lines.append(f"/{program.path} {team}\n")
    return "".join(lines)
