"""Stage 8, commands: the `masterplan` command line (:mod:`.cli`) and what each command does."""
