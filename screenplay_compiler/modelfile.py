"""Model files named by ``model:`` cast lines: checked when a script compiles, read by content.

glTF/GLB/OBJ files are read with trimesh: the scene graph flattened with every node's
transform, one :class:`Part` per primitive with its colour (vertex colours, else the
material's base colour times its texture's average) and its node's name. Compiling checks
the file (:func:`check_model`) and registers where it lies under its sha256; the renderer and
its workers find it by the hash in the IR, so the IR keeps only the path as written.
Pure numpy and trimesh: no GL, so ``sdc check`` reads models without a renderer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .ir import ModelRef

SUFFIXES = (".glb", ".gltf", ".obj")
DEFAULT_COLOR = (0.7, 0.7, 0.7)  # sRGB grey for a primitive without a material
MAX_TRIANGLES = 500_000

_FILES: dict[str, Path] = {}  # sha256 -> a file with those bytes, registered by check_model


class ModelError(ValueError):
    """A model file that cannot be read, or holds nothing to draw."""


@dataclass(frozen=True, eq=False)
class Part:
    """One primitive of a model, in model space: triangles, normals, a linear colour and its node's name."""

    positions: np.ndarray  # (n, 3)
    normals: np.ndarray | None  # (n, 3); None when the file has none (flat normals are made)
    faces: np.ndarray  # (m, 3)
    colors: np.ndarray  # (n, 3) sRGB, 0..1
    name: str  # the node's name ("" when the format's names cannot be trusted)


# ---- reading ---------------------------------------------------------------------------------


def check_model(path: Path) -> str:
    """The sha256 of a readable model file (registered for the renderer); ModelError otherwise."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise ModelError(f"'{path.name}' is not a model sdc reads (it reads {', '.join(SUFFIXES)})")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    parts(digest, str(path))
    _FILES[digest] = path.resolve()
    return digest


def register(digest: str, path: Path) -> None:
    """Tell this process where the model with hash ``digest`` lies (render workers get this from the build)."""
    _FILES[digest] = Path(path)


def registered(refs) -> tuple[tuple[str, str], ...]:
    """(sha256, path) of each registered model among ``refs`` (for handing to render workers)."""
    return tuple(sorted({(r.sha256, str(_FILES[r.sha256])) for r in refs if r is not None and r.sha256 in _FILES}))


def model_file(ref: ModelRef) -> Path:
    """The file holding the model ``ref`` names; ModelError when this process never saw it."""
    path = _FILES.get(ref.sha256)
    if path is None or not path.is_file():
        raise ModelError(f"the model '{ref.path}' was not checked in this process (compile the script first)")
    return path


@lru_cache(maxsize=16)
def parts(digest: str, path: str) -> tuple[Part, ...]:
    """The primitives of the model file at ``path`` (cached by content ``digest``)."""
    import trimesh

    try:
        scene = trimesh.load(path, force="scene", process=False)
    except Exception as exc:  # trimesh raises many kinds for a broken file; all mean the same here
        raise ModelError(f"cannot read '{Path(path).name}': {_reason(exc)}") from None
    found = []
    named = Path(path).suffix.lower() != ".obj"  # trimesh merges OBJ objects by material: their names mislead
    for node in sorted(scene.graph.nodes_geometry):
        transform, name = scene.graph[node]
        geometry = scene.geometry.get(name)
        if geometry is None or not hasattr(geometry, "faces") or len(geometry.faces) == 0:
            continue
        found.append(_part(geometry, np.asarray(transform, float), str(node) if named else ""))
    triangles = sum(len(p.faces) for p in found)
    if triangles == 0:
        raise ModelError(f"'{Path(path).name}' holds no triangles")
    points = np.concatenate([p.positions for p in found])
    if np.ptp(points, axis=0)[1:].max() <= 1e-9:
        raise ModelError(f"'{Path(path).name}' is flat: it has no height to fit to the character")
    if triangles > MAX_TRIANGLES:
        raise ModelError(f"'{Path(path).name}' has {triangles} triangles; a character may have at most {MAX_TRIANGLES}")
    return tuple(found)


def _reason(exc: Exception) -> str:
    """A one-line reason from a loader's exception."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


def _part(geometry, transform: np.ndarray, name: str) -> Part:
    """One trimesh geometry placed by its node ``transform``."""
    positions = np.asarray(geometry.vertices, float) @ transform[:3, :3].T + transform[:3, 3]
    faces = np.asarray(geometry.faces, np.int64)
    if np.linalg.det(transform[:3, :3]) < 0:
        faces = faces[:, ::-1]
    normals = None
    if "vertex_normals" in geometry._cache:  # normals the file gave (trimesh would otherwise compute them)
        normals = np.asarray(geometry.vertex_normals, float) @ np.linalg.inv(transform[:3, :3])
        normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-9)
    return Part(positions, normals, faces, _colors(geometry, len(positions)), name)


def _colors(geometry, n: int) -> np.ndarray:
    """(n, 3) sRGB colours: vertex colours, else the material's base colour times its texture's average."""
    visual = getattr(geometry, "visual", None)
    kind = getattr(visual, "kind", None)
    if kind == "vertex":
        return np.asarray(visual.vertex_colors, float)[:, :3] / 255.0
    color = np.asarray(DEFAULT_COLOR, float)
    if kind == "face":
        color = np.asarray(visual.face_colors, float)[:, :3].mean(axis=0) / 255.0
    material = getattr(visual, "material", None)
    if material is not None:
        color = _material_color(material)
    return np.broadcast_to(color, (n, 3)).copy()


def _material_color(material) -> np.ndarray:
    """The sRGB colour of a PBR or simple material: its base colour times its texture's average."""
    factor = getattr(material, "baseColorFactor", None)
    if factor is None:
        factor = getattr(material, "diffuse", None)
    color = np.asarray(DEFAULT_COLOR, float) if factor is None else _unit_rgb(factor)
    image = getattr(material, "baseColorTexture", None) or getattr(material, "image", None)
    if image is not None:
        color = color * np.asarray(image.convert("RGB"), float).reshape(-1, 3).mean(axis=0) / 255.0
    return np.clip(color, 0.0, 1.0)


def _unit_rgb(value) -> np.ndarray:
    """An RGB(A) colour as floats in 0..1 (trimesh keeps them as bytes, glTF as floats)."""
    c = np.asarray(value)
    return c[:3].astype(float) / (255.0 if c.dtype.kind in "iu" else 1.0)

