"""The renderers of an edition: one class each, behind one :class:`Renderer` protocol.

The build (:mod:`analysis.build.editions`) executes the chapters, leaves the edition folder as a
Quarto project, then asks the renderer chosen by :func:`choose` for the HTML and the PDF:

- :class:`BuiltinRenderer`: pandoc + typst, shipped as wheels (:func:`analysis.render.book.render_book`);
  always available;
- :class:`QuartoRenderer`: ``quarto render`` of the edition folder
  (:func:`analysis.render.quarto.render_project`), when a Quarto of version
  :data:`analysis.render.quarto.MIN_VERSION` or later is installed.

Both return a :class:`Rendered`: the file of each format, and the renderer's warnings.

A renderer is a frozen dataclass: the batch sends it to its worker processes (pickled), and its
:attr:`~Renderer.label` is what an edition's manifest records and its render key hashes
(:mod:`analysis.build.keys`): a new Quarto renders every edition again.

A new renderer is one more class with ``name``, ``label``, ``title``, ``reason`` and
``render(...)``, and one more case in :func:`choose`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from analysis.core.errors import UsageError
from analysis.render import quarto

#: The values of ``--renderer`` (besides ``auto``, the default: Quarto when usable).
RENDERERS = ("quarto", "builtin")


@dataclass(frozen=True)
class Rendered:
    """What a renderer made of an edition: the file of each format, and the warnings it printed
    (shown at the end of the build: :mod:`analysis.cli.build_report`)."""

    outputs: dict[str, Path]
    warnings: tuple[str, ...] = field(default=())


class Renderer(Protocol):
    """Turns the executed notebooks of one edition into HTML and PDF files."""

    @property
    def name(self) -> str:
        """``builtin`` or ``quarto``: the value of ``--renderer``."""

    @property
    def label(self) -> str:
        """What the manifest records and the render key hashes (``builtin``, ``quarto 1.9.18``)."""

    @property
    def title(self) -> str:
        """How the command line names it (French): ``intégré (pandoc + typst)``, ``Quarto 1.9.18``."""

    @property
    def reason(self) -> str:
        """Why this one was chosen (French, said to the user)."""

    def render(self, chapters: Sequence[Path], appendices: Sequence[Path], *, folder: Path, basename: str,
               meta: dict, book, formats: Sequence[str]) -> Rendered:
        """Render the executed ``chapters`` and ``appendices`` of the edition in ``folder`` (a
        Quarto project already, :func:`analysis.render.quarto_project.write_edition_project`) as
        ``basename`` in ``formats`` (``html``, ``pdf``). Returns the path of each format and the
        renderer's warnings."""


@dataclass(frozen=True)
class BuiltinRenderer:
    """pandoc + typst (:mod:`analysis.render.book`): one HTML file and one PDF beside the notebooks."""

    reason: str
    name = "builtin"
    label = "builtin"
    title = "intégré (pandoc + typst)"

    def render(self, chapters: Sequence[Path], appendices: Sequence[Path], *, folder: Path, basename: str,
               meta: dict, book, formats: Sequence[str]) -> Rendered:
        from analysis.render.book import render_book

        return Rendered(render_book(list(chapters), folder, basename, formats=formats, appendices=appendices,
                                    meta=meta, book=book))


@dataclass(frozen=True)
class QuartoRenderer:
    """``quarto render`` of the edition's project: the HTML site in ``_book/``, the typst PDF
    copied beside the notebooks."""

    reason: str
    path: str                   # the quarto executable found
    version: str
    name = "quarto"

    @property
    def label(self) -> str:
        return f"quarto {self.version}"

    @property
    def title(self) -> str:
        return f"Quarto {self.version}"

    def render(self, chapters: Sequence[Path], appendices: Sequence[Path], *, folder: Path, basename: str,
               meta: dict, book, formats: Sequence[str]) -> Rendered:
        # Quarto reads the chapters from the project's _quarto.yml.
        outputs, warnings = quarto.render_project(folder, basename, formats, quarto=self.path)
        return Rendered(outputs, tuple(warnings))


def choose(requested: str | None = None) -> Renderer:
    """The renderer for ``requested`` (``quarto``, ``builtin``, or None/``auto``: Quarto if usable).

    Raises :class:`UsageError` for an unknown name, or ``quarto`` asked for but not usable.
    """
    requested = (requested or "auto").strip().lower()
    if requested not in (*RENDERERS, "auto"):
        raise UsageError(f"--renderer {requested} : rendu inconnu.\n  → choisissez quarto ou builtin, ou omettez "
                         "l'option (Quarto quand une version récente est installée, sinon builtin)")
    if requested == "builtin":
        return BuiltinRenderer("demandé par --renderer builtin")
    path, version, problem = quarto.find()
    if path:
        return QuartoRenderer(f"demandé par --renderer quarto ({path})" if requested == "quarto" else
                              f"trouvé : {path}", path, version)
    if requested == "quarto":
        needed = ".".join(map(str, quarto.MIN_VERSION))
        raise UsageError(f"--renderer quarto : {problem}.\n  → installez Quarto {needed} ou plus récent "
                         f"(https://quarto.org/docs/get-started/) et mettez-le sur le PATH ou nommez-le dans "
                         f"${quarto.ENV_PATH}, ou utilisez --renderer builtin (pandoc + typst, toujours disponible)")
    return BuiltinRenderer(problem)
