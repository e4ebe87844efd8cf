"""Vehicles: a train carriage, an open car seen through its windscreen, and a spaceship bridge.
Each builder is ``(builder, lights, rng)`` and draws around its marks."""

from __future__ import annotations

import math

import numpy as np

from .geometry import MeshBuilder, box, ellipsoid, frustum, quad, rot_x, rot_z, sphere, torus, translate
from .lighting import PointLight
from .sets_props import COOL, c, hills, lamp_post, mark, tree, wall_pieces

ALONG_X = rot_z(-math.pi / 2)  # a lathe's +y axis turned to +x (a rail, an axle)


def train(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A commuter carriage: a window wall with bench seats facing the aisle, a sliding door,
    grab rails and light strips; fields and poles outside the windows."""
    back, top, w = -1.6, 2.3, 3.2
    b.add(quad(w, 2.4, (0, 0, 0.8), (16, 8)), c("#6a7480"), gloss=0.2)
    for k in range(-6, 7):
        b.add(box((0.005, 0.002, 2.4), (k * 0.5, 0.002, 0.8)), c("#5a626c"), gloss=0.1)
    dx, _ = mark("train", "door")
    windows = [(x - 0.7, x + 0.7, 0.95, 1.85) for x in (-2.2, -0.35)]
    door = (dx - 0.5, dx + 0.5, 0.0, 2.05)
    for x0, x1, y0, y1 in wall_pieces(-w, w, top, (*windows, door)):
        b.add(box(((x1 - x0) / 2, (y1 - y0) / 2, 0.06), ((x0 + x1) / 2, (y0 + y1) / 2, back - 0.06)), c("#e8e4d8"), gloss=0.2)
    for x0, x1, y0, y1 in windows:
        rim(b, x0, x1, y0, y1, back)
    b.add(box((0.48, 1.0, 0.02), (dx - 0.25, 1.02, back - 0.14)), c("#b8bcc4"), gloss=0.6)
    b.add(box((0.3, 0.45, 0.01), (dx - 0.25, 1.4, back - 0.12)), c("#2a3440"), gloss=1.0)
    b.add(box((0.52, 0.04, 0.06), (dx, 2.07, back - 0.02)), c("#e8c020"), gloss=0.3)
    sx, sz = mark("train", "seat")
    for x in (sx, sx + 1.8):
        bench_seat(b, x, sz, 0.85 if x == sx else 0.55)
    b.add(box((w, 0.03, 1.3), (0, top, 0.1)), c("#f0ece4"), gloss=0.1)
    b.add(box((w, 0.15, 0.03), (0, top - 0.15, back + 0.05)), c("#d0ccc4"), gloss=0.2)
    for k in range(3):
        b.add(box((0.8, 0.012, 0.1), (-2.2 + 2.2 * k, top - 0.02, -0.3)), c("#f4f8ff"), gloss=0.1, emissive=1.0)
    b.add(frustum(0.015, 0.015, 2 * w, 8).transformed(translate(-w, 1.95, -0.9) @ ALONG_X), c("#c8ccd4"), gloss=0.9)
    for k in range(9):
        x = -2.8 + 0.7 * k
        b.add(frustum(0.008, 0.008, 0.12, 4).transformed(translate(x, 1.83, -0.9)), c("#c8ccd4"), gloss=0.9)
        b.add(torus(0.05, 0.008, 10, 4).transformed(translate(x, 1.8, -0.9) @ rot_x(math.pi / 2)), c("#f0f0f0"), gloss=0.4)
    for sx_ in (-1, 1):
        b.add(box((0.06, top / 2, 1.3), (sx_ * (w + 0.06), top / 2, -0.3)), c("#d8d4c8"), gloss=0.2)
    b.add(box((0.02, 0.25, 0.6), (-w + 0.03, 1.9, -0.5)), c("#1a1a1a"), gloss=0.5)
    b.add(box((0.01, 0.06, 0.5), (-w + 0.045, 1.9, -0.5)), c("#f08020"), emissive=1.0)
    lights.append(PointLight((-1.0, top - 0.3, -0.6), COOL, 6.0))
    lights.append(PointLight((1.5, top - 0.3, -0.6), COOL, 6.0))
    outside(b, rng)


def rim(b: MeshBuilder, x0: float, x1: float, y0: float, y1: float, back: float) -> None:
    """A rounded grey rubber window rim."""
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    for x, y, hx, hy in ((x0, cy, 0.03, (y1 - y0) / 2), (x1, cy, 0.03, (y1 - y0) / 2), (cx, y0, (x1 - x0) / 2, 0.03), (cx, y1, (x1 - x0) / 2, 0.03)):
        b.add(box((hx, hy, 0.08), (x, y, back - 0.06)), c("#5a5e66"), gloss=0.4)


def bench_seat(b: MeshBuilder, x: float, z: float, half_width: float) -> None:
    """A moquette bench seat along the window wall, facing the aisle (+z)."""
    b.add(box((half_width, 0.2, 0.25), (x, 0.22, z - 0.05)), c("#3a4a6a"), gloss=0.1)
    b.add(box((half_width, 0.04, 0.26), (x, 0.44, z - 0.04)), c("#2a5a9a"), gloss=0.05)
    b.add(box((half_width, 0.3, 0.05), (x, 0.78, z - 0.3)), c("#2a5a9a"), gloss=0.05)
    for k in range(int(half_width * 2 / 0.25)):
        b.add(box((0.005, 0.28, 0.005), (x - half_width + 0.25 * (k + 1), 0.78, z - 0.245)), c("#1e4a80"))


def outside(b: MeshBuilder, rng: np.random.Generator) -> None:
    """The countryside seen through a carriage's windows: fields, poles, trees, hills."""
    b.add(quad(80, 30, (0, -0.6, -32), (8, 4)), c("#7a9a4a"), gloss=0.02)
    for k in range(8):
        x = -14 + 4 * k
        b.add(frustum(0.06, 0.05, 5.0, 6).transformed(translate(x, -0.6, -4.5)), c("#5a4a3a"), gloss=0.05)
    b.add(box((16, 0.01, 0.01), (0, 4.0, -4.5)), c("#222222"))
    for _ in range(10):
        tree(b, float(rng.uniform(-25, 25)), float(rng.uniform(-30, -10)), float(rng.uniform(1.2, 2.0)), rng)
    hills(b, rng, "#5a7a5e", 6, 60.0)


def car(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """An open-top car facing the camera, seen through its windscreen: bonnet, dashboard and wheel,
    front seats and the back bench; a roadside with a lamp behind."""
    paint = "#8e2a30"
    b.add(quad(20, 12, (0, 0, -4), (20, 12)), c("#4a4a4e"), gloss=0.15)
    b.add(quad(20, 3, (0, 0.005, 5.5), (10, 3)), c("#4a4a4e"), gloss=0.15)
    for z in (-3.8, 3.0):
        for k in range(-6, 7):
            b.add(box((0.6, 0.003, 0.06), (k * 2.0, 0.004, z)), c("#e8e4d8"), gloss=0.1)
    body = (-0.9, 0.9, -1.9, 1.6)
    b.add(box((0.9, 0.3, 1.75), (0, 0.55, -0.15)), c(paint), gloss=0.7)
    for sx in (-1, 1):
        b.add(box((0.06, 0.18, 1.7), (sx * 0.86, 1.0, -0.6)), c(paint), gloss=0.7)
        b.add(box((0.04, 0.02, 1.7), (sx * 0.86, 1.19, -0.6)), c("#c8c8d0"), gloss=0.9)
        for z in (-1.3, 1.05):
            b.add(torus(0.26, 0.1, 16, 6).transformed(translate(sx * 0.86, 0.34, z) @ ALONG_X), c("#1a1a1a"), gloss=0.2)
            b.add(frustum(0.2, 0.2, 0.12, 12).transformed(translate(sx * 0.8, 0.34, z) @ ALONG_X), c("#b8b8c0"), gloss=0.9)
    b.add(box((0.9, 0.06, 0.45), (0, 0.86, 1.15)), c(paint), gloss=0.8)
    b.add(box((0.94, 0.08, 0.08), (0, 0.5, body[3])), c("#c8c8d0"), gloss=0.9)
    for sx in (-1, 1):
        b.add(sphere(10, 6).transformed(translate(sx * 0.6, 0.72, body[3] - 0.05) @ np.diag((0.12, 0.1, 0.08, 1))),
              c("#fff8e0"), 0.9, emissive=1.0)
    b.add(box((0.35, 0.1, 0.02), (0, 0.65, body[3] + 0.01)), c("#2a2a2a"), gloss=0.5)
    b.add(box((0.9, 0.3, 0.1), (0, 0.62, -1.95)), c(paint, 0.9), gloss=0.7)
    for sx in (-1, 1):
        b.add(box((0.1, 0.04, 0.02), (sx * 0.6, 0.82, -2.06)), c("#e02020"), gloss=0.4, emissive=1.0)
    dash_z = 0.62
    b.add(box((0.85, 0.14, 0.14), (0, 0.92, dash_z)), c("#2a2a2e"), gloss=0.3)
    b.add(box((0.2, 0.05, 0.01), (-0.4, 0.95, dash_z - 0.145)), c("#60c0ff"), emissive=1.0)
    b.add(box((0.12, 0.04, 0.01), (0.15, 0.95, dash_z - 0.145)), c("#ffb040"), emissive=1.0)
    for sx in (-1, 1):
        b.add(box((0.02, 0.25, 0.02), (sx * 0.84, 1.26, dash_z + 0.1)), c("#c8c8d0"), gloss=0.9)
    b.add(box((0.86, 0.02, 0.02), (0, 1.5, dash_z + 0.1)), c("#c8c8d0"), gloss=0.9)
    dx, dz = mark("car", "driver")
    b.add(torus(0.16, 0.015, 16, 4).transformed(translate(dx, 1.0, dz + 0.42) @ rot_x(math.pi / 2 - 0.4)), c("#1a1a1a"), gloss=0.4)
    b.add(frustum(0.02, 0.02, 0.25, 6).transformed(translate(dx, 0.9, dz + 0.6) @ rot_x(-1.0)), c("#1a1a1a"), gloss=0.4)
    for name in ("driver", "passenger"):
        sx, sz = mark("car", name)
        car_seat(b, sx, sz, 0.22)
    bx, bz = mark("car", "back seat")
    car_seat(b, bx, bz, 0.62)
    lamp_post(b, lights, -3.4, -4.2, 4.0)
    for x in (-9.0, -6.0, 4.0, 8.0):
        tree(b, x, -6.5, 1.4, rng)
    b.add(box((12, 0.2, 0.05), (0, 0.55, -4.7)), c("#b8bcc0"), gloss=0.7)
    for k in range(-6, 7):
        b.add(box((0.05, 0.3, 0.05), (2.0 * k, 0.3, -4.75)), c("#8a8e92"), gloss=0.5)
    hills(b, rng, "#5a7a66", 6, 70.0)


def car_seat(b: MeshBuilder, x: float, z: float, half_width: float) -> None:
    """A leather car seat facing +z: cushion at 0.45 m, a raked back and (narrow seats) a headrest."""
    leather = "#4a3426"
    b.add(box((half_width, 0.06, 0.25), (x, 0.39, z - 0.02)), c(leather), gloss=0.5)
    b.add(box((half_width, 0.33, 0.06), (x, 0.75, z - 0.3)).transformed(
        translate(0, 0.75, z - 0.3) @ rot_x(-0.15) @ translate(0, -0.75, -(z - 0.3))), c(leather, 0.9), gloss=0.5)
    if half_width < 0.3:
        b.add(box((0.12, 0.09, 0.05), (x, 1.18, z - 0.38)), c(leather, 0.9), gloss=0.5)


def spaceship(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A starship bridge: a great viewscreen on a starfield and a planet, consoles with glowing
    panels at both sides, a command chair, light strips in a dark metal shell."""
    back, top, w = -2.6, 3.0, 3.6
    for i in range(-7, 8):
        for j in range(-5, 9):
            b.add(quad(0.245, 0.245, (i * 0.5, 0, j * 0.5), 1), c("#3a4048", 0.9 + 0.1 * ((i + j) % 2)), gloss=0.5)
    b.add(quad(w, 3.5, (0, -0.003, 1.0)), c("#15181c"), gloss=0.0)
    screen = (-2.3, 2.3, 0.75, 2.55)
    for x0, x1, y0, y1 in wall_pieces(-w, w, top, (screen,)):
        b.add(box(((x1 - x0) / 2, (y1 - y0) / 2, 0.08), ((x0 + x1) / 2, (y0 + y1) / 2, back - 0.08)), c("#5a626e"), gloss=0.4)
    starfield(b, screen, back - 0.3, rng)
    for x, y, hx, hy in ((screen[0], 1.65, 0.06, 0.95), (screen[1], 1.65, 0.06, 0.95), (0, screen[2], 2.36, 0.06), (0, screen[3], 2.36, 0.06)):
        b.add(box((hx, hy, 0.1), (x, y, back + 0.02)), c("#8a96a8"), gloss=0.6)
    for sx in (-1, 1):
        b.add(box((0.1, top / 2, 3.5), (sx * (w + 0.1), top / 2, 0.9)), c("#4a525e"), gloss=0.4)
        for k in range(3):
            b.add(box((0.01, 1.2, 0.03), (sx * (w - 0.01), 1.4, -1.6 + 1.2 * k)), c("#40c0ff"), gloss=0.2, emissive=1.0)
        console(b, sx * 1.6, -1.75)
    b.add(box((w + 0.2, 0.06, 3.5), (0, top + 0.06, 0.9)), c("#2a2e34"), gloss=0.3)
    for k in range(3):
        b.add(box((2.4, 0.01, 0.04), (0, top - 0.01, -1.4 + 1.1 * k)), c("#c8e8ff"), gloss=0.1, emissive=1.0)
    command_chair(b, *mark("spaceship", "captain's chair"))
    lights.append(PointLight((0.0, top - 0.3, -0.3), (1.3, 1.6, 2.2), 7.0))
    lights.append(PointLight((-1.6, 1.2, -1.4), (0.5, 1.4, 2.2), 3.0))
    lights.append(PointLight((1.6, 1.2, -1.4), (0.5, 1.4, 2.2), 3.0))


def starfield(b: MeshBuilder, screen, z: float, rng: np.random.Generator) -> None:
    """Deep space behind the viewscreen: a dark pane, stars and a ringed planet."""
    x0, x1, y0, y1 = screen
    b.add(box(((x1 - x0) / 2, (y1 - y0) / 2, 0.01), ((x0 + x1) / 2, (y0 + y1) / 2, z)), c("#050a1a"), gloss=0.0)
    for _ in range(70):
        x, y, s = float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1)), float(rng.uniform(0.006, 0.016))
        b.add(box((s, s, 0.002), (x, y, z + 0.015)), c("#f4f8ff"), gloss=0.0, emissive=0.3)
    b.add(ellipsoid((0.45, 0.45, 0.02), (1.2, 1.95, z + 0.05), 20, 10), c("#c87a4a"), gloss=0.2)
    b.add(ellipsoid((0.8, 0.1, 0.005), (1.2, 1.95, z + 0.08), 24, 3).transformed(
        translate(1.2, 1.95, 0) @ rot_z(0.3) @ translate(-1.2, -1.95, 0)),
        c("#e8c8a0"), gloss=0.2)


def console(b: MeshBuilder, x: float, z: float) -> None:
    """A sloped control console with glowing buttons and a screen."""
    b.add(box((0.6, 0.4, 0.25), (x, 0.4, z)), c("#5a626e"), gloss=0.5)
    b.add(box((0.62, 0.03, 0.3), (x, 0.85, z + 0.02)).transformed(
        translate(0, 0.85, z) @ rot_x(0.45) @ translate(0, -0.85, -z)), c("#2a2e36"), gloss=0.6)
    palette = ("#40c0ff", "#ff5040", "#60ff90", "#ffc040")
    for k in range(12):
        bx = x - 0.45 + 0.08 * (k % 12)
        b.add(box((0.025, 0.01, 0.02), (bx, 0.87, z + 0.02)).transformed(
            translate(0, 0.85, z) @ rot_x(0.45) @ translate(0, -0.85, -z)), c(palette[k % 4]), emissive=1.0)
    b.add(box((0.25, 0.15, 0.01), (x + 0.25, 1.1, z - 0.2)), c("#0a2a3a"), gloss=0.9, emissive=1.0)


def command_chair(b: MeshBuilder, x: float, z: float) -> None:
    """A high-backed command chair facing +z on a round plinth, with armrest panels."""
    b.add(frustum(0.45, 0.45, 0.08, 20).transformed(translate(x, 0, z)), c("#2a2e34"), gloss=0.5)
    b.add(frustum(0.08, 0.08, 0.35, 10).transformed(translate(x, 0.08, z)), c("#8a96a8"), gloss=0.8)
    b.add(box((0.28, 0.05, 0.26), (x, 0.45, z)), c("#d8dce4"), gloss=0.3)
    b.add(box((0.28, 0.45, 0.06), (x, 0.92, z - 0.27)), c("#d8dce4"), gloss=0.3)
    for sx in (-1, 1):
        b.add(box((0.05, 0.05, 0.24), (x + sx * 0.32, 0.66, z)), c("#8a96a8"), gloss=0.8)
        b.add(box((0.03, 0.005, 0.08), (x + sx * 0.32, 0.712, z + 0.1)), c("#40c0ff"), emissive=1.0)


BUILDERS = {"train": train, "car": car, "spaceship": spaceship}
