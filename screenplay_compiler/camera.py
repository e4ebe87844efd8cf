"""Framing: where a camera goes for a named shot size, angle and move, given who is where.

Pure geometry on actor positions and heights. Every camera keeps to one side of the line of
action (``side``: the side the wide shot stands on, the audience side, +z), which keeps the
180-degree rule, unless the writer asks for the far side. See docs/camera.md.
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


# Metres of a 1.7 m body each single-subject size shows, top to bottom.
VISIBLE = {"full": 2.0, "medium": 1.05, "medium_close": 0.8, "close": 0.56, "extreme_close": 0.3, "insert": 0.45, "pov": 1.05}


AUDIENCE = (0.0, 1.0)  # the ground direction towards the audience: where cameras stand by default


def frame(size: str, subjects: list[Body], everyone: list[Body], aspect: float, back: float = -math.inf,
          side: tuple[float, float] = AUDIENCE) -> CameraState:
    """The camera for shot ``size`` on ``subjects`` (``everyone`` for wide shots).

    ``back`` is the z beyond which the set has walls or railings: the camera stays in front.
    ``side`` is the ground direction from the line of action to the side cameras keep to (the
    180-degree rule; :func:`line_side`); wide shots stand on the audience side and define it.
    """
    if size in ("wide", "extreme_wide") or not subjects:
        return _wide(everyone or subjects, aspect, extreme=size == "extreme_wide")
    if size == "over_shoulder" and len(subjects) >= 2 and abs(subjects[0].head_y - subjects[1].head_y) > 0.3:
        size = "medium_close"  # one of them sits: a shoulder at the other's eye line would fill the frame
    elif size == "over_shoulder" and len(subjects) >= 2:
        return _over_shoulder(subjects[0], subjects[1], aspect, side)
    if size == "pov" and len(everyone) >= 2:
        return _pov(subjects[0], [b for b in everyone if b is not subjects[0]])
    if size in ("two_shot", "over_shoulder") and len(subjects) >= 2:
        return _two_shot(subjects[0], subjects[1], aspect, back, side)
    others = [b for b in everyone if b is not subjects[0] and (b.x, b.z) != (subjects[0].x, subjects[0].z)]
    return _single(subjects[0], aspect, visible=VISIBLE.get(size, 1.05), back=back, low=size == "insert", side=side,
                   full=size == "full", others=others)


def line_side(a: Body, b: Body, eye: tuple[float, float, float]) -> tuple[float, float]:
    """The unit ground normal of the line of action from ``a`` to ``b`` on the side of ``eye``
    (the establishing camera): every camera that keeps to it keeps the 180-degree rule."""
    dx, dz = b.x - a.x, b.z - a.z
    span = math.hypot(dx, dz)
    if span < 1e-6:
        return AUDIENCE
    nx, nz = -dz / span, dx / span
    return (nx, nz) if nx * (eye[0] - a.x) + nz * (eye[2] - a.z) >= 0 else (-nx, -nz)


def side_of(a: Body, b: Body, eye: tuple[float, float, float]) -> float:
    """Which side of the line from ``a`` to ``b`` a camera's eye is on: the sign of the 2D cross
    product (positive: ``a`` is on screen-left of ``b`` for a camera looking across the line)."""
    return math.copysign(1.0, (b.x - a.x) * (eye[2] - a.z) - (b.z - a.z) * (eye[0] - a.x))


def _half_tan(aspect: float = 1.0) -> float:
    """tan of half the field of view, horizontally when ``aspect`` is given."""
    return math.tan(math.radians(FOV_DEG) / 2.0) * aspect


def _wide(bodies: list[Body], aspect: float, extreme: bool = False) -> CameraState:
    """A wide shot of everyone with the set around them, slightly from above (an extreme wide:
    twice the width, from higher up)."""
    if not bodies:
        return CameraState(eye=(0.0, 1.7, 7.5), target=(0.0, 1.0, 0.0), fov_deg=FOV_DEG)
    xs = [b.x for b in bodies]
    cx, cz = (min(xs) + max(xs)) / 2.0, sum(b.z for b in bodies) / len(bodies)
    width = max(max(xs) - min(xs) + 4.0, 5.0) * (2.0 if extreme else 1.0)
    dist = (width / 2.0) / _half_tan(aspect)
    angle = math.radians(8.0)
    eye = (cx + dist * math.sin(angle), 3.2 if extreme else 1.75, max(b.z for b in bodies) + dist * math.cos(angle))
    return CameraState(eye=eye, target=(cx, 0.95, cz), fov_deg=FOV_DEG)


def _over_shoulder(a: Body, b: Body, aspect: float, side: tuple[float, float] = AUDIENCE) -> CameraState:
    """Over ``b``'s shoulder onto ``a``'s face: ``b`` is a soft edge of the frame in the foreground."""
    dx, dz = a.x - b.x, a.z - b.z
    span = math.hypot(dx, dz) or 1.0
    ux, uz = dx / span, dz / span
    px, pz = -uz, ux
    if px * side[0] + pz * side[1] < 0:  # over the shoulder on the camera side of the line
        px, pz = -px, -pz
    eye = (b.x - ux * 0.55 + px * 0.45, b.head_y + 0.05, b.z - uz * 0.55 + pz * 0.45)
    target = (a.x - px * 0.15, a.head_y - 0.05, a.z - pz * 0.15)
    return CameraState(eye=eye, target=target, fov_deg=FOV_DEG)


def _pov(b: Body, others: list[Body]) -> CameraState:
    """Through ``b``'s eyes, at whoever is most in front of them."""
    fx, fz = math.sin(b.yaw), math.cos(b.yaw)
    seen = max(others, key=lambda o: ((o.x - b.x) * fx + (o.z - b.z) * fz) / (math.hypot(o.x - b.x, o.z - b.z) or 1.0))
    eye = (b.x + fx * 0.12, b.head_y + 0.02, b.z + fz * 0.12)
    return CameraState(eye=eye, target=(seen.x, seen.head_y - 0.1, seen.z), fov_deg=FOV_DEG * 1.3)


def _two_shot(a: Body, b: Body, aspect: float, back: float, side: tuple[float, float] = AUDIENCE) -> CameraState:
    """Both characters side by side: look across the line between them from the camera side."""
    ax, az = b.x - a.x, b.z - a.z
    span = math.hypot(ax, az) or 1.0
    nx, nz = -az / span, ax / span
    if nx * side[0] + nz * side[1] < 0 or (nx * side[0] + nz * side[1] == 0 and nz < 0):
        nx, nz = -nx, -nz  # the side of the line the cameras keep to
    top = max(c.head_y + 1.6 * c.head_r for c in (a, b))
    bottom = min(c.head_y for c in (a, b)) - 0.45 * max(a.height, b.height)
    width = span + 1.0
    dist = max((width / 2.0) / _half_tan(aspect), ((top - bottom) / 2.0) / _half_tan()) * 1.08
    cx, cz, ty = (a.x + b.x) / 2.0, (a.z + b.z) / 2.0, (top + bottom) / 2.0
    # Swing a little off the perpendicular towards the audience, for depth.
    dx, dz = _normalise((nx, 0.0, nz + 0.25))[::2]
    eye = (cx + dx * dist, ty + 0.1, max(cz + dz * dist, back + 0.3))
    return CameraState(eye=eye, target=(cx, ty, cz), fov_deg=FOV_DEG)


def _single(b: Body, aspect: float, *, visible: float, back: float, low: bool = False,
            side: tuple[float, float] = AUDIENCE, full: bool = False, others: list[Body] = ()) -> CameraState:
    """One character from full figure to extreme close-up: eyes on the upper third, lead room
    ahead (an insert looks at the hands instead)."""
    visible = visible * b.height / 1.7  # metres of the body the frame shows
    dist = (visible / 2.0) / _half_tan()
    ty = (b.head_y - 0.55 * b.height / 1.7) if low else b.head_y - visible / 6.0  # eyes a third above centre
    if full:  # a full figure of any height: a little air over the head, the feet just above the bottom edge
        ty = b.head_y + 1.5 * b.head_r - visible / 2.0 + 0.05
    fx, fz = math.sin(b.yaw), math.cos(b.yaw)
    first = None
    for turn, (dx, dz) in _face_sides(b, fx, fz, dist, back, side):
        # Rule of thirds: shift the frame so the subject sits on the third away from where they look.
        right = (dz, -dx)  # screen-right on the ground for a camera looking along (-dx, -dz)
        looks_right = fx * right[0] + fz * right[1]
        shift = math.copysign(dist * _half_tan(aspect) / 3.0, looks_right) if abs(looks_right) > 0.2 else 0.0
        tx, tz = b.x + right[0] * shift, b.z + right[1] * shift
        cam = CameraState(eye=(tx + dx * dist, ty + 0.03, tz + dz * dist), target=(tx, ty, tz), fov_deg=FOV_DEG)
        first = first or cam
        if turn > 90 or not any(_in_the_way(cam, b, o, aspect) for o in others):
            return cam
    return first  # everyone is in the way from every side that shows the face: the first choice


def _face_sides(b: Body, fx: float, fz: float, dist: float, back: float,
                side: tuple[float, float] = AUDIENCE) -> list[tuple[int, tuple[float, float]]]:
    """Directions from the character to the camera, best first, with how far each turns from
    the face: in front of the face, turned 30 degrees towards the camera side of the line, then
    further round (to a profile) when a wall would be behind it or the face looks away from that
    side; across the line only when nothing else clears."""
    toward = lambda o: o[0] * side[0] + o[1] * side[1]
    kept, crossing = [], []
    for turn in (30, 45, 60, 75, 90, 120, 150, 180):
        options = [_turned(fx, fz, math.radians(turn) * sign) for sign in (1.0, -1.0)]
        clear = [o for o in options if b.z + o[1] * dist >= back + 0.3]
        kept += [(turn, o) for o in sorted((o for o in clear if toward(o) > 0.05),
                                           key=lambda o: (round(toward(o), 6), o[1]), reverse=True)]
        crossing += [(turn, max(clear, key=toward))] if clear else []
    return kept + crossing or [(0, (0.0, 1.0))]


def _in_the_way(cam: CameraState, subject: Body, o: Body, aspect: float) -> bool:
    """Whether ``o`` stands between ``cam`` and ``subject`` and covers part of the middle of the
    frame (a shoulder at the edge is allowed): the shot would be of their back."""
    _, _, subject_depth = project(cam, (subject.x, subject.head_y, subject.z), aspect)
    x, _, depth = project(cam, (o.x, o.head_y, o.z), aspect)
    if not 0.0 < depth < subject_depth - 0.2:
        return False
    half = 0.3 / (depth * math.tan(math.radians(cam.fov_deg) / 2.0) * aspect)  # half a body's width on screen
    return abs(x) - half < 0.6


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


# ---- angles and moves: applied to a framed camera -------------------------------------------


def angled(cam: CameraState, angle: str, reverse: bool = False, back: float = -math.inf) -> CameraState:
    """``cam`` seen from a high/low/overhead/ground angle, tilted (dutch), or from the far side."""
    ex, ey, ez = cam.eye
    tx, ty, tz = cam.target
    if reverse:  # round to the other side of the subject, mirrored through the target
        ex, ez = 2.0 * tx - ex, max(2.0 * tz - ez, back + 0.3) if back > -math.inf else 2.0 * tz - ez
    dist = math.hypot(ex - tx, ez - tz)
    roll = cam.roll
    if angle == "high":
        ey = ty + 0.6 * dist
    elif angle == "low":
        ey = max(0.35, ty - 0.45 * dist)
    elif angle == "worms_eye":
        ey = 0.12
    elif angle == "birds_eye":
        ey, ex, ez = ty + 1.6 * dist, tx + (ex - tx) * 0.08, tz + (ez - tz) * 0.08
    elif angle == "dutch":
        roll = math.radians(12.0)
    return CameraState(eye=(ex, ey, ez), target=(tx, ty, tz), fov_deg=cam.fov_deg, roll=roll)


def ease(u: float, easing: str) -> float:
    """Progress ``u`` in [0, 1] through an easing curve."""
    u = min(max(u, 0.0), 1.0)
    if easing == "linear":
        return u
    if easing == "ease_in":
        return u * u
    if easing == "ease_out":
        return 1.0 - (1.0 - u) * (1.0 - u)
    return u * u * (3.0 - 2.0 * u)


def moved(cam: CameraState, kind: str, u: float, amount: float | None, seed: int = 0, t: float = 0.0) -> CameraState:
    """``cam`` partway (``u`` in [0, 1], already eased) through a move.

    Moves end on the framing the shot size asked for (a dolly in arrives at it, a pan pans onto
    it), so the last frame of a moving shot is the composed one. Handheld is seeded noise.
    """
    e, g = list(cam.eye), list(cam.target)
    fov, roll = cam.fov_deg, cam.roll
    v = [g[i] - e[i] for i in range(3)]
    dist = math.sqrt(sum(c * c for c in v)) or 1.0
    fwd = [c / dist for c in v]
    right = _normalise((-fwd[2], 0.0, fwd[0]))
    left = 1.0 - u  # how much of the move is still to come
    if kind in ("dolly_in", "dolly_out"):
        d = (amount if amount is not None else 0.45 * dist) * (1 if kind == "dolly_in" else -1)
        e = [e[i] - fwd[i] * d * left for i in range(3)]
    elif kind in ("pan", "orbit"):
        a = math.radians(amount if amount is not None else (30.0 if kind == "pan" else 45.0)) * -left
        if kind == "pan":  # a pan right starts turned left of the framing: the target turns the other way
            g = _rotate_about(g, e, -a)
        else:
            e = _rotate_about(e, g, a)
    elif kind == "tilt":
        g[1] -= math.tan(math.radians(amount if amount is not None else 15.0)) * dist * left
    elif kind == "truck":
        d = (amount if amount is not None else 1.5) * -left
        e = [e[i] + right[i] * d for i in range(3)]
        g = [g[i] + right[i] * d for i in range(3)]
    elif kind in ("crane_up", "crane_down"):
        # The camera rises or sinks with its aim: the subject sinks in the frame on the way up.
        d = (amount if amount is not None else 1.4) * left * (1 if kind == "crane_up" else -1)
        lift = max(0.2, e[1] - d) - e[1]
        e[1] += lift
        g[1] += lift
    elif kind in ("zoom_in", "zoom_out"):
        factor = amount if amount is not None else 1.6
        fov = fov * (factor ** left if kind == "zoom_in" else factor ** -left)
    elif kind == "handheld":
        e = [e[i] + 0.025 * _noise(seed + i, t) for i in range(3)]
        g = [g[i] + 0.02 * _noise(seed + 7 + i, t) for i in range(3)]
        roll += math.radians(0.6) * _noise(seed + 13, t)
    return CameraState(eye=tuple(e), target=tuple(g), fov_deg=fov, roll=roll)


def _rotate_about(p: list[float], centre: list[float], angle: float) -> list[float]:
    """``p`` turned by ``angle`` radians about the vertical through ``centre``."""
    dx, dz = p[0] - centre[0], p[2] - centre[2]
    c, s = math.cos(angle), math.sin(angle)
    return [centre[0] + dx * c + dz * s, p[1], centre[2] - dx * s + dz * c]


def _noise(seed: int, t: float) -> float:
    """Smooth noise in [-1, 1]: a few incommensurate sines with seeded phases (about 1 Hz)."""
    out = 0.0
    for k, (freq, weight) in enumerate(((0.7, 0.5), (1.3, 0.3), (2.9, 0.2))):
        phase = ((seed * 2654435761 + k * 40503) % 6283) / 1000.0
        out += weight * math.sin(2.0 * math.pi * freq * t + phase)
    return out
