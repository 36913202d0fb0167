"""What the publication says of itself, in French: its title, its author line, the demo marking.

Every output repeats these words (the book's title page and banners, the Quarto project, the
index page of a millésime, the notice of the exported workbook): they are declared here once.
The templates of :mod:`analysis.render` receive the demo words as variables (``demo-text``,
``demo-mark``) from the metadata the renderer passes to pandoc.
"""

from __future__ import annotations

#: The title of every edition (also ``book.title`` in ``_quarto.yml``, a Quarto project file).
TITLE = "État des lieux du numérique éducatif"
#: The author line of an edition (the typst book template of Quarto needs one).
AUTHOR = f"Projet « {TITLE} » — données ouvertes"

#: The short demo mark: the PDF's watermark, the prefix of a demo HTML page's title.
DEMO_MARK = "DONNÉES DE DÉMONSTRATION"
#: The demo banner of every page, HTML and PDF, and of the exports.
DEMO_BANNER = f"{DEMO_MARK} — chiffres synthétiques, non officiels"
#: The demo warning of a home page (the index of a millésime, an edition's Quarto home page).
DEMO_WARNING = f"{DEMO_BANNER} : ne pas diffuser ni citer."
