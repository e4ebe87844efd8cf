"""Outdoor sets in the landscape: the old stone bridge, the park, a bamboo forest, a mountain
path and a beach. Each builder is ``(builder, lights, rng)`` and draws around its marks."""

from __future__ import annotations

import math

import numpy as np

from .geometry import MeshBuilder, box, ellipsoid, frustum, lathe, quad, rot_x, rot_y, rot_z, sphere, translate
from .lighting import PointLight
from .sets_props import WARM, bench, blob, c, hills, lamp_post, lantern, mark, pine, rock, tree


def bridge(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A stone footbridge over water: slab deck, back balustrade, front kerb, piers, lanterns."""
    stone = "#9c968c"
    for i in range(-14, 14):
        b.add(box((0.5, 0.2, 1.9), (i + 0.5, -0.21, 0.3)), c(stone, 0.88 + 0.12 * ((i * 7) % 3) / 2), gloss=0.08)
        b.add(quad(0.5, 1.9, (i + 0.5, 0.0, 0.3), (2, 6)), c(stone, 0.88 + 0.12 * ((i * 7) % 3) / 2), gloss=0.08)
    b.add(box((14.2, 0.45, 0.12), (0, -0.6, 2.25)), c(stone, 0.8), gloss=0.05)
    b.add(box((14.0, 0.09, 0.12), (0, 0.09, 2.1)), c(stone, 0.85), gloss=0.05)
    rz = mark("bridge", "railing")[1] - 0.2
    baluster = lathe([(0.0, 0.0, 0, -1), (0.07, 0.0, 1, 0), (0.05, 0.12, 1, 0.3), (0.08, 0.4, 1, 0), (0.045, 0.68, 1, -0.3),
                      (0.06, 0.78, 1, 0), (0.0, 0.78, 0, 1)], 6)
    for i in range(57):
        b.add(baluster.transformed(translate(-14 + i * 0.5, 0.1, rz)), c(stone, 1.02), gloss=0.08)
    b.add(box((14.1, 0.05, 0.16), (0, 0.05, rz)), c(stone, 0.9), gloss=0.05)
    b.add(box((14.1, 0.07, 0.17), (0, 0.95, rz)), c(stone, 0.95), gloss=0.1)
    for x in (-12.0, -9.0, -6.0, -3.0, 3.0, 6.0, 9.0, 12.0):
        b.add(box((0.2, 0.55, 0.22), (x, 0.55, rz)), c(stone, 0.88), gloss=0.05)
        b.add(box((0.24, 0.05, 0.26), (x, 1.12, rz)), c(stone, 0.95), gloss=0.05)
    for x in (-3.0, 3.0):
        b.add(frustum(0.03, 0.03, 0.4, 6).transformed(translate(x, 1.17, rz)), c("#222222"), gloss=0.3)
        b.add(sphere(12, 8).transformed(translate(x, 1.7, rz) @ np.diag((0.13, 0.15, 0.13, 1))), c("#fff0c0"), 0.5, emissive=1.0)
        lights.append(PointLight((x, 1.7, rz + 0.2), WARM, 5.0))
    for x in (-10.0, -3.5, 3.5, 10.0):
        b.add(box((0.9, 1.6, 1.6), (x, -1.95, 0.3)), c(stone, 0.7), gloss=0.05)
    b.add(quad(150, 150, (0, -3.2, 0), 4), c("#2c5a6e"), gloss=1.0)
    for sx in (-1, 1):
        b.add(ellipsoid((14, 4.5, 18), (sx * 24, -3.0, -14), 16, 8), c("#5f7f46"), gloss=0.02)
        tree(b, sx * 15.5, -9.0, 1.4, rng)
    hills(b, rng, "#5a7a5e")


def park(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """Lawn, a gravel path, a bench and a tree at their marks, more trees and hills behind."""
    b.add(quad(20, 8, (0, 0, -3), (30, 12)), c("#4c7a32"), gloss=0.02)
    b.add(quad(120, 120, (0, -0.01, -40), 6), c("#4c7a32"), gloss=0.02)
    b.add(quad(40, 0.9, (0, 0.004, 0.2), (40, 2)), c("#a89270"), gloss=0.03)
    for sz in (-1.12, 1.52):
        b.add(box((40, 0.02, 0.05), (0, 0.01, sz)), c("#8a7a5c"), gloss=0.03)
    bench(b, *mark("park", "bench"))
    tx, tz = mark("park", "tree")
    tree(b, tx, tz, 1.0, rng)
    for _ in range(14):
        x, z = float(rng.uniform(-22, 22)), float(rng.uniform(-30, -6))
        tree(b, x, z, float(rng.uniform(0.9, 1.5)), rng, "#4a7a38" if rng.random() < 0.5 else "#5a8a3a")
    for _ in range(8):
        x, z = float(rng.uniform(-10, 10)), float(rng.uniform(-5, -3))
        b.add(ellipsoid((0.6, 0.45, 0.5), (x, 0.25, z), 10, 6), c("#44702f", float(rng.uniform(0.8, 1.1))), gloss=0.03)
    lx, lz = mark("park", "lamp")
    lamp_post(b, lights, lx + 0.3, lz - 0.4, 3.2)
    hills(b, rng, "#5a7f58")


def bamboo(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A mossy clearing with a stone path, a sitting stone, and ranks of tall bamboo all round."""
    b.add(quad(30, 30, (0, 0, -10), (30, 30)), c("#56703a"), gloss=0.02)
    for i in range(9):
        x = -3.2 + i * 0.8 + float(rng.uniform(-0.1, 0.1))
        b.add(ellipsoid((0.32, 0.04, 0.26), (x, 0.0, mark("bamboo", "path")[1] + float(rng.uniform(-0.15, 0.15))), 10, 4),
              c("#9a978c", float(rng.uniform(0.85, 1.1))), gloss=0.05)
    sx, sz = mark("bamboo", "stone")
    blob(b, (0.5, 0.45, 0.38), (sx, 0.0, sz - 0.05), "#8c877a", 1.0, 0.1)
    for _ in range(130):
        x, z = float(rng.uniform(-12, 12)), float(rng.uniform(-12, 3))
        if abs(x) < 3.4 and z > -2.6:
            continue
        culm(b, x, z, float(rng.uniform(6.0, 10.0)), float(rng.uniform(0.045, 0.075)), rng)
    for _ in range(14):
        x, z = float(rng.uniform(-9, 9)), float(rng.uniform(-8, -2.7))
        blob(b, (0.7, 0.35, 0.5), (x, 0.15, z), "#4a6e30", float(rng.uniform(0.8, 1.15)), 0.03)
    gx, gz = mark("bamboo", "grove")
    for dx, dz in ((0.8, -0.9), (1.2, -0.5), (0.9, -0.2)):
        culm(b, gx + dx, gz + dz, 8.0, 0.05, rng)
    b.add(frustum(0.14, 0.1, 0.9, 8).transformed(translate(-2.9, 0, -2.2)), c("#6a6258"), gloss=0.05)
    b.add(box((0.28, 0.18, 0.28), (-2.9, 1.05, -2.2)), c("#6a6258"), gloss=0.05)
    b.add(box((0.14, 0.1, 0.14), (-2.9, 1.0, -2.05)), c("#ffe0a0"), gloss=0.1, emissive=1.0)
    b.add(frustum(0.34, 0.0, 0.25, 4).transformed(translate(-2.9, 1.22, -2.2) @ rot_y(math.pi / 4)), c("#5a544c"), gloss=0.05)
    lights.append(PointLight((-2.9, 1.0, -1.9), WARM, 5.0))
    hills(b, rng, "#4a6a50", 6, 60.0)


def culm(b: MeshBuilder, x: float, z: float, height: float, radius: float, rng: np.random.Generator) -> None:
    """One bamboo stalk: a slightly leaning green pole with nodes and a few leaf sprays on top."""
    lean = rot_z(float(rng.uniform(-0.05, 0.05))) @ rot_x(float(rng.uniform(-0.05, 0.05)))
    m = translate(x, 0, z) @ lean
    green = "#7a9a3a" if rng.random() < 0.6 else "#8aa84a"
    b.add(frustum(radius, radius * 0.7, height, 6, caps=False).transformed(m), c(green, float(rng.uniform(0.85, 1.1))), gloss=0.3)
    for y in np.arange(0.5, height * 0.7, 0.55):
        b.add(frustum(radius * 1.15, radius * 1.15, 0.03, 6, caps=False).transformed(m @ translate(0, float(y), 0)), c(green, 0.75), gloss=0.3)
    for k in range(5):
        y = height * (0.55 + 0.1 * k)
        a = float(rng.uniform(0, 2 * math.pi))
        spray = m @ translate(0.3 * math.sin(a), y, 0.3 * math.cos(a)) @ rot_y(a) @ rot_x(0.9)
        b.add(ellipsoid((0.09, 0.6, 0.03), (0, 0.3, 0), 6, 4).transformed(spray), c("#5a8a32", float(rng.uniform(0.75, 1.15))), gloss=0.05)


def mountain(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A dirt path on a mountainside: a rock wall behind, boulders, pines, a drop to far peaks."""
    b.add(quad(12, 6, (0, 0, 0), (24, 12)), c("#8a7558"), gloss=0.03)
    b.add(quad(14, 1.0, (0, 0.004, 0.2), (28, 2)), c("#a58e6a"), gloss=0.03)
    for i in range(11):
        x = -10 + i * 2.0 + float(rng.uniform(-0.4, 0.4))
        h = float(rng.uniform(3.0, 6.0))
        b.add(ellipsoid((1.6, h, 1.3), (x, 0, -4.2 + float(rng.uniform(-0.4, 0.4))), 10, 6), c("#7a7266", float(rng.uniform(0.8, 1.1))), gloss=0.05)
    for _ in range(9):
        x = float(rng.uniform(-9, 9))
        if abs(x) > 3.4:
            rock(b, x, float(rng.uniform(-3.0, -1.8)), float(rng.uniform(0.3, 0.7)), rng)
    rx, rz = mark("mountain", "rock")
    blob(b, (0.5, 0.48, 0.4), (rx, 0.0, rz - 0.05), "#8a857c", 1.0, 0.08)
    px, pz = mark("mountain", "pine")
    pine(b, px + 0.6, pz - 0.9, 1.3, rng)
    for sx in (-1, 1):
        for k in range(3):
            pine(b, sx * float(rng.uniform(5, 11)), float(rng.uniform(-3.8, -2.8)), float(rng.uniform(1.2, 1.8)), rng)
    lx, lz = mark("mountain", "lookout")
    for dx in (-0.6, 0.6):
        b.add(box((0.05, 0.5, 0.05), (lx + dx, 0.5, lz - 0.45)), c("#6a4a2a"), gloss=0.1)
    b.add(box((0.7, 0.04, 0.04), (lx, 0.9, lz - 0.45)), c("#6a4a2a"), gloss=0.1)
    b.add(box((0.7, 0.04, 0.04), (lx, 0.55, lz - 0.45)), c("#6a4a2a"), gloss=0.1)
    for i in range(6):
        x = -90 + 36 * i + float(rng.uniform(-8, 8))
        h = float(rng.uniform(30, 55))
        b.add(frustum(float(rng.uniform(22, 32)), 2.0, h, 7).transformed(translate(x, -8, -90 - float(rng.uniform(0, 30)))),
              c("#6a7a8a", float(rng.uniform(0.85, 1.1))), gloss=0.0)
        b.add(frustum(6.0, 1.5, 8.0, 7).transformed(translate(x, -8 + h - 8.0, -90)), c("#e8eef4"), gloss=0.1)
    b.add(quad(150, 60, (0, -8, -60), 4), c("#5a6a52"), gloss=0.0)
    b.add(frustum(0.05, 0.05, 1.9, 6).transformed(translate(2.9, 0, -2.0)), c("#4a3424"))
    b.add(box((0.2, 0.025, 0.025), (3.0, 1.88, -2.0)), c("#4a3424"))
    lantern(b, lights, 3.15, 1.55, -2.0, "#e8b040", 4.5)


def beach(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """Pale sand down to the sea behind the stage, an umbrella, driftwood, dunes and a pier lamp."""
    b.add(quad(30, 8, (0, 0, 0), (30, 16)), c("#e0cc9c"), gloss=0.03)
    b.add(quad(30, 1.2, (0, -0.02, -8.5), (30, 2)), c("#b8a47a"), gloss=0.4)
    b.add(quad(200, 100, (0, -0.06, -108), 8), c("#2a6a8a"), gloss=1.0)
    for i in range(7):
        z = -7.6 - i * 0.9
        b.add(box((30, 0.01, 0.05), (0, -0.045, z + float(rng.uniform(-0.2, 0.2)))), c("#e8f0f0"), gloss=0.5)
    ux, uz = mark("beach", "umbrella")
    ux, uz = ux - 0.7, uz - 0.6
    b.add(frustum(0.025, 0.025, 2.3, 6).transformed(translate(ux, 0, uz)), c("#e8e4dc"), gloss=0.3)
    for k in range(8):
        b.add(frustum(1.2, 0.0, 0.45, 2, caps=False).transformed(translate(ux, 1.9, uz) @ rot_y(k * math.pi / 4)),
              c("#d83a3a" if k % 2 else "#f4f0e8"), gloss=0.1)
    b.add(box((0.35, 0.02, 0.9), (ux + 0.1, 0.02, uz + 0.1)), c("#3a8ac8"), gloss=0.05)
    dx, dz = mark("beach", "driftwood")
    b.add(frustum(0.17, 0.13, 2.0, 10).transformed(translate(dx - 1.0, 0.17, dz - 0.05) @ rot_z(-math.pi / 2)), c("#a89a84"), gloss=0.05)
    for _ in range(8):
        x = float(rng.uniform(-14, 14))
        if abs(x) > 4:
            blob(b, (float(rng.uniform(2, 4)), float(rng.uniform(0.6, 1.2)), 1.6), (x, 0, float(rng.uniform(-4, -2.5))), "#d8c490")
            for _ in range(4):
                b.add(frustum(0.03, 0.0, 0.6, 3).transformed(translate(x + float(rng.uniform(-1, 1)), 0.5, float(rng.uniform(-3.5, -2.5)))),
                      c("#8a9a5a"), gloss=0.02)
    for x in (-4.2, 4.4):
        palm(b, x, -3.4, rng)
    lamp_post(b, lights, 3.4, -2.3, 3.4)
    for i in range(3):
        x = -60 + 60 * i + float(rng.uniform(-10, 10))
        b.add(ellipsoid((30, 9, 8), (x, -3, -150), 14, 6), c("#6a8a9a"), gloss=0.0)


def palm(b: MeshBuilder, x: float, z: float, rng: np.random.Generator) -> None:
    """A leaning palm tree: a segmented trunk and drooping fronds."""
    lean = rot_z(0.18 if x < 0 else -0.18)
    top = translate(x, 0, z) @ lean
    for k in range(8):
        b.add(frustum(0.16 - 0.01 * k, 0.14 - 0.01 * k, 0.55, 8).transformed(top @ translate(0, 0.55 * k, 0)),
              c("#8a6a48", 0.9 + 0.1 * (k % 2)), gloss=0.05)
    crown = top @ translate(0, 4.4, 0)
    for k in range(7):
        frond = crown @ rot_y(k * 2 * math.pi / 7) @ rot_x(1.2)
        b.add(ellipsoid((0.22, 1.3, 0.05), (0, 1.1, 0), 8, 4).transformed(frond), c("#3a7a32", float(rng.uniform(0.85, 1.1))), gloss=0.05)


BUILDERS = {"bridge": bridge, "park": park, "bamboo": bamboo, "mountain": mountain, "beach": beach}
