"""Keyframed bone motion: the common currency of the action library and of imported mocap.

A :class:`Motion` holds, per sampled frame, a rotation for some of the rig's bones (see
``render.skeleton.BONES``) and an offset of the whole body. Rotations are rotation vectors
(unit axis times angle in radians) in the bone's own rest frame; the animator composes them
onto the procedural pose of that bone: ``local[bone] = local[bone] @ rotvec_matrix(v)``. The
root offset is in metres in character space (x right, y up, z forward) and is added after the
feet are planted.

Pure numpy and no GL: the compiler and the tests use it without a renderer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Motion:
    """Bone rotations and a root offset sampled at ``fps``; ``loop`` repeats it past its end."""

    fps: float
    bones: tuple[str, ...]
    rotations: np.ndarray  # (frames, len(bones), 3) rotation vectors, radians
    root: np.ndarray  # (frames, 3) metres
    loop: bool = False

    @property
    def frames(self) -> int:
        """How many samples the motion has."""
        return int(self.rotations.shape[0])

    @property
    def duration(self) -> float:
        """Seconds from the first sample to the last."""
        return (self.frames - 1) / self.fps if self.frames > 1 else 0.0

    def sample(self, t: float) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Rotation vectors per bone and the root offset at ``t`` seconds (clamped, or looped).

        Neighbouring samples are blended by spherical interpolation of their rotations.
        """
        if self.frames == 1:
            return dict(zip(self.bones, self.rotations[0])), self.root[0]
        pos = t * self.fps
        span = self.frames - 1
        pos = pos % span if self.loop else min(max(pos, 0.0), span)
        i = min(int(pos), span - 1)
        u = pos - i
        rots = {name: slerp_rotvec(a, b, u) for name, a, b in zip(self.bones, self.rotations[i], self.rotations[i + 1])}
        return rots, self.root[i] * (1 - u) + self.root[i + 1] * u


def rotvec_matrix(v) -> np.ndarray:
    """The 3x3 rotation of rotation vector ``v`` (Rodrigues' formula)."""
    v = np.asarray(v, float)
    angle = float(np.linalg.norm(v))
    if angle < 1e-12:
        return np.eye(3)
    x, y, z = v / angle
    k = np.array([[0.0, -z, y], [z, 0.0, -x], [-y, x, 0.0]])
    return np.eye(3) + math.sin(angle) * k + (1 - math.cos(angle)) * (k @ k)


def matrix_rotvec(r: np.ndarray) -> np.ndarray:
    """The rotation vector of a 3x3 rotation matrix (angle in [0, pi])."""
    r = np.asarray(r, float)
    cos = max(-1.0, min(1.0, (float(np.trace(r)) - 1.0) / 2.0))
    angle = math.acos(cos)
    if angle < 1e-9:
        return np.zeros(3)
    if math.pi - angle < 1e-6:  # half turn: the axis from the symmetric part
        m = (r + np.eye(3)) / 2.0
        axis = np.sqrt(np.clip(np.diag(m), 0.0, None))
        i = int(np.argmax(axis))
        axis = m[i] / max(axis[i], 1e-12)
        return axis / np.linalg.norm(axis) * angle
    axis = np.array([r[2, 1] - r[1, 2], r[0, 2] - r[2, 0], r[1, 0] - r[0, 1]]) / (2.0 * math.sin(angle))
    return axis * angle


def slerp_rotvec(a, b, u: float) -> np.ndarray:
    """The rotation ``u`` of the way from rotation vector ``a`` to ``b`` (shortest arc)."""
    ra, rb = rotvec_matrix(a), rotvec_matrix(b)
    return matrix_rotvec(ra @ rotvec_matrix(matrix_rotvec(ra.T @ rb) * u))


def euler_rotvec(x: float = 0.0, y: float = 0.0, z: float = 0.0) -> np.ndarray:
    """A rotation vector from angles about x, then y, then z (radians): R = Rz @ Ry @ Rx."""
    r = rotvec_matrix((0.0, 0.0, z)) @ rotvec_matrix((0.0, y, 0.0)) @ rotvec_matrix((x, 0.0, 0.0))
    return matrix_rotvec(r)
