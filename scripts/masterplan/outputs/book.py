"""The print edition: the whole masterplan in book order, for /cetak/ and for the PDF.

The same HTML body serves both: the site shows it inside the theme, and
:func:`write_pdf` wraps it in a standalone document for WeasyPrint, with a cover, a
table of contents with page numbers and the plan's version on every page.
"""

from __future__ import annotations

import datetime
import subprocess
from dataclasses import dataclass, fields
from pathlib import Path

from markupsafe import Markup

from .. import fmt
from ..check.validate import Report
from ..figures import delivery
from ..figures.delivery import Tally
from ..html.safehtml import render_unanchored
from ..model import Dimension, Masterplan, Program
from ..views import Views, program_order
from ..views.achievement import capaian
from ..views.budget import absorption_text
from ..views.evaluation import PARTS, score


def book_html(report: Report, views: Views, base: str) -> str:
    """The book body: table of contents, then the nine chapters."""
    narratives = [_narrative(p.body, p.path, base) for _, group in book_order(views.plan) for p in group]
    return render_book(views, base, narratives)


def book_order(plan: Masterplan) -> list[tuple[Dimension, list[Program]]]:
    """Programmes by dimension, as chapter 4 lists them."""
    return [(d, sorted(plan.programs_of(d.key), key=program_order)) for d in plan.dimensions]


def render_book(views: Views, base: str, narratives: list[str]) -> str:
    """The book with ``narratives`` (HTML, in book order) in place of the programmes'."""
    order = book_order(views.plan)
    shown = iter(narratives)
    groups = [
        (
            d,
            [
                (p, {k: Markup(v) for k, v in views.program_fragments(p, base).items()}, Markup(next(shown)))
                for p in programs
            ],
        )
        for d, programs in order
    ]
    f = views.figures
    return views.render_template(
        "book.html",
        base,
        groups=groups,
        governance=Markup(views.governance(base)),
        quick_wins=Markup(views.program_list(views.quick_wins, "Quick win", base)),
        roadmap=Markup(views.roadmap(base)),
        matrix=Markup(views.matrix_opd_dimension(base)),
        dims=f.budget_dimension_year(),
        sources=f.budget_source_year(),
        dimension_names=views.names["dimension"],
        sum_table=views.sum_table,
        monitoring=Markup(monitoring_html(views, base)),
    )


@dataclass(frozen=True)
class DimensionTally:
    """A dimension's indicators with their state at the reference date, in programme order."""

    dimension: Dimension
    tally: Tally


def monitoring_html(views: Views, base: str) -> str:
    """The chapter "Pemantauan dan evaluasi": what was delivered by the reference date.

    Print-friendly: tables with captions and no charts; every figure comes from the same
    functions as the achievement, budget and evaluation pages."""
    plan, f = views.plan, views.figures
    as_of = plan.as_of
    tallies = [
        DimensionTally(d, delivery.tally(sorted(plan.programs_of(d.key), key=program_order), as_of))
        for d in plan.dimensions
    ]
    latest = plan.evaluations[-1] if plan.evaluations else None
    known = {d.key: d.name_en for d in plan.dimensions}
    return views.render_template(
        "book_monitoring.html",
        base,
        as_of=as_of,
        STATES=delivery.STATES,
        tallies=tallies,
        whole=delivery.tally(plan.programs, as_of),
        capaian=capaian,
        started=f.started_years,
        by_year=f.money_by_year(),
        by_dimension=f.money_by_dimension,
        by_opd=f.money_by_opd.lowest_absorption_first(),
        opd_names=views.names["opd"],
        funded_years=f.money_by_year(years=f.allocation_years),
        dimension_names=known,
        absorption_text=absorption_text,
        evaluations=plan.evaluations,
        latest=latest,
        parts=[(PARTS[p.name], getattr(latest.parts, p.name)) for p in fields(latest.parts)]
        if latest
        else [],
        # Plan order; a key the plan does not know (the validator reports it) goes last.
        dimension_scores=(
            [(known[k], latest.dimensions[k]) for k in known if k in latest.dimensions]
            + [(k, v) for k, v in latest.dimensions.items() if k not in known]
            if latest
            else []
        ),
        answered=views.answered(latest) if latest else [],
        score=score,
    )


def _narrative(body: str, path: str, base: str) -> str:
    """A narrative as the site shows it (the one renderer and sanitizer), its headings
    made h5 to sit below the programme's own, without the page's heading ids and
    permalinks: they would repeat from one programme to the next on the same page.

    Cleaned HTML holds a heading only as a bare ``<hN>`` (headings keep no attribute, and
    the sanitizer escapes ``<`` in attribute values), so replacing those is exact."""
    html = render_unanchored(body, page=path.removeprefix("docs/"), base=base)
    for level in (1, 2, 3, 4, 6):  # an h5 stays as it is
        html = html.replace(f"<h{level}>", "<h5>").replace(f"</h{level}>", "</h5>")
    return html


def version(root: Path, revision: str = "HEAD") -> str:
    """``Versi a1b2c3d, 22 November 2026``: the git commit and date of the plan (of
    ``revision``, a resolved commit, when printing an edition from its tag)."""
    result = subprocess.run(
        ["git", "-C", str(root), "log", "-1", "--format=%h %cs", revision, "--"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 0 and result.stdout.strip():
        commit, date = result.stdout.split()
        return f"Versi {commit}, {fmt.date(datetime.date.fromisoformat(date))}"
    return f"Versi tanpa git, dicetak {fmt.date(datetime.date.today())}"


def site_css(root: Path) -> Markup:
    """The site's stylesheet, to inline in a standalone print document (``pdf_style.html``)."""
    css = (root / "docs/assets/masterplan.css").read_text(encoding="utf-8")
    return Markup(css.replace("</", "<\\/"))


def pdf_html(report: Report, views: Views, root: Path, revision: str = "HEAD") -> str:
    """A standalone HTML document of the book, styled for print."""
    return views.render_template(
        "pdf.html",
        "",
        css=site_css(root),
        version=version(root, revision),
        book=Markup(book_html(report, views, "")),
    )


def write_pdf(report: Report, views: Views, root: Path, out: Path, revision: str = "HEAD") -> int:
    """Render the PDF to ``out``; return its page count."""
    return render_pdf(pdf_html(report, views, root, revision), root, out)


def render_pdf(html: str, root: Path, out: Path) -> int:
    """Render a standalone document of ours (``html``, holding contributor text) to a PDF
    at ``out``; return its page count. Every PDF of the engine is printed here."""
    from weasyprint import HTML  # imported here: only the PDF commands need it

    from .pdf_fetch import drop_attachments, make_fetcher

    # The document holds contributor text: it may read the docs folder, nothing else, and
    # embeds no files.
    fetcher = make_fetcher(root / "docs")
    document = HTML(string=html, base_url=str(root), url_fetcher=fetcher).render()
    drop_attachments(document)
    document.write_pdf(out, attachments=[])
    return len(document.pages)
