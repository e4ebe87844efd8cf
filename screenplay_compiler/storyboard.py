"""Storyboards: one keyframe per shot (and per major action), laid out for reading and printing.

The keyframes are the episode's own frames (same tracks, same renderer, no overlays), drawn
small: a shot's middle frame, and the middle of each walk, sit, stand or wave in it. They
become a contact sheet PNG, a printable A4 PDF with shot number, camera, dialogue and duration
under each panel, and ``keyframes/<name>.png``, which a later storyboard is compared against
(``--compare approved/``) as a visual regression check. Every file is written atomically and
from content only, so the same script gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, ImageDraw

from . import atomic, fonts, ir
from .diff import _camera_text, _event_text
from .subtitles import width as text_width
from .subtitles import wrap
from .tracks import Tracks

FORMAT = "sdc-storyboard/1"
PANEL = (480, 270)
MAJOR_ACTIONS = ("walk", "sit", "stand", "wave")  # nods and turns are too small to draw
MAX_ACTION_PANELS = 2  # per shot, besides its middle frame
MIN_GAP_S = 0.75  # an action keyframe this close to another of its shot adds nothing
PIXEL_THRESHOLD = 16  # a pixel has changed when a channel moved more than this many levels
DEFAULT_TOLERANCE = 0.01  # a keyframe has changed when more than this fraction of its pixels did
A4_150DPI = (1240, 1754)
PNG_OPTIONS = {"format": "PNG", "compress_level": 6}
INK, PAPER, MUTED = (20, 20, 24), (250, 250, 247), (105, 105, 112)


@dataclass(frozen=True)
class Caption:
    """The words under a panel."""

    number: str  # "3", or "3a", "3b" when a shot has several panels
    shot_id: str
    camera: str
    words: str
    duration: float


@dataclass(frozen=True)
class Keyframe:
    """One panel: which frame of which shot, its file name and its caption."""

    name: str  # the PNG's stem under keyframes/
    frame: int  # in the episode
    caption: Caption


@dataclass(frozen=True)
class Difference:
    """How one keyframe compares with its approved version."""

    name: str
    status: Literal["same", "changed", "added", "removed"]
    mean_abs: float = 0.0  # mean absolute difference, in levels of 255
    changed: float = 0.0  # fraction of pixels that moved more than PIXEL_THRESHOLD
    note: str = ""


@dataclass(frozen=True)
class Board:
    """What a storyboard run made."""

    keyframes: tuple[Keyframe, ...]
    sheet: Path
    pdf: Path
    folder: Path  # keyframes/
    seconds: float


# ---- choosing keyframes ---------------------------------------------------------------------


def pick(episode: ir.Episode, tracks: Tracks) -> list[Keyframe]:
    """Every shot's middle frame, plus the middle of up to two major actions in it, in time order."""
    out: list[Keyframe] = []
    for number, shot in enumerate(tracks.shots, 1):
        ir_shot = next(s for s in episode.shots if s.id == shot.id)
        frames = {shot.first_frame + shot.frame_count // 2: ("", _dialogue(ir_shot))}
        for frame, actor, kind in _actions(tracks, shot):
            if len(frames) > MAX_ACTION_PANELS:
                break
            if all(abs(frame - f) >= MIN_GAP_S * tracks.fps for f in frames):
                frames[frame] = (f"{_slug(actor)}-{kind}", _action_words(ir_shot, actor, kind))
        for letter, frame in enumerate(sorted(frames)):
            suffix, words = frames[frame]
            label = str(number) + ("abc"[letter] if len(frames) > 1 else "")
            caption = Caption(label, shot.id, _camera_text(ir_shot.camera), words, shot.frame_count / tracks.fps)
            out.append(Keyframe(shot.id + (f".{suffix}" if suffix else ""), frame, caption))
    return out


def _actions(tracks: Tracks, shot) -> list[tuple[int, str, str]]:
    """(frame, actor, kind) at the middle of each major action clip that peaks inside ``shot``."""
    scene = next(s for s in tracks.scenes if s.id == shot.scene)
    last = shot.first_frame + shot.frame_count - 1
    found = []
    for actor in scene.actors:
        for clip in actor.clips:
            frame = int((clip.start + clip.end) / 2 * tracks.fps)
            if clip.kind in MAJOR_ACTIONS and shot.first_frame <= frame <= last:
                found.append((frame, actor.name, clip.kind))
    return sorted(found)


def _dialogue(shot: ir.Shot) -> str:
    """What is said in a shot, or (when nobody speaks) what happens in it."""
    lines = [_event_text(e) for e in shot.events if isinstance(e, ir.Line)]
    return " / ".join(lines or [_event_text(e) for e in shot.events if isinstance(e, ir.Action)])


def _action_words(shot: ir.Shot, actor: str, kind: str) -> str:
    """The stage direction behind an action clip (a stand before a walk has none of its own)."""
    verbs = {"walk": "walk_to", "sit": "sit", "stand": "stand", "wave": "wave"}
    event = next((e for e in shot.events if isinstance(e, ir.Action) and e.actor == actor and e.verb == verbs[kind]), None)
    return _event_text(event) if event else f"{actor} {'stands up' if kind == 'stand' else kind + 's'}."


def _slug(name: str) -> str:
    """A character's name as part of a file name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "someone"


# ---- drawing --------------------------------------------------------------------------------


def render_keyframes(episode: ir.Episode, tracks: Tracks, keyframes: list[Keyframe]) -> dict[str, np.ndarray]:
    """Each keyframe's pixels at the tracks' size, drawn at full quality."""
    from .animate import shot_frame
    from .render import Renderer

    shots = {s.id: s for s in tracks.shots}
    with Renderer(tracks.width, tracks.height) as renderer:
        return {k.name: renderer.render(shot_frame(episode, tracks, shots[k.caption.shot_id], k.frame / tracks.fps))
                for k in keyframes}


@dataclass(frozen=True)
class Layout:
    """A grid of captioned panels on a sheet (``page`` None) or on fixed-size pages."""

    columns: int
    panel_width: int
    margin: int
    gap: int
    font_px: int
    page: tuple[int, int] | None = None


def sheet_layout(panel_width: int, count: int) -> Layout:
    """The contact sheet: up to four panels a row at their own size."""
    return Layout(min(4, max(1, count)), panel_width, 32, 24, max(11, round(panel_width / 28)))


def page_layout() -> Layout:
    """An A4 page at 150 dpi: two panels a row, captions about 8.5 pt."""
    return Layout(2, (A4_150DPI[0] - 2 * 70 - 40) // 2, 70, 40, 18, A4_150DPI)


def compose(title: str, subtitle: str, panels: list[tuple[np.ndarray, Caption]], layout: Layout) -> list[Image.Image]:
    """The panels in a grid under a heading: one image, or as many pages as they need."""
    aspect = panels[0][0].shape[0] / panels[0][0].shape[1] if panels else 9 / 16
    panel_h = round(layout.panel_width * aspect)
    cell = (layout.panel_width, panel_h + _caption_height(layout.font_px))
    header = round(layout.font_px * 3.6)
    per_page = _per_page(layout, cell, header)
    pages = [panels[i : i + per_page] for i in range(0, max(len(panels), 1), per_page)]
    out = []
    for n, chunk in enumerate(pages, 1):
        rows = max(1, math.ceil(len(chunk) / layout.columns))
        size = layout.page or (2 * layout.margin + layout.columns * cell[0] + (layout.columns - 1) * layout.gap,
                               2 * layout.margin + header + rows * cell[1] + (rows - 1) * layout.gap)
        page = Image.new("RGB", size, PAPER)
        draw = ImageDraw.Draw(page)
        pages_note = f"   page {n} of {len(pages)}" if len(pages) > 1 else ""
        _heading(draw, (layout.margin, layout.margin), title, subtitle + pages_note, layout.font_px, size[0] - 2 * layout.margin)
        for i, (pixels, caption) in enumerate(chunk):
            x = layout.margin + (i % layout.columns) * (cell[0] + layout.gap)
            y = layout.margin + header + (i // layout.columns) * (cell[1] + layout.gap)
            _panel(page, draw, (x, y), pixels, caption, layout.panel_width, panel_h, layout.font_px)
        out.append(page)
    return out


def _per_page(layout: Layout, cell: tuple[int, int], header: int) -> int:
    """How many panels fit on one page (all of them on a sheet)."""
    if layout.page is None:
        return 1 << 30
    rows = max(1, (layout.page[1] - 2 * layout.margin - header + layout.gap) // (cell[1] + layout.gap))
    return rows * layout.columns


def _caption_height(px: int) -> int:
    """Four lines of caption under a panel."""
    return round(px * 1.45 * 4 + px * 0.6)


def _heading(draw: ImageDraw.ImageDraw, at: tuple[int, int], title: str, subtitle: str, px: int, width: int) -> None:
    """The title and a line of facts at the top of a sheet or page."""
    x, y = at
    draw.text((x, y), _fit(draw, title, fonts.font(round(px * 1.6)), width), font=fonts.font(round(px * 1.6)), fill=INK)
    draw.text((x, y + round(px * 2.1)), _fit(draw, subtitle, fonts.font(px), width), font=fonts.font(px), fill=MUTED)


def _panel(page: Image.Image, draw: ImageDraw.ImageDraw, at: tuple[int, int], pixels: np.ndarray, caption: Caption,
           width: int, height: int, px: int) -> None:
    """One keyframe with a thin frame and its four caption lines."""
    x, y = at
    image = Image.fromarray(pixels)
    if image.size != (width, height):
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    page.paste(image, (x, y))
    draw.rectangle((x - 1, y - 1, x + width, y + height), outline=INK)
    font, line = fonts.font(px), round(px * 1.45)
    top = y + height + round(px * 0.4)
    seconds = f"{caption.duration:.1f} s"
    draw.text((x + width, top), seconds, font=font, fill=INK, anchor="ra")
    head = _fit(draw, f"{caption.number}  {caption.shot_id}", font, width - draw.textlength(seconds + "  ", font=font))
    draw.text((x, top), head, font=font, fill=INK)
    draw.text((x, top + line), _fit(draw, caption.camera, font, width), font=font, fill=MUTED)
    for i, text in enumerate(_lines(draw, caption.words, font, width, 2)):
        draw.text((x, top + (2 + i) * line), text, font=font, fill=INK)


def _lines(draw: ImageDraw.ImageDraw, text: str, font, width: int, count: int) -> list[str]:
    """``text`` broken into at most ``count`` lines that fit ``width`` pixels (the last one cut with …)."""
    if not text:
        return []
    per_column = draw.textlength(text, font=font) / max(1, text_width(text))
    columns = max(8, int(width / max(1.0, per_column)))
    lines = wrap(text, columns)
    while any(draw.textlength(line, font=font) > width for line in lines) and columns > 8:
        columns -= 1
        lines = wrap(text, columns)
    if len(lines) > count:
        lines = lines[: count - 1] + [" ".join(lines[count - 1 :])]
    return [_fit(draw, line, font, width) for line in lines]


def _fit(draw: ImageDraw.ImageDraw, text: str, font, width: float) -> str:
    """``text`` cut (with …) to at most ``width`` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


# ---- files ----------------------------------------------------------------------------------


def png_bytes(image: Image.Image) -> bytes:
    """A PNG with fixed settings and no text chunks: the same pixels always give the same bytes."""
    buffer = io.BytesIO()
    image.save(buffer, **PNG_OPTIONS)
    return buffer.getvalue()


def pdf_bytes(pages: list[Image.Image], title: str) -> bytes:
    """The pages as a PDF without creation dates (so it is byte-stable)."""
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:], resolution=150.0, quality=92,
                  title=title, creationDate=None, modDate=None)
    return buffer.getvalue()


def write_keyframes(folder: Path, images: dict[str, np.ndarray]) -> None:
    """``<name>.png`` for every keyframe; PNGs of keyframes that no longer exist are removed."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, pixels in images.items():
        atomic.write_bytes(folder / f"{name}.png", png_bytes(Image.fromarray(pixels)))
    for stale in folder.glob("*.png"):
        if stale.stem not in images:
            stale.unlink()


def record(script: Path, episode: ir.Episode, tracks: Tracks, keyframes: list[Keyframe], images: dict[str, np.ndarray]) -> bytes:
    """The storyboard's record: which frame each panel shows and the digest of its pixels."""
    panels = [{"name": k.name, "shot": k.caption.shot_id, "number": k.caption.number, "frame": k.frame,
               "seconds": round(k.frame / tracks.fps, 3), "camera": k.caption.camera, "words": k.caption.words,
               "pixels_sha256": hashlib.sha256(images[k.name].tobytes()).hexdigest()} for k in keyframes]
    data = {"format": FORMAT, "script": Path(script).name, "title": episode.title, "size": [tracks.width, tracks.height],
            "fps": tracks.fps, "panels": panels}
    return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def label_png(path: Path, script_text: str, episode: ir.Episode, record_sha256: str) -> None:
    """Put the AIGC metadata label (GB 45438) in the sheet, its ReservedCode1 the record's digest."""
    from . import aigc
    from .provenance import stamp_for

    aigc.tag_png(path, stamp_for(script_text, episode, None).label(record_sha256))


# ---- the whole run --------------------------------------------------------------------------


def make(script: Path, out_dir: Path, panel: tuple[int, int] = PANEL, fps: int = 30,
         cache_dir: Path | None = Path(".sdc-cache")) -> tuple[Board, dict[str, np.ndarray]]:
    """Compile, voice (cached) and time ``script``, draw its keyframes and write the sheet, the PDF,
    the record and ``keyframes/`` into ``out_dir``. Returns the board and the keyframes' pixels."""
    from . import api

    start = time.perf_counter()
    compiled = api.compile_file(script)
    episode = compiled.episode
    audio = api.synthesize(episode, cache_dir)
    tracks = api.schedule(episode, audio, api.BuildSettings(width=panel[0], height=panel[1], fps=fps, cache_dir=cache_dir))
    keyframes = pick(episode, tracks)
    images = render_keyframes(episode, tracks, keyframes)
    out_dir = Path(out_dir)
    board = Board(tuple(keyframes), out_dir / "contact-sheet.png", out_dir / "storyboard.pdf", out_dir / "keyframes", 0.0)
    _write(board, Path(script), compiled.text, episode, tracks, images)
    return replace(board, seconds=time.perf_counter() - start), images


def _write(board: Board, script: Path, text: str, episode: ir.Episode, tracks: Tracks, images: dict[str, np.ndarray]) -> None:
    """Every file of a storyboard."""
    panels = [(images[k.name], k.caption) for k in board.keyframes]
    shots = len(tracks.shots)
    subtitle = f"{script.name}   {shots} shot{'s' * (shots != 1)}, {len(panels)} panels, {tracks.duration:.1f} s"
    title = f"{episode.title or script.stem}: storyboard"
    write_keyframes(board.folder, images)
    data = record(script, episode, tracks, list(board.keyframes), images)
    atomic.write_bytes(board.folder.parent / "storyboard.json", data)
    sheet = compose(title, subtitle, panels, sheet_layout(tracks.width, len(panels)))[0]
    atomic.write_bytes(board.sheet, png_bytes(sheet))
    label_png(board.sheet, text, episode, hashlib.sha256(data).hexdigest())
    atomic.write_bytes(board.pdf, pdf_bytes(compose(title, subtitle, panels, page_layout()), title))


# ---- visual regression ----------------------------------------------------------------------


def approved_images(folder: Path) -> dict[str, Path]:
    """The approved keyframes: ``folder/keyframes/*.png`` (a whole storyboard) or ``folder/*.png``."""
    folder = Path(folder)
    inner = folder / "keyframes"
    return {p.stem: p for p in sorted((inner if inner.is_dir() else folder).glob("*.png"))}


def compare(current: dict[str, np.ndarray], approved: dict[str, Path], tolerance: float = DEFAULT_TOLERANCE) -> list[Difference]:
    """Every keyframe against its approved PNG: same, changed beyond ``tolerance``, added or removed."""
    out = []
    for name, pixels in current.items():
        if name not in approved:
            out.append(Difference(name, "added", note="no approved keyframe"))
            continue
        out.append(difference(name, pixels, np.asarray(Image.open(approved[name]).convert("RGB")), tolerance))
    out.extend(Difference(name, "removed", note="no such keyframe now") for name in approved if name not in current)
    return out


def difference(name: str, new: np.ndarray, old: np.ndarray, tolerance: float) -> Difference:
    """How far ``new`` moved from ``old``: mean absolute difference and the fraction of changed pixels."""
    new = np.asarray(new)[..., :3]
    if new.shape != old.shape:
        note = f"size {old.shape[1]}x{old.shape[0]} -> {new.shape[1]}x{new.shape[0]}"
        return Difference(name, "changed", float("nan"), 1.0, note)
    delta = np.abs(new.astype(np.int16) - old.astype(np.int16))
    mean_abs = float(delta.mean())
    changed = float((delta.max(axis=2) > PIXEL_THRESHOLD).mean())
    return Difference(name, "changed" if changed > tolerance else "same", round(mean_abs, 3), round(changed, 5))
