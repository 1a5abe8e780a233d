"""`masterplan remind`: what each lead OPD has to do on its programmes, and (``--github``)
one open GitHub issue per OPD that keeps that list.

A programme needs its lead OPD, at the plan's reference date (``as_of``), when:

- its ``review_by`` date has passed;
- it is delayed and its page has not changed for ``stale_after_days`` (no recent note);
- otherwise, it is due to run and its page has not changed for ``stale_after_days``;
- an indicator has no actual for a year that has passed;
- it holds a correction made since the latest closing of a year (``closed_years``): the
  Dewan reviews corrections when it closes the next year.

The last three are the site's "perlu diperbarui" list (:func:`..figures.delivery.attention`)
read from the same git dates, so the issue and the site never disagree. A cancelled
programme is never listed.

The issues are found again by a label and a hidden marker naming the OPD's key (an OPD
renamed keeps its issue). Each run changes an issue only when its text would change, so
a week without news writes nothing and notifies nobody.
"""

from __future__ import annotations

import datetime
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .. import fmt
from ..figures import delivery
from ..html.gfm import code, inline, message
from ..html.urls import page_url
from ..model import SLUG, Masterplan, Opd, Program
from ..outputs.codeowners import teams
from ..problems import plain
from ..read.history import newest, program_history
from ..views.base import program_order

# Contributor text goes through html/gfm, as in the pull-request comment: it renders as
# itself and can link, embed, mention or close nothing.
LABEL = "pengingat"
TITLE = "Pengingat: {name}"
MARKER = "<!-- masterplan-remind: {key} -->"
#: The marker at the start of an issue body; the key is a slug, so it can never close the
#: comment or hold anything but letters, digits and hyphens.
_MARKER = re.compile(r"<!-- masterplan-remind: ([a-z0-9]+(?:-[a-z0-9]+)*) -->")
#: Issues per page of the listing (GitHub's maximum), and a bound on the pages read.
PER_PAGE = 100
MAX_PAGES = 100
#: What a site address may look like in a link (scheme, host, port, path): nothing that
#: could end the link or start other Markdown.
_SITE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?")
FOOTER = (
    "Isu ini ditulis oleh `masterplan remind` setiap minggu: diperbarui bila daftarnya berubah "
    "dan ditutup bila kosong. Perbarui halaman programnya, bukan isu ini."
)


@dataclass(frozen=True)
class Reminder:
    """One thing a lead OPD has to do on one programme."""

    program: Program
    task: str
    """What to do, in Indonesian; field names and contributor values in `backticks`."""


def last_changes(root: Path, plan: Masterplan) -> dict[str, datetime.date]:
    """Each programme page's last change, read from git as the site's "perlu diperbarui"
    list reads it (empty outside a git checkout: then no page is ever called stale)."""
    return newest(program_history(root, [p.path for p in plan.programs]))


def reminders(plan: Masterplan, updated: Mapping[str, datetime.date]) -> dict[str, list[Reminder]]:
    """Every OPD's reminders, by OPD key in data/opd.yml order (an empty list when it has
    none); programmes in catalogue order, each programme's reasons in the order above."""
    as_of, days = plan.as_of, plan.info.stale_after_days
    programs = sorted(plan.counted_programs, key=program_order)
    needing = {a.program.id: a for a in delivery.attention(programs, as_of, days, updated)}
    last_closing = max((c.date for c in plan.info.closed_years), default=None)
    out: dict[str, list[Reminder]] = {o.key: [] for o in plan.opds}
    for p in programs:
        tasks = []
        if p.review_by is not None and p.review_by < as_of:
            tasks.append(
                f"tanggal tinjau {fmt.date(p.review_by)} sudah lewat: pastikan isi halaman masih benar, "
                "lalu majukan `review_by`"
            )
        need = needing.get(p.id)
        if need is not None:
            last = updated.get(p.path)
            # The stale rule of delivery.attention, also after the programme's last year:
            # a delayed programme owes a note for as long as it stays delayed.
            if need.delayed and last is not None and (as_of - last).days > days:
                tasks.append(
                    f"tertunda dan halamannya tidak diubah sejak {fmt.date(last)}: tulis perkembangan "
                    "terbaru di `status_note`"
                )
            elif need.stale_since is not None:
                tasks.append(
                    f"halaman tidak diubah sejak {fmt.date(need.stale_since)} padahal program "
                    "semestinya berjalan: perbarui status, progres dan realisasinya"
                )
            for indicator in p.indicators:
                years = [str(year) for ind, year in need.missing if ind is indicator]
                if years:
                    tasks.append(
                        f"realisasi indikator `{indicator.name}` tahun {', '.join(years)} belum diisi: "
                        "isi `actuals`"
                    )
        for c in p.corrections:
            # Corrections made before the latest closing were reviewed at that closing.
            if last_closing is None or c.date > last_closing:
                tasks.append(
                    f"koreksi `{c.field}` tahun {c.year} ({fmt.date(c.date)}) belum ditinjau Dewan "
                    "Smart City: pastikan alasannya jelas"
                )
        out.setdefault(p.lead, []).extend(Reminder(p, task) for task in tasks)
    return out


def opd_label(opd: Opd) -> str:
    return f"{opd.name} ({opd.short})"


def write_text(plan: Masterplan, lists: Mapping[str, list[Reminder]], out: TextIO) -> None:
    """The reminders per OPD for the terminal or a workflow log, then a summary."""
    count = 0
    for opd in plan.opds:
        items = lists.get(opd.key, [])
        if not items:
            continue
        count += len(items)
        out.write(f"{plain(opd_label(opd))}\n")
        for r in items:
            line = f"{r.program.id} {r.program.title}: {r.task} ({r.program.path})"
            out.write(f"  - {plain(line)}\n")
        out.write("\n")
    opds = sum(1 for items in lists.values() if items)
    when = fmt.date(plan.as_of)
    if count:
        out.write(f"{count} pengingat untuk {opds} OPD (tanggal acuan {when}).\n")
    else:
        out.write(f"Tidak ada pengingat (tanggal acuan {when}): semua program OPD mutakhir.\n")


def site_base(url: object) -> str | None:
    """``site_url`` of mkdocs.yml as a base for links, or ``None`` when unknown or odd."""
    if not isinstance(url, str) or not _SITE_URL.fullmatch(url):
        return None
    return url if url.endswith("/") else url + "/"


def issue_title(opd: Opd) -> str:
    # A title renders no Markdown and mentions nobody; only line breaks need to go.
    name = re.sub(r"[\x00-\x1f\x7f\x85\u2028\u2029]", " ", opd.name)
    return TITLE.format(name=name)[:256]


def issue_body(opd: Opd, items: list[Reminder], team: str | None, site: str | None) -> str:
    """The open issue's Markdown: marker, whom it is for, one line a reminder."""
    lines = [
        MARKER.format(key=opd.key),
        f"Pengingat untuk **{inline(opd_label(opd))}** sebagai OPD pengampu program berikut.",
        "",
        f"Tim OPD: {team}"
        if team
        else "Tim GitHub OPD ini belum diisi (`team` di `data/opd.yml`), jadi tidak ada yang disebut.",
        "",
    ]
    for r in items:
        name = inline(f"{r.program.id} {r.program.title}")
        if site is not None:
            name = f"[{name}]({site}{page_url(r.program.path)})"
        lines.append(f"- {name}: {message(r.task)} ({code(r.program.path)})")
    lines += ["", FOOTER, ""]
    return "\n".join(lines)


def closed_body(key: str, opd: Opd | None) -> str:
    """The body an issue is closed with: its list is empty (or the OPD is gone)."""
    who = (
        f"**{inline(opd_label(opd))}**"
        if opd is not None
        else f"OPD {code(key)} (tidak lagi di `data/opd.yml`)"
    )
    return f"{MARKER.format(key=key)}\nTidak ada lagi pengingat untuk {who}: daftarnya kosong.\n\n{FOOTER}\n"


class GitHubError(Exception):
    """A GitHub request that failed, said in Indonesian (never with the token)."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would carry the token to wherever it points: refuse it instead.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class GitHub:
    """The few issue endpoints of GitHub's REST API, with the standard library only."""

    def __init__(self, api: str, repository: str, token: str) -> None:
        self.api = api.rstrip("/")
        self.repository = repository
        self._token = token
        self._opener = urllib.request.build_opener(_NoRedirect)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GitHub:
        """The API, repository and token that GitHub Actions sets for a workflow."""
        token = env.get("GITHUB_TOKEN", "")
        if not token:
            raise GitHubError(
                "GITHUB_TOKEN belum diisi. Di GitHub Actions beri `env: GITHUB_TOKEN: "
                "${{ secrets.GITHUB_TOKEN }}` (izin issues: write); di komputer sendiri, token "
                "yang boleh menulis isu repositori ini."
            )
        repository = env.get("GITHUB_REPOSITORY", "")
        if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repository):
            raise GitHubError(
                "GITHUB_REPOSITORY harus berbentuk pemilik/nama, mis. pemkab-contoh/masterplan."
            )
        api = env.get("GITHUB_API_URL") or "https://api.github.com"
        parts = urllib.parse.urlsplit(api)
        local = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost")
        if not (parts.scheme == "https" or local) or not parts.hostname:
            # The token is never sent in clear text over the network.
            raise GitHubError(f"GITHUB_API_URL harus alamat https, bukan {plain(api)!r}.")
        return cls(api, repository, token)

    def call(self, method: str, path: str, data: dict[str, Any] | None = None) -> Any:
        """One request to ``repos/<repository>/<path>``; its JSON answer."""
        request = urllib.request.Request(
            f"{self.api}/repos/{self.repository}/{path}",
            method=method,
            data=None if data is None else json.dumps(data).encode("utf-8"),
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {self._token}",
                "Content-Type": "application/json",
                "User-Agent": "masterplan-remind",
                "X-GitHub-Api-Version": "2022-11-28",
            },
        )
        what = f"{method} {path.partition('?')[0]}"
        try:
            with self._opener.open(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as err:
            raise GitHubError(
                f"GitHub menolak {what}: HTTP {err.code} {_detail(err)}. Periksa GITHUB_REPOSITORY "
                "dan bahwa token boleh menulis isu (permissions: issues: write)."
            ) from None
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise GitHubError(f"tidak dapat menghubungi {self.api} ({what}): {reason}.") from None
        except ValueError:
            raise GitHubError(f"jawaban GitHub atas {what} bukan JSON.") from None


def _detail(err: urllib.error.HTTPError) -> str:
    """GitHub's own short message of an error answer ("Bad credentials"), when it has one."""
    try:
        message = json.loads(err.read(2000)).get("message")
    except (ValueError, AttributeError, OSError):
        message = None
    return f"({message[:200]})" if isinstance(message, str) else str(err.reason)


def open_issues(github: GitHub) -> dict[str, dict[str, Any]]:
    """The open reminder issues by OPD key: labelled, with the marker at the start of the
    body; the oldest one when there are two for one OPD."""
    found: dict[str, dict[str, Any]] = {}
    for page in range(1, MAX_PAGES + 1):
        batch = github.call(
            "GET",
            f"issues?state=open&labels={LABEL}&sort=created&direction=asc&per_page={PER_PAGE}&page={page}",
        )
        if not isinstance(batch, list):
            raise GitHubError("jawaban GitHub atas daftar isu bukan daftar.")
        for issue in batch:
            if (
                not isinstance(issue, dict)
                or "pull_request" in issue
                or not isinstance(issue.get("number"), int)
            ):
                continue  # the issues endpoint lists pull requests too
            marker = _MARKER.match(issue.get("body") or "")
            if marker:
                found.setdefault(marker.group(1), issue)
        if len(batch) < PER_PAGE:
            break
    return found


def sync(
    github: GitHub, plan: Masterplan, lists: Mapping[str, list[Reminder]], site: str | None, out: TextIO
) -> None:
    """Make the open reminder issues match ``lists``: open, update or close each OPD's one,
    writing only what changes. What it did is written to ``out``, one line an issue."""
    issues = open_issues(github)
    owners = teams(plan)
    for opd in plan.opds:
        if not re.fullmatch(SLUG, opd.key):
            continue  # a valid plan has none; the key goes into the marker
        items = lists.get(opd.key, [])
        issue = issues.pop(opd.key, None)
        who = plain(opd.short)
        if items:
            title, body = issue_title(opd), issue_body(opd, items, owners.get(opd.key), site)
            if issue is None:
                created = github.call("POST", "issues", {"title": title, "body": body, "labels": [LABEL]})
                number = created.get("number") if isinstance(created, dict) else "?"
                out.write(f"{who}: isu #{number} dibuka ({len(items)} pengingat).\n")
            elif issue.get("title") != title or issue.get("body") != body:
                github.call("PATCH", f"issues/{issue['number']}", {"title": title, "body": body})
                out.write(f"{who}: isu #{issue['number']} diperbarui ({len(items)} pengingat).\n")
            else:
                out.write(f"{who}: isu #{issue['number']} tetap ({len(items)} pengingat).\n")
        elif issue is not None:
            _close(github, issue, closed_body(opd.key, opd))
            out.write(f"{who}: isu #{issue['number']} ditutup, tidak ada pengingat.\n")
    for key, issue in sorted(issues.items()):  # OPDs no longer in data/opd.yml
        _close(github, issue, closed_body(key, None))
        out.write(f"{key}: isu #{issue['number']} ditutup, OPD tidak lagi ada.\n")


def _close(github: GitHub, issue: dict[str, Any], body: str) -> None:
    github.call(
        "PATCH", f"issues/{issue['number']}", {"state": "closed", "state_reason": "completed", "body": body}
    )
