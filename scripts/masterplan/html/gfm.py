"""Contributor text inside GitHub-flavoured Markdown (pull-request comments, reminder
issues, workflow logs), made inert: it shows as the text it is, on one line, and makes no
link, image, mention, reference, HTML, table cell or runner command."""

from __future__ import annotations

import re

#: Characters that end a line somewhere (Markdown, a terminal, the Actions runner).
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
#: Markdown punctuation that can start markup in the middle of a line, as a backslash
#: escape; HTML as entities (an escaped `<` is not an escape in every renderer); `@`
#: followed by a zero-width space, so GitHub sees no mention or e-mail address.
_INLINE = str.maketrans(
    {c: "\\" + c for c in "\\`*_~[]|$"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;", "@": "@\u200b"}
)
#: What GitHub links without any markup: issue references and bare addresses.
_AUTOLINKS = re.compile(r"#(?=\d)|:(?=//)|(?i:www)(?=\.)")


def inline(text: str) -> str:
    """Contributor text as inert Markdown: it renders as itself, on one line, and
    creates no link, image, mention, reference, HTML or table cell."""
    text = _LINE_BREAKS.sub(" ", text).translate(_INLINE)
    return _AUTOLINKS.sub(lambda m: m.group() + "\u200b", text)


def code(text: str) -> str:
    """Contributor text as a code span that no backtick inside it can close.

    Not for table cells: GitHub splits a table row at every `|`, even in code.
    """
    text = _LINE_BREAKS.sub(" ", text).replace("##[", "##\u200b[")  # no runner command
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def message(text: str) -> str:
    """A validator message, whose `quoted` values (often the contributor's) show as code.

    Splitting at backticks is safe whatever the values hold: each piece is rendered
    inert on its own, so a backtick in a value can only move where code starts.
    """
    parts = text.split("`")
    return "".join((code(part) if part else "") if i % 2 else inline(part) for i, part in enumerate(parts))
