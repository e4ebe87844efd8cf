"""Set geometry by set name (props at the marks of ``screenplay_compiler.sets``) and its practicals."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..sets import SETS_BY_NAME, seat_at
from . import sets_city, sets_home, sets_nature, sets_period, sets_public, sets_vehicle
from .geometry import MeshBuilder, quad, sphere
from .lighting import PointLight
from .sets_props import SKY_PANE, WARM, c, hills

__all__ = ["SKY_PANE", "WARM", "Scenery", "build_scenery", "build_sky", "seat_height"]


@dataclass(frozen=True)
class Scenery:
    """A set's static geometry (one buffer), its practical lights and whether it is indoors."""

    vertices: np.ndarray
    indices: np.ndarray
    lights: tuple[PointLight, ...]
    interior: bool


def build_scenery(name: str) -> Scenery:
    """The geometry and practicals of set ``name``; unknown names get an open plain."""
    builder, lights = MeshBuilder(), []
    BUILDERS.get(name, _plain)(builder, lights, _rng(name))
    vertices, indices = builder.build()
    spec = SETS_BY_NAME.get(name)
    return Scenery(vertices, indices, tuple(lights), bool(spec and spec.interior))


def seat_height(name: str, x: float, z: float) -> float | None:
    """Height of the seat under a sitter at (x, z) in set ``name``, or None to sit on the ground."""
    return seat_at(name, x, z)


def _rng(name: str) -> np.random.Generator:
    """A generator seeded from the set name, so every build of a set is identical."""
    return np.random.default_rng(int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little"))


def _plain(b: MeshBuilder, lights: list, rng: np.random.Generator) -> None:
    """A bare open field for sets the renderer does not know."""
    b.add(quad(120, 120, (0, 0, -40), 6), c("#7a8a6a"), gloss=0.02)
    hills(b, rng, "#6a806a")


BUILDERS: dict[str, Callable[[MeshBuilder, list, np.random.Generator], None]] = {
    **sets_nature.BUILDERS, **sets_city.BUILDERS, **sets_home.BUILDERS, **sets_public.BUILDERS,
    **sets_period.BUILDERS, **sets_vehicle.BUILDERS,
}


def build_sky(stars: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """Sky vertices ``(direction xyz, kind)`` and indices: a dome (0), a sun disc (1), stars (2)."""
    dome = sphere(32, 24)
    parts = [(dome.positions, 0.0, dome.indices)]
    angles = np.linspace(0, 2 * math.pi, 25)[:-1]
    disc = np.vstack([[0.0, 0.0, 0.0], np.stack([np.cos(angles), np.sin(angles), np.zeros_like(angles)], 1)])
    fan = np.array([[0, 1 + i, 1 + (i + 1) % 24] for i in range(24)], np.uint32)
    parts.append((disc, 1.0, fan))
    rng = _rng("stars")
    d = rng.normal(size=(stars, 3))
    d[:, 1] = np.abs(d[:, 1]) + 0.08
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    size = rng.uniform(0.0012, 0.0028, (stars, 1))
    corners = np.concatenate([d + size * (1, 0, 0), d + size * (-0.5, 0.8, 0), d + size * (-0.5, -0.8, 0.3)])
    tri = np.arange(stars)[:, None] + np.array([0, stars, 2 * stars])
    parts.append((corners, 2.0, tri.astype(np.uint32)))
    vertices, indices, offset = [], [], 0
    for pos, kind, idx in parts:
        vertices.append(np.hstack([pos, np.full((len(pos), 1), kind)]))
        indices.append(idx + offset)
        offset += len(pos)
    return np.concatenate(vertices).astype("f4"), np.concatenate(indices).astype(np.uint32)
