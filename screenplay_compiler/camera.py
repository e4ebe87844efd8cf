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
    """What framing needs to know of a character: ground position, facing, height."""

    x: float
    z: float
    yaw: float
    height: float


def frame(size: str, subjects: list[Body], everyone: list[Body], aspect: float) -> CameraState:
    """The camera for shot ``size`` on ``subjects`` (``everyone`` for wide shots)."""
    if size == "wide" or not subjects:
        return _wide(everyone or subjects, aspect)
    if size == "two_shot" and len(subjects) >= 2:
        return _group(subjects[:2], aspect, low=0.42, margin=0.9, lift=0.0)
    return _single(subjects[0], aspect, close=size == "close")


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
    eye = (cx + dist * math.sin(angle), 1.75, cz + dist * math.cos(angle))
    return CameraState(eye=eye, target=(cx, 0.95, cz), fov_deg=FOV_DEG)


def _group(bodies: list[Body], aspect: float, *, low: float, margin: float, lift: float) -> CameraState:
    """Frame several characters from ``low`` (fraction of height) up, side by side."""
    xs = [b.x for b in bodies]
    top = max(b.height for b in bodies) * 1.06
    bottom = min(b.height for b in bodies) * low
    cx, cz = (min(xs) + max(xs)) / 2.0, sum(b.z for b in bodies) / len(bodies)
    width = max(xs) - min(xs) + margin
    dist = max((width / 2.0) / _half_tan(aspect), ((top - bottom) / 2.0) / _half_tan()) * 1.08
    ty = (top + bottom) / 2.0 + lift
    angle = math.radians(6.0)
    eye = (cx + dist * math.sin(angle), ty + 0.1, max(b.z for b in bodies) + dist * math.cos(angle))
    return CameraState(eye=eye, target=(cx, ty, cz), fov_deg=FOV_DEG)


def _single(b: Body, aspect: float, *, close: bool) -> CameraState:
    """A medium or close shot of one character: eyes on the upper third, lead room ahead."""
    visible = (0.56 if close else 1.05) * b.height / 1.7  # metres of the body the frame shows
    dist = (visible / 2.0) / _half_tan()
    eye_y = b.height * 0.935
    ty = eye_y - visible / 6.0  # eyes a third of the half-frame above centre
    fx, fz = math.sin(b.yaw), math.cos(b.yaw)
    # Look from between the character's facing and the audience side, so the face reads.
    dx, dz = fx * 0.55, fz * 0.55 + 0.85
    n = math.hypot(dx, dz) or 1.0
    dx, dz = dx / n, dz / n
    # Rule of thirds: shift the frame so the subject sits on the third away from where they look.
    right = (dz, -dx)  # screen-right on the ground for a camera looking along (-dx, -dz)
    looks_right = fx * right[0] + fz * right[1]
    shift = math.copysign(dist * _half_tan(aspect) / 3.0, looks_right) if abs(looks_right) > 0.2 else 0.0
    tx, tz = b.x + right[0] * shift, b.z + right[1] * shift
    eye = (tx + dx * dist, ty + 0.03, tz + dz * dist)
    return CameraState(eye=eye, target=(tx, ty, tz), fov_deg=FOV_DEG)


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
