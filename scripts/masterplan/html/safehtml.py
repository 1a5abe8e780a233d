"""Contributor Markdown to HTML: one renderer, then one allowlist sanitizer.

Every HTML fragment made from a narrative that OPD staff wrote (the programme and
dimension pages, the print edition, the PDF, and so the search index) comes out of
:func:`render`. It converts with cmark-gfm, GitHub's own Markdown (so the preview in
GitHub's web editor is what the site publishes), then cleans the result with nh3 (the
Rust ``ammonia`` sanitizer) against the allowlist below: the tags and attributes that
Markdown produces, links to http(s), mailto and relative paths, images from this site
only. Whatever the input, the output is inert.

Both are C and Rust and work in time linear in the input: Python-Markdown takes
minutes on a page of 20,000 ``[`` or ``<a `` (it rescans ahead from each one), which
would let one page stall every build and every validation.

The validator does not guess what Markdown will do: it calls :func:`render` too and
reports what the sanitizer removed (:attr:`Rendered.changes`), so the build and the
validator cannot disagree.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import Any, TypeVar
from urllib.parse import quote, unquote

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from markdown.extensions.toc import slugify

from .urls import page_url

T = TypeVar("T")

#: GitHub's Markdown as its web editor previews it. Raw HTML is let through to
#: :func:`clean`, which removes it, so that the validator can say what was removed.
GFM_EXTENSIONS = ["table", "autolink", "strikethrough"]
GFM_OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_VALIDATE_UTF8 | Options.CMARK_OPT_GITHUB_PRE_LANG

HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
TAGS = (
    frozenset("a blockquote br code del em hr img li ol p pre strong table tbody td th thead tr ul".split())
    | HEADINGS
)
ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "pre": {"lang"},  # a fenced block's language, ```python
}
#: Attributes allowed with these values only (table column alignment).
ATTRIBUTE_VALUES: dict[str, dict[str, set[str]]] = {
    cell: {"align": {"left", "center", "right"}} for cell in ("th", "td")
}
#: Tags whose content goes with them: text inside <script> is not prose.
DROP_CONTENT = frozenset({"script", "style"})
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
_CONTROL = "".join(map(chr, range(0x21)))

#: Bounds past which a narrative is shown as plain text (and the validator says so):
#: longer than this many characters (no programme needs a book), with more raw ``<``
#: than any prose has (Python's HTMLParser rescans unclosed ones), or nested deeper than
#: any document is (the sanitizer's HTML5 tree builder slows with depth). They keep
#: validating a 1 MB hostile page well under a second.
MAX_NARRATIVE = 50_000
MAX_ANGLES = 2_000
MAX_DEPTH = 100
VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())

_NONCE = secrets.token_hex(8)
_SLOT = re.compile(r"<!-- masterplan:([a-z0-9-]+) -->")


#: The title of a heading's ¶ link, in Indonesian as the site's mkdocs.yml sets it for
#: Markdown headings (``toc: permalink_title``).
PERMALINK_TITLE = "Tautan ke bagian ini"

def slot(name: str) -> str:
    """The one way generated HTML gets into a page that contributor text passes through.

    The engine writes ``slot(name)``, an HTML comment, where generated HTML belongs, and
    puts the HTML in with :func:`fill_slots` once the page is cleaned (and, on the site,
    once Markdown and search have read it, so they never parse large generated tables).
    The sanitizer drops every comment, so a contributor cannot write a slot: around a
    narrative, :func:`render` turns each of ours into a paragraph holding a per-process
    secret before cleaning and back into the comment after it.

    Names in use: a programme page's panels (``facts``, ``budget``, ``indicators``,
    ``history``) and its ``panel-headings`` (set aside while search reads the page);
    ``kept-N``, generated HTML inside a dimension page's cleaned analysis
    (:meth:`ViewBase.keep`); ``deferred-N``, large HTML a page holds back until it is
    written (:meth:`Site.defer`); ``inert``, a narrative shown as plain text."""
    return f"<!-- masterplan:{name} -->"


def fill_slots(html: str, found: Callable[[str], str | None]) -> str:
    """``html`` with each :func:`slot` that ``found`` knows replaced by what it returns
    (``None``: left as it is), in one pass: what it puts in is not searched again."""

    def fill(match: re.Match[str]) -> str:
        fragment = found(match.group(1))
        return match.group(0) if fragment is None else fragment

    return _SLOT.sub(fill, html)


@dataclass(frozen=True)
class Change:
    """Something the sanitizer removed, and where in the source it most likely came from."""

    kind: str
    """``tag``, ``attribute``, ``comment``; ``too-large`` or ``too-complex`` when the
    whole narrative was shown as text."""
    tag: str
    attribute: str = ""
    value: str = ""
    offset: int = 0
    """Character offset in the Markdown source (0 when it cannot be placed)."""


@dataclass
class Rendered:
    html: str
    toc_tokens: list[dict[str, Any]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


def url_allowed(value: str, *, image: bool) -> bool:
    """Links: http(s), mailto or a path on this site. Images: a path on this site only.

    Browsers drop tabs and newlines anywhere in a URL, trim controls and spaces, and read
    ``\\`` as ``/``: ``/\\host`` and `` //host`` are other hosts. Judge the URL as they do.
    """
    url = normalize_url(value)
    if url.startswith("//"):
        return False
    end = len(url)
    for stop in "/?#":
        found = url.find(stop)
        if found != -1:
            end = min(end, found)
    colon = url.find(":", 0, end)
    if colon == -1:
        return True  # a relative path, a query or a fragment
    scheme = url[:colon]
    if not scheme or not scheme[0].isalpha() or not set(scheme) <= _SCHEME_CHARS:
        return True  # not a scheme ("bab 2: tujuan"): a relative path to browsers too
    return not image and scheme.lower() in LINK_SCHEMES


def normalize_url(value: str) -> str:
    """A URL as a browser reads it: no tabs or newlines, trimmed, ``\\`` read as ``/``."""
    url = value.replace("\t", "").replace("\n", "").replace("\r", "").strip(_CONTROL)
    return url.replace("\\", "/")


def links(page: str, base: str) -> Callable[[str], str]:
    """How relative links of the page ``page`` (docs-relative) are rewritten, as MkDocs
    does for its own pages: ``../economy/x.md`` -> ``../../economy/x/`` from ``base``."""

    def rewrite(value: str) -> str:
        if not page or value.startswith(("/", "#", "\\")) or not url_allowed(value, image=True):
            return value  # absolute, a fragment, another host or a scheme: left as it is
        path, hash_, fragment = value.partition("#")
        path, query, params = path.partition("?")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(path)))
        if target.startswith("../") or target == "..":
            return value  # outside the site: it resolves to nothing there
        rewritten = page_url("docs/" + target) if target.endswith(".md") else quote(target)
        return base + rewritten + query + params + hash_ + fragment

    return rewrite


def clean(fragment: str, rewrite: Callable[[str], str] = lambda url: url) -> str:
    """The allowlist sanitizer, on HTML that Markdown produced."""

    def attribute(tag: str, name: str, value: str) -> str | None:
        if name == "href" or name == "src":
            return rewrite(value) if url_allowed(value, image=tag == "img") else None
        return value

    return nh3.clean(
        fragment,
        tags=set(TAGS),
        clean_content_tags=set(DROP_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        tag_attribute_values={tag: {k: set(v) for k, v in a.items()} for tag, a in ATTRIBUTE_VALUES.items()},
        attribute_filter=attribute,
        strip_comments=True,
        link_rel=None,
        url_schemes=set(LINK_SCHEMES),
    )


def text_only(fragment: str) -> str:
    """A fragment reduced to escaped text (toc titles: the theme prints them as HTML)."""
    return nh3.clean(fragment, tags=set(), clean_content_tags=set(DROP_CONTENT))


def convert(text: str) -> str:
    """Markdown to (unsanitized) HTML, as GitHub reads it."""
    out = cmarkgfm.markdown_to_html_with_extensions(text, options=GFM_OPTIONS, extensions=GFM_EXTENSIONS)
    return str(out)


#: Stands in for the relative path to the site root in cached renderings and panels:
#: a per-process secret, so no contributor value can spell it (and it only ever becomes
#: a run of ``../``).
BASE_STAND_IN = f"mp-base-{secrets.token_hex(8)}/"
#: Renderings kept, newest last; past this many the oldest go. A 4,000-programme plan
#: renders each narrative twice (alone, and after its page's panel headings).
RENDER_CACHE_SIZE = 10_000


@dataclass(frozen=True)
class _Clean:
    """A rendering before its headings get ids: those depend on what shares the page."""

    html: str
    changes: tuple[Change, ...]
    limited: bool
    """The narrative was too large or too complex and is shown as plain text."""


def render(
    text: str, *, before: str = "", after: str = "", page: str = "", base: str = "", report: bool = True
) -> Rendered:
    """Contributor Markdown ``text`` as clean HTML, with what cleaning removed.

    ``before`` and ``after`` are generated Markdown around ``text`` (a programme's panel
    headings): heading ids are unique across all three, and their slot comments survive
    cleaning. ``page`` is the docs-relative path of the page (``program/living/x.md``),
    for relative links; ``base`` leads from where the HTML is shown to the site root.
    ``report=False`` skips listing the changes (the build).

    A narrative is converted and cleaned once per process whatever the ``base`` and
    whatever comes before it: the validator, its page (after the panel headings) and the
    print edition share one rendering, and `mkdocs serve` re-renders only the pages
    that changed since its last build.
    """
    if before and not after:
        narrative = _cleaned(text, "", "", page, report)
        if narrative.limited:
            done = _cleaned(text, before, "", page, report)
        else:
            # Converted apart, generated Markdown before a narrative gives the HTML of one
            # pass (a test compares them on every case): a narrative cannot reach back
            # into the blocks before it. Not so after it: an unclosed fence or HTML block
            # swallows what follows, so ``after`` is always read in the same pass.
            head = _cleaned("", before, "", "", False)
            done = _Clean(head.html + narrative.html, narrative.changes, False)
    else:
        done = _cleaned(text, before, after, page, report)
    out, tokens = _anchor_headings(done.html.replace(BASE_STAND_IN, base))
    return Rendered(
        html=out,
        toc_tokens=tokens,
        changes=[replace(c, value=c.value.replace(BASE_STAND_IN, base)) for c in done.changes],
    )


def render_unanchored(text: str, *, page: str, base: str) -> str:
    """``render(text, page=page, base=base).html`` before its headings get ids and
    permalinks (the print edition, where every narrative shares one page). The same
    cached rendering as the validator's and the page's."""
    return _cleaned(text, "", "", page, True).html.replace(BASE_STAND_IN, base)


@functools.lru_cache(maxsize=RENDER_CACHE_SIZE)
def _cleaned(text: str, before: str, after: str, page: str, report: bool) -> _Clean:
    return _render_clean(text, before=before, after=after, page=page, report=report)


def _render_clean(text: str, *, before: str, after: str, page: str, report: bool) -> _Clean:
    """One pass over ``before``, ``text`` and ``after``: convert, clean, restore the
    slots; relative links lead from :data:`BASE_STAND_IN`."""
    head, tail = _mark_slots(before), _mark_slots(after)
    limit = None
    if len(text) > MAX_NARRATIVE:
        limit = Change("too-large", "", value=text)
    elif text.count("<") > MAX_ANGLES:
        limit = Change("too-complex", "", value=text)
    else:
        # Nothing after a narrative that has nothing after it: blank lines would become
        # part of an unclosed fence, and the page would differ from the narrative alone.
        raw = convert("\n\n".join(part for part in (head, text, tail) if part))
        if _depth(raw) > MAX_DEPTH:  # our own parts nest a few levels at most
            limit = Change("too-complex", "", value=text)
    if limit is not None:
        text, head = "", _mark_slots(before + "\n\n" + slot("inert") + "\n\n")
        raw = convert(f"{head}\n\n{tail}")
    rewrite = links(page, BASE_STAND_IN)
    out = clean(raw, rewrite)
    # Cleaning that changed nothing removed nothing: the common case (every narrative of
    # the sample) skips reading both fragments again to list the changes.
    changes = [limit] if limit else _changes(raw, out, text, rewrite) if report and out != raw else []
    if head or tail:
        pieces = out.split(f"<p>mpslot{_NONCE}")
        out = pieces[0] + "".join(
            slot(piece[: piece.index("</p>")]) + piece[piece.index("</p>") + 4 :] for piece in pieces[1:]
        )
    if limit is not None:
        out = out.replace(slot("inert"), f'<pre class="mp-inert">{html.escape(limit.value)}</pre>', 1)
    return _Clean(out, tuple(changes), limit is not None)


def _depth(fragment: str) -> int:
    """How deep elements nest in ``fragment`` (HTML from cmark, plus at most
    :data:`MAX_ANGLES` raw tags): one pass over its ``<``, no parsing."""
    depth = deepest = 0
    at = fragment.find("<")
    while at != -1:
        if fragment.startswith("</", at):
            depth -= 1
        else:
            end = at + 1
            while end < len(fragment) and fragment[end].isalnum():
                end += 1
            name = fragment[at + 1 : end].lower()
            closing = fragment.find(">", end)
            if name and name not in VOID and not (closing > 0 and fragment[closing - 1] == "/"):
                depth += 1
                deepest = max(deepest, depth)
        at = fragment.find("<", at + 1)
    return deepest


def _anchor_headings(fragment: str) -> tuple[str, list[dict[str, Any]]]:
    """Give each heading of clean HTML an id and a permalink, as the toc extension does
    for the project's own pages, and list them nested for the table of contents."""
    parts: list[str] = []
    flat: list[dict[str, Any]] = []
    used: dict[str, int] = {}
    start = 0
    while (at := fragment.find("<h", start)) != -1:
        level = fragment[at + 2 : at + 3]
        if not (level in "123456" and level and fragment[at + 3 : at + 4] == ">"):
            parts.append(fragment[start : at + 2])
            start = at + 2
            continue
        end = fragment.index(f"</h{level}>", at)
        inner = fragment[at + 4 : end]
        name = (text_only(inner) if "<" in inner else inner).strip()
        anchor = _unique(slugify(html.unescape(name), "-") or "bagian", used)
        parts += [
            fragment[start:at],
            f'<h{level} id="{anchor}">{inner}<a class="headerlink" href="#{anchor}" '
            f'title="{PERMALINK_TITLE}">¶</a></h{level}>',
        ]
        flat.append({"level": int(level), "id": anchor, "name": name, "children": []})
        start = end + 5
    parts.append(fragment[start:])
    return "".join(parts), _nest(flat)


def _unique(anchor: str, used: dict[str, int]) -> str:
    # A counter per id, not a scan: 10,000 headings named alike stay linear.
    if anchor not in used:
        used[anchor] = 0
        return anchor
    while True:
        used[anchor] += 1
        candidate = f"{anchor}_{used[anchor]}"
        if candidate not in used:
            used[candidate] = 0
            return candidate


def _nest(flat: list[dict[str, Any]]) -> list[dict[str, Any]]:
    top: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for token in flat:
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else top).append(token)
        stack.append(token)
    return top


def _mark_slots(markdown_text: str) -> str:
    """Our slot comments as paragraphs of a secret word, which cleaning leaves alone."""
    out, start = markdown_text, markdown_text.find("<!-- masterplan:")
    while start != -1:
        end = out.index(" -->", start)
        name = out[start + len("<!-- masterplan:") : end]
        out = out[:start] + f"\n\nmpslot{_NONCE}{name}\n\n" + out[end + 4 :]
        start = out.find("<!-- masterplan:", start)
    return out


_TAG_NAME = re.compile(r"[a-zA-Z][^\t\n\r\f />\x00]*")


class _Inventory(HTMLParser):
    """The tags, attributes and comments of an HTML fragment, counted."""

    def __init__(self, rewrite: Callable[[str], str]) -> None:
        super().__init__(convert_charrefs=True)
        self.rewrite = rewrite
        self.tags: Counter[str] = Counter()
        self.attributes: Counter[tuple[str, str, str]] = Counter()
        self.comments = 0
        self.unclosed = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        for name, value in attrs:
            value = value or ""
            if name in ("href", "src"):
                value = self.rewrite(value)  # what clean() does to a link it keeps
            if name == "class":
                for word in value.split():
                    self.attributes[(tag, "class", word)] += 1
            else:
                self.attributes[(tag, name, value)] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.comments += 1

    # HTML reads `<![CDATA[…]]>`, `<?…>` and `<!DOCTYPE …>` in a narrative as comments
    # (outside SVG and MathML), and the sanitizer drops them as it drops comments.
    def unknown_decl(self, data: str) -> None:
        self.comments += 1

    def handle_pi(self, data: str) -> None:
        self.comments += 1

    def handle_decl(self, decl: str) -> None:
        self.comments += 1

    def close(self) -> None:
        self.closing = True
        super().close()

    def _to_the_end(self, found: int) -> int:
        """An unclosed comment runs to the end of the narrative: HTML, and so the
        sanitizer, drops all of it, where this parser would read it as text."""
        if found == -1 and getattr(self, "closing", False):
            self.comments += 1
            self.unclosed = True
            return len(self.rawdata)
        return found

    def parse_starttag(self, i: int) -> int:
        return self._tag_to_the_end(int(super().parse_starttag(i)), i + 1)

    def parse_endtag(self, i: int) -> int:
        return self._tag_to_the_end(int(super().parse_endtag(i)), i + 2)

    def _tag_to_the_end(self, found: int, name_at: int) -> int:
        """The narrative ends inside a tag (`<iframe`, `<a href="x`, `</b`): HTML drops
        the tag and all that follows, where this parser would read it as text."""
        if found == -1 and getattr(self, "closing", False):
            name = _TAG_NAME.match(self.rawdata, name_at)
            self.tags[name.group().lower() if name else ""] += 1
            return len(self.rawdata)
        return found

    def parse_pi(self, i: int) -> int:
        return self._to_the_end(int(super().parse_pi(i)))

    def parse_html_declaration(self, i: int) -> int:
        return self._to_the_end(int(super().parse_html_declaration(i)))

    def parse_comment(self, i: int, report: bool = True) -> int:
        return self._to_the_end(int(super().parse_comment(i, report)))

    def parse_bogus_comment(self, i: int, report: bool = True) -> int:
        return self._to_the_end(int(super().parse_bogus_comment(i, report)))

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        try:
            found = int(super().parse_marked_section(i, report))
        except AssertionError:
            # Python 3.11 gives up on a malformed `<![` (`<![x[`); HTML reads it as a
            # comment up to the next `>`.
            end = self.rawdata.find(">", i + 3)
            if end != -1:
                self.comments += 1
                return end + 1
            found = -1
        return self._to_the_end(found)


def _inventory(fragment: str, rewrite: Callable[[str], str]) -> _Inventory:
    parser = _Inventory(rewrite)
    parser.feed(fragment)
    parser.close()
    return parser


def _changes(before: str, after: str, source: str, rewrite: Callable[[str], str]) -> list[Change]:
    """What cleaning removed from ``before``, each placed at its likely offset in ``source``."""
    old, new = _inventory(before, rewrite), _inventory(after, lambda url: url)
    locator = _Locator(source)
    out: list[Change] = []
    for tag, count in (old.tags - new.tags).items():
        for _ in range(count):
            out.append(Change("tag", tag, offset=locator.find(f"<{tag}")))
    for (tag, name, value), count in (old.attributes - new.attributes).items():
        if old.tags[tag] > new.tags[tag]:
            continue  # the whole tag went: reported once, as a tag
        kind = "class" if name == "class" else "attribute"
        # The value as written, else what follows its scheme (``jav&#x61;script:x`` is
        # written encoded), else the attribute's name.
        needles = [n for n in (value, value.partition(":")[2]) if n] + [f"{name}="]
        for _ in range(count):
            offset = next((o for o in map(locator.find, needles) if o >= 0), -1)
            out.append(Change(kind, tag, name, value, offset=offset))
    for i in range(old.comments - new.comments):
        offset = next((o for o in map(locator.find, ("<!--", "<!", "<?")) if o >= 0), -1)
        # An unclosed comment is the last one, and hides the rest of the narrative.
        last = i == old.comments - new.comments - 1
        out.append(Change("comment", "", value="unclosed" if last and old.unclosed else "", offset=offset))
    return sorted(out, key=lambda c: (c.offset, c.kind, c.tag, c.attribute, c.value))


class _Locator:
    """Finds successive occurrences of needles in the source, case-insensitively, in
    linear time (``str.find``, no regular expression)."""

    def __init__(self, source: str):
        self.source = source.lower()
        self.next: dict[str, int] = {}

    def find(self, needle: str) -> int:
        for text, key in ((needle.lower(), needle.lower()), (html.escape(needle).lower(), "")):
            start = self.next.get(key or text, 0)
            found = self.source.find(text, start)
            if found == -1 and start:
                found = self.source.find(text)
            if found != -1:
                self.next[key or text] = found + 1
                return found
        return -1


def line_of(source: str, offset: int, first_line: int) -> int:
    """The file line of ``offset`` in a body that starts on ``first_line``."""
    return first_line + source.count("\n", 0, max(offset, 0))
