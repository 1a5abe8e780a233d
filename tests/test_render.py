"""Generated fragments: golden files for the panels and lists, and escaping of every
value a contributor wrote."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest

from conftest import loaded
from masterplan import fmt
from masterplan.figures import delivery
from masterplan.model import SpendingLine
from masterplan.read.history import FieldChange, Revision
from masterplan.views import Views, md_text, page_url


def test_program_page_golden(plan_repo: Path, golden) -> None:  # type: ignore[no-untyped-def]
    plan = loaded(plan_repo)
    program = plan.program("LIV-01")
    assert program is not None
    golden("program_page.html", Views(plan).program_page(program, "../../../"))


def test_dimension_page_golden(plan_repo: Path, golden) -> None:  # type: ignore[no-untyped-def]
    plan = loaded(plan_repo)
    dimension = plan.dimension("living")
    assert dimension is not None
    golden("dimension_page.html", Views(plan).dimension_page(dimension, plan.pages["living"], "../../"))


def test_home_golden(plan_repo: Path, golden) -> None:  # type: ignore[no-untyped-def]
    golden("home.md", Views(loaded(plan_repo)).home())


def test_governance_golden(plan_repo: Path, golden) -> None:  # type: ignore[no-untyped-def]
    golden("governance.md", Views(loaded(plan_repo)).governance())


HOSTILE = '<script>alert("x")</script> & [klik](javascript:alert(1)) {{ 7*7 }}'


def test_contributor_values_are_escaped(plan_repo: Path) -> None:
    plan = loaded(plan_repo)
    program = plan.program("LIV-01")
    assert program is not None
    program.title = HOSTILE
    program.partners[0].name = HOSTILE
    program.indicators[0].name = HOSTILE
    program.status_note = HOSTILE
    opd = plan.opd("dishub")
    assert opd is not None
    opd.name = HOSTILE
    plan.dimensions[3].elements[2].name = HOSTILE  # living / mobilitas-transportasi
    views = Views(plan)
    for page in (
        views.program_page(program, "../../../"),
        views.dimension_page(plan.dimensions[3], plan.pages["living"], "../../"),
        markdown.markdown(views.home(), extensions=["tables", "admonition", "toc"]),
    ):
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp;" in page
        assert "<script" not in page
        assert 'href="javascript' not in page


def test_hostile_narrative_is_published_clean_with_its_prose(plan_repo: Path) -> None:
    plan = loaded(plan_repo)
    program = plan.program("LIV-01")
    assert program is not None
    program.body = (
        "Halte <img src=x onerror=alert(1)> ramah [difabel](javascript:alert(1)).\n\n"
        "<script>alert(2)</script>\n\n![foto](https://contoh.example/a.png) akhir."
    )
    page = Views(plan).program_page(program, "")
    assert "Halte" in page and "ramah" in page and "difabel" in page and "akhir." in page
    for gone in ("onerror", "javascript", "<script", "alert(2)", "contoh.example"):
        assert gone not in page


@pytest.mark.parametrize(
    ("src", "url"),
    [
        ("docs/index.md", ""),
        ("docs/program/index.md", "program/"),
        ("docs/program/living/alat-bantu.md", "program/living/alat-bantu/"),
        ("docs/program/living/a b.md", "program/living/a%20b/"),
    ],
)
def test_page_url_matches_mkdocs_directory_urls(src: str, url: str) -> None:
    assert page_url(src) == url


def test_md_text_escapes_markdown_punctuation() -> None:
    assert md_text("[a](b) *c* #1") == r"\[a\]\(b\) \*c\* \#1"


@pytest.mark.parametrize(
    ("amount", "table", "prose"),
    [
        (1_250_000_000, "Rp1.250.000.000", "Rp1,25 miliar"),
        (350_000_000, "Rp350.000.000", "Rp350 juta"),
        (91_210_000_000, "Rp91.210.000.000", "Rp91,21 miliar"),
        (2_500_000_000_000, "Rp2.500.000.000.000", "Rp2,5 triliun"),
        (0, "Rp0", "Rp0"),
    ],
)
def test_rupiah_in_indonesian_format(amount: int, table: str, prose: str) -> None:
    assert fmt.rupiah(amount) == table
    assert fmt.rupiah_words(amount) == prose


def test_numbers_dates_and_percentages() -> None:
    assert fmt.number(60.5) == "60,5"
    assert fmt.number(1234567.25) == "1.234.567,25"
    assert fmt.percent(10, 12) == "83,33%"
    assert fmt.date(datetime.date(2024, 6, 24)) == "24 Juni 2024"
    assert fmt.years(2025, 2025) == "2025" and fmt.years(2025, 2027) == "2025–2027"


class Tables(HTMLParser):
    """The tables of a page as cell texts by section, every element id, and the charts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: list[dict[str, Any]] = []
        self.ids: list[str] = []
        self.charts: list[dict[str, str | None]] = []
        self.titles: dict[str, str] = {}
        self._stack: list[dict[str, Any]] = []
        self._cell: list[str] | None = None
        self._section = "tbody"
        self._title: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if attr.get("id"):
            self.ids.append(str(attr["id"]))
        if tag == "table":
            self._stack.append({"id": attr.get("id"), "class": attr.get("class", ""), "rows": {}})
        elif tag in ("thead", "tbody", "tfoot"):
            self._section = tag
        elif tag == "tr" and self._stack:
            self._stack[-1]["rows"].setdefault(self._section, []).append([])
        elif tag in ("td", "th") and self._stack:
            self._cell = []
        elif tag == "svg":
            self.charts.append(attr)
        elif tag == "title":
            self._title = attr.get("id") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.tables.append(self._stack.pop())
            self._section = "tbody"
        elif tag in ("td", "th") and self._stack and self._cell is not None:
            self._stack[-1]["rows"][self._section][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "title":
            self._title = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._title:
            self.titles[self._title] = self.titles.get(self._title, "") + data

    def table(self, css_class: str) -> list[dict[str, Any]]:
        return [t for t in self.tables if css_class in t["class"].split()]


def rupiah_value(text: str) -> int:
    """``Rp1.250.000`` -> 1250000; a dash or "Belum dilaporkan" is nothing spent."""
    return int(text.removeprefix("Rp").replace(".", "")) if text.startswith("Rp") else 0


def percent_value(text: str) -> float | None:
    return None if text == "—" else float(text.removesuffix("%").replace(".", "").replace(",", "."))


def test_delayed_program_golden(plan_repo: Path, golden) -> None:  # type: ignore[no-untyped-def]
    """SOC-01: delayed with a note, spending, two indicators (one lower-is-better)."""
    plan = loaded(plan_repo)
    program = plan.program("SOC-01")
    assert program is not None
    golden("program_delayed.html", Views(plan).program_page(program, "../../../"))


def test_status_note_is_shown_beside_the_status_as_text(plan_repo: Path) -> None:
    plan = loaded(plan_repo)
    program = plan.program("SOC-01")
    assert program is not None
    page = Views(plan).program_page(program, "")
    status = re.search(r"<dt>Status dan progres</dt>\n<dd>(.*?)</dd>", page)
    assert status is not None
    assert "Tertunda, 25%" in status.group(1)
    assert "Keterangan: Pengadaan perangkat diulang karena penyedia mundur." in status.group(1)
    program.status_note = ""
    assert "Keterangan:" not in Views(plan).program_page(program, "")


@pytest.mark.parametrize("program_id", ["SOC-01", "LIV-01"])
def test_indicator_years_show_target_actual_and_achievement(plan_repo: Path, program_id: str) -> None:
    plan = loaded(plan_repo)
    program = plan.program(program_id)
    assert program is not None
    page = Tables(Views(plan).program_page(program, ""))
    tables = page.table("mp-indicator-years")
    assert len(tables) == len(program.indicators)
    for ind, table in zip(program.indicators, tables, strict=True):
        rows = table["rows"]["tbody"]
        assert [int(r[0]) for r in rows] == sorted(set(ind.targets) | set(ind.actuals))
        for year_text, target, actual, capaian, state in rows:
            year = int(year_text)
            assert target == (fmt.number(ind.targets[year]) if year in ind.targets else "—")
            assert actual == (fmt.number(ind.actuals[year]) if year in ind.actuals else "—")
            expected = delivery.achievement(ind, year)
            shown = percent_value(capaian)
            if expected is None:
                assert shown is None
            else:
                assert shown is not None and abs(shown - expected) <= 0.005
            due = delivery.year_state(ind, year, plan.as_of)
            assert state == (
                delivery.STATES[due] if due != "not-due" or year in ind.targets else "Tanpa target"
            )


def test_achievement_is_direction_aware_and_unreported_years_are_named(plan_repo: Path) -> None:
    plan = loaded(plan_repo)
    soc, liv = plan.program("SOC-01"), plan.program("LIV-01")
    assert soc is not None and liv is not None
    page = Tables(Views(plan).program_page(soc, ""))
    dropout = page.table("mp-indicator-years")[1]["rows"]["tbody"]
    # Angka putus sekolah goes down: 2,8 against a target of 3 is (2 - 2,8/3) x 100.
    assert dropout[0] == ["2025", "3", "2,8", "106,67%", "Sesuai target"]
    assert "makin rendah makin baik" in Views(plan).program_page(soc, "")
    villages = page.table("mp-indicator-years")[0]["rows"]["tbody"]
    assert villages[0] == ["2025", "10", "6", "60%", "Di bawah target"]
    assert villages[1][4] == "Belum jatuh tempo"  # 2026 is not over on 31 March 2026
    # LIV-01 has a 2025 target and no 2025 actual: on 31 March 2026 that year has passed.
    assert plan.as_of == datetime.date(2026, 3, 31)
    fleet = Tables(Views(plan).program_page(liv, "")).table("mp-indicator-years")[0]["rows"]["tbody"]
    assert fleet == [
        ["2025", "20", "—", "—", "Belum dilaporkan"],
        ["2026", "60,5", "—", "—", "Belum jatuh tempo"],
    ]
    overview = Tables(Views(plan).program_page(liv, "")).table("mp-indicators")[0]["rows"]["tbody"]
    assert overview == [["Armada dengan alat bantu", "unit", "0", "2025: Belum dilaporkan"]]


def test_budget_rows_reconcile_with_the_programme_totals(plan_repo: Path) -> None:
    plan = loaded(plan_repo)
    program = plan.program("SOC-01")
    assert program is not None
    # Spending from a source the budget never planned still shows, planned Rp0.
    program.spending.append(SpendingLine(year=2025, amount=30_000_000, source="DAK"))
    page = Tables(Views(plan).program_page(program, ""))
    (table,) = page.table("mp-budget")
    rows, (to_date, total) = table["rows"]["tbody"], table["rows"]["tfoot"]
    assert rows == [
        ["2025", "APBD", "Rp400.000.000", "Rp220.000.000", "55%"],
        ["2025", "DAK", "Rp0", "Rp30.000.000", "—"],
        ["2026", "APBD", "Rp300.000.000", "—", "—"],
        ["2026", "CSR", "Rp100.000.000", "—", "—"],
    ]
    assert sum(rupiah_value(r[2]) for r in rows) == rupiah_value(total[1]) == program.total_budget
    assert sum(rupiah_value(r[3]) for r in rows) == rupiah_value(total[2]) == program.total_spending
    assert program.total_spending == 250_000_000
    # Serapan is measured against the years that have begun (here 2025 and 2026), as on
    # the budget and home pages; later years cannot have spending yet.
    begun = sum(line.amount for line in program.budget if line.year <= plan.as_of.year)
    assert rupiah_value(to_date[1]) == begun
    assert rupiah_value(to_date[2]) == program.total_spending
    absorption = program.total_spending / begun * 100
    assert absorption is not None and percent_value(to_date[3]) == pytest.approx(absorption, abs=0.005)
    assert total[3] == "—"


def test_a_passed_year_without_spending_says_not_reported(plan_repo: Path) -> None:
    plan = loaded(plan_repo)
    program = plan.program("LIV-01")
    assert program is not None and not program.spending
    (table,) = Tables(Views(plan).program_page(program, "")).table("mp-budget")
    assert table["rows"]["tbody"] == [
        ["2025", "APBD", "Rp350.000.000", "Belum dilaporkan", "—"],
        ["2026", "DAK", "Rp200.000.000", "—", "—"],
    ]
    assert table["rows"]["tfoot"] == [
        ["Tahun yang sudah berjalan (s.d. 2026)", "Rp550.000.000", "Rp0", "0%"],
        ["Total seluruh tahun program", "Rp550.000.000", "Rp0", "—"],
    ]


SHA = "0123456789abcdef0123456789abcdef01234567"
REVISIONS = [
    Revision(
        SHA,
        datetime.date(2026, 2, 10),
        [
            FieldChange("status", "ongoing", "delayed"),
            FieldChange("progress", 20, 25),
            FieldChange("status_note", "", "Pengadaan diulang."),
        ],
    ),
    # Not a full lowercase hash: it came from somewhere else and gets no link.
    Revision(
        'abc"><script>alert(1)</script>',
        datetime.date(2025, 11, 3),
        [FieldChange("lead", "dishub", "dinsos"), FieldChange("spending", 0, 220_000_000)],
    ),
    Revision("1" * 40, datetime.date(2025, 8, 1), []),  # the narrative only: not listed
    Revision(
        "2" * 40,
        datetime.date(2025, 3, 1),
        [FieldChange("status", "planned", "ongoing"), FieldChange("budget", 700_000_000, 800_000_000)],
    ),
    Revision("f" * 40, datetime.date(2025, 1, 15), []),  # the page's creation
]


def test_history_lists_tracked_changes_newest_first_with_commit_links(
    plan_repo: Path,
    golden,  # type: ignore[no-untyped-def]
) -> None:
    plan = loaded(plan_repo)
    program = plan.program("SOC-01")
    assert program is not None
    views = Views(plan, repository="https://github.com/contoh/rencana/", history={program.path: REVISIONS})
    fragment = views.program_fragments(program, "")["history"]
    golden("program_history.html", fragment)
    items = re.findall(r"<li>(.*?)</li>", fragment)
    assert len(items) == 4  # the narrative-only revision is left out
    assert items[0].startswith('<time datetime="2026-02-10">10 Februari 2026</time>: ')
    assert "Status: Berjalan → Tertunda; Progres: 20% → 25%; Keterangan status ditambahkan" in items[0]
    assert f'href="https://github.com/contoh/rencana/commit/{SHA}"' in items[0]
    assert "OPD pengampu: Dishub → Dinsos; Realisasi anggaran: Rp0 → Rp220.000.000" in items[1]
    assert "href" not in items[1] and "<script" not in fragment
    assert "Status: Direncanakan → Berjalan; Anggaran: Rp700.000.000 → Rp800.000.000" in items[2]
    link = f'<a href="https://github.com/contoh/rencana/commit/{"f" * 40}">perubahan fffffff</a>'
    creation = f"Halaman dibuat ({link})"
    assert items[3] == f'<time datetime="2025-01-15">15 Januari 2025</time>: {creation}'
    # Without a repository there is nothing to link to.
    plain = Views(plan, history={program.path: REVISIONS}).program_fragments(program, "")["history"]
    assert "href" not in plain and "Halaman dibuat" in plain


def test_history_outside_git_says_when_it_appears(plan_repo: Path) -> None:
    plan = loaded(plan_repo)
    program = plan.program("SOC-01")
    assert program is not None
    page = Views(plan).program_page(program, "")
    assert '<h2 id="riwayat-perubahan">Riwayat perubahan' in page
    assert "muncul setelah halaman ini tersimpan di git" in page
    # In git with a single revision: that revision created the page.
    page = Views(plan, history={program.path: [REVISIONS[-1]]}).program_page(program, "")
    assert "Halaman dibuat" in page and "tersimpan di git" not in page


def test_charts_are_described_by_their_tables_with_unique_ids(plan_repo: Path) -> None:
    plan = loaded(plan_repo)
    views = Views(plan)
    program = plan.program("SOC-01")
    assert program is not None
    page = Tables(views.program_page(program, ""))
    assert len(page.charts) == len(program.indicators) == 2
    table_ids = {t["id"] for t in page.tables if t["id"]}
    for chart, ind in zip(page.charts, program.indicators, strict=True):
        assert chart["role"] == "img" and chart["viewbox"] and chart["width"] == "100%"
        assert chart["aria-describedby"] in table_ids
        assert page.titles[str(chart["aria-labelledby"])] == (
            f"{ind.name}: target dan realisasi per tahun ({ind.unit})"
        )
    # Ids stay unique where every programme's panels meet: the print edition.
    every = Tables("".join(views.program_page(p, "") for p in plan.programs))
    generated = [i for i in every.ids if i.startswith("mp--")]
    assert generated and len(generated) == len(set(generated))
    assert all(re.fullmatch(r"mp--[0-9]+-indikator-[0-9]+(-judul)?", i) for i in generated)
