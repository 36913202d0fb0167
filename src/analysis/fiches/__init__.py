"""Fiches établissement: one page per établissement of a millésime (HTML, PDF on demand).

Not notebooks: a fiche reads the indicator table and prints with the report's vocabulary,
printer and n.c. module. The stage sits above ``report`` and ``render`` and below ``build``.
"""
