"""A tiny book of a few notebooks for build tests: its project on disk, and how to read a build."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis.build.options import BuildOptions

PARAMS = 'territoire = "france"\nannee = 2018\ndata_dir = ""\nseuil_secret = 5'


def notebook(title: str, *codes: str, metadata: dict | None = None):
    """A chapter: its title, the papermill parameters, then ``codes`` as code cells."""
    params = new_code_cell(PARAMS)
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[new_markdown_cell(f"# {title}"), params, *map(new_code_cell, codes)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if metadata:
        nb.metadata["etat_des_lieux"] = metadata
    return nb


def make_project(root: Path, chapters: dict[str, object], params_from: Path, *, params: tuple[str, ...] = ()):
    """A project root: ``_quarto.yml`` listing ``chapters`` (file name -> notebook), and the
    parameter files ``params`` copied from ``params_from`` (all of them when empty)."""
    (root / "notebooks").mkdir(parents=True)
    if params:
        (root / "params").mkdir()
        for name in params:
            shutil.copy(params_from / name, root / "params" / name)
    else:
        shutil.copytree(params_from, root / "params")
    listed = "".join(f"    - notebooks/{name}\n" for name in chapters)
    book = 'project:\n  type: book\nlang: fr\nbook:\n  title: "Essai"\n  chapters:\n'
    (root / "_quarto.yml").write_text(book + listed, encoding="utf-8")
    for name, nb in chapters.items():
        nbformat.write(nb, str(root / "notebooks" / name))
    return root


def options(project, **more) -> BuildOptions:
    return BuildOptions(**dict(dict(formats=("html",), out_dir=project["out"], data_dir=project["data"],
                                    jobs=2, index_xlsx=False, renderer="builtin"), **more))


def page(project, slug: str) -> str:
    return (project["out"] / "2018" / slug / f"etat-des-lieux-2018-{slug}.html").read_text(encoding="utf-8")


def outcome(report, ident: str):
    return next(o for o in report.outcomes if o.territory == ident)
