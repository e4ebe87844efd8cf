"""Falling weather: a seeded field of rain drops or snowflakes, and how each kind moves and looks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Precipitation:
    """One kind of falling weather: how many particles, their box, motion and look."""

    count: int
    box: tuple[float, float, float]  # metres: x, y, z extent around the camera
    velocity: tuple[float, float, float]  # metres per second, wind included
    streak: float  # seconds of motion a streak spans (0: points)
    sway: float  # metres of side-to-side drift
    size: float  # flake diameter in metres (points)
    opacity: float


PRECIPITATION: dict[str, Precipitation] = {
    "rain": Precipitation(4000, (14.0, 8.0, 14.0), (0.9, -8.5, 0.4), 0.03, 0.0, 0.0, 0.45),
    "snow": Precipitation(3000, (14.0, 7.0, 14.0), (0.25, -0.9, 0.1), 0.0, 0.35, 0.035, 0.9),
}


def field(kind: str) -> tuple[np.ndarray, str]:
    """The particles' vertex data (seed xyz, tail flag per vertex) and its layout; seeded by ``kind``.

    Rain gives two vertices a drop (head and tail of a GL_LINES streak), snow one (a GL_POINT).
    """
    spec = PRECIPITATION[kind]
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(f"weather|{kind}".encode()).digest()[:8], "big"))
    seeds = rng.random((spec.count, 3), dtype=np.float64).astype("f4")
    ends = (0.0, 1.0) if spec.streak > 0 else (0.0,)
    data = np.concatenate([np.concatenate([seeds, np.full((spec.count, 1), e, "f4")], axis=1)[:, None, :] for e in ends], axis=1)
    return data.reshape(-1, 4), "3f 1f"
