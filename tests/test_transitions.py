"""Transitions on rendered pixels: fade in from black, dissolve, wipe, fade out to black."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from screenplay_compiler import api
from screenplay_compiler.animate import shot_frame
from screenplay_compiler.render import Renderer

from .conftest import ROOT


@pytest.fixture(scope="module")
def film(tmp_path_factory):
    """The transitions construct timed with its real voices, and a frame renderer for it."""
    compiled = api.compile_file(ROOT / "tests" / "golden" / "constructs" / "transitions.play")
    audio = api.synthesize(compiled.episode, tmp_path_factory.mktemp("voices"))
    tracks = api.schedule(compiled.episode, audio, api.BuildSettings(width=96, height=54))
    renderer = Renderer(96, 54, draft=True)

    def frame(index: int, t: float, blend: bool = True) -> np.ndarray:
        shot = tracks.shots[index]
        state = shot_frame(compiled.episode, tracks, shot, t)
        if not blend:
            state = dataclasses.replace(state, blend=None)
        return renderer.render_rgba(state)[..., :3].astype(np.float32)

    return tracks, frame


def test_fade_in_starts_black_and_clears(film):
    tracks, frame = film
    shot = tracks.shots[0]
    first, mid, late = frame(0, shot.start), frame(0, shot.start + 0.5), frame(0, shot.start + 1.2)
    assert first.mean() < 1.0 and 10 < mid.mean() < late.mean() * 0.9
    assert np.abs(late - frame(0, shot.start + 1.2, blend=False)).max() == 0  # after the fade: untouched


def test_dissolve_mixes_the_shot_before(film):
    tracks, frame = film
    shot = tracks.shots[2]
    t = shot.start + 1.0  # half-way through the 2 s dissolve
    mixed, new, old = frame(2, t), frame(2, t, blend=False), frame(1, t, blend=False)
    assert np.abs(new - old).mean() > 10  # the two shots differ
    assert np.abs(mixed - (new + old) / 2).mean() < np.abs(new - old).mean() / 3


def test_wipe_reveals_from_the_left(film):
    tracks, frame = film
    shot = tracks.shots[3]
    t = shot.start + 0.3  # half-way through the 0.6 s wipe
    wiped, new, old = frame(3, t), frame(3, t, blend=False), frame(2, t, blend=False)
    left, right = slice(0, 20), slice(-20, None)
    assert np.abs(wiped[:, left] - new[:, left]).mean() < 1 and np.abs(wiped[:, right] - old[:, right]).mean() < 1


def test_fade_out_ends_black(film):
    tracks, frame = film
    shot = tracks.shots[3]
    last = (shot.first_frame + shot.frame_count - 1) / tracks.fps
    assert frame(3, last).mean() < 6.0 and frame(3, shot.end - 1.5 + 0.3).mean() > 30
