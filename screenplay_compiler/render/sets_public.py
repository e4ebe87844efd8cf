"""Public interiors: a cafe, an office, a classroom, a hospital room, a shop, a library and a
theatre stage. Each builder is ``(builder, lights, rng)``; walls come from ``sets_props.shell``."""

from __future__ import annotations

import math

import numpy as np

from .geometry import MeshBuilder, box, ellipsoid, frustum, quad, rot_y, sphere, translate
from .lighting import PointLight
from .sets_props import (
    FACING_Z,
    SKY_PANE,
    Shell,
    bookshelf,
    c,
    chair,
    counter,
    cup,
    hole,
    mark,
    panel_light,
    pendant,
    plant,
    shell,
    stool,
    table,
    table_lamp,
)


def cafe(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A cafe: a counter with an espresso machine and a chalk menu, a big window, a round table."""
    s = Shell(wall="#e8d2b0", side="#d8c09c", floor="#e4d8c4", floor_kind="tiles", tile="#3a3230")
    wx, _ = mark("cafe", "window")
    dx, _ = mark("cafe", "door")
    shell(b, s, windows=[hole(wx, 1.15, 0.8, 2.3)], doors=[hole(dx, 0.45, 0.0, 2.1)])
    b.add(box((3.5, 0.45, 0.01), (0, 0.45, s.back + 0.01)), c("#5a3a26"), gloss=0.3)
    kx, kz = mark("cafe", "counter")
    counter(b, -3.45, kx + 0.9, s.back + 0.3, 1.05, 0.3, "#5a3a26", "#2a2a2a")
    b.add(box((0.3, 0.22, 0.2), (kx - 0.4, 1.27, s.back + 0.25)), c("#b8b8c0"), gloss=0.9)
    b.add(box((0.26, 0.04, 0.02), (kx - 0.4, 1.25, s.back + 0.46)), c("#2a2a2a"), gloss=0.5)
    for i in range(4):
        cup(b, kx + 0.2 + 0.15 * i, 1.05, s.back + 0.3)
    b.add(box((0.8, 0.45, 0.02), (kx - 0.2, 1.95, s.back + 0.02)), c("#5a3a26"), gloss=0.2)
    b.add(box((0.75, 0.4, 0.01), (kx - 0.2, 1.95, s.back + 0.04)), c("#22282a"), gloss=0.1)
    for k in range(5):
        b.add(box((0.25 + 0.1 * (k % 2), 0.012, 0.005), (kx - 0.35, 2.2 - 0.1 * k, s.back + 0.05)), c("#e8e4d8"), gloss=0.0)
    for x in (kx - 0.5, kx + 0.5):
        pendant(b, lights, x, s.back + 0.5, s.height, 0.7, shade_color="#2a4a3a")
    tx, tz = mark("cafe", "table")
    tz -= 0.55
    b.add(frustum(0.45, 0.45, 0.03, 20).transformed(translate(tx, 0.72, tz)), c("#e8e4dc"), gloss=0.6)
    b.add(frustum(0.03, 0.03, 0.72, 8).transformed(translate(tx, 0, tz)), c("#2a2a2a"), gloss=0.6)
    b.add(frustum(0.22, 0.2, 0.02, 14).transformed(translate(tx, 0, tz)), c("#2a2a2a"), gloss=0.6)
    cup(b, tx - 0.15, 0.75, tz + 0.1)
    cup(b, tx + 0.18, 0.75, tz - 0.05, "#d8c0a0")
    chair(b, *mark("cafe", "chair"), 0.46, "#3a2a20")
    plant(b, 3.1, -1.9, rng, 1.3, "#e8e4dc")
    pendant(b, lights, tx, tz, s.height, 0.9, shade_color="#2a4a3a")


def office(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """An office: a desk with a monitor and a swivel chair, filing cabinets, a water cooler,
    a wide window, a whiteboard and fluorescent panels."""
    s = Shell(wall="#dcdcd4", side="#ccccc4", floor="#7a8490", floor_kind="carpet", trim="#8a8a8a", ceiling="#f0f0ec")
    wx, _ = mark("office", "window")
    shell(b, s, windows=[hole(wx - 0.25, 0.95, 0.85, 2.3)], doors=[hole(mark("office", "door")[0] + 0.6, 0.45, 0.0, 2.1)])
    dx, dz = mark("office", "desk")
    dz -= 0.55
    table(b, dx, dz, 0.75, 0.38, 0.74, "#c8b89a")
    mx = dx - 0.45
    b.add(box((0.28, 0.18, 0.015), (mx, 1.02, dz - 0.2)), c("#1a1a1e"), gloss=0.8)
    b.add(box((0.26, 0.16, 0.005), (mx, 1.02, dz - 0.183)), c("#3a5a7a"), gloss=0.9, emissive=0.7)
    b.add(box((0.03, 0.07, 0.03), (mx, 0.8, dz - 0.2)), c("#2a2a2a"))
    b.add(box((0.22, 0.01, 0.07), (mx, 0.745, dz + 0.05)), c("#2a2a2a"), gloss=0.4)
    for k in range(3):
        b.add(box((0.15, 0.01 + 0.005 * k, 0.11), (dx + 0.15, 0.75 + 0.015 * k, dz + 0.05)), c("#f4f4f0"), gloss=0.1)
    table_lamp(b, lights, dx + 0.6, 0.74, dz - 0.2, "#e8e8e0")
    swivel(b, *mark("office", "chair"))
    for x in (-3.1, -2.55):
        b.add(box((0.26, 0.65, 0.3), (x, 0.65, s.back + 0.31)), c("#8a9098"), gloss=0.5)
        for k in range(3):
            b.add(box((0.08, 0.01, 0.01), (x, 0.35 + 0.4 * k, s.back + 0.62)), c("#3a3a3a"), gloss=0.6)
    cx, _ = mark("office", "cooler")
    b.add(box((0.16, 0.5, 0.16), (cx, 0.5, s.back + 0.2)), c("#e8e8ec"), gloss=0.4)
    b.add(frustum(0.14, 0.14, 0.38, 14).transformed(translate(cx, 1.0, s.back + 0.2)), c("#8ac0e8"), gloss=0.9)
    b.add(box((0.6, 0.4, 0.02), (-0.2 - 0.9, 1.6, s.back + 0.02)), c("#f8f8f8"), gloss=0.5)
    for k in range(3):
        b.add(box((0.3 - 0.06 * k, 0.01, 0.005), (-1.2, 1.75 - 0.12 * k, s.back + 0.045)), c(("#2a4ab0", "#c83a2a", "#2a8a4a")[k]))
    plant(b, 3.1, -0.5, rng, 1.6, "#e8e8e8")
    panel_light(b, lights, -1.2, -0.6, s.height)
    panel_light(b, lights, 1.4, -0.6, s.height)


def swivel(b: MeshBuilder, x: float, z: float, seat: float = 0.48) -> None:
    """An office chair facing +z: a five-star base, a post, a padded seat and back."""
    for k in range(5):
        b.add(box((0.02, 0.02, 0.28), (0, 0.05, 0.14)).transformed(translate(x, 0, z) @ rot_y(k * 2 * math.pi / 5)), c("#2a2a2a"), gloss=0.5)
    b.add(frustum(0.025, 0.025, seat - 0.08, 8).transformed(translate(x, 0.05, z)), c("#5a5a5a"), gloss=0.8)
    b.add(box((0.24, 0.04, 0.23), (x, seat - 0.04, z)), c("#2a3040"), gloss=0.1)
    b.add(box((0.22, 0.28, 0.04), (x, seat + 0.36, z - 0.23)), c("#2a3040"), gloss=0.1)


def classroom(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A classroom: a green blackboard with chalk, the teacher's desk, rows of pupils' desks at the
    sides, a clock, windows and fluorescent panels."""
    s = Shell(wall="#e8e0c8", side="#d8d0b4", floor="#b8946a", trim="#6a8a6a")
    shell(b, s, windows=[hole(2.9, 0.45, 0.9, 2.3)], doors=[hole(-3.0, 0.4, 0.0, 2.1)])
    b.add(box((1.5, 0.6, 0.03), (-0.2, 1.5, s.back + 0.03)), c("#6a4a2a"), gloss=0.2)
    b.add(box((1.44, 0.55, 0.01), (-0.2, 1.5, s.back + 0.06)), c("#2a4a3a"), gloss=0.1)
    for k, (x, w) in enumerate(((-0.9, 0.4), (-0.6, 0.55), (0.4, 0.3), (-0.3, 0.5))):
        b.add(box((w / 2, 0.012, 0.005), (x + w / 2, 1.8 - 0.12 * k, s.back + 0.068)), c("#e8e8e0"))
    b.add(box((1.5, 0.02, 0.04), (-0.2, 0.9, s.back + 0.06)), c("#6a4a2a"), gloss=0.2)
    b.add(frustum(0.15, 0.15, 0.02, 16).transformed(translate(1.8, 2.3, s.back + 0.01) @ FACING_Z), c("#f8f8f4"), gloss=0.3)
    tx, tz = mark("classroom", "teacher's desk")
    table(b, tx, tz - 0.25, 0.6, 0.3, 0.76, "#8a6a4a")
    b.add(box((0.55, 0.3, 0.01), (tx, 0.45, tz + 0.06)), c("#7a5a3a"), gloss=0.2)
    for k in range(3):
        b.add(box((0.1, 0.02, 0.14), (tx - 0.3 + 0.12 * k, 0.77 + 0.02 * k, tz - 0.25)), c(("#c83a2a", "#2a6ab0", "#e8c030")[k]), gloss=0.2)
    px, pz = mark("classroom", "desk")
    chx, chz = mark("classroom", "chair")
    pupil_desk(b, px, pz)
    chair(b, chx, chz, 0.44, "#4a6a8a", math.pi)
    for x, z in ((-2.9, 0.2), (-2.9, 1.2), (3.1, 0.2), (3.1, 1.2)):
        pupil_desk(b, x, z)
    for z in (-0.8, 0.8):
        panel_light(b, lights, 0.0, z, s.height, 0.8, 0.12)


def pupil_desk(b: MeshBuilder, x: float, z: float) -> None:
    """A pupil's desk: a light top on a steel frame."""
    b.add(box((0.35, 0.02, 0.22), (x, 0.72, z)), c("#d8c098"), gloss=0.3)
    for sx in (-0.3, 0.3):
        b.add(box((0.015, 0.35, 0.18), (x + sx, 0.35, z)), c("#5a6a7a"), gloss=0.5)


def hospital(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A hospital room: a bed with rails, a drip stand and a monitor, a visitor's chair, a curtain."""
    s = Shell(wall="#dce8e4", side="#cadad4", floor="#c8ccc8", floor_kind="tiles", tile="#b8c0bc", trim="#8aa8a0", ceiling="#f4f8f6")
    wx, _ = mark("hospital", "window")
    dx, _ = mark("hospital", "door")
    shell(b, s, windows=[hole(wx, 0.7, 0.9, 2.2)], doors=[hole(dx - 0.3, 0.5, 0.0, 2.15)])
    bx, bz = mark("hospital", "bed")
    bz -= 0.35
    b.add(box((0.48, 0.06, 1.0), (bx, 0.5, bz)), c("#8a9098"), gloss=0.6)
    legs(b, bx, bz, 0.42, 0.92, 0.47)
    b.add(box((0.46, 0.06, 0.98), (bx, 0.59, bz)), c("#f4f8fa"), gloss=0.05)
    b.add(box((0.47, 0.04, 0.6), (bx, 0.66, bz + 0.35)), c("#8ab0d0"), gloss=0.05)
    b.add(ellipsoid((0.3, 0.07, 0.16), (bx, 0.7, bz - 0.75), 10, 5), c("#ffffff"), gloss=0.05)
    b.add(box((0.48, 0.3, 0.03), (bx, 0.85, bz - 1.0)), c("#c8ccd0"), gloss=0.5)
    for sx in (-1, 1):
        b.add(box((0.01, 0.08, 0.5), (bx + sx * 0.5, 0.75, bz - 0.2)), c("#c8ccd0"), gloss=0.8)
    mx, _ = mark("hospital", "monitor")
    b.add(frustum(0.015, 0.015, 1.9, 6).transformed(translate(mx - 0.5, 0, s.back + 0.45)), c("#b8bcc0"), gloss=0.8)
    b.add(box((0.09, 0.13, 0.03), (mx - 0.5, 1.65, s.back + 0.45)), c("#d8eef8"), gloss=0.9)
    b.add(box((0.2, 0.15, 0.1), (mx + 0.1, 1.5, s.back + 0.1)), c("#2a2e34"), gloss=0.5)
    b.add(box((0.17, 0.12, 0.005), (mx + 0.1, 1.5, s.back + 0.2)), c("#1a3a2a"), gloss=0.9, emissive=1.0)
    b.add(box((0.13, 0.005, 0.003), (mx + 0.1, 1.52, s.back + 0.205)), c("#40e060"), emissive=1.0)
    chair(b, *mark("hospital", "chair"), 0.46, "#6a8aa0", -0.4)
    b.add(box((0.25, 0.3, 0.2), (bx + 0.8, 0.3, s.back + 0.22)), c("#e8e4dc"), gloss=0.3)
    vx = bx + 0.8
    b.add(frustum(0.05, 0.06, 0.2, 10).transformed(translate(vx, 0.6, s.back + 0.22)), c("#e8e8f0"), gloss=0.6)
    for k in range(6):
        b.add(box((0.09, 1.0, 0.03), (3.1 + (k % 2) * 0.02, 1.25, -1.8 + 0.17 * k)), c("#a8c8c0", 0.95 + 0.05 * (k % 2)), gloss=0.05)
    b.add(box((0.02, 0.02, 0.6), (3.15, 2.3, -1.4)), c("#b8b8b8"), gloss=0.8)
    panel_light(b, lights, -0.5, -0.8, s.height)
    panel_light(b, lights, 1.2, 0.6, s.height)


def legs(b: MeshBuilder, x: float, z: float, hx: float, hz: float, height: float) -> None:
    """Four thin steel legs with castors."""
    for sx in (-hx, hx):
        for sz in (-hz, hz):
            b.add(frustum(0.015, 0.015, height, 6).transformed(translate(x + sx, 0.03, z + sz)), c("#a8acb0"), gloss=0.8)
            b.add(sphere(6, 4).transformed(translate(x + sx, 0.03, z + sz) @ np.diag((0.03, 0.03, 0.03, 1))), c("#2a2a2a"))


def shop(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A corner shop: shelves of goods along the back, a counter with a till, a fridge, a door."""
    s = Shell(wall="#f0ece0", side="#e0dccc", floor="#d0ccc4", floor_kind="tiles", tile="#a8a49c", ceiling="#f8f8f4")
    shell(b, s, windows=[hole(-0.4, 0.5, 1.0, 2.2)], doors=[])
    for x in (-0.1, 1.35, 2.8):
        goods_shelf(b, x, s.back + 0.3, rng)
    kx, kz = mark("shop", "counter")
    counter(b, kx - 1.1, kx + 0.7, kz - 0.45, 0.95, 0.3, "#3a5a8a", "#e8e4dc")
    rx, _ = mark("shop", "register")
    b.add(box((0.18, 0.1, 0.15), (rx + 0.2, 1.05, kz - 0.45)), c("#2a2a30"), gloss=0.6)
    b.add(box((0.14, 0.06, 0.01), (rx + 0.2, 1.2, kz - 0.52)), c("#60e0a0"), emissive=1.0)
    for i in range(5):
        b.add(box((0.04, 0.08, 0.04), (kx - 0.2 + 0.1 * i, 1.03, kz - 0.4)), c(("#e8302a", "#f0c020", "#30a0e0")[i % 3]), gloss=0.6)
    b.add(box((0.35, 1.0, 0.3), (-3.1, 1.0, s.back + 0.32)), c("#d8dce4"), gloss=0.6)
    b.add(box((0.3, 0.85, 0.005), (-3.1, 1.05, s.back + 0.625)), c("#aadcf0"), gloss=1.0, emissive=0.6)
    for k in range(4):
        for j in range(5):
            b.add(box((0.025, 0.08, 0.025), (-3.3 + 0.1 * j, 0.45 + 0.28 * k, s.back + 0.5)),
                  c(("#e8302a", "#30a050", "#f0c020", "#2a6ae0")[(j + k) % 4]), gloss=0.6)
    b.add(box((0.05, 1.05, 0.45), (3.45, 1.05, mark("shop", "door")[1])), c("#5a7a9a"), gloss=0.3)
    b.add(box((0.02, 0.8, 0.3), (3.41, 1.2, mark("shop", "door")[1])), c("#aadcf0"), gloss=1.0, emissive=SKY_PANE)
    b.add(box((1.2, 0.15, 0.02), (1.3, 2.45, s.back + 0.02)), c("#c8302a"), gloss=0.3, emissive=0.5)
    for x in (-1.6, 1.2):
        panel_light(b, lights, x, -0.4, s.height, 0.7, 0.12)


def goods_shelf(b: MeshBuilder, x: float, z: float, rng: np.random.Generator) -> None:
    """A metal shelf unit of packets, tins and bottles."""
    b.add(box((0.65, 1.0, 0.02), (x, 1.0, z - 0.28)), c("#b8bcc4"), gloss=0.4)
    for k in range(5):
        y = 0.1 + 0.42 * k
        b.add(box((0.65, 0.012, 0.28), (x, y, z)), c("#c8ccd4"), gloss=0.5)
        if k == 4:
            break
        gx = x - 0.6
        while gx < x + 0.55:
            w = float(rng.uniform(0.04, 0.09))
            h = float(rng.uniform(0.12, 0.3))
            color = ("#e8302a", "#30a050", "#f0c020", "#2a6ae0", "#f08030", "#e8e4dc", "#8a3a8a")[int(rng.integers(7))]
            if rng.random() < 0.3:
                b.add(frustum(w * 0.6, w * 0.6, h, 8).transformed(translate(gx + w, y + 0.012, z)), c(color), gloss=0.6)
            else:
                b.add(box((w, h / 2, 0.1), (gx + w, y + 0.012 + h / 2, z)), c(color), gloss=0.3)
            gx += 2 * w + 0.01


def library(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A library: floor-to-ceiling shelves, a reading table with a green banker's lamp, a chair."""
    s = Shell(wall="#b89a74", side="#a88a64", floor="#7a4a30", height=3.2, trim="#4a3020", ceiling="#d8c8a8")
    shell(b, s, windows=[hole(mark("library", "window")[0], 0.4, 1.1, 2.8)], doors=[])
    for x in (-2.55, -1.0, 1.4, 2.8):
        bookshelf(b, x, s.back + 0.2, 0.6 if abs(x) > 2 else 0.55, 2.9, rng, "#4a2e1a", 0.2)
    for sx in (-1, 1):
        b.add(box((0.2, 1.45, 1.6), (sx * 3.3, 1.45, -0.6)), c("#4a2e1a"), gloss=0.2)
        for k in range(6):
            b.add(box((0.16, 0.12, 1.5), (sx * 3.3, 0.2 + 0.47 * k, -0.6)), c(("#7a2a2a", "#2a4a6a", "#3a5a3a")[k % 3], 0.9), gloss=0.2)
    tx, tz = mark("library", "reading table")
    tz -= 0.6
    table(b, tx, tz, 0.75, 0.4, 0.76, "#5a3420")
    lx = tx + 0.5
    b.add(frustum(0.05, 0.04, 0.02, 10).transformed(translate(lx, 0.76, tz - 0.15)), c("#c8a040"), gloss=0.8)
    b.add(frustum(0.01, 0.01, 0.3, 6).transformed(translate(lx, 0.76, tz - 0.15)), c("#c8a040"), gloss=0.8)
    b.add(ellipsoid((0.16, 0.05, 0.08), (lx, 1.08, tz - 0.15), 12, 5), c("#2a7a4a"), gloss=0.9, emissive=0.4)
    lights.append(PointLight((lx, 1.0, tz - 0.05), (1.8, 1.3, 0.6), 4.0))
    for k in range(3):
        b.add(box((0.14, 0.02 + 0.01 * k, 0.1), (tx - 0.3, 0.775 + 0.03 * k, tz + 0.05)), c(("#7a2a2a", "#2a4a6a", "#d8c8a0")[k]), gloss=0.2)
    b.add(box((0.2, 0.005, 0.14), (tx + 0.1, 0.765, tz + 0.1)), c("#f4ecd8"), gloss=0.05)
    chair(b, *mark("library", "chair"), 0.46, "#4a2a18")
    b.add(quad(1.4, 0.9, (0.2, 0.003, 0.2), 4), c("#7a2a2a"), gloss=0.0)
    pendant(b, lights, -1.2, -0.2, s.height, 0.9, shade_color="#c8a040")
    pendant(b, lights, 1.2, 0.6, s.height, 0.9, shade_color="#c8a040")


def stage(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A theatre stage: a raised wooden floor, red curtains and a proscenium, spotlights, a mic."""
    deck, back = 0.0, -2.6
    for i in range(16):
        b.add(quad(0.25 - 0.004, 3.3, (-3.75 + 0.5 * i + 0.25 - 0.25, deck, 0.6), (1, 10)),
              c("#6a4a32", 0.85 + 0.15 * ((i * 5) % 3) / 2), gloss=0.3)
    b.add(quad(4.0, 3.3, (0, -0.004, 0.6)), c("#2a1a10"), gloss=0.0)
    b.add(box((4.0, 0.45, 0.05), (0, -0.45, 3.9)), c("#1a1a1a"), gloss=0.1)
    b.add(quad(30, 20, (0, -0.9, 24), 4), c("#3a1a1a"), gloss=0.0)
    for k in range(28):
        x = -4.0 + k * 0.3
        b.add(box((0.16, 1.7, 0.08), (x, 1.7, back - 0.05 - 0.06 * (k % 2))), c("#8a1a22", 0.85 + 0.15 * (k % 2)), gloss=0.15)
    for sx in (-1, 1):
        for k in range(5):
            b.add(box((0.16, 2.0, 0.08), (sx * (3.3 + 0.28 * k), 2.0, 2.6 - 0.08 * (k % 2))), c("#9a1a24", 0.85 + 0.15 * (k % 2)), gloss=0.15)
        b.add(box((0.2, 2.2, 0.4), (sx * 4.75, 2.2, 2.9)), c("#c8a040"), gloss=0.5)
    b.add(box((4.9, 0.4, 0.3), (0, 4.2, 2.9)), c("#c8a040"), gloss=0.5)
    b.add(box((4.0, 0.3, 0.1), (0, 3.55, 2.6)), c("#8a1a22"), gloss=0.15)
    b.add(box((4.5, 0.02, 4.5), (0, 4.6, 0)), c("#101010"), gloss=0.0)
    for sx in (-1, 1):
        b.add(box((0.05, 2.3, 2.8), (sx * 4.2, 2.3, 0.1)), c("#141214"), gloss=0.0)
    mx, mz = mark("stage", "microphone")
    b.add(frustum(0.13, 0.1, 0.02, 12).transformed(translate(mx + 0.35, 0, mz - 0.3)), c("#1a1a1a"), gloss=0.6)
    b.add(frustum(0.012, 0.012, 1.45, 6).transformed(translate(mx + 0.35, 0, mz - 0.3)), c("#2a2a2a"), gloss=0.8)
    b.add(ellipsoid((0.03, 0.05, 0.03), (mx + 0.35, 1.5, mz - 0.27), 8, 5), c("#6a6a6a"), gloss=0.8)
    stool(b, *mark("stage", "stool"), 0.7, "#2a2a2a", "#2a2a2a")
    for k, x in enumerate((-2.5, 0.0, 2.5)):
        spot = (x, 4.2, 1.8)
        b.add(frustum(0.12, 0.16, 0.3, 10).transformed(translate(*spot)), c("#1a1a1a"), gloss=0.4)
        b.add(frustum(0.15, 0.15, 0.01, 10).transformed(translate(spot[0], spot[1] - 0.01, spot[2])), c("#fff4d8"), emissive=1.0)
        lights.append(PointLight((x, 3.6, 0.8), (2.6, 2.1, 1.5) if k != 1 else (3.0, 2.6, 2.0), 7.0))
    b.add(box((4.4, 0.05, 0.1), (0, 4.35, 1.8)), c("#2a2a2a"), gloss=0.4)
    lights.append(PointLight((0.0, 1.5, -2.3), (0.6, 0.3, 0.9), 4.0))


BUILDERS = {"cafe": cafe, "office": office, "classroom": classroom, "hospital": hospital, "shop": shop,
            "library": library, "stage": stage}
