"""Stage 7, build: what a site generator asks of the engine (:mod:`.site`), the disk cache
(:mod:`.cache`), and the MkDocs edge (:mod:`.plugin`, :mod:`.material_nav`)."""
