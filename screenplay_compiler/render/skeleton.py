"""A humanoid skeleton: rest proportions from an Appearance, and forward kinematics of a Pose."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..frame import Pose
from ..ir import Appearance
from .geometry import rot_x, rot_y, rot_z, scale, translate

BONES: tuple[tuple[str, str | None], ...] = (
    ("root", None),
    ("pelvis", "root"),
    ("spine", "pelvis"),
    ("chest", "spine"),
    ("neck", "chest"),
    ("head", "neck"),
    ("jaw", "head"),
    ("mouth", "head"),
    ("lid_l", "head"),
    ("lid_r", "head"),
    ("clavicle_l", "chest"),
    ("upper_arm_l", "clavicle_l"),
    ("forearm_l", "upper_arm_l"),
    ("hand_l", "forearm_l"),
    ("clavicle_r", "chest"),
    ("upper_arm_r", "clavicle_r"),
    ("forearm_r", "upper_arm_r"),
    ("hand_r", "forearm_r"),
    ("skirt", "pelvis"),
    ("thigh_l", "pelvis"),
    ("shin_l", "thigh_l"),
    ("foot_l", "shin_l"),
    ("thigh_r", "pelvis"),
    ("shin_r", "thigh_r"),
    ("foot_r", "shin_r"),
    ("brow_l", "head"),
    ("brow_r", "head"),
    ("eye_l", "head"),
    ("eye_r", "head"),
    ("lip_u", "head"),
    ("lip_d", "jaw"),
    ("corner_l", "head"),
    ("corner_r", "head"),
    ("prop_phone", "hand_r"),  # held props, scaled to nothing when not held
    ("prop_cup", "hand_r"),
    ("prop_box", "hand_r"),
)
PROPS = {"phone": "prop_phone", "cup": "prop_cup", "box": "prop_box"}
# Points that may touch the ground, with how far the body's surface lies below each joint (x height).
CONTACTS = (("foot_l", None), ("foot_r", None), ("shin_l", 0.03), ("shin_r", 0.03), ("pelvis", 0.06), ("chest", 0.06),
            ("head", 0.05))
BONE_INDEX = {name: i for i, (name, _) in enumerate(BONES)}
MAX_BONES = 40  # size of the shader's bone array; index MAX_BONES-1 is never used by a character
MOUTH_HEIGHT = 0.13  # the open mouth's height, x head height
MOUTH_CLOSED = 0.1  # fraction of that height left as a dark line when closed
LIP_SPLIT = 0.1  # x head width: where the middle of a lip meets its corner piece

_BUILD_WIDTH = {"slim": 0.9, "average": 1.0, "athletic": 1.05, "heavy": 1.22}
_BUILD_SHOULDER = {"slim": 0.94, "average": 1.0, "athletic": 1.12, "heavy": 1.1}


@dataclass(frozen=True)
class Proportions:
    """Rest joint positions (character space, metres, feet at y=0, facing +z) and body sizes."""

    height: float
    head_height: float
    head_radii: tuple[float, float, float]
    head_center: tuple[float, float, float]
    shoulder_half: float
    hip_half: float
    waist_half: float
    chest_depth: float
    limb: float  # a radius scale for arms and legs
    thigh: float
    shin: float
    ankle: float
    joints: dict[str, np.ndarray]


def proportions(a: Appearance) -> Proportions:
    """Body measurements for ``a``: gender, age and build change the shape, height scales it."""
    h = a.height_m
    child = a.age == "child"
    head_h = h * (0.185 if child else 0.15)
    crown, chin = h, h - head_h
    head_c = (crown + chin) / 2 - 0.02 * head_h
    shoulder_y = chin - h * 0.045
    hip_y = h * (0.47 if child else 0.515)
    ankle = h * 0.045
    knee_y = (hip_y + ankle) / 2 + 0.008 * h
    width = _BUILD_WIDTH[a.build]
    female = a.gender == "female"
    shoulder = h * (0.1 if female else 0.113 if a.gender == "male" else 0.106) * _BUILD_SHOULDER[a.build]
    hip_half = h * (0.09 if female else 0.08) * (width ** 0.7)
    arm_upper, arm_lower = h * 0.17, h * 0.15
    j = {
        "root": (0, 0, 0),
        "pelvis": (0, hip_y + 0.03 * h, 0),
        "spine": (0, hip_y + 0.4 * (shoulder_y - hip_y), 0),
        "chest": (0, hip_y + 0.62 * (shoulder_y - hip_y), 0),
        "neck": (0, shoulder_y + 0.005 * h, -0.005 * h),
        "head": (0, chin + 0.01 * h, -0.01 * h),
    }
    ry = head_h * 0.5
    radii = (ry * 0.8, ry, ry * 0.88)
    j["jaw"] = (0, head_c - 0.55 * ry, 0.55 * radii[2])
    j["mouth"] = (0, head_c - 0.44 * ry, 0.8 * radii[2])  # pivot on the upper lip line
    eye_y, eye_x = head_c + 0.06 * ry, 0.37 * radii[0]
    eye_z = radii[2] * math.sqrt(max(0.0, 1 - (eye_x / radii[0]) ** 2 - 0.06 ** 2)) - 0.075 * ry
    for side, sx in (("l", 1.0), ("r", -1.0)):
        j[f"lid_{side}"] = (sx * eye_x, eye_y, eye_z)
        j[f"clavicle_{side}"] = (sx * 0.02 * h, shoulder_y - 0.01 * h, -0.01 * h)
        j[f"upper_arm_{side}"] = (sx * shoulder, shoulder_y - 0.02 * h, -0.008 * h)
        j[f"forearm_{side}"] = (sx * shoulder, shoulder_y - 0.02 * h - arm_upper, -0.008 * h)
        j[f"hand_{side}"] = (sx * shoulder, shoulder_y - 0.02 * h - arm_upper - arm_lower, -0.008 * h)
        j[f"thigh_{side}"] = (sx * hip_half * 0.6, hip_y, 0)
        j[f"shin_{side}"] = (sx * hip_half * 0.6, knee_y, 0.004 * h)
        j[f"foot_{side}"] = (sx * hip_half * 0.6, ankle, 0)
    j["skirt"] = (0, hip_y + 0.06 * h, 0)
    palm = np.asarray(j["hand_r"]) - (0, 0.045 * h, -0.012 * h)
    for bone in PROPS.values():
        j[bone] = tuple(palm)
    _face_joints(j, head_h, radii)
    return Proportions(
        height=h,
        head_height=head_h,
        head_radii=radii,
        head_center=(0.0, head_c, 0.0),
        shoulder_half=shoulder,
        hip_half=hip_half,
        waist_half=h * 0.078 * width * (1.12 if a.build == "heavy" else 1.0) * (0.92 if female else 1.0),
        chest_depth=h * 0.062 * width,
        limb=h * (1.1 if a.build == "heavy" else 0.93 if a.build == "slim" else 1.0),
        thigh=hip_y - knee_y,
        shin=knee_y - ankle,
        ankle=ankle,
        joints={k: np.asarray(v, float) for k, v in j.items()},
    )


def _face_joints(j: dict, head_h: float, radii: tuple[float, float, float]) -> None:
    """Pivots of the expression bones: brows, eyeballs, the middle of each lip and the corners."""
    rx, ry, _ = radii
    m = j["mouth"]
    closed = MOUTH_CLOSED * MOUTH_HEIGHT * head_h
    j["lip_u"] = m
    j["lip_d"] = (0, m[1] - closed - 0.02 * ry, m[2])
    for side, sx in (("l", 1.0), ("r", -1.0)):
        eye = j[f"lid_{side}"]
        j[f"eye_{side}"] = eye
        j[f"brow_{side}"] = (eye[0] + sx * 0.04 * rx, eye[1] + 0.245 * ry, eye[2])
        j[f"corner_{side}"] = (sx * LIP_SPLIT * rx, m[1] - closed / 2 - 0.005 * ry, m[2])


def _sit_angles(p: Proportions, seated: bool) -> tuple[float, float]:
    """Hip flexion and knee bend (radians) for a full sit on a seat or on the ground."""
    if seated:
        return math.radians(88), math.radians(88)
    hip = math.radians(112)
    target = 0.075 * p.height  # hip joint height when sitting on the ground
    c = (target - p.ankle - p.thigh * math.cos(hip)) / p.shin
    return hip, hip - math.acos(max(-1.0, min(1.0, c)))


def local_transforms(pose: Pose, p: Proportions, seated: bool) -> dict[str, np.ndarray]:
    """Each bone's pose transform relative to its rest frame (rotation, scale, jaw offset)."""
    ph, w, s, wv, run = pose.walk_phase, pose.walk, pose.sit, pose.wave, pose.run
    hip_sit, knee_sit = _sit_angles(p, seated)
    gait = 1.0 - s
    out: dict[str, np.ndarray] = {}
    legs = {}
    for side, sign in (("l", 1.0), ("r", -1.0)):
        swing = sign * math.sin(ph)
        flex = w * gait * (0.42 + 0.3 * run) * swing + s * hip_sit + w * run * 0.25
        knee = w * gait * (0.12 + 0.2 * run + (0.65 + 0.75 * run) * max(0.0, sign * math.cos(ph))) + s * knee_sit
        splay = s * 0.12 * sign
        out[f"thigh_{side}"] = rot_z(splay) @ rot_x(-flex)
        out[f"shin_{side}"] = rot_x(knee)
        out[f"foot_{side}"] = rot_x(flex - knee)
        legs[side] = (swing, flex)
    out["skirt"] = rot_x(-0.5 * (legs["l"][1] + legs["r"][1]) * (0.5 + 0.5 * s))
    breath = math.sin(pose.breath)
    lean = s * (0.0 if seated else -0.12) + w * gait * (0.06 + 0.16 * run)
    out["pelvis"] = rot_y(w * gait * 0.08 * math.sin(ph)) @ rot_x(lean)
    out["spine"] = rot_x(0.01 * breath)
    out["chest"] = rot_y(-w * gait * 0.12 * math.sin(ph)) @ scale(1 + 0.012 * breath, 1.0, 1 + 0.02 * breath)
    head_pitch, head_yaw = pose.head_pitch, pose.head_yaw
    out["neck"] = rot_y(0.4 * head_yaw) @ rot_x(0.35 * head_pitch)
    out["head"] = rot_y(0.6 * head_yaw) @ rot_x(0.65 * head_pitch - 0.25 * lean)
    out.update(_face(pose, p))
    if pose.slump:
        out["chest"] = rot_x(0.14 * pose.slump) @ out["chest"]
    for side, sign in (("l", 1.0), ("r", -1.0)):
        out[f"clavicle_{side}"] = rot_y(-sign * 0.16 * pose.slump) @ rot_z(sign * 0.03 * breath * 0.5)
        arm_swing = -legs[side][0] * w * gait * (0.45 + 0.35 * run)
        out[f"upper_arm_{side}"] = rot_z(sign * (0.09 + 0.25 * s)) @ rot_x(-arm_swing - s * 0.35)
        out[f"forearm_{side}"] = rot_x(-(0.18 + 0.25 * w * gait + 0.6 * s + 1.15 * w * run))
        out[f"hand_{side}"] = np.eye(4)
    raise_ = rot_z(-wv * 1.85) @ rot_x(-0.3 * wv)
    out["upper_arm_r"] = raise_ @ _blend_rotation(out["upper_arm_r"], 1.0 - wv)
    out["forearm_r"] = rot_z(-wv * (0.85 + 0.4 * math.sin(pose.wave_phase))) @ _blend_rotation(out["forearm_r"], 1.0 - wv)
    out["hand_r"] = rot_z(-wv * 0.15 * math.sin(pose.wave_phase))
    for kind, bone in PROPS.items():
        out[bone] = scale(pose.prop if pose.prop_kind == kind else 0.0)
    for bone, *v in pose.bones:  # the action library's rotations, composed onto the procedural pose
        if bone in BONE_INDEX:
            out[bone] = out.get(bone, np.eye(4)) @ _rotation_vector(v)
    return out


def _rotation_vector(v) -> np.ndarray:
    """The 4x4 rotation of rotation vector ``v``."""
    angle = math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
    return _rotation(np.asarray(v) / angle, angle) if angle > 1e-12 else np.eye(4)


def _face(pose: Pose, p: Proportions) -> dict[str, np.ndarray]:
    """Jaw, lips, mouth corners, eyelids, eyeballs and brows for the mouth shape and expression."""
    ry, rz = p.head_radii[1], p.head_radii[2]
    open_ = max(0.0, min(1.0, pose.mouth_open))
    drop = (1 - MOUTH_CLOSED) * MOUTH_HEIGHT * p.head_height * open_
    width = 1.0 + 0.25 * pose.mouth_wide - 0.4 * pose.mouth_round
    pout = 0.06 * rz * pose.mouth_round
    out = {
        "mouth": scale(width * (1.0 - 0.15 * open_), MOUTH_CLOSED + (1 - MOUTH_CLOSED) * open_, 1.0),
        "jaw": translate(0, -drop, -0.02 * p.head_height * open_),
        "lip_u": translate(0, 0, pout) @ scale(width, 1.0, 1.0),
        "lip_d": translate(0, 0, pout) @ scale(width, 1.0, 1.0),
    }
    blink = max(0.0, min(1.0, pose.blink))
    rest = -0.56 - 0.35 * pose.lids  # wide eyes lift the lids, tired or narrowed ones lower them
    for side, sx in (("l", 1.0), ("r", -1.0)):
        lift = pose.smile + sx * pose.smirk
        shift = sx * LIP_SPLIT * p.head_radii[0] * (width - 1.0)
        out[f"corner_{side}"] = (translate(shift, -drop / 2 + 0.02 * ry * lift, 0.6 * pout + 0.04 * rz * max(lift, 0.0)) @ rot_z(sx * 0.45 * lift)
                                 @ scale(width, 1.0, 1.0))
        out[f"lid_{side}"] = rot_x(rest + (0.99 - rest) * blink)
        out[f"eye_{side}"] = rot_y(0.35 * pose.gaze_yaw) @ rot_x(-0.3 * pose.gaze_pitch)
        out[f"brow_{side}"] = translate(0, 0.1 * ry * pose.brow_raise, 0) @ rot_z(-sx * 0.3 * pose.brow_tilt)
    return out


def _blend_rotation(m: np.ndarray, t: float) -> np.ndarray:
    """A rotation matrix eased toward identity by ``t`` (1 keeps it, 0 is identity)."""
    angle, axis = _axis_angle(m[:3, :3])
    if angle < 1e-9:
        return np.eye(4)
    return _rotation(axis, angle * t)


def _axis_angle(r: np.ndarray) -> tuple[float, np.ndarray]:
    """The angle and unit axis of a 3x3 rotation (angles below pi)."""
    angle = math.acos(max(-1.0, min(1.0, (np.trace(r) - 1) / 2)))
    axis = np.array([r[2, 1] - r[1, 2], r[0, 2] - r[2, 0], r[1, 0] - r[0, 1]])
    n = np.linalg.norm(axis)
    return (angle, axis / n) if n > 1e-12 else (0.0, np.array([1.0, 0, 0]))


def _rotation(axis: np.ndarray, angle: float) -> np.ndarray:
    """A 4x4 rotation by ``angle`` about unit ``axis`` (Rodrigues)."""
    x, y, z = axis
    k = np.array([[0, -z, y], [z, 0, -x], [-y, x, 0]])
    m = np.eye(4)
    m[:3, :3] = np.eye(3) + math.sin(angle) * k + (1 - math.cos(angle)) * (k @ k)
    return m


def forward_kinematics(p: Proportions, local: dict[str, np.ndarray]) -> np.ndarray:
    """Character-space matrices (n_bones, 4, 4) mapping bone-local rest offsets to posed space:
    each bone is its parent's matrix, then its joint's offset from the parent's, then its pose.
    Batched one depth of the hierarchy at a time (a dozen matrix products, not one a bone)."""
    joints = np.array([p.joints[name] for name, _ in BONES], float)
    steps = np.tile(np.eye(4), (len(BONES), 1, 1))
    steps[_CHILDREN, :3, 3] = joints[_CHILDREN] - joints[_PARENTS]
    steps = steps @ np.stack([local.get(name, _EYE) for name, _ in BONES])
    mats = steps.copy()
    for bones, parents in _LEVELS:
        mats[bones] = mats[parents] @ steps[bones]
    return mats


def _levels() -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """(bones, their parents) for each depth below the roots, top down."""
    depth: dict[str, int] = {}
    for name, parent in BONES:
        depth[name] = 0 if parent is None else depth[parent] + 1
    out = []
    for d in range(1, max(depth.values()) + 1):
        at = [(BONE_INDEX[n], BONE_INDEX[parent]) for n, parent in BONES if depth[n] == d]
        out.append((np.array([a for a, _ in at]), np.array([b for _, b in at])))
    return tuple(out)


_EYE = np.eye(4)
_LEVELS = _levels()
_CHILDREN = np.concatenate([bones for bones, _ in _LEVELS])
_PARENTS = np.concatenate([parents for _, parents in _LEVELS])


def pose_matrices(
    p: Proportions, pose: Pose, world: np.ndarray, seat_height: float | None = None
) -> np.ndarray:
    """World bone matrices for ``pose``: feet planted on the ground, or hips on a seat."""
    local = local_transforms(pose, p, seated=seat_height is not None)
    mats = forward_kinematics(p, local)
    drop = _ground(p, mats, pose)
    if seat_height is not None:
        pelvis_y = mats[BONE_INDEX["pelvis"]][1, 3]
        on_seat = seat_height + 0.055 * p.height - pelvis_y
        drop += (on_seat - drop) * max(0.0, min(1.0, pose.sit))
    bounce = 0.045 * p.height / 1.7 * pose.walk * pose.run * abs(math.cos(pose.walk_phase))  # a run's flight
    return np.einsum("ij,njk->nik", world @ translate(pose.root[0], drop + pose.root[1] + bounce, pose.root[2]), mats)


def _ground(p: Proportions, mats: np.ndarray, pose: Pose) -> float:
    """How far to lift the posed body so it rests on the ground: on its feet, or (in an action
    that kneels or lies down) on whatever part of it is lowest."""
    ankles = min(mats[BONE_INDEX[f"foot_{s}"]][1, 3] for s in ("l", "r"))
    if not pose.bones:
        return p.ankle - ankles
    lowest = min(mats[BONE_INDEX[bone]][1, 3] - (p.ankle if r is None else r * p.height) for bone, r in CONTACTS)
    return -lowest


@lru_cache(maxsize=4096)
def head_center(a: Appearance, sit: float, seat_height: float | None,
                bones: tuple = (), root: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> tuple[float, float]:
    """(height of the head's centre above the ground, head radius) for ``a`` sitting ``sit``, in
    the pose the action library's ``bones`` and ``root`` give (kneeling, lying, bowing).

    Pure geometry (no GL), so the camera can frame where the head really is, seated or not.
    """
    p = proportions(a)
    mats = pose_matrices(p, Pose(sit=sit, bones=bones, root=root), np.eye(4), seat_height if sit > 0 else None)
    offset = np.array([*(np.asarray(p.head_center) - p.joints["head"]), 1.0])
    return float((mats[BONE_INDEX["head"]] @ offset)[1]), float(p.head_radii[1])
