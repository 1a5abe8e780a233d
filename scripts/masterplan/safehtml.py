"""Contributor Markdown to HTML: one renderer, then one allowlist sanitizer.

Every HTML fragment made from a narrative that OPD staff wrote (the programme and
dimension pages, the print edition, the PDF, and so the search index) comes out of
:func:`render`. It converts with the site's Markdown configuration and then cleans the
result with nh3 (the Rust ``ammonia`` sanitizer) against the allowlist below: the tags
and attributes plain Markdown produces, links to http(s), mailto and relative paths,
images from this site only. Whatever the input, the output is inert.

The validator does not guess what Markdown will do: it calls :func:`render` too and
reports what the sanitizer removed (:attr:`Rendered.changes`), so the build and the
validator cannot disagree.
"""

from __future__ import annotations

import html
import posixpath
import secrets
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, unquote
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

#: The site's Markdown configuration (mkdocs.yml ``markdown_extensions`` says the same,
#: and a test keeps the two equal): project pages and narratives read alike.
EXTENSIONS: list[str] = ["tables", "admonition", "toc"]
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {"toc": {"permalink": True}}

#: Admonition kinds the theme styles (``!!! note``); other words are dropped as classes.
ADMONITIONS = frozenset(
    "note abstract summary tldr info todo tip hint important success check done question help faq "
    "warning caution attention failure fail missing danger error bug example quote cite".split()
)
HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
TAGS = (
    frozenset("a blockquote br code div em hr img li ol p pre strong table tbody td th thead tr ul".split())
    | HEADINGS
)
ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    **{h: {"id"} for h in HEADINGS},
}
CLASSES: dict[str, set[str]] = {
    "a": {"headerlink"},  # the permalink the toc extension adds to headings
    "div": {"admonition", *ADMONITIONS},
    "p": {"admonition-title"},
}
#: Tags whose content goes with them: text inside <script> is not prose.
DROP_CONTENT = frozenset({"script", "style"})
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
_CONTROL = "".join(map(chr, range(0x21)))

# Slots for generated HTML: a paragraph holding a per-process secret a contributor
# cannot write, turned back into an HTML comment after cleaning (the sanitizer drops
# every comment of theirs).
_NONCE = secrets.token_hex(8)
SLOT_COMMENT = "<!-- masterplan:{} -->"


@dataclass(frozen=True)
class Change:
    """Something the sanitizer removed, and where in the source it most likely came from."""

    kind: str
    """``tag``, ``attribute``, ``comment`` or ``class``."""
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
        return True  # not a scheme: "catatan: a" is a relative path to browsers too
    return not image and scheme.lower() in LINK_SCHEMES


def normalize_url(value: str) -> str:
    """A URL as a browser reads it: no tabs or newlines, trimmed, ``\\`` read as ``/``."""
    url = value.replace("\t", "").replace("\n", "").replace("\r", "").strip(_CONTROL)
    return url.replace("\\", "/")


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href" or attribute == "src":
        return value if url_allowed(value, image=tag == "img") else None
    return value


def clean(fragment: str) -> str:
    """The allowlist sanitizer, on HTML that Markdown produced."""
    return nh3.clean(
        fragment,
        tags=set(TAGS),
        clean_content_tags=set(DROP_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_filter,
        strip_comments=True,
        link_rel=None,
        url_schemes=set(LINK_SCHEMES),
        allowed_classes={tag: set(names) for tag, names in CLASSES.items()},
        filter_style_properties={"text-align"},
    )


def text_only(fragment: str) -> str:
    """A fragment reduced to escaped text (toc titles: the theme prints them as HTML)."""
    return nh3.clean(fragment, tags=set(), clean_content_tags=set(DROP_CONTENT))


class _Links(Treeprocessor):  # type: ignore[misc]  # Markdown ships no types
    """Rewrites relative links the way MkDocs does: ``../economy/x.md`` -> ``../../economy/x/``.

    ``page`` is the docs-relative path of the page being rendered, ``base`` the relative
    path from where the HTML is shown back to the site root.
    """

    page = ""
    base = ""

    def run(self, root: Element) -> None:
        for el in root.iter():
            name = "href" if el.tag == "a" else "src" if el.tag == "img" else None
            value = el.get(name) if name else None
            if name and value and self.page:
                el.set(name, self.rewrite(value))

    def rewrite(self, value: str) -> str:
        # Markdown keeps character references in attribute values (``jav&#x61;script:``):
        # judge the URL a browser will decode, and leave anything but a path to clean().
        url = html.unescape(value)
        if url.startswith(("/", "#", "\\")) or not url_allowed(url, image=True):
            return value
        path, hash_, fragment = url.partition("#")
        path, query, params = path.partition("?")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(self.page), unquote(path)))
        if target.startswith("../") or target == "..":
            return value  # outside the site: it resolves to nothing there
        if target.endswith(".md"):
            from .render import page_url  # render imports this module

            rewritten = page_url("docs/" + target)
        else:
            rewritten = quote(target)
        rewritten += query + quote(params, safe="=&;%+") + hash_ + quote(fragment, safe="-_.~%")
        return self.base + rewritten


class _LinkExtension(Extension):  # type: ignore[misc]  # Markdown ships no types
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # Markdown's API names it
        self.processor = _Links(md)
        md.treeprocessors.register(self.processor, "masterplan_links", 4)


_EXT = _LinkExtension()
_converter = markdown.Markdown(extensions=[*EXTENSIONS, _EXT], extension_configs=EXTENSION_CONFIGS)


def convert(text: str, *, page: str = "", base: str = "") -> tuple[str, list[dict[str, Any]]]:
    """Markdown to (unsanitized) HTML and the toc tokens, with the site's configuration."""
    _EXT.processor.page, _EXT.processor.base = page, base
    out = _converter.reset().convert(text)
    return out, list(getattr(_converter, "toc_tokens", []))


def render(text: str, *, before: str = "", after: str = "", page: str = "", base: str = "") -> Rendered:
    """Contributor Markdown ``text`` as clean HTML, with what cleaning removed.

    ``before`` and ``after`` are generated Markdown around ``text`` (a programme's panel
    headings): they are read in the same pass, so heading ids stay unique, and their
    slot comments survive cleaning. ``page`` is the docs-relative path of the page
    (``program/living/x.md``), for relative links; ``base`` leads from where the HTML is
    shown to the site root.
    """
    head, tail = _mark_slots(before), _mark_slots(after)
    raw, tokens = convert(f"{head}\n\n{text}\n\n{tail}" if head or tail else text, page=page, base=base)
    out = clean(raw)
    changes = _changes(raw, out, text) if raw != out else []
    if head or tail:
        pieces = out.split(f"<p>mpslot{_NONCE}")
        out = pieces[0] + "".join(
            SLOT_COMMENT.format(piece[: piece.index("</p>")]) + piece[piece.index("</p>") + 4 :]
            for piece in pieces[1:]
        )
    return Rendered(html=out, toc_tokens=_clean_tokens(tokens), changes=changes)


def _mark_slots(markdown_text: str) -> str:
    """Our slot comments as paragraphs of a secret word, which cleaning leaves alone."""
    out, start = markdown_text, markdown_text.find("<!-- masterplan:")
    while start != -1:
        end = out.index(" -->", start)
        name = out[start + len("<!-- masterplan:") : end]
        out = out[:start] + f"\n\nmpslot{_NONCE}{name}\n\n" + out[end + 4 :]
        start = out.find("<!-- masterplan:", start)
    return out


def _clean_tokens(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **token,
            "name": text_only(token["name"]),
            "html": clean(token.get("html", "")),
            "children": _clean_tokens(token.get("children", [])),
        }
        for token in tokens
    ]


class _Inventory(HTMLParser):
    """The tags, attributes and comments of an HTML fragment, counted."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.attributes: Counter[tuple[str, str, str]] = Counter()
        self.comments = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        for name, value in attrs:
            value = value or ""
            if name == "style":  # the sanitizer re-serializes CSS: compare the properties
                value = ";".join(sorted(p.replace(" ", "") for p in value.split(";") if p.strip()))
            if name == "class":
                for word in value.split():
                    self.attributes[(tag, "class", word)] += 1
            else:
                self.attributes[(tag, name, value)] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.comments += 1


def _inventory(fragment: str) -> _Inventory:
    parser = _Inventory()
    parser.feed(fragment)
    parser.close()
    return parser


def _changes(before: str, after: str, source: str) -> list[Change]:
    """What cleaning removed from ``before``, each placed at its likely offset in ``source``."""
    old, new = _inventory(before), _inventory(after)
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
    for _ in range(old.comments - new.comments):
        out.append(Change("comment", "", offset=locator.find("<!--")))
    return sorted(out, key=lambda c: (c.offset, c.kind, c.tag, c.attribute, c.value))


class _Locator:
    """Finds successive occurrences of needles in the source, case-insensitively, in
    linear time (``str.find``, no regular expression)."""

    def __init__(self, source: str):
        self.source = source.lower()
        self.raw = source
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
