"""Text overlays: lay out, rasterise (Pillow + the bundled CJK font) and blend over a frame.

Overlays are drawn after the 3D pass, on the CPU, so they are exact and identical on every
GL driver. A laid-out overlay is cached per (overlay, frame size): a label shown for two
seconds is rasterised once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .. import fonts
from ..frame import Overlay
from ..subtitles import wrap
from ..subtitles import width as columns

REFERENCE = "国ÁHgjy"  # a line box tall enough for any CJK or Latin line, so bands match
MIN_FONT_PX = 4


@dataclass(frozen=True)
class Layout:
    """Where an overlay sits in a frame and how big its text is."""

    lines: tuple[str, ...]
    font_px: int
    glyph_px: int  # ink height of the tallest glyph of the text, in pixels
    pad: int  # space between the text and the band's edge
    x: int  # top-left corner of the band in the frame
    y: int
    width: int  # band size
    height: int


@dataclass(frozen=True)
class Sprite:
    """A rasterised overlay: its layout, band opacity and text coverage (uint8 masks)."""

    layout: Layout
    band: np.ndarray  # (h, w) uint8: how much of the band colour covers each pixel
    text: np.ndarray  # (h, w) uint8: how much of the text colour covers each pixel


SOLID = 160  # coverage (of 255) from which a text pixel counts as ink when measuring height


def glyph_height(text: str, font_px: int) -> int:
    """Height in pixels of the tallest glyph of ``text`` at ``font_px``, counting only solid
    ink (as a viewer, or :mod:`verify` in a decoded frame, would measure it)."""
    mask = fonts.font(font_px).getmask(text)
    ink = np.asarray(mask, np.uint8).reshape(mask.size[1], mask.size[0]) >= SOLID
    return ink_height(ink)


def ink_height(ink: np.ndarray) -> int:
    """The largest top-to-bottom extent of set pixels in any one column of a boolean image."""
    columns_set = ink.any(axis=0)
    if not columns_set.any():
        return 0
    first = ink.argmax(axis=0)
    last = ink.shape[0] - 1 - ink[::-1].argmax(axis=0)
    return int((last - first + 1)[columns_set].max())


def font_for(text: str, glyph_px: float) -> int:
    """The smallest font size whose tallest glyph of ``text`` is at least ``glyph_px`` tall."""
    reference = 200
    ratio = max(glyph_height(text, reference), 1) / reference
    size = max(MIN_FONT_PX, math.ceil(glyph_px / ratio))
    while glyph_height(text, size) < glyph_px and size < 4 * reference:
        size += 1
    return size


def _line_width(line: str, font_px: int) -> int:
    """Advance width of one line in pixels."""
    return math.ceil(fonts.font(font_px).getlength(line))


def _wrapped(text: str, font_px: int, room: int, max_columns: int) -> tuple[str, ...]:
    """Lines of ``text`` at ``max_columns`` (if set), wrapped tighter until each fits ``room``
    pixels or cannot break further (subtitles.wrap never splits a word)."""
    limit = max_columns or columns(text)
    lines = wrap(text, limit)
    while limit > 1 and max(_line_width(line, font_px) for line in lines) > room:
        limit -= 1
        lines = wrap(text, limit)
    return tuple(lines)


@lru_cache(maxsize=256)
def layout(overlay: Overlay, width: int, height: int) -> Layout:
    """Lay ``overlay`` out in a ``width`` x ``height`` frame: wrap to fit, shrink only when a
    single word is wider than the frame."""
    short = min(width, height)
    size = font_for(overlay.text, overlay.height * short)
    pad = max(1, round(0.3 * overlay.height * short))
    margin = round(overlay.margin * short)
    room = width - 2 * margin - 2 * pad
    lines = _wrapped(overlay.text, size, room, overlay.max_columns)
    while size > MIN_FONT_PX and max(_line_width(line, size) for line in lines) > room:
        size -= 1
        lines = _wrapped(overlay.text, size, room, overlay.max_columns)
    top, bottom = _line_box(size)
    gap = round(0.25 * size)
    band_w = max(_line_width(line, size) for line in lines) + 2 * pad
    band_h = len(lines) * (bottom - top) + (len(lines) - 1) * gap + 2 * pad
    x, y = _place(overlay.anchor, width, height, band_w, band_h, margin, round(overlay.lift * short))
    return Layout(lines, size, glyph_height(overlay.text, size), pad, x, y, band_w, band_h)


def _line_box(font_px: int) -> tuple[int, int]:
    """(top, bottom) of a line's ink box relative to its baseline, the same for every line."""
    box = fonts.font(font_px).getbbox(REFERENCE, anchor="ls")
    return box[1], box[3]


def _place(anchor: str, width: int, height: int, w: int, h: int, margin: int, lift: int) -> tuple[int, int]:
    """Top-left corner of a ``w`` x ``h`` band at ``anchor``, ``margin`` pixels from the edges
    and ``lift`` more from the top or bottom one."""
    x = margin if "left" in anchor else width - margin - w if "right" in anchor else (width - w) // 2
    y = margin + lift if anchor.startswith("top") else height - margin - lift - h
    return x, y


@lru_cache(maxsize=64)
def sprite(overlay: Overlay, width: int, height: int) -> Sprite:
    """The overlay rasterised for a frame of this size (cached)."""
    from PIL import Image, ImageDraw

    lay = layout(overlay, width, height)
    mask = Image.new("L", (lay.width, lay.height), 0)
    draw = ImageDraw.Draw(mask)
    face = fonts.font(lay.font_px)
    top, bottom = _line_box(lay.font_px)
    pad = lay.pad
    step = bottom - top + round(0.25 * lay.font_px)
    for i, line in enumerate(lay.lines):
        w = _line_width(line, lay.font_px)
        x = pad if "left" in overlay.anchor else lay.width - pad - w if "right" in overlay.anchor else (lay.width - w) // 2
        draw.text((x, pad - top + i * step), line, font=face, fill=255, anchor="ls")
    text = np.asarray(mask, dtype=np.uint8)
    band = np.full(text.shape, overlay.band[3], np.uint8)
    return Sprite(lay, band, text)


def composite(pixels: np.ndarray, overlays: tuple[Overlay, ...]) -> np.ndarray:
    """Blend ``overlays`` into an (h, w, 3 or 4) uint8 frame in place (alpha stays as it was)."""
    height, width = pixels.shape[:2]
    for overlay in overlays:
        s = sprite(overlay, width, height)
        region, band, text = _clip(pixels, s, width, height)
        if region is None:
            continue
        rgb = region[..., :3]
        rgb[...] = _blend(rgb, overlay.band[:3], band)
        rgb[...] = _blend(rgb, overlay.color, text)
    return pixels


def _clip(pixels: np.ndarray, s: Sprite, width: int, height: int):
    """The frame region under a sprite and the matching parts of its masks (clipped to the frame)."""
    lay = s.layout
    x0, y0 = max(lay.x, 0), max(lay.y, 0)
    x1, y1 = min(lay.x + lay.width, width), min(lay.y + lay.height, height)
    if x1 <= x0 or y1 <= y0:
        return None, None, None
    sy, sx = slice(y0 - lay.y, y1 - lay.y), slice(x0 - lay.x, x1 - lay.x)
    return pixels[y0:y1, x0:x1], s.band[sy, sx], s.text[sy, sx]


def _blend(rgb: np.ndarray, color: tuple[int, ...], alpha: np.ndarray) -> np.ndarray:
    """``rgb`` with ``color`` laid over it at coverage ``alpha`` (0..255), in exact integers."""
    a = alpha.astype(np.uint32)[..., None]
    c = np.asarray(color, np.uint32)
    return ((rgb.astype(np.uint32) * (255 - a) + c * a + 127) // 255).astype(np.uint8)


def masks(overlay: Overlay, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """Full-frame boolean masks of where the overlay's text is solid and where only its band
    shows (away from the text): what :mod:`verify` looks for in decoded frames."""
    s = sprite(overlay, width, height)
    text = np.zeros((height, width), bool)
    band = np.zeros((height, width), bool)
    region_t, _, t = _clip(text[..., None], s, width, height)
    if region_t is None:
        return text, band
    region_b, _, _ = _clip(band[..., None], s, width, height)
    region_t[..., 0] = t >= 224
    region_b[..., 0] = _far_from(t > 0, max(1, s.layout.font_px // 10))
    return text, band


def _far_from(mask: np.ndarray, distance: int) -> np.ndarray:
    """Pixels more than ``distance`` pixels (square neighbourhood) from any set pixel of ``mask``."""
    grown = mask.copy()
    for dy in range(-distance, distance + 1):
        for dx in range(-distance, distance + 1):
            grown |= np.roll(np.roll(mask, dy, axis=0), dx, axis=1)
    return ~grown


def engine_facts() -> dict[str, str]:
    """What changes the pixels of an overlay besides its own fields (for cache keys)."""
    from importlib.metadata import version

    return {"pillow": version("pillow"), "font": fonts.cjk_font_path().name,
            "font_package": version("cvttf-NotoSansCJK-Regular"), "text_version": "2"}
