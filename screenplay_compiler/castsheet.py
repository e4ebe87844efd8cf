"""Cast sheets: each character turned around (front, three-quarter, side) and their expressions.

One PNG per character, drawn by the real renderer from the character's resolved appearance, so
the sheet shows exactly the model every shot uses. Captions use the bundled CJK font. The same
script gives the same bytes; each sheet carries the AIGC label like a storyboard does.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from . import atomic, fonts, ir
from .faces import apply, face_for
from .frame import ActorState, CameraState, FrameState, Pose, SetState
from .render import Renderer
from .render.skeleton import head_center
from .storyboard import INK, MUTED, PAPER, label_png, png_bytes

BODY = (220, 330)  # one turnaround view
FACE = (132, 165)  # one expression
VIEWS = (("front", 0.0), ("three-quarter", math.pi / 4), ("side", math.pi / 2))
EXPRESSIONS = ("neutral", "happy", "sad", "angry", "surprised", "afraid", "disgusted", "worried", "shy", "smug")
MARGIN, HEADER, CAPTION = 16, 64, 22
BACKDROP = SetState("room", "day")


@dataclass(frozen=True)
class Sheet:
    """A written cast sheet: whose it is and where."""

    name: str
    path: Path


def body_camera(a: ir.Appearance) -> CameraState:
    """A full-length portrait camera for a character standing at the origin."""
    h = a.height_m
    return CameraState(eye=(0.0, 0.55 * h, 2.0 * h), target=(0.0, 0.5 * h, 0.0), fov_deg=30.0)


def face_camera(a: ir.Appearance) -> CameraState:
    """A close-up camera on the character's face."""
    y, r = head_center(a, 0.0, None)
    return CameraState(eye=(0.0, y, 7.0 * r), target=(0.0, y - 0.05 * r, 0.0), fov_deg=30.0)


def turnaround(renderer: Renderer, c: ir.Character) -> list[np.ndarray]:
    """Front, three-quarter and side views (renderer of size ``BODY``)."""
    cam = body_camera(c.appearance)
    return [renderer.render(FrameState(BACKDROP, cam, (ActorState(c.name, c.appearance, 0.0, 0.0, yaw, Pose()),)))
            for _, yaw in VIEWS]


def expressions(renderer: Renderer, c: ir.Character) -> list[np.ndarray]:
    """One close-up per emotion in ``EXPRESSIONS`` (renderer of size ``FACE``)."""
    cam = face_camera(c.appearance)
    out = []
    for emotion in EXPRESSIONS:
        face = face_for(emotion)
        pose = apply(Pose(mouth_open=0.3 * face.gape), face)
        out.append(renderer.render(FrameState(BACKDROP, cam, (ActorState(c.name, c.appearance, 0.0, 0.0, 0.0, pose),))))
    return out


def compose(c: ir.Character, bodies: list[np.ndarray], faces: list[np.ndarray]) -> Image.Image:
    """The sheet: name and description on top, the turnaround left, expressions in two rows right."""
    per_row = (len(faces) + 1) // 2
    width = 2 * MARGIN + len(bodies) * BODY[0] + MARGIN + per_row * FACE[0]
    height = HEADER + BODY[1] + CAPTION + MARGIN
    page = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(page)
    draw.text((MARGIN, 10), c.name, font=fonts.font(26), fill=INK)
    draw.text((MARGIN, 40), c.description, font=fonts.font(15), fill=MUTED)
    small = fonts.font(13)
    for i, (pixels, (view, _)) in enumerate(zip(bodies, VIEWS)):
        x = MARGIN + i * BODY[0]
        page.paste(Image.fromarray(pixels), (x, HEADER))
        draw.text((x + 4, HEADER + BODY[1] + 3), view, font=small, fill=MUTED)
    left = 2 * MARGIN + len(bodies) * BODY[0]
    for i, (pixels, emotion) in enumerate(zip(faces, EXPRESSIONS)):
        x, y = left + (i % per_row) * FACE[0], HEADER + (i // per_row) * FACE[1]
        page.paste(Image.fromarray(pixels), (x, y))
        draw.text((x + 4, y + FACE[1] - 17), emotion, font=small, fill=(255, 255, 255), stroke_width=2, stroke_fill=INK)
    return page


def file_name(name: str) -> str:
    """A safe file stem for a character name (non-ASCII names keep a short hash)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "cast-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


def make(script: Path, out_dir: Path) -> list[Sheet]:
    """Compile ``script`` and write ``<character>.png`` per cast member into ``out_dir``."""
    from . import api

    compiled = api.compile_file(script)
    episode = compiled.episode
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sheets = []
    with Renderer(*BODY) as body_r, Renderer(*FACE) as face_r:
        for c in episode.characters:
            data = png_bytes(compose(c, turnaround(body_r, c), expressions(face_r, c)))
            path = out_dir / f"{file_name(c.name)}.png"
            atomic.write_bytes(path, data)
            label_png(path, compiled.text, episode, hashlib.sha256(data).hexdigest())
            sheets.append(Sheet(c.name, path))
    return sheets
