"""A static mesh cut into spatial chunks, so that a view draws only the chunks it can see, nearest
first.

llvmpipe runs the vertex shader, clipping and triangle setup for every triangle of a draw on the
main thread, seen or not, and shades every fragment that passes the depth test so far. Culling
chunks outside the view saves the first; drawing the nearest chunks first lets the early depth
test skip the hidden surfaces behind them, which saves the second (a wide of the bridge set
shaded 1.43 fragments a pixel drawn in build order).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .shadows import box_corners

CHUNK_TRIANGLES = 384  # at most this many triangles a chunk: a few per prop, a few dozen a set
LOOKUP_REACH = 0.05  # metres a shadow lookup can sit off its surface (the normal offset is ~1-3 cm)


@dataclass(frozen=True)
class Chunks:
    """Triangles regrouped so that every chunk is a contiguous run, and each chunk's world box."""

    indices: np.ndarray  # (triangles, 3) uint32, chunk after chunk
    starts: np.ndarray   # (chunks,) first triangle of each chunk
    counts: np.ndarray   # (chunks,) triangles of each chunk
    lo: np.ndarray       # (chunks, 3) box corners
    hi: np.ndarray

    def view_chunks(self, vp: np.ndarray, eye, to_shadow: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The chunks the view ``vp`` (world -> clip) from ``eye`` can see, nearest first (equal
        distances keep build order): those the shadow map (world -> texture ``to_shadow``) may
        cover, and those wholly outside it (none without a map)."""
        order = visible_chunks(self.lo, self.hi, vp, eye)
        outside = np.zeros(len(order), bool)
        if to_shadow is not None and len(order):
            outside = outside_map(self.lo[order] - LOOKUP_REACH, self.hi[order] + LOOKUP_REACH, to_shadow)
        return order[~outside], order[outside]

    def under(self, chunks: np.ndarray, to_shadow: np.ndarray, rects: np.ndarray, depths: np.ndarray) -> np.ndarray:
        """Those of ``chunks`` (in their order) with a point that can fall in one of the shadow-map
        footprints ``rects`` (u0, v0, u1, v1) farther from the light than that footprint's depth:
        the only chunks a caster there can shadow."""
        if len(chunks) == 0 or len(rects) == 0:
            return chunks[:0]
        tex = _corners(self.lo[chunks] - LOOKUP_REACH, self.hi[chunks] + LOOKUP_REACH) @ to_shadow.T
        lo, hi = tex[..., :3].min(axis=1), tex[..., :3].max(axis=1)  # (chunks, 3): the hull's box
        hit = ((lo[:, None, 0] <= rects[None, :, 2]) & (hi[:, None, 0] >= rects[None, :, 0])
               & (lo[:, None, 1] <= rects[None, :, 3]) & (hi[:, None, 1] >= rects[None, :, 1])
               & (hi[:, None, 2] > depths[None, :]))
        return chunks[hit.any(axis=1)]

    def run(self, order: np.ndarray) -> np.ndarray:
        """The triangles of chunks ``order``, one after the other."""
        if len(order) == 0:
            return self.indices[:0]
        return np.concatenate([self.indices[s:s + n] for s, n in zip(self.starts[order], self.counts[order])])


def partition(positions: np.ndarray, indices: np.ndarray, limit: int = CHUNK_TRIANGLES) -> Chunks:
    """Split triangles ``indices`` (of vertex ``positions``) into chunks of at most ``limit``:
    halve along the longest axis of their centroids, at the median, until each part fits.
    Triangles keep their build order inside a chunk."""
    tris = positions[indices.reshape(-1)].reshape(-1, 3, 3)
    parts = _split(tris.mean(axis=1), np.arange(len(indices)), limit)
    order = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    counts = np.array([len(p) for p in parts], np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64) if parts else counts
    lo = np.array([tris[p].reshape(-1, 3).min(axis=0) for p in parts]).reshape(-1, 3)
    hi = np.array([tris[p].reshape(-1, 3).max(axis=0) for p in parts]).reshape(-1, 3)
    return Chunks(np.ascontiguousarray(indices[order], dtype=np.uint32), starts, counts, lo, hi)


def _split(centroids: np.ndarray, ids: np.ndarray, limit: int) -> list[np.ndarray]:
    """Triangles ``ids`` in parts of at most ``limit``, halved at the median centroid along the
    longest axis, in a fixed order."""
    parts: list[np.ndarray] = []
    stack = [ids] if len(ids) else []
    while stack:
        ids = stack.pop()
        if len(ids) <= limit:
            parts.append(ids)
            continue
        c = centroids[ids]
        axis = int(np.argmax(c.max(axis=0) - c.min(axis=0)))
        split = np.argsort(c[:, axis], kind="stable")
        half = len(ids) // 2
        low, high = np.sort(ids[split[:half]]), np.sort(ids[split[half:]])
        stack += [high, low]  # low first: chunks come out in a fixed, seed-free order
    return parts


def _corners(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The 8 corners of each box, homogeneous: (boxes, 8, 4)."""
    corners = box_corners(lo, hi)
    return np.concatenate([corners, np.ones(corners.shape[:2] + (1,))], axis=2)


def outside_map(lo: np.ndarray, hi: np.ndarray, to_shadow: np.ndarray) -> np.ndarray:
    """Whether each box lies wholly off the shadow map (world -> texture ``to_shadow``, an
    orthographic light: the box's image is the hull of its corners' images), beside its square
    or beyond its far plane, where every lookup answers "lit"."""
    tex = _corners(lo, hi) @ to_shadow.T
    out = np.zeros(len(lo), bool)
    for axis in range(2):
        out |= np.all(tex[..., axis] < 0.0, axis=1) | np.all(tex[..., axis] > 1.0, axis=1)
    return out | np.all(tex[..., 2] >= 1.0, axis=1)


def visible_chunks(lo: np.ndarray, hi: np.ndarray, vp: np.ndarray, eye) -> np.ndarray:
    """Indices of the boxes (``lo``, ``hi`` corners) not wholly outside one plane of the view
    frustum of ``vp``, nearest box centre to ``eye`` first."""
    if len(lo) == 0:
        return np.zeros(0, np.int64)
    clip = _corners(lo, hi) @ vp.T
    w = clip[..., 3]
    outside = np.zeros(len(lo), bool)
    for axis in range(3):
        outside |= np.all(clip[..., axis] > w, axis=1) | np.all(clip[..., axis] < -w, axis=1)
    seen = np.flatnonzero(~outside)
    distance = np.linalg.norm((lo[seen] + hi[seen]) * 0.5 - np.asarray(eye, float), axis=1)
    return seen[np.argsort(distance, kind="stable")]
