"""Numpy mesh primitives with normals, affine helpers and a vertex-buffer builder."""

from __future__ import annotations

import math
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

# One vertex: position(3) normal(3) colour(3) gloss emissive bone.
VERTEX_FLOATS = 12
VERTEX_BONE = 11  # the column of the bone index
VERTEX_FORMAT = "3f 3f 3f 1f 1f 1f"
VERTEX_ATTRIBUTES = ("in_pos", "in_normal", "in_color", "in_gloss", "in_emissive", "in_bone")


@dataclass(frozen=True)
class Mesh:
    """Indexed triangles: (n,3) positions and unit normals, (m,3) indices, CCW outward."""

    positions: np.ndarray
    normals: np.ndarray
    indices: np.ndarray

    def transformed(self, matrix: np.ndarray) -> Mesh:
        """This mesh moved by a 4x4 affine ``matrix`` (normals by its inverse transpose)."""
        pos = self.positions @ matrix[:3, :3].T + matrix[:3, 3]
        normals = self.normals @ np.linalg.inv(matrix[:3, :3])
        normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-9)
        indices = self.indices if np.linalg.det(matrix[:3, :3]) > 0 else self.indices[:, ::-1]
        return Mesh(pos, normals, indices)

    @property
    def triangle_count(self) -> int:
        """How many triangles the mesh holds."""
        return len(self.indices)


def merge(meshes: Sequence[Mesh]) -> Mesh:
    """All ``meshes`` as one."""
    offsets = np.cumsum([0] + [len(m.positions) for m in meshes[:-1]])
    return Mesh(
        np.concatenate([m.positions for m in meshes]),
        np.concatenate([m.normals for m in meshes]),
        np.concatenate([m.indices + o for m, o in zip(meshes, offsets)]),
    )


# --- affine matrices -------------------------------------------------------------------


def translate(x: float, y: float, z: float) -> np.ndarray:
    """A 4x4 translation."""
    m = np.eye(4)
    m[:3, 3] = (x, y, z)
    return m


def scale(x: float, y: float | None = None, z: float | None = None) -> np.ndarray:
    """A 4x4 scale; one argument scales uniformly."""
    y = x if y is None else y
    z = x if z is None else z
    return np.diag((x, y, z, 1.0))


def rot_x(a: float) -> np.ndarray:
    """Rotation about +x by ``a`` radians (right-handed)."""
    c, s = math.cos(a), math.sin(a)
    return np.array([[1, 0, 0, 0], [0, c, -s, 0], [0, s, c, 0], [0, 0, 0, 1.0]])


def rot_y(a: float) -> np.ndarray:
    """Rotation about +y by ``a`` radians (right-handed)."""
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, 0, s, 0], [0, 1, 0, 0], [-s, 0, c, 0], [0, 0, 0, 1.0]])


def rot_z(a: float) -> np.ndarray:
    """Rotation about +z by ``a`` radians (right-handed)."""
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, -s, 0, 0], [s, c, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1.0]])


def align_y(a: Sequence[float], b: Sequence[float]) -> np.ndarray:
    """Rigid map taking the origin to ``a`` and the +y axis to the direction of ``b - a``."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    d = b - a
    y = d / np.linalg.norm(d)
    helper = np.array([0.0, 0.0, 1.0]) if abs(y[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    x = np.cross(y, helper)
    x /= np.linalg.norm(x)
    z = np.cross(x, y)
    m = np.eye(4)
    m[:3, 0], m[:3, 1], m[:3, 2], m[:3, 3] = x, y, z, a
    return m


# --- primitives ------------------------------------------------------------------------

_DETAIL: ContextVar[float] = ContextVar("detail", default=1.0)


@contextmanager
def detail(factor: float):
    """Primitives built inside the block have ``factor`` times their segments and rings (at least
    4 and 2): a coarser copy of a model. Its facets are chords of the fine one, so on a convex
    part the copy lies inside the original (a shadow caster that never pokes out of its surface)."""
    token = _DETAIL.set(factor)
    try:
        yield
    finally:
        _DETAIL.reset(token)


def _fewer(n: int, least: int) -> int:
    """``n`` subdivisions at the current detail."""
    factor = _DETAIL.get()
    return n if factor == 1.0 else max(least, min(n, round(n * factor)))



def _grid_indices(rows: int, cols: int) -> np.ndarray:
    """Two triangles per cell of a (rows+1) x (cols+1) vertex grid."""
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    a = (r * (cols + 1) + c).ravel()
    b, d = a + cols + 1, a + 1
    return np.concatenate([np.stack([a, b, d], 1), np.stack([d, b, b + 1], 1)]).astype(np.uint32)


def _oriented(positions: np.ndarray, normals: np.ndarray, indices: np.ndarray) -> Mesh:
    """A mesh whose triangles wind counter-clockwise seen from their normals' side."""
    p = positions[indices]
    face = np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0])
    flip = np.einsum("ij,ij->i", face, normals[indices].sum(1)) < 0
    indices = indices.copy()
    indices[flip] = indices[flip][:, ::-1]
    keep = np.linalg.norm(face, axis=1) > 1e-12
    return Mesh(positions.astype(np.float64), normals.astype(np.float64), indices[keep].astype(np.uint32))


def sphere(segments: int = 16, rings: int = 10, polar_max: Callable[[np.ndarray], np.ndarray] | None = None) -> Mesh:
    """Unit sphere, pole on +y, azimuth 0 on +z; ``polar_max(azimuth)`` trims it to a cap."""
    segments, rings = _fewer(segments, 4), _fewer(rings, 2)
    az = np.linspace(0.0, 2 * math.pi, segments + 1)
    limit = np.full_like(az, math.pi) if polar_max is None else polar_max(az)
    polar = np.linspace(0.0, 1.0, rings + 1)[:, None] * limit[None, :]
    pos = np.stack([np.sin(polar) * np.sin(az), np.cos(polar), np.sin(polar) * np.cos(az)], -1).reshape(-1, 3)
    return _oriented(pos, pos.copy(), _grid_indices(rings, segments))


def ellipsoid(radii: Sequence[float], center: Sequence[float] = (0, 0, 0), segments: int = 12, rings: int = 7) -> Mesh:
    """An axis-aligned ellipsoid."""
    return sphere(segments, rings).transformed(translate(*center) @ scale(*radii))


def superellipsoid(half: Sequence[float], exponent: float = 4.0, segments: int = 12, rings: int = 8) -> Mesh:
    """A rounded box of half-extents ``half``: exponent 2 is an ellipsoid, larger is boxier."""
    unit = sphere(segments, rings)
    d = unit.positions
    r = np.sum(np.abs(d) ** exponent, axis=1) ** (1.0 / exponent)
    p = d / np.maximum(r, 1e-9)[:, None]
    grad = np.sign(p) * np.abs(p) ** (exponent - 1)
    grad /= np.maximum(np.linalg.norm(grad, axis=1, keepdims=True), 1e-9)
    return _oriented(p, grad, unit.indices).transformed(scale(*half))


def lathe(profile: Sequence[tuple[float, float, float, float]], segments: int = 16) -> Mesh:
    """Surface of revolution about +y from ``(radius, y, normal_r, normal_y)`` profile points."""
    segments = _fewer(segments, 4)
    prof = np.asarray(profile, float)
    az = np.linspace(0.0, 2 * math.pi, segments + 1)
    s, c = np.sin(az)[None, :], np.cos(az)[None, :]
    r, y, nr, ny = (prof[:, i : i + 1] for i in range(4))
    pos = np.stack([r * s, np.broadcast_to(y, (len(prof), segments + 1)), r * c], -1).reshape(-1, 3)
    nrm = np.stack([nr * s, np.broadcast_to(ny, (len(prof), segments + 1)), nr * c], -1).reshape(-1, 3)
    nrm /= np.maximum(np.linalg.norm(nrm, axis=1, keepdims=True), 1e-9)
    return _oriented(pos, nrm, _grid_indices(len(prof) - 1, segments))


def capsule(radius_a: float, radius_b: float, length: float, segments: int = 10, rings: int = 3) -> Mesh:
    """A (tapered) capsule along +y: sphere centres at y=0 (radius_a) and y=length (radius_b)."""
    bottom = [(radius_a * math.sin(t), -radius_a * math.cos(t), math.sin(t), -math.cos(t))
              for t in np.linspace(0, math.pi / 2, rings + 1)]
    top = [(radius_b * math.sin(t), length - radius_b * math.cos(t), math.sin(t), -math.cos(t))
           for t in np.linspace(math.pi / 2, math.pi, rings + 1)]
    return lathe(bottom + top, segments)


def limb(a: Sequence[float], b: Sequence[float], radius_a: float, radius_b: float, segments: int = 10) -> Mesh:
    """A tapered capsule from point ``a`` to point ``b``."""
    length = float(np.linalg.norm(np.subtract(b, a)))
    return capsule(radius_a, radius_b, length, segments).transformed(align_y(a, b))


def frustum(radius_bottom: float, radius_top: float, height: float, segments: int = 16, caps: bool = True) -> Mesh:
    """A cylinder or truncated cone on y in [0, height], flat-capped when ``caps``."""
    slope = (radius_bottom - radius_top) / height
    side = [(radius_bottom, 0.0, 1.0, slope), (radius_top, height, 1.0, slope)]
    parts = [lathe(side, segments)]
    if caps:
        parts.append(lathe([(0.0, height, 0, 1), (radius_top, height, 0, 1)], segments))
        parts.append(lathe([(radius_bottom, 0.0, 0, -1), (0.0, 0.0, 0, -1)], segments))
    return merge(parts)


def torus(major: float, minor: float, segments: int = 20, rings: int = 8) -> Mesh:
    """A ring about +y."""
    t = np.linspace(0, 2 * math.pi, rings + 1)
    prof = [(major + minor * math.cos(a), minor * math.sin(a), math.cos(a), math.sin(a)) for a in t]
    return lathe(prof, segments)


def box(half: Sequence[float], center: Sequence[float] = (0, 0, 0)) -> Mesh:
    """An axis-aligned box with flat faces."""
    hx, hy, hz = half
    faces = []
    for axis in range(3):
        for sign in (-1.0, 1.0):
            n = np.zeros(3)
            n[axis] = sign
            u, v = np.roll(np.eye(3), 1, 0)[axis], np.roll(np.eye(3), 2, 0)[axis]
            corners = np.array([n + su * u + sv * v for su, sv in ((-1, -1), (1, -1), (1, 1), (-1, 1))])
            faces.append((corners * (hx, hy, hz), np.tile(n, (4, 1))))
    pos = np.concatenate([f[0] for f in faces]) + np.asarray(center, float)
    nrm = np.concatenate([f[1] for f in faces])
    quads = np.arange(6)[:, None] * 4
    idx = np.concatenate([quads + (0, 1, 2), quads + (0, 2, 3)]).astype(np.uint32)
    return _oriented(pos, nrm, idx)


def quad(half_x: float, half_z: float, center: Sequence[float] = (0, 0, 0), subdivisions: int | tuple[int, int] = 1) -> Mesh:
    """A horizontal rectangle facing +y, subdivided (x, z) so per-vertex light and fog follow it."""
    nx, nz = (subdivisions, subdivisions) if isinstance(subdivisions, int) else subdivisions
    xs = np.linspace(-half_x, half_x, nx + 1)
    zs = np.linspace(-half_z, half_z, nz + 1)
    gz, gx = np.meshgrid(zs, xs, indexing="ij")
    pos = np.stack([gx, np.zeros_like(gx), gz], -1).reshape(-1, 3) + np.asarray(center, float)
    nrm = np.tile((0.0, 1.0, 0.0), (len(pos), 1))
    return _oriented(pos, nrm, _grid_indices(nz, nx))


# --- colour and vertex buffers --------------------------------------------------------------


def linear_rgb(color: str | Sequence[float]) -> np.ndarray:
    """A "#rrggbb" sRGB colour (or an sRGB 0..1 triple) in linear light."""
    if isinstance(color, str):
        c = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], float) / 255.0
    else:
        c = np.asarray(color, float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def shade(color: np.ndarray, factor: float) -> np.ndarray:
    """A linear colour scaled (darker below 1, lighter above), kept within 0..1."""
    return np.clip(np.asarray(color) * factor, 0.0, 1.0)


@dataclass
class MeshBuilder:
    """Collects coloured parts, each bound to one bone, into one vertex and index buffer."""

    joints: dict[str, np.ndarray] = field(default_factory=dict)
    bone_index: dict[str, int] = field(default_factory=dict)
    _vertices: list[np.ndarray] = field(default_factory=list)
    _indices: list[np.ndarray] = field(default_factory=list)
    _count: int = 0

    def add(self, mesh: Mesh, color, bone: str = "", gloss: float = 0.1, emissive: float = 0.0) -> None:
        """Append ``mesh`` (in rest space) in linear ``color``, bound to ``bone``."""
        origin = self.joints.get(bone, np.zeros(3))
        n = len(mesh.positions)
        v = np.empty((n, VERTEX_FLOATS), np.float32)
        v[:, 0:3] = mesh.positions - origin
        v[:, 3:6] = mesh.normals
        v[:, 6:9] = np.asarray(color, float)[:3]
        v[:, 9] = gloss
        v[:, 10] = emissive
        v[:, 11] = self.bone_index.get(bone, 0)
        self._vertices.append(v)
        self._indices.append(mesh.indices + self._count)
        self._count += n

    def build(self) -> tuple[np.ndarray, np.ndarray]:
        """The interleaved float32 vertices and uint32 triangle indices."""
        return np.concatenate(self._vertices), np.concatenate(self._indices).astype(np.uint32)
