"""Material's navigation and search box rendered once, not once per page.

A programme page is not in the navigation, so no item of it is active there, and its
links, relative to the page, are the same from every page of one folder: rendering the
navigation was a quarter of the time of a 1,000-programme build. So the navigation is
kept per folder for the pages outside it whose links all leave their own folder (so that
the page's name cannot show in them). The search box holds nothing of the page (no link,
no title) and is kept once. The partials stay Material's: this module only keeps what
they rendered, and a theme without them is rendered as it is (a test builds a site with
and without this module and compares every byte).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from jinja2 import Environment, TemplateNotFound

NAV_TEMPLATE, SEARCH_TEMPLATE = "partials/nav.html", "partials/search.html"


def share_partials(env: Environment, nav: Any) -> dict[str, dict[str, str]]:
    """Make ``env``'s navigation and search box render once per key; returns what each
    kept, by template name (for tests)."""
    in_nav = {id(page) for page in nav.pages}
    targets = [link.url for link in _links(nav.items)]
    shared: dict[str, dict[str, str]] = {}
    _share(env, NAV_TEMPLATE, lambda page: shared_folder(page, in_nav, targets), shared)
    _share(env, SEARCH_TEMPLATE, lambda page: "", shared)
    return shared


def _share(
    env: Environment, name: str, key: Callable[[Any], str | None], shared: dict[str, dict[str, str]]
) -> None:
    """Keep what the partial ``name`` renders for the pages of one ``key`` (``None``:
    rendered for that page alone)."""
    try:
        template = env.get_template(name)
    except TemplateNotFound:  # another theme: rendered as it is
        return
    render = template.root_render_func
    kept = shared.setdefault(name, {})

    def root(context: Any) -> Iterator[str]:
        found = key(context.get("page"))
        if found is None:
            yield from render(context)
            return
        if found not in kept:
            kept[found] = "".join(render(context))
        yield kept[found]

    template.root_render_func = root


def _links(items: list[Any]) -> Iterator[Any]:
    for item in items:
        if item.is_section:
            yield from _links(item.children)
        else:
            yield item


def shared_folder(page: Any, in_nav: set[int], targets: list[str]) -> str | None:
    """The folder whose pages outside the navigation share ``page``'s, or ``None``."""
    url = getattr(page, "url", None)
    if not isinstance(url, str) or id(page) in in_nav or not url.endswith("/") or "://" in url:
        return None
    own = "/" + url.lstrip("/")
    if any(("/" + target.lstrip("/")).startswith(own) for target in targets):
        return None
    return own.rstrip("/").rpartition("/")[0] + "/"
