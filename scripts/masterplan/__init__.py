"""Masterplan Smart City engine: one pipeline, a folder per stage in the order data flows.

The modules here (model, problems, source, fmt, memo) are what every stage shares; then
:mod:`.read`, :mod:`.html`, :mod:`.check`, :mod:`.figures`, :mod:`.views`, :mod:`.outputs`,
:mod:`.build` and :mod:`.commands`. A module imports only from its own stage or an earlier
one (``tests/test_pipeline.py``). The README has the map.
"""

#: The engine release; `masterplan upgrade` compares it, CHANGELOG.md describes it.
__version__ = "0.2.0"
