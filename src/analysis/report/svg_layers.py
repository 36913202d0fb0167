"""An edition's layer over a figure drawn once for a whole group of editions.

The figures of the « Positionnement » section show every peer of a group (the 101 départements,
the académies…) and differ between two members only by the territory highlighted, its name in
the title and its n.c. rate in the source line. The group's figure is drawn once
(:mod:`analysis.report.figure_store`); each edition then edits a copy of its SVG: the lines of the
elements named by a ``gid`` (the title, the footer), a marker moved to the territory's value, an
outline drawn around its shape. matplotlib writes text as text (``svg.fonttype: none``, one
``<text>`` per line), so these are small edits of a valid SVG document.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)

__all__ = ["Layers"]


def _tag(name: str) -> str:
    return f"{{{SVG}}}{name}"


class Layers:
    """A copy of a figure's SVG, edited element by element (by their ``id``, a matplotlib ``gid``)."""

    def __init__(self, svg: str):
        self.root = ET.fromstring(svg)
        self.parents = {child: parent for parent in self.root.iter() for child in parent}

    def find(self, gid: str) -> ET.Element:
        found = self.root.find(f".//*[@id='{gid}']")
        if found is None:
            raise KeyError(f"no element {gid!r} in the figure")
        return found

    def lines(self, gid: str, lines: list[str], count: int | None = None) -> None:
        """The first ``count`` text lines of ``gid`` (one ``<text>`` each; default: all) read
        ``lines``: those left over are emptied (the figure was laid out for the longest text of its
        group), and should there be more lines than room, the last ones share the last line."""
        texts = list(self.find(gid).iter(_tag("text")))[:count]
        lines = list(lines)
        if len(lines) > len(texts):
            lines = lines[:len(texts) - 1] + [" ".join(lines[len(texts) - 1:])]
        for text, line in zip(texts, lines + [""] * (len(texts) - len(lines))):
            text.text = line

    def move(self, gid: str, x: float, y: float) -> None:
        """Markers (``<use>``) and texts of ``gid`` moved to the point (x, y) of the SVG."""
        for use in self.find(gid).iter(_tag("use")):
            use.set("x", f"{x:f}")
            use.set("y", f"{y:f}")
        for text in self.find(gid).iter(_tag("text")):       # matplotlib: x, y and rotate(angle x y)
            text.set("x", f"{x:f}")
            text.set("y", f"{y:f}")
            angle = re.match(r"rotate\(([-\d.]+)", text.get("transform", ""))
            if angle:
                text.set("transform", f"rotate({angle[1]} {x:f} {y:f})")

    def position(self, gid: str) -> tuple[float, float]:
        """Where the first text of ``gid`` is (its x and y)."""
        text = next(self.find(gid).iter(_tag("text")))
        return float(text.get("x")), float(text.get("y"))

    def text(self, gid: str, value: str) -> None:
        for text in self.find(gid).iter(_tag("text")):
            text.text = value

    def remove(self, gid: str) -> None:
        element = self.find(gid)
        self.parents[element].remove(element)

    def outline(self, gid: str, style: str) -> None:
        """A copy of the shapes of ``gid`` without fill and with ``style``, on top of the axes that
        hold it (so that its neighbours do not cover half of the line)."""
        element = self.find(gid)
        axes = self.parents[element]
        drawn = ET.SubElement(axes, _tag("g"), {"id": f"{gid}-contour"})
        for path in element.iter(_tag("path")):
            line = copy.deepcopy(path)
            line.set("style", style)
            drawn.append(line)

    def svg(self) -> str:
        return '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n' + ET.tostring(self.root, encoding="unicode")
