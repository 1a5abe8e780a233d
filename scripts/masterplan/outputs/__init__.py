"""Stage 6, outputs: what the plan is published as besides its pages: open data, the print
edition and its PDF, JSON Schemas, the web form (``admin/``), CODEOWNERS, and the one way a
programme's front matter is written."""
