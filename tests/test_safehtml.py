"""The one renderer and sanitizer of contributor Markdown: whatever goes in, what comes
out is inert, and what the sanitizer removed is what the validator reports."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_hostile import live_markup

from masterplan.html.safehtml import ATTRIBUTE_VALUES, ATTRIBUTES, TAGS, convert, links, render, url_allowed


class Allowlist(HTMLParser):
    """Every tag and attribute of a fragment that the allowlist would not produce."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.outside: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            self.outside.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if tag == "a" and (name, value) == ("class", "headerlink"):
                continue  # the permalink added after cleaning, to headings
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and name == "id":
                continue  # its target
            listed = value in ATTRIBUTE_VALUES.get(tag, {}).get(name, set())
            allowed = name in ATTRIBUTES.get(tag, set()) or listed
            if not allowed:
                self.outside.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src") and not url_allowed(value, image=tag == "img"):
                self.outside.append(f"<{tag} {name}={value!r}>")

    def handle_comment(self, data: str) -> None:
        self.outside.append(f"<!--{data}-->")


def outside_allowlist(fragment: str) -> list[str]:
    parser = Allowlist()
    parser.feed(fragment)
    parser.close()
    return parser.outside


#: Pieces attackers combine: markup, schemes, encodings, Markdown's own punctuation.
PIECES = [
    "<", ">", "</", "<!--", "-->", "<script>", "</script>", "<img", " src=", " onerror=", "alert(1)",
    "<a href=", "<svg/onload=", "<iframe", "<style>", "javascript:", "jav&#x61;script:", "&colon;",
    "data:text/html,", "//evil.example/", "/\\evil.example", "http://evil.example/x.png", "mailto:a@b",
    "[", "]", "(", ")", "![", "](", "`", "```", "~~~", "\n", "\n\n", "    ", "\t", "\\", "\"", "'",
    "=", "#", "## ", "- ", "> ", "|", "|---|", "*", "_", "&", "&#106;", "&lt;", "{{", "www.", "@",
    "<![", "<![CDATA[", "]]>", "<?", "<!x",
]
markdown_text = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=40).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_text)
def test_any_markdown_renders_to_inert_html_within_the_allowlist(text: str) -> None:
    rendered = render(text, page="program/living/x.md", base="../../../")
    assert live_markup(rendered.html) == []
    assert outside_allowlist(rendered.html) == []


# "www." is left out: GitHub's autolinks make it a URL, and a URL whose host cannot be
# parsed (``www.>``) is dropped by the sanitizer, which the validator then reports.
PLAIN = [p for p in PIECES if not any(c in p for c in ("<", ":", "&", "www."))]
PLAIN += ["a", "Wonosobo", "1."]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PLAIN), max_size=40).map("".join))
def test_the_allowlist_keeps_everything_markdown_itself_makes(text: str) -> None:
    # Without HTML, schemes or entities, nothing is the contributor's markup: the
    # sanitizer must remove nothing, or the validator would flag honest Markdown.
    assert render(text).changes == []


@pytest.mark.parametrize(
    ("url", "image", "allowed"),
    [
        ("https://wonosobokab.go.id/", False, True),
        ("http://contoh.example/a", False, True),
        ("mailto:diskominfo@example.go.id", False, True),
        ("../economy/promosi-umkm.md#tujuan", False, True),
        ("#tujuan", False, True),
        ("?q=1", False, True),
        ("foto-halte.png", True, True),
        ("bab 2: tujuan", False, True),  # a space before ":" is no scheme: a relative path
        ("javascript:alert(1)", False, False),
        ("JaVaScRiPt:alert(1)", False, False),
        ("  javascript:alert(1)", False, False),
        ("java\tscript:alert(1)", False, False),
        ("java\nscript:alert(1)", False, False),
        ("\x01javascript:alert(1)", False, False),
        ("vbscript:msgbox(1)", False, False),
        ("data:text/html,<script>alert(1)</script>", False, False),
        ("//evil.example/x", False, False),
        (" //evil.example/x", False, False),
        ("/\\evil.example/x", False, False),
        ("\\\\evil.example/x", False, False),
        ("https://evil.example/a.png", True, False),
        ("//evil.example/a.png", True, False),
        ("data:image/png;base64,AAAA", True, False),
        ("file:///etc/passwd", True, False),
        ("file:///etc/passwd", False, False),
    ],
)
def test_urls_are_judged_as_browsers_read_them(url: str, image: bool, allowed: bool) -> None:
    assert url_allowed(url, image=image) is allowed


def test_relative_links_point_where_mkdocs_would() -> None:
    rewrite = links("program/living/alat-bantu.md", "../../../")
    assert rewrite("../economy/promosi-umkm.md#tujuan") == "../../../program/economy/promosi-umkm/#tujuan"
    assert rewrite("foto-halte.png") == "../../../program/living/foto-halte.png"
    assert rewrite("https://contoh.example/") == "https://contoh.example/"
    assert rewrite("#tujuan") == "#tujuan"


def test_headings_get_unique_ids_and_a_nested_table_of_contents() -> None:
    rendered = render("## Tujuan\n\n### Rincian\n\n## Tujuan\n\n## <b>Tebal</b> & miring")
    assert '<h2 id="tujuan">Tujuan<a class="headerlink" href="#tujuan"' in rendered.html
    assert '<h2 id="tujuan_1">' in rendered.html
    top = rendered.toc_tokens
    assert [(t["id"], t["name"]) for t in top] == [
        ("tujuan", "Tujuan"),
        ("tujuan_1", "Tujuan"),
        ("tebal-miring", "Tebal &amp; miring"),
    ]
    assert [c["id"] for c in top[0]["children"]] == ["rincian"]


def test_removals_are_placed_on_the_line_they_come_from() -> None:
    text = "Baris satu.\n\nBaris <span>dua</span>.\n\n[tiga](javascript:alert(1))\n\n![empat](https://x.example/a.png)"
    kinds = [(c.kind, c.tag, c.attribute, text.count("\n", 0, c.offset) + 1) for c in render(text).changes]
    assert kinds == [("tag", "span", "", 3), ("attribute", "a", "href", 5), ("attribute", "img", "src", 7)]


def test_an_oversized_narrative_is_shown_as_escaped_text() -> None:
    text = "<script>alert(1)</script> " * 20_000
    rendered = render(text)
    assert [c.kind for c in rendered.changes] == ["too-large"]
    assert "<script" not in rendered.html and "&lt;script&gt;alert(1)" in rendered.html


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of(fragment: str) -> str:
    """The text a reader sees in ``fragment``. Python's HTMLParser stops with an
    AssertionError at a marked section it does not know (``<![`` from Markdown's copy of
    ``<!--<![``, found by Hypothesis): such a fragment is never the same text as a
    cleaned one, whose sanitizer removes every ``<!``."""
    parser = _Text()
    try:
        parser.feed(fragment)
        parser.close()
    except AssertionError:
        return "\0unreadable:" + fragment
    return "".join(parser.parts)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_text)
def test_whatever_cleaning_drops_the_validator_reports(text: str) -> None:
    # Nothing a contributor wrote may vanish without a problem naming it: when the
    # published text differs from what Markdown made, some change is reported.
    raw = convert(text)
    rendered = render(text, page="program/living/x.md")
    if text_of(raw) != text_of(rendered.html.replace('title="Tautan ke bagian ini">¶</a>', "")):
        assert rendered.changes, text


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Teks.\n\n<!-- catatan yang tidak ditutup\n\nParagraf yang hilang.", 3),
        ("<!--<![", 1),
        ("Teks.\n\n<![CDATA[x]]>", 3),
        ("Teks.\n\n<?php echo 1; ?>", 3),
    ],
)
def test_an_unclosed_or_odd_comment_is_reported_on_its_line(text: str, line: int) -> None:
    changes = render(text).changes
    assert [c.kind for c in changes] == ["comment"]
    assert text.count("\n", 0, changes[0].offset) + 1 == line
