"""Set geometry by set name (props at the marks of ``screenplay_compiler.sets``) and its practicals."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..sets import SETS_BY_NAME
from .geometry import (
    MeshBuilder,
    box,
    ellipsoid,
    frustum,
    lathe,
    linear_rgb,
    quad,
    shade,
    sphere,
    translate,
)
from .lighting import PointLight

SKY_PANE = 2.0  # emissive code: draw the sky's horizon colour (a window seen from inside)
WARM = (2.6, 1.7, 0.85)


@dataclass(frozen=True)
class Scenery:
    """A set's static geometry (one buffer), its practical lights and whether it is indoors."""

    vertices: np.ndarray
    indices: np.ndarray
    lights: tuple[PointLight, ...]
    interior: bool


def build_scenery(name: str) -> Scenery:
    """The geometry and practicals of set ``name``; unknown names get an open plain."""
    builder, lights = MeshBuilder(), []
    _BUILDERS.get(name, _plain)(builder, lights, _rng(name))
    vertices, indices = builder.build()
    spec = SETS_BY_NAME.get(name)
    return Scenery(vertices, indices, tuple(lights), bool(spec and spec.interior))


def seat_height(name: str, x: float, z: float) -> float | None:
    """Height of the seat under a sitter at (x, z) in set ``name``, or None to sit on the ground."""
    if name == "park":
        bx, bz = SETS_BY_NAME["park"].marks["bench"]
        if abs(x - bx) < 1.0 and abs(z - bz) < 0.45:
            return 0.45
    return None


def _rng(name: str) -> np.random.Generator:
    """A generator seeded from the set name, so every build of a set is identical."""
    return np.random.default_rng(int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little"))


def _mark(name: str, mark: str) -> tuple[float, float]:
    """A mark's (x, z) from the set library."""
    return SETS_BY_NAME[name].marks[mark]


def _c(hex_color: str, factor: float = 1.0) -> np.ndarray:
    """A linear colour from hex, optionally shaded."""
    return shade(linear_rgb(hex_color), factor)


# --- shared props ----------------------------------------------------------------------


def _hills(b: MeshBuilder, rng: np.random.Generator, color: str, count: int = 7, distance: float = 70.0) -> None:
    """Low, hazy hills on the far horizon."""
    for i in range(count):
        x = -110 + 220 * (i + rng.uniform(0.2, 0.8)) / count
        z = -distance - rng.uniform(0, 30)
        r = rng.uniform(25, 45)
        b.add(ellipsoid((r, rng.uniform(7, 16), r * 0.6), (x, -2.0, z), 14, 6), _c(color, rng.uniform(0.85, 1.1)), gloss=0.0)


def _tree(b: MeshBuilder, x: float, z: float, size: float, rng: np.random.Generator, leaf: str = "#4f7f35") -> None:
    """A trunk and a clump of foliage balls."""
    b.add(frustum(0.16 * size, 0.1 * size, 2.4 * size, 10).transformed(translate(x, 0, z)), _c("#5a4030"), gloss=0.05)
    for _ in range(5):
        off = rng.uniform(-1, 1, 3) * (0.6, 0.45, 0.6) * size
        r = rng.uniform(0.75, 1.05) * size
        b.add(ellipsoid((r, r * 0.85, r), (x + off[0], 2.9 * size + off[1], z + off[2]), 10, 6),
              _c(leaf, rng.uniform(0.8, 1.15)), gloss=0.05)


def _lamp_post(b: MeshBuilder, lights: list, x: float, z: float, height: float = 3.8) -> None:
    """A black street lamp with a glowing lantern, and its warm light."""
    iron = _c("#22252a")
    b.add(frustum(0.16, 0.12, 0.35, 12).transformed(translate(x, 0, z)), iron, gloss=0.4)
    b.add(frustum(0.06, 0.045, height, 10).transformed(translate(x, 0, z)), iron, gloss=0.4)
    b.add(frustum(0.16, 0.09, 0.1, 10).transformed(translate(x, height, z)), iron, gloss=0.4)
    b.add(frustum(0.11, 0.14, 0.38, 10, caps=False).transformed(translate(x, height - 0.36, z)), _c("#fff2c8"), gloss=0.6, emissive=1.0)
    b.add(frustum(0.13, 0.0, 0.16, 10).transformed(translate(x, height + 0.02, z)), iron, gloss=0.4)
    lights.append(PointLight((x, height - 0.3, z), WARM, 7.0))


def _bench(b: MeshBuilder, x: float, z: float) -> None:
    """A slatted park bench facing +z with iron legs, seat at 0.45 m."""
    wood, iron = _c("#8a5a34"), _c("#2a2a2a")
    for i in range(3):
        b.add(box((0.95, 0.025, 0.065), (x, 0.43, z + 0.16 - i * 0.15)), _c("#8a5a34", 1 - 0.06 * i), gloss=0.15)
    for i in range(2):
        b.add(box((0.95, 0.06, 0.02), (x, 0.62 + i * 0.16, z - 0.3)), wood, gloss=0.15)
    for sx in (-0.8, 0.8):
        b.add(box((0.03, 0.215, 0.03), (x + sx, 0.215, z + 0.15)), iron, gloss=0.3)
        b.add(box((0.03, 0.43, 0.03), (x + sx, 0.43, z - 0.3)), iron, gloss=0.3)
        b.add(box((0.03, 0.03, 0.25), (x + sx, 0.4, z - 0.07)), iron, gloss=0.3)


# --- sets ------------------------------------------------------------------------------


def _bridge(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A stone footbridge over water: slab deck, back balustrade, front kerb, piers, lanterns."""
    stone = "#9c968c"
    for i in range(-14, 14):
        b.add(box((0.5, 0.2, 1.9), (i + 0.5, -0.21, 0.3)), _c(stone, 0.88 + 0.12 * ((i * 7) % 3) / 2), gloss=0.08)
        b.add(quad(0.5, 1.9, (i + 0.5, 0.0, 0.3), (2, 6)), _c(stone, 0.88 + 0.12 * ((i * 7) % 3) / 2), gloss=0.08)
    b.add(box((14.2, 0.45, 0.12), (0, -0.6, 2.25)), _c(stone, 0.8), gloss=0.05)
    b.add(box((14.0, 0.09, 0.12), (0, 0.09, 2.1)), _c(stone, 0.85), gloss=0.05)
    rz = _mark("bridge", "railing")[1] - 0.2
    baluster = lathe([(0.0, 0.0, 0, -1), (0.07, 0.0, 1, 0), (0.05, 0.12, 1, 0.3), (0.08, 0.4, 1, 0), (0.045, 0.68, 1, -0.3),
                      (0.06, 0.78, 1, 0), (0.0, 0.78, 0, 1)], 6)
    for i in range(57):
        x = -14 + i * 0.5
        b.add(baluster.transformed(translate(x, 0.1, rz)), _c(stone, 1.02), gloss=0.08)
    b.add(box((14.1, 0.05, 0.16), (0, 0.05, rz)), _c(stone, 0.9), gloss=0.05)
    b.add(box((14.1, 0.07, 0.17), (0, 0.95, rz)), _c(stone, 0.95), gloss=0.1)
    for x in (-12.0, -9.0, -6.0, -3.0, 3.0, 6.0, 9.0, 12.0):
        b.add(box((0.2, 0.55, 0.22), (x, 0.55, rz)), _c(stone, 0.88), gloss=0.05)
        b.add(box((0.24, 0.05, 0.26), (x, 1.12, rz)), _c(stone, 0.95), gloss=0.05)
    for x in (-3.0, 3.0):
        b.add(frustum(0.03, 0.03, 0.4, 6).transformed(translate(x, 1.17, rz)), _c("#222222"), gloss=0.3)
        b.add(sphere(12, 8).transformed(translate(x, 1.7, rz) @ np.diag((0.13, 0.15, 0.13, 1))), _c("#fff0c0"), 0.5, emissive=1.0)
        lights.append(PointLight((x, 1.7, rz + 0.2), WARM, 5.0))
    for x in (-10.0, -3.5, 3.5, 10.0):
        b.add(box((0.9, 1.6, 1.6), (x, -1.95, 0.3)), _c(stone, 0.7), gloss=0.05)
    b.add(quad(150, 150, (0, -3.2, 0), 4), _c("#2c5a6e"), gloss=1.0)
    for sx in (-1, 1):
        b.add(ellipsoid((14, 4.5, 18), (sx * 24, -3.0, -14), 16, 8), _c("#5f7f46"), gloss=0.02)
        _tree(b, sx * 15.5, -9.0, 1.4, rng)
    _hills(b, rng, "#5a7a5e")


def _street(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A pavement before a row of shop-front buildings, a kerb, a road and a lamp post."""
    b.add(quad(45, 2.45, (0, 0, -0.05), (60, 6)), _c("#8f8b84"), gloss=0.05)
    for i in range(-22, 23, 2):
        b.add(box((0.01, 0.002, 2.4), (i, 0.002, -0.05)), _c("#74716b"), gloss=0.0)
    b.add(box((45, 0.07, 0.09), (0, -0.05, 2.45)), _c("#c8c4bb"), gloss=0.05)
    b.add(quad(60, 20, (0, -0.12, 22.4), (30, 8)), _c("#3b3c40"), gloss=0.15)
    for i in range(-20, 21, 3):
        b.add(box((0.7, 0.005, 0.07), (i, -0.115, 6.0)), _c("#e8e4d8"), gloss=0.1)
    x = -26.0
    door_x = _mark("street", "door")[0]
    palette = ("#b5654a", "#d8c9a8", "#7d8c9a", "#c99a5b", "#9a6a7a", "#e0d6c8", "#6f8a6a")
    while x < 26.0:
        width = float(rng.uniform(4.5, 7.0))
        height = float(rng.uniform(7.0, 14.0))
        color = palette[int(rng.integers(len(palette)))]
        _building(b, x, width, height, color, rng, door_x if x < door_x < x + width else None)
        x += width
    _lamp_post(b, lights, *_mark("street", "lamp"))
    b.add(frustum(0.2, 0.2, 0.9, 12).transformed(translate(3.6, 0, -1.9)), _c("#3d5a45"), gloss=0.2)
    _hills(b, rng, "#6a7f8a", 5, 110.0)


def _building(b: MeshBuilder, x0: float, width: float, height: float, color: str, rng, door_x: float | None) -> None:
    """One facade from x0: wall, cornice, a grid of windows (some lit) and a shop front or door."""
    front = -2.5
    b.add(box((width / 2, height / 2, 4.0), (x0 + width / 2, height / 2, front - 4.0)), _c(color), gloss=0.03)
    b.add(box((width / 2 + 0.05, 0.15, 0.2), (x0 + width / 2, height - 0.15, front + 0.05)), _c(color, 0.75), gloss=0.03)
    b.add(box((width / 2, 0.3, 0.06), (x0 + width / 2, 0.3, front + 0.03)), _c(color, 0.6), gloss=0.03)
    bays = max(2, int(width / 1.6))
    for floor in range(1, int((height - 1.0) / 3.0)):
        for bay in range(bays):
            cx = x0 + (bay + 0.5) * width / bays
            lit = float(rng.random() < 0.45)
            _window(b, cx, 3.0 * floor + 0.9, front, lit)
    if door_x is not None:
        b.add(box((0.55, 1.1, 0.06), (door_x, 1.1, front + 0.02)), _c("#4a2e1e"), gloss=0.2)
        b.add(box((0.65, 0.08, 0.09), (door_x, 2.25, front + 0.03)), _c(color, 0.6), gloss=0.03)
        b.add(sphere(8, 6).transformed(translate(door_x + 0.4, 1.05, front + 0.1) @ np.diag((0.04, 0.04, 0.04, 1))), _c("#c8a040"), 0.8)
    else:
        cx = x0 + width / 2
        b.add(box((width * 0.33, 0.8, 0.04), (cx, 1.35, front + 0.01)), _c("#2a3a48"), gloss=0.9, emissive=float(rng.random() < 0.7))
        b.add(box((width * 0.36, 0.12, 0.1), (cx, 2.3, front + 0.05)), _c(color, 0.5), gloss=0.05)


def _window(b: MeshBuilder, cx: float, y: float, front: float, lit: float) -> None:
    """A glazed window with a frame and a sill."""
    b.add(box((0.42, 0.62, 0.03), (cx, y + 0.62, front + 0.01)), _c("#e8e2d6"), gloss=0.1)
    b.add(box((0.34, 0.54, 0.03), (cx, y + 0.62, front + 0.03)), _c("#24313d"), gloss=0.9, emissive=lit)
    b.add(box((0.48, 0.04, 0.1), (cx, y - 0.02, front + 0.05)), _c("#d8d2c6"), gloss=0.1)


def _park(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """Lawn, a gravel path, a bench and a tree at their marks, more trees and hills behind."""
    b.add(quad(20, 8, (0, 0, -3), (30, 12)), _c("#4c7a32"), gloss=0.02)
    b.add(quad(120, 120, (0, -0.01, -40), 6), _c("#4c7a32"), gloss=0.02)
    b.add(quad(40, 0.9, (0, 0.004, 0.2), (40, 2)), _c("#a89270"), gloss=0.03)
    for sz in (-1.12, 1.52):
        b.add(box((40, 0.02, 0.05), (0, 0.01, sz)), _c("#8a7a5c"), gloss=0.03)
    _bench(b, *_mark("park", "bench"))
    tx, tz = _mark("park", "tree")
    _tree(b, tx, tz, 1.0, rng)
    for _ in range(14):
        x, z = float(rng.uniform(-22, 22)), float(rng.uniform(-30, -6))
        _tree(b, x, z, float(rng.uniform(0.9, 1.5)), rng, "#4a7a38" if rng.random() < 0.5 else "#5a8a3a")
    for _ in range(8):
        x, z = float(rng.uniform(-10, 10)), float(rng.uniform(-5, -3))
        b.add(ellipsoid((0.6, 0.45, 0.5), (x, 0.25, z), 10, 6), _c("#44702f", float(rng.uniform(0.8, 1.1))), gloss=0.03)
    _lamp_post(b, lights, 2.8, -2.3, 3.2)
    _hills(b, rng, "#5a7f58")


def _room(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A room: plank floor, three walls with a window and a door at their marks, a table, a lamp."""
    w, back, depth, height = 3.5, -2.5, 4.5, 2.8
    for i in range(18):
        x = -w + (i + 0.5) * (2 * w / 18)
        b.add(quad(w / 18 - 0.004, (depth - back) / 2, (x, 0, (depth + back) / 2), (1, 10)), _c("#a0714a", 0.85 + 0.15 * ((i * 5) % 4) / 3), gloss=0.25)
    b.add(quad(w, (depth - back) / 2, (0, -0.003, (depth + back) / 2)), _c("#3a2a1e"), gloss=0.0)
    wall = _c("#d9ccb2")
    wx, _ = _mark("room", "window")
    dx, _ = _mark("room", "door")
    win = (wx - 0.65, wx + 0.65, 0.9, 2.15)
    door = (dx - 0.5, dx + 0.5, 0.0, 2.1)
    for x0, x1, y0, y1 in _wall_pieces(-w, w, height, (door, win)):
        b.add(box(((x1 - x0) / 2, (y1 - y0) / 2, 0.08), ((x0 + x1) / 2, (y0 + y1) / 2, back - 0.08)), wall, gloss=0.03)
    for sx in (-1, 1):
        b.add(box((0.08, height / 2, (depth - back) / 2), (sx * (w + 0.08), height / 2, (depth + back) / 2)), _c("#cfbf9f"), gloss=0.03)
        b.add(box((0.02, 0.06, (depth - back) / 2), (sx * (w - 0.02), 0.06, (depth + back) / 2)), _c("#f0ebe0"), gloss=0.1)
    b.add(box((w, 0.06, 0.02), (0, 0.06, back + 0.02)), _c("#f0ebe0"), gloss=0.1)
    b.add(box((w + 0.2, 0.05, (depth - back) / 2), (0, height + 0.05, (depth + back) / 2)), _c("#eee8dc"), gloss=0.02)
    _window_frame(b, win, back)
    _door(b, door, back)
    _table(b, lights, *_mark("room", "table"))
    b.add(box((0.5, 0.35, 0.02), (-0.4, 1.6, back + 0.02)), _c("#6b4a2a"), gloss=0.2)
    b.add(box((0.44, 0.29, 0.02), (-0.4, 1.6, back + 0.035)), _c("#4a7a9a"), gloss=0.3)
    b.add(box((0.3, 0.12, 0.02), (-0.4, 1.52, back + 0.05)), _c("#d8b060"), gloss=0.3)
    b.add(box((1.1, 0.004, 0.75), (0, 0.004, -0.9)), _c("#8a3a3a"), gloss=0.0)
    b.add(frustum(0.25, 0.18, 0.25, 14, caps=False).transformed(translate(0, height - 0.35, 0.2)), _c("#f4e8c8"), gloss=0.1, emissive=1.0)
    b.add(frustum(0.01, 0.01, 0.12, 6).transformed(translate(0, height - 0.12, 0.2)), _c("#333333"))
    lights.append(PointLight((0.0, height - 0.45, 0.2), (1.8, 1.25, 0.7), 7.0))


def _wall_pieces(x_min: float, x_max: float, height: float, holes) -> list[tuple[float, float, float, float]]:
    """Rectangles (x0, x1, y0, y1) covering a wall except the given rectangular holes."""
    edges = sorted({x_min, x_max, *[h[0] for h in holes], *[h[1] for h in holes]})
    pieces = []
    for x0, x1 in zip(edges, edges[1:]):
        inside = [h for h in holes if h[0] <= x0 and x1 <= h[1]]
        ys = [0.0] + [y for h in inside for y in (h[2], h[3])] + [height]
        for y0, y1 in zip(ys[::2], ys[1::2]):
            if y1 - y0 > 1e-6:
                pieces.append((x0, x1, y0, y1))
    return pieces


def _window_frame(b: MeshBuilder, win, back: float) -> None:
    """A white-framed window with a sky pane behind it."""
    x0, x1, y0, y1 = win
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    b.add(box(((x1 - x0) / 2, (y1 - y0) / 2, 0.01), (cx, cy, back - 0.15)), _c("#ffffff"), 0.0, emissive=SKY_PANE)
    white = _c("#f4f0e8")
    for x, y, hx, hy in ((x0, cy, 0.04, (y1 - y0) / 2 + 0.04), (x1, cy, 0.04, (y1 - y0) / 2 + 0.04), (cx, y1, (x1 - x0) / 2, 0.04),
                         (cx, y0, (x1 - x0) / 2 + 0.08, 0.04), (cx, cy, 0.025, (y1 - y0) / 2), (cx, cy, (x1 - x0) / 2, 0.025)):
        b.add(box((hx, hy, 0.06), (x, y, back - 0.08)), white, gloss=0.2)
    b.add(box(((x1 - x0) / 2 + 0.1, 0.03, 0.12), (cx, y0 - 0.02, back + 0.02)), white, gloss=0.2)


def _door(b: MeshBuilder, door, back: float) -> None:
    """A panelled wooden door with a frame and a brass knob."""
    x0, x1, y0, y1 = door
    cx = (x0 + x1) / 2
    b.add(box(((x1 - x0) / 2, (y1 - y0) / 2, 0.03), (cx, (y0 + y1) / 2, back - 0.1)), _c("#7a4a2a"), gloss=0.25)
    for y in (0.55, 1.5):
        b.add(box(((x1 - x0) / 2 - 0.12, 0.3, 0.01), (cx, y, back - 0.065)), _c("#6a3e22"), gloss=0.25)
    for x, hx, hy, y in ((x0, 0.05, y1 / 2, y1 / 2), (x1, 0.05, y1 / 2, y1 / 2), (cx, (x1 - x0) / 2 + 0.05, 0.05, y1)):
        b.add(box((hx, hy, 0.04), (x, y, back + 0.01)), _c("#f0ebe0"), gloss=0.15)
    b.add(sphere(8, 6).transformed(translate(x1 - 0.12, 1.0, back - 0.04) @ np.diag((0.035, 0.035, 0.035, 1))), _c("#d0a040"), 0.9)


def _table(b: MeshBuilder, lights: list, x: float, z: float) -> None:
    """A wooden table with a vase and a small glowing lamp."""
    wood = _c("#7a5030")
    b.add(box((0.65, 0.03, 0.4), (x, 0.74, z)), wood, gloss=0.35)
    for sx in (-0.58, 0.58):
        for sz in (-0.33, 0.33):
            b.add(box((0.03, 0.36, 0.03), (x + sx, 0.36, z + sz)), _c("#6a4428"), gloss=0.2)
    b.add(lathe([(0.0, 0.0, 0, -1), (0.06, 0.0, 1, -0.5), (0.08, 0.08, 1, 0), (0.04, 0.2, 1, 0.3), (0.05, 0.24, 1, 0), (0.0, 0.24, 0, 1)], 12)
          .transformed(translate(x + 0.3, 0.77, z)), _c("#3a6a9a"), gloss=0.8)
    for i in range(3):
        b.add(sphere(8, 6).transformed(translate(x + 0.3 + (i - 1) * 0.05, 1.06 + 0.03 * (i % 2), z) @ np.diag((0.04, 0.04, 0.04, 1))),
              _c(("#e04050", "#f0c030", "#e07090")[i]), gloss=0.1)
    b.add(frustum(0.06, 0.05, 0.03, 10).transformed(translate(x - 0.35, 0.77, z - 0.1)), _c("#333333"), gloss=0.4)
    b.add(frustum(0.012, 0.012, 0.25, 6).transformed(translate(x - 0.35, 0.8, z - 0.1)), _c("#333333"), gloss=0.4)
    b.add(frustum(0.14, 0.08, 0.14, 12, caps=False).transformed(translate(x - 0.35, 0.98, z - 0.1)), _c("#f0e0b0"), 0.1, emissive=1.0)
    lights.append(PointLight((x - 0.35, 1.02, z - 0.1), (1.6, 1.0, 0.5), 3.5))


def _plain(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A bare open field for sets the renderer does not know."""
    b.add(quad(120, 120, (0, 0, -40), 6), _c("#7a8a6a"), gloss=0.02)
    _hills(b, rng, "#6a806a")


_BUILDERS: dict[str, Callable[[MeshBuilder, list, np.random.Generator], None]] = {
    "bridge": _bridge,
    "street": _street,
    "park": _park,
    "room": _room,
}


def build_sky(stars: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """Sky vertices ``(direction xyz, kind)`` and indices: a dome (0), a sun disc (1), stars (2)."""
    dome = sphere(32, 24)
    parts = [(dome.positions, 0.0, dome.indices)]
    angles = np.linspace(0, 2 * math.pi, 25)[:-1]
    disc = np.vstack([[0.0, 0.0, 0.0], np.stack([np.cos(angles), np.sin(angles), np.zeros_like(angles)], 1)])
    fan = np.array([[0, 1 + i, 1 + (i + 1) % 24] for i in range(24)], np.uint32)
    parts.append((disc, 1.0, fan))
    rng = _rng("stars")
    d = rng.normal(size=(stars, 3))
    d[:, 1] = np.abs(d[:, 1]) + 0.08
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    size = rng.uniform(0.0012, 0.0028, (stars, 1))
    corners = np.concatenate([d + size * (1, 0, 0), d + size * (-0.5, 0.8, 0), d + size * (-0.5, -0.8, 0.3)])
    tri = np.arange(stars)[:, None] + np.array([0, stars, 2 * stars])
    parts.append((corners, 2.0, tri.astype(np.uint32)))
    vertices, indices, offset = [], [], 0
    for pos, kind, idx in parts:
        vertices.append(np.hstack([pos, np.full((len(pos), 1), kind)]))
        indices.append(idx + offset)
        offset += len(pos)
    return np.concatenate(vertices).astype("f4"), np.concatenate(indices).astype(np.uint32)
