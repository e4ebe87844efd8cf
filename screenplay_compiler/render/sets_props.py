"""Props shared by the set builders: colours, trees, lamps, furniture and the interior shell.

Every helper appends coloured meshes to a ``MeshBuilder`` (and practical lights to ``lights``);
positions are metres on the set's ground (y up, the camera on the +z side looking towards -z).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..sets import SETS_BY_NAME
from .geometry import MeshBuilder, box, ellipsoid, frustum, lathe, linear_rgb, quad, rot_x, rot_y, shade, sphere, translate
from .lighting import PointLight

SKY_PANE = 2.0  # emissive code: draw the sky's horizon colour (a window seen from inside)
WARM = (2.6, 1.7, 0.85)
COOL = (1.6, 1.8, 2.0)
FACING_Z = rot_x(math.pi / 2)  # a lathe's +y axis turned to +z (a disc on a back wall, a tile along z)


def c(hex_color: str, factor: float = 1.0) -> np.ndarray:
    """A linear colour from hex, optionally shaded."""
    return shade(linear_rgb(hex_color), factor)


def mark(name: str, mark_name: str) -> tuple[float, float]:
    """A mark's (x, z) from the set library."""
    return SETS_BY_NAME[name].marks[mark_name]


def blob(b: MeshBuilder, radii, center, color: str, factor: float = 1.0, gloss: float = 0.05) -> None:
    """A low-poly ellipsoid (a bush, a rock, a leaf clump)."""
    b.add(ellipsoid(radii, center, 10, 6), c(color, factor), gloss=gloss)


# --- landscape -------------------------------------------------------------------------


def hills(b: MeshBuilder, rng: np.random.Generator, color: str, count: int = 7, distance: float = 70.0) -> None:
    """Low, hazy hills on the far horizon."""
    for i in range(count):
        x = -110 + 220 * (i + rng.uniform(0.2, 0.8)) / count
        z = -distance - rng.uniform(0, 30)
        r = rng.uniform(25, 45)
        b.add(ellipsoid((r, rng.uniform(7, 16), r * 0.6), (x, -2.0, z), 14, 6), c(color, rng.uniform(0.85, 1.1)), gloss=0.0)


def tree(b: MeshBuilder, x: float, z: float, size: float, rng: np.random.Generator, leaf: str = "#4f7f35") -> None:
    """A trunk and a clump of foliage balls."""
    b.add(frustum(0.16 * size, 0.1 * size, 2.4 * size, 10).transformed(translate(x, 0, z)), c("#5a4030"), gloss=0.05)
    for _ in range(5):
        off = rng.uniform(-1, 1, 3) * (0.6, 0.45, 0.6) * size
        r = rng.uniform(0.75, 1.05) * size
        b.add(ellipsoid((r, r * 0.85, r), (x + off[0], 2.9 * size + off[1], z + off[2]), 10, 6),
              c(leaf, rng.uniform(0.8, 1.15)), gloss=0.05)


def pine(b: MeshBuilder, x: float, z: float, size: float, rng: np.random.Generator, leaf: str = "#2f5a3a") -> None:
    """A conifer: a trunk and three stacked cones."""
    b.add(frustum(0.14 * size, 0.08 * size, 1.2 * size, 8).transformed(translate(x, 0, z)), c("#4a3424"), gloss=0.05)
    for i in range(3):
        r = (1.3 - 0.33 * i) * size
        b.add(frustum(r, 0.0, 1.7 * size, 10).transformed(translate(x, (0.9 + 1.05 * i) * size, z)),
              c(leaf, float(rng.uniform(0.85, 1.15))), gloss=0.03)


def rock(b: MeshBuilder, x: float, z: float, size: float, rng: np.random.Generator, color: str = "#8a857c") -> None:
    """A squat grey boulder, its base sunk into the ground."""
    r = size * rng.uniform(0.9, 1.1, 3)
    blob(b, (r[0], r[1] * 0.7, r[2]), (x, r[1] * 0.3, z), color, float(rng.uniform(0.85, 1.1)), 0.08)


def lamp_post(b: MeshBuilder, lights: list, x: float, z: float, height: float = 3.8) -> None:
    """A black street lamp with a glowing lantern, and its warm light."""
    iron = c("#22252a")
    b.add(frustum(0.16, 0.12, 0.35, 12).transformed(translate(x, 0, z)), iron, gloss=0.4)
    b.add(frustum(0.06, 0.045, height, 10).transformed(translate(x, 0, z)), iron, gloss=0.4)
    b.add(frustum(0.16, 0.09, 0.1, 10).transformed(translate(x, height, z)), iron, gloss=0.4)
    b.add(frustum(0.11, 0.14, 0.38, 10, caps=False).transformed(translate(x, height - 0.36, z)), c("#fff2c8"), gloss=0.6, emissive=1.0)
    b.add(frustum(0.13, 0.0, 0.16, 10).transformed(translate(x, height + 0.02, z)), iron, gloss=0.4)
    lights.append(PointLight((x, height - 0.3, z), WARM, 7.0))


def lantern(b: MeshBuilder, lights: list | None, x: float, y: float, z: float, color: str = "#d8322a", reach: float = 4.0) -> None:
    """A round Chinese paper lantern with gold caps; it glows (and lights) when ``lights`` is given."""
    b.add(ellipsoid((0.2, 0.17, 0.2), (x, y, z), 12, 8), c(color), gloss=0.2, emissive=1.0)
    for dy in (-0.17, 0.15):
        b.add(frustum(0.08, 0.08, 0.03, 10).transformed(translate(x, y + dy, z)), c("#d8a830"), gloss=0.5)
    b.add(frustum(0.01, 0.01, 0.25, 4).transformed(translate(x, y + 0.18, z)), c("#222222"))
    if lights is not None:
        lights.append(PointLight((x, y, z + 0.2), (2.4, 1.1, 0.5), reach))


# --- furniture -------------------------------------------------------------------------


def bench(b: MeshBuilder, x: float, z: float) -> None:
    """A slatted park bench facing +z with iron legs, seat at 0.45 m."""
    wood, iron = c("#8a5a34"), c("#2a2a2a")
    for i in range(3):
        b.add(box((0.95, 0.025, 0.065), (x, 0.43, z + 0.16 - i * 0.15)), c("#8a5a34", 1 - 0.06 * i), gloss=0.15)
    for i in range(2):
        b.add(box((0.95, 0.06, 0.02), (x, 0.62 + i * 0.16, z - 0.3)), wood, gloss=0.15)
    for sx in (-0.8, 0.8):
        b.add(box((0.03, 0.215, 0.03), (x + sx, 0.215, z + 0.15)), iron, gloss=0.3)
        b.add(box((0.03, 0.43, 0.03), (x + sx, 0.43, z - 0.3)), iron, gloss=0.3)
        b.add(box((0.03, 0.03, 0.25), (x + sx, 0.4, z - 0.07)), iron, gloss=0.3)


def legs(b: MeshBuilder, x: float, z: float, hx: float, hz: float, height: float, color, thick: float = 0.025) -> None:
    """Four square legs under a top of half extents (hx, hz)."""
    for sx in (-hx, hx):
        for sz in (-hz, hz):
            b.add(box((thick, height / 2, thick), (x + sx, height / 2, z + sz)), color, gloss=0.2)


def table(b: MeshBuilder, x: float, z: float, hx: float = 0.6, hz: float = 0.4, height: float = 0.75, color: str = "#7a5030") -> None:
    """A four-legged table with its top at ``height``."""
    b.add(box((hx, 0.025, hz), (x, height - 0.025, z)), c(color), gloss=0.35)
    legs(b, x, z, hx - 0.06, hz - 0.06, height - 0.05, c(color, 0.85))


def chair(b: MeshBuilder, x: float, z: float, seat: float = 0.46, color: str = "#6a4428", facing: float = 0.0) -> None:
    """A chair whose sitter faces ``facing`` (radians, 0 = +z): seat, legs and a back."""
    m = translate(x, 0, z) @ rot_y(facing)
    wood, dark = c(color), c(color, 0.85)
    parts = [(box((0.22, 0.025, 0.21), (0, seat - 0.025, 0)), wood), (box((0.22, 0.09, 0.015), (0, seat + 0.36, -0.19)), wood)]
    parts += [(box((0.02, (seat - 0.05) / 2, 0.02), (sx, (seat - 0.05) / 2, sz)), dark) for sx in (-0.19, 0.19) for sz in (-0.18, 0.18)]
    parts += [(box((0.02, 0.23, 0.02), (sx, seat + 0.23, -0.19)), dark) for sx in (-0.19, 0.19)]
    for mesh, color_ in parts:
        b.add(mesh.transformed(m), color_, gloss=0.3)


def stool(b: MeshBuilder, x: float, z: float, seat: float = 0.62, color: str = "#5a4a3a", top: str = "#8a3a30") -> None:
    """A round stool: a padded top on a post and a foot ring."""
    b.add(frustum(0.19, 0.19, 0.06, 14).transformed(translate(x, seat - 0.06, z)), c(top), gloss=0.2)
    b.add(frustum(0.03, 0.03, seat - 0.06, 8).transformed(translate(x, 0, z)), c(color), gloss=0.5)
    b.add(frustum(0.2, 0.16, 0.02, 14).transformed(translate(x, 0, z)), c(color), gloss=0.5)


def sofa(b: MeshBuilder, x: float, z: float, half_width: float = 1.0, color: str = "#5a6a8a") -> None:
    """A sofa facing +z: base, seat cushions, back and arms."""
    b.add(box((half_width, 0.2, 0.42), (x, 0.2, z)), c(color, 0.8), gloss=0.05)
    cushions = max(2, round(half_width))
    for i in range(cushions):
        cx = x - half_width + 0.15 + (i + 0.5) * (2 * half_width - 0.3) / cushions
        b.add(box(((half_width - 0.15) / cushions - 0.01, 0.05, 0.36), (cx, 0.42, z + 0.04)), c(color), gloss=0.05)
    b.add(box((half_width, 0.3, 0.12), (x, 0.65, z - 0.32)), c(color, 0.92), gloss=0.05)
    for sx in (-1, 1):
        b.add(box((0.13, 0.16, 0.42), (x + sx * (half_width - 0.13), 0.56, z)), c(color, 0.88), gloss=0.05)


def bookshelf(b: MeshBuilder, x: float, z: float, half_width: float, height: float, rng: np.random.Generator,
              wood: str = "#5a3a22", depth: float = 0.16) -> None:
    """An open bookcase against a back wall (its front at ``z + depth``), full of coloured books."""
    b.add(box((half_width, height / 2, 0.015), (x, height / 2, z - depth + 0.015)), c(wood, 0.7), gloss=0.1)
    for sx in (-half_width, half_width):
        b.add(box((0.02, height / 2, depth), (x + sx, height / 2, z)), c(wood), gloss=0.2)
    shelves = max(2, int(height / 0.42))
    palette = ("#8a2a2a", "#2a4a7a", "#3a6a3a", "#c8a050", "#6a3a6a", "#d8d0c0", "#2a2a2a", "#a05a2a")
    for i in range(shelves + 1):
        y = 0.04 + i * (height - 0.08) / shelves
        b.add(box((half_width, 0.015, depth), (x, y, z)), c(wood), gloss=0.2)
        if i == shelves:
            break
        bx = x - half_width + 0.04
        while bx < x + half_width - 0.08:
            w, h = float(rng.uniform(0.025, 0.05)), float(rng.uniform(0.22, 0.33))
            b.add(box((w, h / 2, depth * 0.8), (bx + w, y + 0.015 + h / 2, z)), c(palette[int(rng.integers(len(palette)))],
                  float(rng.uniform(0.8, 1.1))), gloss=0.2)
            bx += 2 * w + 0.004


def plant(b: MeshBuilder, x: float, z: float, rng: np.random.Generator, size: float = 1.0, pot: str = "#b0603a") -> None:
    """A potted plant: a tapered pot and a few leaf clumps."""
    b.add(frustum(0.16 * size, 0.2 * size, 0.35 * size, 12).transformed(translate(x, 0, z)), c(pot), gloss=0.2)
    for _ in range(4):
        off = rng.uniform(-1, 1, 3) * (0.15, 0.12, 0.12) * size
        r = float(rng.uniform(0.16, 0.22)) * size
        blob(b, (r, r * 1.3, r), (x + off[0], (0.62 + off[1]) * size, z + off[2]), "#3f7a35", float(rng.uniform(0.8, 1.15)))


def picture(b: MeshBuilder, x: float, y: float, wall_z: float, hx: float, hy: float, art: str, frame: str = "#6b4a2a") -> None:
    """A framed picture hanging on a back wall."""
    b.add(box((hx, hy, 0.015), (x, y, wall_z + 0.015)), c(frame), gloss=0.2)
    b.add(box((hx - 0.05, hy - 0.05, 0.01), (x, y, wall_z + 0.03)), c(art), gloss=0.3)


def counter(b: MeshBuilder, x0: float, x1: float, z: float, height: float = 1.0, depth: float = 0.3,
            body: str = "#6a4a32", top: str = "#d8d0c0") -> None:
    """A counter along the back from x0 to x1, its centre line at ``z``."""
    b.add(box(((x1 - x0) / 2, height / 2 - 0.02, depth), ((x0 + x1) / 2, height / 2 - 0.02, z)), c(body), gloss=0.15)
    b.add(box(((x1 - x0) / 2 + 0.02, 0.02, depth + 0.03), ((x0 + x1) / 2, height - 0.02, z)), c(top), gloss=0.5)


def pendant(b: MeshBuilder, lights: list, x: float, z: float, ceiling: float, drop: float = 0.8,
            color: str = "#f4e0b0", shade_color: str = "#2a2a2a", reach: float = 6.0) -> None:
    """A hanging lamp: a cord, a dark shade and a glowing bulb, and its light."""
    y = ceiling - drop
    b.add(frustum(0.006, 0.006, drop, 4).transformed(translate(x, y, z)), c("#202020"))
    b.add(frustum(0.2, 0.05, 0.2, 14, caps=False).transformed(translate(x, y - 0.2, z)), c(shade_color), gloss=0.4)
    b.add(sphere(10, 6).transformed(translate(x, y - 0.2, z) @ np.diag((0.07, 0.07, 0.07, 1))), c(color), 0.1, emissive=1.0)
    lights.append(PointLight((x, y - 0.3, z), (1.9, 1.3, 0.75), reach))


def panel_light(b: MeshBuilder, lights: list | None, x: float, z: float, ceiling: float, hx: float = 0.6, hz: float = 0.15,
                color=COOL, reach: float = 6.0) -> None:
    """A flush fluorescent ceiling panel (office, classroom, ward, platform), optionally lit."""
    b.add(box((hx + 0.03, 0.02, hz + 0.03), (x, ceiling - 0.01, z)), c("#c8c8c8"), gloss=0.2)
    b.add(box((hx, 0.01, hz), (x, ceiling - 0.03, z)), c("#f4f6ff"), gloss=0.1, emissive=1.0)
    if lights is not None:
        lights.append(PointLight((x, ceiling - 0.3, z), color, reach))


def table_lamp(b: MeshBuilder, lights: list, x: float, y: float, z: float, shade_color: str = "#f0e0b0") -> None:
    """A small lamp standing on a surface at height ``y``, and its light."""
    b.add(frustum(0.06, 0.05, 0.03, 10).transformed(translate(x, y, z)), c("#333333"), gloss=0.4)
    b.add(frustum(0.012, 0.012, 0.25, 6).transformed(translate(x, y + 0.03, z)), c("#333333"), gloss=0.4)
    b.add(frustum(0.14, 0.08, 0.14, 12, caps=False).transformed(translate(x, y + 0.21, z)), c(shade_color), 0.1, emissive=1.0)
    lights.append(PointLight((x, y + 0.25, z), (1.6, 1.0, 0.5), 3.5))


def vase(b: MeshBuilder, x: float, y: float, z: float, color: str = "#3a6a9a") -> None:
    """A small vase with three flowers."""
    b.add(lathe([(0.0, 0.0, 0, -1), (0.06, 0.0, 1, -0.5), (0.08, 0.08, 1, 0), (0.04, 0.2, 1, 0.3), (0.05, 0.24, 1, 0), (0.0, 0.24, 0, 1)], 12)
          .transformed(translate(x, y, z)), c(color), gloss=0.8)
    for i in range(3):
        b.add(sphere(8, 6).transformed(translate(x + (i - 1) * 0.05, y + 0.29 + 0.03 * (i % 2), z) @ np.diag((0.04, 0.04, 0.04, 1))),
              c(("#e04050", "#f0c030", "#e07090")[i]), gloss=0.1)


def cup(b: MeshBuilder, x: float, y: float, z: float, color: str = "#f4f0e8") -> None:
    """A cup on a saucer."""
    b.add(frustum(0.07, 0.07, 0.01, 10).transformed(translate(x, y, z)), c(color), gloss=0.6)
    b.add(frustum(0.035, 0.045, 0.08, 10).transformed(translate(x, y + 0.01, z)), c(color), gloss=0.6)


# --- the interior shell ----------------------------------------------------------------


@dataclass(frozen=True)
class Shell:
    """An interior's box: half width, back wall z, open front z, ceiling height and surfaces."""

    half_width: float = 3.5
    back: float = -2.5
    front: float = 4.5
    height: float = 2.8
    wall: str = "#d9ccb2"
    side: str = "#cfbf9f"
    floor: str = "#a0714a"
    floor_kind: str = "planks"  # planks, tiles, carpet or stone
    trim: str = "#f0ebe0"
    ceiling: str = "#eee8dc"
    tile: str = "#2a2a30"  # the second colour of a tiled floor


def shell(b: MeshBuilder, s: Shell, windows=(), doors=()) -> None:
    """Floor, a back wall with holes (sky-filled windows, doors), side walls, skirting and ceiling."""
    w, back, depth, height = s.half_width, s.back, s.front, s.height
    floor(b, s)
    wall = c(s.wall)
    for x0, x1, y0, y1 in wall_pieces(-w, w, height, (*doors, *windows)):
        b.add(box(((x1 - x0) / 2, (y1 - y0) / 2, 0.08), ((x0 + x1) / 2, (y0 + y1) / 2, back - 0.08)), wall, gloss=0.03)
    for sx in (-1, 1):
        b.add(box((0.08, height / 2, (depth - back) / 2), (sx * (w + 0.08), height / 2, (depth + back) / 2)), c(s.side), gloss=0.03)
        b.add(box((0.02, 0.06, (depth - back) / 2), (sx * (w - 0.02), 0.06, (depth + back) / 2)), c(s.trim), gloss=0.1)
    b.add(box((w, 0.06, 0.02), (0, 0.06, back + 0.02)), c(s.trim), gloss=0.1)
    b.add(box((w + 0.2, 0.05, (depth - back) / 2), (0, height + 0.05, (depth + back) / 2)), c(s.ceiling), gloss=0.02)
    for win in windows:
        window_frame(b, win, back)
    for d in doors:
        door(b, d, back)


def floor(b: MeshBuilder, s: Shell) -> None:
    """The floor of a shell: planks, a two-colour tile grid, carpet or stone flags."""
    w, back, depth = s.half_width, s.back, s.front
    if s.floor_kind == "planks":
        for i in range(18):
            x = -w + (i + 0.5) * (2 * w / 18)
            b.add(quad(w / 18 - 0.004, (depth - back) / 2, (x, 0, (depth + back) / 2), (1, 10)),
                  c(s.floor, 0.85 + 0.15 * ((i * 5) % 4) / 3), gloss=0.25)
        b.add(quad(w, (depth - back) / 2, (0, -0.003, (depth + back) / 2)), c("#3a2a1e"), gloss=0.0)
        return
    if s.floor_kind in ("tiles", "stone"):
        size = 0.5 if s.floor_kind == "tiles" else 0.7
        nx, nz = int(2 * w / size), int((depth - back) / size)
        for i in range(nx):
            for j in range(nz):
                odd = (i + j) % 2 if s.floor_kind == "tiles" else ((i * 7 + j * 3) % 5) / 4
                color = (s.tile if odd else s.floor) if s.floor_kind == "tiles" else s.floor
                factor = 1.0 if s.floor_kind == "tiles" else 0.85 + 0.2 * odd
                b.add(quad(size / 2 - 0.006, size / 2 - 0.006, (-w + (i + 0.5) * size, 0, back + (j + 0.5) * size)),
                      c(color, factor), gloss=0.35 if s.floor_kind == "tiles" else 0.08)
        b.add(quad(w, (depth - back) / 2, (0, -0.003, (depth + back) / 2)), c(s.floor, 0.55), gloss=0.0)
        return
    b.add(quad(w, (depth - back) / 2, (0, 0, (depth + back) / 2), (14, 10)), c(s.floor), gloss=0.02)


def wall_pieces(x_min: float, x_max: float, height: float, holes) -> list[tuple[float, float, float, float]]:
    """Rectangles (x0, x1, y0, y1) covering a wall except the given rectangular holes."""
    edges = sorted({x_min, x_max, *[h[0] for h in holes], *[h[1] for h in holes]})
    pieces = []
    for x0, x1 in zip(edges, edges[1:]):
        inside = sorted((h for h in holes if h[0] <= x0 and x1 <= h[1]), key=lambda h: h[2])
        ys = [0.0] + [y for h in inside for y in (h[2], h[3])] + [height]
        for y0, y1 in zip(ys[::2], ys[1::2]):
            if y1 - y0 > 1e-6:
                pieces.append((x0, x1, y0, y1))
    return pieces


def window_frame(b: MeshBuilder, win, back: float, frame: str = "#f4f0e8") -> None:
    """A framed window with a sky pane behind it."""
    x0, x1, y0, y1 = win
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    b.add(box(((x1 - x0) / 2, (y1 - y0) / 2, 0.01), (cx, cy, back - 0.15)), c("#ffffff"), 0.0, emissive=SKY_PANE)
    white = c(frame)
    for x, y, hx, hy in ((x0, cy, 0.04, (y1 - y0) / 2 + 0.04), (x1, cy, 0.04, (y1 - y0) / 2 + 0.04), (cx, y1, (x1 - x0) / 2, 0.04),
                         (cx, y0, (x1 - x0) / 2 + 0.08, 0.04), (cx, cy, 0.025, (y1 - y0) / 2), (cx, cy, (x1 - x0) / 2, 0.025)):
        b.add(box((hx, hy, 0.06), (x, y, back - 0.08)), white, gloss=0.2)
    b.add(box(((x1 - x0) / 2 + 0.1, 0.03, 0.12), (cx, y0 - 0.02, back + 0.02)), white, gloss=0.2)


def door(b: MeshBuilder, hole, back: float, color: str = "#7a4a2a", frame: str = "#f0ebe0") -> None:
    """A panelled door with a frame and a brass knob, set in a wall hole."""
    x0, x1, y0, y1 = hole
    cx = (x0 + x1) / 2
    b.add(box(((x1 - x0) / 2, (y1 - y0) / 2, 0.03), (cx, (y0 + y1) / 2, back - 0.1)), c(color), gloss=0.25)
    for y in (0.55, 1.5):
        b.add(box(((x1 - x0) / 2 - 0.12, 0.3, 0.01), (cx, y, back - 0.065)), c(color, 0.88), gloss=0.25)
    for x, hx, hy, y in ((x0, 0.05, y1 / 2, y1 / 2), (x1, 0.05, y1 / 2, y1 / 2), (cx, (x1 - x0) / 2 + 0.05, 0.05, y1)):
        b.add(box((hx, hy, 0.04), (x, y, back + 0.01)), c(frame), gloss=0.15)
    b.add(sphere(8, 6).transformed(translate(x1 - 0.12, 1.0, back - 0.04) @ np.diag((0.035, 0.035, 0.035, 1))), c("#d0a040"), 0.9)


def hole(x: float, half: float, y0: float, y1: float) -> tuple[float, float, float, float]:
    """A wall hole (x0, x1, y0, y1) centred on ``x``."""
    return (x - half, x + half, y0, y1)


def ring(count: int, radius: float) -> list[tuple[float, float]]:
    """``count`` (x, z) offsets evenly around a circle."""
    return [(radius * math.sin(2 * math.pi * i / count), radius * math.cos(2 * math.pi * i / count)) for i in range(count)]
