"""Images of a notebook: decoded from its JSON, written with their extension, and sized for the
PDF: their natural size (pixels / dpi, or an SVG's own width and height), never wider than the
text block nor taller than ``MAX_FIGURE_HEIGHT_IN``."""

from __future__ import annotations

import base64
import io
import re

from analysis.render.pandoc_text import nb_text

# Usable text block of the PDF (A4, 2.5 cm side margins; header/footer excluded), in inches.
TEXT_WIDTH_IN = 16.0 / 2.54
MAX_FIGURE_HEIGHT_IN = 19.0 / 2.54
IMAGE_EXT = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}


def decode_image(mime: str, payload) -> bytes:
    text = nb_text(payload)
    if mime == "image/svg+xml":
        return text.encode("utf-8")
    return base64.b64decode(text)


def image_width_percent(data: bytes, mime: str) -> int | None:
    """Width of an image in the PDF text block, in %, from its size and resolution.

    A figure keeps its natural size (pixels / dpi, as saved by matplotlib) but never exceeds
    the text width nor ``MAX_FIGURE_HEIGHT_IN``. ``None`` when the size cannot be read.
    """
    if mime == "image/svg+xml":
        size = svg_size_in(data)
        if size is None:
            return None
        width_in, height_in = size
        scale = min(1.0, TEXT_WIDTH_IN / width_in, MAX_FIGURE_HEIGHT_IN / height_in)
        return max(10, min(100, round(width_in * scale / TEXT_WIDTH_IN * 100)))
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - pillow comes with matplotlib
        return None
    try:
        with Image.open(io.BytesIO(data)) as img:
            width_px, height_px = img.size
            dpi = img.info.get("dpi", (96, 96))[0] or 96
    except Exception:  # noqa: BLE001 - an unreadable image is still embedded as is
        return None
    dpi = float(dpi)
    if dpi < 30:  # nonsense metadata
        dpi = 96.0
    width_in, height_in = width_px / dpi, height_px / dpi
    scale = min(1.0, TEXT_WIDTH_IN / width_in, MAX_FIGURE_HEIGHT_IN / height_in)
    return max(10, min(100, round(width_in * scale / TEXT_WIDTH_IN * 100)))


_SVG_LENGTH_RE = re.compile(r"^\s*([\d.]+)\s*(pt|px|in|cm|mm)?\s*$")
_SVG_UNITS_IN = {"pt": 1 / 72, "px": 1 / 96, None: 1 / 96, "in": 1.0, "cm": 1 / 2.54, "mm": 1 / 25.4}


def svg_size_in(data: bytes) -> tuple[float, float] | None:
    """(width, height) in inches of an SVG from its root ``width``/``height`` (matplotlib: pt)."""
    head = data[:2000].decode("utf-8", "replace")
    tag = re.search(r"<svg\b[^>]*>", head)
    if not tag:
        return None
    sizes = []
    for name in ("width", "height"):
        attr = re.search(rf'\b{name}="([^"]+)"', tag.group(0))
        length = _SVG_LENGTH_RE.match(attr.group(1)) if attr else None
        if not length or float(length.group(1)) <= 0:
            return None
        sizes.append(float(length.group(1)) * _SVG_UNITS_IN[length.group(2)])
    return sizes[0], sizes[1]

