"""Masterplan Smart City engine."""

#: The engine release; `masterplan upgrade` compares it, CHANGELOG.md describes it.
__version__ = "0.2.0"
