"""Period sets: a palace courtyard before a red-pillared hall, and an old Chinese teahouse.
Each builder is ``(builder, lights, rng)`` and draws around its marks."""

from __future__ import annotations

import math

import numpy as np

from .geometry import MeshBuilder, box, ellipsoid, frustum, quad, rot_y, rot_z, sphere, translate
from .sets_props import Shell, c, counter, cup, hills, hole, lantern, mark, shell, stool, table, tree

RED, GOLD, TILE = "#a8281e", "#d8a030", "#c89a28"


def palace(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A paved courtyard: marble steps up to a red hall with a golden hip roof, a stone lion, a
    bronze incense burner, red pillars and lanterns."""
    for i in range(-8, 9):
        for j in range(-4, 6):
            b.add(quad(0.49, 0.49, (i, 0, j), (1, 1)), c("#8e8a82", 0.85 + 0.15 * ((i * 7 + j * 3) % 4) / 3), gloss=0.08)
    b.add(quad(60, 40, (0, -0.01, -20), 4), c("#a8a498"), gloss=0.05)
    sx_, sz_ = mark("palace", "steps")
    for k in range(4):
        b.add(box((2.6 - 0.1 * k, 0.1 + 0.1 * k, 0.25), (sx_, 0.1 + 0.1 * k, sz_ - 0.15 - 0.5 * k)), c("#c4c0b6", 1 - 0.04 * k), gloss=0.15)
    b.add(box((9.0, 0.45, 2.5), (0, 0.45, -5.2)), c("#b8b4aa"), gloss=0.1)
    for x in np.arange(-4.5, 4.6, 0.5):
        if abs(x) > 2.7:
            b.add(box((0.05, 0.25, 0.05), (float(x), 1.15, -2.75)), c("#d4d0c6"), gloss=0.1)
    hall(b, -8.5)
    px, pz = mark("palace", "pillar")
    for x in (px - 0.9, -px + 0.9):
        b.add(frustum(0.22, 0.2, 3.4, 14).transformed(translate(x, 0, pz - 0.2)), c(RED), gloss=0.3)
        b.add(box((0.3, 0.08, 0.3), (x, 0.08, pz - 0.2)), c("#e4e0d6"), gloss=0.1)
        b.add(box((0.35, 0.12, 0.35), (x, 3.45, pz - 0.2)), c("#2a6a5a"), gloss=0.2)
        inward = 0.45 if x < 0 else -0.45
        lantern(b, lights, x + inward, 2.4, pz - 0.2)
        b.add(box((0.25, 0.02, 0.02), (x + inward / 2, 2.8, pz - 0.2)), c("#222222"))
    bx, bz = mark("palace", "incense burner")
    burner(b, bx + 0.95, bz - 0.2)
    lx, lz = mark("palace", "lion")
    lion(b, lx + 1.0, lz)
    for x in (-14.0, 14.0):
        tree(b, x, -9.0, 1.8, rng, "#3f6a34")
    hills(b, rng, "#6a7a70", 6, 90.0)


def hall(b: MeshBuilder, z: float) -> None:
    """The main hall: red walls with lattice doors, a pillared front, a gold hip roof with eaves."""
    front = z + 0.9
    b.add(box((5.5, 1.9, 1.4), (0, 0.9 + 1.9, z - 0.5)), c(RED, 0.85), gloss=0.1)
    for k in range(6):
        x = -4.5 + 1.8 * k
        b.add(frustum(0.2, 0.18, 3.6, 12).transformed(translate(x, 0.9, front)), c(RED), gloss=0.3)
        if k < 5:
            lattice(b, x + 0.9, 0.9, z + 0.92)
    b.add(box((5.6, 0.25, 0.2), (0, 4.6, front)), c("#2a6a5a"), gloss=0.2)
    b.add(box((5.6, 0.1, 0.2), (0, 4.4, front + 0.02)), c(GOLD), gloss=0.5)
    roof = frustum(1.0, 0.35, 1.0, 4).transformed(translate(0, 4.7, z) @ rot_y(math.pi / 4) @ np.diag((9.8, 2.4, 4.4, 1)))
    b.add(roof, c(TILE), gloss=0.35)
    b.add(box((3.2, 0.15, 0.15), (0, 7.15, z)), c(TILE, 0.8), gloss=0.4)
    for sx in (-1, 1):
        b.add(ellipsoid((0.25, 0.35, 0.12), (sx * 3.2, 7.4, z), 8, 5), c(TILE, 0.8), gloss=0.4)
    b.add(box((0.7, 0.3, 0.03), (0, 5.2, front + 0.9)), c("#1a3a5a"), gloss=0.3)
    b.add(box((0.62, 0.22, 0.01), (0, 5.2, front + 0.93)), c(GOLD), gloss=0.6)


def lattice(b: MeshBuilder, x: float, y: float, z: float) -> None:
    """A red lattice door panel between two pillars."""
    b.add(box((0.75, 1.5, 0.04), (x, y + 1.5, z)), c(RED, 0.75), gloss=0.2)
    for k in range(6):
        b.add(box((0.6, 0.015, 0.01), (x, y + 1.5 + 0.16 * k, z + 0.045)), c(GOLD, 0.8), gloss=0.3)
    for k in range(5):
        b.add(box((0.015, 0.45, 0.01), (x - 0.5 + 0.25 * k, y + 1.9, z + 0.045)), c(GOLD, 0.8), gloss=0.3)


def burner(b: MeshBuilder, x: float, z: float) -> None:
    """A bronze three-legged incense burner (ding) on a stone plinth, with a wisp of smoke."""
    bronze = c("#6a5a30")
    b.add(box((0.45, 0.2, 0.45), (x, 0.2, z)), c("#d8d4c8"), gloss=0.1)
    for k in range(3):
        a = k * 2 * math.pi / 3
        b.add(frustum(0.05, 0.04, 0.3, 6).transformed(translate(x + 0.22 * math.sin(a), 0.4, z + 0.22 * math.cos(a))), bronze, gloss=0.6)
    b.add(frustum(0.32, 0.38, 0.45, 16).transformed(translate(x, 0.65, z)), bronze, gloss=0.6)
    b.add(frustum(0.2, 0.0, 0.35, 12).transformed(translate(x, 1.1, z)), bronze, gloss=0.6)
    for side in (-1, 1):
        b.add(box((0.03, 0.1, 0.1), (x + side * 0.36, 1.15, z)), bronze, gloss=0.6)


def lion(b: MeshBuilder, x: float, z: float) -> None:
    """A seated stone guardian lion on a plinth, looking at the courtyard."""
    stone = "#c8c4b8"
    b.add(box((0.4, 0.35, 0.5), (x, 0.35, z)), c(stone, 0.9), gloss=0.1)
    b.add(ellipsoid((0.3, 0.45, 0.35), (x, 1.05, z - 0.05), 12, 7), c(stone), gloss=0.1)
    b.add(ellipsoid((0.3, 0.28, 0.28), (x - 0.05, 1.6, z + 0.1), 12, 7), c(stone), gloss=0.1)
    for k in range(7):
        a = k * 2 * math.pi / 7
        b.add(sphere(8, 5).transformed(translate(x - 0.05 + 0.26 * math.sin(a), 1.62 + 0.22 * math.cos(a), z + 0.05)
                                       @ np.diag((0.08, 0.08, 0.08, 1))), c(stone, 0.92), gloss=0.1)
    for dx in (-0.15, 0.15):
        b.add(frustum(0.07, 0.07, 0.5, 8).transformed(translate(x + dx, 0.7, z + 0.25)), c(stone), gloss=0.1)
    b.add(sphere(10, 6).transformed(translate(x - 0.2, 0.82, z + 0.35) @ np.diag((0.12, 0.12, 0.12, 1))), c(stone, 0.95), gloss=0.1)


def teahouse(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """An old teahouse: dark timber walls with lattice windows, a painted screen, a counter with
    tea jars, a square table with a teapot, a stool and red lanterns."""
    s = Shell(wall="#c8b494", side="#b8a484", floor="#6a4a30", trim="#3a2416", ceiling="#5a3a24")
    wx, _ = mark("teahouse", "window")
    win = hole(wx, 0.6, 0.95, 2.1)
    shell(b, s, windows=[win], doors=[])
    for x in (-3.45, -1.6, 0.6, 3.45):
        b.add(box((0.09, s.height / 2, 0.09), (x, s.height / 2, s.back + 0.05)), c("#3a2416"), gloss=0.2)
    b.add(box((3.5, 0.06, 0.08), (0, 2.4, s.back + 0.05)), c("#3a2416"), gloss=0.2)
    for k in range(7):
        b.add(box((0.6, 0.012, 0.02), (wx, 1.05 + 0.15 * k, s.back - 0.03)), c("#3a2416"), gloss=0.2)
    for k in range(7):
        b.add(box((0.012, 0.58, 0.02), (wx - 0.45 + 0.15 * k, 1.52, s.back - 0.03)), c("#3a2416"), gloss=0.2)
    sx, _ = mark("teahouse", "screen")
    for k in range(4):
        b.add(box((0.24, 0.8, 0.02), (sx - 0.75 + 0.5 * k, 0.95, s.back + 0.25)), c("#3a2416"), gloss=0.3)
        b.add(box((0.2, 0.7, 0.01), (sx - 0.75 + 0.5 * k, 0.95, s.back + 0.275)), c("#ece0c4"), gloss=0.05)
    for dx, dy, r in ((-0.9, 1.2, 0.15), (-0.6, 1.0, 0.1), (-0.1, 1.3, 0.2), (0.4, 0.9, 0.12)):
        b.add(ellipsoid((r, r * 0.6, 0.005), (sx + dx, dy, s.back + 0.29), 10, 4), c("#4a5a4a"), gloss=0.0)
    kx, kz = mark("teahouse", "counter")
    counter(b, -3.45, kx + 0.7, s.back + 0.3, 1.0, 0.3, "#4a2e1a", "#6a4428")
    for k in range(5):
        b.add(frustum(0.1, 0.08, 0.22, 10).transformed(translate(kx - 1.0 + 0.3 * k, 1.0, s.back + 0.28)),
              c(("#d8d0b8", "#3a5a7a", "#8a3a2a")[k % 3]), gloss=0.6)
    tx, tz = mark("teahouse", "table")
    tz -= 0.55
    table(b, tx, tz, 0.45, 0.45, 0.78, "#4a2a18")
    b.add(ellipsoid((0.1, 0.08, 0.1), (tx, 0.85, tz), 12, 6), c("#e8e4da"), gloss=0.7)
    b.add(frustum(0.02, 0.012, 0.12, 6).transformed(translate(tx + 0.08, 0.84, tz) @ rot_z(-0.8)), c("#e8e4da"), gloss=0.7)
    for dx in (-0.22, 0.22):
        cup(b, tx + dx, 0.78, tz + 0.15, "#e8e4da")
    stool(b, *mark("teahouse", "stool"), 0.45, "#4a2a18", "#4a2a18")
    for x in (-1.0, 1.2):
        lantern(b, lights, x, 2.2, 0.2)
    b.add(box((3.5, 0.1, 0.08), (0, 2.6, 0.2)), c("#3a2416"), gloss=0.2)
    b.add(box((0.6, 0.2, 0.02), (-1.6, 2.6, s.back + 0.02)), c("#1a1a1a"), gloss=0.3)
    b.add(box((0.52, 0.13, 0.01), (-1.6, 2.6, s.back + 0.04)), c(GOLD), gloss=0.6)


BUILDERS = {"palace": palace, "teahouse": teahouse}
