"""Hostile and broken input: every case of tests/cases built into a site, injection in
every front-matter field, and property-based tests of the loader and the renderers.

For each case: the validator reports it (tests/test_cases.py), the build logs it as a
warning (so --strict fails) or fails cleanly, no traceback, nothing a contributor could
inject reaches the HTML, and no file of the repository changes."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from test_cases import CASES, apply_case, tree_digest

from conftest import build_site
from masterplan.check.validate import check
from masterplan.read.loader import load_plan
from masterplan.source import SourceError, parse_yaml, split_page
from masterplan.views import Views

#: Tags that load, embed or send something, or change where the page's links go (the
#: theme's own inline SVG icons and its search form, without an action, are not).
ACTIVE_TAGS = {"iframe", "object", "embed", "base", "frame", "applet"}


class LiveMarkup(HTMLParser):
    """Finds markup that would run or reach out: inline scripts, on* handlers,
    javascript: URLs, resources from another host, embedding and redirecting tags.

    Escaped text (``&lt;script&gt;``) is data to this parser, exactly as to a browser.
    """

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script" and not dict(attrs).get("src")
        named = dict(attrs)
        redirect = tag == "meta" and "http-equiv" in named
        if tag in ACTIVE_TAGS or redirect or (tag == "form" and "action" in named):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            url = "".join((value or "").split()).lower().replace("\\", "/")
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction", "data", "srcset") and url.startswith(
                ("javascript:", "vbscript:", "data:text")
            ):
                self.found.append(f"<{tag} {name}={value}>")
            remote = url.startswith(("http:", "https:", "//", "file:"))
            if name in ("src", "srcset", "data", "poster") and remote:
                self.found.append(f"remote <{tag} {name}={value}>")

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert(" in data:
            self.found.append("inline script calling alert")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def live_markup(html: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(html)
    return parser.found


def digest(repo: Path) -> dict[str, str]:
    return {k: v for k, v in tree_digest(repo).items() if not k.startswith("site/")}


def built_html(repo: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in (repo / "site").rglob("*.html"))


def assert_nothing_from_outside(site: Path) -> None:
    """No file of the build machine outside the repository reached the site."""
    secrets = [line.encode() for line in Path("/etc/passwd").read_text().splitlines()[:1] if line]
    for path in site.rglob("*"):
        assert not path.is_symlink(), f"{path} is a link in the published site"
        if path.is_file():
            data = path.read_bytes()
            assert not any(secret in data for secret in secrets), f"{path} holds /etc/passwd"


def assert_clean_build(repo: Path, *, problems: bool) -> None:
    before = digest(repo)
    result = build_site(repo, strict=False)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    if result.returncode == 0:
        assert live_markup(built_html(repo)) == []
        assert_nothing_from_outside(repo / "site")
        if problems:
            assert "WARNING" in output  # so `mkdocs build --strict` fails
    else:
        assert "ERROR" in output or "Aborted" in output
    assert digest(repo) == before, "the build must not change the repository"


#: Problems of a programme's narrative alone (what the renderer and its sanitizer change).
NARRATIVE = {"raw-html", "unsafe-link", "remote-image", "too-complex", "template-syntax"}
#: Problems that depend on where a page is or on its id: such a case needs its own build.
PLACED = {"duplicate-id", "id-prefix-mismatch", "bad-id", "misplaced-page"}
#: Problems that keep a page from being read at all.
UNREAD = {"frontmatter-missing", "frontmatter-unclosed", "yaml-syntax", "empty-file", "encoding"}


def one_page(case: dict[str, Any]) -> str | None:
    """The programme page a case changes, when it changes nothing else, every problem it
    expects is in that page, and none depends on the page's place or id."""
    if any(case.get(k) for k in ("remove", "mkdir", "symlink", "write")):
        return None
    files = {rel for k in ("replace", "grow", "expand", "repeat") for rel in case.get(k) or {}}
    rel = next(iter(files)) if len(files) == 1 else ""
    if not rel.startswith("docs/program/"):
        return None
    own = all(
        e[0] == rel and not (e[3] or "").startswith("id") and e[2] not in PLACED | UNREAD
        for e in case["expect"]
    )
    return rel if own else None


LOADED = {c: yaml.safe_load(c.read_text(encoding="utf-8")) for c in CASES}
#: Cases that change one programme page are built together, each as a page of its own
#: (one build instead of about a hundred); every other case gets its own build.
TOGETHER = [c for c in CASES if one_page(LOADED[c])]
APART = [c for c in CASES if c not in TOGETHER]


@pytest.mark.parametrize("case_file", APART, ids=[c.stem for c in APART])
def test_every_case_builds_cleanly_or_fails_cleanly(site_repo: Path, case_file: Path) -> None:
    case = LOADED[case_file]
    apply_case(site_repo, case)
    assert_clean_build(site_repo, problems=bool(case["expect"]))


def test_every_one_page_case_builds_cleanly_as_a_page_of_one_site(site_repo: Path, tmp_path: Path) -> None:
    """Each one-page case applied to a fresh copy of its page, saved as a new programme
    (its own file, id and URL) of one site: the build stays clean, every page inert, and
    every page whose case changed only its narrative is published."""
    assert len(TOGETHER) > 80
    for number, case_file in enumerate(TOGETHER, start=100):
        case = LOADED[case_file]
        rel = one_page(case)
        assert rel is not None
        scratch = tmp_path / case_file.stem
        (scratch / rel).parent.mkdir(parents=True)
        (scratch / rel).write_bytes((site_repo / rel).read_bytes())
        apply_case(scratch, case)
        text = (scratch / rel).read_text("utf-8")
        text, renamed = re.subn(r"^id: ([A-Z]+)-\d+$", rf"id: \1-{number}", text, count=1, flags=re.M)
        assert renamed == 1, case_file
        (site_repo / rel).with_name(f"kasus-{case_file.stem.lower()}.md").write_text(text, "utf-8")
    assert_clean_build(site_repo, problems=True)
    for case_file in TOGETHER:
        case = LOADED[case_file]
        rel = one_page(case)
        assert rel is not None
        if all(e[2] in NARRATIVE for e in case["expect"]):
            folder = site_repo / "site" / Path(rel).parent.relative_to("docs")
            assert (folder / f"kasus-{case_file.stem.lower()}" / "index.html").is_file(), case_file


def test_live_markup_detector_tells_markup_from_text() -> None:
    assert live_markup('<p><img src=x onerror="alert(1)"><a href=" javascript:x">a</a></p>') == [
        "<img onerror=...>",
        "<a href= javascript:x>",
    ]
    assert live_markup("<script>alert(1)</script>") == ["inline script calling alert"]
    assert live_markup("<pre>&lt;img src=x onerror=alert(1)&gt; &lt;script&gt;alert(1)</pre>") == []
    assert live_markup('<img src="//host.example/a.png"><iframe src="x"></iframe><a href="/x">') == [
        "remote <img src=//host.example/a.png>",
        "<iframe>",
    ]


PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(1)>'
FIELDS = [
    ("title: Alat Bantu Disabilitas di Angkutan Umum", "title: '{p}'"),
    ("element: mobilitas-transportasi", "element: '{p}'"),
    ("lead: dishub", "lead: '{p}'"),
    ("support: [dinsos, diskominfo]", "support: [dinsos, '{p}']"),
    ('{name: "Komunitas Difabel", kind: komunitas}', "{{name: '{p}', kind: komunitas}}"),
    ("name: Armada dengan alat bantu", "name: '{p}'"),
    ("unit: unit", "unit: '{p}'"),
    ("rpjmd: [tujuan-1-1]", "rpjmd: ['{p}']"),
    ("id: LIV-01", "id: '{p}'"),
    ("horizon: quick-win", "horizon: '{p}'"),
    ("status: ongoing", "status: '{p}'"),
]


@pytest.mark.parametrize(("old", "new"), FIELDS, ids=[f[0].split(":")[0].strip("{ ") for f in FIELDS])
def test_injection_in_every_front_matter_field_is_rejected_and_inert(
    site_repo: Path, old: str, new: str
) -> None:
    page = site_repo / "docs/program/living/alat-bantu.md"
    page.write_text(page.read_text(encoding="utf-8").replace(old, new.format(p=PAYLOAD)), encoding="utf-8")
    report = check(site_repo)
    assert report.problems, "the validator must reject the payload"
    assert {p.file for p in report.problems} == {"docs/program/living/alat-bantu.md"}
    assert_clean_build(site_repo, problems=True)


#: Every text field of the data files and of a dimension page: (file, old, new).
DATA_FIELDS = [
    ("data/plan.yml", "region: Kota Contoh", "region: '{p}'"),
    ("data/plan.yml", 'vision: "Kota Contoh yang cerdas & sejahtera"', "vision: '{p}'"),
    ("data/plan.yml", '  - "Pelayanan publik digital"', "  - '{p}'"),
    ("data/plan.yml", "  - body: Dewan Smart City", "  - body: '{p}'"),
    ("data/plan.yml", 'description: "Pengarah kebijakan"', "description: '{p}'"),
    ("data/plan.yml", '{name: "Wali Kota", role: "Ketua"}', "{{name: '{p}', role: Ketua}}"),
    ("data/plan.yml", 'stage: "Bimtek Tahap I"', "stage: '{p}'"),
    ("data/opd.yml", "name: Dinas Perhubungan,", "name: '{p}',"),
    ("data/opd.yml", "short: Dishub}", "short: '{p}'}}"),
    ("data/rpjmd.yml", '  name: "Pelayanan publik digital"', "  name: '{p}'"),
    ("data/rpjmd.yml", 'name: "UMKM naik kelas"', "name: '{p}'"),
    ("data/dimensions.yml", "name: Tata Kelola Pemerintahan Cerdas", "name: '{p}'"),
    ("data/dimensions.yml", "name: Pelayanan Publik,", "name: '{p}',"),
    ("docs/dimensi/living/index.md", '["Kekuatan living"]', "['{p}']"),
    ("docs/dimensi/living/index.md", 'notes: "Tim ada"', "notes: '{p}'"),
    ("docs/dimensi/living/index.md", '  - "Strategi living"', "  - '{p}'"),
    ("docs/dimensi/living/index.md", "Narasi dimensi living.", "{p}"),
]


@pytest.mark.parametrize(("rel", "old", "new"), DATA_FIELDS, ids=[f"{f[0]}:{f[1][:24]}" for f in DATA_FIELDS])
def test_injection_in_every_data_field_is_rejected_and_inert(
    site_repo: Path, rel: str, old: str, new: str
) -> None:
    path = site_repo / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new.format(p=PAYLOAD.replace("'", "''"))), encoding="utf-8")
    report = check(site_repo)
    assert {p.file for p in report.problems} == {rel}
    assert {p.code for p in report.problems} <= {"raw-html", "template-syntax"}
    assert_clean_build(site_repo, problems=True)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_the_page_reader_never_fails_with_anything_but_a_source_error(text: str) -> None:
    try:
        page = split_page(text)
    except SourceError as err:
        assert err.code in {"yaml-syntax", "yaml-tag", "frontmatter-missing", "frontmatter-unclosed"}
    else:
        assert isinstance(page.body, str) and page.body_line >= 1


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_yaml_parser_raises_only_source_errors(text: str) -> None:
    try:
        parse_yaml(text)
    except SourceError as err:
        # `!0` or `!!bool x` is a tag: its own code since explicit tags are refused.
        assert err.code in {"yaml-syntax", "yaml-tag"}


@pytest.fixture(scope="module")
def fixture_views(tmp_path_factory: pytest.TempPathFactory) -> Views:
    from conftest import FIXTURE

    plan = load_plan(FIXTURE).plan
    assert plan is not None
    return Views(plan)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(min_size=1, max_size=80), name=st.text(min_size=1, max_size=40))
def test_renderers_escape_any_text(fixture_views: Views, title: str, name: str) -> None:
    program = fixture_views.plan.program("LIV-01")
    assert program is not None
    # Unique brackets around the text, so finding it cannot be a coincidence of markup.
    title, name = f"⟦{title}⟧", f"⟪{name}⟫"
    original = (program.title, program.partners[0].name)
    program.title, program.partners[0].name = title, name
    try:
        # A fresh Views per example: a build renders each programme's panels once and
        # keeps them, and here the programme changes between examples.
        views = Views(fixture_views.plan)
        html = views.program_page(program, "") + views.catalogue("")
    finally:
        program.title, program.partners[0].name = original
    for text in (title, name):
        assert str(escape(text)) in html
        if any(c in text for c in "<>&\"'"):
            assert text not in html  # only its escaped form appears
