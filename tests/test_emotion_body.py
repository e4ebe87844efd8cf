"""Emotion in the body: posture under the actions, automatic speech gestures, a push's stagger,
and coverage timing taken from the action table."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from screenplay_compiler import actions, coverage, ir
from screenplay_compiler.animate import frame_at
from screenplay_compiler.api import compile_text
from screenplay_compiler.faces import EMOTIONS, apply, face_for, posture_bones
from screenplay_compiler.frame import Pose
from screenplay_compiler.render.skeleton import BONE_INDEX, pose_matrices, proportions
from screenplay_compiler.tracks import STAGGER_STEP, TrackSettings, build_tracks, sample_keys

from .conftest import TWO_HANDER, tone

HEAD = TWO_HANDER + "[WIDE]\n"
SETTINGS = TrackSettings(fps=24, width=160, height=90)
GESTURES = {g.name for g in actions.GESTURES}
# The joints each emotion's posture must move (world positions against the neutral stance).
INTENDED = {
    "calm": ("head",), "happy": ("head", "hand_l"), "excited": ("hand_l", "hand_r"), "sad": ("head", "upper_arm_l"),
    "tired": ("head",), "angry": ("head", "upper_arm_l", "hand_r"), "afraid": ("hand_l", "hand_r", "upper_arm_l"),
    "surprised": ("head", "hand_l"), "shy": ("head", "hand_l"), "smug": ("head",), "worried": ("hand_r", "head"),
    "disgusted": ("head",),
}
MOVED = {"calm": 0.005}  # metres (calm is barely more than neutral); 2 cm for the others


def build(body: str, seconds: float | None = None):
    """Compile and schedule a scene body; lines get synthetic audio (``seconds`` long, or by text length)."""
    episode = compile_text(HEAD + body + "\n", "<t>").episode
    audio = {e.id: tone(seconds or len(e.text) / 12.0) for s in episode.shots for e in s.events if isinstance(e, ir.Line)}
    return episode, build_tracks(episode, audio, SETTINGS)


def actor(tracks, name: str):
    """``name``'s track in the first scene."""
    return next(a for a in tracks.scenes[0].actors if a.name == name)


def joints(pose: Pose) -> dict[str, np.ndarray]:
    """World joint positions of MEI in ``pose`` (standing at the origin); "head" is the forehead,
    so a head that only turns or tips counts as moved."""
    p = proportions(compile_text(HEAD, "<t>").episode.character("MEI").appearance)
    mats = pose_matrices(p, pose, np.eye(4))
    out = {name: mats[i][:3, 3].copy() for name, i in BONE_INDEX.items()}
    out["head"] = (mats[BONE_INDEX["head"]] @ np.array([0.0, 0.12, 0.1, 1.0]))[:3]
    return out


def mood_pose(emotion: str, k: float) -> Pose:
    """The idle pose of ``emotion`` at intensity ``k``: its face and its posture."""
    bones = tuple((b, *map(float, v)) for b, v in sorted(posture_bones({emotion: k}).items()))
    return replace(apply(Pose(), face_for(emotion, k)), bones=bones)


class TestPosture:
    @pytest.mark.parametrize("emotion", [e for e in EMOTIONS if e != "neutral"])
    def test_moves_the_intended_joints_and_intensity_scales_it(self, emotion):
        neutral = joints(Pose())
        full, half = joints(mood_pose(emotion, 1.0)), joints(mood_pose(emotion, 0.5))
        for bone in INTENDED[emotion]:
            moved = np.linalg.norm(full[bone] - neutral[bone])
            assert moved > MOVED.get(emotion, 0.02), f"{emotion} should move {bone}: {moved:.3f} m"
            assert np.linalg.norm(half[bone] - neutral[bone]) < moved
        assert min(full["foot_l"][1], full["foot_r"][1]) == pytest.approx(min(neutral["foot_l"][1], neutral["foot_r"][1]),
                                                                          abs=0.02)  # feet stay planted

    def test_postures_are_distinct(self):
        poses = {e: np.concatenate(list(joints(mood_pose(e, 1.0)).values())) for e in EMOTIONS}
        names = sorted(poses)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                assert np.abs(poses[a] - poses[b]).max() > 0.01, (a, b)

    def test_eases_in_with_the_face_and_listeners_keep_it(self):
        episode, tracks = build("(beat 1s)\nMEI (sad): I lost it.\n(beat 3s)", seconds=1.0)
        speech = actor(tracks, "MEI").speech[0]

        def chest(t):
            mei = next(a for a in frame_at(episode, tracks, t).actors if a.name == "MEI")
            return dict((b, v) for b, *v in mei.pose.bones).get("spine", (0.0, 0.0, 0.0))[0]

        before, early, spoken, after = chest(speech.start - 0.5), chest(speech.start), chest(speech.end), chest(speech.end + 1.0)
        assert abs(before) < 1e-3 < early < spoken
        assert after == pytest.approx(spoken, abs=1e-3)  # held after the line, like the face

    def test_a_written_action_on_top_still_reaches_its_key_pose(self):
        episode, tracks = build("MEI (furious): Get out of here!\nMEI points at JUN.", seconds=1.0)
        clip = next(c for c in actor(tracks, "MEI").clips if c.kind == "point_at")
        t = (clip.start + clip.end) / 2
        mei = next(a for a in frame_at(episode, tracks, t).actors if a.name == "MEI")
        bones = {b: np.array(v) for b, *v in mei.pose.bones}
        rots, _ = actions.motion("point_at").sample(t - clip.start)
        for bone, v in rots.items():  # the keyed bones are the action's own: the posture left them
            assert np.allclose(bones[bone], v, atol=1e-3), bone
        assert "spine" in bones  # the angry posture is still under it


class TestSpeechGestures:
    SCRIPT = "\n".join([
        "MEI (angry): You never listen to me, not once in all these years together!",
        "JUN (happy): But I brought you flowers from the market this morning, look at them!",
        "MEI crosses her arms.",
        "MEI (angry): Flowers do not fix a broken bridge, and they never will, Jun.",
        "JUN (worried): Then tell me what will, because I really want to know it now.",
        "MEI uncrosses nothing and waves.",
        "MEI: Something that lasts longer than a week, that is what would fix it for me.",
        "JUN (sad): I am trying my best, every single day, whatever you may think of me.",
        "JUN shrugs.",
        "MEI (happy): I know you are, and I love you for it, even when you forget things.",
        "JUN (angry): Then stop telling me that I never listen, because it is not true at all!",
        "JUN: Sometimes I listen more than you would ever believe, honestly I do listen.",
    ]).replace("MEI uncrosses nothing and waves.", "MEI waves.")

    def test_gestures_only_while_speaking_never_over_written_actions_and_deterministic(self):
        episode, tracks = build(self.SCRIPT)
        again = build(self.SCRIPT)[1]
        assert tracks.model_dump_json() == again.model_dump_json()
        found = 0
        for a in tracks.scenes[0].actors:
            written = [c for c in a.clips if c.kind not in GESTURES and actions.SPECS.get(c.kind, actions.SPECS["walk_to"]).body]
            for g in (c for c in a.clips if c.kind in GESTURES):
                found += 1
                assert any(s.start <= g.start and g.end <= s.end for s in a.speech), (a.name, g)
                for c in written:
                    spec = actions.SPECS[c.kind]
                    last = (math.inf if c.until is None else c.until + spec.release) if spec.hold else c.end
                    assert g.end <= c.start or g.start >= last, (g, c)
        assert found >= 2

    def test_chosen_by_emotion_and_not_on_every_line(self):
        episode, tracks = build(self.SCRIPT)
        lines = {e.id: e for s in episode.shots for e in s.events if isinstance(e, ir.Line)}
        gestured = 0
        for a in tracks.scenes[0].actors:
            for g in (c for c in a.clips if c.kind in GESTURES):
                speech = next(s for s in a.speech if s.start <= g.start < s.end)
                assert g.kind == actions.SPEECH_GESTURES[lines[speech.line_id].emotion][0]
                gestured += 1
        assert 0 < gestured < len(lines)

    def test_a_gesture_moves_the_arm_and_blends_in(self):
        episode, tracks = build(self.SCRIPT)
        a, g = next((a, c) for a in tracks.scenes[0].actors for c in a.clips if c.kind in GESTURES)

        def hand(t):
            state = next(x for x in frame_at(episode, tracks, t).actors if x.name == a.name)
            return dict((b, np.array(v)) for b, *v in state.pose.bones).get("forearm_r", np.zeros(3))

        assert np.linalg.norm(hand(g.start) - hand(g.start - 1.0 / SETTINGS.fps)) < 0.02  # eased in, no jump
        assert np.linalg.norm(hand((g.start + g.end) / 2) - hand(g.start)) > 0.1


class TestPush:
    def test_the_pushed_staggers_back_at_contact_and_stays_there(self):
        episode, tracks = build("MEI pushes JUN.\n(beat 2s)")
        push = next(c for c in actor(tracks, "MEI").clips if c.kind == "push")
        jun = actor(tracks, "JUN")
        stagger = next(c for c in jun.clips if c.kind == "stagger")
        contact = push.start + push_spec().duration * push_spec().contact
        assert abs(stagger.start - contact) <= 1.0 / SETTINGS.fps
        mei_xz = sample_keys(actor(tracks, "MEI").keys, contact)[:2]
        before = math.dist(sample_keys(jun.keys, contact)[:2], mei_xz)
        after = math.dist(sample_keys(jun.keys, tracks.duration)[:2], mei_xz)
        assert after - before == pytest.approx(STAGGER_STEP, abs=0.05)
        mid = next(a for a in frame_at(episode, tracks, stagger.start + 0.2 * (stagger.end - stagger.start)).actors
                   if a.name == "JUN")
        assert dict((b, v) for b, *v in mid.pose.bones).get("spine", (0.0,))[0] < -0.05  # rocked back

    def test_a_written_stagger_steps_back(self):
        _, tracks = build("JUN staggers.")
        jun = actor(tracks, "JUN")
        x, z, yaw = sample_keys(jun.keys, 0.0)
        ex, ez, _ = sample_keys(jun.keys, tracks.duration)
        assert (ex - x) * math.sin(yaw) + (ez - z) * math.cos(yaw) == pytest.approx(-STAGGER_STEP, abs=0.01)


def push_spec():
    """The push action's spec."""
    return actions.SPECS["push"]


# Scripts whose only timing is the action's own (no walk up to a target).
TIMED = {"look_at": "MEI looks at the left end.", "stand": "MEI sits.\nMEI stands up.", "turn_to": "MEI turns to the left end.",
         "point_at": "MEI points.", "wave": "MEI waves."}


@pytest.mark.parametrize("name", [n for n in actions.NAMES if n not in ("walk_to", "run_to", "perform")
                                  and not actions.SPECS[n].approach])
def test_coverage_expects_what_the_scheduler_schedules(name):
    written = TIMED.get(name, f"MEI {actions.SPECS[name].phrase}.")
    episode, tracks = build(written + "\nJUN nods.")
    events = [e for s in episode.shots for e in s.events if isinstance(e, ir.Action) and e.actor == "MEI"]
    nod = next(c for c in actor(tracks, "JUN").clips if c.kind == "nod")
    expected = sum(coverage._seconds(e, lambda line: 0.0) for e in events)
    assert nod.start == pytest.approx(expected, abs=1.5 / SETTINGS.fps / 1000 + 1e-6)


@pytest.mark.parametrize("gait", ["walk_to", "run_to"])
def test_coverage_walks_at_the_schedulers_speed(gait):
    _, tracks = build(f"MEI {'walks' if gait == 'walk_to' else 'runs'} to the right end.")
    clip = actor(tracks, "MEI").clips[0]
    assert clip.end - clip.start == pytest.approx(actions.expected_seconds(gait, clip.distance) - actions.TURN_TIME, abs=1e-3)
    assert coverage._action_seconds(ir.Action.model_construct(verb=gait)) == actions.expected_seconds(gait)


def test_the_hand_copied_table_is_gone():
    assert not hasattr(coverage, "ACTION_SECONDS")
