"""Framing: where a camera goes for a named shot size, given who is where.

Pure geometry on actor positions and heights. The camera always stays on the audience
side (+z) of the actors, which keeps the 180-degree line for free in v0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .frame import CameraState

FOV_DEG = 38.0  # vertical field of view of every shot in v0


@dataclass(frozen=True)
class Body:
    """What framing needs to know of a character: ground position, facing, standing height,
    and where its head really is now (lower when seated)."""

    x: float
    z: float
    yaw: float
    height: float
    head_y: float  # height of the head's centre above the ground
    head_r: float  # the head's radius


def frame(size: str, subjects: list[Body], everyone: list[Body], aspect: float, back: float = -math.inf) -> CameraState:
    """The camera for shot ``size`` on ``subjects`` (``everyone`` for wide shots).

    ``back`` is the z beyond which the set has walls or railings: the camera stays in front.
    """
    if size == "wide" or not subjects:
        return _wide(everyone or subjects, aspect)
    if size == "two_shot" and len(subjects) >= 2:
        return _two_shot(subjects[0], subjects[1], aspect, back)
    return _single(subjects[0], aspect, close=size == "close", back=back)


def _half_tan(aspect: float = 1.0) -> float:
    """tan of half the field of view, horizontally when ``aspect`` is given."""
    return math.tan(math.radians(FOV_DEG) / 2.0) * aspect


def _wide(bodies: list[Body], aspect: float) -> CameraState:
    """A wide shot of everyone with the set around them, slightly from above."""
    if not bodies:
        return CameraState(eye=(0.0, 1.7, 7.5), target=(0.0, 1.0, 0.0), fov_deg=FOV_DEG)
    xs = [b.x for b in bodies]
    cx, cz = (min(xs) + max(xs)) / 2.0, sum(b.z for b in bodies) / len(bodies)
    width = max(max(xs) - min(xs) + 4.0, 5.0)
    dist = (width / 2.0) / _half_tan(aspect)
    angle = math.radians(8.0)
    eye = (cx + dist * math.sin(angle), 1.75, max(b.z for b in bodies) + dist * math.cos(angle))
    return CameraState(eye=eye, target=(cx, 0.95, cz), fov_deg=FOV_DEG)


def _two_shot(a: Body, b: Body, aspect: float, back: float) -> CameraState:
    """Both characters side by side: look across the line between them from the audience side."""
    ax, az = b.x - a.x, b.z - a.z
    span = math.hypot(ax, az) or 1.0
    nx, nz = -az / span, ax / span
    if nz < 0 or (nz == 0 and nx < 0):
        nx, nz = -nx, -nz  # the side of the line the audience is on
    top = max(c.head_y + 1.6 * c.head_r for c in (a, b))
    bottom = min(c.head_y for c in (a, b)) - 0.45 * max(a.height, b.height)
    width = span + 1.0
    dist = max((width / 2.0) / _half_tan(aspect), ((top - bottom) / 2.0) / _half_tan()) * 1.08
    cx, cz, ty = (a.x + b.x) / 2.0, (a.z + b.z) / 2.0, (top + bottom) / 2.0
    # Swing a little off the perpendicular towards the audience, for depth.
    dx, dz = _normalise((nx, 0.0, nz + 0.25))[::2]
    eye = (cx + dx * dist, ty + 0.1, max(cz + dz * dist, back + 0.3))
    return CameraState(eye=eye, target=(cx, ty, cz), fov_deg=FOV_DEG)


def _single(b: Body, aspect: float, *, close: bool, back: float) -> CameraState:
    """A medium or close shot of one character: eyes on the upper third, lead room ahead."""
    visible = (0.56 if close else 1.05) * b.height / 1.7  # metres of the body the frame shows
    dist = (visible / 2.0) / _half_tan()
    ty = b.head_y - visible / 6.0  # eyes a third of the half-frame above centre
    fx, fz = math.sin(b.yaw), math.cos(b.yaw)
    dx, dz = _face_side(b, fx, fz, dist, back)
    # Rule of thirds: shift the frame so the subject sits on the third away from where they look.
    right = (dz, -dx)  # screen-right on the ground for a camera looking along (-dx, -dz)
    looks_right = fx * right[0] + fz * right[1]
    shift = math.copysign(dist * _half_tan(aspect) / 3.0, looks_right) if abs(looks_right) > 0.2 else 0.0
    tx, tz = b.x + right[0] * shift, b.z + right[1] * shift
    eye = (tx + dx * dist, ty + 0.03, tz + dz * dist)
    return CameraState(eye=eye, target=(tx, ty, tz), fov_deg=FOV_DEG)


def _face_side(b: Body, fx: float, fz: float, dist: float, back: float) -> tuple[float, float]:
    """Direction from the character to the camera: in front of the face, turned 30 degrees
    towards the audience, or further round (to a profile) when a wall would be behind it."""
    for turn in (30, 45, 60, 75, 90, 120, 150, 180):
        options = [_turned(fx, fz, math.radians(turn) * sign) for sign in (1.0, -1.0)]
        clear = [o for o in options if b.z + o[1] * dist >= back + 0.3]
        if clear:
            return max(clear, key=lambda o: o[1])
    return (0.0, 1.0)


def _turned(fx: float, fz: float, angle: float) -> tuple[float, float]:
    """The ground direction (fx, fz) turned by ``angle`` radians about the vertical."""
    return fx * math.cos(angle) + fz * math.sin(angle), -fx * math.sin(angle) + fz * math.cos(angle)


def project(cam: CameraState, point: tuple[float, float, float], aspect: float) -> tuple[float, float, float]:
    """Screen position of a world point: (x, y) in [-1, 1] (y up) and its depth in metres."""
    fwd = _normalise(tuple(t - e for t, e in zip(cam.target, cam.eye)))
    right = _normalise((-fwd[2], 0.0, fwd[0]))
    up = (right[1] * fwd[2] - right[2] * fwd[1], right[2] * fwd[0] - right[0] * fwd[2], right[0] * fwd[1] - right[1] * fwd[0])
    rel = tuple(p - e for p, e in zip(point, cam.eye))
    depth = sum(r * f for r, f in zip(rel, fwd))
    if depth <= 1e-6:
        return float("inf"), float("inf"), depth
    half = math.tan(math.radians(cam.fov_deg) / 2.0)
    x = sum(r * q for r, q in zip(rel, right)) / (depth * half * aspect)
    y = sum(r * q for r, q in zip(rel, up)) / (depth * half)
    return x, y, depth


def _normalise(v: tuple[float, float, float]) -> tuple[float, float, float]:
    """``v`` scaled to unit length."""
    n = math.sqrt(sum(c * c for c in v)) or 1.0
    return (v[0] / n, v[1] / n, v[2] / n)
