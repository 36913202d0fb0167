"""The project's own book renderer: executed notebooks -> one HTML file and one PDF.

What Quarto would do with ``_quarto.yml``, with the two engines that ship as wheels: pandoc
(``pypandoc-binary``) and typst (``typst``). See :mod:`analysis.render.book`.

>>> from analysis.render import load_book, render_book
>>> book = load_book(project_root)                                  # doctest: +SKIP
>>> render_book(executed, out_dir, "etat-des-lieux-occitanie",      # doctest: +SKIP
...             meta={"territory": "Région académique Occitanie", "date": "juin 2024"},
...             appendices=executed_appendices, book=book)
"""

from .book import Book, BookConfigError, RenderError, load_book, render_book
from .cell_options import split_cell_options
from .notebook import NotebookError

__all__ = ["Book", "BookConfigError", "RenderError", "NotebookError", "load_book",
           "render_book", "split_cell_options"]
