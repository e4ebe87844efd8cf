"""Faces: emotion blend poses, intensity, transitions over time, posture, and what they render to."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from screenplay_compiler.animate import frame_at
from screenplay_compiler.api import compile_text
from screenplay_compiler.castsheet import face_camera
from screenplay_compiler.faces import EASE, EMOTIONS, HOLD, LEAD, NEUTRAL, RELAX, Face, apply, face_at, face_for
from screenplay_compiler.frame import ActorState, FrameState, Pose, SetState
from screenplay_compiler.render import Renderer
from screenplay_compiler.render.skeleton import BONE_INDEX, local_transforms, pose_matrices, proportions
from screenplay_compiler.tracks import Speech, TrackSettings, build_tracks

from .test_render import appearance

REQUIRED = ("neutral", "happy", "sad", "angry", "surprised", "afraid", "disgusted", "worried", "shy", "smug")


def said(start: float, end: float, emotion: str, intensity: float = 1.0) -> Speech:
    """A spoken line with only what faces read."""
    return Speech(line_id="l", start=start, end=end, first_frame=0, mouth=(), emotion=emotion, intensity=intensity)


class TestPoses:
    def test_at_least_ten_distinct_emotions(self):
        assert set(REQUIRED) <= set(EMOTIONS) and len(EMOTIONS) >= 10
        values = {tuple(getattr(f, k.name) for k in fields(Face)) for f in EMOTIONS.values()}
        assert len(values) == len(EMOTIONS)

    def test_intensity_scales_and_unknown_is_neutral(self):
        angry = face_for("angry")
        assert face_for("angry", 0.5).brow_tilt == pytest.approx(0.5 * angry.brow_tilt)
        assert face_for("angry", 1.4).brow_tilt == pytest.approx(1.4 * angry.brow_tilt)
        assert face_for("angry", 0.0) == NEUTRAL and face_for("bemused") == NEUTRAL

    def test_expected_features(self):
        assert EMOTIONS["happy"].smile > 0.5 > EMOTIONS["sad"].smile
        assert EMOTIONS["angry"].brow_tilt < 0 < EMOTIONS["worried"].brow_tilt
        assert EMOTIONS["surprised"].brow_raise > 0.5 and EMOTIONS["surprised"].lids > 0.5
        assert EMOTIONS["smug"].smirk > 0 and EMOTIONS["shy"].gaze_pitch < 0

    def test_sad_posture_lowers_the_head_and_curls_the_chest(self):
        p = proportions(appearance())
        head = lambda face: pose_matrices(p, apply(Pose(), face), np.eye(4))[BONE_INDEX["head"]]
        neutral, sad = head(NEUTRAL), head(EMOTIONS["sad"])
        assert sad[1, 3] < neutral[1, 3] and sad[2, 3] > neutral[2, 3] + 0.02  # the neck comes forward
        assert sad[1, 2] < neutral[1, 2] - 0.2  # and the face looks down

    def test_expression_bones(self):
        p = proportions(appearance())
        local = local_transforms(apply(Pose(mouth_round=1.0), EMOTIONS["angry"]), p, False)
        rest = local_transforms(Pose(), p, False)
        assert local["lip_u"][0, 0] < 0.7 and rest["lip_u"][0, 0] == 1.0  # rounded lips are narrower
        assert local["brow_l"][1, 3] < 0 and local["brow_l"][0, 1] != 0  # angry brows: down and tilted
        assert local["lid_l"][1, 1] != rest["lid_l"][1, 1]


class TestTiming:
    def test_eases_in_holds_and_relaxes(self):
        lines = [said(1.0, 2.0, "angry")]
        assert face_at(lines, 0.5) == NEUTRAL
        mid = face_at(lines, 1.0 - LEAD + EASE / 2).brow_tilt
        assert EMOTIONS["angry"].brow_tilt < mid < 0
        assert face_at(lines, 1.0 - LEAD + EASE).brow_tilt == pytest.approx(EMOTIONS["angry"].brow_tilt)
        assert face_at(lines, 2.0 + HOLD).brow_tilt == pytest.approx(EMOTIONS["angry"].brow_tilt)  # the listener keeps it
        assert EMOTIONS["angry"].brow_tilt < face_at(lines, 2.0 + HOLD + RELAX / 2).brow_tilt < 0
        assert face_at(lines, 2.0 + HOLD + RELAX) == NEUTRAL

    def test_smooth_between_lines(self):
        lines = [said(0.5, 1.5, "happy"), said(2.0, 3.0, "sad", 1.2)]
        smiles = [face_at(lines, i / 60).smile for i in range(240)]
        assert max(abs(a - b) for a, b in zip(smiles, smiles[1:])) < 0.15
        assert smiles[60] == pytest.approx(EMOTIONS["happy"].smile) and smiles[170] == pytest.approx(1.2 * EMOTIONS["sad"].smile)

    def test_a_shot_moved_in_time_wears_the_same_faces(self):
        lines = [said(0.5, 1.5, "afraid"), said(9.0, 10.0, "happy")]
        moved = [said(0.5, 1.5, "afraid"), said(12.0, 13.0, "happy")]
        for dt in (0.0, 0.2, 1.0, 4.0):
            assert face_at(lines, 8.0 + dt, 8.0) == face_at(moved, 11.0 + dt, 11.0)


SCRIPT = """CAST
MEI: young woman, short black hair, red coat
JUN: tall man, short brown hair, blue jacket

EXT. PARK - DAY
[TWO-SHOT MEI AND JUN]
MEI (angry): Where were you?
JUN (sad): I am sorry.
"""


def test_speaker_wears_the_line_emotion_and_listener_keeps_theirs(line_audio):
    episode = compile_text(SCRIPT, "f.play").episode
    tracks = build_tracks(episode, line_audio(episode, 1.0), TrackSettings(fps=24, width=320, height=180))
    mei_line, jun_line = tracks.cues
    during_mei = {a.name: a.pose for a in frame_at(episode, tracks, mei_line.start + 0.5).actors}
    assert during_mei["MEI"].brow_tilt == pytest.approx(EMOTIONS["angry"].brow_tilt, abs=1e-3)
    assert during_mei["JUN"].brow_tilt == 0.0
    during_jun = {a.name: a.pose for a in frame_at(episode, tracks, jun_line.start + 0.5).actors}
    assert during_jun["JUN"].smile == pytest.approx(EMOTIONS["sad"].smile, abs=1e-3)
    assert during_jun["MEI"].brow_tilt == pytest.approx(EMOTIONS["angry"].brow_tilt, abs=1e-3)  # still cross


def test_every_expression_renders_differently():
    look = appearance(hair_style="short", accessories=())
    with Renderer(160, 90) as r:
        images = {e: r.render(FrameState(SetState("park", "day"), face_camera(look),
                                         (ActorState("Ann", look, 0.0, 0.0, 0.0, apply(Pose(), face_for(e))),)))
                  for e in REQUIRED}
    for i, a in enumerate(REQUIRED):
        for b in REQUIRED[i + 1 :]:
            changed = (np.abs(images[a].astype(int) - images[b].astype(int)).max(axis=2) > 12).sum()
            assert changed > 40, (a, b, changed)
