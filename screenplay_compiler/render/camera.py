"""View and projection matrices from a CameraState (y up, right-handed, GL clip space)."""

from __future__ import annotations

import math

import numpy as np

from ..frame import CameraState

NEAR, FAR = 0.05, 200.0


def view_matrix(camera: CameraState) -> np.ndarray:
    """World -> eye space looking from ``eye`` to ``target``, rolled about the view axis."""
    eye, target = np.asarray(camera.eye, float), np.asarray(camera.target, float)
    forward = target - eye
    forward = forward / max(np.linalg.norm(forward), 1e-9)
    up = np.array([0.0, 1.0, 0.0]) if abs(forward[1]) < 0.999 else np.array([0.0, 0.0, -1.0])
    right = np.cross(forward, up)
    right /= np.linalg.norm(right)
    true_up = np.cross(right, forward)
    c, s = math.cos(camera.roll), math.sin(camera.roll)
    right, true_up = c * right + s * true_up, -s * right + c * true_up
    m = np.eye(4)
    m[0, :3], m[1, :3], m[2, :3] = right, true_up, -forward
    m[:3, 3] = -m[:3, :3] @ eye
    return m


def projection_matrix(fov_deg: float, aspect: float, near: float = NEAR, far: float = FAR) -> np.ndarray:
    """A perspective projection with vertical field of view ``fov_deg``."""
    f = 1.0 / math.tan(math.radians(fov_deg) / 2)
    return np.array([
        [f / aspect, 0, 0, 0],
        [0, f, 0, 0],
        [0, 0, (far + near) / (near - far), 2 * far * near / (near - far)],
        [0, 0, -1, 0],
    ])


def view_projection(camera: CameraState, aspect: float, flip_y: bool = False) -> np.ndarray:
    """Projection times view for ``camera``; ``flip_y`` draws the picture upside down.

    GL stores the bottom row first, so drawing upside down puts the picture's top row first
    in memory and a read-back needs no flip (front faces then wind clockwise).
    """
    flip = np.diag((1.0, -1.0 if flip_y else 1.0, 1.0, 1.0))
    return flip @ projection_matrix(camera.fov_deg, aspect) @ view_matrix(camera)
