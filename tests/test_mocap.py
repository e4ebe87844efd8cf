"""BVH import: parsing, naming, and retargeting a T-pose clip onto our arms-down rig."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from screenplay_compiler import mocap
from screenplay_compiler.appearance import resolve
from screenplay_compiler.motion import rotvec_matrix
from screenplay_compiler.render.geometry import rot_x, rot_y, rot_z
from screenplay_compiler.render.skeleton import BONE_INDEX, forward_kinematics, proportions

# A T-pose skeleton in centimetres (hips 95 cm above the toes), facing +z, its left at +x.
SKELETON = (
    ("Hips", None, (0, 95, 0)),
    ("Spine", "Hips", (0, 10, 0)), ("Spine1", "Spine", (0, 15, 0)), ("Neck", "Spine1", (0, 20, 0)),
    ("Head", "Neck", (0, 10, 0)),
    ("LeftShoulder", "Spine1", (4, 17, 0)), ("LeftArm", "LeftShoulder", (12, 0, 0)),
    ("LeftForeArm", "LeftArm", (28, 0, 0)), ("LeftHand", "LeftForeArm", (25, 0, 0)),
    ("RightShoulder", "Spine1", (-4, 17, 0)), ("RightArm", "RightShoulder", (-12, 0, 0)),
    ("RightForeArm", "RightArm", (-28, 0, 0)), ("RightHand", "RightForeArm", (-25, 0, 0)),
    ("LeftUpLeg", "Hips", (9, 0, 0)), ("LeftLeg", "LeftUpLeg", (0, -45, 0)), ("LeftFoot", "LeftLeg", (0, -42, 0)),
    ("RightUpLeg", "Hips", (-9, 0, 0)), ("RightLeg", "RightUpLeg", (0, -45, 0)), ("RightFoot", "RightLeg", (0, -42, 0)),
)
ENDS = {"Head": (0, 18, 0), "LeftHand": (10, 0, 0), "RightHand": (-10, 0, 0),
        "LeftFoot": (0, -8, 12), "RightFoot": (0, -8, 12)}
# The clip's last frame: left arm forward, right knee bent 90 degrees, head turned 45 degrees, 1 m walked.
POSE = {"LeftArm": (0, -90, 0), "RightLeg": (90, 0, 0), "Head": (0, 45, 0)}


def bvh_text(order: str = "ZXY", frames: list[dict] | None = None, roots: list | None = None,
             prefix: str = "", fps: float = 30.0) -> str:
    """A BVH file of SKELETON with rotation channels in ``order``; ``frames`` maps joints to
    (x, y, z) degrees applied in that order, ``roots`` gives the hips position per frame."""
    frames = frames if frames is not None else [{}, POSE]
    roots = roots if roots is not None else [(0, 95, 0), (0, 95, 100)]
    lines = ["HIERARCHY"]
    children = {name: [c for c, p, _ in SKELETON if p == name] for name, _, _ in SKELETON}

    def emit(name: str, depth: int) -> None:
        pad = "  " * depth
        offset = next(o for n, _, o in SKELETON if n == name)
        lines.append(f"{pad}{'ROOT' if depth == 0 else 'JOINT'} {prefix}{name}")
        lines.append(pad + "{")
        lines.append(f"{pad}  OFFSET {offset[0]} {offset[1]} {offset[2]}")
        rot = " ".join(f"{a}rotation" for a in order)
        lines.append(f"{pad}  CHANNELS {'6 Xposition Yposition Zposition ' if depth == 0 else '3 '}{rot}")
        for child in children[name]:
            emit(child, depth + 1)
        if name in ENDS:
            e = ENDS[name]
            lines.extend([f"{pad}  End Site", pad + "  {", f"{pad}    OFFSET {e[0]} {e[1]} {e[2]}", pad + "  }"])
        lines.append(pad + "}")

    emit("Hips", 0)
    lines += ["MOTION", f"Frames: {len(frames)}", f"Frame Time: {1 / fps:.6f}"]
    for frame, root in zip(frames, roots):
        row = list(root)
        for name, _, _ in SKELETON:
            angles = frame.get(name, (0, 0, 0))
            row += [angles["XYZ".index(a)] for a in order]
        lines.append(" ".join(f"{v:.6f}" for v in row))
    return "\n".join(lines) + "\n"


def write(tmp_path, text: str, name: str = "clip.bvh"):
    """``text`` saved as a BVH file."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def posed(motion, frame: int, p):
    """Our rig's joint matrices with the motion's rotations of ``frame`` composed onto the rest pose."""
    local = {}
    for bone, v in zip(motion.bones, motion.rotations[frame]):
        m = np.eye(4)
        m[:3, :3] = rotvec_matrix(v)
        local[bone] = m
    return forward_kinematics(p, local)


def at(mats, bone: str) -> np.ndarray:
    """A bone's joint position in a posed rig."""
    return mats[BONE_INDEX[bone]][:3, 3]


@pytest.fixture
def rig():
    return proportions(resolve("MOCAP", "adult").appearance)


class TestParse:
    def test_hierarchy_and_motion(self):
        bvh = mocap.parse_bvh(bvh_text())
        assert [j.name for j in bvh.joints][:3] == ["Hips", "Spine", "Spine1"]
        assert bvh.joints[0].channels[:3] == ("Xposition", "Yposition", "Zposition")
        assert bvh.motion.shape == (2, 6 + 3 * (len(SKELETON) - 1))
        assert bvh.frame_time == pytest.approx(1 / 30, abs=1e-6)
        assert bvh.joints[4].end == (0, 18, 0)

    def test_hip_height_and_units(self):
        bvh = mocap.parse_bvh(bvh_text())
        assert mocap.hip_height(bvh) == pytest.approx(95.0)
        assert mocap.unit_scale(bvh) == 0.01

    @pytest.mark.parametrize("edit, line, words", [
        (lambda t: t.replace("HIERARCHY", "HIERARCHIE"), 1, "expected 'HIERARCHY'"),
        (lambda t: t.replace("OFFSET 0 10 0", "OFFSET 0 ten 0", 1), 8, "OFFSET y should be a number"),
        (lambda t: t.replace("Zrotation Xrotation Yrotation\n    JOINT Spine1", "Zrotation Xrotation Wrotation\n    JOINT Spine1"), 9, "unknown channel 'Wrotation'"),
        (lambda t: t.rsplit("\n", 2)[0] + "\n", 120, "the motion has"),
        (lambda t: t.replace("Frames: 2", "Frames: two"), 118, "the frame count should be a number"),
        (lambda t: re.sub(r"(End Site\n\s*)\{", r"\1[", t, count=1), 23, "expected '{'"),
        (lambda t: t[: t.index("MOTION")], 116, "the file ends where 'MOTION' was expected"),
    ])
    def test_broken_files_name_the_line(self, tmp_path, edit, line, words):
        path = write(tmp_path, edit(bvh_text()))
        with pytest.raises(mocap.MocapError) as err:
            mocap.load_motion(path)
        message = str(err.value)
        assert message.startswith(f"{path}: line {line}:"), message
        assert words in message

    def test_extra_values_and_bad_count(self):
        text = bvh_text()
        with pytest.raises(mocap.MocapError, match=r"line 122: more motion values"):
            mocap.parse_bvh(text + "0\n")
        with pytest.raises(mocap.MocapError, match="0 to 6 channels"):
            mocap.parse_bvh(text.replace("CHANNELS 3", "CHANNELS 7", 1))

    def test_not_utf8(self, tmp_path):
        path = tmp_path / "x.bvh"
        path.write_bytes(b"\xff\xfe\x00garbage")
        with pytest.raises(mocap.MocapError, match="not a text BVH"):
            mocap.load_motion(path)


class TestNames:
    def test_mixamo_prefix(self):
        bvh = mocap.parse_bvh(bvh_text(prefix="mixamorig:"))
        m = mocap.bone_map(bvh)
        assert {k: bvh.joints[v].name for k, v in m.items()}["forearm_l"] == "mixamorig:LeftForeArm"
        assert set(m) == {"pelvis", "spine", "chest", "neck", "head", "clavicle_l", "upper_arm_l", "forearm_l", "hand_l",
                          "clavicle_r", "upper_arm_r", "forearm_r", "hand_r", "thigh_l", "shin_l", "foot_l",
                          "thigh_r", "shin_r", "foot_r"}

    @pytest.mark.parametrize("name, bone", [
        ("LeftCollar", "clavicle_l"), ("LeftUpArm", "upper_arm_l"), ("LeftLowArm", "forearm_l"), ("RightHip", "thigh_r"),
        ("RightKnee", "shin_r"), ("LeftAnkle", "foot_l"), ("lShldr", "upper_arm_l"), ("rForeArm", "forearm_r"),
        ("Left_Fore_Arm", "forearm_l"), ("mixamorig1:RightUpLeg", "thigh_r"), ("HandRight", "hand_r"),
    ])
    def test_common_names(self, name, bone):
        assert mocap.JOINT_NAMES[mocap.canonical(name)] == bone

    def test_cmu_spine(self):
        text = bvh_text().replace("JOINT Spine\n", "JOINT LowerBack\n").replace("JOINT Spine1\n", "JOINT Spine\n")
        bvh = mocap.parse_bvh(text)
        m = mocap.bone_map(bvh)
        assert bvh.joints[m["spine"]].name == "LowerBack" and bvh.joints[m["chest"]].name == "Spine"


class TestRetarget:
    def test_rest_frame_is_a_t_pose(self, tmp_path, rig):
        motion = mocap.load_motion(write(tmp_path, bvh_text()))
        mats = posed(motion, 0, rig)
        for side, sx in (("l", 1), ("r", -1)):
            arm = at(mats, f"hand_{side}") - at(mats, f"upper_arm_{side}")
            assert arm[0] * sx == pytest.approx(np.linalg.norm(arm), abs=0.01)  # straight out to its own side
        assert np.allclose(motion.root[0], 0)

    def test_left_hand_forward_at_shoulder_height(self, tmp_path, rig):
        mats = posed(mocap.load_motion(write(tmp_path, bvh_text())), 1, rig)
        shoulder, hand = at(mats, "upper_arm_l"), at(mats, "hand_l")
        assert abs(hand[1] - shoulder[1]) < 0.03
        assert hand[2] - shoulder[2] == pytest.approx(rig.height * 0.32, abs=0.03)  # a whole arm in front
        assert abs(hand[0] - shoulder[0]) < 0.03

    def test_right_knee_bends_ninety_degrees_backwards(self, tmp_path, rig):
        mats = posed(mocap.load_motion(write(tmp_path, bvh_text())), 1, rig)
        thigh = at(mats, "shin_r") - at(mats, "thigh_r")
        shin = at(mats, "foot_r") - at(mats, "shin_r")
        cos = thigh @ shin / np.linalg.norm(thigh) / np.linalg.norm(shin)
        assert abs(cos) < 0.03
        assert shin[2] < -0.9 * np.linalg.norm(shin)  # the foot goes back, as knees bend

    def test_head_turns_to_its_left(self, tmp_path, rig):
        mats = posed(mocap.load_motion(write(tmp_path, bvh_text())), 1, rig)
        face = mats[BONE_INDEX["head"]][:3, :3] @ np.array([0, 0, 1.0])
        assert math.degrees(math.atan2(face[0], face[2])) == pytest.approx(45, abs=1.0)  # +x is the character's left

    def test_root_walks_forward_scaled_by_hip_height(self, tmp_path, rig):
        motion = mocap.load_motion(write(tmp_path, bvh_text()))
        ratio = rig.joints["thigh_l"][1] / 0.95
        assert motion.root[-1] == pytest.approx([0, 0, 1.0 * ratio], abs=1e-6)
        assert motion.fps == pytest.approx(30, abs=1e-3) and motion.frames == 2

    def test_metres_give_the_same_motion(self, tmp_path):
        cm = mocap.load_motion(write(tmp_path, bvh_text()))
        text = _scaled_offsets(bvh_text(), 0.01)
        m = mocap.load_motion(write(tmp_path, text, "m.bvh"))
        assert mocap.unit_scale(mocap.parse_bvh(text)) == 1.0
        assert np.allclose(m.root, cm.root, atol=1e-6) and np.allclose(m.rotations, cm.rotations, atol=1e-6)

    def test_jump_lifts_the_root(self, tmp_path):
        motion = mocap.load_motion(write(tmp_path, bvh_text(frames=[{}, {}], roots=[(0, 95, 0), (0, 115, 0)])))
        assert motion.root[0, 1] == 0 and motion.root[1, 1] > 0.15

    def test_channel_order_does_not_change_the_result(self, tmp_path):
        rng = np.random.default_rng(7)
        zxy, xyz = [{}, {}], [{}, {}]
        for name, _, _ in SKELETON:
            x, y, z = rng.uniform(-60, 60, 3)
            r = rot_z(math.radians(z)) @ rot_x(math.radians(x)) @ rot_y(math.radians(y))
            zxy[1][name] = (x, y, z)
            xyz[1][name] = _xyz_angles(r[:3, :3])
        a = mocap.load_motion(write(tmp_path, bvh_text("ZXY", zxy), "a.bvh"))
        b = mocap.load_motion(write(tmp_path, bvh_text("XYZ", xyz), "b.bvh"))
        assert a.bones == b.bones
        assert np.allclose(a.rotations, b.rotations, atol=1e-5) and np.allclose(a.root, b.root, atol=1e-6)

    def test_rotations_match_the_reference_conversion(self, tmp_path):
        from screenplay_compiler.motion import matrix_rotvec

        motion = mocap.load_motion(write(tmp_path, bvh_text()))
        for v in motion.rotations.reshape(-1, 3):
            assert np.allclose(matrix_rotvec(rotvec_matrix(v)), v, atol=1e-6)

    def test_parse_is_cached_by_content(self, tmp_path):
        path = write(tmp_path, bvh_text())
        assert mocap.read_bvh(path) is mocap.read_bvh(write(tmp_path, bvh_text(), "copy.bvh"))


def _xyz_angles(r: np.ndarray) -> tuple[float, float, float]:
    """Degrees (x, y, z) with r = Rx @ Ry @ Rz."""
    y = math.asin(max(-1.0, min(1.0, r[0, 2])))
    x = math.atan2(-r[1, 2], r[2, 2])
    z = math.atan2(-r[0, 1], r[0, 0])
    return math.degrees(x), math.degrees(y), math.degrees(z)


def _scaled_offsets(text: str, factor: float) -> str:
    """The BVH with every OFFSET and root position multiplied by ``factor``."""
    out, motion = [], False
    for line in text.splitlines():
        words = line.split()
        if words and words[0] == "OFFSET":
            line = line[: line.index("OFFSET")] + "OFFSET " + " ".join(f"{float(w) * factor:.6f}" for w in words[1:])
        elif motion and words and not words[0].startswith("Frame"):
            values = [float(w) for w in words]
            values[:3] = [v * factor for v in values[:3]]
            line = " ".join(f"{v:.6f}" for v in values)
        motion = motion or line == "MOTION"
        out.append(line)
    return "\n".join(out) + "\n"
