"""Imported character meshes bound rigidly to our rig (the drawing half of ``model:``).

The primitives of a model file (:mod:`..modelfile`) are stood up (y up; a model whose tallest
side is z is taken as z-up), scaled to the character's height with its feet at y=0 and
centred over the origin; then each triangle is bound to one bone: by its node's name when the
node is named like a bone (our names, mixamo's or BVH's), else to the nearest bone segment of
the rest pose. There are no skin weights: every triangle moves rigidly with its bone.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from ..ir import Appearance
from ..modelfile import ModelError, Part, model_file, parts
from .geometry import VERTEX_FLOATS, linear_rgb
from .skeleton import BONE_INDEX, Proportions, proportions

GLOSS = 0.15
PIECE = 0.45  # a separate piece shorter than this (x height) moves whole with one bone
# Body bones and the joint (or offset, x height) each one's segment runs to in the rest pose.
SEGMENTS: tuple[tuple[str, str | tuple[float, float, float]], ...] = (
    ("pelvis", "spine"), ("spine", "chest"), ("chest", "neck"), ("neck", "head"), ("head", (0.0, 0.13, 0.0)),
    ("clavicle_l", "upper_arm_l"), ("upper_arm_l", "forearm_l"), ("forearm_l", "hand_l"), ("hand_l", (0.0, -0.09, 0.0)),
    ("clavicle_r", "upper_arm_r"), ("upper_arm_r", "forearm_r"), ("forearm_r", "hand_r"), ("hand_r", (0.0, -0.09, 0.0)),
    ("thigh_l", "shin_l"), ("shin_l", "foot_l"), ("foot_l", (0.0, -0.04, 0.09)),
    ("thigh_r", "shin_r"), ("shin_r", "foot_r"), ("foot_r", (0.0, -0.04, 0.09)),
)


# ---- fitting to the character ---------------------------------------------------------------


def standing(parts: tuple[Part, ...], height: float) -> np.ndarray:
    """The 4x4 that stands the model up (y up), scales it to ``height`` and puts its feet at the origin."""
    points = np.concatenate([p.positions for p in parts])
    up = np.eye(4)
    extent = points.max(axis=0) - points.min(axis=0)
    if extent[2] > 1.3 * extent[1] and extent[2] >= extent[0]:  # tallest along z: a z-up model
        up[:3, :3] = [[1, 0, 0], [0, 0, 1], [0, -1, 0]]
    points = points @ up[:3, :3].T
    low, high = points.min(axis=0), points.max(axis=0)
    tall = high[1] - low[1]
    if tall <= 1e-9:
        raise ModelError("the model is flat: it has no height to scale to the character")
    s = height / tall
    centre = (low + high) / 2
    fit = np.diag([s, s, s, 1.0])
    fit[:3, 3] = (-centre[0] * s, -low[1] * s, -centre[2] * s)
    return fit @ up


def _segments(p: Proportions) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Bone names with their rest segments' start and end points."""
    names, starts, ends = [], [], []
    for bone, to in SEGMENTS:
        a = p.joints[bone]
        b = p.joints[to] if isinstance(to, str) else a + np.asarray(to) * p.height
        names.append(bone)
        starts.append(a)
        ends.append(b)
    return names, np.array(starts), np.array(ends)


def nearest_bones(points: np.ndarray, p: Proportions) -> np.ndarray:
    """For each point, the index (into BONES) of the nearest rest bone segment."""
    names, a, b = _segments(p)
    ab = b - a
    t = np.clip(np.einsum("pkj,kj->pk", points[:, None, :] - a[None], ab) / np.einsum("kj,kj->k", ab, ab), 0.0, 1.0)
    closest = a[None] + t[..., None] * ab[None]
    nearest = np.argmin(np.linalg.norm(points[:, None, :] - closest, axis=2), axis=1)
    return np.array([BONE_INDEX[names[i]] for i in nearest], np.int64)


def named_bone(name: str) -> str | None:
    """The bone a node is named after (``forearm_l``, ``mixamorig:LeftForeArm``, ``LeftLeg``), if any."""
    from ..mocap import JOINT_NAMES, canonical

    key = re.sub(r"[-_.]\d+$", "", name.rsplit(":", 1)[-1])  # exporters number duplicates: "head.001"
    if key.lower() in BONE_INDEX and key.lower() not in ("root",):
        return key.lower()
    return JOINT_NAMES.get(canonical(key))


def _rigid_pieces(faces: np.ndarray, tri: np.ndarray, bones: np.ndarray, height: float) -> np.ndarray:
    """Per-triangle bones, with each small separate piece (a box for a forearm, a head) bound
    whole to the bone most of its area is nearest: a piece must not tear along a joint."""
    labels = _components(faces)
    area = np.linalg.norm(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), axis=1)
    out = bones.copy()
    for label in np.unique(labels):
        mine = labels == label
        points = tri[mine].reshape(-1, 3)
        if np.ptp(points[:, 1]) > PIECE * height:  # a whole body in one mesh: triangle by triangle
            continue
        votes = np.bincount(bones[mine], weights=area[mine] + 1e-12)
        out[mine] = int(np.argmax(votes))
    return out


def _components(faces: np.ndarray) -> np.ndarray:
    """A label per triangle: triangles sharing vertices (directly or through others) share a label."""
    labels = np.arange(int(faces.max()) + 1 if len(faces) else 0)
    for _ in range(256):  # label propagation; pieces are small, so this settles in a few rounds
        low = labels[faces].min(axis=1)
        before = labels.copy()
        np.minimum.at(labels, faces.reshape(-1), np.repeat(low, 3))
        labels = labels[labels]  # jump to the label's label
        if np.array_equal(labels, before):
            break
    return labels[faces[:, 0]]


def build_imported(a: Appearance) -> tuple[np.ndarray, np.ndarray, Proportions]:
    """Interleaved vertices, triangle indices and proportions of ``a`` drawn with its model."""
    if a.model is None:
        raise ValueError("build_imported needs an appearance with a model")
    return _built(a, str(model_file(a.model)))


@lru_cache(maxsize=16)
def _built(a: Appearance, path: str) -> tuple[np.ndarray, np.ndarray, Proportions]:
    """build_imported's work, cached per appearance (whose model hash names the file's content)."""
    p = proportions(a)
    pieces = parts(a.model.sha256, path)
    fit = standing(pieces, a.height_m)
    chunks = [_vertices(part, fit, p) for part in pieces]
    vertices = np.concatenate(chunks).astype(np.float32)
    return vertices, np.arange(len(vertices), dtype=np.uint32).reshape(-1, 3), p


def _vertices(part: Part, fit: np.ndarray, p: Proportions) -> np.ndarray:
    """One part as un-indexed vertex rows, each triangle bound to one bone."""
    corners = part.faces.reshape(-1)
    pos = part.positions[corners] @ fit[:3, :3].T + fit[:3, 3]
    if part.normals is not None:
        normals = part.normals[corners] @ np.linalg.inv(fit[:3, :3])
    else:
        tri = pos.reshape(-1, 3, 3)
        normals = np.repeat(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), 3, axis=0)
    normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-9)
    named = named_bone(part.name) if part.name else None
    if named is not None:
        bones = np.full(len(part.faces), BONE_INDEX[named])
    else:
        tri = pos.reshape(-1, 3, 3)
        bones = _rigid_pieces(part.faces, tri, nearest_bones(tri.mean(axis=1), p), p.height)
    bones = np.repeat(bones, 3)
    names = [name for name, _ in sorted(BONE_INDEX.items(), key=lambda kv: kv[1])]
    origins = np.array([p.joints[names[b]] for b in bones]) if len(bones) else np.zeros((0, 3))
    out = np.empty((len(pos), VERTEX_FLOATS), np.float32)
    out[:, 0:3] = pos - origins
    out[:, 3:6] = normals
    out[:, 6:9] = linear_rgb(part.colors[corners])
    out[:, 9] = GLOSS
    out[:, 10] = 0.0
    out[:, 11] = bones
    return out
