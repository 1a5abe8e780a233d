"""Stage 2, html: the one renderer and sanitizer of contributor Markdown, the slots that put
generated HTML into a cleaned page, charts as SVG, and the URLs every link agrees on."""
