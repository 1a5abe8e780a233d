"""Registers the engine's MkDocs plugin for sites whose mkdocs.yml lists this file under
``hooks:``. The edge itself is :class:`masterplan.build.plugin.MasterplanPlugin`, whose
events read top to bottom as the build; MkDocs runs hooks after the plugins, so
mkdocs-macros has made its environment and rendered the project's own pages first."""

from __future__ import annotations

from masterplan.build.plugin import MasterplanPlugin

plugin = MasterplanPlugin()
plugin.load_config({})

on_startup = plugin.on_startup
on_config = plugin.on_config
on_files = plugin.on_files
on_nav = plugin.on_nav
on_env = plugin.on_env
on_page_read_source = plugin.on_page_read_source
on_page_markdown = plugin.on_page_markdown
on_page_content = plugin.on_page_content
on_post_page = plugin.on_post_page
on_serve = plugin.on_serve
on_post_build = plugin.on_post_build
on_build_error = plugin.on_build_error
