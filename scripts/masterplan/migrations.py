"""Kept for forks upgrading from 0.2.0 or earlier: their `masterplan upgrade` runs
``python -m masterplan.migrations`` once the new engine is checked out. The migrations
live in :mod:`masterplan.commands.migrations`."""

from masterplan.commands.migrations import main

if __name__ == "__main__":
    raise SystemExit(main())
