"""Home interiors: the generic room, a bedroom, a living room and a kitchen. Each builder is
``(builder, lights, rng)``; walls, floor and ceiling come from ``sets_props.shell``."""

from __future__ import annotations

import numpy as np

from .geometry import MeshBuilder, box, ellipsoid, frustum, quad, sphere, translate
from .lighting import PointLight
from .sets_props import (
    Shell,
    bookshelf,
    c,
    hole,
    mark,
    pendant,
    picture,
    plant,
    shell,
    sofa,
    stool,
    table,
    table_lamp,
    vase,
)

ROOM = Shell()


def room(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A room: plank floor, three walls with a window and a door at their marks, a table, a lamp."""
    wx, _ = mark("room", "window")
    dx, _ = mark("room", "door")
    shell(b, ROOM, windows=[(wx - 0.65, wx + 0.65, 0.9, 2.15)], doors=[(dx - 0.5, dx + 0.5, 0.0, 2.1)])
    tx, tz = mark("room", "table")
    table(b, tx, tz, 0.65, 0.4, 0.77)
    vase(b, tx + 0.3, 0.77, tz)
    table_lamp(b, lights, tx - 0.35, 0.77, tz - 0.1)
    picture(b, -0.4, 1.6, ROOM.back, 0.5, 0.35, "#4a7a9a")
    b.add(box((0.3, 0.12, 0.02), (-0.4, 1.52, ROOM.back + 0.05)), c("#d8b060"), gloss=0.3)
    b.add(box((1.1, 0.004, 0.75), (0, 0.004, -0.9)), c("#8a3a3a"), gloss=0.0)
    ceiling_shade(b, lights, 0.0, 0.2, ROOM.height)


def ceiling_shade(b: MeshBuilder, lights: list, x: float, z: float, height: float) -> None:
    """A glowing fabric shade under the ceiling, and its light."""
    b.add(frustum(0.25, 0.18, 0.25, 14, caps=False).transformed(translate(x, height - 0.35, z)), c("#f4e8c8"), gloss=0.1, emissive=1.0)
    b.add(frustum(0.01, 0.01, 0.12, 6).transformed(translate(x, height - 0.12, z)), c("#333333"))
    lights.append(PointLight((x, height - 0.45, z), (1.8, 1.25, 0.7), 7.0))


def bedroom(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A bedroom: a double bed against the back wall, bedside lamp, wardrobe, window and rug."""
    s = Shell(wall="#c8d4dc", side="#b8c6d0", floor="#b08a64")
    wx, _ = mark("bedroom", "window")
    dx, _ = mark("bedroom", "door")
    shell(b, s, windows=[hole(wx, 0.6, 0.95, 2.15)], doors=[hole(dx, 0.45, 0.0, 2.1)])
    bx, bz = mark("bedroom", "bed")
    bz -= 0.3
    b.add(box((0.85, 0.17, 1.0), (bx, 0.17, bz)), c("#6a4a32"), gloss=0.2)
    b.add(box((0.82, 0.09, 0.97), (bx, 0.42, bz)), c("#f4f0e8"), gloss=0.05)
    b.add(box((0.84, 0.06, 0.7), (bx, 0.52, bz + 0.3)), c("#5a7ab0"), gloss=0.05)
    b.add(box((0.85, 0.5, 0.04), (bx, 0.75, bz - 1.0)), c("#6a4a32"), gloss=0.2)
    for dx_ in (-0.4, 0.4):
        b.add(ellipsoid((0.3, 0.08, 0.16), (bx + dx_, 0.58, bz - 0.75), 10, 5), c("#f8f4ec"), gloss=0.05)
    nx = bx + 1.15
    b.add(box((0.24, 0.27, 0.2), (nx, 0.27, s.back + 0.22)), c("#8a6a4a"), gloss=0.2)
    table_lamp(b, lights, nx, 0.54, s.back + 0.22, "#f8e4c0")
    wardrobe_x = 3.05
    b.add(box((0.42, 1.0, 0.3), (wardrobe_x, 1.0, s.back + 0.32)), c("#a8845c"), gloss=0.2)
    b.add(box((0.005, 0.95, 0.005), (wardrobe_x, 1.0, s.back + 0.625)), c("#5a3a22"))
    picture(b, bx, 1.55, s.back, 0.45, 0.3, "#d8a080")
    b.add(ellipsoid((1.0, 0.005, 0.6), (0.4, 0.004, 0.3), 20, 3), c("#c87a6a"), gloss=0.0)
    plant(b, -3.1, -2.1, rng, 1.2)
    ceiling_shade(b, lights, 0.2, 0.0, s.height)


def living_room(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A living room: a sofa facing the camera, coffee table, armchair, TV, bookshelf, floor lamp."""
    s = Shell(wall="#e4d8c0", side="#d4c6aa", floor="#8a6040")
    wx, _ = mark("living room", "window")
    dx, _ = mark("living room", "door")
    shell(b, s, windows=[hole(wx, 0.7, 0.9, 2.2)], doors=[hole(dx + 0.35, 0.45, 0.0, 2.1)])
    sx, sz = mark("living room", "sofa")
    sofa(b, sx, sz - 0.15, 1.0, "#4a6a8a")
    b.add(box((0.55, 0.02, 0.3), (sx, 0.4, sz + 0.85)), c("#5a3a24"), gloss=0.5)
    for dx_ in (-0.5, 0.5):
        b.add(box((0.02, 0.19, 0.25), (sx + dx_, 0.19, sz + 0.85)), c("#4a3020"), gloss=0.3)
    vase(b, sx + 0.25, 0.42, sz + 0.85, "#c8604a")
    ax, az = mark("living room", "armchair")
    sofa(b, ax, az - 0.1, 0.5, "#8a4a3a")
    tx, _ = mark("living room", "tv")
    tvx = tx + 0.1
    b.add(box((0.7, 0.25, 0.2), (tvx, 0.25, s.back + 0.22)), c("#3a2a20"), gloss=0.3)
    b.add(box((0.6, 0.35, 0.03), (tvx, 0.92, s.back + 0.18)), c("#151518"), gloss=0.9)
    b.add(box((0.56, 0.31, 0.005), (tvx, 0.92, s.back + 0.215)), c("#2a3a5a"), gloss=0.9, emissive=0.8)
    bookshelf(b, -0.2, s.back + 0.17, 0.5, 1.9, rng)
    b.add(ellipsoid((1.4, 0.005, 0.8), (0, 0.004, -0.3), 24, 3), c("#b89a6a"), gloss=0.0)
    lamp_x = -3.1
    b.add(frustum(0.15, 0.15, 0.03, 12).transformed(translate(lamp_x, 0, -0.6)), c("#2a2a2a"), gloss=0.4)
    b.add(frustum(0.015, 0.015, 1.45, 6).transformed(translate(lamp_x, 0, -0.6)), c("#2a2a2a"), gloss=0.4)
    b.add(frustum(0.22, 0.14, 0.3, 14, caps=False).transformed(translate(lamp_x, 1.4, -0.6)), c("#f4e4c0"), gloss=0.1, emissive=1.0)
    lights.append(PointLight((lamp_x, 1.5, -0.6), (1.8, 1.2, 0.6), 5.0))
    picture(b, sx + 1.3, 1.7, s.back, 0.35, 0.45, "#6a9a7a")
    plant(b, 3.1, -1.0, rng, 1.3)
    ceiling_shade(b, lights, 0.0, 0.5, s.height)


def kitchen(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A kitchen: base and wall cabinets along the back, stove and hood, sink under the window, a
    small table with a stool, a tiled splashback and a hanging lamp."""
    s = Shell(wall="#e8e4d8", side="#d8d2c0", floor="#d8d4cc", floor_kind="tiles", tile="#3a4a5a")
    wx, _ = mark("kitchen", "window")
    shell(b, s, windows=[hole(wx, 0.55, 1.25, 2.15)], doors=[hole(-3.0, 0.4, 0.0, 2.1)])
    for k in range(int(6.8 / 0.15)):
        b.add(box((0.07, 0.3, 0.005), (-3.4 + 0.15 * k + 0.075, 1.2, s.back + 0.01)), c("#f4f4f0" if k % 2 else "#cfe0e8"), gloss=0.6)
    x0, x1 = -2.5, 3.4
    b.add(box(((x1 - x0) / 2, 0.43, 0.3), ((x0 + x1) / 2, 0.45, s.back + 0.3)), c("#6a8aa0"), gloss=0.2)
    b.add(box(((x1 - x0) / 2 + 0.02, 0.02, 0.32), ((x0 + x1) / 2, 0.9, s.back + 0.31)), c("#e8e0d0"), gloss=0.6)
    for k in range(int((x1 - x0) / 0.6)):
        b.add(box((0.28, 0.38, 0.005), (x0 + 0.3 + 0.6 * k, 0.45, s.back + 0.605)), c("#7a9ab0"), gloss=0.3)
    for x in (-2.2, 2.2):
        b.add(box((0.85, 0.35, 0.17), (x + (0.3 if x > 0 else 0.0), 2.05, s.back + 0.17)), c("#7a9ab0"), gloss=0.2)
    kx, _ = mark("kitchen", "stove")
    b.add(box((0.3, 0.005, 0.25), (kx, 0.925, s.back + 0.31)), c("#202020"), gloss=0.8)
    for dx in (-0.14, 0.14):
        b.add(frustum(0.08, 0.08, 0.01, 12).transformed(translate(kx + dx, 0.93, s.back + 0.31)), c("#3a3a3a"), gloss=0.6)
    b.add(frustum(0.12, 0.12, 0.14, 14).transformed(translate(kx - 0.14, 0.94, s.back + 0.31)), c("#b8b8c0"), gloss=0.9)
    b.add(box((0.35, 0.2, 0.25), (kx, 1.95, s.back + 0.25)), c("#b8b8c0"), gloss=0.7)
    nx, _ = mark("kitchen", "sink")
    b.add(box((0.3, 0.01, 0.18), (nx, 0.935, s.back + 0.3)), c("#a8acb4"), gloss=0.9)
    b.add(frustum(0.015, 0.015, 0.25, 6).transformed(translate(nx, 0.92, s.back + 0.1)), c("#c0c0c8"), gloss=0.9)
    b.add(box((0.012, 0.012, 0.1), (nx, 1.17, s.back + 0.18)), c("#c0c0c8"), gloss=0.9)
    b.add(box((0.32, 0.8, 0.3), (-2.95, 0.8, s.back + 0.32)), c("#e8e8ec"), gloss=0.5)
    tx, tz = mark("kitchen", "table")
    table(b, tx, tz - 0.05, 0.5, 0.35, 0.9, "#c8a070")
    for i, fruit in enumerate(("#d83a2a", "#e8a020", "#6aa030")):
        b.add(sphere(8, 6).transformed(translate(tx - 0.1 + 0.08 * i, 0.93, tz) @ np.diag((0.045, 0.045, 0.045, 1))), c(fruit), gloss=0.5)
    stool(b, *mark("kitchen", "stool"), 0.62)
    pendant(b, lights, tx, tz, s.height, 0.9)
    pendant(b, lights, kx + 1.0, -1.3, s.height, 0.7)
    b.add(quad(0.6, 0.3, (0.3, 0.003, -0.6)), c("#8a5a3a"), gloss=0.0)


BUILDERS = {"room": room, "bedroom": bedroom, "living room": living_room, "kitchen": kitchen}
