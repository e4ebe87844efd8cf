"""The action library: phrases, scheduling, blending, the rig's joints, props and rendering.

Every action of ``actions.ACTIONS`` is compiled from a one-line script, scheduled, and posed at
its characteristic moment; the joints it should move must move (against the idle pose) and
the joints it should leave alone must stay put.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from functools import lru_cache

import numpy as np
import pytest

from screenplay_compiler import actions, ir
from screenplay_compiler.animate import frame_at
from screenplay_compiler.api import compile_text
from screenplay_compiler.diagnostics import CompileError
from screenplay_compiler.frame import CameraState, Pose
from screenplay_compiler.motion import Motion, euler_rotvec
from screenplay_compiler.render.skeleton import BONE_INDEX, forward_kinematics, pose_matrices, proportions
from screenplay_compiler.tracks import TrackSettings, build_tracks

from .conftest import ROOT, TWO_HANDER

HEAD = TWO_HANDER + "[WIDE]\n"  # an explicit camera: one shot, whatever coverage would plan
CHINESE = "角色\n美：年轻女子，黑色马尾，红色外套\n俊：高个年轻男子，蓝色夹克\n\n外景 古桥 - 黎明\n【全景】\n"
DOCS = ROOT / "docs" / "actions.md"
SCRIPTS = {"walk_to": "MEI walks to the right end.", "run_to": "MEI runs to the right end.", "turn_to": "MEI turns to JUN.",
           "look_at": "MEI looks at the left end.", "hug": "MEI hugs JUN.", "push": "MEI pushes JUN.", "point_at": "MEI points at JUN.",
           "pick_up": "MEI picks up the cup.", "put_down": "MEI picks up the box.\nMEI puts down the box.",
           "stand": "MEI sits.\nMEI stands up.", "perform": 'MEI performs "moves/dance.bvh".'}
# What each action moves (markers on these bones) and what it leaves where it was.
HANDS, FEET = ("hand_l", "hand_r"), ("foot_l", "foot_r")
MOVES = {
    "walk_to": (FEET, ()), "run_to": (FEET, ()), "turn_to": ((), ()), "look_at": (("head",), HANDS + FEET),
    "sit": (("head",), ()), "stand": (("head",), ()), "wave": (("hand_r",), ("hand_l",) + FEET),
    "nod": (("head",), HANDS + FEET), "shake_head": (("head",), HANDS + FEET), "point_at": (("hand_r",), ("hand_l",) + FEET),
    "bow": (("head",) + HANDS, FEET), "shrug": (HANDS, FEET), "cross_arms": (HANDS, FEET), "hands_on_hips": (HANDS, FEET),
    "clap": (HANDS, FEET), "jump": (("head",) + FEET, ()), "kneel": (("head", "foot_l"), ()), "fall": (("head", "chest"), ()),
    "hug": (HANDS, FEET), "push": (HANDS, ()), "stagger": (HANDS + ("foot_r", "head"), ()), "laugh": (("head", "hand_r"), FEET), "cry": (HANDS + ("head",), FEET),
    "sigh": (("head",), FEET), "think": (("hand_r",), FEET), "facepalm": (("hand_r", "head"), FEET),
    "dance": (HANDS, ()), "fight_stance": (HANDS, ()), "phone_call": (("hand_r",), ("hand_l",) + FEET),
    "pick_up": (("hand_r",), ()), "put_down": (("hand_r",), ()), "perform": (("hand_l",), FEET),
}
MOVED, STILL = 0.05, 0.04  # metres a marker must move / may drift
OFFSETS = {"head": (0.0, 0.12, 0.1)}  # the forehead, not the neck: a turned head moves it


@pytest.fixture
def performed(monkeypatch, tmp_path):
    """A motion file for ``perform``: its content is replaced by a Motion built here (a left arm raised)."""
    (tmp_path / "moves").mkdir()
    (tmp_path / "moves" / "dance.bvh").write_text("HIERARCHY\n", encoding="utf-8")
    raised = np.stack([euler_rotvec(z=math.radians(a)) for a in np.linspace(0.0, 120.0, 31)])[:, None, :]
    motion = Motion(30.0, ("upper_arm_l",), raised, np.zeros((31, 3)))
    monkeypatch.setattr(actions, "_file_motion", lambda path, stamp, appearance=None: motion)
    monkeypatch.setattr("screenplay_compiler.mocap.load_motion", lambda path, appearance=None: motion)
    return tmp_path


def build(body: str, source: str = "<test>", head: str = HEAD):
    """Compile a scene body and schedule it (no voices: action-only scripts)."""
    episode = compile_text(head + body + "\n", source).episode
    return episode, build_tracks(episode, {}, TrackSettings(fps=24, width=160, height=90))


def clip_of(tracks, name: str, who: str = "MEI"):
    """The last clip of action ``name`` (walks and runs by their gait) of ``who``."""
    actor = next(a for a in tracks.scenes[0].actors if a.name == who)
    kind = {"walk_to": "walk", "run_to": "run"}.get(name, name)
    return [c for c in actor.clips if c.kind == kind][-1]


def moments(tracks, name: str) -> list[float]:
    """When an action shows: a quarter, half and three quarters of the way, or just after a held one has arrived."""
    if name == "turn_to":
        return [1.0]
    c = clip_of(tracks, name)
    spec = actions.SPECS[name]
    return [c.end + 0.1] if spec.hold else [c.start + (c.end - c.start) * u for u in (0.2, 0.35, 0.5, 0.65, 0.8)]


def moment(tracks, name: str) -> float:
    """The middle one of :func:`moments`."""
    times = moments(tracks, name)
    return times[len(times) // 2]


@lru_cache(maxsize=1)
def _rig():
    """MEI's proportions."""
    episode, _ = build("(beat)")
    return proportions(episode.character("MEI").appearance)


def markers(pose: Pose) -> dict[str, np.ndarray]:
    """A point fixed to each bone a little off its joint, in character space: it moves when the bone or any parent turns."""
    mats = pose_matrices(_rig(), pose, np.eye(4))
    return {name: (mats[i] @ np.array([*(OFFSETS.get(name, (0.04, -0.04, 0.04))), 1.0]))[:3] for name, i in BONE_INDEX.items()}


def acted(name: str, source: str, t: float | None = None):
    """(episode, tracks, MEI's state at ``t`` or the action's moment) for a one-action script."""
    episode, tracks = build(SCRIPTS.get(name, f"MEI {actions.SPECS[name].phrase}."), source)
    t = moment(tracks, name) if t is None else t
    return episode, tracks, next(a for a in frame_at(episode, tracks, t).actors if a.name == "MEI")


def travel(name: str, source: str) -> tuple[float, dict[str, float]]:
    """MEI's turn (radians) and how far each bone's marker gets from where it was before the action
    (the most over the action's moments; markers are in character space)."""
    episode, tracks, before = acted(name, source, 0.0)
    start = markers(replace(before.pose, bones=()))  # standing still, without the idle sway
    most: dict[str, float] = {}
    turned = 0.0
    for t in moments(tracks, name):
        mei = next(a for a in frame_at(episode, tracks, t).actors if a.name == "MEI")
        turned = max(turned, abs(mei.yaw - before.yaw))
        for bone, at in markers(mei.pose).items():
            most[bone] = max(most.get(bone, 0.0), float(np.linalg.norm(at - start[bone])))
    return turned, most


class TestRig:
    def test_a_quarter_turn_at_the_shoulder_holds_the_arm_out_sideways(self):
        p = _rig()
        local = {"upper_arm_l": np.eye(4)}
        local["upper_arm_l"][:3, :3] = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])  # 90 degrees about z
        mats = forward_kinematics(p, local)
        shoulder, wrist = p.joints["upper_arm_l"], p.joints["hand_l"]
        reach = shoulder[1] - wrist[1]
        assert mats[BONE_INDEX["hand_l"]][:3, 3] == pytest.approx(shoulder + (reach, 0.0, wrist[2] - shoulder[2]), abs=1e-9)

    def test_pose_bones_compose_onto_the_procedural_pose(self):
        p = _rig()
        raised = Pose(bones=(("upper_arm_l", 0.0, 0.0, math.pi / 2),))
        hand = markers(raised)["hand_l"]
        shoulder = p.joints["upper_arm_l"]
        assert hand[0] > shoulder[0] + 0.3  # out to the left ...
        assert abs(hand[1] - shoulder[1]) < 0.12  # ... at shoulder height (the idle arm hangs a little out)

    def test_root_offset_moves_everything_after_planting(self):
        lifted, rest = markers(Pose(root=(0.0, 0.3, 0.0))), markers(Pose())
        assert all(lifted[b][1] - rest[b][1] == pytest.approx(0.3) for b in ("head", "foot_l", "hand_r"))

    def test_held_props_are_hidden_until_held(self):
        rest, phone = markers(Pose()), markers(Pose(prop=1.0, prop_kind="phone"))
        mats = pose_matrices(_rig(), Pose(), np.eye(4))
        assert np.allclose(mats[BONE_INDEX["prop_phone"]][:3, :3], 0.0)
        held = pose_matrices(_rig(), Pose(prop=1.0, prop_kind="phone"), np.eye(4))
        assert np.linalg.det(held[BONE_INDEX["prop_phone"]][:3, :3]) == pytest.approx(1.0)
        assert np.allclose(held[BONE_INDEX["prop_cup"]][:3, :3], 0.0)
        assert np.allclose(rest["hand_r"], phone["hand_r"])


class TestEveryAction:
    def test_the_library_is_big_and_the_ir_speaks_it(self):
        assert len(actions.ACTIONS) >= 31
        assert set(ir.Action.model_fields["verb"].annotation.__args__) == set(actions.NAMES)

    @pytest.mark.parametrize("name", actions.NAMES)
    def test_moves_the_joints_it_should_and_no_others(self, name, performed):
        turned, moved = travel(name, str(performed / "t.play"))
        moved_bones, still_bones = MOVES[name]
        if name == "turn_to":
            assert turned > 0.5
        for bone in moved_bones:
            assert moved[bone] > MOVED, f"{name} should move {bone}: {moved[bone]:.3f} m"
        for bone in still_bones:
            assert moved[bone] < STILL, f"{name} should leave {bone} alone: {moved[bone]:.3f} m"

    @pytest.mark.parametrize("name", [s.name for s in actions.ACTIONS if not s.procedural and s.name != "perform"])
    def test_blend_weights_are_zero_at_the_ends(self, name):
        spec = actions.SPECS[name]
        assert actions.weight(spec, 1.0, 1.0 + spec.duration, None, 1.0) == 0.0
        assert actions.weight(spec, 1.0, 1.0 + spec.duration, None, 1.0 + spec.duration / 2) > 0.5
        if spec.hold:
            assert actions.weight(spec, 1.0, 1.0 + spec.duration, None, 60.0) == 1.0
            assert actions.weight(spec, 1.0, 1.0 + spec.duration, 5.0, 5.0 + spec.release) == 0.0
        else:
            assert actions.weight(spec, 1.0, 1.0 + spec.duration, None, 1.0 + spec.duration) == 0.0

    @pytest.mark.parametrize("spec", [s for s in actions.ACTIONS if s.name != "perform"], ids=lambda s: s.name)
    def test_a_chinese_phrase_lowers_to_the_same_action(self, spec):
        target = " 俊" if spec.target == "required" and spec.target_kind == "place" else ""
        episode = compile_text(CHINESE + f"美 {spec.chinese[0]}{target}。\n", "<zh>").episode
        assert [e.verb for s in episode.shots for e in s.events] == [spec.name]


class TestPhrases:
    @pytest.mark.parametrize("line, verb, target", [
        ("MEI shakes her head.", "shake_head", None), ("MEI crosses his arms.", "cross_arms", None),
        ("MEI puts her hands on her hips.", "hands_on_hips", None), ("MEI picks up the cup.", "pick_up", "cup"),
        ("MEI talks on the phone.", "phone_call", None), ("MEI looks at JUN.", "look_at", "JUN"),
        ("MEI runs to the railing.", "run_to", "mark:railing"), ("MEI shake her head.", "shake_head", None),
        ("MEI takes a bow.", "bow", None), ("MEI stands up.", "stand", None),
    ])
    def test_multi_word_phrases(self, line, verb, target):
        (event,) = [e for s in compile_text(HEAD + line + "\n", "<t>").episode.shots for e in s.events]
        assert (event.verb, event.target) == (verb, target)

    def test_chinese_target_may_follow_without_a_space(self):
        events = [e for s in compile_text(CHINESE + "美 指着俊。\n", "<zh>").episode.shots for e in s.events]
        assert [(e.verb, e.target) for e in events] == [("point_at", "俊")]

    def test_unknown_action_is_E019_with_did_you_mean(self):
        with pytest.raises(CompileError) as err:
            compile_text(HEAD + "MEI shakes her hed.\n", "<t>")
        (d,) = err.value.diagnostics
        assert (d.code, d.hint) == ("unknown-action", "did you mean 'shakes head'?")
        with pytest.raises(CompileError) as err:
            compile_text(HEAD + "MEI teleports.\n", "<t>")
        assert "sdc assets" in err.value.diagnostics[0].hint

    def test_required_targets_and_motion_files_are_checked(self, performed):
        with pytest.raises(CompileError) as err:
            compile_text(HEAD + "MEI hugs.\n", "<t>")
        assert err.value.diagnostics[0].code == "missing-target"
        with pytest.raises(CompileError) as err:
            compile_text(HEAD + 'MEI performs "moves/missing.bvh".\n', str(performed / "t.play"))
        assert err.value.diagnostics[0].code == "missing-file"


class TestScheduling:
    def test_held_actions_persist_until_the_next_body_action(self):
        episode, tracks = build("MEI crosses her arms.\n(beat 3s)\nMEI nods.\n(beat 1s)\nMEI waves.\n(beat 2s)")
        crossed = clip_of(tracks, "cross_arms")
        wave = clip_of(tracks, "wave")
        nod = clip_of(tracks, "nod")
        assert crossed.until == pytest.approx(wave.start - 0.6 * actions.SPECS["cross_arms"].release, abs=0.05)
        spec = actions.SPECS["cross_arms"]
        for t in (crossed.end + 0.1, crossed.end + 2.0, (nod.start + nod.end) / 2):  # a nod is head-only: still crossed
            assert actions.weight(spec, crossed.start, crossed.end, crossed.until, t) == 1.0
        pose_then = next(a for a in frame_at(episode, tracks, crossed.end + 1.0).actors if a.name == "MEI").pose
        assert np.linalg.norm(markers(pose_then)["hand_l"] - markers(Pose())["hand_l"]) > MOVED
        assert wave.start >= crossed.until  # the wave waits while the arms unfold
        assert actions.weight(spec, crossed.start, crossed.end, crossed.until, crossed.until + spec.release) == 0.0

    def test_sitting_holds_until_standing(self):
        episode, tracks = build("MEI sits.\n(beat 2s)\nMEI stands up.")
        sit = clip_of(tracks, "sit")
        mei = next(a for a in frame_at(episode, tracks, sit.end + 1.5).actors if a.name == "MEI")
        assert mei.pose.sit == 1.0

    @pytest.mark.parametrize("line,stays", [("MEI talks on the phone.", True), ("MEI crosses her arms.", True),
                                            ("MEI facepalms.", True), ("MEI jumps.", False), ("MEI picks up the cup.", False)])
    def test_upper_body_actions_are_played_sitting_down(self, line, stays):
        episode, tracks = build(f"MEI sits.\n{line}\n(beat 1s)")
        verb, _, rest = line[4:-1].partition(" ")
        name = actions.resolve(verb, rest or None)[0]
        c = clip_of(tracks, name)
        mei = next(a for a in frame_at(episode, tracks, (c.start + c.end) / 2).actors if a.name == "MEI")
        assert (mei.pose.sit == 1.0) is stays

    def test_a_run_is_faster_than_a_walk_and_its_feet_plant(self):
        _, walked = build("MEI walks to the right end.")
        _, ran = build("MEI runs to the right end.")
        walk, run = clip_of(walked, "walk_to"), clip_of(ran, "run_to")
        assert walk.distance == run.distance
        assert (run.end - run.start) * 2.0 < walk.end - walk.start

    def test_the_carried_object_shows_between_pick_up_and_put_down(self):
        episode, tracks = build("MEI picks up the cup.\n(beat 1s)\nMEI puts down the cup.\n(beat 1s)")
        up, down = clip_of(tracks, "pick_up"), clip_of(tracks, "put_down")
        pose = lambda t: next(a for a in frame_at(episode, tracks, t).actors if a.name == "MEI").pose
        assert (pose(up.start + 0.1).prop, pose(up.end + 0.2).prop, pose(down.end + 0.5).prop) == (0.0, 1.0, 0.0)
        assert pose(up.end + 0.2).prop_kind == "cup"

    def test_a_look_turns_the_head_to_the_other_character(self):
        episode, tracks = build("JUN walks to the left end.\nMEI looks at JUN.")
        look = clip_of(tracks, "look_at")
        assert look.aim == "JUN"
        mei = next(a for a in frame_at(episode, tracks, (look.start + look.end) / 2).actors if a.name == "MEI")
        jun = next(a for a in frame_at(episode, tracks, (look.start + look.end) / 2).actors if a.name == "JUN")
        wanted = math.atan2(jun.x - mei.x, jun.z - mei.z) - mei.yaw
        wanted = (wanted + math.pi) % (2 * math.pi) - math.pi
        assert mei.pose.head_yaw == pytest.approx(max(-1.22, min(1.22, wanted)), abs=0.1)

    def test_perform_plays_the_file_for_as_long_as_it_lasts(self, performed):
        episode, tracks = build(SCRIPTS["perform"], str(performed / "t.play"))
        c = clip_of(tracks, "perform")
        assert c.path == str(performed / "moves" / "dance.bvh") and c.end - c.start == pytest.approx(1.0, abs=1e-3)

    def test_perform_plays_a_real_bvh_file(self, tmp_path):
        from .test_mocap import bvh_text

        (tmp_path / "moves").mkdir()
        (tmp_path / "moves" / "clip.bvh").write_text(bvh_text(), encoding="utf-8")
        episode, tracks = build('MEI performs "moves/clip.bvh".', str(tmp_path / "t.play"))
        c = clip_of(tracks, "perform")
        mei = next(a for a in frame_at(episode, tracks, c.end).actors if a.name == "MEI")
        assert c.end > c.start and mei.pose.bones

    def test_frames_are_deterministic_and_hashable(self):
        episode, tracks = build("MEI dances.\nMEI claps.")
        a = [frame_at(episode, tracks, t / 24) for t in range(0, 120, 7)]
        b = [frame_at(episode, tracks, t / 24) for t in range(0, 120, 7)]
        assert a == b and len({hash(f.actors[0].pose) for f in a}) > 5

    def test_idle_characters_sway_and_glance_without_repeating(self):
        episode, tracks = build("MEI nods.\n(beat 6s)")
        poses = [next(a for a in frame_at(episode, tracks, t / 4).actors if a.name == "MEI").pose for t in range(24)]
        assert len({p.bones for p in poses}) > 10  # the hips shift
        assert len({(p.gaze_yaw, p.gaze_pitch) for p in poses}) > 2  # the eyes jump


class TestKinematics:
    def test_kneeling_and_lying_rest_on_the_ground(self, performed):
        for name, top in (("kneel", (0.8, 1.3)), ("fall", (0.0, 0.45))):
            _, _, mei = acted(name, str(performed / "t.play"))
            mats = pose_matrices(_rig(), mei.pose, np.eye(4))
            ys = [mats[i][1, 3] for b, i in BONE_INDEX.items() if b != "root"]  # the root is a point at the feet
            assert min(ys) > -0.02
            assert top[0] < mats[BONE_INDEX["head"]][1, 3] < top[1], name

    def test_a_jump_leaves_the_ground(self, performed):
        episode, tracks = build("MEI jumps.")
        c = clip_of(tracks, "jump")
        mei = next(a for a in frame_at(episode, tracks, c.start + 0.46 * (c.end - c.start)).actors if a.name == "MEI")
        feet = [pose_matrices(_rig(), mei.pose, np.eye(4))[BONE_INDEX[f]][1, 3] for f in FEET]
        assert min(feet) > _rig().ankle + 0.2


def test_every_action_renders_differently_from_idle(performed):
    from screenplay_compiler.render import Renderer

    def shot(frame, actor):
        eye = (actor.x + 3.4 * math.sin(0.5), 1.0, actor.z + 3.4 * math.cos(0.5))
        mei = tuple(a for a in frame.actors if a.name == "MEI")
        return type(frame)(set=frame.set, camera=CameraState(eye=eye, target=(actor.x, 0.8, actor.z), fov_deg=36.0), actors=mei)

    with Renderer(160, 90) as r:
        for name in actions.NAMES:
            episode, tracks, mei = acted(name, str(performed / "t.play"))
            frame = frame_at(episode, tracks, moment(tracks, name))
            first = next(a for a in frame_at(episode, tracks, 0.0).actors if a.name == "MEI")
            idle = type(mei)(mei.name, mei.appearance, mei.x, mei.z, first.yaw, Pose())
            posed = r.render(shot(frame, mei))
            still = r.render(shot(type(frame)(set=frame.set, camera=frame.camera, actors=(idle,)), mei))
            changed = np.abs(posed.astype(int) - still.astype(int)).max(axis=2) > 24
            assert changed.mean() > 0.002, name


def test_docs_table_matches_the_library():
    text = DOCS.read_text("utf-8")
    for spec in actions.ACTIONS:
        row = re.search(rf"^\| `{spec.name}` \|(.*)\|\s*$", text, re.M)
        assert row, f"{spec.name} missing from docs/actions.md"
        cells = [c.strip() for c in row.group(1).split("|")]
        assert cells[:2] == [", ".join(spec.english), "、".join(spec.chinese)], spec.name
        assert cells[4] == ("holds" if spec.hold else "until stand" if spec.name == "sit" else "—"), spec.name
        if not spec.procedural and spec.name != "perform":
            assert cells[3] == f"{spec.duration:g} s", spec.name
