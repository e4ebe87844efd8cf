"""The one font sdc draws text with: Noto Sans CJK, shipped as a Python package.

Labels, burned-in subtitles and storyboard captions must render Chinese and Latin text the
same on every machine, and a fresh machine has no CJK font. So the font is a dependency
(``cvttf-NotoSansCJK-Regular``: Noto Sans CJK under the SIL Open Font License) and never a
system font: a system font would make frames differ between machines.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


class FontUnavailable(RuntimeError):
    """The bundled CJK font is missing (a broken install)."""


@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """Path of the bundled Noto Sans CJK OpenType font."""
    try:
        import cvttf_NotoSansCJK_Regular as package
    except ImportError:
        raise FontUnavailable("the CJK font package is not installed: "
                              "pip install cvttf-NotoSansCJK-Regular (or reinstall sdc)") from None
    path = Path(package.__file__).parent
    fonts = sorted(p for p in path.iterdir() if p.suffix.lower() in (".otf", ".ttf", ".ttc"))
    if not fonts:
        raise FontUnavailable(f"no font file in {path}: reinstall cvttf-NotoSansCJK-Regular")
    return fonts[0]


@lru_cache(maxsize=32)
def font(size_px: int):
    """The CJK font as a Pillow FreeType font at ``size_px`` pixels (em size)."""
    from PIL import ImageFont

    return ImageFont.truetype(str(cjk_font_path()), size_px)


def missing_glyphs(text: str) -> list[str]:
    """Characters of ``text`` the font has no glyph for (they would draw as .notdef boxes)."""
    face = font(32)
    notdef = _mask_bytes(face, "\U0010fffd")  # a private-use code point: never in the font
    return [ch for ch in dict.fromkeys(text) if not ch.isspace() and _mask_bytes(face, ch) == notdef]


def _mask_bytes(face, ch: str) -> tuple:
    """A character's rendered mask as comparable data."""
    mask = face.getmask(ch)
    return mask.size, bytes(mask)
