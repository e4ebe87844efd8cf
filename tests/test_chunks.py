"""The set cut into chunks: every triangle kept once, chunks out of view culled, nearest first, and
a view drawn from its chunks looks like the whole set drawn."""

from __future__ import annotations

import numpy as np
import pytest

from screenplay_compiler.frame import CameraState, FrameState, SetState
from screenplay_compiler.render import Renderer
from screenplay_compiler.render.camera import view_projection
from screenplay_compiler.render.chunks import partition, visible_chunks
from screenplay_compiler.render.scenery import build_scenery

W, H = 192, 108


def _sorted_rows(a: np.ndarray) -> np.ndarray:
    return a[np.lexsort(a.T[::-1])]


@pytest.mark.parametrize("name", ["bridge", "bamboo", "kitchen", "train"])
def test_partition_keeps_every_triangle_once(name):
    scenery = build_scenery(name)
    chunks = partition(scenery.vertices[:, :3], scenery.indices, limit=300)
    assert np.array_equal(_sorted_rows(chunks.indices), _sorted_rows(scenery.indices))
    assert chunks.counts.sum() == len(scenery.indices) and chunks.counts.max() <= 300
    assert np.array_equal(chunks.starts, np.concatenate([[0], np.cumsum(chunks.counts)[:-1]]))
    for s, n, lo, hi in zip(chunks.starts, chunks.counts, chunks.lo, chunks.hi):
        points = scenery.vertices[chunks.indices[s:s + n].reshape(-1), :3]
        assert np.all(points >= lo - 1e-6) and np.all(points <= hi + 1e-6)


def test_partition_is_deterministic():
    scenery = build_scenery("bamboo")
    a, b = (partition(scenery.vertices[:, :3], scenery.indices) for _ in range(2))
    assert np.array_equal(a.indices, b.indices) and np.array_equal(a.starts, b.starts)


def test_boxes_out_of_view_are_culled_and_the_rest_sorted_nearest_first():
    camera = CameraState(eye=(0.0, 1.6, 0.0), target=(0.0, 1.6, -5.0), fov_deg=50.0)
    vp = view_projection(camera, 16 / 9)
    centres = np.array([[0, 1.6, -3], [0, 1.6, 5], [40, 1.6, -3], [0, 1.6, -10], [0, 1.6, -300], [0, 60, -3]], float)
    lo, hi = centres - 0.5, centres + 0.5
    assert visible_chunks(lo, hi, vp, camera.eye).tolist() == [0, 3]  # behind, aside, past far, above: culled
    # a box straddling a frustum plane is kept
    assert visible_chunks(np.array([[-50.0, 0, -6]]), np.array([[50.0, 3, -5]]), vp, camera.eye).tolist() == [0]


@pytest.mark.parametrize("name, camera, culls", [
    ("bamboo", CameraState(eye=(0.5, 1.5, 3.0), target=(0.0, 1.3, 0.0), fov_deg=35.0), True),
    ("bridge", CameraState(eye=(-2.0, 2.2, 8.0), target=(0.0, 1.0, -2.0), fov_deg=55.0), True),
    ("kitchen", CameraState(eye=(1.0, 1.6, 2.5), target=(-1.0, 1.0, -1.5), fov_deg=45.0), False),  # a small room: all in view
])
def test_a_view_drawn_from_its_chunks_matches_the_whole_set(name, camera, culls):
    """Culling loses nothing on screen: the same frame drawn with every triangle (in chunk order)
    differs only where equal-depth surfaces now meet in another order (a few pixels at most)."""
    frame = FrameState(SetState(name, "day"), camera)
    with Renderer(W, H, cache_set=False) as culled, Renderer(W, H, cache_set=False) as whole:
        a = culled.render(frame)
        b = whole.render(frame)  # uploads the set; then draw it whole
        stage = whole._sets[name]
        stage.view.render = lambda program, unshadowed=None: stage.mesh.render(program)
        stage.view.look = lambda vp, eye, to_shadow: None
        b = whole.render(frame)
        view = culled._sets[name].view
        seen = (view._shadowed + view._unshadowed) // 3
    assert (seen < build_scenery(name).indices.shape[0]) == culls
    differ = np.abs(a.astype(int) - b.astype(int)).max(axis=2) > 8
    assert differ.mean() < 0.002, f"{differ.sum()} pixels differ"


@pytest.mark.parametrize("name, time, weather, style", [
    ("bridge", "dawn", "clear", "realistic"),
    ("bamboo", "day", "fog", "realistic"),  # overcast: the soft four-tap shadow
    ("beach", "dusk", "clear", "toon"),
])
def test_chunks_the_shadow_map_misses_draw_the_same_without_lookups(name, time, weather, style):
    """The set beyond the key light's map is drawn by a variant with no shadow lookup: it must
    give exactly the pixels the lookup would (every lookup there answers "lit")."""
    from screenplay_compiler.frame import ActorState, Pose

    from .test_render import appearance

    camera = CameraState(eye=(-3.0, 2.0, 9.0), target=(0.0, 1.0, -2.0), fov_deg=60.0)
    frame = FrameState(SetState(name, time, weather, style), camera,
                       (ActorState("Ann", appearance(), 0.0, 0.0, 0.4, Pose()),))
    with Renderer(W, H, cache_set=False) as split, Renderer(W, H, cache_set=False) as lookups:
        a = split.render(frame)
        lookups.render(frame)
        for programs in lookups._lit_variants.values():
            programs.plain = programs.scenery
        b = lookups.render(frame)
        view = split._sets[name].view
        assert view._unshadowed > 0 and view._shadowed > 0  # both kinds in view
    assert np.array_equal(a, b)


def test_only_chunks_a_footprint_can_shadow_are_redrawn_over_the_cached_set():
    from screenplay_compiler.frame import ActorState, Pose
    from screenplay_compiler.render.shadows import caster_footprints

    from .test_render import appearance

    camera = CameraState(eye=(0.0, 1.7, 6.0), target=(0.0, 1.2, 0.0), fov_deg=50.0)
    frame = FrameState(SetState("bridge", "day"), camera, (ActorState("Ann", appearance(), 0.0, 0.0, 0.0, Pose()),))
    with Renderer(W, H) as renderer:
        renderer.render(frame)
        view = renderer._sets["bridge"].view
        chunks, to_tex = view._chunks, renderer._shadow.to_tex
        posed = renderer._pose(frame.actors[0], "bridge")
        rects, depths = caster_footprints([posed.box()], to_tex, 0.004)
        under = chunks.under(view._chunks_shadowed, to_tex, rects, depths)
    assert 0 < len(under) < len(view._chunks_shadowed)
    assert set(under) <= set(view._chunks_shadowed)
    # a chunk left out lies wholly beside every footprint, or nearer the light than the caster
    for c in set(view._chunks_shadowed) - set(under):
        corners = np.array([[x, y, z, 1.0] for x in (chunks.lo[c, 0], chunks.hi[c, 0])
                            for y in (chunks.lo[c, 1], chunks.hi[c, 1]) for z in (chunks.lo[c, 2], chunks.hi[c, 2])])
        tex = corners @ to_tex.T
        beside = (tex[:, 0].max() < rects[0, 0] or tex[:, 0].min() > rects[0, 2]
                  or tex[:, 1].max() < rects[0, 1] or tex[:, 1].min() > rects[0, 3])
        assert beside or tex[:, 2].max() <= depths[0]


def test_coarser_primitives_lie_inside_the_fine_ones():
    """The shadow caster is built at a lower detail: its facets are chords of the fine surface,
    so it never pokes out of the body it shadows (no acne on the lit side)."""
    from screenplay_compiler.render.geometry import detail, ellipsoid, limb

    for make in (lambda: ellipsoid((0.1, 0.12, 0.08), segments=20, rings=12), lambda: limb((0, 0, 0), (0, 0.3, 0.1), 0.05, 0.03, 12)):
        fine = make()
        with detail(0.5):
            coarse = make()
        assert 0 < len(coarse.indices) <= 0.5 * len(fine.indices)
        # every coarse vertex lies on the fine surface's hull or inside it
        centre = fine.positions.mean(axis=0)
        reach = np.linalg.norm(fine.positions - centre, axis=1).max()
        assert np.linalg.norm(coarse.positions - centre, axis=1).max() <= reach + 1e-9
