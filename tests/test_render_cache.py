"""The static-view set cache: a shot drawn over the cached set matches the same shot drawn in full,
pixel for pixel, and the redrawn rectangle is only where the characters' shadows can fall."""

from __future__ import annotations

import numpy as np
import pytest

from screenplay_compiler.frame import ActorState, CameraState, FrameState, Pose, SetState
from screenplay_compiler.render import Renderer
from screenplay_compiler.render.camera import view_projection
from screenplay_compiler.render.renderer import screen_rect
from screenplay_compiler.render.shadows import shadow_reach

from .test_render import appearance

W, H = 160, 90
WIDE = CameraState(eye=(1.5, 1.8, 7.0), target=(0.0, 1.2, -4.0), fov_deg=50.0)


def static_shot(set_name: str, time: str, weather: str, style: str, frames: int = 4) -> list[FrameState]:
    """A static camera; one character walks across the set while the other waves."""
    shot = []
    for i in range(frames):
        walker = ActorState("Ann", appearance(), -1.0 + 0.1 * i, 0.05 * i, 0.3 * i, Pose(walk=1.0, walk_phase=0.9 * i))
        waver = ActorState("Bo", appearance(), 1.2, -0.5, -0.4, Pose(wave=1.0, wave_phase=0.5 * i))
        shot.append(FrameState(SetState(set_name, time, weather, style, clock=i / 30), WIDE, (walker, waver)))
    return shot


class TestSameAsFull:
    @pytest.mark.parametrize("look, options", [
        (("park", "day", "clear", "realistic"), {}),
        (("bridge", "night", "rain", "realistic"), {}),
        (("bamboo", "dusk", "snow", "toon"), {}),
        (("kitchen", "day", "clear", "realistic"), {}),  # indoors: only the characters cast
        (("park", "day", "clear", "realistic"), {"aa": "msaa"}),
        (("bridge", "dusk", "fog", "realistic"), {"draft": True}),
    ], ids=["park", "bridge-rain", "bamboo-toon-snow", "kitchen", "msaa", "draft"])
    def test_static_shot_pixel_identical(self, look, options):
        with Renderer(W, H, cache_set=False, **options) as full, Renderer(W, H, **options) as cached:
            for frame in static_shot(*look):
                assert np.array_equal(cached.render(frame), full.render(frame))
            assert cached._set_image.key is not None  # the later frames were drawn over the cached set

    def test_cache_is_hit_and_a_cut_misses(self):
        shot = [FrameState(f.set, f.camera, f.actors[1:]) for f in static_shot("park", "day", "clear", "realistic")]
        other = [FrameState(f.set, CameraState((-2.0, 2.0, 8.0), (0.0, 1.0, -2.0)), f.actors) for f in shot[:2]]
        with Renderer(W, H, cache_set=False) as full, Renderer(W, H) as cached:
            keys = []
            for frame in shot[:2] + other + shot[2:]:
                assert np.array_equal(cached.render(frame), full.render(frame))
                keys.append(cached._set_image.key)
        # a view is cached when a second frame repeats it: a moving camera is always drawn in full
        assert keys[0] is None and keys[1] == keys[2] == keys[5] and keys[3] == keys[4] != keys[1]


    def test_close_up_is_drawn_in_full(self):
        close = CameraState((0.6, 1.5, 1.6), (-0.4, 1.3, -0.5), 40.0)  # the characters fill the frame
        shot = [FrameState(f.set, close, f.actors) for f in static_shot("park", "day", "clear", "realistic", 3)]
        with Renderer(W, H, cache_set=False) as full, Renderer(W, H) as cached:
            for frame in shot:
                assert np.array_equal(cached.render(frame), full.render(frame))
            assert cached._set_image.key is None  # the redraw would cover most of it: not worth caching


class TestReshadowRect:
    def test_covers_less_than_the_frame_in_a_wide_shot(self):
        box = np.array([[-0.3, 0.0, -0.3], [0.3, 1.8, 0.3]])
        vp = view_projection(WIDE, 1280 / 720, flip_y=True)
        x, y, w, h = screen_rect(shadow_reach([box], (0.45, 0.75, 0.6), 0.0), vp, 1280, 720)
        assert 0 < w * h < 0.25 * 1280 * 720

    def test_reaches_behind_the_camera(self):
        box = np.array([[-0.3, 0.0, 6.5], [0.3, 1.8, 8.0]])  # around the camera itself
        vp = view_projection(WIDE, 1280 / 720, flip_y=True)
        assert screen_rect(shadow_reach([box], (0.45, 0.75, 0.6), 0.0), vp, 1280, 720) is not None

    def test_off_screen_casters_redraw_nothing(self):
        box = np.array([[-0.3, 0.0, 20.0], [0.3, 1.8, 21.0]])  # behind the camera, shadow falls away
        vp = view_projection(WIDE, 1280 / 720, flip_y=True)
        assert screen_rect(shadow_reach([box], (0.0, 0.75, 0.6), 0.0), vp, 1280, 720) is None
