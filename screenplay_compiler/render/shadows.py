"""The key light's shadow map: which ground it covers and the matrices that look from the light."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..frame import CameraState, FrameState
from .camera import view_matrix
from .geometry import VERTEX_BONE

SHADOW_SIZE = 1024  # texels a side: ~1 cm a texel over the usual 10 m stage
MIN_RADIUS, MAX_RADIUS = 4.0, 9.0  # metres: the half-width of the ground the map covers
SNAP = 0.5  # metres: the box moves in steps, so a static shot keeps one box (and one cached depth)
DISTANCE = 60.0  # how far up the key direction the light's eye sits


@dataclass(frozen=True)
class ShadowBox:
    """A square of ground, centred on the action, seen from the key light."""

    center: tuple[float, float, float]
    radius: float

    @property
    def texel(self) -> float:
        """Metres a shadow-map texel spans."""
        return 2.0 * self.radius / SHADOW_SIZE


def fit_box(frame: FrameState) -> ShadowBox:
    """The box around the characters and the spot the camera looks at, snapped to a coarse grid."""
    points = [(a.x, a.z) for a in frame.actors]
    points.append((frame.camera.target[0], frame.camera.target[2]))
    xs, zs = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    cx, cz = (xs.max() + xs.min()) / 2, (zs.max() + zs.min()) / 2
    spread = max(xs.max() - xs.min(), zs.max() - zs.min()) / 2 + 2.0
    radius = min(MAX_RADIUS, max(MIN_RADIUS, math.ceil(spread)))
    return ShadowBox((round(cx / SNAP) * SNAP, 0.0, round(cz / SNAP) * SNAP), float(radius))


def light_clip(box: ShadowBox, sun_dir) -> np.ndarray:
    """World -> the light's clip space: an orthographic view down the key direction onto ``box``."""
    center = np.asarray(box.center, float)
    eye = center + np.asarray(sun_dir, float) * DISTANCE
    view = view_matrix(CameraState(tuple(eye), box.center))
    r, near, far = box.radius, 1.0, 2.0 * DISTANCE
    ortho = np.diag([1.0 / r, 1.0 / r, -2.0 / (far - near), 1.0])
    ortho[2, 3] = -(far + near) / (far - near)
    return ortho @ view


def to_texture(clip: np.ndarray) -> np.ndarray:
    """``clip`` followed by the [-1, 1] -> [0, 1] bias, so xyz index the depth texture directly."""
    bias = np.array([[0.5, 0, 0, 0.5], [0, 0.5, 0, 0.5], [0, 0, 0.5, 0.5], [0, 0, 0, 1.0]])
    return bias @ clip


FOOTPRINT_MARGIN = 0.3  # metres around a caster: the PCF taps' reach, the normal offset, a texel or two


def box_corners(lo, hi) -> np.ndarray:
    """The 8 corners of the axis-aligned box from ``lo`` to ``hi`` (x slowest, z fastest): shape
    (8, 3), or (n, 8, 3) for n boxes."""
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    return np.stack([np.where(np.array(bits, bool), hi, lo) for bits in np.ndindex(2, 2, 2)], axis=-2)


def bone_corners(vertices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The bones that move ``vertices`` (interleaved, ``VERTEX_FORMAT``) and, per bone, the 8
    corners of the box around its vertices in the bone's rest space: shapes (k,) and (k, 8, 4)."""
    bones = np.rint(vertices[:, VERTEX_BONE]).astype(int)
    used = np.unique(bones)
    corners = np.ones((len(used), 8, 4))
    for i, b in enumerate(used):
        pos = vertices[bones == b, :3]
        corners[i, :, :3] = box_corners(pos.min(axis=0), pos.max(axis=0))
    return used, corners


def caster_box(used: np.ndarray, corners: np.ndarray, matrices: np.ndarray) -> np.ndarray:
    """The world box (min, max rows) around a mesh posed by ``matrices`` (bone -> world, row-major)."""
    world = np.einsum("kij,kcj->kci", matrices[used], corners)[..., :3].reshape(-1, 3)
    return np.stack([world.min(axis=0), world.max(axis=0)])


def shadow_reach(boxes: list[np.ndarray], sun_dir, floor: float, to_tex: np.ndarray | None = None,
                 set_depth: np.ndarray | None = None) -> np.ndarray:
    """Points whose convex hull holds every surface the casters in ``boxes`` can shadow: each box
    (grown by FOOTPRINT_MARGIN) and the same box slid away from the key down to height ``floor``,
    or, given the set's own depth map (``set_depth``, texture space ``to_tex``), only as far as
    the farthest set surface under the box: the shadow lands there, what lies deeper is already
    in the set's own shadow."""
    sun = np.asarray(sun_dir, float)
    step = sun / max(sun[1], 0.05)  # a step away from the light that drops 1 m
    points = []
    for lo, hi in boxes:
        box = box_corners(lo - FOOTPRINT_MARGIN, hi + FOOTPRINT_MARGIN)
        drop = np.maximum(box[:, 1] - floor, 0.0)
        if set_depth is not None:
            drop = np.minimum(drop, _drop_to_set(box, step, to_tex, set_depth))
        points += [box, box - step * drop[:, None]]
    return np.concatenate(points) if points else np.zeros((0, 3))


def _drop_to_set(box: np.ndarray, step: np.ndarray, to_tex: np.ndarray, set_depth: np.ndarray) -> np.ndarray:
    """Per corner of ``box``, the steps along ``step`` to the farthest set depth under the box
    (plus FOOTPRINT_MARGIN); infinite where the box leaves the map."""
    tex = np.c_[box, np.ones(len(box))] @ to_tex.T
    size = set_depth.shape[0]
    u0, v0 = np.floor(tex[:, :2].min(axis=0) * size).astype(int) - 2
    u1, v1 = np.ceil(tex[:, :2].max(axis=0) * size).astype(int) + 3
    if min(u0, v0) < 0 or max(u1, v1) > size:
        return np.full(len(box), np.inf)
    deepest = float(set_depth[v0:v1, u0:u1].max())
    per_step = float((to_tex @ np.r_[-step, 0.0])[2])  # depth gained a step
    return np.maximum(deepest - tex[:, 2], 0.0) / per_step + FOOTPRINT_MARGIN


def caster_footprints(boxes: list[np.ndarray], to_tex: np.ndarray, pad: float) -> tuple[np.ndarray, np.ndarray]:
    """Per caster box (grown by FOOTPRINT_MARGIN): its footprint in shadow-map uv (min u, min v,
    max u, max v), grown by ``pad``, and its nearest depth from the light: shapes (n, 4), (n,)."""
    rects, depths = np.zeros((len(boxes), 4)), np.zeros(len(boxes))
    for i, (lo, hi) in enumerate(boxes):
        box = box_corners(lo - FOOTPRINT_MARGIN, hi + FOOTPRINT_MARGIN)
        tex = np.c_[box, np.ones(8)] @ to_tex.T
        rects[i] = (*(tex[:, :2].min(axis=0) - pad), *(tex[:, :2].max(axis=0) + pad))
        depths[i] = tex[:, 2].min()
    return rects, depths
