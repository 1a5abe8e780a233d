"""Stage 1, read: ``data/`` and ``docs/`` into the model, with every problem inside a file
(syntax, types, missing fields) named by file and line; and the plan's git history."""
