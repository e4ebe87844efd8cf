"""City sets: the street, a hutong alley, a rooftop over the skyline and a subway platform.
Each builder is ``(builder, lights, rng)`` and draws around its marks."""

from __future__ import annotations

import numpy as np

from .geometry import MeshBuilder, box, ellipsoid, frustum, quad, sphere, translate
from .lighting import PointLight
from .sets_props import COOL, FACING_Z, WARM, c, hills, lamp_post, lantern, mark, panel_light, tree


def street(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A pavement before a row of shop-front buildings, a kerb, a road and a lamp post."""
    b.add(quad(45, 2.45, (0, 0, -0.05), (60, 6)), c("#8f8b84"), gloss=0.05)
    for i in range(-22, 23, 2):
        b.add(box((0.01, 0.002, 2.4), (i, 0.002, -0.05)), c("#74716b"), gloss=0.0)
    b.add(box((45, 0.07, 0.09), (0, -0.05, 2.45)), c("#c8c4bb"), gloss=0.05)
    b.add(quad(60, 20, (0, -0.12, 22.4), (30, 8)), c("#3b3c40"), gloss=0.15)
    for i in range(-20, 21, 3):
        b.add(box((0.7, 0.005, 0.07), (i, -0.115, 6.0)), c("#e8e4d8"), gloss=0.1)
    x = -26.0
    door_x = mark("street", "door")[0]
    palette = ("#b5654a", "#d8c9a8", "#7d8c9a", "#c99a5b", "#9a6a7a", "#e0d6c8", "#6f8a6a")
    while x < 26.0:
        width = float(rng.uniform(4.5, 7.0))
        height = float(rng.uniform(7.0, 14.0))
        color = palette[int(rng.integers(len(palette)))]
        building(b, x, width, height, color, rng, door_x if x < door_x < x + width else None)
        x += width
    lamp_post(b, lights, *mark("street", "lamp"))
    b.add(frustum(0.2, 0.2, 0.9, 12).transformed(translate(3.6, 0, -1.9)), c("#3d5a45"), gloss=0.2)
    hills(b, rng, "#6a7f8a", 5, 110.0)


def building(b: MeshBuilder, x0: float, width: float, height: float, color: str, rng, door_x: float | None,
             front: float = -2.5) -> None:
    """One facade from x0: wall, cornice, a grid of windows (some lit) and a shop front or door."""
    b.add(box((width / 2, height / 2, 4.0), (x0 + width / 2, height / 2, front - 4.0)), c(color), gloss=0.03)
    b.add(box((width / 2 + 0.05, 0.15, 0.2), (x0 + width / 2, height - 0.15, front + 0.05)), c(color, 0.75), gloss=0.03)
    b.add(box((width / 2, 0.3, 0.06), (x0 + width / 2, 0.3, front + 0.03)), c(color, 0.6), gloss=0.03)
    bays = max(2, int(width / 1.6))
    for floor in range(1, int((height - 1.0) / 3.0)):
        for bay in range(bays):
            cx = x0 + (bay + 0.5) * width / bays
            lit = float(rng.random() < 0.45)
            window(b, cx, 3.0 * floor + 0.9, front, lit)
    if door_x is not None:
        b.add(box((0.55, 1.1, 0.06), (door_x, 1.1, front + 0.02)), c("#4a2e1e"), gloss=0.2)
        b.add(box((0.65, 0.08, 0.09), (door_x, 2.25, front + 0.03)), c(color, 0.6), gloss=0.03)
        b.add(sphere(8, 6).transformed(translate(door_x + 0.4, 1.05, front + 0.1) @ np.diag((0.04, 0.04, 0.04, 1))), c("#c8a040"), 0.8)
    else:
        cx = x0 + width / 2
        b.add(box((width * 0.33, 0.8, 0.04), (cx, 1.35, front + 0.01)), c("#2a3a48"), gloss=0.9, emissive=float(rng.random() < 0.7))
        b.add(box((width * 0.36, 0.12, 0.1), (cx, 2.3, front + 0.05)), c(color, 0.5), gloss=0.05)


def window(b: MeshBuilder, cx: float, y: float, front: float, lit: float) -> None:
    """A glazed window with a frame and a sill."""
    b.add(box((0.42, 0.62, 0.03), (cx, y + 0.62, front + 0.01)), c("#e8e2d6"), gloss=0.1)
    b.add(box((0.34, 0.54, 0.03), (cx, y + 0.62, front + 0.03)), c("#24313d"), gloss=0.9, emissive=lit)
    b.add(box((0.48, 0.04, 0.1), (cx, y - 0.02, front + 0.05)), c("#d8d2c6"), gloss=0.1)


def alley(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A hutong lane: grey brick walls with tiled caps, a red gate, crates, red lanterns overhead."""
    b.add(quad(4.0, 9.0, (0, 0, 1.0), (8, 18)), c("#5a5a5c"), gloss=0.2)
    for i in range(-7, 8):
        b.add(box((3.2, 0.004, 0.02), (0, 0.004, i * 0.6)), c("#4a4a4c"), gloss=0.1)
    px, pz = mark("alley", "puddle")
    b.add(ellipsoid((0.7, 0.004, 0.4), (px, 0.006, pz), 14, 3), c("#3a4450"), gloss=1.0)
    brick_wall(b, -3.4, 3.4, -2.6, 2.7, rng)
    for sx in (-1, 1):
        side_wall(b, sx * 3.4, -2.6, 6.0, 3.1, rng)
    dx = mark("alley", "door")[0]
    gate(b, dx, -2.6)
    cx, cz = mark("alley", "crates")
    crate(b, cx, cz - 0.05, 0.25)
    crate(b, cx + 0.45, cz - 0.55, 0.25)
    crate(b, cx + 0.4, cz - 0.6, 0.2, 0.5)
    b.add(frustum(0.25, 0.28, 0.8, 12).transformed(translate(2.9, 0, -2.2)), c("#3a5a4a"), gloss=0.3)
    b.add(frustum(0.29, 0.29, 0.05, 12).transformed(translate(2.9, 0.8, -2.2)), c("#2a4a3a"), gloss=0.3)
    b.add(box((0.02, 0.02, 4.5), (-2.5, 3.0, 0.0)), c("#202020"))
    for k, z in enumerate((-1.6, 0.0, 1.6)):
        b.add(box((3.4, 0.006, 0.006), (0, 3.1, z)), c("#202020"))
        for x in (-1.6, 0.0, 1.6):
            lantern(b, lights if (k < 2 and x == 0.0) or (k == 0 and x == -1.6) else None, x, 2.75, z)
    b.add(frustum(0.08, 0.1, 0.22, 8).transformed(translate(dx + 0.9, 2.25, -2.5)), c("#ffe6b0"), gloss=0.2, emissive=1.0)
    lights.append(PointLight((dx + 0.9, 2.2, -2.2), WARM, 4.0))
    for x in (-6.0, 1.5, 7.0):
        tree(b, x, -7.0, 1.6, rng)
    for x in (-10.0, 9.0):
        b.add(box((3.0, 4.5, 2.0), (x, 4.5, -12.0)), c("#9a8a78"), gloss=0.03)
        b.add(frustum(4.2, 0.5, 2.0, 4).transformed(translate(x, 9.0, -12.0)), c("#4a4a50"), gloss=0.1)
    hills(b, rng, "#6a7a86", 5, 90.0)


def brick_wall(b: MeshBuilder, x0: float, x1: float, z: float, height: float, rng: np.random.Generator) -> None:
    """A grey brick wall along x at ``z`` (its face), brick courses and a grey tiled cap."""
    b.add(box(((x1 - x0) / 2, height / 2, 0.2), ((x0 + x1) / 2, height / 2, z - 0.2)), c("#7c7c7a"), gloss=0.03)
    for k in range(int(height / 0.3)):
        b.add(box(((x1 - x0) / 2, 0.006, 0.01), ((x0 + x1) / 2, 0.3 * k + 0.15, z + 0.004)), c("#6a6a68"), gloss=0.0)
    for _ in range(10):
        x, y = float(rng.uniform(x0 + 0.3, x1 - 0.3)), float(rng.uniform(0.2, height - 0.4))
        b.add(box((0.12, 0.035, 0.01), (x, y, z + 0.01)), c("#8a8a86", float(rng.uniform(0.85, 1.15))), gloss=0.0)
    b.add(box(((x1 - x0) / 2 + 0.1, 0.08, 0.32), ((x0 + x1) / 2, height + 0.08, z - 0.2)), c("#4a4a50"), gloss=0.15)
    for i in range(int((x1 - x0) / 0.22)):
        b.add(frustum(0.07, 0.07, 0.5, 6, caps=False).transformed(translate(x0 + 0.11 + 0.22 * i, height + 0.16, z + 0.1)
                                                                  @ FACING_Z),
              c("#3c3c42"), gloss=0.2)


def side_wall(b: MeshBuilder, x: float, z0: float, z1: float, height: float, rng: np.random.Generator) -> None:
    """A brick side wall along z at ``x`` with its tiled cap and a shuttered window."""
    inward = -1.0 if x > 0 else 1.0
    b.add(box((0.2, height / 2, (z1 - z0) / 2), (x - inward * 0.2, height / 2, (z0 + z1) / 2)), c("#828280"), gloss=0.03)
    b.add(box((0.3, 0.08, (z1 - z0) / 2), (x - inward * 0.2, height + 0.08, (z0 + z1) / 2)), c("#4a4a50"), gloss=0.15)
    wz = (z0 + z1) / 2 + float(rng.uniform(-1, 1))
    b.add(box((0.02, 0.45, 0.4), (x + inward * 0.01, 1.9, wz)), c("#2e3440"), gloss=0.8, emissive=1.0)
    for dz in (-0.5, 0.5):
        b.add(box((0.03, 0.47, 0.1), (x + inward * 0.02, 1.9, wz + dz)), c("#8a2a22"), gloss=0.2)


def gate(b: MeshBuilder, x: float, z: float) -> None:
    """A red double gate with brass knockers under a small tiled porch roof."""
    b.add(box((0.65, 1.15, 0.05), (x, 1.15, z + 0.03)), c("#9a2a22"), gloss=0.3)
    b.add(box((0.01, 1.1, 0.01), (x, 1.15, z + 0.085)), c("#4a1a14"))
    for dx in (-0.15, 0.15):
        b.add(frustum(0.06, 0.06, 0.02, 10).transformed(translate(x + dx, 1.15, z + 0.09)
                                                        @ FACING_Z),
              c("#c8a040"), gloss=0.8)
    for dx in (-0.72, 0.72):
        b.add(box((0.07, 1.25, 0.09), (x + dx, 1.25, z + 0.04)), c("#6a2a22"), gloss=0.2)
    b.add(box((0.95, 0.08, 0.45), (x, 2.55, z + 0.2)), c("#3c3c42"), gloss=0.15)
    for dx in (-0.95, 0.95):
        b.add(box((0.12, 0.4, 0.015), (x + dx, 1.5, z + 0.02)), c("#c03028"), gloss=0.2)


def crate(b: MeshBuilder, x: float, z: float, half: float, y: float = 0.0) -> None:
    """A slatted wooden crate of half size ``half`` standing at height ``y``."""
    b.add(box((half, half, half), (x, y + half, z)), c("#9a7448"), gloss=0.1)
    for dy in (-0.6, 0.0, 0.6):
        b.add(box((half + 0.01, 0.02, half + 0.01), (x, y + half + dy * half, z)), c("#6a4a2a"), gloss=0.1)


def rooftop(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A flat concrete roof with a parapet and railing, a water tank, a stair hut, and the skyline."""
    b.add(quad(6.0, 4.5, (0, 0, 0.2), (18, 12)), c("#8e8c86"), gloss=0.05)
    for _ in range(6):
        b.add(quad(float(rng.uniform(0.3, 0.8)), float(rng.uniform(0.2, 0.5)),
                   (float(rng.uniform(-3, 3)), 0.003, float(rng.uniform(-1.5, 2))), 1), c("#6e6c68"), gloss=0.1)
    b.add(box((6.0, 0.45, 0.12), (0, 0.45, -2.4)), c("#a8a49c"), gloss=0.05)
    b.add(box((6.05, 0.04, 0.16), (0, 0.92, -2.4)), c("#b8b4ac"), gloss=0.05)
    for i in range(25):
        b.add(box((0.015, 0.25, 0.015), (-6.0 + i * 0.5, 1.18, -2.4)), c("#3a3a3e"), gloss=0.4)
    b.add(box((6.0, 0.02, 0.02), (0, 1.43, -2.4)), c("#3a3a3e"), gloss=0.4)
    for i in range(11):
        x = -2.5 + 0.5 * i
        b.add(sphere(8, 5).transformed(translate(x, 1.62 - 0.1 * (1 - ((x / 2.5) ** 2)), -2.4) @ np.diag((0.04, 0.05, 0.04, 1))),
              c("#fff0b0"), 0.2, emissive=1.0)
    b.add(box((2.5, 0.006, 0.006), (0, 1.65, -2.4)), c("#202020"))
    tx, tz = mark("rooftop", "water tank")
    tank = (tx - 1.1, tz - 0.4)
    for dx in (-0.5, 0.5):
        for dz in (-0.5, 0.5):
            b.add(box((0.04, 0.6, 0.04), (tank[0] + dx, 0.6, tank[1] + dz)), c("#4a4a4e"), gloss=0.3)
    b.add(frustum(0.75, 0.75, 1.5, 16).transformed(translate(tank[0], 1.2, tank[1])), c("#b8b0a0"), gloss=0.2)
    b.add(frustum(0.78, 0.0, 0.3, 16).transformed(translate(tank[0], 2.7, tank[1])), c("#8a8478"), gloss=0.2)
    dx_, dz_ = mark("rooftop", "door")
    hut = dx_ + 1.6
    b.add(box((1.1, 1.3, 1.2), (hut, 1.3, dz_ - 0.3)), c("#c8c0b0"), gloss=0.03)
    b.add(box((1.2, 0.06, 1.3), (hut, 2.63, dz_ - 0.3)), c("#8a8478"), gloss=0.05)
    b.add(box((0.45, 1.0, 0.03), (hut - 0.35, 1.0, dz_ + 0.91)), c("#4a5a6a"), gloss=0.3)
    b.add(box((0.12, 0.08, 0.1), (hut - 0.35, 2.25, dz_ + 0.95)), c("#fff2c8"), gloss=0.2, emissive=1.0)
    lights.append(PointLight((hut - 0.35, 2.2, dz_ + 1.2), WARM, 5.0))
    lx, lz = mark("rooftop", "ledge")
    b.add(box((0.5, 0.275, 0.25), (lx, 0.275, lz)), c("#a49e94"), gloss=0.05)
    b.add(box((0.45, 0.35, 0.3), (-1.4, 0.35, -2.05)), c("#d8d8d4"), gloss=0.2)
    b.add(frustum(0.2, 0.2, 0.02, 12).transformed(translate(-1.4, 0.35, -1.74) @ FACING_Z), c("#6a6a6a"), gloss=0.3)
    skyline(b, rng)


def skyline(b: MeshBuilder, rng: np.random.Generator) -> None:
    """Towers of many heights beyond the roof, their windows lit in rows at night."""
    for i in range(26):
        x = -70 + i * 5.6 + float(rng.uniform(-1.5, 1.5))
        z = float(rng.uniform(-45, -18))
        w, d, h = float(rng.uniform(2.0, 4.5)), float(rng.uniform(2.0, 4.0)), float(rng.uniform(-4, 22))
        color = ("#8a94a0", "#a8a090", "#6a7480", "#b8b0a4")[int(rng.integers(4))]
        b.add(box((w, (h + 10) / 2, d), (x, (h - 10) / 2, z)), c(color, float(rng.uniform(0.8, 1.1))), gloss=0.1)
        for row in range(int((h + 8) / 3.0)):
            y = -8 + 3.0 * row + 1.5
            lit = float(rng.random() < 0.5)
            b.add(box((w * 0.8, 0.35, 0.02), (x, y, z + d + 0.02)), c("#2a3440"), gloss=0.8, emissive=lit)
    hills(b, rng, "#7a8a96", 5, 120.0)


def subway(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """An underground platform: tiled floor with a yellow edge, the track pit, a tiled far wall."""
    pit, wall_z, top = -2.1, -5.0, 3.4
    b.add(quad(12, 3.3, (0, 0, pit + 3.3), (24, 8)), c("#a8a49a"), gloss=0.3)
    b.add(box((12, 0.005, 0.15), (0, 0.005, pit + 0.2)), c("#e8c020"), gloss=0.3)
    b.add(box((12, 0.55, 0.05), (0, -0.55, pit)), c("#6a6a66"), gloss=0.1)
    b.add(quad(12, (pit - wall_z) / 2, (0, -1.1, (pit + wall_z) / 2), (12, 2)), c("#3a3632"), gloss=0.05)
    for i in range(-24, 25):
        b.add(box((0.12, 0.04, 1.1), (i * 0.5, -1.06, (pit + wall_z) / 2)), c("#5a4a3c"), gloss=0.05)
    for z in (-3.0, -4.1):
        b.add(box((12, 0.05, 0.03), (0, -0.98, z)), c("#9a9aa0"), gloss=0.9)
    b.add(box((12, (top + 1.1) / 2, 0.1), (0, (top - 1.1) / 2, wall_z - 0.1)), c("#e8e2d0"), gloss=0.4)
    for y in (0.2, 0.26):
        b.add(box((12, 0.12 if y < 0.25 else 0.03, 0.01), (0, 1.2 + y * 4, wall_z + 0.01)), c("#2a6ab0"), gloss=0.4)
    b.add(box((1.4, 0.28, 0.03), (0.0, 2.4, wall_z + 0.03)), c("#1a3a6a"), gloss=0.3)
    for k in range(5):
        b.add(box((0.12, 0.1, 0.01), (-0.95 + 0.48 * k, 2.4, wall_z + 0.05)), c("#f4f4f4"), gloss=0.2)
    for x in (-5.0, -2.8, 2.8, 5.0):
        poster = ("#c84a3a", "#3a8a6a", "#d8a030", "#6a4a9a")[int(rng.integers(4))]
        b.add(box((0.55, 0.75, 0.02), (x, 1.3, wall_z + 0.03)), c("#2a2a2a"), gloss=0.3)
        b.add(box((0.5, 0.7, 0.01), (x, 1.3, wall_z + 0.05)), c(poster), gloss=0.3, emissive=0.15)
    b.add(box((12.2, 0.05, 4.5), (0, top + 0.05, (wall_z + 4.5) / 2)), c("#d0ccc4"), gloss=0.1)
    for sx in (-1, 1):
        b.add(box((0.1, (top + 1.1) / 2, 5.0), (sx * 12.1, (top - 1.1) / 2, -0.3)), c("#c8c2b0"), gloss=0.1)
        for x in (sx * 3.4, sx * 8.0):
            b.add(box((0.22, top / 2, 0.22), (x, top / 2, -1.4)), c("#d8d4c8"), gloss=0.2)
            b.add(box((0.23, 0.5, 0.23), (x, 0.5, -1.4)), c("#2a6ab0"), gloss=0.3)
    bx, bz = mark("subway", "bench")
    b.add(box((0.8, 0.03, 0.22), (bx, 0.44, bz)), c("#b8bcc4"), gloss=0.7)
    b.add(box((0.8, 0.2, 0.02), (bx, 0.68, bz - 0.22)), c("#b8bcc4"), gloss=0.7)
    for dx in (-0.6, 0.6):
        b.add(box((0.03, 0.21, 0.18), (bx + dx, 0.21, bz)), c("#4a4a50"), gloss=0.5)
    sx_, _ = mark("subway", "sign")
    b.add(box((0.01, 0.35, 0.01), (sx_, top - 0.2, -1.7)), c("#333333"))
    b.add(box((0.75, 0.16, 0.04), (sx_, top - 0.55, -1.7)), c("#1a2a4a"), gloss=0.3)
    b.add(box((0.6, 0.05, 0.01), (sx_, top - 0.55, -1.655)), c("#e8f0ff"), gloss=0.1, emissive=1.0)
    for x in (-2.0, 2.0):
        panel_light(b, lights, x, -0.2, top, 0.9, 0.1, COOL, 7.0)
    for x in (-6.5, 6.5):
        panel_light(b, None, x, -0.2, top, 0.9, 0.1)


BUILDERS = {"street": street, "alley": alley, "rooftop": rooftop, "subway": subway}
