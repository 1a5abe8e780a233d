"""Stage 3, check: the rules between files (references, years, ids, delivery data); the
validator reports what the stage-2 sanitizer would remove, so the two never disagree."""
