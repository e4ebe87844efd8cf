"""A diff of two drafts -> a side-by-side review video of the shots that changed.

Each shot the diff marks as not unchanged plays once, in the diff's order: the old draft's
shot on the left, the new draft's on the right, both at half width in a letterboxed frame.
The band above the pictures says which draft each side is, the shot's id and what changed;
a bar below each picture shows how far that side has played. A shot only one draft has
shows a dark "added"/"removed" panel on the other side, and the shorter side holds its last
frame (marked "ended"). A short title card names each shot before it plays. The sound is the
new draft's dialogue for the shot (the old draft's for a removed shot), so the reviewer
hears the changed line. Frames are streamed into one H.264 stream; the same inputs give the
same bytes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import numpy as np

from . import ir
from .animate import shot_frame
from .diff import EpisodeDiff, ShotChange
from .diffview import describe
from .tracks import ShotTrack, Tracks

if TYPE_CHECKING:
    from PIL import ImageFont

    from .api import BuildSettings
    from .encode import SegmentWriter
    from .mix import Placement
    from .voice import LineAudio

CARD_SECONDS = 0.5  # the title card before each shot
BACKGROUND = (18, 18, 22)
EMPTY_PANEL = (34, 34, 40)
TEXT = (235, 235, 235)
DIM_TEXT = (170, 170, 178)
SIDE_COLORS = {"old": (232, 160, 64), "new": (80, 200, 190)}
STATUS_COLORS = {"changed": (240, 210, 90), "added": (110, 210, 110), "removed": (235, 95, 90),
                 "moved": (120, 160, 240), "unchanged": (170, 170, 178)}


@dataclass(frozen=True)
class Draft:
    """One side of the comparison: a compiled episode, its timed tracks and its line audio."""

    episode: ir.Episode
    tracks: Tracks
    audio: dict[str, "LineAudio"]


@dataclass(frozen=True)
class ReviewedShot:
    """One shot in the review: which, why, and where it plays (after its title card)."""

    status: str
    old_id: str | None
    new_id: str | None
    summary: str
    start: float  # seconds into the review video
    frame_count: int  # the longer side's frames


@dataclass(frozen=True)
class ReviewReport:
    """What a review render made."""

    output: Path
    shots: tuple[ReviewedShot, ...]
    frame_count: int
    card_frames: int  # frames of each title card
    duration: float


@dataclass(frozen=True)
class Layout:
    """Where things go in a review frame: two panels side by side, bands above and below."""

    width: int
    height: int
    panel_w: int
    panel_h: int
    left_x: int
    right_x: int
    top: int  # first row of the panels; the label band is everything above
    font_size: int

    @property
    def bar(self) -> tuple[int, int]:
        """First and last-plus-one row of the progress bars under the panels."""
        y = self.top + self.panel_h + max(2, self.height // 90)
        return y, y + max(2, self.height // 120)

    def x(self, side: str) -> int:
        """The left column of a side's panel."""
        return self.left_x if side == "old" else self.right_x


def layout_for(width: int, height: int) -> Layout:
    """The review layout for an output frame of ``width`` x ``height``."""
    gutter = 2 * max(1, width // 320)
    panel_w = _even((width - 3 * gutter) // 2)
    panel_h = _even(panel_w * height / width)
    top = (height - panel_h) // 2
    return Layout(width, height, panel_w, panel_h, gutter, width - gutter - panel_w, top, max(8, round(height / 26)))


def _even(x: float) -> int:
    """``x`` rounded down to an even integer (yuv420p and GL like even sizes), at least 2."""
    return max(2, int(x) // 2 * 2)


# ---- drawing: text with Pillow, composited with numpy --------------------------------------


@lru_cache(maxsize=8)
def _font(size: int) -> "ImageFont.FreeTypeFont":
    """Pillow's built-in scalable font at ``size`` pixels."""
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def _fit(text: str, font, width: int) -> str:
    """``text`` cut with an ellipsis so it fits in ``width`` pixels."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "...") > width:
        text = text[:-1]
    return text + "..."


def _wrap(text: str, font, width: int, lines: int) -> list[str]:
    """``text`` broken at spaces into at most ``lines`` lines of ``width`` pixels, the last cut."""
    out, words = [], text.split(" ")
    while words and len(out) < lines - 1:
        n = max([k for k in range(1, len(words) + 1) if font.getlength(" ".join(words[:k])) <= width], default=1)
        out.append(_fit(" ".join(words[:n]), font, width))
        words = words[n:]
    if words:
        out.append(_fit(" ".join(words), font, width))
    return out


def _overlay(width: int, height: int, runs: list[tuple[int, int, str, tuple[int, int, int], int]]) -> np.ndarray:
    """A transparent RGBA (height, width, 4) image with text runs (x, y, text, colour, size)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for x, y, text, color, size in runs:
        draw.text((x, y), text, fill=(*color, 255), font=_font(size))
    return np.asarray(image)


def composite(dst: np.ndarray, overlay: np.ndarray) -> None:
    """Alpha-blend an RGBA ``overlay`` onto the RGB ``dst`` of the same size, in place (integer math)."""
    alpha = overlay[..., 3:].astype(np.uint16)
    mixed = (dst.astype(np.uint16) * (255 - alpha) + overlay[..., :3].astype(np.uint16) * alpha + 127) // 255
    dst[...] = mixed.astype(np.uint8)


def _blank(layout: Layout) -> np.ndarray:
    """A frame of background colour."""
    frame = np.empty((layout.height, layout.width, 3), np.uint8)
    frame[...] = BACKGROUND
    return frame


def _label_runs(change: ShotChange, side: str, layout: Layout) -> list:
    """The text of one side's label band: draft, shot id, status and what changed."""
    size, x = layout.font_size, layout.x(side)
    step = round(size * 1.3)
    tag = side.upper()
    shot_id = change.old_id if side == "old" else change.new_id
    tag_w = round(_font(size).getlength(tag + "  "))
    y = max(1, layout.top - 3 * step - size // 2)
    runs = [(x, y, tag, SIDE_COLORS[side], size),
            (x + tag_w, y, _fit(shot_id or "(none)", _font(size), layout.panel_w - tag_w), TEXT, size)]
    status = change.status.upper()
    status_w = round(_font(size).getlength(status + "  "))
    runs.append((x, y + step, status, STATUS_COLORS[change.status], size))
    for i, line in enumerate(_wrap(describe(change, side), _font(size), layout.panel_w - status_w, 2)):
        runs.append((x + status_w, y + step * (1 + i), line, DIM_TEXT, size))
    return runs


def _length_runs(counts: dict[str, int], fps: int, layout: Layout) -> list:
    """Each played side's length, under its progress bar."""
    size = max(8, layout.font_size - 2)
    return [(layout.x(side), layout.bar[1] + size // 2, f"{n} frames, {n / fps:.2f} s", DIM_TEXT, size)
            for side, n in counts.items() if n]


def _backdrop(change: ShotChange, counts: dict[str, int], fps: int, layout: Layout) -> np.ndarray:
    """The still part of a shot's frames: background with the labels composited into the bands."""
    frame = _blank(layout)
    runs = _label_runs(change, "old", layout) + _label_runs(change, "new", layout)
    composite(frame[: layout.top], _overlay(layout.width, layout.top, runs))
    below = layout.bar[1]
    composite(frame[below:], _overlay(layout.width, layout.height - below,
                                      [(x, y - below, t, c, z) for x, y, t, c, z in _length_runs(counts, fps, layout)]))
    return frame


def _centred_panel(layout: Layout, color: tuple[int, int, int], text: str, text_color) -> np.ndarray:
    """A panel of one colour with ``text`` in the middle."""
    panel = np.empty((layout.panel_h, layout.panel_w, 3), np.uint8)
    panel[...] = color
    size = max(8, layout.panel_h // 8)
    w = _font(size).getlength(text)
    composite(panel, _overlay(layout.panel_w, layout.panel_h,
                              [(round((layout.panel_w - w) / 2), (layout.panel_h - size) // 2, text, text_color, size)]))
    return panel


def _ended(panel: np.ndarray, layout: Layout) -> np.ndarray:
    """A held last frame with a small "ended" mark in its corner."""
    held = panel.copy()
    size = max(8, layout.font_size - 2)
    pad = max(2, size // 3)
    w = round(_font(size).getlength("ENDED")) + 2 * pad
    box = held[pad : pad + size + 2 * pad, pad : pad + w]
    box[...] = (box // 3)  # darken under the mark so it reads on any picture
    composite(box, _overlay(box.shape[1], box.shape[0], [(pad, pad // 2, "ENDED", TEXT, size)]))
    return held


def _card(change: ShotChange, index: int, total: int, layout: Layout) -> np.ndarray:
    """The title card before a shot: its number, status, id and what changed."""
    frame = _blank(layout)
    big, size = max(10, round(layout.height / 14)), layout.font_size
    shot_id = change.new_id or change.old_id
    if change.old_id and change.new_id and change.old_id != change.new_id:
        shot_id = f"{change.old_id} -> {change.new_id}"
    margin = layout.left_x * 4
    width = layout.width - 2 * margin
    y = layout.height // 2 - big - size
    runs = [(margin, y, f"{index}/{total}  {change.status.upper()}", STATUS_COLORS[change.status], big),
            (margin, y + round(big * 1.4), _fit(shot_id or "", _font(size), width), TEXT, size)]
    side = "old" if change.status == "removed" else "new"
    for i, line in enumerate(_wrap(describe(change, side), _font(size), width, 2)):
        runs.append((margin, y + round(big * 1.4) + round(size * 1.4) * (i + 1), line, DIM_TEXT, size))
    composite(frame, _overlay(layout.width, layout.height, runs))
    return frame


# ---- frames ---------------------------------------------------------------------------------


def _shot_track(tracks: Tracks, shot_id: str, side: str) -> ShotTrack:
    """The timed shot ``shot_id`` of one draft; a clear error when the diff names a shot it lacks."""
    for shot in tracks.shots:
        if shot.id == shot_id:
            return shot
    raise ValueError(f"the {side} draft has no shot {shot_id!r} (is the diff from these drafts?)")


def _side_frames(draft: Draft, shot_id: str | None, side: str, layout: Layout, renderer,
                 frames: int) -> Iterator[np.ndarray]:
    """``frames`` panels for one side: the shot played then held, or an empty panel throughout."""
    if shot_id is None:
        label = "ADDED" if side == "old" else "REMOVED"
        return itertools.repeat(_centred_panel(layout, EMPTY_PANEL, label, DIM_TEXT), frames)
    return _played(draft, _shot_track(draft.tracks, shot_id, side), layout, renderer, frames)


def _played(draft: Draft, shot: ShotTrack, layout: Layout, renderer, frames: int) -> Iterator[np.ndarray]:
    """A shot rendered frame by frame, then its last frame held (marked ended) up to ``frames``."""
    panel = None
    for f in range(shot.first_frame, shot.first_frame + shot.frame_count):
        panel = renderer.render_rgba(shot_frame(draft.episode, draft.tracks, shot, f / draft.tracks.fps))[..., :3]
        yield panel
    if frames > shot.frame_count:
        held = _ended(panel, layout)
        for _ in range(frames - shot.frame_count):
            yield held


def _progress(frame: np.ndarray, layout: Layout, side: str, played: int, total: int) -> None:
    """Draw one side's progress bar: how much of its shot has played."""
    y0, y1 = layout.bar
    x = layout.x(side)
    done = round(layout.panel_w * played / total)
    frame[y0:y1, x : x + done] = SIDE_COLORS[side]
    frame[y0:y1, x + done : x + layout.panel_w] = (60, 60, 66)


def _frame_count(draft: Draft, shot_id: str | None, side: str) -> int:
    """How many frames a side's shot has (0 when that draft lacks the shot)."""
    return _shot_track(draft.tracks, shot_id, side).frame_count if shot_id else 0


def _write_shot(writer: "SegmentWriter", change: ShotChange, old: Draft, new: Draft, layout: Layout, renderer) -> int:
    """Stream one shot's side-by-side frames into ``writer``; return how many were written."""
    counts = {"old": _frame_count(old, change.old_id, "old"), "new": _frame_count(new, change.new_id, "new")}
    frames = max(counts.values())
    frame = _backdrop(change, counts, old.tracks.fps, layout)
    left = _side_frames(old, change.old_id, "old", layout, renderer, frames)
    right = _side_frames(new, change.new_id, "new", layout, renderer, frames)
    ys = slice(layout.top, layout.top + layout.panel_h)
    for i, (a, b) in enumerate(zip(left, right)):
        frame[ys, layout.left_x : layout.left_x + layout.panel_w] = a
        frame[ys, layout.right_x : layout.right_x + layout.panel_w] = b
        for side, n in counts.items():
            if n:
                _progress(frame, layout, side, min(i + 1, n), n)
        writer.write(frame)
    return frames


# ---- sound ----------------------------------------------------------------------------------


def _placements(draft: Draft, shot_id: str, offset: float) -> list["Placement"]:
    """The shot's dialogue as placed in its draft, moved so the shot starts at ``offset``."""
    from .mix import Placement

    shot = next(s for s in draft.episode.shots if s.id == shot_id)
    lines = {e.id for e in shot.events if isinstance(e, ir.Line)}
    start = next(s for s in draft.tracks.shots if s.id == shot_id).first_frame / draft.tracks.fps
    return [Placement(start=offset + p.start - start, audio=draft.audio[p.line_id], gain_db=p.gain_db, pan=p.pan)
            for p in draft.tracks.audio if p.line_id in lines]


def _heard(change: ShotChange, old: Draft, new: Draft) -> tuple[Draft, str]:
    """Whose dialogue plays under a shot: the new draft's, or the old one's for a removed shot."""
    return (new, change.new_id) if change.new_id else (old, change.old_id)


# ---- the whole review -----------------------------------------------------------------------


def render_review(diff: EpisodeDiff, old: Draft, new: Draft, out: Path, settings: "BuildSettings") -> ReviewReport:
    """Render the shots ``diff`` marks as changed, old beside new, into the MP4 ``out`` (atomically)."""
    from .api import _build_dir
    from .encode import SegmentWriter, mux
    from .mix import MIX_RATE, mix, write_wav

    changes = diff.changed()
    if not changes:
        raise ValueError("no shot changed: nothing to review")
    _check_rates(old, new, settings)
    out = Path(out)
    with _build_dir(out.parent) as tmp:
        video, wav = tmp / "review.mp4", tmp / "review.wav"
        with SegmentWriter(video, settings.video(), pix_fmt="rgb24") as writer:
            shots, placements, card = _write_all(writer, changes, old, new, settings)
            total = writer.frames
        duration = total / settings.fps
        write_wav(wav, mix(placements, duration), MIX_RATE)
        mux([video], wav, out, settings.video())
    return ReviewReport(out, tuple(shots), total, card, duration)


def _write_all(writer: "SegmentWriter", changes: list[ShotChange], old: Draft, new: Draft, settings: "BuildSettings"):
    """Every changed shot after its title card; the shots, their dialogue and the card length."""
    from .segments import _renderer

    layout = layout_for(settings.width, settings.height)
    renderer = _renderer(layout.panel_w, layout.panel_h, settings.draft)
    card = max(1, round(CARD_SECONDS * settings.fps))
    shots, placements = [], []
    for index, change in enumerate(changes, 1):
        if not (change.old_id or change.new_id):
            raise ValueError(f"shot change {index} names no shot in either draft")
        still = _card(change, index, len(changes), layout)
        for _ in range(card):
            writer.write(still)
        start = writer.frames / settings.fps
        frames = _write_shot(writer, change, old, new, layout, renderer)
        placements += _placements(*_heard(change, old, new), start)
        side = "old" if change.status == "removed" else "new"
        shots.append(ReviewedShot(change.status, change.old_id, change.new_id, describe(change, side), start, frames))
    return shots, placements, card


def _check_rates(old: Draft, new: Draft, settings: "BuildSettings") -> None:
    """Both drafts must be timed at the review's frame rate."""
    for side, draft in (("old", old), ("new", new)):
        if draft.tracks.fps != settings.fps:
            raise ValueError(f"the {side} draft's tracks run at {draft.tracks.fps} fps, the review at {settings.fps}")
